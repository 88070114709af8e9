"""A store's orders over a period, as the figures other domains report read them (after-sales seller metrics,
RULES.md §8.1): how many were paid, and the moments each shipped, was picked up, was due and closed.

Read-only; each read is one statement over the orders table, whatever the period's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, func, or_, select
from sqlalchemy.orm import Session

from shopkeeper.orders.models import Order, OrderLine

ShippingMoments = Row[datetime | None, datetime | None, datetime | None, datetime | None, datetime | None]
"""An order's shipped_at, picked_up_at, ship_by, paid_at and closed_at."""


def paid_between(session: Session, store_id: int, start: datetime, end: datetime) -> int:
    """The store's orders paid in [start, end)."""
    query = select(func.count()).select_from(Order).where(Order.store_id == store_id, Order.paid_at >= start,
                                                          Order.paid_at < end)
    return int(session.scalar(query) or 0)


def shipping_moments(session: Session, store_id: int, start: datetime, end: datetime) -> Sequence[ShippingMoments]:
    """The shipping moments of the store's orders that shipped, were picked up or closed in [start, end): whichever
    moment counts as shipped under a rulebook, and the orders that closed without shipping, are among them."""
    def within(moment: Any) -> ColumnElement[bool]:
        return and_(moment >= start, moment < end)

    return session.execute(select(Order.shipped_at, Order.picked_up_at, Order.ship_by, Order.paid_at, Order.closed_at)
                           .where(Order.store_id == store_id,
                                  or_(within(Order.shipped_at), within(Order.picked_up_at), within(Order.closed_at)))).all()


def units_paid(session: Session, store_id: int, start: datetime, end: datetime) -> list[tuple[int, datetime, int]]:
    """(SKU, when paid, units) of the store's order lines paid in [start, end), gifts included: what buyers took off
    the shelf, the demand purchasing plans on (an unpaid order closed by its timer never was). One statement."""
    rows = session.execute(select(OrderLine.sku_id, Order.paid_at, OrderLine.quantity)
                           .join(Order, Order.id == OrderLine.order_id)
                           .where(Order.store_id == store_id, Order.paid_at >= start, Order.paid_at < end))
    return [(int(sku_id), paid_at, int(quantity)) for sku_id, paid_at, quantity in rows if paid_at is not None]
