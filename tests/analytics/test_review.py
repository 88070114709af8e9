"""Campaign review (RULES.md §3.3, §3.8): completion, sell-through, GMV drivers, profit and channels."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.analytics.review import Totals, channels, completion, drivers, profit, sell_through
from shopkeeper.errors import InvalidInput
from support import examples


def test_completion_and_sell_through_are_hand_computed() -> None:
    assert completion({"gmv": 360000, "orders": 60}, {"gmv": 400000, "orders": 50, "fans": 0}) == {
        "gmv": Fraction(9, 10),
        "orders": Fraction(6, 5),
        "fans": None,
    }
    assert sell_through({"A": 30, "B": 5}, {"A": 40, "B": 5, "C": 0}) == {
        "A": Fraction(3, 4),
        "B": 1,
        "C": None,
    }
    with pytest.raises(InvalidInput):
        sell_through({"A": 6}, {"A": 5})


def test_gmv_change_splits_into_traffic_conversion_and_aov() -> None:
    # Baseline: 1000 sessions, 2% conversion, AOV 5000; actual: 2000 sessions, 3%, AOV 6000.
    result = drivers(Totals(1000, 20, 100000), Totals(2000, 60, 360000))
    assert result.change == 260000
    assert (result.traffic, result.conversion, result.aov) == (100000, 100000, 60000)
    assert (result.traffic_minor, result.conversion_minor, result.aov_minor) == (100000, 100000, 60000)


def test_profit_and_return_rate() -> None:
    result = profit(revenue=360000, refunds=36000, cost_of_goods=150000, marketing_cost=50000)
    assert (result.net_revenue, result.gross_margin, result.profit) == (324000, 174000, 124000)
    assert result.return_rate == Fraction(1, 10)
    with pytest.raises(InvalidInput):
        profit(revenue=10, refunds=11, cost_of_goods=0, marketing_cost=0)


def test_channels_are_summed_per_order_with_shares_in_basis_points() -> None:
    lines = channels([("organic", 1000), ("paid", 3000), ("organic", 2000), ("social", 1000)])
    assert [(c.channel, c.orders, c.gmv, c.share_bp) for c in lines] == [
        ("organic", 2, 3000, 4286),
        ("paid", 1, 3000, 4286),
        ("social", 1, 1000, 1428),
    ]


def test_a_baseline_without_orders_or_inconsistent_totals_is_refused() -> None:
    with pytest.raises(InvalidInput):
        drivers(Totals(100, 0, 0), Totals(100, 1, 10))
    with pytest.raises(InvalidInput):
        drivers(Totals(100, 5, 10), Totals(100, 0, 10))


totals = st.builds(
    lambda s, o, g: Totals(s, min(o, s), g if min(o, s) else 0),
    st.integers(0, 10**6),
    st.integers(0, 10**5),
    st.integers(0, 10**10),
)


@settings(max_examples=examples(100))
@given(totals.filter(lambda t: t.orders > 0), totals)
def test_contributions_sum_exactly_to_the_gmv_change(baseline: Totals, actual: Totals) -> None:
    result = drivers(baseline, actual)
    assert result.change == actual.gmv - baseline.gmv
    assert result.traffic + result.conversion + result.aov == result.change
    assert result.traffic_minor + result.conversion_minor + result.aov_minor == result.change
    assert abs(result.aov_minor - result.aov) <= 1


@settings(max_examples=examples(50))
@given(st.lists(st.tuples(st.sampled_from(["organic", "paid", "social", "email"]), st.integers(0, 10**6))))
def test_channel_lines_sum_to_the_totals(orders: list[tuple[str, int]]) -> None:
    lines = channels(orders)
    assert sum(c.orders for c in lines) == len(orders)
    assert sum(c.gmv for c in lines) == sum(g for _, g in orders)
    assert sum(c.share_bp for c in lines) == (10000 if lines else 0)
