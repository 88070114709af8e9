"""A wave's and a community order's lifecycles as data: (state, action) → who may, next state.

The guards (`next_state`) refuse a move the table does not list; the API's `allowed_actions` and the console's
buttons offer the moves it lists for the caller's party. The cut-off and the pickup deadline are timers (system).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from shopkeeper.errors import NotAllowedInState


class WaveStatus(StrEnum):
    OPEN = "open"  # paid orders gather in it until its cut-off
    CLOSED = "closed"  # the cut-off passed: its pick list is final, the merchant allocates (商家配货)
    DELIVERED = "delivered"  # the goods reached the pickup points: buyers collect with their codes
    SETTLED = "settled"  # the pickup deadline passed: what was not collected was refunded or returned


class PickupStatus(StrEnum):
    PLACED = "placed"  # ordered through a leader, not paid yet
    PAID = "paid"  # in a wave
    DELIVERED = "delivered"  # at the pickup point, waiting for its buyer's code
    COLLECTED = "collected"  # the buyer showed the code: the order completed
    CLOSED = "closed"  # closed unpaid, or cancelled and refunded before delivery
    REFUNDED = "refunded"  # not collected in time: refunded, the goods stay at the point (store setting)
    RETURNED = "returned"  # not collected in time: refunded, the goods back in stock (store setting)


Party = Literal["staff", "leader", "system"]
Action = Literal["close", "deliver", "settle", "pay", "collect", "end", "refund", "return"]


@dataclass(frozen=True)
class Move:
    state: str
    action: Action
    parties: frozenset[Party]
    to: str


W, P = WaveStatus, PickupStatus
WAVE_MOVES: tuple[Move, ...] = (
    Move(W.OPEN, "close", frozenset({"system"}), W.CLOSED),
    Move(W.CLOSED, "deliver", frozenset({"staff"}), W.DELIVERED),
    Move(W.DELIVERED, "settle", frozenset({"system"}), W.SETTLED),
)
ORDER_MOVES: tuple[Move, ...] = (
    Move(P.PLACED, "pay", frozenset({"system"}), P.PAID),
    Move(P.PLACED, "end", frozenset({"system"}), P.CLOSED),
    Move(P.PAID, "deliver", frozenset({"system"}), P.DELIVERED),
    Move(P.PAID, "end", frozenset({"system"}), P.CLOSED),
    Move(P.DELIVERED, "collect", frozenset({"staff", "leader"}), P.COLLECTED),
    Move(P.DELIVERED, "refund", frozenset({"system"}), P.REFUNDED),
    Move(P.DELIVERED, "return", frozenset({"system"}), P.RETURNED),
)


def _next(table: tuple[Move, ...], what: str, current: str, action: Action) -> str:
    for move in table:
        if move.state == current and move.action == action:
            return str(move.to)
    raise NotAllowedInState(f"cannot {action} a {what} that is {current}", current_status=current, action=action)


def wave_next(current: str, action: Action) -> str:
    """Where `action` leads a wave from `current`; `NotAllowedInState` when the table has no such move."""
    return _next(WAVE_MOVES, "wave", current, action)


def order_next(current: str, action: Action) -> str:
    """Where `action` leads a community order from `current`; `NotAllowedInState` when the table has no such move."""
    return _next(ORDER_MOVES, "community order", current, action)


def wave_actions(current: str, party: Party) -> list[Action]:
    return [m.action for m in WAVE_MOVES if m.state == current and party in m.parties]
