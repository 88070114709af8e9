"""One pass of the pricing pipeline: apply a set of promotions, in stage order, to a cart.

The pass is deterministic: promotions run stage by stage (item → order →
shipping → coupon → platform), inside a stage by priority (highest first)
then id. A promotion touches only the lines it may stack on; everything it
takes off is allocated to those lines by largest remainder, with its funder.
`price.price_cart` chooses *which* promotions run; this module runs them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Callable, Mapping, Sequence

from shopkeeper.promotions.engine.results import NO_DETAIL
from shopkeeper.promotions.engine.terms import (
    BulkPrice,
    Bundle,
    CartLine,
    EarlyBird,
    FreeShipping,
    Gift,
    NthUnit,
    PointsPrice,
    PricingRequest,
    Promotion,
    Reduction,
    Tier,
    UnitPrice,
)


class Line:
    """A cart line while the pipeline runs (mutable; `results.PricedLine` is its frozen end state)."""

    __slots__ = ("src", "list_total", "amount", "item_owner", "exclusive_owner", "coupons_only_owner", "touched_other",
                 "tags", "steps", "discounts", "points", "earns_points", "gift")

    def __init__(self, src: CartLine, gift: bool = False) -> None:
        self.src = src
        self.list_total = src.unit_price * src.quantity
        self.amount = 0 if gift else self.list_total
        self.item_owner: int | None = None
        self.exclusive_owner: int | None = None
        self.coupons_only_owner: int | None = None
        self.touched_other = False  # touched by a promotion that is not a coupon
        # tuples and frozensets, replaced rather than changed, so a branch of the search shares them for free
        self.tags: frozenset[str] = frozenset()
        self.steps: tuple[tuple[int, int], ...] = ()
        self.discounts: tuple[tuple[int, str, int], ...] = ()  # (promotion id, funder, minor)
        self.points = 0
        self.earns_points = True
        self.gift = gift

    def copy(self) -> "Line":
        twin = Line(self.src, self.gift)
        twin.amount = self.amount
        twin.item_owner, twin.exclusive_owner, twin.coupons_only_owner = self.item_owner, self.exclusive_owner, self.coupons_only_owner
        twin.touched_other, twin.tags, twin.points, twin.earns_points = self.touched_other, self.tags, self.points, self.earns_points
        twin.steps, twin.discounts = self.steps, self.discounts
        return twin


class Fee:
    """One store's shipping fee while the pipeline runs."""

    __slots__ = ("payable", "discounts")

    def __init__(self, fee: int) -> None:
        self.payable = fee
        self.discounts: tuple[tuple[int, str, int], ...] = ()

    def copy(self) -> "Fee":
        twin = Fee(self.payable)
        twin.discounts = self.discounts
        return twin


class Outcome:
    """What happened to one promotion in a pass.

    A plain class with its own `__init__` rather than a dataclass: compiled, a dataclass's generated
    `__init__` still runs as Python, and the engine makes one of these for every promotion in every pass."""

    __slots__ = ("applied", "amount", "reason", "detail", "units")

    def __init__(self, applied: bool, amount: int = 0, reason: str = "applied",
                 detail: Mapping[str, int | str] | None = None, units: int = 0) -> None:
        self.applied = applied
        self.amount = amount
        self.reason = reason
        self.detail: Mapping[str, int | str] = NO_DETAIL if detail is None else detail  # read-only, shared when empty
        self.units = units  # units (or bundle sets) counted against the promotion's allowance

    def __repr__(self) -> str:
        return f"Outcome({self.applied}, {self.amount}, {self.reason!r}, {self.detail}, {self.units})"


class Threshold:
    """A threshold promotion's standing after a pass: used for the 凑单 hint and to decide whether to search."""

    __slots__ = ("basis", "list_basis", "achieved", "at_list")

    def __init__(self, basis: int, list_basis: int, achieved: int, at_list: int) -> None:
        self.basis = basis  # what the eligible lines reached (minor units or units)
        self.list_basis = list_basis  # the same at list prices over every covered line
        self.achieved = achieved  # what it took off
        self.at_list = at_list  # what it would take off at list_basis; equal to `achieved` where list prices reach no other tier


class Pass:
    def __init__(self, request: PricingRequest, covered: dict[int, tuple[int, ...]],
                 lines: list[Line] | None = None, shipping: dict[int, Fee] | None = None) -> None:
        self.request = request
        self.covered = covered
        self.lines = [Line(src) for src in request.lines] if lines is None else lines
        self.shipping = {store: Fee(fee) for store, fee in request.shipping.items()} if shipping is None else shipping
        self.points_left = request.shopper.points_balance
        self.allowance: dict[int, int | None] = {}
        self.groups_used: dict[str, int] = {}
        self.outcomes: dict[int, Outcome] = {}
        self.thresholds: dict[int, Threshold] = {}
        self.switched_off: frozenset[int] = frozenset()  # set by the search: promotions left out on purpose
        self.settled = False  # the lost thresholds cannot pay off (analysis.cannot_pay_off)
        self.item_winner: dict[int, int] = {}  # line index → the item price that is cheapest there, where several compete
        self.alone: Alone | None = None  # what each separable item price would make each line cost: one per cart

    # --- running ------------------------------------------------------------------------------

    def run(self, promotions: Sequence[Promotion]) -> "Pass":
        self.choose_item_prices(promotions)
        for promo in promotions:
            self.apply(promo)
        return self

    def payable(self) -> int:
        return sum(line.amount for line in self.lines) + sum(fee.payable for fee in self.shipping.values())

    def apply(self, promo: Promotion) -> None:
        """One more promotion, in application order (item prices come after `choose_item_prices`)."""
        self.outcomes[promo.id] = self._apply(promo)

    def choose_item_prices(self, promotions: Sequence[Promotion]) -> None:
        if self.alone is None:
            self.alone = alone_prices(self.request, self.covered)
        self.item_winner = cheapest_item_prices(self.alone, promotions)

    def fresh(self) -> "Pass":
        """A new pass over the same cart, from list prices, sharing what does not depend on the choice."""
        twin = Pass(self.request, self.covered)
        twin.alone = self.alone
        return twin

    def copy(self) -> "Pass":
        """A branch of the search: the same cart at the same point, to go on differently."""
        twin = Pass(self.request, self.covered, [line.copy() for line in self.lines],
                    {store: fee.copy() for store, fee in self.shipping.items()})
        twin.points_left = self.points_left
        twin.allowance = dict(self.allowance)
        twin.groups_used = dict(self.groups_used)
        twin.outcomes = dict(self.outcomes)
        twin.thresholds = dict(self.thresholds)
        twin.switched_off = self.switched_off
        twin.settled = self.settled
        twin.item_winner = self.item_winner
        twin.alone = self.alone
        return twin

    def later_stages_see(self) -> tuple[object, ...]:
        """All that the stages after the item prices read of the lines: what each costs and what may still
        stack on it. Two passes alike in this end alike, whatever item prices brought them here."""
        return tuple((line.amount, line.item_owner is None, line.exclusive_owner is None, line.coupons_only_owner is None,
                      line.touched_other, bool(line.discounts), line.tags) for line in self.lines)

    def _apply(self, promo: Promotion) -> Outcome:
        if promo.coupon_group is not None and promo.coupon_group in self.groups_used:
            return Outcome(False, reason="coupon_group_taken", detail={"with": self.groups_used[promo.coupon_group]})
        eligible, blocked = self._eligible(promo)
        if not eligible:
            reason, other = blocked or ("nothing_covered", None)
            return Outcome(False, reason=reason, detail=None if other is None else {"with": other})
        self.allowance[promo.id] = promo.allowance
        outcome = apply_benefit(self, promo, eligible)
        if outcome.applied and promo.coupon_group is not None:
            self.groups_used[promo.coupon_group] = promo.id
        return outcome

    def _eligible(self, promo: Promotion) -> tuple[list[Line], tuple[str, int | str] | None]:
        """Covered lines this promotion may stack on; else the first reason it may not."""
        stage = promo.stage
        is_coupon = promo.coupon_id is not None
        eligible: list[Line] = []
        blocked: tuple[str, int | str] | None = None
        for index in self.covered[promo.id]:
            line = self.lines[index]
            if line.exclusive_owner is not None:
                blocked = blocked or ("exclusive_conflict", line.exclusive_owner)
            elif stage == "item" and line.item_owner is not None:
                blocked = blocked or ("line_has_item_price", line.item_owner)
            elif stage == "item" and self.item_winner.get(index, promo.id) != promo.id:
                blocked = blocked or ("line_has_item_price", self.item_winner[index])
            elif promo.stacking == "exclusive" and (line.touched_other or line.discounts):
                blocked = blocked or ("exclusive_conflict", line.steps[-1][0] if line.steps else "")
            elif line.coupons_only_owner is not None and not is_coupon:
                blocked = blocked or ("coupons_only_conflict", line.coupons_only_owner)
            elif promo.stacking == "coupons_only" and line.touched_other:
                blocked = blocked or ("coupons_only_conflict", line.steps[-1][0] if line.steps else "")
            elif promo.excludes_tags and line.tags & promo.excludes_tags:
                blocked = blocked or ("excluded_by_tag", sorted(line.tags & promo.excludes_tags)[0])
            elif promo.full_price_only and line.item_owner is not None:
                blocked = blocked or ("full_price_only", line.item_owner)
            else:
                eligible.append(line)
        return eligible, blocked

    # --- bookkeeping shared by every benefit ------------------------------------------------------

    def take(self, promo: Promotion, line: Line, minor: int, points: int = 0) -> None:
        """Record that `promo` took `minor` off `line` (and marks the line as touched by it)."""
        line.amount -= minor
        line.points += points
        line.discounts += ((promo.id, promo.funder, minor),)
        line.steps += ((promo.id, line.amount),)
        self.mark(promo, line)

    def mark(self, promo: Promotion, line: Line) -> None:
        if promo.stage == "item":
            line.item_owner = promo.id
        if promo.stacking == "exclusive":
            line.exclusive_owner = promo.id
        elif promo.stacking == "coupons_only":
            line.coupons_only_owner = promo.id
        if promo.coupon_id is None:
            line.touched_other = True
        if promo.tags:
            line.tags |= promo.tags
        if not promo.earns_points:
            line.earns_points = False

    def allocate(self, promo: Promotion, lines: list[Line], minor: int) -> None:
        """Take `minor` off `lines` in proportion to what each still costs (largest remainder)."""
        for line, part in zip(lines, split_by_weight(minor, [line.amount for line in lines])):
            if part:
                self.take(promo, line, part)
            else:
                self.mark(promo, line)

    def units_allowed(self, promo: Promotion, wanted: int) -> int:
        left = self.allowance.get(promo.id)
        if left is None:
            return wanted
        granted = min(left, wanted)
        self.allowance[promo.id] = left - granted
        return granted

    def basis(self, promo: Promotion, lines: list[Line], basis: str) -> tuple[int, int]:
        """(eligible basis now, basis at list prices over every covered line)."""
        if basis == "quantity":
            return (sum(line.src.quantity for line in lines),
                    sum(self.lines[i].src.quantity for i in self.covered[promo.id]))
        return sum(line.amount for line in lines), sum(self.lines[i].list_total for i in self.covered[promo.id])


def split_by_weight(total: int, weights: list[int]) -> list[int]:
    """`money.largest_remainder_allocate` for what the engine splits (a discount of zero or more over amounts of
    zero or more), compiled with the engine: the same parts, ties to the earlier weight, without the checks."""
    count = len(weights)
    if count == 1:
        return [total]
    weight_sum = 0
    for weight in weights:
        weight_sum += weight
    if weight_sum == 0:
        weights, weight_sum = [1] * count, count
    parts = [0] * count
    remainders = [0] * count
    given = 0
    for k in range(count):
        scaled = total * weights[k]
        parts[k] = scaled // weight_sum
        remainders[k] = scaled % weight_sum
        given += parts[k]
    for _ in range(total - given):  # fewer units left than weights: each to the largest remainder left, ties to the first
        largest = 0
        for k in range(1, count):
            if remainders[k] > remainders[largest]:
                largest = k
        parts[largest] += 1
        remainders[largest] = -1
    return parts


# --- item stage: a new unit price ------------------------------------------------------------------

_RATIOS: dict[Decimal, tuple[int, int]] = {}


def percent_of(minor: int, fraction: Decimal) -> int:
    """`minor × fraction` rounded half up (away from zero), as `money.round_half_up` would, in whole numbers:
    the fraction's exact ratio is kept once, and integer arithmetic is many times faster than Decimal's."""
    ratio = _RATIOS.get(fraction)
    if ratio is None:
        if len(_RATIOS) > 4096:
            _RATIOS.clear()
        ratio = _RATIOS[fraction] = fraction.as_integer_ratio()
    numerator, denominator = ratio
    product = minor * numerator
    if product >= 0:
        return (2 * product + denominator) // (2 * denominator)
    return -((-2 * product + denominator) // (2 * denominator))


def unit_price_after(b: UnitPrice, unit: int, sku_id: int) -> int:
    if b.prices:
        price = b.prices.get(sku_id, unit)
    elif b.price is not None:
        price = b.price
    elif b.percent_off is not None:
        price = unit - percent_of(unit, b.percent_off)
    elif b.amount_off is not None:
        price = unit - b.amount_off
    else:
        price = unit
    if b.cap is not None:
        price = min(price, b.cap)
    if b.floor_percent is not None:
        price = max(price, unit - percent_of(unit, 1 - b.floor_percent))
    return max(0, min(price, unit))


def _per_unit(run: Pass, promo: Promotion, lines: list[Line], price_of: Callable[[Line], int], points: int = 0) -> Outcome:
    """Give each line a new unit price, up to the promotion's allowance of units."""
    total = granted = 0
    limited = False
    for line in lines:
        unit, quantity = line.src.unit_price, line.src.quantity
        price = price_of(line)
        if price >= unit:
            continue
        units = run.units_allowed(promo, quantity)
        if points:
            units = min(units, run.points_left // points)
            run.points_left -= units * points
        limited = limited or units < quantity
        if units == 0:
            continue
        run.take(promo, line, (unit - price) * units, points * units)
        total += (unit - price) * units
        granted += units
    if total == 0:
        if points and run.points_left < points:
            return Outcome(False, reason="not_enough_points", detail={"needs": points})
        if promo.allowance is not None and limited:
            return Outcome(False, reason="limit_reached")
        return Outcome(False, reason="no_saving")
    return Outcome(True, total, detail={"units_limited": 1} if limited else None, units=granted)



def apply_unit_price(run: Pass, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, UnitPrice)
    return _per_unit(run, promo, lines, lambda line: unit_price_after(b, line.src.unit_price, line.src.sku_id))


def apply_early_bird(run: Pass, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, EarlyBird)
    step = next((s for s in b.steps if run.request.now < s.until), None)
    if step is None:
        return Outcome(False, reason="ended")
    return _per_unit(run, promo, lines, lambda line: line.src.unit_price - percent_of(line.src.unit_price, step.percent_off))


def apply_bulk_price(run: Pass, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, BulkPrice)
    units = sum(line.src.quantity for line in lines)
    reached = [t for t in b.tiers if units >= t.min_quantity]
    if not reached:
        first = min(t.min_quantity for t in b.tiers)
        return Outcome(False, reason="below_quantity", detail={"short": first - units, "threshold": first})
    tier = max(reached, key=lambda t: t.min_quantity)
    return _per_unit(run, promo, lines, lambda line: line.src.unit_price - percent_of(line.src.unit_price, tier.percent_off))


def apply_points_price(run: Pass, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, PointsPrice)
    return _per_unit(run, promo, lines, lambda line: min(b.cash, line.src.unit_price), points=b.points)


def apply_nth_unit(run: Pass, promo: Promotion, lines: list[Line]) -> Outcome:
    """Every N-th unit cheaper; units counted most expensive first, so each group's cheapest unit is the one discounted."""
    b = promo.benefit
    assert isinstance(b, NthUnit)
    groups: list[list[Line]] = [[line] for line in lines] if b.same_sku else [lines]
    cuts: dict[int, int] = {}
    granted = 0
    for group in groups:
        position = 0
        for line in sorted(group, key=lambda ln: (-ln.src.unit_price, ln.src.sku_id)):
            quantity = line.src.quantity
            discounted = (position + quantity) // b.every - position // b.every
            position += quantity
            discounted = run.units_allowed(promo, discounted)
            unit = line.src.unit_price
            price = min(b.price, unit) if b.price is not None else unit - percent_of(unit, b.percent_off or Decimal(0))
            if discounted and price < unit:
                cuts[id(line)] = cuts.get(id(line), 0) + (unit - price) * discounted
                granted += discounted
    total = 0
    for line in lines:
        cut = cuts.get(id(line), 0)
        if cut:
            run.take(promo, line, cut)
            total += cut
    if total == 0:
        units = max((sum(ln.src.quantity for ln in g) for g in groups), default=0)
        return Outcome(False, reason="below_quantity", detail={"short": b.every - units % b.every, "threshold": b.every})
    return Outcome(True, total, units=granted)


def apply_bundle(run: Pass, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, Bundle)
    by_sku = {line.src.sku_id: line for line in lines}
    missing = [sku for sku in sorted(b.items) if by_sku.get(sku) is None or by_sku[sku].src.quantity < b.items[sku]]
    if missing:
        return Outcome(False, reason="bundle_incomplete", detail={"sku_id": missing[0]})
    sets = run.units_allowed(promo, min(by_sku[sku].src.quantity // need for sku, need in b.items.items()))
    if sets == 0:
        return Outcome(False, reason="limit_reached")
    members = [by_sku[sku] for sku in sorted(b.items)]
    weights = [line.src.unit_price * b.items[line.src.sku_id] for line in members]
    saving = sum(weights) - b.price
    if saving <= 0:
        return Outcome(False, reason="no_saving")
    for line, part in zip(members, split_by_weight(saving * sets, weights)):
        run.take(promo, line, part)
    return Outcome(True, saving * sets, detail={"sets": sets}, units=sets)


# --- several item prices on one line: the buyer gets the cheapest --------------------------------

def separable(promo: Promotion, covered: dict[int, tuple[int, ...]]) -> bool:
    """An item price whose effect on a line does not depend on its other lines: a unit price, an early-bird
    price or a per-SKU N-th unit, with no allowance shared between lines."""
    b = promo.benefit
    per_line = isinstance(b, (UnitPrice, EarlyBird)) or (isinstance(b, NthUnit) and b.same_sku)
    return per_line and (promo.allowance is None or len(covered[promo.id]) == 1)


def line_amount_alone(promo: Promotion, line: CartLine, now: datetime) -> int:
    """What `line` would cost under this separable item price alone."""
    b, unit, quantity = promo.benefit, line.unit_price, line.quantity
    units = quantity if promo.allowance is None else min(quantity, promo.allowance)
    if isinstance(b, NthUnit):
        units = min(quantity // b.every, units)
        price = min(b.price, unit) if b.price is not None else unit - percent_of(unit, b.percent_off or Decimal(0))
    elif isinstance(b, EarlyBird):
        step = next((s for s in b.steps if now < s.until), None)
        price = unit if step is None else unit - percent_of(unit, step.percent_off)
    else:
        assert isinstance(b, UnitPrice)
        price = unit_price_after(b, unit, line.sku_id)
    return unit * quantity - max(0, unit - price) * units


Alone = dict[int, list[tuple[int, int, int]]]  # line index → (what it costs, -priority, id) of each separable price on it


def alone_prices(request: PricingRequest, covered: dict[int, tuple[int, ...]]) -> Alone:
    """What each separable item price alone would make each line it covers cost, with its tie-breaks."""
    alone: Alone = {}
    for promo in request.promotions:
        if promo.stage != "item" or promo.id not in covered or not separable(promo, covered):
            continue
        for index in covered[promo.id]:
            key = (line_amount_alone(promo, request.lines[index], request.now), -promo.priority, promo.id)
            alone.setdefault(index, []).append(key)
    return alone


def cheapest_item_prices(alone: Alone, promotions: Sequence[Promotion]) -> dict[int, int]:
    """Where several of the separable item prices among `promotions` cover a line, the one that makes it cheapest
    (then higher priority, lower id).

    One item price per line is the rule; choosing the cheapest per line is what the buyer would choose, and
    it spares the search every such choice (thresholds it affects are still searched)."""
    enabled = {promo.id for promo in promotions if promo.stage == "item"}
    winners: dict[int, int] = {}
    for index, keys in alone.items():
        best: tuple[int, int, int] | None = None
        rivals = 0
        for key in keys:
            if key[2] in enabled:
                rivals += 1
                if best is None or key < best:
                    best = key
        if rivals > 1 and best is not None:
            winners[index] = best[2]
    return winners


# --- order, coupon and platform stages: money off a subtotal, gifts, free shipping ------------------

def tier_reached(tiers: tuple[Tier, ...], basis: int) -> Tier | None:
    reached: Tier | None = None
    for tier in tiers:
        if basis >= tier.threshold and (reached is None or tier.threshold > reached.threshold):
            reached = tier
    return reached


def tier_key(b: Reduction, basis: int) -> int:
    """Which step of the reduction a basis stands on: the 每满 multiple, or the threshold of the tier reached."""
    if b.every:
        return basis // b.every
    tier = tier_reached(b.tiers, basis)
    return -1 if tier is None else tier.threshold


def proportional_share(promotions: Sequence[Promotion]) -> Decimal:
    """The least share of a price rise the buyer keeps paying after every percentage reduction (满折, % coupons)
    has taken its part of it: the product of (1 − the largest percentage of each)."""
    kept = Decimal(1)
    for promo in promotions:
        b = promo.benefit
        if isinstance(b, Reduction):
            percents = [t.percent_off for t in b.tiers if t.percent_off is not None]
            if percents:
                kept *= 1 - max(percents)
    return kept


def reduction_off(b: Reduction, basis: int, amount: int) -> int:
    """What a 满减/满折 takes off at `basis` (the threshold measure) over `amount` (money it may take from)."""
    if b.every:
        first = b.tiers[0]
        off = first.amount_off * (basis // b.every)
    else:
        tier = tier_reached(b.tiers, basis)
        if tier is None:
            return 0
        off = percent_of(amount, tier.percent_off) if tier.percent_off is not None else tier.amount_off
    if b.cap is not None:
        off = min(off, b.cap)
    return max(0, min(off, amount))


def apply_reduction(run: Pass, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, Reduction)
    basis, list_basis = run.basis(promo, lines, b.basis)
    amount = sum(line.amount for line in lines)
    list_amount = sum(run.lines[i].list_total for i in run.covered[promo.id])
    off = reduction_off(b, basis, amount)
    reachable = reduction_off(b, list_basis, list_amount)
    if (len(lines) == len(run.covered[promo.id]) and all(t.percent_off is not None for t in b.tiers)
            and tier_key(b, list_basis) == tier_key(b, basis)):
        # Within one tier a 满折 on every line it covers only takes less from a cheaper cart in proportion, and
        # raising the cart by X gives back less than X (`analysis.cannot_pay_off` counts that share): nothing to chase.
        reachable = off
    run.thresholds[promo.id] = Threshold(basis, list_basis, off, reachable)
    if off == 0:
        first = b.every or min(t.threshold for t in b.tiers)
        if basis < first:
            reason = "below_quantity" if b.basis == "quantity" else "below_threshold"
            return Outcome(False, reason=reason, detail={"short": first - basis, "threshold": first})
        return Outcome(False, reason="no_saving")
    run.allocate(promo, lines, off)
    return Outcome(True, off)


def gift_sets(b: Gift, basis: int) -> int:
    if basis < b.threshold or basis <= 0:
        return 0
    sets = basis // b.threshold if b.per_threshold and b.threshold else 1
    return min(sets, b.max_sets)


def apply_gift(run: Pass, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, Gift)
    basis, list_basis = run.basis(promo, lines, b.basis)
    sets = gift_sets(b, basis)
    info = run.request.gifts.get(b.sku_id)
    value = info.unit_price * b.quantity if info else 0
    run.thresholds[promo.id] = Threshold(basis, list_basis, sets * value, gift_sets(b, list_basis) * value)
    if sets == 0:
        reason = "below_quantity" if b.basis == "quantity" else "below_threshold"
        return Outcome(False, reason=reason, detail={"short": max(b.threshold, 1) - basis, "threshold": b.threshold})
    if info is None or info.available <= 0:
        return Outcome(False, reason="gift_out_of_stock", detail={"sku_id": b.sku_id})
    already = sum(line.src.quantity for line in run.lines if line.gift and line.src.sku_id == b.sku_id)
    units = run.units_allowed(promo, min(sets * b.quantity, info.available - already))
    if units <= 0:
        return Outcome(False, reason="gift_out_of_stock", detail={"sku_id": b.sku_id})
    gift = Line(CartLine(b.sku_id, info.product_id, info.store_id, info.unit_price, units), gift=True)
    gift.discounts = ((promo.id, promo.funder, gift.list_total),)
    gift.steps = ((promo.id, 0),)
    run.lines.append(gift)
    for line in lines:
        run.mark(promo, line)
    return Outcome(True, gift.list_total, detail={"sku_id": b.sku_id, "units": units}, units=units)


def apply_free_shipping(run: Pass, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, FreeShipping)
    basis, list_basis = run.basis(promo, lines, b.basis)
    stores = sorted({line.src.store_id for line in lines})
    fee_left = sum(run.shipping[s].payable for s in stores if s in run.shipping)
    run.thresholds[promo.id] = Threshold(basis, list_basis, fee_left if basis >= b.threshold else 0,
                                         fee_left if list_basis >= b.threshold else 0)
    if basis < b.threshold:
        reason = "below_quantity" if b.basis == "quantity" else "below_threshold"
        return Outcome(False, reason=reason, detail={"short": b.threshold - basis, "threshold": b.threshold})
    if fee_left == 0:
        return Outcome(False, reason="no_saving")
    for store in stores:
        fee = run.shipping.get(store)
        if fee and fee.payable:
            fee.discounts += ((promo.id, promo.funder, fee.payable),)
            fee.payable = 0
    for line in lines:
        run.mark(promo, line)
    return Outcome(True, fee_left)


def apply_benefit(run: Pass, promo: Promotion, lines: list[Line]) -> Outcome:
    """What the promotion's benefit does to its eligible lines (direct calls: the engine's hottest branch)."""
    kind = type(promo.benefit)
    if kind is Reduction:
        return apply_reduction(run, promo, lines)
    if kind is UnitPrice:
        return apply_unit_price(run, promo, lines)
    if kind is FreeShipping:
        return apply_free_shipping(run, promo, lines)
    if kind is Gift:
        return apply_gift(run, promo, lines)
    if kind is BulkPrice:
        return apply_bulk_price(run, promo, lines)
    if kind is NthUnit:
        return apply_nth_unit(run, promo, lines)
    if kind is Bundle:
        return apply_bundle(run, promo, lines)
    if kind is EarlyBird:
        return apply_early_bird(run, promo, lines)
    return apply_points_price(run, promo, lines)
