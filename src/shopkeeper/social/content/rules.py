"""Pure rules of live sessions and content tasks (RULES.md §4.3): when a session is live, when a task's code sells,
what a store may publish. `now` is an argument; no database, no clock."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from shopkeeper.errors import Conflict, InvalidInput

SessionStatus = Literal["scheduled", "live", "ended"]


class TaskDeadlinePassed(Conflict):
    code = "task-deadline-passed"
    title = "The content task's deadline has passed"


class TaskTaken(Conflict):
    code = "task-taken"
    title = "Another influencer accepted the content task first"


class UnknownContentCode(Conflict):
    code = "unknown-content-code"
    title = "No live session or content task has that code"


def session_status(starts_at: datetime, ends_at: datetime, now: datetime) -> SessionStatus:
    """Scheduled before its start, live from start to end (both included), ended after."""
    if now < starts_at:
        return "scheduled"
    return "live" if now <= ends_at else "ended"


def check_session(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    """A session ends after it starts, and not in the past."""
    if ends_at <= starts_at:
        raise InvalidInput("a live session ends after it starts")
    if ends_at <= now:
        raise InvalidInput("a live session cannot end in the past")


def check_percent(percent: Decimal | None, second_level_percent: Decimal | None = None) -> None:
    """A session's or task's own commission percentage, like a program's (distribution.rules.check_program): 0 to
    100, and above the second level's percentage where the program pays one, so a recruiter never earns more on a
    sale than the influencer who made it (RULES.md §17.2)."""
    if percent is None:
        return
    if not 0 <= percent <= 100:
        raise InvalidInput("a commission percentage is 0 to 100")
    if second_level_percent is not None and percent <= second_level_percent:
        raise InvalidInput(f"the rate is above the program's second-level percentage {second_level_percent}")


def check_task(deadline: datetime, sales_until: datetime, now: datetime, percent: Decimal | None, fee_minor: int,
               second_level_percent: Decimal | None = None) -> None:
    """A task is due in the future; its code sells at least until the deadline; its terms are a percentage of what
    its buyers paid (none: the program's rules), a fee for the content, or both."""
    if deadline <= now:
        raise InvalidInput("a content task's deadline is in the future")
    if sales_until < deadline:
        raise InvalidInput("a content task's sales window lasts at least until its deadline")
    check_percent(percent, second_level_percent)
    if fee_minor < 0:
        raise InvalidInput("a content task's fee is not negative")


def check_before_deadline(deadline: datetime, now: datetime) -> None:
    """Accepting and submitting close at the deadline (the timer expires the task; this holds even if it is late)."""
    if now > deadline:
        raise TaskDeadlinePassed(f"the task was due at {deadline.isoformat()}", deadline=deadline.isoformat())


def task_sells(selling: bool, accepted_at: datetime | None, sales_until: datetime, now: datetime) -> bool:
    """A task's code names the task from its acceptance to the end of its sales window, while the task is taken and
    neither expired nor withdrawn (moves.SELLING); outside, it still brings the buyer to its influencer."""
    return selling and accepted_at is not None and accepted_at <= now <= sales_until
