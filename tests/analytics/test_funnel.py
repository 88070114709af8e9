"""Buyer-journey funnels (RULES.md §9.1, §9.2, §9.3): sessions per stage in order, exact step and overall
conversion, side events that do not count as steps, the most common paths to an order, and bad input."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.analytics.funnel import (
    DEFAULT_FUNNEL,
    SIDE_EVENTS,
    STAGES,
    FunnelStep,
    Journey,
    JourneyEvent,
    PathCount,
    funnel,
    path_to_order,
    percent,
    top_paths,
)
from shopkeeper.errors import InvalidInput
from support import examples

START = datetime(2026, 11, 11, 0, 0, tzinfo=timezone.utc)


def journey(session: str, *kinds: str) -> Journey:
    """A session whose events happen one minute apart, in the order given."""
    return Journey(session, tuple(JourneyEvent(kind, START + timedelta(minutes=i)) for i, kind in enumerate(kinds)))


FULL = ("page_view", "product_view", "add_to_cart", "checkout_start", "order", "pay")


def test_the_stages_follow_the_journey_and_side_events_are_not_stages() -> None:
    assert STAGES == ("page_view", "search", "product_view", "add_to_cart", "checkout_start", "order", "pay")
    assert "search" not in DEFAULT_FUNNEL
    assert set(SIDE_EVENTS) == {"favourite", "follow", "share", "consult"}
    assert not set(SIDE_EVENTS) & set(STAGES)


def test_a_hand_counted_funnel() -> None:
    # given five sessions stopping at different steps
    journeys = [
        journey("a", *FULL),
        journey("b", *FULL[:5]),  # ordered, did not pay
        journey("c", *FULL[:3]),  # left with a full cart
        journey("d", "page_view", "product_view"),
        journey("e", "page_view"),
    ]
    # when the default funnel is counted
    steps = funnel(journeys)
    # then each stage counts the sessions that got at least that far
    assert [(s.stage, s.sessions) for s in steps] == [
        ("page_view", 5),
        ("product_view", 4),
        ("add_to_cart", 3),
        ("checkout_start", 2),
        ("order", 2),
        ("pay", 1),
    ]
    assert [s.step_conversion for s in steps] == [
        Fraction(1), Fraction(4, 5), Fraction(3, 4), Fraction(2, 3), Fraction(1), Fraction(1, 2)
    ]
    assert [s.overall_conversion for s in steps] == [
        Fraction(1), Fraction(4, 5), Fraction(3, 5), Fraction(2, 5), Fraction(2, 5), Fraction(1, 5)
    ]


def test_a_stage_counts_only_when_reached_after_the_ones_before_it() -> None:
    # paid, then looked around: the later page view does not make the earlier pay count
    out_of_order = journey("x", "pay", "order", "page_view", "product_view")
    steps = funnel([out_of_order])
    assert [s.sessions for s in steps] == [1, 1, 0, 0, 0, 0]


def test_events_are_taken_in_time_order_not_recorded_order() -> None:
    late_first = Journey(
        "t",
        (
            JourneyEvent("product_view", START + timedelta(minutes=2)),
            JourneyEvent("page_view", START),
        ),
    )
    assert [s.sessions for s in funnel([late_first], ["page_view", "product_view"])] == [1, 1]


def test_side_events_and_skipped_stages_in_between_do_not_break_the_sequence() -> None:
    # favourite, consult and a search in the middle; the default funnel has no search step
    session = journey("s", "page_view", "search", "favourite", "product_view", "consult", "add_to_cart", "share")
    assert [s.sessions for s in funnel([session])] == [1, 1, 1, 0, 0, 0]


def test_a_funnel_with_search_counts_only_sessions_that_searched() -> None:
    searched = journey("s", "page_view", "search", "product_view")
    landed = journey("l", "page_view", "product_view")
    steps = funnel([searched, landed], ["page_view", "search", "product_view"])
    assert [s.sessions for s in steps] == [2, 1, 1]
    assert steps[2].step_conversion == Fraction(1)
    assert steps[2].overall_conversion == Fraction(1, 2)


def test_a_funnel_may_start_later_in_the_journey() -> None:
    steps = funnel([journey("a", "add_to_cart", "pay"), journey("b", "add_to_cart")], ["add_to_cart", "pay"])
    assert steps == [FunnelStep("add_to_cart", 2, Fraction(1), Fraction(1)), FunnelStep("pay", 1, Fraction(1, 2), Fraction(1, 2))]


def test_no_sessions_leave_conversions_undefined() -> None:
    steps = funnel([], ["page_view", "pay"])
    assert [(s.sessions, s.step_conversion, s.overall_conversion) for s in steps] == [(0, None, None), (0, None, None)]
    nobody_entered = funnel([journey("a", "product_view")], ["page_view", "product_view"])
    assert [s.sessions for s in nobody_entered] == [0, 0]
    assert nobody_entered[1].step_conversion is None


@pytest.mark.parametrize(
    "stages",
    [[], ["page_view", "favourite"], ["product_view", "page_view"], ["page_view", "page_view"], ["browse"]],
)
def test_a_badly_made_funnel_is_refused(stages: list[str]) -> None:
    with pytest.raises(InvalidInput):
        funnel([journey("a", "page_view")], stages)


def test_an_unknown_event_or_a_naive_time_is_refused() -> None:
    with pytest.raises(InvalidInput):
        funnel([journey("a", "page_view", "teleport")])
    with pytest.raises(InvalidInput):
        funnel([Journey("a", (JourneyEvent("page_view", datetime(2026, 11, 11)),))])


def test_the_path_to_an_order_collapses_repeats_and_drops_side_events() -> None:
    session = journey(
        "p", "page_view", "product_view", "favourite", "product_view", "add_to_cart", "order", "pay", "order"
    )
    assert path_to_order(session) == ("page_view", "product_view", "add_to_cart", "order")
    assert path_to_order(journey("n", "page_view", "add_to_cart")) is None


def test_top_paths_rank_by_sessions_then_shorter_path() -> None:
    direct_buy = ("product_view", "add_to_cart", "checkout_start", "order")
    browsed = ("page_view", "product_view", "add_to_cart", "checkout_start", "order")
    searched = ("page_view", "search", "product_view", "add_to_cart", "checkout_start", "order")
    journeys = [
        journey("1", *browsed, "pay"),
        journey("2", *browsed),
        journey("3", *searched),
        journey("4", *searched, "pay"),
        journey("5", *direct_buy),
        journey("6", "page_view", "product_view"),  # never ordered: not a path
    ]
    assert top_paths(journeys, 2) == [PathCount(browsed, 2, Fraction(2, 5)), PathCount(searched, 2, Fraction(2, 5))]
    assert top_paths(journeys, 10)[-1] == PathCount(direct_buy, 1, Fraction(1, 5))
    assert top_paths([journey("6", "page_view")], 3) == []
    with pytest.raises(InvalidInput):
        top_paths(journeys, 0)


def test_percent_rounds_only_for_display() -> None:
    assert percent(Fraction(2, 3)) == "66.7%"
    assert percent(Fraction(1, 8), 2) == "12.50%"
    assert percent(Fraction(1, 200), 0) == "1%"  # half-up
    assert percent(None) == "—"


event_kinds = st.sampled_from(STAGES + SIDE_EVENTS)
sessions = st.lists(st.lists(event_kinds, max_size=12), max_size=15)
funnels = st.lists(st.sampled_from(STAGES), min_size=1, unique=True).map(lambda s: sorted(s, key=STAGES.index))


@settings(max_examples=examples(60), deadline=None)
@given(sessions, funnels)
def test_funnel_counts_never_increase_down_the_stages(kinds: list[list[str]], stages: list[str]) -> None:
    steps = funnel([journey(str(i), *k) for i, k in enumerate(kinds)], stages)
    counts = [s.sessions for s in steps]
    assert all(later <= earlier for earlier, later in zip(counts, counts[1:]))
    assert counts[0] <= len(kinds)
    for step in steps:
        if step.step_conversion is not None:
            assert 0 <= step.step_conversion <= 1
        if step.overall_conversion is not None:
            assert 0 <= step.overall_conversion <= 1
    if counts[0]:
        # the overall conversion is the product of the step conversions, exactly
        product = Fraction(1)
        for step in steps:
            product *= step.step_conversion or 0
            assert step.overall_conversion == product


@settings(max_examples=examples(40), deadline=None)
@given(sessions, st.integers(min_value=1, max_value=5))
def test_top_path_shares_never_exceed_the_ordering_sessions(kinds: list[list[str]], n: int) -> None:
    journeys = [journey(str(i), *k) for i, k in enumerate(kinds)]
    paths = top_paths(journeys, n)
    ordering = sum(1 for k in kinds if "order" in k)
    assert len(paths) <= n
    assert sum(p.sessions for p in paths) <= ordering
    assert [p.sessions for p in paths] == sorted((p.sessions for p in paths), reverse=True)
    assert all(p.path[-1] == "order" and not set(p.path) & set(SIDE_EVENTS) for p in paths)
