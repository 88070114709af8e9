"""A cart while the pricing passes run, and the bookkeeping every benefit shares.

`Ledger` holds what a pass has done so far (what each line costs, who touched it, what each
promotion may still give) and the moves every benefit makes (`take`, `allocate`, `mark`,
`units_allowed`, `basis`). The benefits (`benefits/<kind>.py`) write on it; `passes.Pass`
adds the running: which promotion goes next, and where it may apply.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Mapping

from shopkeeper.promotions.engine.results import NO_DETAIL
from shopkeeper.promotions.engine.terms import CartLine, PricingRequest, Promotion

Alone = dict[int, list[tuple[int, int, int]]]  # line index → (what it costs, -priority, id) of each separable price on it


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



class Ledger:
    """What a pass has done to the cart so far; `passes.Pass` runs it."""

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



def per_unit(run: Ledger, promo: Promotion, lines: list[Line], price_of: Callable[[Line], int], points: int = 0) -> Outcome:
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


