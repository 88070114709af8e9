"""Durable timers: every automatic behaviour is a row with a due time.

A timer is written in the same transaction as the change that needs it. The
worker claims due timers one at a time (`FOR UPDATE SKIP LOCKED` on
PostgreSQL, so any number of workers share them; SQLite serialises writers),
runs the handler in that same transaction and marks the timer done, so a
handler's effects and the timer's completion commit together. Handlers re-check
the state of their subject first: a stale or repeated timer does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Index, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from shopkeeper.clock import Clock, SimulatedClock
from shopkeeper.db import Base, BigId, Database, is_postgres

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5

Handler = Callable[[Session, Clock, "Timer"], None]
_HANDLERS: dict[str, Handler] = {}


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


def install(handlers: Mapping[str, Handler]) -> None:
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
            _fire(session, clock, timer, now)
        fired += 1
    return fired


def _fire(session: Session, clock: Clock, timer: Timer, now: datetime) -> None:
    handler = _HANDLERS.get(timer.kind)
    timer.attempts += 1
    if handler is None:
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
