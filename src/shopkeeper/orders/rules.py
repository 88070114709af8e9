"""Order lifecycle and deadlines: pure functions, no database, no clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Sequence

from shopkeeper.errors import Conflict, NotAllowedInState
from shopkeeper.rulebooks import Rulebook


class OrderStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CLOSED = "closed"


S = OrderStatus  # short, for the table below

# action → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[S], S]] = {
    "pay": (frozenset({S.AWAITING_PAYMENT}), S.PAID),
    "ship": (frozenset({S.PAID}), S.SHIPPED),
    "deliver": (frozenset({S.SHIPPED}), S.DELIVERED),
    "confirm_receipt": (frozenset({S.SHIPPED, S.DELIVERED}), S.COMPLETED),
    # closed: the payment window passed, or cancelled before shipment
    "close": (frozenset({S.AWAITING_PAYMENT, S.PAID}), S.CLOSED),
    # after-sales only: the late-shipment refund on an order whose tracking number was entered but which the carrier
    # never picked up (RULES.md §7.3: the goods never left, so the order closes as a refunded one)
    "close_unpicked": (frozenset({S.SHIPPED}), S.CLOSED),
    # community group buying (社区团购): delivered to a pickup point, never collected by the buyer in time
    "close_uncollected": (frozenset({S.DELIVERED}), S.CLOSED),
}
INTERNAL_ACTIONS = frozenset({"close_unpicked", "close_uncollected"})  # not offered to API callers


class GroupNotComplete(Conflict):
    """拼团: a member's paid order ships once its group is complete, not before."""

    code = "group-not-complete"
    title = "The order's group buy is not complete yet"


class PoolNotComplete(Conflict):
    """拼单: a member's paid order ships once its pool's basket reaches the threshold, not before."""

    code = "pool-not-complete"
    title = "The order's pool has not reached its threshold yet"


def next_status(current: str, action: str) -> S:
    allowed_from, to = TRANSITIONS[action]
    if S(current) not in allowed_from:
        raise NotAllowedInState(f"cannot {action.replace('_', ' ')} an order that is {current}", current_status=current, action=action)
    return to


def allowed_actions(current: str, held_for_group: bool = False) -> list[str]:
    """What the order's state allows; an order held for a group buy (or a pool) not complete does not ship yet."""
    return [action for action, (allowed_from, _) in TRANSITIONS.items()
            if S(current) in allowed_from and action not in INTERNAL_ACTIONS and not (held_for_group and action == "ship")]


def pay_by(placed_at: datetime, book: Rulebook) -> datetime:
    return placed_at + book.payment.window


def ship_by(paid_at: datetime, book: Rulebook, campaign_hours: Sequence[int] = ()) -> datetime:
    """Taobao 72 h / Tmall 48 h after payment (RULES.md §5.7, §7.3); a campaign period may set its own.

    `campaign_hours`: the `ship_within_hours` of the live campaigns whose entries the order bought. Big promotions
    have their own pickup rules (§7.3, values not in the text); our reading: the shortest of them applies, in
    place of the rulebook's, whether shorter or longer.
    """
    if campaign_hours:
        return paid_at + timedelta(hours=min(campaign_hours))
    return paid_at + book.shipping.ship_within


@dataclass(frozen=True)
class ShipmentFacts:
    shipped_at: datetime | None  # staff entered the carrier and tracking number
    picked_up_at: datetime | None  # the carrier's pickup scan (揽件)


def counted_as_shipped(facts: ShipmentFacts, book: Rulebook) -> datetime | None:
    """The moment the order counts as shipped under the rulebook, None while it does not.

    Taobao/Tmall: the carrier's pickup; typing a tracking number does not count (RULES.md §7.3).
    DHgate, AliExpress, an independent store: the tracking number entered (§5.5, §5.6).
    """
    return facts.picked_up_at if book.shipping.shipped_means == "pickup" else facts.shipped_at


def confirm_by(shipped_at: datetime, book: Rulebook, shipping_class: str | None = None) -> datetime:
    """Receipt confirms itself this long after shipment, by the shipment's class (RULES.md §17.1: express 10, post 30)."""
    return shipped_at + book.receipt.auto_confirm_after(shipping_class)


def is_late(facts: ShipmentFacts, book: Rulebook, deadline: datetime | None, now: datetime) -> bool:
    """Shipped (as the rulebook counts it) after the deadline, or not shipped yet and the deadline has passed."""
    if deadline is None:
        return False
    shipped = counted_as_shipped(facts, book)
    return (now if shipped is None else shipped) > deadline


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
