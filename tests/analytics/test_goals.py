"""Goals (RULES.md §9.3): destination, duration, pages per session and value, each reached and missed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.analytics.goals import (
    DestinationGoal,
    DurationGoal,
    PagesGoal,
    SessionEvent,
    SessionFacts,
    ValueGoal,
    reached,
)
from shopkeeper.money import Money
from support import examples

START = datetime(2026, 11, 11, 9, 0, tzinfo=timezone.utc)


def session(pages: tuple[str, ...] = (), seconds: float = 0, events: tuple[SessionEvent, ...] = ()) -> SessionFacts:
    return SessionFacts(START, START + timedelta(seconds=seconds), pages, events)


# --- destination -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["/thanks", "/thanks?order=7", "/Thanks/", "https://shop.example.com/thanks#top"])
def test_destination_equals_is_reached_on_the_path_whatever_query_case_or_slash(page: str) -> None:
    # RULES.md §9.3: the destination is the page where the call to action is completed
    assert reached(DestinationGoal("/thanks"), session(("/", "/p/1", page)))


@pytest.mark.parametrize("page", ["/thanks/more", "/thank", "/p/thanks"])
def test_destination_equals_is_missed_on_another_path(page: str) -> None:
    assert not reached(DestinationGoal("/thanks"), session(("/", page)))


def test_destination_begins_with_takes_a_prefix() -> None:
    goal = DestinationGoal("/checkout", "begins_with")
    assert reached(goal, session(("/checkout/paid",)))
    assert not reached(goal, session(("/cart", "/orders/checkout")))


def test_destination_regex_searches_the_path() -> None:
    goal = DestinationGoal(r"^/orders/\d+/paid$", "regex")
    assert reached(goal, session(("/orders/42/paid?x=1",)))
    assert not reached(goal, session(("/orders/abc/paid",)))


def test_destination_is_missed_by_a_session_without_pages() -> None:
    assert not reached(DestinationGoal("/"), session())


@pytest.mark.parametrize(("path", "match"), [("(unclosed", "regex"), ("thanks", "equals"), ("", "begins_with")])
def test_a_badly_made_destination_is_refused(path: str, match: str) -> None:
    with pytest.raises(ValueError):
        DestinationGoal(path, match)  # type: ignore[arg-type]


# --- duration ----------------------------------------------------------------------------------------------------

def test_duration_is_reached_at_exactly_n_seconds_and_missed_a_second_short() -> None:
    goal = DurationGoal(60)
    assert reached(goal, session(seconds=60))
    assert not reached(goal, session(seconds=59.5))


@settings(max_examples=examples(100))
@given(st.integers(1, 10_000), st.integers(0, 20_000))
def test_duration_is_reached_exactly_when_the_session_lasts_long_enough(goal_seconds: int, lasted: int) -> None:
    assert reached(DurationGoal(goal_seconds), session(seconds=lasted)) == (lasted >= goal_seconds)


# --- pages per session -------------------------------------------------------------------------------------------

def test_pages_counts_page_views_a_repeat_counting_twice() -> None:
    goal = PagesGoal(3)
    assert reached(goal, session(("/", "/p/1", "/")))
    assert not reached(goal, session(("/", "/p/1")))


@settings(max_examples=examples(100))
@given(st.integers(1, 8), st.lists(st.sampled_from(["/", "/p/1", "/cart"]), max_size=10),
       st.lists(st.just("/p/2"), max_size=3))
def test_more_pages_never_unreach_a_pages_goal(goal_pages: int, pages: list[str], more: list[str]) -> None:
    before = reached(PagesGoal(goal_pages), session(tuple(pages)))
    after = reached(PagesGoal(goal_pages), session(tuple(pages + more)))
    assert before <= after
    assert before == (len(pages) >= goal_pages)


# --- value -------------------------------------------------------------------------------------------------------

TEN = Money.of("10.00", "USD")


@pytest.mark.parametrize(("event", "expected"), [
    (SessionEvent("purchase", Money.of("10.00", "USD")), True),
    (SessionEvent("Purchase", Money.of("25.00", "USD")), True),
    (SessionEvent("purchase", Money.of("9.99", "USD")), False),
    (SessionEvent("purchase", Money.of("99.00", "EUR")), False),  # no conversion in a pure rule
    (SessionEvent("purchase"), False),
    (SessionEvent("sign_up", Money.of("50.00", "USD")), False),
])
def test_value_goal_needs_its_event_with_enough_value_in_its_currency(event: SessionEvent, expected: bool) -> None:
    assert reached(ValueGoal("purchase", TEN), session(events=(SessionEvent("page_view"), event))) is expected


def test_a_goal_carries_its_worth() -> None:
    # RULES.md §9.3: the example destination goal is worth US$1
    goal = DestinationGoal("/thanks", worth=Money.of("1.00", "USD"))
    assert goal.worth == Money(100, "USD")


@pytest.mark.parametrize("make", [lambda: DurationGoal(0), lambda: PagesGoal(0),
                                  lambda: ValueGoal(" ", TEN), lambda: ValueGoal("purchase", Money(-1, "USD"))])
def test_a_badly_made_goal_is_refused(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]


def test_session_facts_are_aware_and_end_after_they_start() -> None:
    with pytest.raises(ValueError):
        SessionFacts(START.replace(tzinfo=None), START)
    with pytest.raises(ValueError):
        SessionFacts(START, START - timedelta(seconds=1))
