"""Landed cost explains itself: its parts sum to the total and the duty is never negative (RULES.md §6.1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.crossborder import rules
from shopkeeper.money import Money
from support import examples

DAYS = st.dates(min_value=date(2016, 1, 1), max_value=date(2018, 12, 31))
RATES = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10"), places=4)


@settings(max_examples=examples(60), deadline=None)
@given(goods=st.integers(0, 10**9), shipping=st.integers(0, 10**7), day=DAYS, rate=RATES,
       destination=st.sampled_from(["TR", "PK", "CA", "RU", "US"]), channel=st.sampled_from(["hk-dhl", "hk-ups", None]))
def test_landed_cost_parts_sum_to_the_total_and_duty_is_never_negative(
        goods: int, shipping: int, day: date, rate: Decimal, destination: str, channel: str | None) -> None:
    fx = rules.Fx({("USD", "EUR"): rate})
    cost = rules.landed_cost(Money(goods, "USD"), Money(shipping, "USD"), destination, channel, day, fx)
    assert sum(p.amount.minor for p in cost.parts) == cost.total.minor
    assert [p.kind for p in cost.parts] == ["goods", "shipping", "duty"]
    assert cost.duty.amount.minor >= 0
    assert cost.duty.amount == cost.parts[2].amount
    # no duty at or under the threshold; over it, never more than the goods are worth at the table's rates
    if cost.duty.basis != "over-threshold":
        assert cost.duty.amount.minor == 0
    assert cost.duty.amount.minor <= goods


@settings(max_examples=examples(40), deadline=None)
@given(low=st.integers(0, 10**6), step=st.integers(1, 10**6), day=DAYS)
def test_more_valuable_goods_never_pay_less_duty(low: int, step: int, day: date) -> None:
    fx = rules.Fx()
    cheap = rules.duty_due(Money(low, "EUR"), "TR", "hk-dhl", day, fx)
    dear = rules.duty_due(Money(low + step, "EUR"), "TR", "hk-dhl", day, fx)
    assert dear.amount >= cheap.amount


@settings(max_examples=examples(30), deadline=None)
@given(day=DAYS)
def test_exactly_one_threshold_is_in_force_for_turkey_on_any_day(day: date) -> None:
    hk = rules.threshold_on("TR", "hk-dhl", day)
    assert hk is not None and hk.in_force(day) and hk.channel == "hk-dhl"
    assert hk.limit == Money.of("30" if day >= date(2017, 1, 15) else "75", "EUR")
    other = rules.threshold_on("TR", "hk-ups", day)
    assert other is not None and other.channel is None and other.limit == Money.of("75", "EUR")
