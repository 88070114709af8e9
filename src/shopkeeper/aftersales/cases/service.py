"""After-sales use cases: one function per thing a buyer, a seller, the platform or a clock does to a case.

Each runs in the caller's transaction: load the rows, rebuild the pure `Case`,
let `rules` decide, write the rows back, move the money through the escrow
ledger (`settlement`), append the event and schedule the next deadline. The
timer handler (`aftersales.deadline`) does the same for a clock that ran out,
after checking that its case is still at the version it was scheduled for.

The rest of a case's use cases live beside this one, each importable from its own
module only: rows and finding (`rows`), carrying out a transition (`settlement`),
messages and evidence (`evidence`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks, timers
from shopkeeper.aftersales.cases import moves, rules
from shopkeeper.aftersales.cases.case import Agreement, Case, Origin, Proposal, Step, Transition
from shopkeeper.aftersales.cases.evidence import (
    record_message,
)
from shopkeeper.aftersales.cases.rows import (
    as_case,
    iso,
    locked,
    money,
    open_case_on,
    party,
    received_at,
    refunded_per_line,
    require,
    save,
    subject,
)
from shopkeeper.aftersales.cases.settlement import HELD, apply, lapse_if_overtaken
from shopkeeper.aftersales.models import CaseLine, CaseRow, EvidenceFile
from shopkeeper.auth import Principal, Role
from shopkeeper.clock import Clock
from shopkeeper.crossborder import service as customs
from shopkeeper.crossborder.protection import not_received_window
from shopkeeper.customers import service as customers
from shopkeeper.errors import Conflict, Forbidden, InvalidInput, NotAllowedInState
from shopkeeper.fulfillment import carrier_service as fulfillment
from shopkeeper.inventory import service as inventory
from shopkeeper.money import Money
from shopkeeper.orders import service as orders
from shopkeeper.orders.rules import OrderStatus, confirm_by, counted_as_shipped
from shopkeeper.rulebooks import Rulebook
from shopkeeper.scope import SYSTEM

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order, OrderLine

Decide = Callable[[CaseRow, Case, Rulebook], Transition]


@dataclass(frozen=True)
class CaseRequest:
    """What the buyer asks for; None fields take the rule's default (everything left, every line)."""

    reason: str
    agreement: Agreement | None = None
    refund_minor: int | None = None
    line_ids: tuple[int, ...] | None = None
    message: str | None = None


# --- opening --------------------------------------------------------------------------------

def _chosen_lines(order: Order, line_ids: tuple[int, ...] | None) -> list[OrderLine]:
    if not line_ids:
        return list(order.lines)
    by_id = {line.id: line for line in order.lines}
    unknown = [i for i in line_ids if i not in by_id]
    if unknown:
        raise InvalidInput(f"order {order.id} has no line {unknown[0]}")
    return [by_id[i] for i in sorted(set(line_ids))]


def open_case(session: Session, now: datetime, actor: Principal, order_id: int, request: CaseRequest) -> CaseRow:
    """The buyer asks for a refund before shipment (发货前协议) or opens an agreement dispute after it (协议纠纷)."""
    if actor.role is not Role.BUYER:
        raise Forbidden("only the buyer who placed the order opens a case on it")
    order = orders.get_order(session, actor, order_id, for_update=True)
    book = orders.book_of(session, order.store_id)
    existing = open_case_on(session, order.id)
    if existing is not None and not lapse_if_overtaken(session, now, existing, order):
        raise Conflict(f"case {existing.id} is already open on this order; it must end before another opens", case_id=existing.id)
    lines = _chosen_lines(order, request.line_ids)
    refunded = refunded_per_line(session, [line.id for line in lines])
    lines_paid = sum(line.payable_minor for line in lines)
    nothing = Money(0, order.currency)
    if order.status == OrderStatus.PAID:
        if len(lines) != len(order.lines) or request.agreement not in (None, "refund_only") or request.refund_minor is not None:
            raise InvalidInput("before shipment the request is a refund of the whole order, everything paid")
        shipping = order.total_minor - lines_paid  # cancelling before shipment gives the shipping back too
        paid = Money(order.total_minor, order.currency)
        case = rules.open_pre_shipment_refund(book, request.reason, paid, nothing, now)
        row = _new_row(order, case, book, shipping_minor=shipping, shipped_by=None)
    elif order.status in (*HELD, OrderStatus.COMPLETED):
        paid = Money(lines_paid, order.currency)
        before = Money(sum(refunded.values()), order.currency)
        limit = rules.refund_limit(paid, before)
        agreement: Agreement = request.agreement or "refund_only"
        default = 0 if agreement in ("reship", "return_reship") else limit.minor
        proposal = Proposal(agreement, Money(default if request.refund_minor is None else request.refund_minor, order.currency))
        shipped_by = fulfillment.shipment_class(session, order.store_id, order.id, order.carrier)  # fixed when it shipped
        assert order.shipped_at is not None
        # AliExpress: damage within 3 days of receipt, a short quantity's evidence within 10 (RULES.md §7.2.2)
        case = rules.open_case(book, proposal, request.reason, shipped_by, order.shipped_at, paid, before, now,
                               received_at=received_at(order), window=_promised_window(session, order, book, request.reason, shipped_by))
        row = _new_row(order, case, book, shipping_minor=0, shipped_by=shipped_by)
    else:
        raise NotAllowedInState(f"a case opens on a paid order; this one is {order.status}", current_status=order.status)
    row.lines = _case_lines(session, order, lines)
    held = orders.hold_receipt(session, now, order)
    row.receipt_seconds_left = math.ceil(held.total_seconds()) if held is not None else None
    save(session, row, case, book)
    _opened(session, now, row, case)
    if request.message:
        record_message(session, now, actor, row, request.message)
    return row


def _promised_window(session: Session, order: Order, book: Rulebook, reason: str, shipped_by: str) -> tuple[datetime, datetime] | None:
    """A "not received" case on a cross-border order with a promised delivery time opens once the promise has passed."""
    found = book.aftersales.reason(reason)
    if found is None or found.category != "not_received" or order.shipped_at is None:
        return None
    guard = customs.protection_of(session, order, order.shipped_at, confirm_by(order.shipped_at, book, shipped_by), book, shipped_by)
    return None if guard is None else not_received_window(rules.case_window(book, shipped_by, order.shipped_at), guard)


def _opened(session: Session, now: datetime, row: CaseRow, case: Case) -> None:
    events.record(session, now, "case.opened", subject(row), row.store_id, order_id=row.order_id, by="buyer", origin=row.origin,
                  reason=row.reason, responsible=row.responsible, shipping_class=row.shipping_class,
                  agreement=case.buyer_proposal.agreement, refund_minor=case.buyer_proposal.refund.minor,
                  lines=[line.order_line_id for line in row.lines], due_at=iso(row.due_at))


def _case_lines(session: Session, order: Order, lines: list[OrderLine]) -> list[CaseLine]:
    """The lines in dispute; a return goes back to the warehouse the SKU left from (its stock movements: allocation
    may have sent the parcel from another than checkout reserved in), else the line's."""
    left: dict[int, tuple[int, int]] = {}
    for (sku_id, warehouse_id), units in inventory.shipped_from(session, order.id).items():
        left[sku_id] = max(left.get(sku_id, (0, warehouse_id)), (units, warehouse_id))
    return [CaseLine(store_id=order.store_id, order_line_id=line.id, sku_id=line.sku_id,
                     warehouse_id=left[line.sku_id][1] if line.sku_id in left else line.warehouse_id,
                     quantity=line.quantity, paid_minor=line.payable_minor, refunded_minor=0) for line in lines]


def _new_row(order: Order, case: Case, book: Rulebook, shipping_minor: int, shipped_by: str | None) -> CaseRow:
    reason = book.aftersales.reason(case.reason)
    assert reason is not None
    return CaseRow(
        store_id=order.store_id, order_id=order.id, buyer_id=order.buyer_id, rulebook=book.name, origin=case.origin.value,
        reason=case.reason, responsible=reason.responsible, responsible_by="reason", shipping_class=shipped_by,
        currency=order.currency, paid_minor=case.paid.minor, shipping_minor=shipping_minor,
        refunded_before_minor=case.refunded_before.minor, buyer_agreement=case.buyer_proposal.agreement,
        buyer_refund_minor=case.buyer_proposal.refund.minor, offer_agreement=case.on_table.agreement,
        offer_refund_minor=case.on_table.refund.minor, stage=case.stage.value, opened_at=case.opened_at, ruling_reminders=0,
        sold_not_shipped=False, reached_platform=False, version=0,
    )


def take_late_shipment_refund(session: Session, now: datetime, actor: Principal, order_id: int) -> CaseRow:
    """"未按约定时间发货": past the ship-by time the buyer is refunded at once, no seller consent (RULES.md §7.3)."""
    if actor.role is not Role.BUYER:
        raise Forbidden("only the buyer who placed the order takes the late-shipment refund")
    order = orders.get_order(session, actor, order_id, for_update=True)
    book = orders.book_of(session, order.store_id)
    # on Taobao/Tmall an order with a tracking number but no pickup scan is not shipped (RULES.md §7.3)
    shipped = counted_as_shipped(orders.shipment_facts(order), book) is not None
    if order.status not in (OrderStatus.PAID, OrderStatus.SHIPPED) or order.paid_at is None or shipped:
        raise NotAllowedInState(f"the late-shipment refund is for a paid order not yet shipped; this one is {order.status}"
                                + (" (picked up by the carrier)" if order.picked_up_at and shipped else ""),
                                current_status=order.status)
    paid = Money(order.total_minor, order.currency)
    transition = rules.take_instant_refund(book, order.paid_at, shipped, paid, Money(0, order.currency), now,
                                           deadline=order.ship_by)
    existing = open_case_on(session, order.id)
    if existing is not None:  # the instant refund supersedes a request still being negotiated
        apply(session, now, "buyer", existing, order, rulebooks.load(existing.rulebook), rules.withdraw(as_case(existing), now),
               superseded=True)
    row = _new_row(order, transition.case, book, shipping_minor=order.total_minor - sum(line.payable_minor for line in order.lines),
                   shipped_by=None)
    row.lines = _case_lines(session, order, order.lines)
    save(session, row, transition.case, book)
    _opened(session, now, row, transition.case)
    apply(session, now, "buyer", row, order, book, transition)
    return row



# --- what happens to a case -----------------------------------------------------------------

def _may(actor: Principal, action: moves.CaseAction, doing: str) -> None:
    """Refuse, before the case is read, a party the moves table never lets take `action` (`moves.MOVES`)."""
    (who,) = moves.parties_ever(action)
    require(actor, who, doing)


def _act(session: Session, now: datetime, actor: Principal, case_id: int, decide: Decide, **data: object) -> CaseRow:
    """Lock, check the order has not overtaken the case, let `decide(row, case, book)` pick the transition, apply it."""
    row, order = locked(session, actor, case_id)
    if row.closed_at is not None:
        raise NotAllowedInState(f"case {row.id} is closed ({row.resolution})", current_status="closed")
    if row.origin == Origin.PRE_SHIPMENT and order.status != OrderStatus.PAID:
        raise NotAllowedInState(f"the order is {order.status} now; this request before shipment lapses at its deadline",
                                current_status=order.status)
    book = rulebooks.load(row.rulebook)
    transition = decide(row, as_case(row), book)
    apply(session, now, party(actor), row, order, book, transition, **data)
    return row


def deadline_passed(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """A case's clock ran out: apply its default outcome (RULES.md §7), unless the case moved on since."""
    row = session.get(CaseRow, timer.payload.get("case_id"))
    if row is None or row.closed_at is not None or row.version != timer.payload.get("version"):
        return
    row, order = locked(session, SYSTEM, row.id)
    if row.closed_at is not None or row.version != timer.payload.get("version"):
        return
    now = clock.now()
    if lapse_if_overtaken(session, now, row, order):
        return
    book = rulebooks.load(row.rulebook)
    transition = rules.on_deadline(as_case(row), book, now)
    if transition is not None:
        apply(session, now, "system", row, order, book, transition, clock=row.due_clock)


def remind(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """Ask the waiting party to confirm receipt (RULES.md §7.1.4); a case that moved on is not reminded."""
    row = session.get(CaseRow, timer.payload.get("case_id"))
    if row is None or row.closed_at is not None or row.version != timer.payload.get("version"):
        return
    events.record(session, clock.now(), "case.reminded", subject(row), row.store_id, order_id=row.order_id,
                  waiting_for=row.waiting_for, step=row.step, due_at=iso(row.due_at))


# --- the seller -----------------------------------------------------------------------------

def answer(session: Session, now: datetime, actor: Principal, case_id: int, agree: bool,
           counter: tuple[Agreement, int] | None = None) -> CaseRow:
    """The seller agrees to the buyer's request, or rejects it, with or without a counter-proposal (拒绝协议 → 提交新协议)."""
    _may(actor, "accept" if agree else "reject", "answer the buyer's request")
    if agree and counter is not None:
        raise InvalidInput("an answer either agrees or makes a counter-proposal, not both")

    def decide(row: CaseRow, case: Case, book: Rulebook) -> Transition:
        offer = Proposal(counter[0], money(row, counter[1])) if counter else None
        return rules.answer(case, book, now, agree, offer)

    return _act(session, now, actor, case_id, decide, agree=agree, counter=list(counter) if counter else None)


def accept(session: Session, now: datetime, actor: Principal, case_id: int) -> CaseRow:
    """Whoever is asked accepts what is on the table: the seller the buyer's request, the buyer the seller's counter."""
    if party(actor) == "seller":
        return answer(session, now, actor, case_id, agree=True)
    _may(actor, "accept_counter", "accept a counter-proposal")
    return _act(session, now, actor, case_id, lambda row, case, book: rules.accept_counter(case, book, now))


def refuse_prepared(session: Session, now: datetime, actor: Principal, case_id: int) -> CaseRow:
    """"我已备货": the goods are prepared, the seller refuses the refund and ships (DHgate, RULES.md §7.1.5)."""
    _may(actor, "refuse_prepared", "refuse a refund because the goods are prepared")
    return _act(session, now, actor, case_id, lambda row, case, book: rules.refuse_prepared(case, book, now))


def give_tracking(session: Session, now: datetime, actor: Principal, case_id: int, carrier: str, tracking_number: str) -> CaseRow:
    """The buyer's return or the seller's reshipment is on its way: the next clock starts (RULES.md §7.1.4)."""
    if not carrier.strip() or not tracking_number.strip():
        raise InvalidInput("carrier and tracking number are required")

    def decide(row: CaseRow, case: Case, book: Rulebook) -> Transition:
        # the table's sender at this step; at any other step the seller is asked, and the rule refuses the step
        sender = next(iter(moves.parties_for(case, "give_tracking")), "seller")
        require(actor, sender, "give this tracking number")
        transition = rules.record_tracking(case, book, now)
        if sender == "buyer":
            row.return_carrier, row.return_tracking = carrier, tracking_number
        else:
            row.reship_carrier, row.reship_tracking = carrier, tracking_number
        return transition

    return _act(session, now, actor, case_id, decide, carrier=carrier, tracking_number=tracking_number)


def confirm_received(session: Session, now: datetime, actor: Principal, case_id: int) -> CaseRow:
    """The seller has the return (refund at once, stock back on the shelf) or the buyer the reshipment (release at once)."""

    def decide(row: CaseRow, case: Case, book: Rulebook) -> Transition:
        returning = case.step is Step.RETURN_RECEIPT
        # the table's receiver at this step; at any other step the buyer is asked, and the rule refuses the step
        require(actor, next(iter(moves.parties_for(case, "confirm_received")), "buyer"), "confirm this receipt")
        transition = rules.confirm_received(case, book, now)
        if returning:  # the goods came back: they are on sale again
            for line in row.lines:
                inventory.receive(session, now, SYSTEM, line.sku_id, line.warehouse_id, line.quantity, note=f"return, case {row.id}")
        return transition

    return _act(session, now, actor, case_id, decide)


def record_shortage_proof(session: Session, now: datetime, actor: Principal, case_id: int, shipped_quantity_matches: bool,
                          buyer_signed: bool) -> CaseRow:
    """Short quantity: the seller (or the operator) records what the evidence shows before the 3-day clock runs out;
    at that clock, proof of both releases the funds to the seller, anything less goes to the platform (RULES.md §7.2.2).

    The seller claims the shipped quantity only with evidence on file: at least one file it uploaded to the case.
    """
    by = party(actor)
    if by not in moves.parties_ever("record_shortage_proof"):
        raise Forbidden("only the seller or the operator records the shortage proof")

    def decide(row: CaseRow, case: Case, book: Rulebook) -> Transition:
        transition = rules.record_shortage_proof(case, book, now, shipped_quantity_matches, buyer_signed)
        if by == "seller" and shipped_quantity_matches:
            filed = session.scalar(select(func.count()).select_from(EvidenceFile)
                                   .where(EvidenceFile.case_id == row.id, EvidenceFile.uploader == "seller")) or 0
            if not filed:
                raise NotAllowedInState("upload the waybill showing the shipped quantity and weight first")
        return transition

    return _act(session, now, actor, case_id, decide, shipped_quantity_matches=shipped_quantity_matches,
                buyer_signed=buyer_signed)


def report_problem(session: Session, now: datetime, actor: Principal, case_id: int, delivered_at: datetime | None = None,
                   proposal: tuple[Agreement, int] | None = None) -> CaseRow:
    """Feedback given before the "assumed received" default fires takes the case to a specialist (RULES.md §7.1.4)."""
    by = party(actor)
    if by == "platform" or by not in moves.parties_ever("report_problem"):
        raise Forbidden("only the buyer or the seller reports a problem with goods on the way")

    def decide(row: CaseRow, case: Case, book: Rulebook) -> Transition:
        offer = Proposal(proposal[0], money(row, proposal[1])) if proposal else None
        return rules.report_problem(case, book, by, now, delivered_at, offer)

    return _act(session, now, actor, case_id, decide)


# --- the buyer ------------------------------------------------------------------------------

def escalate(session: Session, now: datetime, actor: Principal, case_id: int) -> CaseRow:
    """The buyer takes the case to the platform (平台纠纷); VIP buyers may do so sooner (RULES.md §7.1.2)."""
    _may(actor, "escalate", "escalate the case")

    def decide(row: CaseRow, case: Case, book: Rulebook) -> Transition:
        level = customers.member_level(session, row.buyer_id)
        return rules.escalate(case, book, level is not None and rules.is_vip(book, level), now)

    return _act(session, now, actor, case_id, decide)


def withdraw(session: Session, now: datetime, actor: Principal, case_id: int) -> CaseRow:
    """The buyer drops the request; a held receipt clock runs on."""
    _may(actor, "withdraw", "withdraw the case")
    return _act(session, now, actor, case_id, lambda row, case, book: rules.withdraw(case, now))


# --- the platform ---------------------------------------------------------------------------

def arbitrate(session: Session, now: datetime, actor: Principal, case_id: int, ruling: rules.Ruling) -> CaseRow:
    """The specialist rules: full refund, a partial refund in the allowed range, or release to the seller."""
    _may(actor, "arbitrate", "rule on a case")
    return _act(session, now, actor, case_id, lambda row, case, book: rules.arbitrate(case, ruling, now),
                decision=ruling.decision, responsible=ruling.responsible)


def correct_responsibility(session: Session, now: datetime, actor: Principal, case_id: int, note: str = "") -> CaseRow:
    """A buyer-side reason filed as the seller's: the operator verifies it within the negotiation window and cancels the
    order on a special application, so it does not count against the seller as 成交不卖 (DHgate, RULES.md §7.1.5, §8.1)."""
    require(actor, "platform", "correct who is responsible")

    def decide(row: CaseRow, case: Case, book: Rulebook) -> Transition:
        if case.origin is not Origin.PRE_SHIPMENT:
            raise NotAllowedInState("only a refund request before shipment is corrected this way; after shipment the ruling decides")
        if row.responsible == "buyer":
            raise NotAllowedInState("the reason already puts the responsibility on the buyer")
        transition = rules.answer(case, book, now, agree=True)  # refuses once the negotiation window has passed
        row.responsible, row.responsible_by = "buyer", "operator"
        return transition

    return _act(session, now, actor, case_id, decide, corrected_to="buyer", note=note[:500])

