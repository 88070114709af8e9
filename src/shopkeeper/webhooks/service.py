"""Webhook use cases: a store's subscriptions (its staff and the operator), the delivery log, resend and ping.

Buyers may not manage webhooks (403); another store's subscription or delivery does not exist (404).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog.service import get_store
from shopkeeper.db import newest_first
from shopkeeper.errors import InvalidInput, NotAllowedInState, NotFound
from shopkeeper.scope import require_role, require_store_manager, scoped
from shopkeeper.webhooks import guard, outbox, rules
from shopkeeper.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

SECRET_PREFIX = "whsec_"
STATUSES = ("active", "paused")


@dataclass(frozen=True)
class SubscriptionSpec:
    url: str
    event_types: list[str]
    description: str = ""
    status: str = "active"


@dataclass(frozen=True)
class SubscriptionChange:
    url: str | None = None
    event_types: list[str] | None = None
    description: str | None = None
    status: str | None = None


def _check(url: str | None, event_types: list[str] | None, development: bool) -> None:
    if url is not None and (problem := rules.url_problem(url, development)):
        raise InvalidInput(problem)
    if url is not None and not development and (refused := guard.url_problem(url)):
        raise refused  # rules.py: production webhooks go to public addresses only
    if event_types is not None and (problem := rules.prefixes_problem(event_types)):
        raise InvalidInput(problem)


def _subject(subscription: WebhookSubscription) -> str:
    return f"webhook:{subscription.id}"


def create_subscription(session: Session, now: datetime, actor: Principal, store_id: int, spec: SubscriptionSpec,
                        development: bool) -> WebhookSubscription:
    """A new subscription with a new secret (returned on this row once; the API shows it only now)."""
    require_store_manager(actor, store_id)
    get_store(session, actor, store_id)
    _check(spec.url, spec.event_types, development)
    subscription = WebhookSubscription(store_id=store_id, url=spec.url, event_types=list(spec.event_types),
                                       description=spec.description, status=spec.status,
                                       secret=SECRET_PREFIX + secrets.token_hex(32), created_at=now, updated_at=now)
    session.add(subscription)
    session.flush()
    events.record(session, now, "webhook.created", _subject(subscription), store_id, url=spec.url,
                  event_types=list(spec.event_types), status=spec.status)
    return subscription


def get_subscription(session: Session, actor: Principal, subscription_id: int,
                     for_update: bool = False) -> WebhookSubscription:
    require_role(actor, Role.OPERATOR, Role.STAFF)
    query = scoped(select(WebhookSubscription).where(WebhookSubscription.id == subscription_id,
                                                     WebhookSubscription.status != "deleted"),
                   actor, WebhookSubscription.store_id)
    row = session.scalars(query.with_for_update() if for_update else query).first()
    if row is None:
        raise NotFound(f"webhook {subscription_id} does not exist")
    return row


def list_subscriptions(session: Session, actor: Principal, store_id: int, limit: int,
                       before_id: int | None) -> list[WebhookSubscription]:
    require_store_manager(actor, store_id)
    query = scoped(select(WebhookSubscription).where(WebhookSubscription.store_id == store_id,
                                                     WebhookSubscription.status != "deleted"),
                   actor, WebhookSubscription.store_id)
    return list(session.scalars(newest_first(query, WebhookSubscription.id, limit, before_id)))


def change_subscription(session: Session, now: datetime, actor: Principal, subscription_id: int,
                        change: SubscriptionChange, development: bool) -> WebhookSubscription:
    """Change the URL, the event types, the description, or pause / resume. Pending deliveries go to the new URL;
    a paused subscription's due attempts are cancelled (delivery.py)."""
    subscription = get_subscription(session, actor, subscription_id, for_update=True)
    _check(change.url, change.event_types, development)
    changed = {name: value for name, value in vars(change).items()
               if value is not None and value != getattr(subscription, name)}
    if not changed:
        return subscription
    for name, value in changed.items():
        setattr(subscription, name, value)
    subscription.updated_at = now
    events.record(session, now, "webhook.changed", _subject(subscription), subscription.store_id, **changed)
    return subscription


def delete_subscription(session: Session, now: datetime, actor: Principal, subscription_id: int) -> None:
    """Stop for good: nothing more is sent; the delivery log stays (the row is marked deleted, not removed)."""
    subscription = get_subscription(session, actor, subscription_id, for_update=True)
    subscription.status, subscription.updated_at = "deleted", now
    events.record(session, now, "webhook.deleted", _subject(subscription), subscription.store_id)


def list_deliveries(session: Session, actor: Principal, subscription_id: int, limit: int,
                    before_id: int | None) -> list[WebhookDelivery]:
    get_subscription(session, actor, subscription_id)
    query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    return list(session.scalars(newest_first(query, WebhookDelivery.id, limit, before_id)))


def store_deliveries(session: Session, actor: Principal, store_id: int, status: str | None, limit: int,
                     before_id: int | None) -> list[WebhookDelivery]:
    """The store's deliveries to any of its subscriptions, newest first, of one status or all (the console's log)."""
    require_store_manager(actor, store_id)
    get_store(session, actor, store_id)
    query = select(WebhookDelivery).where(WebhookDelivery.store_id == store_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    return list(session.scalars(newest_first(scoped(query, actor, WebhookDelivery.store_id), WebhookDelivery.id, limit,
                                             before_id)))


def attempts_of(session: Session, deliveries: list[WebhookDelivery]) -> dict[int, list[WebhookAttempt]]:
    """Every attempt of these deliveries, oldest first, in one query."""
    found: dict[int, list[WebhookAttempt]] = {d.id: [] for d in deliveries}
    if found:
        query = select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(found)).order_by(WebhookAttempt.id)
        for attempt in session.scalars(query):
            found[attempt.delivery_id].append(attempt)
    return found


def get_delivery(session: Session, actor: Principal, delivery_id: int, for_update: bool = False) -> WebhookDelivery:
    require_role(actor, Role.OPERATOR, Role.STAFF)
    query = scoped(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id), actor, WebhookDelivery.store_id)
    row = session.scalars(query.with_for_update() if for_update else query).first()
    if row is None:
        raise NotFound(f"webhook delivery {delivery_id} does not exist")
    return row


def resend(session: Session, now: datetime, actor: Principal, delivery_id: int) -> WebhookDelivery:
    """A new attempt now, with the same event id (the receiver dedupes by it), whatever the delivery's state; the
    retry schedule starts again from its first step. A retry already scheduled is overtaken."""
    delivery = get_delivery(session, actor, delivery_id, for_update=True)
    subscription = get_subscription(session, actor, delivery.subscription_id)
    if subscription.status != "active":
        raise NotAllowedInState(f"webhook {subscription.id} is {subscription.status}; resume it to resend")
    delivery.status, delivery.failures = "pending", 0
    outbox.schedule(session, delivery, now, resend=True)
    events.record(session, now, "webhook.delivery_resent", _subject(subscription), delivery.store_id,
                  delivery_id=delivery.id, event_id=delivery.event_id)
    return delivery


def failed_deliveries(session: Session, actor: Principal, store_id: int, subscription_id: int | None = None) -> list[int]:
    """The store's failed deliveries, oldest first, to resend after a partner's outage (`shopkeeper webhooks
    resend-failed`). Only an active subscription's: a paused one would refuse each resend."""
    require_store_manager(actor, store_id)
    get_store(session, actor, store_id)
    query = (select(WebhookDelivery.id)
             .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
             .where(WebhookDelivery.store_id == store_id, WebhookDelivery.status == "failed",
                    WebhookSubscription.status == "active")
             .order_by(WebhookDelivery.id))
    if subscription_id is not None:
        query = query.where(WebhookDelivery.subscription_id == subscription_id)
    return list(session.scalars(scoped(query, actor, WebhookDelivery.store_id)))


def ping(session: Session, now: datetime, actor: Principal, subscription_id: int) -> WebhookDelivery:
    """A `webhook.ping` event sent to this subscription alone, now, whatever its event types: to check the URL and
    the receiver's signature check. It goes through the delivery log like any event."""
    subscription = get_subscription(session, actor, subscription_id)
    if subscription.status != "active":
        raise NotAllowedInState(f"webhook {subscription.id} is {subscription.status}; resume it to ping")
    event = events.record(session, now, "webhook.ping", _subject(subscription), subscription.store_id,
                          url=subscription.url)
    session.flush()
    return outbox.owe(session, now, subscription.store_id, subscription.id, event)
