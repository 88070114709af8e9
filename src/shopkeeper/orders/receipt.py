"""The receipt-extension use case (延长收货, RULES.md §17.1): one transaction, an event, a new timer.

The buyer of the order, or the seller (staff of the store, or the operator for it), puts the automatic receipt
confirmation off while the order is shipped and not yet confirmed. The `order.auto_confirm` timer already
scheduled stays: when it fires it finds `confirm_by` later than now and does nothing; the new one does the work.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper import events, timers
from shopkeeper.auth import Principal, Role
from shopkeeper.errors import NotAllowedInState
from shopkeeper.orders import service
from shopkeeper.orders.extensions import Extender, extended_confirm_by, seller_choices
from shopkeeper.orders.models import Order, ReceiptExtension
from shopkeeper.orders.rules import OrderStatus
from shopkeeper.scope import require_store_manager


def extend_receipt(session: Session, now: datetime, actor: Principal, order_id: int, days: int) -> Order:
    order = service.get_order(session, actor, order_id, for_update=True)  # the lock makes "once" hold under races
    by: Extender = "buyer" if actor.role is Role.BUYER else "seller"
    if by == "seller":
        require_store_manager(actor, order.store_id)
    if order.status not in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        raise NotAllowedInState(f"receipt is extended on a shipped order not yet confirmed; this one is {order.status}",
                                current_status=order.status, action="extend_receipt")
    if order.confirm_by is None:
        raise NotAllowedInState("an after-sales case holds the receipt; its clock is stopped until the case ends",
                                current_status=order.status, action="extend_receipt")
    used = _used(session, order.id, by)
    before = order.confirm_by
    after = extended_confirm_by(service.book_of(session, order.store_id), by, days, before, used, now)
    session.add(ReceiptExtension(order_id=order.id, store_id=order.store_id, by=by, days=days, at=now,
                                 confirm_by_before=before, confirm_by_after=after))
    order.confirm_by = after
    events.record(session, now, "order.receipt_extended", service.subject(order), order.store_id, by=by, days=days,
                  confirm_by_before=before.isoformat(), confirm_by=after.isoformat())
    timers.schedule(session, "order.auto_confirm", service.subject(order), after, order.store_id, order_id=order.id)
    return order


def _used(session: Session, order_id: int, by: Extender) -> int:
    return session.scalar(select(func.count()).select_from(ReceiptExtension)
                          .where(ReceiptExtension.order_id == order_id, ReceiptExtension.by == by)) or 0


def extensions_of(session: Session, actor: Principal, order_id: int) -> list[ReceiptExtension]:
    """The order's extensions, oldest first: who put receipt off, by how many days, from when to when."""
    order = service.get_order(session, actor, order_id)
    return list(session.scalars(select(ReceiptExtension).where(ReceiptExtension.order_id == order.id)
                                .order_by(ReceiptExtension.id)))


def seller_extension_days(session: Session, now: datetime, order: Order) -> tuple[int, ...]:
    """The days the seller may extend this order's receipt by now; none once it may not (the same checks as
    `extend_receipt`'s, so a form is offered only when sending it would pass)."""
    if order.status not in (OrderStatus.SHIPPED, OrderStatus.DELIVERED) or order.confirm_by is None:
        return ()
    return seller_choices(service.book_of(session, order.store_id), order.confirm_by, _used(session, order.id, "seller"), now)
