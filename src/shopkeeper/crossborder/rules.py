"""Customs and delivery promises per destination (RULES.md §5.5, §6.1): pure decisions over the customs table.

A service loads the store's goods, shipping fee, destination, channel and the day's exchange rates, then asks
these functions: which threshold is in force, what duty to expect, what the buyer lands on, whether a parcel may
go, whether the duty payer may still change, how long a delivery may be promised. Every function takes the table
as a keyword (`table=`), the shipped `customs.toml` when left out, so tests and a later per-store table can pass
their own; the table's loading and checks live in `table.py`. Nothing here reads the clock: the day is an argument.

Readings chosen (RULES.md §6.1, §15 #18, #19; also stated in customs.toml):
- Goods worth exactly the threshold pay no duty: customs de-minimis rules read "value not exceeding". The value is
  compared in the threshold's currency, converted exactly (no rounding), so a hair over the threshold is over.
- Above the threshold the duty is rate × the whole goods value (shipping excluded), half-up to the minor unit.
- A destination without a threshold gets no duty estimate (zero, marked `no-customs-rule`), never a guessed one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Callable, Literal, Mapping

from shopkeeper.crossborder.table import (
    CustomsTable,
    Restriction,
    Threshold,
    check_country,
    load_table,
)
from shopkeeper.errors import DomainError, InvalidInput
from shopkeeper.money import CurrencyMismatch, Money

DutyBasis = Literal["at-or-under-threshold", "over-threshold", "no-customs-rule"]


class ShipmentRefused(DomainError):
    code = "shipment-refused"
    status = 422
    title = "The destination does not accept this shipment"


@dataclass(frozen=True)
class Fx:
    """One day's exchange rates: `rates[("USD", "EUR")]` is the euros one dollar buys (major units).

    The service fetches them for the day it estimates; the rules never look a rate up themselves.
    """

    rates: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)

    def value_in(self, money: Money, currency: str) -> Decimal:
        """`money` in `currency`'s major units, exactly: rounding is left to whoever shows it."""
        if money.currency == currency:
            return money.amount
        rate = self.rates.get((money.currency, currency))
        if rate is None:
            raise InvalidInput(f"no exchange rate from {money.currency} to {currency}")
        if not rate.is_finite() or rate <= 0:
            raise InvalidInput(f"exchange rate {money.currency}→{currency} must be positive, not {rate}")
        return money.amount * rate


def _table(table: CustomsTable | None) -> CustomsTable:
    return table if table is not None else load_table()


def threshold_on(destination: str, channel: str | None, day: date, *, table: CustomsTable | None = None) -> Threshold | None:
    """The de-minimis threshold in force at `destination` on `day` for goods sent by `channel`.

    A channel's own entry beats the country-wide one: the Turkey notice changes the HK DHL channel only
    (RULES.md §6.1). None: the table knows no threshold there that day.
    """
    country = check_country(destination)
    in_force = [t for t in _table(table).thresholds if t.country == country and t.in_force(day)]
    own = [t for t in in_force if channel is not None and t.channel == channel]
    every = [t for t in in_force if t.channel is None]
    # the table refuses overlapping spans per (country, channel), so each list holds at most one entry
    if own:
        return own[0]
    return every[0] if every else None


@dataclass(frozen=True)
class DutyEstimate:
    """The duty a buyer should expect, and why: an estimate, since local customs assess the real one (§6.1)."""

    amount: Money  # in the goods' currency; never negative
    basis: DutyBasis
    threshold: Threshold | None
    goods_in_threshold_currency: Decimal | None  # exact, for the explanation
    cites: str


def duty_due(goods_value: Money, destination: str, channel: str | None, day: date, fx: Fx, *,
             table: CustomsTable | None = None) -> DutyEstimate:
    """Duty on `goods_value` shipped to `destination` by `channel` on `day` (RULES.md §6.1).

    At or under the threshold: none (de minimis, "value not exceeding"). Over it: the rate on the whole goods
    value, half-up to the minor unit.
    """
    if goods_value.minor < 0:
        raise InvalidInput(f"goods value must not be negative, not {goods_value}")
    threshold = threshold_on(destination, channel, day, table=table)
    if threshold is None:
        return DutyEstimate(Money.zero(goods_value.currency), "no-customs-rule", None, None, "customs.toml: no entry")
    value = fx.value_in(goods_value, threshold.limit.currency)
    if value <= threshold.limit.amount:
        return DutyEstimate(Money.zero(goods_value.currency), "at-or-under-threshold", threshold, value, threshold.cites)
    return DutyEstimate(goods_value.percent(threshold.duty_rate), "over-threshold", threshold, value, threshold.cites)


CostKind = Literal["goods", "shipping", "duty"]


@dataclass(frozen=True)
class CostPart:
    kind: CostKind
    amount: Money
    rule: str  # the code of the rule that produced it: "goods-value", "shipping-fee" or the duty's basis
    cites: str  # where the amount comes from: "checkout", a RULES.md section, or "customs.toml: no entry"


@dataclass(frozen=True)
class LandedCost:
    """What the buyer pays to have the goods at the door, part by part; the parts sum to `total`."""

    parts: tuple[CostPart, ...]
    total: Money
    duty: DutyEstimate


def landed_cost(goods_value: Money, shipping: Money, destination: str, channel: str | None, day: date, fx: Fx, *,
                table: CustomsTable | None = None) -> LandedCost:
    """Goods + shipping + the duty estimate, each part with the rule that produced it (RULES.md §6.1)."""
    if shipping.minor < 0:
        raise InvalidInput(f"shipping must not be negative, not {shipping}")
    duty = duty_due(goods_value, destination, channel, day, fx, table=table)
    parts = (
        CostPart("goods", goods_value, "goods-value", "checkout"),
        # not part of the dutiable value: the sources are silent, our reading (customs.toml)
        CostPart("shipping", shipping, "shipping-fee", "checkout"),
        CostPart("duty", duty.amount, duty.basis, duty.cites),
    )
    try:
        total = sum((p.amount for p in parts[1:]), parts[0].amount)
    except CurrencyMismatch as exc:
        raise InvalidInput(f"goods and shipping must share a currency: {goods_value.currency} and {shipping.currency}") from exc
    return LandedCost(parts, total, duty)


@dataclass(frozen=True)
class ShipmentFacts:
    """What the seller declares about a parcel before it goes."""

    original_commercial_invoice: bool
    used_goods: bool
    goods_or_invoice_type_wrong: bool = False


@dataclass(frozen=True)
class Refusal:
    code: Restriction
    cites: str


# Each restriction a destination may carry, and the facts that break it (RULES.md §6.1, Pakistan).
_BREAKS: dict[Restriction, Callable[[ShipmentFacts], bool]] = {
    "needs-original-invoice": lambda f: not f.original_commercial_invoice,
    "used-goods-refused": lambda f: f.used_goods,
    "goods-or-invoice-type-wrong": lambda f: f.goods_or_invoice_type_wrong,
}


def check_shipment(destination: str, facts: ShipmentFacts, *, table: CustomsTable | None = None) -> tuple[Refusal, ...]:
    """Every reason `destination` refuses this parcel, in the table's order; empty when it may go."""
    rules = _table(table).destination(check_country(destination))
    return tuple(Refusal(r, rules.cites) for r in rules.restrictions if _BREAKS[r](facts))


def ensure_shipment_allowed(destination: str, facts: ShipmentFacts, *, table: CustomsTable | None = None) -> None:
    """`check_shipment` for a use case: raises `ShipmentRefused` carrying every refusal code."""
    refusals = check_shipment(destination, facts, table=table)
    if refusals:
        codes = [r.code for r in refusals]
        raise ShipmentRefused(f"{destination} refuses this shipment: {', '.join(codes)}", refusals=codes)


def duty_payer_change_allowed(destination: str, picked_up: bool, *, table: CustomsTable | None = None) -> bool:
    """May the duty payer (税务承担方) still change? Canada: not once the carrier has picked the parcel up (§6.1).

    Elsewhere the sources say nothing; a change stays allowed (our reading).
    """
    rules = _table(table).destination(check_country(destination))
    return not (rules.duty_payer_fixed_at_pickup and picked_up)


def promised_delivery_days(destination: str, requested: int, *, table: CustomsTable | None = None) -> int:
    """The promised delivery time (承诺运达时间) a listing may show: `requested`, capped where a cap exists (§5.5).

    Russia, Brazil, Argentina: at most 90 days. Other countries have no cap in the sources (§16).
    """
    if not isinstance(requested, int) or isinstance(requested, bool) or requested <= 0:
        raise InvalidInput(f"promised delivery days must be a positive whole number, not {requested!r}")
    cap = _table(table).destination(check_country(destination)).promised_delivery_cap_days
    return requested if cap is None else min(requested, cap)

