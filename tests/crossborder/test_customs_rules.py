"""Customs thresholds, shipment checks, duty payer and delivery promises (RULES.md §5.5, §6.1), given / when / then."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shopkeeper.crossborder import rules
from shopkeeper.crossborder.rules import Fx, ShipmentFacts
from shopkeeper.errors import InvalidInput
from shopkeeper.money import Money

EUR_ONLY = Fx()
USD_TO_EUR = Fx({("USD", "EUR"): Decimal("0.9")})
THE_EVE, THE_DAY = date(2017, 1, 14), date(2017, 1, 15)


def test_turkey_hk_dhl_threshold_is_75_euros_until_14_january_2017_and_30_from_the_15th() -> None:
    """§6.1: 四方速递's notice, €75 → €30 on the HK DHL channel from 2017-01-15."""
    assert rules.threshold_on("TR", "hk-dhl", THE_EVE).limit == Money.of("75", "EUR")  # type: ignore[union-attr]
    assert rules.threshold_on("TR", "hk-dhl", THE_DAY).limit == Money.of("30", "EUR")  # type: ignore[union-attr]


@pytest.mark.parametrize("channel", ["hk-ups", None])
def test_turkey_on_another_channel_keeps_75_euros_across_the_change(channel: str | None) -> None:
    """§6.1 reading: the notice names the HK DHL channel only; the country-wide entry is unchanged."""
    for day in (THE_EVE, THE_DAY, date(2024, 6, 1)):
        threshold = rules.threshold_on("TR", channel, day)
        assert threshold is not None and threshold.channel is None
        assert threshold.limit == Money.of("75", "EUR")


def test_the_same_goods_pay_duty_on_the_15th_but_not_on_the_14th() -> None:
    # given goods worth €50 sent to Turkey by HK DHL
    goods = Money.of("50", "EUR")
    # when the duty is estimated either side of the change
    before = rules.duty_due(goods, "TR", "hk-dhl", THE_EVE, EUR_ONLY)
    after = rules.duty_due(goods, "TR", "hk-dhl", THE_DAY, EUR_ONLY)
    # then only the later day charges the illustrative 10% on the whole value
    assert (before.basis, before.amount) == ("at-or-under-threshold", Money.zero("EUR"))
    assert (after.basis, after.amount) == ("over-threshold", Money.of("5.00", "EUR"))
    assert after.threshold is not None and after.threshold.rate_is_illustrative


def test_goods_worth_exactly_the_threshold_pay_no_duty_and_one_cent_more_pays_on_the_whole_value() -> None:
    """§6.1 reading: de minimis is "value not exceeding"; above it duty is on the whole value, not the excess."""
    at = rules.duty_due(Money.of("30.00", "EUR"), "TR", "hk-dhl", THE_DAY, EUR_ONLY)
    over = rules.duty_due(Money.of("30.01", "EUR"), "TR", "hk-dhl", THE_DAY, EUR_ONLY)
    assert (at.basis, at.amount) == ("at-or-under-threshold", Money.zero("EUR"))
    assert (over.basis, over.amount) == ("over-threshold", Money(300, "EUR"))  # 10% of 30.01, half-up


def test_the_boundary_is_judged_on_the_exact_converted_value_not_a_rounded_one() -> None:
    # given 33.34 USD at 0.9 = 30.006 EUR, which would round to 30.01 but is over €30 either way,
    # and 33.33 USD = 29.997 EUR, which would round to 30.00 and is under
    over = rules.duty_due(Money.of("33.34", "USD"), "TR", "hk-dhl", THE_DAY, USD_TO_EUR)
    under = rules.duty_due(Money.of("33.33", "USD"), "TR", "hk-dhl", THE_DAY, USD_TO_EUR)
    assert over.basis == "over-threshold" and over.amount == Money(333, "USD")  # duty in the goods' currency
    assert under.basis == "at-or-under-threshold"
    assert over.goods_in_threshold_currency == Decimal("30.006")


def test_a_missing_exchange_rate_is_refused_rather_than_guessed() -> None:
    with pytest.raises(InvalidInput, match="no exchange rate from USD to EUR"):
        rules.duty_due(Money.of("40", "USD"), "TR", "hk-dhl", THE_DAY, EUR_ONLY)


def test_a_destination_without_a_threshold_gets_no_duty_estimate_rather_than_a_guess() -> None:
    duty = rules.duty_due(Money.of("500", "USD"), "US", None, THE_DAY, EUR_ONLY)
    assert (duty.basis, duty.amount, duty.threshold) == ("no-customs-rule", Money.zero("USD"), None)


def test_landed_cost_lists_goods_shipping_and_duty_with_the_rule_behind_each() -> None:
    cost = rules.landed_cost(Money.of("40", "EUR"), Money.of("6.50", "EUR"), "TR", "hk-dhl", THE_DAY, EUR_ONLY)
    assert [(p.kind, p.amount, p.rule) for p in cost.parts] == [
        ("goods", Money.of("40", "EUR"), "goods-value"),
        ("shipping", Money.of("6.50", "EUR"), "shipping-fee"),
        ("duty", Money.of("4.00", "EUR"), "over-threshold"),  # shipping is not dutiable (our reading)
    ]
    assert cost.parts[2].cites == "RULES.md §6.1"
    assert cost.total == Money.of("50.50", "EUR")


def test_landed_cost_refuses_shipping_in_another_currency() -> None:
    with pytest.raises(InvalidInput, match="share a currency"):
        rules.landed_cost(Money.of("40", "EUR"), Money.of("6", "USD"), "TR", "hk-dhl", THE_DAY, EUR_ONLY)


def test_canada_duty_payer_may_change_before_pickup_but_not_after() -> None:
    """§6.1 (Hong Kong FedEx): once picked up, a change of the duty payment is no longer accepted."""
    assert rules.duty_payer_change_allowed("CA", picked_up=False) is True
    assert rules.duty_payer_change_allowed("CA", picked_up=True) is False


def test_elsewhere_the_duty_payer_may_still_change_after_pickup() -> None:
    assert rules.duty_payer_change_allowed("PK", picked_up=True) is True
    assert rules.duty_payer_change_allowed("TR", picked_up=True) is True


def test_pakistan_refuses_used_goods_without_an_original_invoice_for_both_reasons_at_once() -> None:
    """§6.1 (Hong Kong FedEx): original commercial invoice required; second-hand goods not accepted."""
    facts = ShipmentFacts(original_commercial_invoice=False, used_goods=True)
    refusals = rules.check_shipment("PK", facts)
    assert [r.code for r in refusals] == ["needs-original-invoice", "used-goods-refused"]
    assert all(r.cites == "RULES.md §6.1" for r in refusals)
    with pytest.raises(rules.ShipmentRefused) as raised:
        rules.ensure_shipment_allowed("PK", facts)
    assert raised.value.code == "shipment-refused"
    assert raised.value.extra["refusals"] == ["needs-original-invoice", "used-goods-refused"]


def test_pakistan_takes_new_goods_with_the_original_invoice_and_refuses_a_wrong_invoice_type() -> None:
    assert rules.check_shipment("PK", ShipmentFacts(original_commercial_invoice=True, used_goods=False)) == ()
    wrong = ShipmentFacts(original_commercial_invoice=True, used_goods=False, goods_or_invoice_type_wrong=True)
    assert [r.code for r in rules.check_shipment("PK", wrong)] == ["goods-or-invoice-type-wrong"]


def test_a_destination_without_restrictions_takes_used_goods_without_an_invoice() -> None:
    rules.ensure_shipment_allowed("CA", ShipmentFacts(original_commercial_invoice=False, used_goods=True))


@pytest.mark.parametrize("country", ["RU", "BR", "AR"])
def test_promised_delivery_is_capped_at_90_days_for_russia_brazil_and_argentina(country: str) -> None:
    """§5.5: promised delivery time (承诺运达时间) at most 90 days there."""
    assert rules.promised_delivery_days(country, 120) == 90
    assert rules.promised_delivery_days(country, 90) == 90
    assert rules.promised_delivery_days(country, 60) == 60


@pytest.mark.parametrize("country", ["US", "TR", "PK"])
def test_other_countries_keep_the_promise_asked_for(country: str) -> None:
    """§16: the sources give no cap elsewhere."""
    assert rules.promised_delivery_days(country, 120) == 120


@pytest.mark.parametrize("bad", [0, -5, True, "90"])
def test_a_promise_must_be_a_positive_whole_number_of_days(bad: object) -> None:
    with pytest.raises(InvalidInput, match="positive whole number"):
        rules.promised_delivery_days("RU", bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["tr", "TUR", "", "T1"])
def test_a_destination_must_be_an_iso_alpha_2_code(bad: str) -> None:
    with pytest.raises(InvalidInput, match="ISO 3166"):
        rules.threshold_on(bad, None, THE_DAY)
