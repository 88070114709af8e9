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
common start and stop when they cannot beat the best found), the best of a fixed
budget of branches above that. The result says which (`PricedCart.search`).
"""

from __future__ import annotations

from typing import Sequence

from shopkeeper.money import exponent
from shopkeeper.promotions.applying import Outcome, Pass, percent_of, proportional_share, reduction_off, separable
from shopkeeper.promotions.results import Allocation, Hint, PricedCart, PricedLine, PricedShipping, Search, Step, Verdict
from shopkeeper.promotions.terms import (
    MEMBER_LEVELS,
    STAGES,
    Audience,
    Bundle,
    FreeShipping,
    Gift,
    PointsPrice,
    PricingRequest,
    Promotion,
    Reduction,
    Shopper,
)

EXACT_LIMIT = 8  # up to 2^8 on/off choices, most cut short by the bound: exact
BOUNDED_NODES = 40  # above that, branches looked at before settling for the best found

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
    order = application_order([p for p in request.promotions if p.id in covered])
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
        best, search = choose(request, covered, order, contested, entangled)
    return _finish(request, order, best, screened, search)


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
    """New and returning are counted in the promotion's store (店铺新客), or on the whole platform for platform promotions."""
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
    return None


def level_rank(level: str) -> int:
    return MEMBER_LEVELS.index(level) if level in MEMBER_LEVELS else -1


def _covered_lines(promo: Promotion, request: PricingRequest) -> tuple[int, ...]:
    scope = promo.scope
    bundle = promo.benefit.items if isinstance(promo.benefit, Bundle) else None
    return tuple(i for i, line in enumerate(request.lines)
                 if scope.covers(line.store_id, line.category_id, line.product_id, line.sku_id)
                 and (bundle is None or line.sku_id in bundle))


# --- what competes --------------------------------------------------------------------------------

def competing(order: Sequence[Promotion], covered: dict[int, tuple[int, ...]]) -> tuple[set[int], set[int]]:
    """Promotions that can block one another on some line, or share a coupon group.

    Second, apart: the coupons that full-price-only or an excluded tag keep off lines an earlier price
    touched, with those prices (`cannot_pay_off` may show that giving up the prices can never pay)."""
    contested: set[int] = set()
    soft: set[int] = set()
    groups: dict[str, list[int]] = {}
    by_line: dict[int, list[Promotion]] = {}
    for promo in order:
        if promo.coupon_group is not None:
            groups.setdefault(promo.coupon_group, []).append(promo.id)
        for index in covered[promo.id]:
            by_line.setdefault(index, []).append(promo)
    for ids in groups.values():
        if len(ids) > 1:
            contested.update(ids)
    # points prices on different lines still draw on the one points balance of the buyer
    points = [p.id for p in order if isinstance(p.benefit, PointsPrice)]
    if len(points) > 1:
        contested.update(points)
    alone = {p.id: separable(p, covered) for p in order if p.stage == "item"}
    for promos in by_line.values():
        if len(promos) > 1:
            contested |= _clashes(promos, alone)
            soft |= _kept_off(promos)
    return contested, soft - contested


def _clashes(promos: list[Promotion], alone: dict[int, bool]) -> set[int]:
    """On one line: entangled item prices, and whatever an exclusive or coupons-only promotion shares it with."""
    clashing: set[int] = set()
    items = [p.id for p in promos if p.stage == "item"]
    if len(items) > 1 and not all(alone[i] for i in items):
        clashing.update(items)  # the cheapest per line is taken where each price stands alone (applying.cheapest_item_prices)
    for promo in promos:
        if promo.stacking == "exclusive":
            clashing.update(q.id for q in promos)
        elif promo.stacking == "coupons_only":
            rivals = [q.id for q in promos if q.id != promo.id and q.coupon_id is None]
            if rivals:
                clashing.add(promo.id)
                clashing.update(rivals)
    return clashing


def _kept_off(promos: list[Promotion]) -> set[int]:
    """A coupon kept off a line by full-price-only or an excluded tag, and the prices that keep it off."""
    kept: set[int] = set()
    for promo in promos:
        if promo.excludes_tags:
            rivals = [q.id for q in promos if q.id != promo.id and q.tags & promo.excludes_tags]
            if rivals:
                kept.add(promo.id)
                kept.update(rivals)
        if promo.full_price_only:
            rivals = [q.id for q in promos if q.id != promo.id and q.stage == "item"]
            if rivals:
                kept.add(promo.id)
                kept.update(rivals)
    return kept


def cannot_pay_off(run: Pass, order: Sequence[Promotion], covered: dict[int, tuple[int, ...]], soft: set[int]) -> bool:
    """True when no change to the full run can lower the payable through thresholds or kept-off coupons.

    Every such gain needs a cost first: a threshold is only reached by paying at least the gap to its next
    tier more before it (what feeds a basis raises it by no more than it raises the payable), and a kept-off
    coupon only comes back by giving up a price that saved at least as much as the smallest one there. The
    gains are bounded by what each threshold would give at list prices over what it gave. Within the tier it
    stands on, a percentage reduction gains nothing worth chasing: it gives back a share of a rise, never all
    of it, so the costs are counted net of those shares. When all the gains together cannot exceed the
    smallest cost, the full run stands.
    """
    by_id = {p.id: p for p in order}
    gain, costs = 0, []
    for promo_id, standing in run.thresholds.items():
        if standing.at_list > standing.achieved and not isinstance(by_id[promo_id].benefit, Gift):  # a gift costs nothing
            gap = gap_to_next(by_id[promo_id], standing.basis)
            if gap is None:
                return False
            gain += standing.at_list - standing.achieved
            costs.append(gap)
    kept_off = [by_id[i] for i in soft if by_id[i].full_price_only or by_id[i].excludes_tags]
    for promo in kept_off:
        kept = run.thresholds.get(promo.id)
        if kept is None or not isinstance(promo.benefit, Reduction):
            return False  # kept off every line: nothing bounds what it could give
        gain += kept.at_list - kept.achieved
    for promo_id in soft:
        promo = by_id[promo_id]
        blocks = any(other.id != promo_id and (other.excludes_tags & promo.tags or (other.full_price_only and promo.stage == "item"))
                     for other in kept_off)
        if blocks:  # a promotion may be kept off one coupon and keep another off: both roles count
            outcome = run.outcomes.get(promo_id)
            if outcome is None or not outcome.applied:
                continue
            if promo.stage == "item" and any(other.id != promo_id and other.stage == "item" and
                                             set(covered[other.id]) & set(covered[promo_id]) for other in order):
                return False  # giving it up hands its lines to another price: the cost is not its whole saving
            costs.append(outcome.amount)
    # a percentage reduction after the rise hands part of every cost back (applying.proportional_share)
    return gain == 0 or (bool(costs) and gain <= min(costs) * proportional_share(order))


def gap_to_next(promo: Promotion, basis: int) -> int | None:
    """Money still missing to the next threshold of a money-basis threshold promotion (None: cannot say)."""
    b = promo.benefit
    if isinstance(b, Reduction) and b.basis == "amount":
        if b.every:
            return (basis // b.every + 1) * b.every - basis
        ahead = [t.threshold for t in b.tiers if t.threshold > basis]
        return min(ahead) - basis if ahead else None
    if isinstance(b, (Gift, FreeShipping)) and b.basis == "amount" and basis < b.threshold:
        return b.threshold - basis
    return None


def feeders(order: Sequence[Promotion], covered: dict[int, tuple[int, ...]]) -> dict[int, set[int]]:
    """For each threshold, every earlier promotion that can change its basis.

    An earlier promotion on its lines does; so does one earlier still on the lines
    of such a promotion, since a subtotal reduction is shared by what each of its
    lines costs at that moment (walking back in application order finds them all).
    """
    masks = [line_mask(covered[promo.id]) for promo in order]
    fed: dict[int, set[int]] = {}
    for position, promo in enumerate(order):
        if not isinstance(promo.benefit, (Reduction, Gift, FreeShipping)):
            continue
        lines = masks[position]
        group = promo.coupon_group
        earlier: set[int] = set()
        for back in range(position - 1, -1, -1):
            if group is not None and order[back].coupon_group == group:
                continue  # a coupon of the same group never feeds it: while that one is used, this one is not
            if lines & masks[back]:
                earlier.add(order[back].id)
                lines |= masks[back]
        fed[promo.id] = earlier
    return fed


def line_mask(lines: tuple[int, ...]) -> int:
    """The lines as bits of one integer, so that two promotions' lines meet in one `&`."""
    mask = 0
    for index in lines:
        mask |= 1 << index
    return mask


def thresholds_at_stake(run: Pass, order: Sequence[Promotion], covered: dict[int, tuple[int, ...]],
                        contested: set[int]) -> set[int]:
    """`contested` grown by the thresholds at stake and what feeds them.

    At stake: list prices would reach more than the full run did (earlier discounts
    pushed the cart below), or something feeding the basis is itself being chosen,
    so what the threshold reaches depends on the choice.
    """
    lost = not run.settled and any(t.at_list > t.achieved for t in run.thresholds.values())
    if not contested and not lost:
        return set()  # nothing chosen and nothing lost: no threshold can be at stake
    fed = feeders(order, covered)
    chosen = set(contested)
    for promo_id, standing in run.thresholds.items():
        if standing.at_list > standing.achieved and not run.settled:
            chosen |= {promo_id} | fed[promo_id]
    grown = True
    while grown:
        grown = False
        for promo_id, earlier in fed.items():
            if not earlier.isdisjoint(chosen) and (promo_id not in chosen or not earlier <= chosen):
                chosen |= {promo_id} | earlier
                grown = True
    return chosen


def choose(request: PricingRequest, covered: dict[int, tuple[int, ...]], order: list[Promotion],
           contested: set[int], entangled: set[int]) -> tuple[Pass, Search]:
    """The cheapest on/off choice among the contested promotions (the others always run): exact while there are
    at most `EXACT_LIMIT` of them, else the best of the first `BOUNDED_NODES` branches (everything on among them)."""
    if len(contested) <= EXACT_LIMIT:
        return branch_and_bound(request, covered, order, contested, entangled), "exact"
    return branch_and_bound(request, covered, order, contested, entangled, BOUNDED_NODES), "bounded"


def branch_and_bound(request: PricingRequest, covered: dict[int, tuple[int, ...]], order: list[Promotion],
                     contested: set[int], entangled: set[int], budget: int | None = None) -> Pass:
    """Every on/off choice of the contested promotions, as exact as trying each in a pass of its own, cheaper:
    branches share the passes' common start, and a branch is left as soon as it cannot beat the best found,
    since each promotion still to run can take off at most `most_saved` from what the lines cost by then.
    Item prices are chosen first (who holds each line depends on all of them); a choice that leaves the lines as
    another did is not followed again. The later stages branch as they come. Everything on is tried first, and a
    tie keeps what was found first.

    Leaving a later promotion out is not tried where it cannot help: where it did nothing with everything before
    it as chosen (the two branches would be the same), or where what it saves already outweighs the most that
    every promotion it feeds could ever give (`worth_keeping`)."""
    items = [p for p in order if p.stage == "item"]
    later = [p for p in order if p.stage != "item"]
    outweighs = feeding_ceilings(later, covered, request)
    item_rivals = [p.id for p in items if p.id in contested]
    best: list[Pass] = []
    best_payable = [0]
    spent = [0]
    seen: set[tuple[object, ...]] = set()

    def descend(state: Pass, i: int) -> None:
        spent[0] += 1
        if budget is not None and spent[0] > budget and best:
            return  # bounded: the budget is spent, the best found stands
        while i < len(later) and later[i].id not in contested:
            state.apply(later[i])
            i += 1
        payable = state.payable()
        if best and payable >= best_payable[0] and not could_save(later, i, state, payable - best_payable[0]):
            return
        if i == len(later):
            best[:], best_payable[0] = [state], payable
            return
        promo = later[i]
        branch = state.copy()
        branch.apply(promo)
        saved = payable - branch.payable()
        descend(branch, i + 1)
        if worth_keeping(promo, branch.outcomes[promo.id], saved, outweighs, entangled):
            return
        state.switched_off = state.switched_off | {promo.id}
        descend(state, i + 1)

    for mask in range(1 << len(item_rivals)):
        if budget is not None and spent[0] > budget and best:
            break
        spent[0] += 1
        off = frozenset(item_rivals[k] for k in range(len(item_rivals)) if mask >> k & 1)
        start = Pass(request, covered)
        start.switched_off = off
        enabled = [p for p in items if p.id not in off]
        start.choose_item_prices(enabled)
        for promo in enabled:
            start.apply(promo)
        if start.later_stages_see() in seen:
            continue  # another choice of item prices left the lines just so: what follows is the same
        seen.add(start.later_stages_see())
        descend(start, 0)
    return best[0]


def worth_keeping(promo: Promotion, outcome: Outcome, saved: int, outweighs: dict[int, int], entangled: set[int]) -> bool:
    """True when running `promo` is at least as good as leaving it out, whatever comes after.

    A promotion that did not apply changed nothing. One that applied and keeps nothing off any line (it is not
    entangled: no exclusivity, coupons-only, excluded tag or coupon group at stake) only changes what the
    promotions after it are given: the cart is `saved` cheaper, and those it feeds take off less, at most all
    they could ever take off. When `saved` covers that, leaving it out never pays."""
    if not outcome.applied:
        return True
    return promo.id not in entangled and saved >= outweighs[promo.id]


def feeding_ceilings(later: list[Promotion], covered: dict[int, tuple[int, ...]], request: PricingRequest) -> dict[int, int]:
    """For each later promotion, the most that every promotion after it on its lines could ever take off."""
    fed = feeders(later, covered)
    ceilings = {promo.id: ceiling(promo, covered[promo.id], request) for promo in later}
    return {promo.id: sum(ceilings[t] for t, earlier in fed.items() if promo.id in earlier) for promo in later}


def ceiling(promo: Promotion, lines: tuple[int, ...], request: PricingRequest) -> int:
    """The most a threshold promotion could take off this cart in any branch: every tier on list prices."""
    b = promo.benefit
    if isinstance(b, FreeShipping):
        return sum(request.shipping.get(store, 0) for store in {request.lines[i].store_id for i in lines})
    if not isinstance(b, Reduction):
        return 0  # a gift costs the buyer nothing, so it changes no payable
    listed = sum(request.lines[i].unit_price * request.lines[i].quantity for i in lines)
    if b.every:
        most = b.tiers[0].amount_off * (max(listed, sum(request.lines[i].quantity for i in lines)) // b.every)
    else:
        most = max(percent_of(listed, t.percent_off) if t.percent_off is not None else t.amount_off for t in b.tiers)
    if b.cap is not None:
        most = min(most, b.cap)
    return min(most, listed)


def could_save(later: list[Promotion], start: int, state: Pass, needed: int) -> bool:
    """Whether the promotions from `start` on might still take off more than `needed` (summed only as far as that)."""
    saved = 0
    for promo in later[start:]:
        saved += most_saved(promo, state)
        if saved > needed:
            return True
    return False


def most_saved(promo: Promotion, state: Pass) -> int:
    """The most a promotion of the order stage or later can still take off: what it would give on what its lines
    cost now (they only get cheaper, and tiers rise with the basis); a gift costs the buyer nothing."""
    b = promo.benefit
    kind = type(b)
    if kind is Gift:
        return 0
    lines, covered = state.lines, state.covered[promo.id]
    if kind is FreeShipping:
        shipping = state.shipping
        return sum(shipping[store].payable for store in {lines[i].src.store_id for i in covered} if store in shipping)
    amount = 0
    for i in covered:
        amount += lines[i].amount
    if kind is Reduction:
        assert isinstance(b, Reduction)
        return reduction_off(b, amount if b.basis == "amount" else sum(lines[i].src.quantity for i in covered), amount)
    return amount


# --- the result -----------------------------------------------------------------------------------

def _finish(request: PricingRequest, order: list[Promotion], run: Pass, screened: dict[int, Outcome],
            search: Search) -> PricedCart:
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
    for promo in application_order(request.promotions):
        outcome = screened.get(promo.id)
        if outcome is None:
            outcome = NOT_CHOSEN if promo.id in run.switched_off else run.outcomes.get(promo.id, NOT_CHOSEN)
        verdicts.append(make(Verdict, (promo.id, promo.name, promo.kind, promo.stage, promo.funder, outcome.applied,
                                       outcome.amount, outcome.reason, outcome.detail, promo.coupon_id, outcome.units)))
    return PricedCart(request.currency, lines, shipping, tuple(verdicts), nearest_threshold(run, order),
                      search, sum(line.points_spent for line in lines), points_earned)


def nearest_threshold(run: Pass, order: Sequence[Promotion]) -> Hint | None:
    """凑单: the closest threshold still ahead that would save something; money thresholds before unit counts."""
    hints: list[Hint] = []
    for promo in order:
        standing = run.thresholds.get(promo.id)
        if standing is None or promo.id in run.switched_off:
            continue
        b = promo.benefit
        if isinstance(b, Reduction):
            if b.every:
                target = (standing.basis // b.every + 1) * b.every
            else:
                ahead = [t.threshold for t in b.tiers if t.threshold > standing.basis]
                if not ahead:
                    continue
                target = min(ahead)
            # what the lines would cost before this reduction: now plus what it took, plus what the buyer adds
            amount = sum(run.lines[i].amount for i in run.covered[promo.id]) + standing.achieved
            grown = target if b.basis == "amount" else amount
            saves = reduction_off(b, target, grown) - standing.achieved
            if saves > 0:
                hints.append(Hint(promo.id, promo.name, b.basis, target - standing.basis, saves))
        elif isinstance(b, Gift) and standing.achieved == 0 and standing.basis < b.threshold:
            # reaching the threshold earns one set of the gift, as far as the stock goes
            info = run.request.gifts.get(b.sku_id)
            value = info.unit_price * min(b.quantity, info.available) if info else 0
            if value > 0:
                hints.append(Hint(promo.id, promo.name, b.basis, b.threshold - standing.basis, value,
                                  gift_sku_id=b.sku_id))
        elif isinstance(b, FreeShipping) and standing.achieved == 0 and standing.basis < b.threshold:
            stores = {run.lines[i].src.store_id for i in run.covered[promo.id]}
            fee = sum(run.shipping[s].payable for s in stores if s in run.shipping)
            if fee:
                hints.append(Hint(promo.id, promo.name, b.basis, b.threshold - standing.basis, fee, free_shipping=True))
    if not hints:
        return None
    return min(hints, key=lambda h: (h.basis != "amount", h.short, -h.saves, h.promotion_id))
