"""A content task's lifecycle as data: (state, action) → who may, next state.

The guards (`next_state`), the API's `allowed_actions` and the console's board read this one table. The store
publishes; an influencer accepts and submits their content (a link); staff approve or reject it (a rejected task may be
submitted again before the deadline); the deadline timer expires a task nobody delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, get_args

from shopkeeper.errors import NotAllowedInState


class TaskStatus(StrEnum):
    PUBLISHED = "published"  # open: any influencer of the store may accept it
    ACCEPTED = "accepted"  # one influencer took it; its code now attributes sales to the task
    SUBMITTED = "submitted"  # the influencer handed in a link to the content; staff decide
    APPROVED = "approved"  # staff accepted the content: the fee, if any, is paid
    REJECTED = "rejected"  # staff sent it back: the influencer may submit again before the deadline
    EXPIRED = "expired"  # the deadline passed with nothing approved or waiting
    WITHDRAWN = "withdrawn"  # the store took it back before anyone accepted


Party = Literal["staff", "influencer", "system"]
TaskAction = Literal["accept", "submit", "approve", "reject", "withdraw", "expire"]
ACTIONS: tuple[TaskAction, ...] = get_args(TaskAction)
S = TaskStatus


@dataclass(frozen=True)
class Move:
    state: TaskStatus
    action: TaskAction
    parties: frozenset[Party]
    to: TaskStatus


def _move(state: TaskStatus, action: TaskAction, to: TaskStatus, *parties: Party) -> Move:
    return Move(state, action, frozenset(parties), to)


MOVES: tuple[Move, ...] = (
    _move(S.PUBLISHED, "accept", S.ACCEPTED, "influencer"),
    _move(S.PUBLISHED, "withdraw", S.WITHDRAWN, "staff"),
    _move(S.PUBLISHED, "expire", S.EXPIRED, "system"),
    _move(S.ACCEPTED, "submit", S.SUBMITTED, "influencer"),
    _move(S.ACCEPTED, "expire", S.EXPIRED, "system"),
    _move(S.SUBMITTED, "approve", S.APPROVED, "staff"),
    _move(S.SUBMITTED, "reject", S.REJECTED, "staff"),
    _move(S.REJECTED, "submit", S.SUBMITTED, "influencer"),
    _move(S.REJECTED, "expire", S.EXPIRED, "system"),
)
FINAL = frozenset({S.APPROVED, S.EXPIRED, S.WITHDRAWN})
# the task's code attributes sales while the task is taken and not dead (RULES.md §4.3: the sales it brought)
SELLING = frozenset({S.ACCEPTED, S.SUBMITTED, S.APPROVED})


def next_state(current: str, action: TaskAction) -> TaskStatus:
    """Where `action` leads from `current`; `NotAllowedInState` when the table has no such move."""
    for move in MOVES:
        if move.state == current and move.action == action:
            return move.to
    raise NotAllowedInState(f"cannot {action} a content task that is {current}", current_status=current, action=action)


def allowed_actions(current: str, who: Party) -> list[TaskAction]:
    """The moves offered to `who` now, in the table's order: what the API lists and the console shows."""
    return [m.action for m in MOVES if m.state == current and who in m.parties]
