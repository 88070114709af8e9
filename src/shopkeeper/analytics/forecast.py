"""Campaign forecast: effect, stock to prepare, cost and ROI (RULES.md §3.1 #10, §3.8).

§3.8: the effect forecast is "estimated exposure × conservative conversion ratio from past experience", made to
prepare stock and contingencies; the cost forecast is an open list of costs; comparing the two gives the ROI.
Everything here is exact (Fraction) and money is in minor units.

Readings where RULES.md is silent (decision lines in the report):
- Rates come from the store's own history, a list of baseline periods, oldest first. The central figure is the
  pooled rate over all periods (Σ sessions ÷ Σ exposure, Σ orders ÷ Σ sessions, Σ GMV ÷ Σ orders); the recent figure
  is the last period's; the conservative figure is, rate by rate, the lower of the two (so conservative ≤ central).
- Whole visitors and orders are counted down (floor) at each step, GMV floored to the minor unit: a forecast that
  prepares stock and judges worth should not round up what it hopes for.
- Units = floor(orders × historical units per order), split over SKUs by their historical share of units with the
  largest remainder. Stock to prepare per SKU = ceil(units × (1 + safety share)) − stock on hand, never below zero.
- ROI = GMV ÷ cost (§3.8 "compares cost with the forecast effect": the return per unit spent, as the platforms'
  ROI is read); no ROI when cost is zero. Cost = the sum of the named cost lines (promotion, discounts, people,
  rewards, ...: §3.8's list is open).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from shopkeeper.errors import InvalidInput
from shopkeeper.money import largest_remainder_allocate


@dataclass(frozen=True)
class BaselinePeriod:
    """One period of the store's own history (a day, a week, a past campaign)."""

    exposure: int
    sessions: int
    orders: int
    units: int
    gmv: int


@dataclass(frozen=True)
class Rates:
    ctr: Fraction
    cvr: Fraction
    aov: Fraction
    units_per_order: Fraction


@dataclass(frozen=True)
class Outcome:
    visitors: int
    orders: int
    units: int
    gmv: int


@dataclass(frozen=True)
class Forecast:
    conservative: Outcome
    central: Outcome
    conservative_rates: Rates
    central_rates: Rates


def _pooled(periods: Sequence[BaselinePeriod]) -> Rates:
    exposure = sum(p.exposure for p in periods)
    sessions = sum(p.sessions for p in periods)
    orders = sum(p.orders for p in periods)
    if exposure <= 0 or sessions <= 0 or orders <= 0:
        raise InvalidInput("the history needs exposure, sessions and orders above zero in every period")
    return Rates(
        ctr=Fraction(sessions, exposure),
        cvr=Fraction(orders, sessions),
        aov=Fraction(sum(p.gmv for p in periods), orders),
        units_per_order=Fraction(sum(p.units for p in periods), orders),
    )


def rates_from_history(periods: Sequence[BaselinePeriod]) -> tuple[Rates, Rates]:
    """(conservative, central) rates: central pooled over all periods, conservative the lower of it and the last."""
    if not periods:
        raise InvalidInput("the history needs at least one baseline period")
    for p in periods:
        if min(p.exposure, p.sessions, p.orders, p.units, p.gmv) < 0:
            raise InvalidInput("history figures must not be negative")
        if min(p.exposure, p.sessions, p.orders) == 0:
            raise InvalidInput("the history needs exposure, sessions and orders above zero in every period")
        if p.sessions > p.exposure or p.orders > p.sessions:
            raise InvalidInput("a period cannot have more sessions than exposure, or more orders than sessions")
    central = _pooled(periods)
    recent = _pooled(periods[-1:])
    # RULES.md §3.8: the effect forecast is always conservative.
    conservative = Rates(
        ctr=min(central.ctr, recent.ctr),
        cvr=min(central.cvr, recent.cvr),
        aov=min(central.aov, recent.aov),
        units_per_order=min(central.units_per_order, recent.units_per_order),
    )
    return conservative, central


def project(exposure: int, rates: Rates) -> Outcome:
    """Exposure × CTR → visitors × CVR → orders × AOV → GMV (RULES.md §3.8), each step floored."""
    if exposure < 0:
        raise InvalidInput("estimated exposure must not be negative")
    visitors = math.floor(exposure * rates.ctr)
    orders = math.floor(visitors * rates.cvr)
    return Outcome(
        visitors=visitors,
        orders=orders,
        units=math.floor(orders * rates.units_per_order),
        gmv=math.floor(orders * rates.aov),
    )


def forecast(exposure: int, history: Sequence[BaselinePeriod]) -> Forecast:
    conservative_rates, central_rates = rates_from_history(history)
    return Forecast(
        conservative=project(exposure, conservative_rates),
        central=project(exposure, central_rates),
        conservative_rates=conservative_rates,
        central_rates=central_rates,
    )


def units_per_sku(units: int, sku_mix: Mapping[str, int]) -> dict[str, int]:
    """Split forecast units over SKUs by their historical units sold, largest remainder (parts sum to `units`)."""
    if units < 0:
        raise InvalidInput("forecast units must not be negative")
    if not sku_mix or any(n < 0 for n in sku_mix.values()) or sum(sku_mix.values()) == 0:
        raise InvalidInput("the SKU mix needs at least one SKU with units sold, and none negative")
    skus = sorted(sku_mix)
    return dict(zip(skus, largest_remainder_allocate(units, [sku_mix[s] for s in skus]), strict=True))


def stock_to_prepare(units: Mapping[str, int], on_hand: Mapping[str, int], safety_share: Fraction) -> dict[str, int]:
    """Per SKU: ceil(units × (1 + safety)) − on hand, never negative (§3.9 (5): stock up before the campaign)."""
    if safety_share < 0:
        raise InvalidInput("the safety share must not be negative")
    if any(n < 0 for n in on_hand.values()):
        raise InvalidInput("stock on hand must not be negative")
    return {sku: max(0, math.ceil(n * (1 + safety_share)) - on_hand.get(sku, 0)) for sku, n in units.items()}


@dataclass(frozen=True)
class Worth:
    cost: int
    roi: Fraction | None


def worth(gmv: int, costs: Mapping[str, int]) -> Worth:
    """Cost = the sum of the cost lines (§3.8: promotion + people + rewards + ...); ROI = GMV ÷ cost."""
    if any(c < 0 for c in costs.values()):
        raise InvalidInput("cost lines must not be negative")
    cost = sum(costs.values())
    return Worth(cost=cost, roi=Fraction(gmv, cost) if cost else None)
