"""Campaign forecast (RULES.md §3.8): conservative rates from history, stock to prepare, cost and ROI."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.analytics.forecast import (
    BaselinePeriod,
    forecast,
    stock_to_prepare,
    units_per_sku,
    worth,
)
from shopkeeper.errors import InvalidInput
from support import examples

HISTORY = [
    BaselinePeriod(exposure=10000, sessions=500, orders=20, units=30, gmv=100000),
    BaselinePeriod(exposure=10000, sessions=400, orders=20, units=20, gmv=90000),
]


def test_a_hand_computed_forecast_takes_the_lower_rate_one_by_one() -> None:
    result = forecast(100000, HISTORY)
    assert result.central_rates.ctr == Fraction(9, 200)
    assert result.conservative_rates.ctr == Fraction(1, 25)  # the recent period's, lower
    assert result.conservative_rates.cvr == Fraction(2, 45)  # the pooled one, lower
    assert result.conservative_rates.aov == 4500
    assert (result.central.visitors, result.central.orders, result.central.units, result.central.gmv) == (
        4500,
        200,
        250,
        950000,
    )
    # 4000 × 2/45 = 177.8 orders: counted down.
    assert (result.conservative.visitors, result.conservative.orders) == (4000, 177)
    assert (result.conservative.units, result.conservative.gmv) == (177, 796500)


def test_units_follow_the_sku_mix_and_the_stock_need_adds_the_safety_share() -> None:
    units = units_per_sku(177, {"A": 3, "B": 1, "C": 1})
    assert units == {"A": 106, "B": 36, "C": 35}
    need = stock_to_prepare(units, {"A": 50, "B": 100}, Fraction(1, 10))
    assert need == {"A": 67, "B": 0, "C": 39}


def test_roi_is_gmv_over_the_sum_of_the_cost_lines() -> None:
    result = worth(796500, {"promotion": 100000, "discounts": 59300})
    assert result.cost == 159300
    assert result.roi == 5
    assert worth(1000, {}).roi is None


@pytest.mark.parametrize(
    "history",
    [
        [],
        [BaselinePeriod(exposure=0, sessions=0, orders=0, units=0, gmv=0)],
        [BaselinePeriod(exposure=10, sessions=20, orders=1, units=1, gmv=5)],
        [BaselinePeriod(exposure=10, sessions=5, orders=1, units=1, gmv=-5)],
    ],
)
def test_a_history_that_cannot_give_rates_is_refused(history: list[BaselinePeriod]) -> None:
    with pytest.raises(InvalidInput):
        forecast(1000, history)


def test_bad_mix_safety_and_costs_are_refused() -> None:
    with pytest.raises(InvalidInput):
        units_per_sku(10, {"A": 0})
    with pytest.raises(InvalidInput):
        stock_to_prepare({"A": 1}, {}, Fraction(-1, 10))
    with pytest.raises(InvalidInput):
        worth(10, {"promotion": -1})
    with pytest.raises(InvalidInput):
        forecast(-1, HISTORY)


periods = st.builds(
    lambda exposure, s, o, u, g: BaselinePeriod(exposure, min(s, exposure), min(o, s, exposure), u, g),
    st.integers(1, 10**6),
    st.integers(1, 10**5),
    st.integers(1, 10**4),
    st.integers(0, 10**5),
    st.integers(0, 10**9),
)


@settings(max_examples=examples(50))
@given(st.lists(periods, min_size=1, max_size=6), st.integers(0, 10**8))
def test_the_conservative_forecast_never_exceeds_the_central(history: list[BaselinePeriod], exposure: int) -> None:
    result = forecast(exposure, history)
    low, mid = result.conservative, result.central
    assert low.visitors <= mid.visitors and low.orders <= mid.orders
    assert low.units <= mid.units and low.gmv <= mid.gmv


@settings(max_examples=examples(50))
@given(
    st.dictionaries(st.text("ABCDEF", min_size=1, max_size=3), st.integers(0, 1000), min_size=1),
    st.dictionaries(st.text("ABCDEF", min_size=1, max_size=3), st.integers(0, 1000)),
    st.integers(0, 10**5),
    st.fractions(0, 2),
)
def test_units_sum_to_the_forecast_and_stock_need_is_never_negative(
    mix: dict[str, int], on_hand: dict[str, int], units: int, safety: Fraction
) -> None:
    if sum(mix.values()) == 0:
        mix = {**mix, "A": 1}
    split = units_per_sku(units, mix)
    assert sum(split.values()) == units
    need = stock_to_prepare(split, on_hand, safety)
    assert all(n >= 0 for n in need.values())
    assert all(need[s] + on_hand.get(s, 0) >= split[s] * (1 + safety) for s in split)
