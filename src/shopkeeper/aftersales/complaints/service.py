"""Complaint use cases (投诉商家, RULES.md §7.3): the buyer complains, the platform upholds with compensation or dismisses.

The window and the amount are `complaints`' pure rules over the store's
rulebook; this module loads the order, stores the complaint and pays: cash from
the store's settled balance through the escrow ledger (Taobao), or points to the
buyer (Tmall). The complaint keeps the rulebook it was made under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks
from shopkeeper.aftersales.cases.clocks import DeadlinePassed
from shopkeeper.aftersales.complaints.rules import compensation, complaint_open_until, may_complain
from shopkeeper.aftersales.models import Complaint
from shopkeeper.auth import Principal, Role
from shopkeeper.customers.service import record_points
from shopkeeper.db import matching, newest_first
from shopkeeper.errors import Conflict, Forbidden, NotAllowedInState, NotFound
from shopkeeper.money import CurrencyMismatch, Money
from shopkeeper.orders import ledger
from shopkeeper.orders import service as orders
from shopkeeper.orders.rules import OrderStatus
from shopkeeper.scope import may_see, scoped

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

OPEN, UPHELD, DISMISSED = "open", "upheld", "dismissed"


@dataclass(frozen=True)
class ComplaintFilter:
    store_id: int | None = None
    status: str | None = None  # open | upheld | dismissed
    limit: int = 50
    before_id: int | None = None  # newest first: the id of the last one seen


def subject(complaint: Complaint) -> str:
    return f"complaint:{complaint.id}"


def order_closed_at(order: Order) -> datetime | None:
    """When the complaint button appears: the transaction succeeded, or the order closed with its refund (RULES.md §7.3).

    A paid order closes only by giving everything back, so a closed order with a payment closed with the refund.
    """
    if order.status == OrderStatus.COMPLETED:
        return order.completed_at
    if order.status == OrderStatus.CLOSED and order.paid_at is not None:
        return order.closed_at
    return None


def open_complaint(session: Session, now: datetime, actor: Principal, order_id: int, reason: str) -> Complaint:
    """The buyer complains about the store within 15 days of the order completing or closing with its refund."""
    if actor.role is not Role.BUYER:
        raise Forbidden("only the buyer who placed the order complains about it")
    order = orders.get_order(session, actor, order_id, for_update=True)
    book = orders.book_of(session, order.store_id)
    if book.aftersales.complaint is None:
        raise NotAllowedInState(f"{book.title} offers no complaints with compensation")
    closed_at = order_closed_at(order)
    if closed_at is None:
        raise NotAllowedInState(f"a complaint opens once the order is completed or closed with its refund; this one is "
                                f"{order.status}", current_status=order.status)
    until = complaint_open_until(closed_at, book)
    if not may_complain(closed_at, book, now):
        raise DeadlinePassed(f"a complaint could be made until {until:%Y-%m-%d %H:%M} UTC, "
                             f"{book.aftersales.complaint.window.days} days after the order {order.status}",
                             deadline="complaint_window", due_at=until.isoformat())
    existing = session.scalar(select(Complaint).where(Complaint.order_id == order.id))
    if existing is not None:
        raise Conflict(f"complaint {existing.id} was made on this order already", complaint_id=existing.id)
    goods = Money(sum(line.payable_minor for line in order.lines), order.currency)  # shipping excluded (不包含运费)
    try:
        compensation(goods, book, special_category=False)
    except CurrencyMismatch as exc:
        raise NotAllowedInState(f"{exc}: this order cannot be compensated") from None
    row = Complaint(store_id=order.store_id, order_id=order.id, buyer_id=order.buyer_id, rulebook=book.name,
                    reason=reason.strip(), status=OPEN, order_closed_at=closed_at, opened_at=now, currency=order.currency,
                    goods_minor=goods.minor, note="")
    session.add(row)
    session.flush()
    events.record(session, now, "complaint.opened", subject(row), row.store_id, order_id=order.id, buyer_id=row.buyer_id,
                  order_status=order.status, goods_minor=goods.minor, open_until=until.isoformat())
    return row


# --- reading --------------------------------------------------------------------------------

def get_complaint(session: Session, actor: Principal, complaint_id: int, for_update: bool = False) -> Complaint:
    """Another tenant's complaint answers exactly like a missing one."""
    query = select(Complaint).where(Complaint.id == complaint_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    row = session.scalar(query)
    if row is None or not may_see(actor, row):
        raise NotFound(f"complaint {complaint_id} does not exist")
    return row


def list_complaints(session: Session, actor: Principal, f: ComplaintFilter) -> list[Complaint]:
    query = scoped(newest_first(select(Complaint), Complaint.id, f.limit, f.before_id), actor, Complaint.store_id,
                   Complaint.buyer_id)
    query = matching(query, (Complaint.store_id, f.store_id), (Complaint.status, f.status))
    return list(session.scalars(query))


# --- the platform decides -------------------------------------------------------------------

def _decidable(session: Session, actor: Principal, complaint_id: int, doing: str) -> Complaint:
    row = get_complaint(session, actor, complaint_id, for_update=True)
    if actor.role is not Role.OPERATOR:
        raise Forbidden(f"only the platform may {doing}")
    if row.status != OPEN:
        raise NotAllowedInState(f"complaint {row.id} is {row.status} already", current_status=row.status)
    return row


def uphold_complaint(session: Session, now: datetime, actor: Principal, complaint_id: int, special_category: bool,
                     note: str = "") -> Complaint:
    """The complaint stands: the seller compensates the buyer (赔付, RULES.md §7.3).

    Taobao: 5% of the goods, at least ¥5 (¥1 in a special category, which the operator judges), at most ¥30, in cash
    from the store's balance; Tmall: the same amount in Tmall points.
    """
    row = _decidable(session, actor, complaint_id, "uphold a complaint")
    book = rulebooks.load(row.rulebook)
    paid = compensation(Money(row.goods_minor, row.currency), book, special_category)
    if paid.paid_in == "points":
        if paid.points is None:  # `rulebooks.check` requires the conversion wherever points are paid
            raise RuntimeError(f"{book.title} pays compensation in points but gives no conversion")
        record_points(session, now, row.buyer_id, paid.points, "complaint_compensation", subject(row))
    else:
        row.transfer = ledger.pay_compensation(session, now, row.store_id, row.order_id, paid.amount)
    row.status, row.special_category, row.note = UPHELD, special_category, note[:500]
    row.compensation_minor, row.paid_in, row.points = paid.amount.minor, paid.paid_in, paid.points
    row.decided_at, row.decided_by = now, actor.key_id
    events.record(session, now, "complaint.upheld", subject(row), row.store_id, order_id=row.order_id, buyer_id=row.buyer_id,
                  special_category=special_category, compensation_minor=paid.amount.minor, currency=paid.amount.currency,
                  paid_in=paid.paid_in, points=paid.points, transfer=row.transfer)
    return row


def dismiss_complaint(session: Session, now: datetime, actor: Principal, complaint_id: int, note: str = "") -> Complaint:
    """The complaint does not stand: nothing is paid."""
    row = _decidable(session, actor, complaint_id, "dismiss a complaint")
    row.status, row.note, row.decided_at, row.decided_by = DISMISSED, note[:500], now, actor.key_id
    events.record(session, now, "complaint.dismissed", subject(row), row.store_id, order_id=row.order_id, buyer_id=row.buyer_id)
    return row
