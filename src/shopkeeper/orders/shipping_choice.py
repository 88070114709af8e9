"""What fulfillment reads and changes on an order before it ships (RULES.md §5.1 allocation, §5.5 shipping method).

The orders waiting to ship, and the buyer's logistics method: fulfillment decides when it may change (the buyer's
consent), this module writes it, so the orders table keeps one writer.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shopkeeper.orders.models import Order
from shopkeeper.orders.rules import OrderStatus


def awaiting_shipment(session: Session, store_id: int) -> list[Order]:
    """Paid, not yet shipped, and not waiting for a group buy or a pool to fill (those may not ship): oldest first."""
    return list(session.scalars(select(Order).options(selectinload(Order.lines)).where(
        Order.store_id == store_id, Order.status == OrderStatus.PAID.value, Order.shipped_at.is_(None),
        Order.held_for_group.is_(None), Order.held_for_pool.is_(None)).order_by(Order.id)))


def change_shipping_method(order: Order, method: str) -> None:
    """The buyer chose `method` at checkout, or agreed to it later (RULES.md §5.5; the caller records the consent)."""
    order.shipping_method = method
