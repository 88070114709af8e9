"""After-sales use cases: one function per thing a buyer, a seller, the platform or a clock does to a case.

Each runs in the caller's transaction: load the rows, rebuild the pure `Case`,
let `rules` decide, write the rows back, move the money through the escrow
ledger, append the event and schedule the next deadline. The timer handler
(`aftersales.deadline`) does the same for a clock that ran out, after checking
that its case is still at the version it was scheduled for.

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

import hashlib
import math
import os
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from shopkeeper import events, rulebooks, timers
from shopkeeper.aftersales import rules
from shopkeeper.aftersales.cases import Agreement, Case, Deadline, Origin, Proposal, Resolution, Stage, Step, Transition
from shopkeeper.aftersales.models import CaseLine, CaseMessage, CaseRow, EvidenceFile
from shopkeeper.auth import Principal, Role
from shopkeeper.clock import Clock
from shopkeeper.customers.models import Buyer
from shopkeeper.errors import Conflict, DomainError, Forbidden, InvalidInput, NotAllowedInState, NotFound
from shopkeeper.events import Event
from shopkeeper.inventory import service as inventory
from shopkeeper.money import Money
from shopkeeper.orders import ledger
from shopkeeper.orders import service as orders
from shopkeeper.orders.models import Order, OrderLine, OrderStatus
from shopkeeper.rulebooks import Rulebook
from shopkeeper.rulebooks.aftersales import Reason
from shopkeeper.scope import SYSTEM

DEADLINE = "aftersales.deadline"  # a clock runs out: the default outcome
REMINDER = "aftersales.reminder"  # the system asks the waiting party to confirm receipt (DHgate: days 15 and 20)
HELD = (OrderStatus.SHIPPED, OrderStatus.DELIVERED)  # shipped, money still in escrow
# A store's member levels that count as VIP for escalation (DHgate: VIP buyers after 3 days, RULES.md §7.1.2).
# The sources do not say who is VIP; our choice: the two top levels.
VIP_LEVELS = ("gold", "platinum")
# RULES.md §5.6 / §15 #6: the "Big-4 express" are not named; our choice: the four international express
# carriers (§5.5 lists them with SF as AliExpress's commercial express). A carrier whose name says post
# (平邮, 邮政, China Post) ships by post; every other carrier is general express or a dedicated line.
EXPRESS_CARRIERS = ("dhl", "ups", "fedex", "tnt")
POST_MARKERS = ("post", "邮")
# Evidence (RULES.md §7.2.2: photos, video, documents); each type is checked against the file's first bytes.
EVIDENCE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
                  "application/pdf": ".pdf", "video/mp4": ".mp4"}
MAX_FILES_PER_CASE = 30


class FileTooLarge(DomainError):
    code = "file-too-large"
    status = 413
    title = "The file is larger than allowed"


class UnsupportedFileType(DomainError):
    code = "unsupported-file-type"
    status = 415
    title = "This kind of file is not accepted as evidence"


@dataclass(frozen=True)
class CaseRequest:
    """What the buyer asks for; None fields take the rule's default (everything left, every line)."""

    reason: str
    agreement: Agreement | None = None
    refund_minor: int | None = None
    line_ids: tuple[int, ...] | None = None
    message: str | None = None


@dataclass(frozen=True)
class CaseFilter:
    store_id: int | None = None
    order_id: int | None = None
    status: str | None = None  # open | closed
    by_deadline: bool = False  # open cases, the nearest deadline first
    limit: int = 50
    after: tuple[datetime, int] | None = None  # by deadline: (due_at, id) of the last one seen
    before_id: int | None = None  # newest first: the id of the last one seen


@dataclass(frozen=True)
class CaseView:
    row: CaseRow
    case: Case
    book: Rulebook
    reason: Reason | None
    deadline: Deadline | None
    reminders: tuple[datetime, ...]


def subject(row: CaseRow) -> str:
    return f"case:{row.id}"


# --- rows and the pure case -----------------------------------------------------------------

def _money(row: CaseRow, minor: int) -> Money:
    return Money(minor, row.currency)


def _proposal(row: CaseRow, agreement: str | None, minor: int | None) -> Proposal | None:
    return None if agreement is None or minor is None else Proposal(agreement, _money(row, minor))  # type: ignore[arg-type]


def as_case(row: CaseRow) -> Case:
    """The pure case a row stands for; `responsible` is the ruling's only (the reason's party is on the row)."""
    buyer = _proposal(row, row.buyer_agreement, row.buyer_refund_minor)
    offer = _proposal(row, row.offer_agreement, row.offer_refund_minor)
    assert buyer is not None and offer is not None
    return Case(
        origin=Origin(row.origin), reason=row.reason, opened_at=row.opened_at, paid=_money(row, row.paid_minor),
        refunded_before=_money(row, row.refunded_before_minor), buyer_proposal=buyer, on_table=offer,
        stage=Stage(row.stage), step=Step(row.step) if row.step else None,
        agreed=_proposal(row, row.agreed_agreement, row.agreed_refund_minor),
        seller_answered_at=row.seller_answered_at, escalated_at=row.escalated_at, seller_fed_back_at=row.seller_fed_back_at,
        step_started_at=row.step_started_at, ruling_reminders=row.ruling_reminders,
        responsible=row.responsible if row.responsible_by == "ruling" else None,  # type: ignore[arg-type]
        closed_at=row.closed_at, resolution=row.resolution,  # type: ignore[arg-type]
        refund=None if row.refund_minor is None else _money(row, row.refund_minor), sold_not_shipped=row.sold_not_shipped,
    )


def _save(session: Session, row: CaseRow, case: Case, book: Rulebook) -> None:
    """Write the case back, with its next deadline, and schedule the timer for it (a new version each time)."""
    row.stage, row.step = case.stage.value, case.step.value if case.step else None
    row.buyer_agreement, row.buyer_refund_minor = case.buyer_proposal.agreement, case.buyer_proposal.refund.minor
    row.offer_agreement, row.offer_refund_minor = case.on_table.agreement, case.on_table.refund.minor
    row.agreed_agreement = case.agreed.agreement if case.agreed else None
    row.agreed_refund_minor = case.agreed.refund.minor if case.agreed else None
    row.seller_answered_at, row.escalated_at, row.seller_fed_back_at = case.seller_answered_at, case.escalated_at, case.seller_fed_back_at
    row.step_started_at, row.ruling_reminders = case.step_started_at, case.ruling_reminders
    row.closed_at, row.resolution = case.closed_at, case.resolution
    row.refund_minor = case.refund.minor if case.refund is not None else None
    row.sold_not_shipped, row.reached_platform = case.sold_not_shipped, case.reached_platform
    if case.responsible is not None:
        row.responsible, row.responsible_by = case.responsible, "ruling"
    due = rules.next_deadline(case, book)
    row.due_at = due.due_at if due else None
    row.due_clock, row.due_action, row.waiting_for = (due.clock, due.action, due.waiting_for) if due else (None, None, None)
    row.version += 1
    if row.id is None:  # a new case: its id names the timer
        session.add(row)
        session.flush()
    if due is not None:
        timers.schedule(session, DEADLINE, subject(row), due.due_at, row.store_id, case_id=row.id, version=row.version)
    for moment in rules.reminders(case, book):
        timers.schedule(session, REMINDER, subject(row), moment, row.store_id, case_id=row.id, version=row.version)


def describe(row: CaseRow) -> CaseView:
    book = rulebooks.load(row.rulebook)
    case = as_case(row)
    return CaseView(row, case, book, book.aftersales.reason(row.reason), rules.next_deadline(case, book),
                    rules.reminders(case, book))


# --- finding and locking --------------------------------------------------------------------

def _may_see(actor: Principal, row: CaseRow) -> bool:
    if actor.role is Role.BUYER:
        return row.buyer_id == actor.buyer_id
    return actor.may_see_store(row.store_id)


def get_case(session: Session, actor: Principal, case_id: int) -> CaseRow:
    """Another tenant's case answers exactly like a missing one."""
    row = session.get(CaseRow, case_id)
    if row is None or not _may_see(actor, row):
        raise NotFound(f"case {case_id} does not exist")
    return row


def _locked(session: Session, actor: Principal, case_id: int) -> tuple[CaseRow, Order]:
    """The case and its order, locked in one order everywhere (the order first), so two writers cannot deadlock."""
    row = get_case(session, actor, case_id)
    order = orders.get_order(session, SYSTEM, row.order_id, for_update=True)
    locked = session.scalar(select(CaseRow).where(CaseRow.id == case_id).with_for_update()
                            .execution_options(populate_existing=True))
    assert locked is not None
    return locked, order


def list_cases(session: Session, actor: Principal, f: CaseFilter) -> list[CaseRow]:
    query = select(CaseRow).options(selectinload(CaseRow.lines))
    if actor.role is Role.BUYER:
        query = query.where(CaseRow.buyer_id == actor.buyer_id)
    elif actor.role is Role.STAFF:
        query = query.where(CaseRow.store_id == actor.store_id)
    if f.store_id is not None:
        query = query.where(CaseRow.store_id == f.store_id)
    if f.order_id is not None:
        query = query.where(CaseRow.order_id == f.order_id)
    if f.status == "open" or f.by_deadline:
        query = query.where(CaseRow.closed_at.is_(None))
    elif f.status == "closed":
        query = query.where(CaseRow.closed_at.is_not(None))
    if f.by_deadline:
        if f.after is not None:
            due, last = f.after
            query = query.where(or_(CaseRow.due_at > due, and_(CaseRow.due_at == due, CaseRow.id > last)))
        return list(session.scalars(query.order_by(CaseRow.due_at, CaseRow.id).limit(f.limit)))
    if f.before_id is not None:
        query = query.where(CaseRow.id < f.before_id)
    return list(session.scalars(query.order_by(CaseRow.id.desc()).limit(f.limit)))


def _party(actor: Principal) -> str:
    return {Role.BUYER: "buyer", Role.STAFF: "seller", Role.OPERATOR: "platform"}[actor.role]


def _require(actor: Principal, party: str, doing: str) -> None:
    if _party(actor) != party:
        raise Forbidden(f"only the {party} may {doing}")


# --- opening --------------------------------------------------------------------------------

def shipping_class(carrier: str | None, book: Rulebook) -> str:
    """The rulebook's shipping class of a carrier: when a case may open depends on it (RULES.md §5.6)."""
    name = (carrier or "").casefold()
    if any(name == c or name.startswith(c + " ") for c in EXPRESS_CARRIERS):
        found = "express"
    elif any(marker in name for marker in POST_MARKERS):
        found = "post"
    else:
        found = "standard"
    return found if found in book.aftersales.opening else next(iter(book.aftersales.opening))


def _refunded_per_line(session: Session, line_ids: list[int]) -> dict[int, int]:
    rows = session.execute(select(CaseLine.order_line_id, func.sum(CaseLine.refunded_minor))
                           .where(CaseLine.order_line_id.in_(line_ids)).group_by(CaseLine.order_line_id))
    found = {line_id: int(total or 0) for line_id, total in rows}
    return {line_id: found.get(line_id, 0) for line_id in line_ids}


def _chosen_lines(order: Order, line_ids: tuple[int, ...] | None) -> list[OrderLine]:
    if not line_ids:
        return list(order.lines)
    by_id = {line.id: line for line in order.lines}
    unknown = [i for i in line_ids if i not in by_id]
    if unknown:
        raise InvalidInput(f"order {order.id} has no line {unknown[0]}")
    return [by_id[i] for i in sorted(set(line_ids))]


def _open_case_on(session: Session, order_id: int) -> CaseRow | None:
    return session.scalar(select(CaseRow).where(CaseRow.order_id == order_id, CaseRow.closed_at.is_(None)).with_for_update())


def open_case(session: Session, now: datetime, actor: Principal, order_id: int, request: CaseRequest) -> CaseRow:
    """The buyer asks for a refund before shipment (发货前协议) or opens an agreement dispute after it (协议纠纷)."""
    if actor.role is not Role.BUYER:
        raise Forbidden("only the buyer who placed the order opens a case on it")
    order = orders.get_order(session, actor, order_id, for_update=True)
    book = orders.book_of(session, order.store_id)
    existing = _open_case_on(session, order.id)
    if existing is not None and not _lapse_if_overtaken(session, now, existing, order):
        raise Conflict(f"case {existing.id} is already open on this order; it must end before another opens", case_id=existing.id)
    lines = _chosen_lines(order, request.line_ids)
    refunded = _refunded_per_line(session, [line.id for line in lines])
    lines_paid = sum(line.payable_minor for line in lines)
    money = Money(0, order.currency)
    if order.status == OrderStatus.PAID:
        if len(lines) != len(order.lines) or request.agreement not in (None, "refund_only") or request.refund_minor is not None:
            raise InvalidInput("before shipment the request is a refund of the whole order, everything paid")
        shipping = order.total_minor - lines_paid  # cancelling before shipment gives the shipping back too
        paid = Money(order.total_minor, order.currency)
        case = rules.open_pre_shipment_refund(book, request.reason, paid, money, now)
        row = _new_row(order, case, book, shipping_minor=shipping, shipping_class=None)
    elif order.status in (*HELD, OrderStatus.COMPLETED):
        paid = Money(lines_paid, order.currency)
        before = Money(sum(refunded.values()), order.currency)
        limit = rules.refund_limit(paid, before)
        agreement: Agreement = request.agreement or "refund_only"
        default = 0 if agreement in ("reship", "return_reship") else limit.minor
        proposal = Proposal(agreement, Money(default if request.refund_minor is None else request.refund_minor, order.currency))
        shipped_by = shipping_class(order.carrier, book)
        assert order.shipped_at is not None
        case = rules.open_case(book, proposal, request.reason, shipped_by, order.shipped_at, paid, before, now)
        row = _new_row(order, case, book, shipping_minor=0, shipping_class=shipped_by)
    else:
        raise NotAllowedInState(f"a case opens on a paid order; this one is {order.status}", current_status=order.status)
    row.lines = _case_lines(order, lines)
    held = orders.hold_receipt(session, now, order)
    row.receipt_seconds_left = math.ceil(held.total_seconds()) if held is not None else None
    _save(session, row, case, book)
    _opened(session, now, row, case)
    if request.message:
        _message(session, now, actor, row, request.message)
    return row


def _opened(session: Session, now: datetime, row: CaseRow, case: Case) -> None:
    events.record(session, now, "case.opened", subject(row), row.store_id, order_id=row.order_id, by="buyer", origin=row.origin,
                  reason=row.reason, responsible=row.responsible, shipping_class=row.shipping_class,
                  agreement=case.buyer_proposal.agreement, refund_minor=case.buyer_proposal.refund.minor,
                  lines=[line.order_line_id for line in row.lines], due_at=_iso(row.due_at))


def _case_lines(order: Order, lines: list[OrderLine]) -> list[CaseLine]:
    return [CaseLine(store_id=order.store_id, order_line_id=line.id, sku_id=line.sku_id, warehouse_id=line.warehouse_id,
                     quantity=line.quantity, paid_minor=line.payable_minor, refunded_minor=0) for line in lines]


def _new_row(order: Order, case: Case, book: Rulebook, shipping_minor: int, shipping_class: str | None) -> CaseRow:
    reason = book.aftersales.reason(case.reason)
    assert reason is not None
    return CaseRow(
        store_id=order.store_id, order_id=order.id, buyer_id=order.buyer_id, rulebook=book.name, origin=case.origin.value,
        reason=case.reason, responsible=reason.responsible, responsible_by="reason", shipping_class=shipping_class,
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
    if order.status != OrderStatus.PAID or order.paid_at is None:
        raise NotAllowedInState(f"the late-shipment refund is for a paid order not yet shipped; this one is {order.status}",
                                current_status=order.status)
    paid = Money(order.total_minor, order.currency)
    transition = rules.take_instant_refund(book, order.paid_at, order.shipped_at is not None, paid, Money(0, order.currency), now)
    existing = _open_case_on(session, order.id)
    if existing is not None:  # the instant refund supersedes a request still being negotiated
        _apply(session, now, "buyer", existing, order, rulebooks.load(existing.rulebook), rules.withdraw(as_case(existing), now),
               superseded=True)
    row = _new_row(order, transition.case, book, shipping_minor=order.total_minor - sum(line.payable_minor for line in order.lines),
                   shipping_class=None)
    row.lines = _case_lines(order, order.lines)
    _save(session, row, transition.case, book)
    _opened(session, now, row, transition.case)
    _apply(session, now, "buyer", row, order, book, transition)
    return row


# --- what happens to a case -----------------------------------------------------------------

def _apply(session: Session, now: datetime, by: str, row: CaseRow, order: Order, book: Rulebook, transition: Transition,
           **data: object) -> None:
    """Write a rule's transition: the case, its money, the order, the event and the next timer."""
    case = transition.case
    _save(session, row, case, book)
    if transition.settlement is not None:
        data.update(_settle(session, now, row, order, transition.settlement.refund, transition.settlement.cancel_order))
    elif not case.is_open and row.receipt_seconds_left is not None:
        orders.resume_receipt(session, now, order, timedelta(seconds=row.receipt_seconds_left))
    events.record(session, now, transition.event, subject(row), row.store_id, order_id=row.order_id, by=by, stage=row.stage,
                  step=row.step, resolution=row.resolution, due_at=_iso(row.due_at), **data)


def _settle(session: Session, now: datetime, row: CaseRow, order: Order, refund: Money, cancel: bool) -> dict[str, object]:
    """Move exactly the settlement's money; returns what moved, for the event."""
    _allocate(session, row, refund)
    if cancel:
        if refund.minor != order.total_minor:  # the books and the case disagree: never paper over it
            raise RuntimeError(f"case {row.id} refunds {refund} but order {order.id} was paid {order.total_minor}")
        reason = "not_shipped_on_time" if row.origin == Origin.LATE_SHIPMENT else "refund_before_shipment"
        orders.close_refunded(session, now, order.id, reason)
        return {"refund_minor": refund.minor, "released_minor": 0}
    if order.status in HELD:
        if refund.minor:
            ledger.refund_from_escrow(session, now, order.store_id, order.id, refund)
        released = orders.complete_after_case(session, now, order)
        return {"refund_minor": refund.minor, "released_minor": released.minor}
    if order.status == OrderStatus.COMPLETED:
        if refund.minor:  # the escrow was released already: the store pays the refund back from its balance
            ledger.transfer(session, now, "refund", order.store_id, order.id, refund, ledger.STORE_BALANCE, ledger.PROVIDER)
        return {"refund_minor": refund.minor, "released_minor": 0, "from_store_balance": True}
    raise RuntimeError(f"case {row.id} settles money on order {order.id}, which is {order.status}")


def _allocate(session: Session, row: CaseRow, refund: Money) -> None:
    """Split the refund over the case's lines by what each still has left, so no line gets back more than it cost."""
    before = _refunded_per_line(session, [line.order_line_id for line in row.lines])
    left = [line.paid_minor - before[line.order_line_id] for line in row.lines]
    parts = refund.allocate([*left, row.shipping_minor])[: len(left)]
    for line, part in zip(row.lines, parts):
        line.refunded_minor = part.minor


def _lapse_if_overtaken(session: Session, now: datetime, row: CaseRow, order: Order) -> bool:
    """A request before shipment ends when the order moves on without it (shipped, or cancelled by the buyer)."""
    if row.origin != Origin.PRE_SHIPMENT or row.closed_at is not None or order.status == OrderStatus.PAID:
        return False
    resolution: Resolution = "kept_order" if order.status in (*HELD, OrderStatus.COMPLETED) else "withdrawn"
    closed = replace(as_case(row), stage=Stage.CLOSED, step=None, closed_at=now, resolution=resolution)
    _apply(session, now, "system", row, order, rulebooks.load(row.rulebook), Transition(closed, "case.lapsed"),
           order_status=order.status)
    return True


def _act(session: Session, now: datetime, actor: Principal, case_id: int, decide, **data: object) -> CaseRow:  # type: ignore[no-untyped-def]
    """Lock, check the order has not overtaken the case, let `decide(row, case, book)` pick the transition, apply it."""
    row, order = _locked(session, actor, case_id)
    if row.closed_at is not None:
        raise NotAllowedInState(f"case {row.id} is closed ({row.resolution})", current_status="closed")
    if row.origin == Origin.PRE_SHIPMENT and order.status != OrderStatus.PAID:
        raise NotAllowedInState(f"the order is {order.status} now; this request before shipment lapses at its deadline",
                                current_status=order.status)
    book = rulebooks.load(row.rulebook)
    transition = decide(row, as_case(row), book)
    _apply(session, now, _party(actor), row, order, book, transition, **data)
    return row


@timers.handles(DEADLINE)
def deadline_passed(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """A case's clock ran out: apply its default outcome (RULES.md §7), unless the case moved on since."""
    row = session.get(CaseRow, timer.payload.get("case_id"))
    if row is None or row.closed_at is not None or row.version != timer.payload.get("version"):
        return
    row, order = _locked(session, SYSTEM, row.id)
    if row.closed_at is not None or row.version != timer.payload.get("version"):
        return
    now = clock.now()
    if _lapse_if_overtaken(session, now, row, order):
        return
    book = rulebooks.load(row.rulebook)
    transition = rules.on_deadline(as_case(row), book, now)
    if transition is not None:
        _apply(session, now, "system", row, order, book, transition, clock=row.due_clock)


@timers.handles(REMINDER)
def remind(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """Ask the waiting party to confirm receipt (RULES.md §7.1.4); a case that moved on is not reminded."""
    row = session.get(CaseRow, timer.payload.get("case_id"))
    if row is None or row.closed_at is not None or row.version != timer.payload.get("version"):
        return
    events.record(session, clock.now(), "case.reminded", subject(row), row.store_id, order_id=row.order_id,
                  waiting_for=row.waiting_for, step=row.step, due_at=_iso(row.due_at))


# --- the seller -----------------------------------------------------------------------------

def answer(session: Session, now: datetime, actor: Principal, case_id: int, agree: bool,
           counter: tuple[Agreement, int] | None = None) -> CaseRow:
    """The seller agrees to the buyer's request, or rejects it, with or without a counter-proposal (拒绝协议 → 提交新协议)."""
    _require(actor, "seller", "answer the buyer's request")
    if agree and counter is not None:
        raise InvalidInput("an answer either agrees or makes a counter-proposal, not both")

    def decide(row: CaseRow, case: Case, book: Rulebook) -> Transition:
        offer = Proposal(counter[0], _money(row, counter[1])) if counter else None
        return rules.answer(case, book, now, agree, offer)

    return _act(session, now, actor, case_id, decide, agree=agree, counter=list(counter) if counter else None)


def accept(session: Session, now: datetime, actor: Principal, case_id: int) -> CaseRow:
    """Whoever is asked accepts what is on the table: the seller the buyer's request, the buyer the seller's counter."""
    if _party(actor) == "seller":
        return answer(session, now, actor, case_id, agree=True)
    _require(actor, "buyer", "accept a counter-proposal")
    return _act(session, now, actor, case_id, lambda row, case, book: rules.accept_counter(case, book, now))


def refuse_prepared(session: Session, now: datetime, actor: Principal, case_id: int) -> CaseRow:
    """"我已备货": the goods are prepared, the seller refuses the refund and ships (DHgate, RULES.md §7.1.5)."""
    _require(actor, "seller", "refuse a refund because the goods are prepared")
    return _act(session, now, actor, case_id, lambda row, case, book: rules.refuse_prepared(case, book, now))


def give_tracking(session: Session, now: datetime, actor: Principal, case_id: int, carrier: str, tracking_number: str) -> CaseRow:
    """The buyer's return or the seller's reshipment is on its way: the next clock starts (RULES.md §7.1.4)."""
    if not carrier.strip() or not tracking_number.strip():
        raise InvalidInput("carrier and tracking number are required")

    def decide(row: CaseRow, case: Case, book: Rulebook) -> Transition:
        sender = "buyer" if case.step is Step.RETURN_TRACKING else "seller"
        _require(actor, sender, "give this tracking number")
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
        _require(actor, "seller" if returning else "buyer", "confirm this receipt")
        transition = rules.confirm_received(case, book, now)
        if returning:  # the goods came back: they are on sale again
            for line in row.lines:
                inventory.receive(session, now, SYSTEM, line.sku_id, line.warehouse_id, line.quantity, note=f"return, case {row.id}")
        return transition

    return _act(session, now, actor, case_id, decide)


def report_problem(session: Session, now: datetime, actor: Principal, case_id: int, delivered_at: datetime | None = None,
                   proposal: tuple[Agreement, int] | None = None) -> CaseRow:
    """Feedback given before the "assumed received" default fires takes the case to a specialist (RULES.md §7.1.4)."""
    party = _party(actor)
    if party not in ("buyer", "seller"):
        raise Forbidden("only the buyer or the seller reports a problem with goods on the way")

    def decide(row: CaseRow, case: Case, book: Rulebook) -> Transition:
        offer = Proposal(proposal[0], _money(row, proposal[1])) if proposal else None
        return rules.report_problem(case, book, party, now, delivered_at, offer)  # type: ignore[arg-type]

    return _act(session, now, actor, case_id, decide)


# --- the buyer ------------------------------------------------------------------------------

def escalate(session: Session, now: datetime, actor: Principal, case_id: int) -> CaseRow:
    """The buyer takes the case to the platform (平台纠纷); VIP buyers may do so sooner (RULES.md §7.1.2)."""
    _require(actor, "buyer", "escalate the case")

    def decide(row: CaseRow, case: Case, book: Rulebook) -> Transition:
        buyer = session.get(Buyer, row.buyer_id)
        return rules.escalate(case, book, buyer is not None and buyer.member_level in VIP_LEVELS, now)

    return _act(session, now, actor, case_id, decide)


def withdraw(session: Session, now: datetime, actor: Principal, case_id: int) -> CaseRow:
    """The buyer drops the request; a held receipt clock runs on."""
    _require(actor, "buyer", "withdraw the case")
    return _act(session, now, actor, case_id, lambda row, case, book: rules.withdraw(case, now))


# --- the platform ---------------------------------------------------------------------------

def arbitrate(session: Session, now: datetime, actor: Principal, case_id: int, ruling: rules.Ruling) -> CaseRow:
    """The specialist rules: full refund, a partial refund in the allowed range, or release to the seller."""
    _require(actor, "platform", "rule on a case")
    return _act(session, now, actor, case_id, lambda row, case, book: rules.arbitrate(case, ruling, now),
                decision=ruling.decision, responsible=ruling.responsible)


def correct_responsibility(session: Session, now: datetime, actor: Principal, case_id: int, note: str = "") -> CaseRow:
    """A buyer-side reason filed as the seller's: the operator verifies it within the negotiation window and cancels the
    order on a special application, so it does not count against the seller as 成交不卖 (DHgate, RULES.md §7.1.5, §8.1)."""
    _require(actor, "platform", "correct who is responsible")

    def decide(row: CaseRow, case: Case, book: Rulebook) -> Transition:
        if case.origin is not Origin.PRE_SHIPMENT:
            raise NotAllowedInState("only a refund request before shipment is corrected this way; after shipment the ruling decides")
        if row.responsible == "buyer":
            raise NotAllowedInState("the reason already puts the responsibility on the buyer")
        transition = rules.answer(case, book, now, agree=True)  # refuses once the negotiation window has passed
        row.responsible, row.responsible_by = "buyer", "operator"
        return transition

    return _act(session, now, actor, case_id, decide, corrected_to="buyer", note=note[:500])


# --- messages, evidence, the timeline -------------------------------------------------------

def _message(session: Session, now: datetime, actor: Principal, row: CaseRow, body: str) -> CaseMessage:
    message = CaseMessage(case_id=row.id, store_id=row.store_id, at=now, author=_party(actor), key_id=actor.key_id, body=body)
    session.add(message)
    session.flush()
    events.record(session, now, "case.message_posted", subject(row), row.store_id, by=message.author, message_id=message.id)
    return message


def post_message(session: Session, now: datetime, actor: Principal, case_id: int, body: str) -> CaseMessage:
    """A message between the parties (and the platform), kept with the case."""
    row = get_case(session, actor, case_id)
    if not body.strip():
        raise InvalidInput("a message needs some text")
    if row.closed_at is not None:
        raise NotAllowedInState(f"case {row.id} is closed", current_status="closed")
    return _message(session, now, actor, row, body)


def messages(session: Session, actor: Principal, case_id: int) -> list[CaseMessage]:
    row = get_case(session, actor, case_id)
    return list(session.scalars(select(CaseMessage).where(CaseMessage.case_id == row.id).order_by(CaseMessage.id)))


def _sniff(data: bytes) -> str | None:
    """The type a file's first bytes show; what the sender says it is does not count on its own."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    return None


def add_evidence(session: Session, now: datetime, actor: Principal, case_id: int, directory: str, max_bytes: int,
                 filename: str, content_type: str | None, data: bytes) -> EvidenceFile:
    """Attach a file (photo, PDF, mp4 video): stored on disk under its SHA-256, checked for size and type first."""
    row = get_case(session, actor, case_id)
    if row.closed_at is not None:
        raise NotAllowedInState(f"case {row.id} is closed", current_status="closed")
    if not data:
        raise InvalidInput("the file is empty")
    if len(data) > max_bytes:
        raise FileTooLarge(f"a file may be at most {max_bytes} bytes", max_bytes=max_bytes)
    found = _sniff(data)
    declared = (content_type or "").split(";")[0].strip().lower()
    declared = "image/jpeg" if declared in ("image/jpg", "image/pjpeg") else declared
    if found is None or declared not in ("", "application/octet-stream", found):
        allowed = ", ".join(EVIDENCE_TYPES)
        raise UnsupportedFileType(f"evidence must be one of {allowed}, and be what its type says", allowed=list(EVIDENCE_TYPES))
    count = session.scalar(select(func.count()).select_from(EvidenceFile).where(EvidenceFile.case_id == row.id)) or 0
    if count >= MAX_FILES_PER_CASE:
        raise NotAllowedInState(f"a case holds at most {MAX_FILES_PER_CASE} files")
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{row.store_id}/{row.id}/{digest}{EVIDENCE_TYPES[found]}"
    _write_once(Path(directory) / relative, data)
    evidence = EvidenceFile(case_id=row.id, store_id=row.store_id, at=now, uploader=_party(actor), key_id=actor.key_id,
                            filename=(os.path.basename(filename or "") or "evidence")[:200], content_type=found,
                            size_bytes=len(data), sha256=digest, path=relative)
    session.add(evidence)
    session.flush()
    events.record(session, now, "case.evidence_added", subject(row), row.store_id, by=evidence.uploader, evidence_id=evidence.id,
                  sha256=digest, size_bytes=len(data), content_type=found)
    return evidence


def _write_once(path: Path, data: bytes) -> None:
    """Content-addressed: the same bytes land on the same name, so a rolled-back upload leaves only a harmless copy."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f".{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


def evidence_files(session: Session, actor: Principal, case_id: int) -> list[EvidenceFile]:
    row = get_case(session, actor, case_id)
    return list(session.scalars(select(EvidenceFile).where(EvidenceFile.case_id == row.id).order_by(EvidenceFile.id)))


def evidence_file(session: Session, actor: Principal, case_id: int, evidence_id: int, directory: str) -> tuple[EvidenceFile, Path]:
    row = get_case(session, actor, case_id)
    evidence = session.get(EvidenceFile, evidence_id)
    if evidence is None or evidence.case_id != row.id:
        raise NotFound(f"evidence {evidence_id} does not exist")
    path = Path(directory) / evidence.path
    if not path.is_file():
        raise NotFound(f"the file of evidence {evidence_id} is missing from storage")
    return evidence, path


def timeline(session: Session, actor: Principal, case_id: int) -> list[Event]:
    """Everything that happened to the case, in order: opening, answers, clocks, messages, evidence, money."""
    return events.timeline(session, subject(get_case(session, actor, case_id)))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
