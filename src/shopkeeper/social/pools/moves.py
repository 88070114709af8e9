"""A pool's lifecycle as data: at each state, which party may take which action, and where it leads.

Read like the group buy's table (`groupbuys.moves`): the rules' guards refuse a move the table does not list; the
API's `allowed_actions` and the console offer the moves the table lists for the caller's party. Payments,
cancellations and the expiry timer are the system's moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, get_args

from shopkeeper.errors import NotAllowedInState


class PoolStatus(StrEnum):
    PENDING = "pending"  # the opener placed the order and has not paid it yet: nobody can add to the basket
    OPEN = "open"  # the opener paid: friends add orders until the paid basket reaches the threshold or time runs out
    COMPLETE = "complete"  # 拼单成功: the paid basket reached the threshold; every order in it ships
    FAILED = "failed"  # time ran out first: every member was refunded in full
    CANCELLED = "cancelled"  # the opener never paid, or every paid member left before it was complete


Party = Literal["buyer", "member", "system"]  # buyer: any buyer not in the pool; member: a buyer with an order in it
PoolAction = Literal[
    "open",  # the opener's payment opens the pool and starts its clock
    "abandon",  # the opener's order closed unpaid
    "join",  # a buyer places an order in the pool's basket
    "add",  # a member's payment adds their items to the paid basket
    "reach",  # the payment that brings the paid basket to the threshold completes the pool
    "leave",  # a member cancels their order before the pool is complete: their items leave the basket
    "empty",  # the last paid member left
    "expire",  # time ran out before the basket reached the threshold
]
ACTIONS: tuple[PoolAction, ...] = get_args(PoolAction)
S = PoolStatus


@dataclass(frozen=True)
class Move:
    state: PoolStatus
    action: PoolAction
    parties: frozenset[Party]
    to: PoolStatus


def _move(state: PoolStatus, action: PoolAction, to: PoolStatus, *parties: Party) -> Move:
    return Move(state, action, frozenset(parties), to)


MOVES: tuple[Move, ...] = (
    _move(S.PENDING, "open", S.OPEN, "system"),
    _move(S.PENDING, "abandon", S.CANCELLED, "system"),
    _move(S.OPEN, "join", S.OPEN, "buyer"),
    _move(S.OPEN, "add", S.OPEN, "system"),
    _move(S.OPEN, "reach", S.COMPLETE, "system"),
    _move(S.OPEN, "leave", S.OPEN, "member"),
    _move(S.OPEN, "empty", S.CANCELLED, "system"),
    _move(S.OPEN, "expire", S.FAILED, "system"),
)
FINAL = frozenset({S.COMPLETE, S.FAILED, S.CANCELLED})


def next_state(current: str, action: PoolAction) -> PoolStatus:
    """Where `action` leads from `current`; `NotAllowedInState` when the table has no such move."""
    for move in MOVES:
        if move.state == current and move.action == action:
            return move.to
    raise NotAllowedInState(f"cannot {action} a pool that is {current}", current_status=current, action=action)


def allowed_actions(current: str, who: Party) -> list[PoolAction]:
    """The moves offered to `who` now, in the table's order."""
    return [m.action for m in MOVES if m.state == current and who in m.parties]
