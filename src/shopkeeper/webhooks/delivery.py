"""Sending a delivery: the `webhook.deliver` timer, run outside the claiming transaction (timers.Outside).

Three steps, never a transaction open across the network: a short read of what to send (the delivery, its
subscription and its event; a stale timer stops here), the signed POST with no transaction at all, and a short
transaction that logs the attempt and moves the delivery (delivered, the next retry's timer, or failed). The outcome
step re-checks the turn: an attempt whose turn was overtaken meanwhile (a resend) is logged and changes nothing else.
A worker that dies between the POST and the outcome sends again when the timer's lease ends: the receiver dedupes by
the event id.

In production, the URL's host is looked up again just before each POST and an attempt to a host that now resolves
to a non-public address is not sent: it is logged as a failed attempt naming why, and retried on the schedule
(rules.py, "Where a webhook may go"). A timer has no request to carry the settings, so production mode is read from
the process's environment, where `Settings.from_env` reads it (settings.production_env).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from shopkeeper import events, timers
from shopkeeper.clock import Clock
from shopkeeper.db import Database
from shopkeeper.settings import production_env
from shopkeeper.webhooks import guard, outbox, rules
from shopkeeper.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

TIMEOUT = httpx.Timeout(10.0, connect=5.0)  # a receiver answers quickly and does its work after; we do not wait
USER_AGENT = "Shopkeeper-Webhooks/1"


@dataclass(frozen=True)
class Parcel:
    """What one attempt sends, read in the first short transaction."""

    delivery_id: int
    turn: int
    resend: bool
    url: str
    secret: str
    event_id: int
    body: bytes


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    error: str | None
    duration_ms: int


def body_of(event: events.Event) -> bytes:
    """The JSON a receiver gets: the event as the /events feed shows it; `id` is the event's, the same on every
    attempt and resend (the receiver dedupes by it)."""
    payload: dict[str, Any] = {"id": event.id, "type": event.type, "store_id": event.store_id,
                               "subject": event.subject, "at": event.at.isoformat(), "data": event.data}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def deliver(db: Database, clock: Clock, ticket: timers.Ticket) -> None:
    """The timer's handler (composition.TIMER_HANDLERS)."""
    parcel = _read(db, int(ticket.payload["delivery_id"]), int(ticket.payload["turn"]),
                   bool(ticket.payload.get("resend")))
    if parcel is None:
        return
    sent_at = clock.now()
    production = production_env()
    refused = guard.url_problem(parcel.url) if production else None
    answer = (Answer(None, f"not sent: {refused.detail}"[:300], 0) if refused
              else post(parcel, int(sent_at.timestamp()), public_only=production))
    _record(db, clock, parcel, sent_at, answer)


def _read(db: Database, delivery_id: int, turn: int, resend: bool) -> Parcel | None:
    """What to send, or None when the timer is stale. A paused or deleted subscription's due attempt cancels the
    delivery: pausing means nothing goes out (a person may resend it after)."""
    with db.transaction() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.status != "pending" or delivery.turn != turn:
            return None
        subscription = session.get(WebhookSubscription, delivery.subscription_id)
        event = session.get(events.Event, delivery.event_id)
        if subscription is None or event is None or subscription.status != "active":
            delivery.status, delivery.next_attempt_at = "cancelled", None
            return None
        return Parcel(delivery_id=delivery.id, turn=turn, resend=resend, url=subscription.url, secret=subscription.secret,
                      event_id=event.id, body=body_of(event))


def post(parcel: Parcel, timestamp: int, public_only: bool = False) -> Answer:
    """The signed POST, in no transaction. Redirects are not followed; any error stands for an answer. `public_only`
    (production): the connection is opened to a checked public address only (guard.public_transport)."""
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "Shopkeeper-Event-Id": str(parcel.event_id), "Shopkeeper-Timestamp": str(timestamp),
               "Shopkeeper-Signature": rules.sign(parcel.secret, timestamp, parcel.body)}
    started = time.monotonic()
    try:
        if public_only:
            with httpx.Client(transport=guard.public_transport(), timeout=TIMEOUT, follow_redirects=False) as client:
                response = client.post(parcel.url, content=parcel.body, headers=headers)
        else:
            response = httpx.post(parcel.url, content=parcel.body, headers=headers, timeout=TIMEOUT,
                                  follow_redirects=False)
    except httpx.HTTPError as exc:
        return Answer(None, f"{type(exc).__name__}: {exc}"[:300], _ms_since(started))
    return Answer(response.status_code, None, _ms_since(started))


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _record(db: Database, clock: Clock, parcel: Parcel, sent_at: datetime, answer: Answer) -> None:
    with db.transaction() as session:
        delivery = session.get(WebhookDelivery, parcel.delivery_id, with_for_update=True)
        if delivery is None:
            return
        delivery.attempts += 1
        session.add(WebhookAttempt(store_id=delivery.store_id, delivery_id=delivery.id, number=delivery.attempts,
                                   at=sent_at, status_code=answer.status_code, error=answer.error,
                                   duration_ms=answer.duration_ms, resend=parcel.resend))
        if delivery.status != "pending" or delivery.turn != parcel.turn:
            return  # overtaken by a resend while on the wire: that turn decides
        now = clock.now()
        if rules.succeeded(answer.status_code):
            delivery.status, delivery.failures, delivery.delivered_at, delivery.next_attempt_at = \
                "delivered", 0, now, None
            return
        delivery.failures += 1
        wait = rules.next_attempt_after(delivery.failures)
        if wait is None:
            delivery.status, delivery.next_attempt_at = "failed", None
            events.record(session, now, "webhook.delivery_failed", f"webhook:{delivery.subscription_id}",
                          delivery.store_id, delivery_id=delivery.id, event_id=delivery.event_id,
                          attempts=delivery.attempts)
            return
        outbox.schedule(session, delivery, now + wait)
