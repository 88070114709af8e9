"""Durable timers: every automatic behaviour is a row with a due time.

A timer is written in the same transaction as the change that needs it. The
worker claims due timers one at a time (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, so any number of workers share them; SQLite serialises writers),
runs the handler in that same transaction and marks the timer done, so a
handler's effects and the timer's completion commit together. Handlers re-check
the state of their subject first: a stale or repeated timer does nothing.

A handler that waits on the outside world (an HTTP call) must not hold the transaction open meanwhile (SQLite has
one writer): wrapped in `Outside`, it is leased instead. The claim moves the timer's due time one lease ahead and
commits; the handler then runs with the `Database`, opening its own short transactions, and the timer is marked done
after it returns. A worker that dies mid-call leaves the timer to fire again when the lease ends: such a handler
does its work at least once, and re-checks its subject so that a run whose outcome was recorded does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Index, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from shopkeeper.clock import Clock, SimulatedClock
from shopkeeper.db import Base, BigId, Database, is_postgres

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5

LEASE = timedelta(minutes=5)  # how long an `Outside` handler holds its timer before another worker may take it

Handler = Callable[[Session, Clock, "Timer"], None]


@dataclass(frozen=True)
class Ticket:
    """A leased timer as an `Outside` handler sees it: the row itself belongs to a transaction already closed."""

    id: int
    kind: str
    subject: str
    store_id: int | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class Outside:
    """A handler that runs outside the claiming transaction, given the database (see the module docstring)."""

    run: Callable[[Database, Clock, Ticket], None]


_HANDLERS: dict[str, Handler | Outside] = {}


class Timer(Base):
    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_status_due_at", "status", "due_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    due_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64), index=True)
    store_id: Mapped[int | None]
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | done | failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    fired_at: Mapped[datetime | None]


def install(handlers: Mapping[str, Handler | Outside]) -> None:
    """Which use case fires each kind of timer: the composition root's table (composition.TIMER_HANDLERS)."""
    _HANDLERS.clear()
    _HANDLERS.update(handlers)


def schedule(session: Session, kind: str, subject: str, due_at: datetime, store_id: int | None = None, **payload: Any) -> Timer:
    timer = Timer(kind=kind, subject=subject, due_at=due_at, store_id=store_id, payload=payload, status="pending", attempts=0)
    session.add(timer)
    return timer


def _claim_next(session: Session, now: datetime) -> Timer | None:
    query = (
        select(Timer)
        .where(Timer.status == "pending", Timer.due_at <= now)
        .order_by(Timer.due_at, Timer.id)
        .limit(1)
    )
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).first()


def run_due_timers(db: Database, clock: Clock, limit: int = 1000) -> int:
    """Fire timers that are due now, earliest first; returns how many ran."""
    fired = 0
    while fired < limit:
        with db.transaction() as session:
            now = clock.now()
            timer = _claim_next(session, now)
            if timer is None:
                break
            handler = _HANDLERS.get(timer.kind)
            leased = _lease(timer, now) if isinstance(handler, Outside) else None
            if leased is None:
                _fire(session, clock, timer, now)
        if isinstance(handler, Outside) and leased is not None:
            _run_outside(db, clock, handler, leased)
        fired += 1
    return fired


def _lease(timer: Timer, now: datetime) -> Ticket:
    timer.attempts += 1
    timer.due_at = now + LEASE
    return Ticket(id=timer.id, kind=timer.kind, subject=timer.subject, store_id=timer.store_id,
                  payload=dict(timer.payload))


def _run_outside(db: Database, clock: Clock, handler: Outside, ticket: Ticket) -> None:
    error: str | None = None
    try:
        handler.run(db, clock, ticket)
    except Exception as exc:  # as in _fire: one handler's bug must not stop the others
        log.exception("timer %s (%s %s) failed", ticket.id, ticket.kind, ticket.subject)
        error = f"{type(exc).__name__}: {exc}"[:500]
    with db.transaction() as session:
        timer = session.get(Timer, ticket.id)
        if timer is None or timer.status != "pending":
            return
        now = clock.now()
        if error is None:
            timer.status, timer.fired_at = "done", now
            return
        timer.last_error = error
        if timer.attempts >= MAX_ATTEMPTS:
            timer.status = "failed"
        else:
            timer.due_at = now + timedelta(seconds=30 * 2**timer.attempts)


def _fire(session: Session, clock: Clock, timer: Timer, now: datetime) -> None:
    handler = _HANDLERS.get(timer.kind)
    timer.attempts += 1
    if handler is None or isinstance(handler, Outside):  # an Outside handler is leased, never fired here
        timer.status, timer.last_error = "failed", f"no handler for {timer.kind!r}"
        return
    try:
        with session.begin_nested():
            handler(session, clock, timer)
    except Exception as exc:  # a handler bug must not stop every other timer
        log.exception("timer %s (%s %s) failed", timer.id, timer.kind, timer.subject)
        timer.last_error = f"{type(exc).__name__}: {exc}"[:500]
        if timer.attempts >= MAX_ATTEMPTS:
            timer.status = "failed"
        else:
            timer.due_at = now + timedelta(seconds=30 * 2**timer.attempts)
        return
    timer.status, timer.fired_at = "done", now


def next_due_at(db: Database) -> datetime | None:
    with db.read() as session:
        return session.scalar(select(func.min(Timer.due_at)).where(Timer.status == "pending"))


def advance_to(db: Database, clock: SimulatedClock, until: datetime) -> int:
    """Move a simulated clock to `until`, firing every timer at its own due time, in order."""
    fired = 0
    while True:
        due = next_due_at(db)
        if due is None or due > until:
            break
        if due > clock.now():
            clock.set(due)
        ran = run_due_timers(db, clock)
        fired += ran
        if ran == 0:  # only failed-and-rescheduled timers remain at this instant
            break
    if until > clock.now():
        clock.set(until)
    return fired
