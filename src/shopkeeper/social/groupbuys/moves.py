"""A group buy's lifecycle as data: at each state, which party may take which action, and where it leads.

One table, read three ways: the rules' guards (`next_state`) refuse a move the table does not list; the API's
`allowed_actions` and the console's buttons offer the moves the table lists for the caller's party. The system
moves are those of payments, cancellations and the expiry timer; people see them happen, they never press them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, get_args

from shopkeeper.errors import NotAllowedInState


class GroupStatus(StrEnum):
    PENDING = "pending"  # the opener placed the order and has not paid it yet: nobody can join
    OPEN = "open"  # the opener paid: the group takes members until it fills or its time runs out
    COMPLETE = "complete"  # 成团: every seat paid (or, 模拟成团, filled by the system at expiry)
    FAILED = "failed"  # 拼团失败: time ran out first; every member was refunded in full
    CANCELLED = "cancelled"  # the opener never paid, or every paid member left before it filled


Party = Literal["buyer", "member", "system"]  # buyer: any buyer not in the group; member: a buyer in it
GroupAction = Literal[
    "open",  # the opener's payment opens the group and starts its clock
    "abandon",  # the opener's order closed unpaid
    "join",  # a buyer places an order in the group ("join group X")
    "take_seat",  # a member's payment takes one of the N seats
    "fill",  # the payment that takes the last seat completes the group
    "leave",  # a member cancels their order before the group fills: the seat is free again
    "empty",  # the last paid member left
    "expire",  # time ran out before the group filled
    "auto_fill",  # time ran out with few enough seats missing and the store's 模拟成团 on
]
ACTIONS: tuple[GroupAction, ...] = get_args(GroupAction)
S = GroupStatus


@dataclass(frozen=True)
class Move:
    state: GroupStatus
    action: GroupAction
    parties: frozenset[Party]
    to: GroupStatus


def _move(state: GroupStatus, action: GroupAction, to: GroupStatus, *parties: Party) -> Move:
    return Move(state, action, frozenset(parties), to)


MOVES: tuple[Move, ...] = (
    _move(S.PENDING, "open", S.OPEN, "system"),
    _move(S.PENDING, "abandon", S.CANCELLED, "system"),
    _move(S.OPEN, "join", S.OPEN, "buyer"),
    _move(S.OPEN, "take_seat", S.OPEN, "system"),
    _move(S.OPEN, "fill", S.COMPLETE, "system"),
    _move(S.OPEN, "leave", S.OPEN, "member"),
    _move(S.OPEN, "empty", S.CANCELLED, "system"),
    _move(S.OPEN, "expire", S.FAILED, "system"),
    _move(S.OPEN, "auto_fill", S.COMPLETE, "system"),
)
FINAL = frozenset({S.COMPLETE, S.FAILED, S.CANCELLED})


def next_state(current: str, action: GroupAction) -> GroupStatus:
    """Where `action` leads from `current`; `NotAllowedInState` when the table has no such move."""
    for move in MOVES:
        if move.state == current and move.action == action:
            return move.to
    raise NotAllowedInState(f"cannot {action.replace('_', ' ')} a group buy that is {current}",
                            current_status=current, action=action)


def allowed_actions(current: str, who: Party) -> list[GroupAction]:
    """The moves offered to `who` now, in the table's order: what the API lists and the console shows."""
    return [m.action for m in MOVES if m.state == current and who in m.parties]
