"""A benefit kind that exists only for tests/promotions/test_benefits.py: a fixed amount off every covered unit.

It is written as the registry's docstring says a new kind is (`engine/benefits/__init__.py`): its
terms with their stage, inheriting what the engine asks of every kind (`terms.BenefitTerms`), and how
it applies. Being a new price per unit, it also answers the one question where it differs from most
kinds: it works line by line (`per_line`, `line_alone`). Registered by the test, it is priced, stored
and described.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from shopkeeper.promotions.engine.ledger import Ledger, Line, Outcome, per_unit
from shopkeeper.promotions.engine.terms import BenefitTerms, CartLine, Stage

if TYPE_CHECKING:
    from shopkeeper.promotions.engine.terms import Promotion


@dataclass(frozen=True)
class FixedOff(BenefitTerms):
    """`off` minor units off each covered unit, never below `floor`."""

    off: int
    floor: int = 0

    @property
    def stage(self) -> Stage:
        return "item"

    @property
    def per_line(self) -> bool:
        return True

    def line_alone(self, line: CartLine, units: int, now: datetime) -> int:
        unit = line.unit_price
        return unit * line.quantity - (unit - self.unit_price_after(unit)) * units

    def unit_price_after(self, unit: int) -> int:
        return min(unit, max(self.floor, unit - self.off))


def apply(run: Ledger, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, FixedOff)
    return per_unit(run, promo, lines, lambda line: b.unit_price_after(line.src.unit_price))
