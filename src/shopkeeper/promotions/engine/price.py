"""The pricing engine: a cart and its candidate promotions in, a priced and explained cart out.

Order of application (documented for buyers and staff alike):

1. **item** — one unit price per line: activity, flash-sale, member, new-customer,
   birthday, early-bird, bulk, N-th unit, bundle, points-plus-cash prices;
2. **order** — store 满减/满折 and gifts on what the lines cost after step 1;
3. **shipping** — free-shipping rules on what the lines cost after step 2;
4. **coupon** — store coupons (at most one per store, by `coupon_group`);
5. **platform** — cross-store reductions and platform vouchers, platform-funded.

Inside a stage, higher priority first, then lower id. A promotion only touches
lines it may stack on (exclusive, coupons-only, excluded tags, full-price-only).
Where several item prices that each stand alone on a line (unit prices,
early-bird prices, per-SKU N-th units) cover it, the cheapest takes it.

Which promotions run is a choice made for the buyer. When nothing among the
candidates competes (no two entangled item prices on one line, no exclusivity
clash, no coupon-group clash, no two points prices drawing on one points
balance, and no threshold or kept-off coupon that could pay off), running
everything is already the cheapest outcome: every step is monotone in what it is
given except thresholds, and none of those can do better. `cannot_pay_off`
settles most lost thresholds without a search: reaching a threshold costs at
least the gap to it, so gains smaller than every such cost need no search. A
threshold is at stake when an earlier discount pushed it below what list prices
reach, or when something that feeds its basis is itself being chosen. Otherwise the competing promotions — and, for a threshold at stake, the
earlier ones that feed its basis — are searched by branch and bound: every on/off
combination while there are at most `EXACT_LIMIT` of them (branches share their
common start and stop when they cannot beat the best found), a bounded method
above that (`search.choose`). The result says which (`PricedCart.search`).
What competes and what is at stake is worked out in `analysis`.
"""

from __future__ import annotations

from typing import Sequence

from shopkeeper.members import MEMBER_LEVELS
from shopkeeper.money import exponent
from shopkeeper.promotions.engine.analysis import cannot_pay_off, competing, thresholds_at_stake
from shopkeeper.promotions.engine.dispatch import hint
from shopkeeper.promotions.engine.ledger import Outcome
from shopkeeper.promotions.engine.passes import Pass
from shopkeeper.promotions.engine.results import Allocation, Hint, PricedCart, PricedLine, PricedShipping, Search, Step, Verdict
from shopkeeper.promotions.engine.search import EXACT_LIMIT, choose
from shopkeeper.promotions.engine.terms import STAGES, Audience, PricingRequest, Promotion, Shopper

__all__ = ["EXACT_LIMIT", "application_order", "price_cart", "screen"]

_STAGE_RANK = {stage: rank for rank, stage in enumerate(STAGES)}
NOT_CHOSEN = Outcome(False, reason="not_chosen")  # shared by every verdict that says so; nothing changes it


def application_order(promotions: Sequence[Promotion]) -> list[Promotion]:
    return sorted(promotions, key=lambda p: (_STAGE_RANK[p.stage], -p.priority, p.id))


def price_cart(request: PricingRequest) -> PricedCart:
    screened: dict[int, Outcome] = {}
    covered: dict[int, tuple[int, ...]] = {}
    for promo in request.promotions:
        refusal = screen(promo, request)
        if refusal is None:
            lines = _covered_lines(promo, request)
            if lines:
                covered[promo.id] = lines
            else:
                refusal = Outcome(False, reason="nothing_covered")
        if refusal is not None:
            screened[promo.id] = refusal
    ranked = application_order(request.promotions)  # the verdicts' order too
    order = [p for p in ranked if p.id in covered]
    everything = Pass(request, covered).run(order)
    hard, soft = competing(order, covered)
    entangled = hard | soft
    # the bound speaks of changes to the full run; with other choices to make, it does not hold for their branches
    if not hard and (soft or any(t.at_list > t.achieved for t in everything.thresholds.values())):
        if cannot_pay_off(everything, order, covered, soft):
            soft = set()
            everything.settled = True
    contested = thresholds_at_stake(everything, order, covered, hard | soft)
    search: Search = "single"
    best = everything
    if contested:
        best, search = choose(request, covered, order, contested, entangled, everything)
    return _finish(request, ranked, order, best, screened, search)


# --- who may have it ------------------------------------------------------------------------------

def screen(promo: Promotion, request: PricingRequest) -> Outcome | None:
    """The reason a promotion cannot apply to this buyer now, or None."""
    now = request.now
    if promo.starts_at is not None and now < promo.starts_at:
        return Outcome(False, reason="not_started", detail={"starts_at": promo.starts_at.isoformat()})
    if promo.ends_at is not None and now >= promo.ends_at:
        return Outcome(False, reason="ended", detail={"ended_at": promo.ends_at.isoformat()})
    refusal = audience_refusal(promo.audience, request.shopper, promo.scope.store_id)
    if refusal is not None:
        return refusal
    if promo.allowance is not None and promo.allowance <= 0:
        return Outcome(False, reason="limit_reached")
    return None


def audience_refusal(audience: Audience, shopper: Shopper, store_id: int | None = None) -> Outcome | None:
    """New and returning are counted in the promotion's store (店铺新客), or on the whole platform for platform promotions.
    A fans-only promotion is the fans' of its store: a platform one has no store, so no fans (the service refuses it)."""
    paid_orders = shopper.paid_orders if store_id is None else shopper.paid_orders_by_store.get(store_id, shopper.paid_orders)
    if audience.buyer_ids and shopper.buyer_id not in audience.buyer_ids:
        return Outcome(False, reason="not_targeted")
    if audience.min_member_level and level_rank(shopper.member_level) < level_rank(audience.min_member_level):
        return Outcome(False, reason="member_level_too_low", detail={"needs": audience.min_member_level, "has": shopper.member_level})
    if audience.customer == "new" and paid_orders > 0:
        return Outcome(False, reason="new_customers_only")
    if audience.customer == "returning" and paid_orders == 0:
        return Outcome(False, reason="returning_customers_only")
    if audience.birthday_month and not shopper.birthday_month:
        return Outcome(False, reason="birthday_month_only")
    if audience.fans_only and (store_id is None or store_id not in shopper.fan_of):
        return Outcome(False, reason="fans_only")
    return None


def level_rank(level: str) -> int:
    return MEMBER_LEVELS.index(level) if level in MEMBER_LEVELS else -1


def _covered_lines(promo: Promotion, request: PricingRequest) -> tuple[int, ...]:
    scope = promo.scope
    only = promo.benefit.only_skus  # a bundle's items
    return tuple([i for i, line in enumerate(request.lines)
                  if scope.covers(line.store_id, line.category_id, line.product_id, line.sku_id)
                  and (only is None or line.sku_id in only)])


# --- the result -----------------------------------------------------------------------------------

def _finish(request: PricingRequest, ranked: list[Promotion], order: list[Promotion], run: Pass,
            screened: dict[int, Outcome], search: Search) -> PricedCart:
    # `tuple.__new__` builds each named tuple from its fields in order, without the Python-level `__new__`
    # that the named tuple's own constructor runs: a cart makes dozens of them
    make = tuple.__new__
    lines = tuple([make(PricedLine, (
        ln.src.sku_id, ln.src.product_id, ln.src.store_id, ln.src.quantity, ln.src.unit_price, ln.list_total, ln.amount,
        tuple([make(Allocation, d) for d in ln.discounts]), tuple([make(Step, s) for s in ln.steps]), ln.gift, ln.points,
        ln.earns_points)) for ln in run.lines])
    shipping = tuple([make(PricedShipping, (store, fee, run.shipping[store].payable,
                                            tuple([make(Allocation, d) for d in run.shipping[store].discounts])))
                      for store, fee in sorted(request.shipping.items())])
    earning = sum(line.payable for line in lines if line.earns_points and not line.gift)
    points_earned = earning * request.points_per_unit // 10 ** exponent(request.currency)
    verdicts = []
    for promo in ranked:
        outcome = screened.get(promo.id)
        if outcome is None:
            outcome = NOT_CHOSEN if promo.id in run.switched_off else run.outcomes.get(promo.id, NOT_CHOSEN)
        verdicts.append(make(Verdict, (promo.id, promo.name, promo.kind, promo.stage, promo.funder, outcome.applied,
                                       outcome.amount, outcome.reason, outcome.detail, promo.coupon_id, outcome.units)))
    return PricedCart(request.currency, lines, shipping, tuple(verdicts), nearest_threshold(run, order),
                      search, sum(line.points_spent for line in lines), points_earned)


def nearest_threshold(run: Pass, order: Sequence[Promotion]) -> Hint | None:
    """凑单: the closest threshold still ahead that would save something; money thresholds before unit counts."""
    best: tuple[bool, int, int, int] | None = None  # the sort key: (unit basis, short, -saves, promotion id)
    found: Hint | None = None
    for promo in order:
        standing = run.thresholds.get(promo.id)
        if standing is None or promo.id in run.switched_off:
            continue
        found_here = hint(promo, run, standing)
        if found_here is None:
            continue
        basis, short, saves, gift_sku_id = found_here
        if saves <= 0:
            continue
        key = (basis != "amount", short, -saves, promo.id)
        if best is None or key < best:
            best = key
            found = tuple.__new__(Hint, (promo.id, promo.name, basis, short, saves, gift_sku_id, promo.benefit.frees_shipping))
    return found
