"""Campaign review after the end (RULES.md §3.1 #10, §3.3 review period, §3.8 review KPIs).

§3.8 names the Double 11 review KPIs (target completion, SKU completion, sell-through, GMV, traffic, AOV,
conversion, revenue, gross margin, marketing cost, return rate, channel analysis) but gives no formulas. Exact
(Fraction), money in minor units.

Readings where RULES.md is silent (decision lines in the report):
- Completion = actual ÷ target per metric; no figure for a zero target. Sell-through = units sold ÷ units available
  at the start (stock on hand plus what arrived before the start); no figure when none was available.
- GMV = sessions × conversion × AOV. Its change against the baseline is split by sequential substitution in the
  order traffic, conversion, AOV: traffic = (S1 − S0)·c0·a0, conversion = S1·(c1 − c0)·a0, AOV = S1·c1·(a1 − a0).
  The exact parts sum to the change; in minor units traffic and conversion are rounded half away from zero and AOV
  takes the rest, so the rounded parts sum exactly too.
- Profit: net revenue = GMV − refunds; gross margin = net revenue − cost of goods; profit = gross margin − marketing
  cost; return rate = refunds ÷ GMV (money, not orders).
- Channels: each order belongs to one channel; per-channel GMV and orders are sums of the orders, so they sum to the
  totals; GMV shares are basis points split by largest remainder (summing to 10000).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from shopkeeper.errors import InvalidInput
from shopkeeper.money import largest_remainder_allocate


def completion(actual: Mapping[str, int], target: Mapping[str, int]) -> dict[str, Fraction | None]:
    """Per target metric, actual ÷ target (RULES.md §3.8: target completion rate); None for a zero target."""
    if any(v < 0 for v in target.values()) or any(v < 0 for v in actual.values()):
        raise InvalidInput("targets and actual figures must not be negative")
    return {m: (Fraction(actual.get(m, 0), t) if t else None) for m, t in target.items()}


def sell_through(sold: Mapping[str, int], available: Mapping[str, int]) -> dict[str, Fraction | None]:
    """Per SKU, units sold ÷ units available at the start (RULES.md §3.8: 售罄率)."""
    if any(v < 0 for v in sold.values()) or any(v < 0 for v in available.values()):
        raise InvalidInput("units sold and units available must not be negative")
    for sku, n in sold.items():
        if n > available.get(sku, 0):
            raise InvalidInput(f"SKU {sku} sold more units than were available")
    return {sku: (Fraction(sold.get(sku, 0), n) if n else None) for sku, n in available.items()}


@dataclass(frozen=True)
class Totals:
    sessions: int
    orders: int
    gmv: int


@dataclass(frozen=True)
class Drivers:
    """The GMV change split into traffic, conversion and AOV, exact and in minor units."""

    change: int
    traffic: Fraction
    conversion: Fraction
    aov: Fraction
    traffic_minor: int
    conversion_minor: int
    aov_minor: int


def _check(t: Totals) -> None:
    if min(t.sessions, t.orders, t.gmv) < 0:
        raise InvalidInput("sessions, orders and GMV must not be negative")
    if t.orders > t.sessions or (t.gmv and not t.orders):
        raise InvalidInput("orders need sessions and GMV needs orders")


def _half_away(value: Fraction) -> int:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def drivers(baseline: Totals, actual: Totals) -> Drivers:
    """Sequential substitution, traffic then conversion then AOV (RULES.md §3.8: GMV, traffic, conversion, AOV)."""
    _check(baseline)
    _check(actual)
    if not baseline.orders:
        raise InvalidInput("the baseline needs sessions and orders above zero")
    s0, o0, g0 = baseline.sessions, baseline.orders, baseline.gmv
    s1, o1, g1 = actual.sessions, actual.orders, actual.gmv
    # Written with totals so an actual with no sessions or orders needs no division by them.
    traffic = Fraction((s1 - s0) * g0, s0)
    conversion = Fraction(o1 * s0 - s1 * o0, s0) * Fraction(g0, o0)
    aov = g1 - Fraction(o1 * g0, o0)
    change = g1 - g0
    t_minor, c_minor = _half_away(traffic), _half_away(conversion)
    return Drivers(change, traffic, conversion, aov, t_minor, c_minor, change - t_minor - c_minor)


@dataclass(frozen=True)
class Profit:
    revenue: int
    refunds: int
    net_revenue: int
    gross_margin: int
    marketing_cost: int
    profit: int
    return_rate: Fraction | None


def profit(revenue: int, refunds: int, cost_of_goods: int, marketing_cost: int) -> Profit:
    """Revenue, gross margin, marketing cost and return rate (RULES.md §3.8 review KPIs)."""
    if min(revenue, refunds, cost_of_goods, marketing_cost) < 0:
        raise InvalidInput("revenue, refunds and costs must not be negative")
    if refunds > revenue:
        raise InvalidInput("refunds cannot exceed revenue")
    net = revenue - refunds
    margin = net - cost_of_goods
    return Profit(
        revenue,
        refunds,
        net,
        margin,
        marketing_cost,
        margin - marketing_cost,
        Fraction(refunds, revenue) if revenue else None,
    )


@dataclass(frozen=True)
class ChannelLine:
    channel: str
    orders: int
    gmv: int
    share_bp: int


def channels(orders: Iterable[tuple[str, int]]) -> list[ChannelLine]:
    """Per channel, orders and GMV from (channel, order GMV) pairs; GMV shares in basis points sum to 10000."""
    counts: dict[str, int] = {}
    gmvs: dict[str, int] = {}
    for channel, gmv in orders:
        if gmv < 0:
            raise InvalidInput("an order's GMV must not be negative")
        if not channel:
            raise InvalidInput("every order needs a channel")
        counts[channel] = counts.get(channel, 0) + 1
        gmvs[channel] = gmvs.get(channel, 0) + gmv
    names = sorted(counts, key=lambda c: (-gmvs[c], c))
    shares = largest_remainder_allocate(10000, [gmvs[c] for c in names]) if names else []
    return [ChannelLine(c, counts[c], gmvs[c], s) for c, s in zip(names, shares, strict=True)]
