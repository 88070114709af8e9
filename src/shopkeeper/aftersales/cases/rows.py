"""Cases as rows and as pure `Case` values: rebuilding one from the other, saving with the next timer, finding and locking.

A row holds everything `rules` needs (see `models.CaseRow`); `as_case` rebuilds
the frozen case, `save` writes a rule's result back with its pending deadline
and schedules the timer for it under a new version. Finding is scoped: another
tenant's case answers exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from shopkeeper import rulebooks, timers
from shopkeeper.aftersales.cases import clocks, evidence_rules, moves
from shopkeeper.aftersales.cases.case import Case, Deadline, Origin, Proposal, Stage, Step
from shopkeeper.aftersales.cases.moves import Party
from shopkeeper.aftersales.models import CaseLine, CaseRow
from shopkeeper.auth import Principal, Role
from shopkeeper.db import matching
from shopkeeper.errors import Forbidden, NotFound
from shopkeeper.money import Money
from shopkeeper.orders import service as orders
from shopkeeper.orders.rules import OrderStatus
from shopkeeper.rulebooks import Rulebook
from shopkeeper.rulebooks.aftersales import Reason
from shopkeeper.scope import SYSTEM, may_see, scoped

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

DEADLINE = "aftersales.deadline"  # a clock runs out: the default outcome
REMINDER = "aftersales.reminder"  # the system asks the waiting party to confirm receipt (DHgate: days 15 and 20)


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
    evidence_due: tuple[evidence_rules.EvidenceDeadline, ...] = ()  # what each party still owes as evidence, and by when


def subject(row: CaseRow) -> str:
    return f"case:{row.id}"


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# --- rows and the pure case -----------------------------------------------------------------

def money(row: CaseRow, minor: int) -> Money:
    return Money(minor, row.currency)


def _proposal(row: CaseRow, agreement: str | None, minor: int | None) -> Proposal | None:
    return None if agreement is None or minor is None else Proposal(agreement, money(row, minor))  # type: ignore[arg-type]


def as_case(row: CaseRow) -> Case:
    """The pure case a row stands for; `responsible` is the ruling's only (the reason's party is on the row)."""
    buyer = _proposal(row, row.buyer_agreement, row.buyer_refund_minor)
    offer = _proposal(row, row.offer_agreement, row.offer_refund_minor)
    assert buyer is not None and offer is not None
    return Case(
        origin=Origin(row.origin), reason=row.reason, opened_at=row.opened_at, paid=money(row, row.paid_minor),
        refunded_before=money(row, row.refunded_before_minor), buyer_proposal=buyer, on_table=offer,
        stage=Stage(row.stage), step=Step(row.step) if row.step else None,
        agreed=_proposal(row, row.agreed_agreement, row.agreed_refund_minor),
        seller_answered_at=row.seller_answered_at, escalated_at=row.escalated_at, seller_fed_back_at=row.seller_fed_back_at,
        step_started_at=row.step_started_at, ruling_reminders=row.ruling_reminders,
        responsible=row.responsible if row.responsible_by == "ruling" else None,  # type: ignore[arg-type]
        closed_at=row.closed_at, resolution=row.resolution,  # type: ignore[arg-type]
        refund=None if row.refund_minor is None else money(row, row.refund_minor), sold_not_shipped=row.sold_not_shipped,
        shipped_quantity_matches=bool(row.shipped_quantity_matches), buyer_signed=bool(row.buyer_signed),
    )


def save(session: Session, row: CaseRow, case: Case, book: Rulebook) -> None:
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
    row.shipped_quantity_matches, row.buyer_signed = case.shipped_quantity_matches, case.buyer_signed
    if case.responsible is not None:
        row.responsible, row.responsible_by = case.responsible, "ruling"
    due = clocks.next_deadline(case, book)
    row.due_at = due.due_at if due else None
    row.due_clock, row.due_action, row.waiting_for = (due.clock, due.action, due.waiting_for) if due else (None, None, None)
    row.version += 1
    if row.id is None:  # a new case: its id names the timer
        session.add(row)
        session.flush()
    if due is not None:
        timers.schedule(session, DEADLINE, subject(row), due.due_at, row.store_id, case_id=row.id, version=row.version)
    for moment in clocks.reminders(case, book):
        timers.schedule(session, REMINDER, subject(row), moment, row.store_id, case_id=row.id, version=row.version)


def received_at(order: Order) -> datetime | None:
    """When the goods reached the buyer: the carrier's delivery, else the receipt confirmed (or deemed confirmed)."""
    return order.delivered_at or order.completed_at


def evidence_deadlines(row: CaseRow, book: Rulebook) -> tuple[evidence_rules.EvidenceDeadline, ...]:
    """What each party owes as evidence on an open case, and by when (RULES.md §7.2.2)."""
    if row.closed_at is not None:
        return ()
    asked: dict[evidence_rules.EvidenceParty, datetime] = {}
    if row.buyer_evidence_asked_at is not None:
        asked["buyer"] = row.buyer_evidence_asked_at
    if row.seller_evidence_asked_at is not None:
        asked["seller"] = row.seller_evidence_asked_at
    return evidence_rules.evidence_deadlines(book, row.reason, row.opened_at, received_at(row.order), asked)


def describe(row: CaseRow) -> CaseView:
    book = rulebooks.load(row.rulebook)
    case = as_case(row)
    return CaseView(row, case, book, book.aftersales.reason(row.reason), clocks.next_deadline(case, book),
                    clocks.reminders(case, book), evidence_deadlines(row, book))


def allowed_actions(view: CaseView, who: Party) -> list[moves.CaseAction]:
    """The moves the table offers `who` now; on a request before shipment whose order has moved on, messages only,
    as the service refuses every other move on it until its deadline lapses it."""
    offered = moves.allowed_actions(view.case, view.book, who)
    if view.row.origin == Origin.PRE_SHIPMENT and view.row.order.status != OrderStatus.PAID:
        return [action for action in offered if action == "message"]
    return offered


def refunded_per_line(session: Session, line_ids: list[int]) -> dict[int, int]:
    """What cases have refunded so far on each order line."""
    rows = session.execute(select(CaseLine.order_line_id, func.sum(CaseLine.refunded_minor))
                           .where(CaseLine.order_line_id.in_(line_ids)).group_by(CaseLine.order_line_id))
    found = {line_id: int(total or 0) for line_id, total in rows}
    return {line_id: found.get(line_id, 0) for line_id in line_ids}


# --- who acts, finding and locking ----------------------------------------------------------

_PARTY: dict[Role, Party] = {Role.BUYER: "buyer", Role.STAFF: "seller", Role.OPERATOR: "platform"}


def party(actor: Principal) -> Party:
    return _PARTY[actor.role]


def require(actor: Principal, who: str, doing: str) -> None:
    if party(actor) != who:
        raise Forbidden(f"only the {who} may {doing}")


def get_case(session: Session, actor: Principal, case_id: int) -> CaseRow:
    """Another tenant's case answers exactly like a missing one."""
    row = session.get(CaseRow, case_id)
    if row is None or not may_see(actor, row):
        raise NotFound(f"case {case_id} does not exist")
    return row


def locked(session: Session, actor: Principal, case_id: int) -> tuple[CaseRow, Order]:
    """The case and its order, locked in one order everywhere (the order first), so two writers cannot deadlock."""
    row = get_case(session, actor, case_id)
    order = orders.get_order(session, SYSTEM, row.order_id, for_update=True)
    found = session.scalar(select(CaseRow).where(CaseRow.id == case_id).with_for_update()
                           .execution_options(populate_existing=True))
    assert found is not None
    return found, order


def open_case_on(session: Session, order_id: int) -> CaseRow | None:
    return session.scalar(select(CaseRow).where(CaseRow.order_id == order_id, CaseRow.closed_at.is_(None)).with_for_update())


def list_cases(session: Session, actor: Principal, f: CaseFilter) -> list[CaseRow]:
    query = scoped(select(CaseRow).options(selectinload(CaseRow.lines), selectinload(CaseRow.order)),
                   actor, CaseRow.store_id, CaseRow.buyer_id)
    query = matching(query, (CaseRow.store_id, f.store_id), (CaseRow.order_id, f.order_id))
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
