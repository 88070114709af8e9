"""Webhook routes: a store's subscriptions, their delivery log, resend and ping (store staff and the operator)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.schemas import cut_page
from shopkeeper.webhooks import service
from shopkeeper.webhooks.schemas import (
    DeliveryOut,
    DeliveryPage,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPage,
    SubscriptionPatch,
)

router = APIRouter(tags=["webhooks"])
RECEIVER_GUIDE = """How a receiver handles a delivery: each is a `POST` of the event as JSON `{id, type, store_id, subject, at,
data}` with `Shopkeeper-Event-Id`, `Shopkeeper-Timestamp` (Unix seconds) and `Shopkeeper-Signature: v1=<hex
HMAC-SHA256 of "<timestamp>.<raw body>" with the subscription's secret>`. Verify the signature over the raw body,
refuse a timestamp more than 5 minutes from your clock (a replay), and answer 2xx quickly. Anything else is retried
after 1 min, 5 min, 30 min, 2 h, 6 h, 12 h and 24 h; then the delivery has failed. Retries and resends carry the same
event id: keep the ids you have handled and skip a repeat (delivery is at least once). Order is not guaranteed (a
retried event arrives after later ones): compare `at`, or read the subject's current state."""


def _guided(what: str) -> str:
    return f"{what}\n\n{RECEIVER_GUIDE}"


@router.post("/stores/{store_id}/webhooks", status_code=201, description=_guided(
    "Subscribe a URL to the store's events of some types (store staff, the operator). The secret that signs every "
    "request is in this answer only. In production the URL's host must resolve to public addresses only: one that "
    "leads to a private, loopback, link-local or reserved address answers 422 `webhook-url-not-public`, and is "
    "checked again before every delivery."))
def create_webhook(store_id: IdPath, body: SubscriptionIn, ctx: Ctx) -> SubscriptionCreated:
    with ctx.transaction() as session:
        row = service.create_subscription(session, ctx.now(), ctx.actor, store_id, body.spec(),
                                          development=not ctx.settings.production)
        return SubscriptionCreated(secret=row.secret, **SubscriptionOut.of(row).model_dump())


@router.get("/stores/{store_id}/webhooks")
def list_webhooks(store_id: IdPath, ctx: Ctx, limit: Limit = 50, cursor: IdQuery = None) -> SubscriptionPage:
    """The store's subscriptions, newest first (store staff, the operator); secrets are never shown again."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_subscriptions(session, ctx.actor, store_id, limit + 1, cursor), limit)
        return SubscriptionPage(items=[SubscriptionOut.of(r) for r in rows], next_cursor=next_cursor)


@router.get("/webhooks/{webhook_id}")
def get_webhook(webhook_id: IdPath, ctx: Ctx) -> SubscriptionOut:
    """One subscription (its store's staff, the operator)."""
    with ctx.read() as session:
        return SubscriptionOut.of(service.get_subscription(session, ctx.actor, webhook_id))


@router.patch("/webhooks/{webhook_id}")
def change_webhook(webhook_id: IdPath, body: SubscriptionPatch, ctx: Ctx) -> SubscriptionOut:
    """Change the URL or the event types, or pause (`status: paused`: due attempts are cancelled, nothing is sent)
    and resume (store staff, the operator). Pending deliveries go to the new URL. In production a URL that leads to a
    non-public address answers 422 `webhook-url-not-public`."""
    with ctx.transaction() as session:
        return SubscriptionOut.of(service.change_subscription(session, ctx.now(), ctx.actor, webhook_id,
                                                              body.change(), development=not ctx.settings.production))


@router.delete("/webhooks/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: IdPath, ctx: Ctx) -> Response:
    """Stop for good (store staff, the operator): nothing more is sent; the delivery log is kept."""
    with ctx.transaction() as session:
        service.delete_subscription(session, ctx.now(), ctx.actor, webhook_id)
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/deliveries", description=_guided(
    "The subscription's deliveries, newest first, each with every attempt (store staff, the operator)."))
def list_deliveries(webhook_id: IdPath, ctx: Ctx, limit: Limit = 50, cursor: IdQuery = None) -> DeliveryPage:
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_deliveries(session, ctx.actor, webhook_id, limit + 1, cursor), limit)
        attempts = service.attempts_of(session, rows)
        return DeliveryPage(items=[DeliveryOut.of(r, attempts[r.id]) for r in rows], next_cursor=next_cursor)


@router.post("/webhook-deliveries/{delivery_id}/resend", status_code=202, description=_guided(
    "Send a delivery again now, with the same event id, whatever its state (store staff, the operator); the retry "
    "schedule starts again. Repeating the call sends again: the receiver dedupes by the event id."))
def resend_delivery(delivery_id: IdPath, ctx: Ctx) -> DeliveryOut:
    with ctx.transaction() as session:
        row = service.resend(session, ctx.now(), ctx.actor, delivery_id)
        return DeliveryOut.of(row, service.attempts_of(session, [row])[row.id])


@router.post("/webhooks/{webhook_id}/ping", status_code=202)
def ping_webhook(webhook_id: IdPath, ctx: Ctx) -> DeliveryOut:
    """Send a `webhook.ping` event to this subscription now, whatever its event types, to check the URL and your
    signature check (store staff, the operator). It appears in the delivery log."""
    with ctx.transaction() as session:
        row = service.ping(session, ctx.now(), ctx.actor, webhook_id)
        return DeliveryOut.of(row, [])
