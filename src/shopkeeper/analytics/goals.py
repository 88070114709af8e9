"""Whether a session reached a goal (RULES.md §9.3, Google Analytics goals).

§9.3 names the Destination goal (a page reached, e.g. where the call to action from social is completed) and the
Duration goal (time spent on site), and says there are three goal types beside Destination without naming the other
two (§15 #25). We take Google Analytics' own two: Pages per session and Event (here an event whose value reaches a
threshold). A goal is a small frozen value; `reached(goal, facts)` decides it from a session's facts, with no clock
and no storage.

Readings where RULES.md is silent (decision lines in the report):
- Destination compares the page path only: the query string and fragment are dropped, a trailing slash does not
  count (except the root `/`), and the comparison is case-insensitive. `equals` is the whole path, `begins_with` a
  prefix, `regex` a search anywhere in the path (GA's "regular expression" match).
- Duration counts from the session's first hit to its last; reached at N seconds or more.
- Pages per session counts page views, a page seen twice counting twice (GA's pageviews); reached at N or more.
- Value: an event of the goal's name (case-insensitive) whose value, in the goal's currency, is at least the threshold. An event in
  another currency, or without a value, does not reach it: a pure rule converts no currencies.
- §9.3's goal value (US$1 in the example) is what reaching the goal is worth, carried on the goal for reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

from shopkeeper.money import Money

PathMatch = Literal["equals", "begins_with", "regex"]


@dataclass(frozen=True)
class DestinationGoal:
    """Reached when the session views a page whose path matches (RULES.md §9.3: Destination)."""

    path: str
    match: PathMatch = "equals"
    worth: Money | None = None

    def __post_init__(self) -> None:
        if self.match == "regex":
            try:
                re.compile(self.path)
            except re.error as error:
                raise ValueError(f"not a regular expression: {self.path!r} ({error})") from error
        elif not self.path.startswith("/"):
            raise ValueError(f"a destination path starts with '/': {self.path!r}")


@dataclass(frozen=True)
class DurationGoal:
    """Reached when the session lasts at least `seconds` (RULES.md §9.3: Duration, time spent on site)."""

    seconds: int
    worth: Money | None = None

    def __post_init__(self) -> None:
        if self.seconds < 1:
            raise ValueError("a duration goal lasts at least one second")


@dataclass(frozen=True)
class PagesGoal:
    """Reached when the session views at least `pages` pages (GA's Pages/Screens per session)."""

    pages: int
    worth: Money | None = None

    def __post_init__(self) -> None:
        if self.pages < 1:
            raise ValueError("a pages goal needs at least one page")


@dataclass(frozen=True)
class ValueGoal:
    """Reached when the session records event `event` with a value of at least `at_least` (GA's Event goal)."""

    event: str
    at_least: Money
    worth: Money | None = None

    def __post_init__(self) -> None:
        if not self.event.strip():
            raise ValueError("a value goal names its event")
        if self.at_least.minor < 0:
            raise ValueError("a value goal's threshold is not negative")


Goal = DestinationGoal | DurationGoal | PagesGoal | ValueGoal


@dataclass(frozen=True)
class SessionEvent:
    """Something the visitor did, with the value it carried (an order's total, a sign-up's worth) if any."""

    name: str
    value: Money | None = None


@dataclass(frozen=True)
class SessionFacts:
    """What a session did: when its first and last hits came, the pages it viewed in order, its events."""

    started_at: datetime
    ended_at: datetime
    pages: tuple[str, ...] = ()
    events: tuple[SessionEvent, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.started_at.tzinfo is None or self.ended_at.tzinfo is None:
            raise ValueError("session times are aware datetimes")
        if self.ended_at < self.started_at:
            raise ValueError("a session ends no earlier than it starts")


def reached(goal: Goal, facts: SessionFacts) -> bool:
    """Whether the session reached the goal (RULES.md §9.3)."""
    if isinstance(goal, DestinationGoal):
        return any(_path_matches(goal, _path_of(page)) for page in facts.pages)
    if isinstance(goal, DurationGoal):
        return (facts.ended_at - facts.started_at).total_seconds() >= goal.seconds
    if isinstance(goal, PagesGoal):
        return len(facts.pages) >= goal.pages
    return any(_value_reaches(goal, event) for event in facts.events)


def _path_of(page: str) -> str:
    """A viewed page's path, lower-case, without query, fragment or trailing slash (the root stays `/`)."""
    path = urlsplit(page.strip()).path or "/"
    return (path.rstrip("/") or "/").lower()


def _path_matches(goal: DestinationGoal, path: str) -> bool:
    if goal.match == "regex":
        return re.search(goal.path, path, re.IGNORECASE) is not None
    wanted = _path_of(goal.path)
    if goal.match == "equals":
        return path == wanted
    return path.startswith(wanted)


def _value_reaches(goal: ValueGoal, event: SessionEvent) -> bool:
    if event.name.strip().lower() != goal.event.strip().lower() or event.value is None:
        return False
    return event.value.currency == goal.at_least.currency and event.value >= goal.at_least
