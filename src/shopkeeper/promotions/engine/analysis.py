"""What competes in a cart, and which thresholds are at stake: the facts `price.price_cart` decides the search on.

Two promotions compete when one can block the other on some line (exclusive,
coupons-only, two item prices that do not each stand alone), when they share a
coupon group, or when they draw on one points balance. A threshold is at stake
when list prices would reach more than the full run did, or when something that
feeds its basis is itself being chosen. `cannot_pay_off` settles most lost
thresholds without a search.
"""

from __future__ import annotations

from typing import Sequence

from shopkeeper.promotions.engine.benefits.reduction import proportional_share
from shopkeeper.promotions.engine.dispatch import gap_to_next
from shopkeeper.promotions.engine.passes import Pass, separable
from shopkeeper.promotions.engine.terms import Promotion


def competing(order: Sequence[Promotion], covered: dict[int, tuple[int, ...]]) -> tuple[set[int], set[int]]:
    """Promotions that can block one another on some line, or share a coupon group.

    Second, apart: the coupons that full-price-only or an excluded tag keep off lines an earlier price
    touched, with those prices (`cannot_pay_off` may show that giving up the prices can never pay)."""
    contested: set[int] = set()
    soft: set[int] = set()
    groups: dict[str, list[int]] = {}
    points: list[int] = []
    items_by_line: dict[int, list[Promotion]] = {}
    blocking: list[Promotion] = []  # exclusive, coupons-only, excluding tags or full-price-only: may keep others off
    for promo in order:
        if promo.coupon_group is not None:
            groups.setdefault(promo.coupon_group, []).append(promo.id)
        if promo.benefit.spends_points:
            points.append(promo.id)
        if promo.stage == "item":
            for index in covered[promo.id]:
                items_by_line.setdefault(index, []).append(promo)
        if promo.stacking != "stacks" or promo.excludes_tags or promo.full_price_only:
            blocking.append(promo)
    for ids in groups.values():
        if len(ids) > 1:
            contested.update(ids)
    # points prices on different lines still draw on the one points balance of the buyer
    if len(points) > 1:
        contested.update(points)
    for items in items_by_line.values():
        # the cheapest per line is taken where each price stands alone (passes.cheapest_item_prices)
        if len(items) > 1 and not all(separable(p, covered) for p in items):
            contested.update(p.id for p in items)
    if blocking:
        masks = {promo.id: line_mask(covered[promo.id]) for promo in order}
        for promo in blocking:
            mask = masks[promo.id]
            sharing = [q for q in order if q.id != promo.id and masks[q.id] & mask]  # on some line with it
            if promo.stacking == "exclusive" and sharing:
                contested.add(promo.id)
                contested.update(q.id for q in sharing)
            elif promo.stacking == "coupons_only":
                _join(contested, promo, [q for q in sharing if q.coupon_id is None])
            if promo.excludes_tags:
                _join(soft, promo, [q for q in sharing if q.tags & promo.excludes_tags])
            if promo.full_price_only:
                _join(soft, promo, [q for q in sharing if q.stage == "item"])
    return contested, soft - contested


def _join(found: set[int], promo: Promotion, rivals: list[Promotion]) -> None:
    """A promotion and the rivals it keeps off (or is kept off by) on its lines, when there are any."""
    if rivals:
        found.add(promo.id)
        found.update(q.id for q in rivals)


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
        if standing.at_list > standing.achieved and by_id[promo_id].benefit.lowers_payable:  # a gift lowers none
            gap = gap_to_next(by_id[promo_id], standing.basis)
            if gap is None:
                return False
            gain += standing.at_list - standing.achieved
            costs.append(gap)
    kept_off = [by_id[i] for i in soft if by_id[i].full_price_only or by_id[i].excludes_tags]
    for promo in kept_off:
        kept = run.thresholds.get(promo.id)
        if kept is None or not promo.benefit.bounded_at_list:
            return False  # kept off every line, or of a kind its list-price standing does not bound: nothing bounds it
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
    # a percentage reduction after the rise hands part of every cost back (passes.proportional_share)
    return gain == 0 or (bool(costs) and gain <= min(costs) * proportional_share(order))


def feeders(order: Sequence[Promotion], covered: dict[int, tuple[int, ...]]) -> dict[int, set[int]]:
    """For each threshold, every earlier promotion that can change its basis.

    An earlier promotion on its lines does; so does one earlier still on the lines
    of such a promotion, since a subtotal reduction is shared by what each of its
    lines costs at that moment (walking back in application order finds them all).
    """
    masks = [line_mask(covered[promo.id]) for promo in order]
    fed: dict[int, set[int]] = {}
    for position, promo in enumerate(order):
        if not promo.benefit.is_threshold:
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
