"""A benefit kind that exists only for tests/promotions/test_benefits.py: a fixed amount off every covered unit.

It is written as the registry's docstring says a new kind is (`engine/benefits/__init__.py`): its
terms with their stage, and how it applies. Registered by the test, it is priced, stored and described.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from shopkeeper.promotions.engine.ledger import Ledger, Line, Outcome, per_unit
from shopkeeper.promotions.engine.terms import Stage

if TYPE_CHECKING:
    from shopkeeper.promotions.engine.terms import Promotion


@dataclass(frozen=True)
class FixedOff:
    """`off` minor units off each covered unit, never below `floor`."""

    off: int
    floor: int = 0

    @property
    def stage(self) -> Stage:
        return "item"


def apply(run: Ledger, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, FixedOff)
    return per_unit(run, promo, lines, lambda line: max(b.floor, line.src.unit_price - b.off))
