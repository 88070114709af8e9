"""An assist task's lifecycle as data: at each state, which party may take which action, and where it leads.

Read by the rules' guards (`next_state`) and by the API's `allowed_actions`; helping is the only move a person
makes, completing and expiring are the system's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, get_args

from shopkeeper.errors import NotAllowedInState


class TaskStatus(StrEnum):
    OPEN = "open"  # takes helpers until its last step is reached or its time runs out
    COMPLETE = "complete"  # every step reached: every reward granted, no more helpers
    EXPIRED = "expired"  # time ran out first: the rewards granted stay, nothing more is granted


Party = Literal["owner", "buyer", "system"]  # owner: the buyer who opened the task; buyer: anyone else
TaskAction = Literal[
    "help",  # a buyer other than the owner helps (助力): the task moves one helper on
    "complete",  # the help that reaches the last step ends the task
    "expire",  # time ran out before the last step
]
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
    _move(S.OPEN, "help", S.OPEN, "buyer"),
    _move(S.OPEN, "complete", S.COMPLETE, "system"),
    _move(S.OPEN, "expire", S.EXPIRED, "system"),
)
FINAL = frozenset({S.COMPLETE, S.EXPIRED})


def next_state(current: str, action: TaskAction) -> TaskStatus:
    """Where `action` leads from `current`; `NotAllowedInState` when the table has no such move."""
    for move in MOVES:
        if move.state == current and move.action == action:
            return move.to
    raise NotAllowedInState(f"cannot {action} an assist task that is {current}", current_status=current, action=action)


def allowed_actions(current: str, who: Party) -> list[TaskAction]:
    """The moves offered to `who` now, in the table's order: what the API lists and the console shows."""
    return [m.action for m in MOVES if m.state == current and who in m.parties]
