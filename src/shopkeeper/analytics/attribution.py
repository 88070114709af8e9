"""Attribution (归因): which marketing channels earned an order's revenue, under the usual GA models.

RULES.md §9.3 has the shop read "Acquisition > All Traffic > Channels" and "Multi-Channel Funnels > Top Conversion
Paths": revenue per channel, where a buyer may have come through several channels before buying. Channels are the
GA4 default channel group names (§17.3: "Organic Search", "Paid Social", "Email", "Direct", ...); the caller
classifies each touch before it gets here. Pure: no database, no clock.

Models:
- last click: GA's "last non-direct click". A Direct touch gets the credit only when no other channel touched the
  buyer in the window; otherwise the latest non-direct touch gets it (a buyer typing the address after clicking
  an email ad is the email's sale).
- first click: the earliest touch in the window, whatever its channel (Direct included).
- linear: every touch in the window equally.
- position-based: 40 % to the first touch, 40 % to the last, 20 % spread evenly over the touches between; one
  touch gets 100 %, two get 50 % each.

Readings where RULES.md is silent (our choices):
- The lookback window is 30 days (GA's default for acquisition conversions) and includes both ends: a touch exactly
  30 days before the order counts, a touch at the order's own instant counts, a touch after the order does not.
- Each order looks back on its own: a touch before two orders counts for both (GA does the same).
- Touches at the same instant keep the order they were given in.
- Only last click treats Direct specially; the other models count a Direct touch like any channel.
- An order with no touch in its window goes to "Unassigned" (§17.3's fallback), never to Direct: we do not know
  how the buyer came.
- Fractional weights are exact `Fraction`s per touch and sum to 1 per order. Money is split per CHANNEL, not per
  touch: an order's channel weights (the sum of its touches' weights) split its revenue with largest remainder
  (`money.largest_remainder_allocate`, ties to the channel touched first), so the credits sum exactly to the
  revenue and a channel touched twice is not rounded twice.
- Revenue is never negative (refunds are not attributed here) and an aggregate keeps currencies apart.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from math import lcm
from typing import Iterable, Literal, Sequence, get_args

from shopkeeper.errors import InvalidInput
from shopkeeper.money import Money, largest_remainder_allocate

Model = Literal["last_click", "first_click", "linear", "position_based"]
MODELS: tuple[Model, ...] = get_args(Model)

DIRECT = "Direct"  # RULES.md §17.3: source (direct), medium (none)/(not set)
UNASSIGNED = "Unassigned"  # RULES.md §17.3: what no rule matches
LOOKBACK = timedelta(days=30)

# Position-based shares (GA's "position based" model).
FIRST_SHARE = Fraction(2, 5)
LAST_SHARE = Fraction(2, 5)
MIDDLE_SHARE = Fraction(1, 5)


@dataclass(frozen=True)
class Touch:
    """A visit by a buyer through a channel."""

    buyer_id: str
    at: datetime
    channel: str


@dataclass(frozen=True)
class Order:
    order_id: str
    buyer_id: str
    at: datetime
    revenue: Money


@dataclass(frozen=True)
class ChannelShare:
    channel: str
    weight: Fraction
    revenue: Money


@dataclass(frozen=True)
class OrderCredit:
    order_id: str
    touches: tuple[Touch, ...]  # the touches in the window, oldest first
    touch_weights: tuple[Fraction, ...]  # one per touch, summing to 1
    shares: tuple[ChannelShare, ...]  # one per channel, in order of first touch; revenues sum to the order's


@dataclass(frozen=True)
class ChannelCredit:
    """A channel's attributed revenue in one currency, and its conversions (fractional orders, summing per order to 1)."""

    channel: str
    revenue: Money
    conversions: Fraction


def check_model(model: str) -> Model:
    if model not in MODELS:
        raise InvalidInput(f"not an attribution model: {model!r}", model=model)
    return model


def touch_weights(channels: Sequence[str], model: str) -> list[Fraction]:
    """Each touch's share of the order under `model`; `channels` are the touches' channels, oldest first."""
    check_model(model)
    count = len(channels)
    if count == 0:
        return []
    weights = [Fraction(0)] * count
    if model == "first_click":
        weights[0] = Fraction(1)
    elif model == "last_click":
        # GA last non-direct click: Direct only when nothing else touched the buyer.
        non_direct = [i for i, channel in enumerate(channels) if channel != DIRECT]
        weights[non_direct[-1] if non_direct else count - 1] = Fraction(1)
    elif model == "linear":
        weights = [Fraction(1, count)] * count
    elif count == 1:
        weights[0] = Fraction(1)
    elif count == 2:
        weights = [Fraction(1, 2), Fraction(1, 2)]
    else:
        middle = MIDDLE_SHARE / (count - 2)
        weights = [FIRST_SHARE] + [middle] * (count - 2) + [LAST_SHARE]
    return weights


def in_window(order: Order, touch: Touch, lookback: timedelta) -> bool:
    return touch.buyer_id == order.buyer_id and order.at - lookback <= touch.at <= order.at


def _check_times(order: Order, touches: Sequence[Touch], lookback: timedelta) -> None:
    if lookback <= timedelta(0):
        raise InvalidInput("the lookback window must be positive")
    if order.revenue.minor < 0:
        raise InvalidInput("an order's revenue to attribute cannot be negative", order_id=order.order_id)
    if order.at.tzinfo is None or any(touch.at.tzinfo is None for touch in touches):
        raise InvalidInput("order and touch times must carry a time zone")


def credit_order(order: Order, touches: Sequence[Touch], model: str, lookback: timedelta = LOOKBACK) -> OrderCredit:
    """One order's revenue split over the channels that touched its buyer within the lookback window."""
    check_model(model)
    _check_times(order, touches, lookback)
    window = tuple(sorted((t for t in touches if in_window(order, t, lookback)), key=lambda t: t.at))
    weights = tuple(touch_weights([t.channel for t in window], model))
    by_channel: dict[str, Fraction] = {}
    for touch, weight in zip(window, weights):
        by_channel[touch.channel] = by_channel.get(touch.channel, Fraction(0)) + weight
    if not by_channel:
        by_channel[UNASSIGNED] = Fraction(1)
    # Credited channels only: a channel whose touches all weigh nothing (the middle of a last click) gets no line.
    credited = [(channel, weight) for channel, weight in by_channel.items() if weight]
    scale = lcm(*(weight.denominator for _, weight in credited))
    parts = largest_remainder_allocate(order.revenue.minor, [int(weight * scale) for _, weight in credited])
    shares = tuple(
        ChannelShare(channel, weight, Money(part, order.revenue.currency))
        for (channel, weight), part in zip(credited, parts)
    )
    return OrderCredit(order.order_id, window, weights, shares)


def attribute(
    orders: Iterable[Order], touches: Iterable[Touch], model: str, lookback: timedelta = LOOKBACK
) -> list[ChannelCredit]:
    """Revenue and conversions per channel (and currency) over `orders`; by currency, then most revenue first."""
    check_model(model)
    by_buyer: dict[str, list[Touch]] = defaultdict(list)
    for touch in touches:
        by_buyer[touch.buyer_id].append(touch)
    revenue: dict[tuple[str, str], int] = defaultdict(int)
    conversions: dict[tuple[str, str], Fraction] = defaultdict(Fraction)
    for order in orders:
        for share in credit_order(order, by_buyer.get(order.buyer_id, []), model, lookback).shares:
            key = (share.revenue.currency, share.channel)
            revenue[key] += share.revenue.minor
            conversions[key] += share.weight
    credits = [
        ChannelCredit(channel, Money(revenue[(currency, channel)], currency), conversions[(currency, channel)])
        for currency, channel in revenue
    ]
    return sorted(credits, key=lambda c: (c.revenue.currency, -c.revenue.minor, -c.conversions, c.channel))
