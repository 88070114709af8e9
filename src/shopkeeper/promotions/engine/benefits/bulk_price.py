"""多买多便宜: the more covered units, the lower every unit's price (RULES.md §3.6)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, final

from shopkeeper.promotions.engine.ledger import Ledger, Line, Outcome, per_unit, percent_of
from shopkeeper.promotions.engine.terms import BenefitTerms, Stage

if TYPE_CHECKING:
    from shopkeeper.promotions.engine.terms import Promotion


@dataclass(frozen=True)
class QuantityTier:
    min_quantity: int
    percent_off: Decimal


@final
@dataclass(frozen=True)
class BulkPrice(BenefitTerms):
    """多买多便宜: the more covered units, the lower every unit's price (highest tier reached applies)."""

    tiers: tuple[QuantityTier, ...]

    @property
    def stage(self) -> Stage:
        return "item"  # where it runs (`terms.stage_of`)


def apply(run: Ledger, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, BulkPrice)
    units = sum(line.src.quantity for line in lines)
    reached = [t for t in b.tiers if units >= t.min_quantity]
    if not reached:
        first = min(t.min_quantity for t in b.tiers)
        return Outcome(False, reason="below_quantity", detail={"short": first - units, "threshold": first})
    tier = max(reached, key=lambda t: t.min_quantity)
    return per_unit(run, promo, lines, lambda line: line.src.unit_price - percent_of(line.src.unit_price, tier.percent_off))
