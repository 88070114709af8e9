"""RFM scores and segments, exact on hand-made populations, and their invariants (RULES.md §9.4 segmentation)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.crm.rfm import SEGMENT_NAMES, PaidOrder, quintile_scores, rfm_values, score, segment_of
from shopkeeper.errors import InvalidInput
from shopkeeper.money import Money
from support import examples

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
AS_OF = T0 + timedelta(days=100)


def paid(buyer: str, day: float, yuan: int) -> PaidOrder:
    return PaidOrder(buyer, T0 + timedelta(days=day), Money(yuan * 100, "CNY"))


def test_five_distinct_buyers_score_one_to_five_and_get_their_segments() -> None:
    orders = [
        *[paid("ann", day, 100) for day in (60, 70, 80, 90, 99)],
        *[paid("bo", day, 100) for day in (60, 70, 80, 90)],
        paid("cy", 50, 20), paid("cy", 60, 20), paid("cy", 70, 10),
        paid("di", 30, 150), paid("di", 40, 150),
        paid("ed", 10, 200),
        paid("ann", 101, 9999),  # paid after the date: not counted
    ]
    scored = {s.buyer: s for s in score(orders, AS_OF)}
    assert {b: (s.values.recency_days, s.values.frequency, s.values.monetary.minor) for b, s in scored.items()} == {
        "ann": (1, 5, 50000), "bo": (10, 4, 40000), "cy": (30, 3, 5000), "di": (60, 2, 30000), "ed": (90, 1, 20000)}
    assert {b: s.code for b, s in scored.items()} == {"ann": "555", "bo": "444", "cy": "331", "di": "223", "ed": "112"}
    assert {b: s.segment for b, s in scored.items()} == {
        "ann": "champions", "bo": "loyal", "cy": "need_attention", "di": "hibernating", "ed": "hibernating"}
    assert SEGMENT_NAMES["champions"]["zh"] == "冠军客户"


def test_ties_share_a_score_by_their_mid_rank() -> None:
    values = {"a": 1, "b": 1, "c": 1, "d": 1, "e": 5, "f": 7, "g": 7, "h": 9, "i": 10, "j": 12}
    assert quintile_scores(values) == {"a": 1, "b": 1, "c": 1, "d": 1, "e": 3, "f": 3, "g": 3, "h": 4, "i": 5, "j": 5}
    assert quintile_scores({k: 4 for k in "abcdefg"}) == {k: 3 for k in "abcdefg"}
    assert quintile_scores({"only": 4}) == {"only": 3}
    assert list(quintile_scores({str(i): i for i in range(10)}).values()) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert quintile_scores({}) == {}


def test_recency_is_whole_days_and_an_order_paid_at_the_date_counts() -> None:
    values = rfm_values([paid("ann", 100, 5), paid("bo", 99.05, 5), paid("cy", 98.9, 5)], AS_OF)
    assert [v.recency_days for v in values.values()] == [0, 0, 1]


def test_mixed_currencies_and_naive_dates_are_refused() -> None:
    mixed = [paid("ann", 1, 5), PaidOrder("bo", T0, Money(500, "USD"))]
    with pytest.raises(InvalidInput) as refused:
        score(mixed, AS_OF)
    assert refused.value.extra["field"] == "currency"
    with pytest.raises(InvalidInput):
        score([], datetime(2026, 1, 1))
    assert score([], AS_OF) == []


# the classic R × F map, as the usual regular expressions over "RF"
CLASSIC = {r"[1-2][1-2]": "hibernating", r"[1-2][3-4]": "at_risk", r"[1-2]5": "cant_lose",
           r"3[1-2]": "about_to_sleep", r"33": "need_attention", r"[3-4][4-5]": "loyal", r"41": "promising",
           r"51": "new_customers", r"[4-5][2-3]": "potential_loyalists", r"5[4-5]": "champions"}


@pytest.mark.parametrize("r", range(1, 6))
@pytest.mark.parametrize("f", range(1, 6))
def test_every_cell_of_the_grid_has_the_classic_name(r: int, f: int) -> None:
    names = [name for pattern, name in CLASSIC.items() if re.fullmatch(pattern, f"{r}{f}")]
    assert [segment_of(r, f)] == names
    assert set(SEGMENT_NAMES[segment_of(r, f)]) == {"en", "zh"}


def test_scores_outside_one_to_five_have_no_segment() -> None:
    with pytest.raises(InvalidInput):
        segment_of(0, 3)


orders_strategy = st.lists(st.builds(lambda buyer, minutes, minor: PaidOrder(
    buyer, AS_OF - timedelta(minutes=minutes), Money(minor, "CNY")),
    st.sampled_from("abcdefghijkl"), st.integers(-600, 200 * 24 * 60), st.integers(1, 100_000)), max_size=40)


@settings(max_examples=examples(200))
@given(orders_strategy)
def test_scores_run_one_to_five_and_more_never_scores_lower(orders: list[PaidOrder]) -> None:
    scored = score(orders, AS_OF)
    assert {s.buyer for s in scored} == {o.buyer for o in orders if o.paid_at <= AS_OF}
    for one in scored:
        assert {one.r, one.f, one.m} <= {1, 2, 3, 4, 5}
        assert one.segment == segment_of(one.r, one.f)
        for other in scored:
            if one.values.recency_days < other.values.recency_days:
                assert one.r >= other.r
            if one.values.frequency > other.values.frequency:
                assert one.f >= other.f
            if one.values.monetary > other.values.monetary:
                assert one.m >= other.m
            if one.values == other.values:
                assert one.code == other.code
    assert score(list(reversed(orders)), AS_OF) == scored  # the order orders come in does not matter
