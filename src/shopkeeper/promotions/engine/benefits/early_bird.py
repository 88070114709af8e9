"""早买早便宜: the earlier the order, the bigger the discount (RULES.md §3.6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, final

from shopkeeper.promotions.engine.ledger import Ledger, Line, Outcome, per_unit, percent_of
from shopkeeper.promotions.engine.terms import BenefitTerms, CartLine, Stage

if TYPE_CHECKING:
    from shopkeeper.promotions.engine.terms import Promotion


@dataclass(frozen=True)
class TimeStep:
    until: datetime
    percent_off: Decimal


@final
@dataclass(frozen=True)
class EarlyBird(BenefitTerms):
    """早买早便宜: the earlier the order, the bigger the discount; steps in time order, the first not yet passed applies."""

    steps: tuple[TimeStep, ...]

    @property
    def stage(self) -> Stage:
        return "item"  # where it runs (`terms.stage_of`)

    @property
    def per_line(self) -> bool:
        return True  # the step reached depends on the time alone, not on the other lines

    def line_alone(self, line: CartLine, units: int, now: datetime) -> int:
        unit = line.unit_price
        step = next((s for s in self.steps if now < s.until), None)
        price = unit if step is None else unit - percent_of(unit, step.percent_off)
        return unit * line.quantity - max(0, unit - price) * units


def apply(run: Ledger, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, EarlyBird)
    step = next((s for s in b.steps if run.request.now < s.until), None)
    if step is None:
        return Outcome(False, reason="ended")
    return per_unit(run, promo, lines, lambda line: line.src.unit_price - percent_of(line.src.unit_price, step.percent_off))
