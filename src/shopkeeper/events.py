"""The append-only event log.

Every state change appends an event in the same transaction as the change:
the audit trail, the analytics source and the console's timeline. Nothing here
updates or deletes a row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from shopkeeper.db import Base, BigId


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    type: Mapped[str] = mapped_column(String(64), index=True)
    store_id: Mapped[int | None] = mapped_column(index=True)
    subject: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


Listener = Callable[[Session, Event], None]
_LISTENERS: list[Listener] = []


def listen(*listeners: Listener) -> None:
    """Who hears of every event, in its transaction: the composition root installs webhooks' outbox (this module
    imports no domain). A listener runs on every state change of the engine, so it must be cheap. Installing the
    same listener twice keeps one."""
    _LISTENERS.extend(listener for listener in listeners if listener not in _LISTENERS)


def record(session: Session, at: datetime, type: str, subject: str, store_id: int | None = None, **data: Any) -> Event:
    event = Event(at=at, type=type, store_id=store_id, subject=subject, data=data)
    session.add(event)
    for listener in _LISTENERS:
        listener(session, event)
    return event


def feed(session: Session, store_id: int | None, after_id: int, limit: int, type_prefix: str | None = None) -> list[Event]:
    """Events in the order they happened, from `after_id` on: what a client syncs from.

    `store_id` None means every store's events and the platform's own (operators only).
    On PostgreSQL ids are drawn at insert, so a transaction that commits late can
    land an id just below one a client already read: clients that must see
    everything re-read a short overlap (say, the last few seconds) and skip ids
    they have.
    """
    query = select(Event).where(Event.id > after_id).order_by(Event.id).limit(limit)
    if store_id is not None:
        query = query.where(Event.store_id == store_id)
    if type_prefix:
        query = query.where(Event.type.startswith(type_prefix, autoescape=True))
    return list(session.scalars(query))


def timeline(session: Session, subject: str) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.subject == subject).order_by(Event.at, Event.id)))
