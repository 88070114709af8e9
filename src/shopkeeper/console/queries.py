"""Read-only queries the console needs and no service offers.

Each takes the principal and answers only about stores it may see, so a
page can never show another tenant's numbers by passing the wrong id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal
from shopkeeper.orders.models import Order, OrderStatus


@dataclass(frozen=True)
class DayTotals:
    orders: int
    paid_minor: int


def today_totals(session: Session, actor: Principal, store_ids: list[int], since: datetime) -> dict[int, DayTotals]:
    """Orders placed since `since`, and the total of those that were paid (GMV counts paid orders only)."""
    visible = [sid for sid in store_ids if actor.may_see_store(sid)]
    paid_total = func.sum(case((Order.paid_at.is_not(None), Order.total_minor), else_=0))
    rows = session.execute(
        select(Order.store_id, func.count(Order.id), paid_total)
        .where(Order.store_id.in_(visible), Order.placed_at >= since)
        .group_by(Order.store_id)
    ).all()
    found = {sid: DayTotals(int(count), int(paid or 0)) for sid, count, paid in rows}
    return {sid: found.get(sid, DayTotals(0, 0)) for sid in visible}


def awaiting_shipment(session: Session, actor: Principal, store_id: int, limit: int) -> tuple[list[Order], int]:
    """Paid, unshipped orders, the nearest ship-by deadline first, and how many there are in all."""
    if not actor.may_see_store(store_id):
        return [], 0
    where = (Order.store_id == store_id, Order.status == OrderStatus.PAID.value)
    orders = list(session.scalars(select(Order).where(*where).order_by(Order.ship_by, Order.id).limit(limit)))
    count = int(session.scalar(select(func.count(Order.id)).where(*where)) or 0)
    return orders, count

