"""What the console's pages show of orders: a store's day, the orders waiting to ship, an order's number by id.

Read-only, each one SQL statement (a page lists up to 50 rows). Every read answers only about
stores the principal may see, so a page can never show another tenant's numbers by passing
the wrong id; `order_facts` serves lists whose rows were already scoped (a case's order).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal
from shopkeeper.orders.models import Order
from shopkeeper.orders.rules import OrderStatus


@dataclass(frozen=True)
class DayTotals:
    orders: int
    paid_minor: int


def day_totals(session: Session, actor: Principal, store_id: int, since: datetime) -> DayTotals:
    """Orders placed since `since`, and the total of those that were paid (GMV counts paid orders only)."""
    if not actor.may_see_store(store_id):
        return DayTotals(0, 0)
    paid_total = func.sum(case((Order.paid_at.is_not(None), Order.total_minor), else_=0))
    count, paid = session.execute(
        select(func.count(Order.id), paid_total).where(Order.store_id == store_id, Order.placed_at >= since)
    ).one()
    return DayTotals(int(count), int(paid or 0))


def awaiting_shipment(session: Session, actor: Principal, store_id: int, limit: int) -> tuple[list[Order], int]:
    """Paid, unshipped orders, the nearest ship-by deadline first, and how many there are in all. An order its group
    buy (or pool) still holds is not among them: it may not ship, and has no ship-by deadline, until the group is complete."""
    if not actor.may_see_store(store_id):
        return [], 0
    where = (Order.store_id == store_id, Order.status == OrderStatus.PAID.value, Order.held_for_group.is_(None),
             Order.held_for_pool.is_(None))
    orders = list(session.scalars(select(Order).where(*where).order_by(Order.ship_by, Order.id).limit(limit)))
    count = int(session.scalar(select(func.count(Order.id)).where(*where)) or 0)
    return orders, count


def order_facts(session: Session, order_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Order number and status by id, for lists that link to orders."""
    wanted = sorted(set(order_ids))
    if not wanted:
        return {}
    rows = session.execute(select(Order.id, Order.number, Order.status).where(Order.id.in_(wanted)))
    return {int(i): (str(number), str(status)) for i, number, status in rows}
