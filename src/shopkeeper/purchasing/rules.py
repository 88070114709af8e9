"""Purchase suggestions (采购建议, RULES.md §5.1 "inventory maintenance") and the big-promotion trigger (§3.3).

§5.1 names only the inputs: current stock (库存存量), average daily sales over recent dates (临近日期的日均销量) and
the purchase cycle (采购周期); §15 #21 says the formula, the window and safety stock are not given. Our reading, a
periodic-review (s, S) policy:

- stock position = on hand + in transit (placed purchase orders not yet received);
- average daily sales (ADS) = units sold in the window ÷ the days counted, to 0.01 half-up. A day on which nothing
  sold *and* nothing was on sale (a stock-out) is not counted: it says nothing about demand;
- reorder point = ADS × (lead days + safety days);
- a SKU is due when its position is at or below the reorder point, or the promotion trigger fires;
- suggested quantity (when due) = ADS × (lead + safety + review days) − position, rounded up to a whole unit, then
  to at least the supplier's minimum order (MOQ), then up to whole packs; 0 when not due.

§3.3 (Double 11, official period): "replenish when stock is more than half sold or sales surge
(库存销售过半时或者销量激增时开始补货)". During a campaign window a SKU is flagged `half-sold` when more than half of
its stock at the campaign's start has sold since, and `surge` when the last day's sales exceed N × (default 2 ×)
the window's ADS. A flagged SKU is due, and its demand rate is the larger of ADS and the last day's sales.

Pure: no database, no clock; the caller passes the days. Decimal and integer maths only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Literal

from shopkeeper.errors import InvalidInput

Flag = Literal["below-reorder-point", "half-sold", "surge"]

DEFAULT_WINDOW_DAYS = 14
DEFAULT_LEAD_DAYS = 7
DEFAULT_SAFETY_DAYS = 3
DEFAULT_REVIEW_DAYS = 7
DEFAULT_SURGE_FACTOR = Decimal(2)
# Our choice (§15 #21 gives none): a campaign whose official phase opens within a week already turns the trigger on,
# so a surge in its warm-up (预热) is bought for before the official day (§3.3).
CAMPAIGN_LOOKAHEAD_DAYS = 7
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Terms:
    """How a SKU is bought: the supplier's lead time and packs, the store's safety and review days."""

    lead_days: int = DEFAULT_LEAD_DAYS
    safety_days: int = DEFAULT_SAFETY_DAYS
    review_days: int = DEFAULT_REVIEW_DAYS
    pack_size: int = 1
    moq: int = 1

    def __post_init__(self) -> None:
        for name in ("lead_days", "safety_days", "review_days"):
            if getattr(self, name) < 0:
                raise InvalidInput(f"{name} must not be negative", field=name)
        if self.pack_size < 1 or self.moq < 1:
            raise InvalidInput("pack size and minimum order must be at least 1", field="pack_size")


@dataclass(frozen=True)
class Day:
    """One day of the window: units sold, and whether any stock was on sale at some point of it."""

    day: date
    sold: int
    in_stock: bool = True


@dataclass(frozen=True)
class Campaign:
    """A promotion window the SKU sells in (§3.3), with its stock when the window opened and its sales since."""

    stock_at_start: int
    sold_since_start: int
    surge_factor: Decimal = DEFAULT_SURGE_FACTOR


@dataclass(frozen=True)
class Position:
    on_hand: int
    in_transit: int
    days: Sequence[Day]
    campaign: Campaign | None = None


@dataclass(frozen=True)
class Suggestion:
    """What the formula saw and what it suggests; every figure a person needs to check it by hand."""

    on_hand: int
    in_transit: int
    sold: int
    days_counted: int
    stockout_days: int
    average_daily_sales: Decimal
    last_day_sold: int
    rate: Decimal  # the demand rate the quantity is planned on (ADS, or the last day's during a surge)
    reorder_point: Decimal
    target: Decimal
    due: bool
    flags: tuple[Flag, ...]
    quantity: int

    @property
    def position(self) -> int:
        return self.on_hand + self.in_transit


def average_daily_sales(days: Sequence[Day]) -> tuple[Decimal, int, int]:
    """ADS to the cent, the days counted and the stock-out days left out."""
    counted = [d for d in days if d.sold > 0 or d.in_stock]
    sold = sum(d.sold for d in counted)
    if not counted:
        return Decimal(0).quantize(CENT), 0, len(days)
    return (Decimal(sold) / Decimal(len(counted))).quantize(CENT, ROUND_HALF_UP), len(counted), len(days) - len(counted)


def round_to_packs(need: int, terms: Terms) -> int:
    """A positive need ordered as the supplier sells: at least the MOQ, in whole packs. Nothing needed, nothing."""
    if need <= 0:
        return 0
    quantity = max(need, terms.moq)
    return -(-quantity // terms.pack_size) * terms.pack_size


def promotion_flags(campaign: Campaign | None, ads: Decimal, last_day_sold: int) -> tuple[Flag, ...]:
    """§3.3's two triggers: more than half the opening stock sold, or the last day above N × ADS."""
    if campaign is None:
        return ()
    flags: list[Flag] = []
    if campaign.stock_at_start > 0 and campaign.sold_since_start * 2 > campaign.stock_at_start:
        flags.append("half-sold")
    if last_day_sold > 0 and Decimal(last_day_sold) > campaign.surge_factor * ads:
        flags.append("surge")
    return tuple(flags)


def counted_from(warm_up_start: datetime | None, main_start: datetime, now: datetime) -> datetime:
    """Where a signed-up campaign's §3.3 count starts: the official phase's start once it has begun; before it, the
    warm-up's once that has begun; before both, now (the stock on sale now is the opening stock, nothing has sold
    since, so only a surge can fire)."""
    if main_start <= now:
        return main_start
    if warm_up_start is not None and warm_up_start <= now:
        return warm_up_start
    return now


def suggest(position: Position, terms: Terms) -> Suggestion:
    """The purchase suggestion for one SKU (the module docstring states the formula)."""
    if position.on_hand < 0 or position.in_transit < 0:
        raise InvalidInput("stock on hand and in transit must not be negative", field="on_hand")
    ads, counted, stockouts = average_daily_sales(position.days)
    last_day_sold = position.days[-1].sold if position.days else 0
    stock = position.on_hand + position.in_transit
    reorder_point = ads * (terms.lead_days + terms.safety_days)
    flags: tuple[Flag, ...] = promotion_flags(position.campaign, ads, last_day_sold)
    rate = max(ads, Decimal(last_day_sold)) if "surge" in flags else ads
    target = rate * (terms.lead_days + terms.safety_days + terms.review_days)
    below = ads > 0 and stock <= reorder_point
    if below:
        flags = ("below-reorder-point", *flags)
    due = bool(flags)
    need = int((target - stock).to_integral_value(ROUND_CEILING)) if due else 0
    return Suggestion(
        on_hand=position.on_hand, in_transit=position.in_transit, sold=sum(d.sold for d in position.days),
        days_counted=counted, stockout_days=stockouts, average_daily_sales=ads, last_day_sold=last_day_sold,
        rate=rate, reorder_point=reorder_point, target=target, due=due, flags=flags,
        quantity=round_to_packs(need, terms))
