"""Points plus cash (淘金币价) (RULES.md §3.6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, final

from shopkeeper.promotions.engine.ledger import Ledger, Line, Outcome, per_unit
from shopkeeper.promotions.engine.terms import BenefitTerms, Stage

if TYPE_CHECKING:
    from shopkeeper.promotions.engine.terms import Promotion


@final
@dataclass(frozen=True)
class PointsPrice(BenefitTerms):
    """Points plus cash (淘金币价): each unit costs `cash` plus `points`; applies only when the buyer has the points."""

    cash: int
    points: int

    @property
    def stage(self) -> Stage:
        return "item"  # where it runs (`terms.stage_of`)

    @property
    def spends_points(self) -> bool:
        return True


def apply(run: Ledger, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, PointsPrice)
    return per_unit(run, promo, lines, lambda line: min(b.cash, line.src.unit_price), points=b.points)
