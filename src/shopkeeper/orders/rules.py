"""Order lifecycle and deadlines: pure functions, no database, no clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from shopkeeper.errors import NotAllowedInState
from shopkeeper.orders.models import OrderStatus as S
from shopkeeper.rulebooks import Rulebook

# action → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[S], S]] = {
    "pay": (frozenset({S.AWAITING_PAYMENT}), S.PAID),
    "ship": (frozenset({S.PAID}), S.SHIPPED),
    "deliver": (frozenset({S.SHIPPED}), S.DELIVERED),
    "confirm_receipt": (frozenset({S.SHIPPED, S.DELIVERED}), S.COMPLETED),
    # closed: the payment window passed, or cancelled before shipment
    "close": (frozenset({S.AWAITING_PAYMENT, S.PAID}), S.CLOSED),
}


def next_status(current: str, action: str) -> S:
    allowed_from, to = TRANSITIONS[action]
    if S(current) not in allowed_from:
        raise NotAllowedInState(f"cannot {action.replace('_', ' ')} an order that is {current}", current_status=current, action=action)
    return to


def allowed_actions(current: str) -> list[str]:
    return [action for action, (allowed_from, _) in TRANSITIONS.items() if S(current) in allowed_from]


def pay_by(placed_at: datetime, book: Rulebook) -> datetime:
    return placed_at + book.payment.window


def ship_by(paid_at: datetime, book: Rulebook) -> datetime:
    # Taobao 72 h / Tmall 48 h after payment (RULES.md §5.7, §7.3)
    return paid_at + book.shipping.ship_within


def confirm_by(shipped_at: datetime, book: Rulebook) -> datetime:
    return shipped_at + book.receipt.auto_confirm_after


def is_late(shipped_at: datetime, deadline: datetime | None) -> bool:
    return deadline is not None and shipped_at > deadline


@dataclass(frozen=True)
class LineRequest:
    sku_id: int
    quantity: int


def merge_lines(lines: Sequence[LineRequest]) -> list[LineRequest]:
    """One line per SKU, in SKU order, so concurrent orders lock stock rows in one order (no deadlocks)."""
    totals: dict[int, int] = {}
    for line in lines:
        totals[line.sku_id] = totals.get(line.sku_id, 0) + line.quantity
    return [LineRequest(sku_id, quantity) for sku_id, quantity in sorted(totals.items())]


@dataclass(frozen=True)
class Totals:
    goods_minor: int
    shipping_minor: int
    discount_minor: int

    @property
    def total_minor(self) -> int:
        return self.goods_minor + self.shipping_minor - self.discount_minor
