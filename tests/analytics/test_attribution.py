"""Attribution of order revenue to channels (RULES.md §9.3, §17.3): last non-direct click, first click, linear and
position-based, hand-computed for one, two, three and five touches, Direct-only buyers, the 30-day lookback window,
per-channel totals, bad input, and the invariants: credits sum to the revenue and are never negative."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.analytics.attribution import (
    DIRECT,
    LOOKBACK,
    MODELS,
    UNASSIGNED,
    ChannelCredit,
    ChannelShare,
    Order,
    Touch,
    attribute,
    credit_order,
    touch_weights,
)
from shopkeeper.errors import InvalidInput
from shopkeeper.money import Money
from support import examples

ORDERED = datetime(2026, 11, 11, 12, 0, tzinfo=timezone.utc)


def order(revenue: str = "100.00", currency: str = "USD", buyer: str = "amy", order_id: str = "o1") -> Order:
    return Order(order_id, buyer, ORDERED, Money.of(revenue, currency))


def touches(*channels: str, buyer: str = "amy") -> list[Touch]:
    """Touches one day apart, the last one the day before the order."""
    count = len(channels)
    return [Touch(buyer, ORDERED - timedelta(days=count - i), channel) for i, channel in enumerate(channels)]


def split(shares: Sequence[ChannelShare]) -> dict[str, int]:
    return {share.channel: share.revenue.minor for share in shares}


def test_lookback_is_thirty_days() -> None:
    assert LOOKBACK == timedelta(days=30)


@pytest.mark.parametrize("model", MODELS)
def test_one_touch_takes_everything_under_every_model(model: str) -> None:
    credit = credit_order(order(), touches("Email"), model)
    assert split(credit.shares) == {"Email": 10000}
    assert credit.touch_weights == (Fraction(1),)


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("last_click", {"Email": 10000}),
        ("first_click", {"Organic Search": 10000}),
        ("linear", {"Organic Search": 5000, "Email": 5000}),
        ("position_based", {"Organic Search": 5000, "Email": 5000}),
    ],
)
def test_two_touches(model: str, expected: dict[str, int]) -> None:
    assert split(credit_order(order(), touches("Organic Search", "Email"), model).shares) == expected


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("last_click", {"Paid Social": 10000}),
        ("first_click", {"Organic Search": 10000}),
        # a third of 100.00 each; the odd cent to the earliest channel
        ("linear", {"Organic Search": 3334, "Email": 3333, "Paid Social": 3333}),
        ("position_based", {"Organic Search": 4000, "Email": 2000, "Paid Social": 4000}),
    ],
)
def test_three_touches(model: str, expected: dict[str, int]) -> None:
    assert split(credit_order(order(), touches("Organic Search", "Email", "Paid Social"), model).shares) == expected


FIVE = ("Paid Search", "Email", DIRECT, "Email", DIRECT)


@pytest.mark.parametrize(
    ("model", "expected", "weights"),
    [
        # the last touch is Direct; the last non-direct one is the second Email
        ("last_click", {"Email": 9999}, [0, 0, 0, 1, 0]),
        ("first_click", {"Paid Search": 9999}, [1, 0, 0, 0, 0]),
        # 1/5, 2/5, 2/5 of 9999: 1999.8, 3999.6, 3999.6; two cents left go to the largest remainders
        (
            "linear",
            {"Paid Search": 2000, "Email": 4000, DIRECT: 3999},
            [Fraction(1, 5)] * 5,
        ),
        # 40 % first, 20 % over three middles (1/15 each), 40 % last: 6/15, 2/15, 7/15 of 9999
        (
            "position_based",
            {"Paid Search": 4000, "Email": 1333, DIRECT: 4666},
            [Fraction(2, 5), Fraction(1, 15), Fraction(1, 15), Fraction(1, 15), Fraction(2, 5)],
        ),
    ],
)
def test_five_touches(model: str, expected: dict[str, int], weights: list[Fraction]) -> None:
    credit = credit_order(order("99.99"), touches(*FIVE), model)
    assert split(credit.shares) == expected
    assert list(credit.touch_weights) == weights
    assert sum(credit.touch_weights) == 1


def test_channel_weights_add_up_the_touches_of_the_same_channel() -> None:
    credit = credit_order(order("99.99"), touches(*FIVE), "position_based")
    assert {s.channel: s.weight for s in credit.shares} == {
        "Paid Search": Fraction(2, 5),
        "Email": Fraction(2, 15),
        DIRECT: Fraction(7, 15),
    }


@pytest.mark.parametrize("model", MODELS)
def test_a_direct_only_buyer_credits_direct(model: str) -> None:
    assert split(credit_order(order(), touches(DIRECT, DIRECT), model).shares) == {DIRECT: 10000}


def test_direct_counts_like_any_channel_outside_last_click() -> None:
    assert split(credit_order(order(), touches(DIRECT, "Email"), "first_click").shares) == {DIRECT: 10000}
    assert split(credit_order(order(), touches("Email", DIRECT), "last_click").shares) == {"Email": 10000}
    assert split(credit_order(order(), touches("Email", DIRECT), "linear").shares) == {"Email": 5000, DIRECT: 5000}


def test_a_touch_outside_the_window_is_dropped() -> None:
    # given an email 31 days before the order, a social click 2 days before and one just after
    history = [
        Touch("amy", ORDERED - timedelta(days=31), "Email"),
        Touch("amy", ORDERED - timedelta(days=2), "Organic Social"),
        Touch("amy", ORDERED + timedelta(minutes=1), "Paid Search"),
    ]
    # then only the social click is in the window, under every model
    for model in MODELS:
        credit = credit_order(order(), history, model)
        assert [t.channel for t in credit.touches] == ["Organic Social"]
        assert split(credit.shares) == {"Organic Social": 10000}
    # and a longer window takes the email back
    assert split(credit_order(order(), history, "first_click", timedelta(days=31)).shares) == {"Email": 10000}


def test_the_window_includes_both_ends() -> None:
    history = [
        Touch("amy", ORDERED - LOOKBACK, "Email"),
        Touch("amy", ORDERED, "Paid Search"),
    ]
    assert split(credit_order(order(), history, "linear").shares) == {"Email": 5000, "Paid Search": 5000}


def test_another_buyers_touch_does_not_count_and_no_touch_is_unassigned() -> None:
    credit = credit_order(order(), touches("Email", buyer="bob"), "last_click")
    assert credit.touches == ()
    assert split(credit.shares) == {UNASSIGNED: 10000}


def test_touches_are_taken_oldest_first_whatever_order_they_come_in() -> None:
    shuffled = list(reversed(touches("Organic Search", "Email", "Paid Social")))
    assert split(credit_order(order(), shuffled, "first_click").shares) == {"Organic Search": 10000}


def test_a_currency_without_cents_splits_whole_units() -> None:
    credit = credit_order(order("100", "JPY"), touches("Organic Search", "Email", "Paid Social"), "linear")
    assert [s.revenue for s in credit.shares] == [Money(34, "JPY"), Money(33, "JPY"), Money(33, "JPY")]


def test_attribute_totals_per_channel_and_keeps_currencies_apart() -> None:
    # given two USD orders by amy and bob and one EUR order by cyd
    orders = [
        order("100.00", "USD", "amy", "o1"),
        order("50.00", "USD", "bob", "o2"),
        order("20.00", "EUR", "cyd", "o3"),
    ]
    history = touches("Organic Search", "Email") + touches("Email", buyer="bob") + touches(DIRECT, buyer="cyd")
    # when credited linearly
    credits = attribute(orders, history, "linear")
    # then Email has half of amy's order and all of bob's, one and a half conversions
    assert credits == [
        ChannelCredit(DIRECT, Money(2000, "EUR"), Fraction(1)),
        ChannelCredit("Email", Money(10000, "USD"), Fraction(3, 2)),
        ChannelCredit("Organic Search", Money(5000, "USD"), Fraction(1, 2)),
    ]


def test_a_touch_before_two_orders_counts_for_both() -> None:
    second = Order("o2", "amy", ORDERED + timedelta(days=1), Money.of("10.00", "USD"))
    credits = attribute([order(), second], touches("Email"), "last_click")
    assert credits == [ChannelCredit("Email", Money(11000, "USD"), Fraction(2))]


def test_bad_input_is_refused() -> None:
    with pytest.raises(InvalidInput):
        attribute([order()], touches("Email"), "time_decay")
    with pytest.raises(InvalidInput):
        credit_order(order("-1.00"), touches("Email"), "linear")
    with pytest.raises(InvalidInput):
        credit_order(order(), [Touch("amy", datetime(2026, 11, 10), "Email")], "linear")
    with pytest.raises(InvalidInput):
        credit_order(order(), touches("Email"), "linear", timedelta(0))
    with pytest.raises(InvalidInput):
        touch_weights(["Email"], "data_driven")


CHANNELS = st.sampled_from(["Organic Search", "Paid Search", "Email", "Organic Social", DIRECT])
touch_lists = st.lists(
    st.tuples(CHANNELS, st.integers(min_value=-2 * 24 * 60, max_value=40 * 24 * 60)), max_size=12
).map(lambda pairs: [Touch("amy", ORDERED - timedelta(minutes=m), c) for c, m in pairs])


@settings(max_examples=examples(80), deadline=None)
@given(touch_lists, st.integers(min_value=0, max_value=10**9), st.sampled_from(MODELS))
def test_credits_always_sum_to_the_revenue_and_are_never_negative(history: list[Touch], minor: int, model: str) -> None:
    the_order = Order("o", "amy", ORDERED, Money(minor, "USD"))
    credit = credit_order(the_order, history, model)
    assert sum(s.revenue.minor for s in credit.shares) == minor
    assert all(s.revenue.minor >= 0 and s.weight > 0 for s in credit.shares)
    assert sum(s.weight for s in credit.shares) == 1
    assert all(w >= 0 for w in credit.touch_weights)
    assert sum(credit.touch_weights) == (1 if credit.touches else 0)
    assert all(ORDERED - LOOKBACK <= t.at <= ORDERED for t in credit.touches)
    # no channel gets more than its exact share rounded up
    for share in credit.shares:
        assert abs(share.revenue.minor - share.weight * minor) < 1


@settings(max_examples=examples(40), deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["amy", "bob"]), st.integers(min_value=0, max_value=10**7)), max_size=6),
    touch_lists,
    st.sampled_from(MODELS),
)
def test_channel_totals_sum_to_all_revenue(sales: list[tuple[str, int]], history: list[Touch], model: str) -> None:
    orders = [Order(str(i), buyer, ORDERED, Money(minor, "USD")) for i, (buyer, minor) in enumerate(sales)]
    credits = attribute(orders, history, model)
    assert sum(c.revenue.minor for c in credits) == sum(minor for _, minor in sales)
    assert sum(c.conversions for c in credits) == len(orders)
    assert all(c.revenue.minor >= 0 for c in credits)
