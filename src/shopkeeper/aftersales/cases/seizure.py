"""A customs seizure settled as an after-sales case (RULES.md §6.3, §7.1.3, §7.2.3).

Customs holding an order's goods is a "not received" case the platform rules on: the cause names who answers for it
(crossborder.seizures). The case opens at the platform (escalated) with the rulebook's customs reason and:
- the seller answers (declared value that does not match, infringement, counterfeit ...): the platform rules a full
  refund, everything the buyer paid, shipping included, as in the Russian infringement case of §7.2.3;
- the buyer answers (unpaid duties, refused clearance ...): the platform releases the funds to the seller;
- the cause is not known yet: the case waits at the platform for its ruling, the receipt clock held (§7.1.3).
A case already open on the order gives way to it, as a request does to the late-shipment refund.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks
from shopkeeper.aftersales.cases import rules
from shopkeeper.aftersales.cases.case import Case, Origin, Proposal, Stage
from shopkeeper.aftersales.cases.rows import as_case, iso, open_case_on, refunded_per_line, save, subject
from shopkeeper.aftersales.cases.service import _case_lines, _new_row
from shopkeeper.aftersales.cases.settlement import HELD, apply
from shopkeeper.aftersales.models import CaseRow
from shopkeeper.errors import InvalidInput, NotAllowedInState
from shopkeeper.fulfillment import carrier_service as fulfillment
from shopkeeper.money import Money
from shopkeeper.orders import service as orders
from shopkeeper.rulebooks import Rulebook
from shopkeeper.rulebooks.aftersales import Party

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order


def _customs_reason(book: Rulebook) -> str:
    """The rulebook's "held by customs" reason; a rulebook without one (a domestic platform) uses its first
    post-shipment "not received" reason."""
    if book.aftersales.reason("inr_customs") is not None:
        return "inr_customs"
    found = next((r.code for r in book.aftersales.reasons if r.stage == "post_shipment" and r.category == "not_received"), None)
    if found is None:
        raise InvalidInput(f"{book.title} has no reason for goods not received")
    return found


def settle_seizure(session: Session, now: datetime, order: Order, responsible: Party, cause: str | None) -> CaseRow:
    """Open the seizure's case at the platform and, when the cause names who answers, rule on it at once."""
    if order.status not in HELD or order.shipped_at is None:
        raise NotAllowedInState(f"customs hold goods on their way: a shipped order, not one that is {order.status}",
                                current_status=order.status)
    book = orders.book_of(session, order.store_id)
    existing = open_case_on(session, order.id)
    if existing is not None:  # the seizure decides the order's money now; a request being negotiated gives way
        apply(session, now, "platform", existing, order, rulebooks.load(existing.rulebook), rules.withdraw(as_case(existing), now),
              superseded=True)
    refunded = refunded_per_line(session, [line.id for line in order.lines])
    paid = Money(order.total_minor, order.currency)  # everything the buyer paid, shipping included
    before = Money(sum(refunded.values()), order.currency)
    everything = Proposal("refund_only", rules.refund_limit(paid, before))
    case = Case(Origin.AFTER_SHIPMENT, _customs_reason(book), now, paid, before, everything, everything,
                stage=Stage.ESCALATED, escalated_at=now)
    shipped_by = fulfillment.shipment_class(session, order.store_id, order.id, order.carrier)
    row = _new_row(order, case, book, shipping_minor=order.total_minor - sum(line.payable_minor for line in order.lines),
                   shipped_by=shipped_by)
    row.lines = _case_lines(session, order, list(order.lines))
    held = orders.hold_receipt(session, now, order)
    row.receipt_seconds_left = math.ceil(held.total_seconds()) if held is not None else None
    save(session, row, case, book)
    events.record(session, now, "case.opened", subject(row), row.store_id, order_id=row.order_id, by="customs",
                  origin=row.origin, reason=row.reason, responsible=responsible, shipping_class=row.shipping_class,
                  agreement="refund_only", refund_minor=everything.refund.minor,
                  lines=[line.order_line_id for line in row.lines], due_at=iso(row.due_at), seizure_cause=cause)
    if responsible in ("seller", "buyer"):
        ruling = rules.Ruling("full_refund" if responsible == "seller" else "release_seller", responsible)
        apply(session, now, "platform", row, order, book, rules.arbitrate(as_case(row), ruling, now),
              decision=ruling.decision, responsible=responsible, seizure_cause=cause)
    return row
