"""The demo's last half-day: a live after-sales case waiting at every clock, so the console counts down at each.

The month leaves most clocks with a case waiting past its end (`AfterSalesDesk.
keep_waiting`); for any it does not, this opens a case on a recent order and
walks it, through the service, the shortest way to that clock: answered,
agreed, reshipped, complained about, as the clock needs. Its waiting party
then stays silent, so its deadline is still ahead when the demo ends.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.aftersales.cases import rules, service
from shopkeeper.aftersales.cases.case import Agreement
from shopkeeper.aftersales.models import CaseRow
from shopkeeper.auth import Principal, Role
from shopkeeper.errors import DomainError
from shopkeeper.orders.models import Order
from shopkeeper.orders.rules import OrderStatus

if TYPE_CHECKING:
    from shopkeeper.demo.aftersales import AfterSalesDesk

CLOCKS = ("pre_shipment", "seller_answer", "negotiation", "platform_feedback", "ruling",
          "return_tracking", "return_receipt", "reship_tracking", "reship_receipt")
BEFORE_END = timedelta(hours=12)
Step = Callable[[Session, datetime, CaseRow], Any]


def top_up(desk: AfterSalesDesk) -> None:
    """Open a case for each clock the month left without one waiting, and walk it to that clock."""
    for clock in CLOCKS:
        if clock not in desk.waiting:
            stage(desk, clock)


def stage(desk: AfterSalesDesk, clock: str) -> None:
    if clock == "pre_shipment":
        order = unshipped_order(desk)
        if order is None:
            return
        desk.held.add(order.id)
        request = service.CaseRequest("out_of_stock", message=desk.words(desk.shop_of(order.store_id), "order"))
    else:
        order = shipped_order(desk)
        if order is None:
            return
        goods = clock.startswith("re") or clock in ("platform_feedback", "ruling")
        agreement: Agreement = ("return_refund" if clock.startswith("return") else "reship") if goods else "refund_only"
        book = desk.shop_of(order.store_id).book
        reason = next(r.code for r in book.aftersales.reasons if r.category == "not_as_described")
        request = service.CaseRequest(reason, agreement, message=desk.words(desk.shop_of(order.store_id), "not_as_described"))
    case_id = desk.open(Principal(Role.BUYER, 0, buyer_id=order.buyer_id), order.id, request)
    if case_id is None:
        return
    desk.waiting[clock] = case_id  # no temperament: nothing moves it but these steps and its own clock
    at = desk.now
    for step in STEPS.get(clock, []):
        at += timedelta(minutes=desk.rng.randint(5, 40))
        desk.demo.later(at, take_step, desk, case_id, step)


def take_step(desk: AfterSalesDesk, case_id: int, step: Step) -> None:
    try:
        with desk.demo.db.transaction() as session:
            row = session.get(CaseRow, case_id)
            assert row is not None
            step(session, desk.now, row)
    except DomainError:
        desk.tally["moves refused"] += 1


def _ranked(desk: AfterSalesDesk) -> list[int]:
    """Store ids, DHgate's first: its clocks are the ones RULES.md §7.1 spells out."""
    return [s.store_id for s in sorted(desk.demo.shops, key=lambda s: s.book.name != "dhgate")]


def unshipped_order(desk: AfterSalesDesk) -> Order | None:
    with desk.demo.db.read() as session:
        for store_id in _ranked(desk):
            for order in session.scalars(select(Order).where(Order.store_id == store_id, Order.status == OrderStatus.PAID.value)
                                         .order_by(Order.id.desc()).limit(20)):
                if order.id not in desk.held and not _has_open_case(session, order.id):
                    session.expunge(order)
                    return order
    return None


def shipped_order(desk: AfterSalesDesk) -> Order | None:
    """A recently shipped order whose case window is open now (RULES.md §5.6) and that has no open case."""
    with desk.demo.db.read() as session:
        for store_id in _ranked(desk):
            book = desk.shop_of(store_id).book
            for order in session.scalars(select(Order).where(
                    Order.store_id == store_id, Order.status.in_((OrderStatus.SHIPPED.value, OrderStatus.DELIVERED.value)))
                    .order_by(Order.shipped_at.desc(), Order.id.desc()).limit(200)):
                assert order.shipped_at is not None
                window = rules.may_open_case(book, rules.shipping_class(order.carrier, book), order.shipped_at, desk.now)
                if window and not _has_open_case(session, order.id):
                    session.expunge(order)
                    return order
    return None


def _has_open_case(session: Session, order_id: int) -> bool:
    return session.scalar(select(CaseRow.id).where(CaseRow.order_id == order_id, CaseRow.closed_at.is_(None))) is not None


def _staff(row: CaseRow) -> Principal:
    return Principal(Role.STAFF, 0, store_id=row.store_id)


def _buyer(row: CaseRow) -> Principal:
    return Principal(Role.BUYER, 0, buyer_id=row.buyer_id)


def _accept(session: Session, now: datetime, row: CaseRow) -> None:
    service.accept(session, now, _staff(row), row.id)


def _reject(session: Session, now: datetime, row: CaseRow) -> None:
    service.answer(session, now, _staff(row), row.id, agree=False)


def _return(session: Session, now: datetime, row: CaseRow) -> None:
    carrier = "中通 ZTO" if row.currency == "CNY" else "YunExpress"
    service.give_tracking(session, now, _buyer(row), row.id, carrier, f"RT{row.id:06d}")


def _reship(session: Session, now: datetime, row: CaseRow) -> None:
    carrier = "顺丰 SF Express" if row.currency == "CNY" else "DHL"
    service.give_tracking(session, now, _staff(row), row.id, carrier, f"RS{row.id:06d}")


def _complain(session: Session, now: datetime, row: CaseRow) -> None:
    service.report_problem(session, now, _buyer(row), row.id)


# The shortest way from opening to each clock (pre_shipment and seller_answer: opening is enough).
STEPS: dict[str, list[Step]] = {
    "negotiation": [_reject],
    "return_tracking": [_accept],
    "return_receipt": [_accept, _return],
    "reship_tracking": [_accept],
    "reship_receipt": [_accept, _reship],
    "platform_feedback": [_accept, _reship, _complain],  # the buyer reports a problem with the reshipment (§7.1.4 B)
    "ruling": [_accept, _reship, _complain, _reject],  # and the seller answers the dispute
}
