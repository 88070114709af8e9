"""The outbox: an event owed to a subscription is written in the event's own transaction, with the timer that sends
it. The event and its deliveries commit together or not at all, so a partner never hears of a change that was
rolled back, nor misses one that committed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import timers
from shopkeeper.events import Event
from shopkeeper.webhooks import rules
from shopkeeper.webhooks.models import WebhookDelivery, WebhookSubscription

DELIVER = "webhook.deliver"


def event_recorded(session: Session, event: Event) -> None:
    """events.record's listener: a store's event owed to its active subscriptions that hear its type. One indexed
    query per event (store, status), without flushing the event; a store with no subscription pays only that."""
    if event.store_id is None or event.type.startswith(rules.OWN_EVENTS):
        return
    with session.no_autoflush:
        subscriptions = session.execute(
            select(WebhookSubscription.id, WebhookSubscription.event_types)
            .where(WebhookSubscription.store_id == event.store_id, WebhookSubscription.status == "active")
        ).all()
    hearing = [subscription_id for subscription_id, prefixes in subscriptions if rules.hears(prefixes, event.type)]
    if not hearing:
        return
    session.flush()  # the event's id is what the deliveries name
    for subscription_id in hearing:
        owe(session, event.at, event.store_id, subscription_id, event)


def owe(session: Session, now: datetime, store_id: int, subscription_id: int, event: Event) -> WebhookDelivery:
    """A pending delivery of `event` to the subscription, and its first attempt's timer, due now."""
    delivery = WebhookDelivery(store_id=store_id, subscription_id=subscription_id, event_id=event.id,
                               event_type=event.type, status="pending", attempts=0, failures=0, turn=0,
                               next_attempt_at=now, created_at=now)
    session.add(delivery)
    session.flush()
    schedule(session, delivery, now)
    return delivery


def schedule(session: Session, delivery: WebhookDelivery, due_at: datetime, resend: bool = False) -> None:
    """The timer for the delivery's next attempt, on a new turn: only the latest timer may send (an earlier one, a
    retry a resend overtook or a lease fired again after a crash, finds its turn gone and does nothing)."""
    delivery.turn += 1
    delivery.next_attempt_at = due_at
    timers.schedule(session, DELIVER, f"webhook-delivery:{delivery.id}", due_at, delivery.store_id,
                    delivery_id=delivery.id, turn=delivery.turn, resend=resend)
