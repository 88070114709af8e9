"""A commission's and a payout's lifecycles as data: (state, action) → who may, next state.

The guards (`next_state`) refuse a move the table does not list; the API's `allowed_actions` offer the moves it lists
for the caller's party. The system moves a commission (payment, refunds, the release timer); staff decide payouts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from shopkeeper.errors import NotAllowedInState


class CommissionStatus(StrEnum):
    FROZEN = "frozen"  # the order was paid: held until the after-sales window closes
    RELEASED = "released"  # the window closed: on the promoter's balance (a later refund still claws back)
    CLAWED_BACK = "clawed_back"  # refunded in full before release


class PayoutStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"  # the money left the promoter's balance
    REJECTED = "rejected"


Party = Literal["staff", "system"]
Action = Literal["release", "claw_back", "approve", "reject"]


@dataclass(frozen=True)
class Move:
    state: str
    action: Action
    parties: frozenset[Party]
    to: str


MOVES: tuple[Move, ...] = (
    Move(CommissionStatus.FROZEN, "release", frozenset({"system"}), CommissionStatus.RELEASED),
    Move(CommissionStatus.FROZEN, "claw_back", frozenset({"system"}), CommissionStatus.CLAWED_BACK),
    Move(PayoutStatus.REQUESTED, "approve", frozenset({"staff"}), PayoutStatus.APPROVED),
    Move(PayoutStatus.REQUESTED, "reject", frozenset({"staff"}), PayoutStatus.REJECTED),
)


def next_state(current: str, action: Action) -> str:
    """Where `action` leads from `current`; `NotAllowedInState` when the table has no such move."""
    for move in MOVES:
        if move.state == current and move.action == action:
            return str(move.to)
    raise NotAllowedInState(f"cannot {action} a commission or payout that is {current}", current_status=current,
                            action=action)


def allowed_actions(current: str, party: Party) -> list[Action]:
    return [m.action for m in MOVES if m.state == current and party in m.parties]
