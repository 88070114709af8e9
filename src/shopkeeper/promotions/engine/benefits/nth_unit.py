"""第二件半价, 买N免1, 加一元多一件: every N-th unit cheaper (RULES.md §3.6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, final

from shopkeeper.promotions.engine.ledger import Ledger, Line, Outcome, percent_of
from shopkeeper.promotions.engine.terms import BenefitTerms, CartLine, Stage

if TYPE_CHECKING:
    from shopkeeper.promotions.engine.terms import Promotion


@final
@dataclass(frozen=True)
class NthUnit(BenefitTerms):
    """Every `every`-th covered unit at a special price, cheapest units first.

    第二件半价: every=2, percent_off=0.5.  买N免1: every=N, percent_off=1.
    加一元多一件: every=2, price=100 (the extra unit costs one yuan).
    `same_sku` counts units per SKU rather than across the scope.
    """

    every: int
    percent_off: Decimal | None = None
    price: int | None = None
    same_sku: bool = True

    @property
    def stage(self) -> Stage:
        return "item"  # where it runs (`terms.stage_of`)

    @property
    def per_line(self) -> bool:
        return self.same_sku  # counted per SKU, each line's N-th units are its own; across the scope they are not

    def line_alone(self, line: CartLine, units: int, now: datetime) -> int:
        unit = line.unit_price
        return unit * line.quantity - max(0, unit - nth_price(self, unit)) * min(line.quantity // self.every, units)


def nth_price(b: NthUnit, unit: int) -> int:
    """What each N-th unit of a unit at `unit` costs."""
    return min(b.price, unit) if b.price is not None else unit - percent_of(unit, b.percent_off or Decimal(0))


def apply(run: Ledger, promo: Promotion, lines: list[Line]) -> Outcome:
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
            price = nth_price(b, unit)
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
