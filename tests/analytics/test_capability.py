"""The seller capability model (商家运营能力模型, RULES.md §8.2): exact scores on a store and peers worked out by hand,
the 60-order threshold, lower-is-better indicators, tiers, suggestions and rounding; hypothesis: improving one
indicator never lowers its dimension's score."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shopkeeper.analytics.capability import (
    INDICATORS,
    MIN_ORDERS,
    MODEL,
    CapabilityResult,
    StoreFacts,
    excellent_values,
    indicator_score,
    peer_averages,
    points,
    score,
    score_values,
    shown_value,
    suggestions,
    tier,
)
from shopkeeper.errors import InvalidInput
from support import examples

STORE = StoreFacts(
    lifetime_orders=120, orders=100, not_received_disputes=3, search_visitors=1000,
    shipped_orders=100, shipped_on_time=95, delivered_orders=80, delivery_days_total=720, reviews=50, positive_reviews=42,
)
PEERS = [
    StoreFacts(lifetime_orders=200, orders=100, not_received_disputes=2, search_visitors=500, shipped_orders=100,
               shipped_on_time=80, delivered_orders=100, delivery_days_total=1200, reviews=100, positive_reviews=90),
    StoreFacts(lifetime_orders=60, orders=50, not_received_disputes=0, search_visitors=1500, shipped_orders=50,
               shipped_on_time=45, delivered_orders=50, delivery_days_total=500, reviews=10, positive_reviews=10),
    StoreFacts(lifetime_orders=300, orders=200, not_received_disputes=8, search_visitors=700, shipped_orders=200,
               shipped_on_time=200, delivered_orders=100, delivery_days_total=800, reviews=20, positive_reviews=16),
    # 59 orders: below the threshold, so left out of the benchmarks (it would move every one of them)
    StoreFacts(lifetime_orders=59, orders=59, not_received_disputes=59, search_visitors=100_000, shipped_orders=59,
               reviews=59),
]


def by_code(result: CapabilityResult) -> dict[str, F | None]:
    return {s.indicator.code: s.score for d in result.dimensions for s in d.indicators}


def dimension_scores(result: CapabilityResult) -> dict[str, F | None]:
    return {d.dimension.code: d.score for d in result.dimensions}


def test_the_peer_average_is_the_mean_of_the_shown_peers_values():
    averages = peer_averages(PEERS)
    assert averages["on_time_ship_rate"] == F(9, 10)  # (0.8 + 0.9 + 1.0) / 3
    assert averages["delivery_days"] == 10  # (12 + 10 + 8) / 3
    assert averages["positive_review_rate"] == F(9, 10)  # (0.9 + 1.0 + 0.8) / 3
    assert averages["search_visitors"] == 900  # (500 + 1500 + 700) / 3, the 59-order peer left out
    assert averages["not_received_dispute_rate"] == F(1, 50)  # (0.02 + 0 + 0.04) / 3
    assert "conversion_rate" not in averages  # no peer had a visitor: nothing to average


def test_the_excellent_value_is_the_90th_percentile_counted_from_the_worst():
    excellent = excellent_values(PEERS)
    assert excellent["on_time_ship_rate"] == 1  # ceil(0.9 × 3) = 3rd of 0.8, 0.9, 1.0
    assert excellent["delivery_days"] == 8  # lower is better: 12, 10, 8
    assert excellent["not_received_dispute_rate"] == 0
    assert excellent["search_visitors"] == 1500
    assert excellent_values(PEERS, percentile=50)["delivery_days"] == 10  # ceil(1.5) = 2nd
    with pytest.raises(InvalidInput):
        excellent_values(PEERS, percentile=0)


def test_exact_scores_worked_out_by_hand():
    result = score(STORE, PEERS, None)
    assert result is not None
    scores = by_code(result)
    assert scores["on_time_ship_rate"] == 80  # 0.95: halfway from average 0.9 to excellent 1.0 → 60 + 40/2
    assert scores["delivery_days"] == 80  # 9 days: halfway from 10 down to 8
    assert scores["positive_review_rate"] == 36  # 0.84: 0.6 of the spread below average → 60 − 24
    assert scores["search_visitors"] == F(200, 3)  # 1000: (1000 − 900) / 600 → 60 + 40/6
    assert scores["not_received_dispute_rate"] == 40  # 0.03: half the spread worse than 0.02 → 60 − 20
    assert scores["product_count"] == 100  # everyone at 0: as good as the excellent value
    assert scores["sell_through_rate"] is None  # the store lists nothing: nothing to measure
    assert scores["conversion_rate"] is None
    assert dimension_scores(result) == {
        "product": F(85),  # (100 + 100 + 40 + 100) / 4
        "traffic": F(800, 9),  # (100 + 200/3 + 100) / 3
        "conversion": None,
        "retention": None,
        "service": F(36),
        "logistics": F(80),
    }
    assert result.overall == F(2609, 36)  # (85 + 800/9 + 36 + 80) / 4
    assert points(result.overall) == Decimal("72.5")
    assert result.tier == "average"


def test_the_store_value_the_average_and_the_excellent_value_are_all_given():
    result = score(STORE, PEERS, None)
    assert result is not None
    logistics = next(d for d in result.dimensions if d.dimension.code == "logistics")
    on_time = logistics.indicators[0]
    assert (on_time.value, on_time.peer_average, on_time.excellent) == (F(19, 20), F(9, 10), F(1))


def test_the_platforms_own_excellent_values_replace_ours():
    result = score(STORE, PEERS, {"on_time_ship_rate": F(1), "delivery_days": F(6)})
    assert result is not None
    scores = by_code(result)
    assert scores["delivery_days"] == 70  # (9 − 10) / (6 − 10) = 1/4 → 60 + 10
    assert scores["positive_review_rate"] is None  # no excellent value given: not scored


def test_no_model_below_60_orders_and_from_60_on():
    assert MIN_ORDERS == 60
    assert score(StoreFacts(lifetime_orders=59, orders=59), PEERS, None) is None
    assert suggestions(score(StoreFacts(lifetime_orders=59), PEERS, None)) == []
    assert score(StoreFacts(lifetime_orders=60, orders=60), PEERS, None) is not None


def test_lower_is_better_scores_a_lower_value_higher():
    days = INDICATORS["delivery_days"]
    assert indicator_score(days, F(7), F(10), F(8)) == 100  # beyond excellent: clamped
    assert indicator_score(days, F(11), F(10), F(8)) == 40
    assert indicator_score(days, F(20), F(10), F(8)) == 0  # far worse: clamped
    with pytest.raises(InvalidInput):
        indicator_score(days, F(9), F(10), F(12))  # an excellent value worse than the average


def test_without_spread_as_good_as_the_peers_is_excellent_and_worse_is_zero():
    rate = INDICATORS["on_time_ship_rate"]
    assert indicator_score(rate, F(1), F(1), F(1)) == 100
    assert indicator_score(rate, F(99, 100), F(1), F(1)) == 0
    assert indicator_score(INDICATORS["delivery_days"], F(3), F(3), F(3)) == 100


def test_tiers():
    assert [tier(F(n)) for n in (100, 90, 89, 75, 74, 60, 59, 0)] == [
        "excellent", "excellent", "good", "good", "average", "average", "behind", "behind"]


def test_one_suggestion_per_indicator_below_the_peer_average_in_english_and_chinese():
    found = suggestions(score(STORE, PEERS, None))
    assert [s.indicator for s in found] == ["not_received_dispute_rate", "positive_review_rate"]
    assert found[1].en == "Resolve complaints before buyers review."
    assert found[1].zh == "在买家评价前解决问题。"


def test_every_indicator_has_short_advice_in_both_languages():
    for indicator in INDICATORS.values():
        assert 0 < len(indicator.advice_en) <= 60 and 0 < len(indicator.advice_zh) <= 30, indicator.code
        assert indicator.numerator in StoreFacts.__dataclass_fields__
        assert indicator.denominator is None or indicator.denominator in StoreFacts.__dataclass_fields__
    assert [d.code for d in MODEL] == ["product", "traffic", "conversion", "retention", "service", "logistics"]


def test_rounding_is_half_up_on_the_exact_value():
    assert points(F(145, 2)) == Decimal("72.5")
    assert points(F(1445, 20)) == Decimal("72.3")  # 72.25 → 72.3
    assert points(F(1, 20)) == Decimal("0.1")
    assert points(F(10**31 - 1, 2 * 10**32)) == Decimal("0.0")  # 0.04999…95 (31 digits): no intermediate rounding
    assert shown_value(INDICATORS["on_time_ship_rate"], F(1, 8)) == Decimal("12.50")
    assert shown_value(INDICATORS["delivery_days"], F(2, 3)) == Decimal("0.67")


def test_bad_facts_are_refused():
    with pytest.raises(InvalidInput):
        StoreFacts(orders=-1)
    with pytest.raises(InvalidInput):
        StoreFacts(reviews=3, positive_reviews=4)


fractions = st.fractions(min_value=0, max_value=1000, max_denominator=50)


@st.composite
def benchmarks(draw: st.DrawFn) -> tuple[dict[str, F | None], dict[str, F], dict[str, F]]:
    """Store values, peer averages and excellent values for every indicator, some missing, excellent never worse."""
    store: dict[str, F | None] = {}
    averages: dict[str, F] = {}
    excellent: dict[str, F] = {}
    for code, indicator in INDICATORS.items():
        average, spread = draw(fractions), draw(fractions)
        best = average + spread if indicator.better == "higher" else max(F(0), average - spread)
        # mostly near the benchmarks (where the score is not clamped), sometimes anywhere, sometimes not measured
        near = st.fractions(min_value=-2, max_value=3, max_denominator=20).map(lambda t: max(F(0), average + t * (best - average)))
        store[code] = draw(st.none() | fractions | near | near)
        if draw(st.integers(0, 4)):  # one in five has no benchmark, so is not scored
            averages[code], excellent[code] = average, best
    return store, averages, excellent


@given(benchmarks(), st.sampled_from(sorted(INDICATORS)), fractions)
@settings(max_examples=examples(200))
def test_improving_one_indicator_never_lowers_its_dimension(case, code, step):
    store, averages, excellent = case
    assume(store[code] is not None)  # from "not measured" to a value is no improvement: it starts being scored
    before = score_values(store, averages, excellent)
    value = store[code]
    assert value is not None
    better = value + step if INDICATORS[code].better == "higher" else max(F(0), value - step)
    after = score_values({**store, code: better}, averages, excellent)
    dimension = next(d.code for d in MODEL if code in {i.code for i in d.indicators})
    was, now = dimension_scores(before)[dimension], dimension_scores(after)[dimension]
    assert was is None and now is None or was is not None and now is not None and now >= was
    for result in (before, after):
        assert all(s.score is None or 0 <= s.score <= 100 for d in result.dimensions for s in d.indicators)


@given(st.integers(1, 200), st.integers(0, 200), st.integers(0, 200))
@settings(max_examples=examples(100))
def test_one_more_on_time_shipment_never_lowers_logistics(shipped, on_time, days):
    on_time = min(on_time, shipped - 1)
    store = StoreFacts(lifetime_orders=60, shipped_orders=shipped, shipped_on_time=on_time, delivered_orders=1,
                       delivery_days_total=days)
    improved = StoreFacts(**{**store.__dict__, "shipped_on_time": on_time + 1})
    before, after = score(store, PEERS, None), score(improved, PEERS, None)
    assert before is not None and after is not None
    was, now = dimension_scores(before)["logistics"], dimension_scores(after)["logistics"]
    assert was is not None and now is not None and now >= was
