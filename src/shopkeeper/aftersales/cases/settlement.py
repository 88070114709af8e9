"""Carrying out a rule's transition: the case row, the money in the escrow ledger, the order, the event.

How cases and orders meet (docs/decisions.md, 2026-11-25):
- a case on a shipped order holds the order's automatic receipt: the money
  stays in escrow until the case ends (`orders.hold_receipt`);
- a case that settles money on a shipped order refunds from escrow, then the
  order completes and the rest of its escrow goes to the store
  (`orders.complete_after_case`); on a completed order the refund comes back
  out of the store's balance, as a 售后 refund after 交易成功 does;
- a case that ends without money lets the receipt clock run on with the time
  it had left (`orders.resume_receipt`);
- a refund before shipment closes the order as a cancellation does
  (`orders.close_refunded`), shipping included.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks
from shopkeeper.aftersales.cases.case import Origin, Resolution, Stage, Transition
from shopkeeper.aftersales.cases.rows import as_case, iso, refunded_per_line, save, subject
from shopkeeper.aftersales.models import CaseRow
from shopkeeper.money import Money
from shopkeeper.orders import service as orders
from shopkeeper.orders.rules import OrderStatus
from shopkeeper.rulebooks import Rulebook

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

HELD = (OrderStatus.SHIPPED, OrderStatus.DELIVERED)  # shipped, money still in escrow


def apply(session: Session, now: datetime, by: str, row: CaseRow, order: Order, book: Rulebook, transition: Transition,
          **data: object) -> None:
    """Write a rule's transition: the case, its money, the order, the event and the next timer."""
    case = transition.case
    save(session, row, case, book)
    if transition.settlement is not None:
        data.update(settle(session, now, row, order, transition.settlement.refund, transition.settlement.cancel_order))
    elif not case.is_open and row.receipt_seconds_left is not None:
        orders.resume_receipt(session, now, order, timedelta(seconds=row.receipt_seconds_left))
    events.record(session, now, transition.event, subject(row), row.store_id, order_id=row.order_id, by=by, stage=row.stage,
                  step=row.step, resolution=row.resolution, due_at=iso(row.due_at), **data)


def settle(session: Session, now: datetime, row: CaseRow, order: Order, refund: Money, cancel: bool) -> dict[str, object]:
    """Move exactly the settlement's money; returns what moved, for the event."""
    allocate(session, row, refund)
    if cancel:
        if refund.minor != order.total_minor:  # the books and the case disagree: never paper over it
            raise RuntimeError(f"case {row.id} refunds {refund} but order {order.id} was paid {order.total_minor}")
        reason = "not_shipped_on_time" if row.origin == Origin.LATE_SHIPMENT else "refund_before_shipment"
        orders.close_refunded(session, now, order.id, reason)
        return {"refund_minor": refund.minor, "released_minor": 0}
    if order.status in HELD:
        if refund.minor:
            orders.refund(session, now, order, refund)
        released = orders.complete_after_case(session, now, order)
        return {"refund_minor": refund.minor, "released_minor": released.minor}
    if order.status == OrderStatus.COMPLETED:
        if refund.minor:  # the escrow was released already: the store pays the refund back from its balance
            orders.refund(session, now, order, refund)
        return {"refund_minor": refund.minor, "released_minor": 0, "from_store_balance": True}
    raise RuntimeError(f"case {row.id} settles money on order {order.id}, which is {order.status}")


def allocate(session: Session, row: CaseRow, refund: Money) -> None:
    """Split the refund over the case's lines by what each still has left, so no line gets back more than it cost."""
    before = refunded_per_line(session, [line.order_line_id for line in row.lines])
    left = [line.paid_minor - before[line.order_line_id] for line in row.lines]
    parts = refund.allocate([*left, row.shipping_minor])[: len(left)]
    for line, part in zip(row.lines, parts):
        line.refunded_minor = part.minor


def lapse_if_overtaken(session: Session, now: datetime, row: CaseRow, order: Order) -> bool:
    """A request before shipment ends when the order moves on without it (shipped, or cancelled by the buyer)."""
    if row.origin != Origin.PRE_SHIPMENT or row.closed_at is not None or order.status == OrderStatus.PAID:
        return False
    resolution: Resolution = "kept_order" if order.status in (*HELD, OrderStatus.COMPLETED) else "withdrawn"
    closed = replace(as_case(row), stage=Stage.CLOSED, step=None, closed_at=now, resolution=resolution)
    apply(session, now, "system", row, order, rulebooks.load(row.rulebook), Transition(closed, "case.lapsed"),
          order_status=order.status)
    return True
