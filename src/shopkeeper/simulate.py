"""What `shopkeeper simulate` does: move the simulated clock, firing every timer in due order, and tell what each
after-sales deadline did as it fired, so a simulated month shows its rules at work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper import timers
from shopkeeper.aftersales.cases import rows as case_rows
from shopkeeper.aftersales.models import CaseRow
from shopkeeper.clock import SimulatedClock
from shopkeeper.console.case_view import deadline_condition
from shopkeeper.db import Database
from shopkeeper.events import Event
from shopkeeper.money import Money


def advance(db: Database, clock: SimulatedClock, until: datetime) -> tuple[int, list[str]]:
    """Move the clock to `until` as `timers.advance_to` does, stopping at each after-sales deadline on the way.

    Before each one, the case's deadline is read (what was awaited, from the rules); after it, the
    events the timer wrote say what it did. Returns the timers fired and one line per deadline.
    """
    start, fired, told, after = clock.now(), 0, [], None
    while True:
        with db.read() as session:
            pending = select(func.min(CaseRow.due_at)).where(CaseRow.closed_at.is_(None))
            due = session.scalar(pending.where(CaseRow.due_at > after) if after else pending)
            if due is None or due > until:
                break
            awaited = {row.id: (case_rows.describe(row), row.currency) for row in session.scalars(
                select(CaseRow).where(CaseRow.closed_at.is_(None), CaseRow.due_at == due).order_by(CaseRow.id))}
        fired += timers.advance_to(db, clock, due)
        after = due
        with db.read() as session:
            for case_id, (view, currency) in awaited.items():
                if view.deadline is not None:
                    what = deadline_condition(view, view.deadline, "en")
                    did = _outcome(session, case_id, due, currency, view.case.buyer_proposal.agreement)
                    day = (due.date() - start.date()).days + 1  # the run's first calendar day (UTC) is day 1
                    told.append(f"day {day} {due:%H:%M} UTC ({due:%Y-%m-%d})  case #{case_id} {view.case.kind.replace('_', ' ')}: "
                                f"{what} → {did}")
    fired += timers.advance_to(db, clock, until)
    return fired, told


def _outcome(session: Session, case_id: int, due: datetime, currency: str, proposal: str) -> str:
    """What the deadline's timer did, read back from the events it wrote."""

    done = list(session.scalars(select(Event).where(Event.subject == f"case:{case_id}", Event.at >= due,
                                                    Event.type != "case.reminded").order_by(Event.id)))
    event = next((e for e in done if e.data.get("by") == "system"), None)
    if event is None:
        return "nothing: the case had moved on"
    data = event.data
    if event.type == "case.closed" and data.get("resolution") in ("refunded", "partly_refunded"):
        refund = Money(int(data.get("refund_minor") or 0), currency).display()
        return f"refund {refund} to the buyer" + (", the order cancelled" if data.get("clock") == "pre_shipment" else "")
    words: dict[str, str] = {"case.closed": "closed: the money held goes to the seller" if data.get("resolution") == "released"
            else f"closed ({data.get('resolution')})",
            "case.escalated": "escalated to the platform", "case.agreed": f"the buyer's proposal is carried out: {proposal.replace('_', ' ')}",
            "case.return_assumed_received": "the return counts as received; the seller must reship",
            "case.ruling_overdue": "the operator is reminded that a ruling is due",
            "case.lapsed": "the request lapses: the order moved on"}
    kind: str = event.type
    return words.get(kind, kind)
