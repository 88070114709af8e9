"""Payments through the built-in simulated provider.

The provider notifies us with a signed callback (HMAC-SHA256 over
"<timestamp>.<body>", in the `Shopkeeper-Signature: t=...,v1=...` header).
A notification is accepted once: the provider's reference is unique, so a
replay returns the payment as it is and changes nothing. Money that arrives
for an order that already closed is refunded at once, never kept or lost.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.errors import InvalidInput, InvalidSignature, NotFound, PaymentMismatch
from shopkeeper.money import Money
from shopkeeper.orders import ledger
from shopkeeper.orders import service as orders
from shopkeeper.orders.models import Order, OrderStatus, Payment
from shopkeeper.orders.rules import next_status
from shopkeeper.scope import require_role

PROVIDER = "simulator"
SIGNATURE_HEADER = "Shopkeeper-Signature"
# A notification older than this is refused even with a valid signature (replay window).
SIGNATURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class Notification:
    payment_id: int
    reference: str
    status: str
    amount_minor: int
    currency: str


def start_payment(session: Session, now: datetime, actor: Principal, order_id: int) -> Payment:
    require_role(actor, Role.BUYER)
    order = orders.get_order(session, actor, order_id, for_update=True)
    next_status(order.status, "pay")  # only an order awaiting payment can be paid
    payment = Payment(order_id=order.id, store_id=order.store_id, provider=PROVIDER, amount_minor=order.total_minor,
                      currency=order.currency, status="pending", created_at=now)
    session.add(payment)
    session.flush()
    events.record(session, now, "payment.started", orders.subject(order), order.store_id, payment_id=payment.id)
    return payment


def get_payment(session: Session, actor: Principal, payment_id: int) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound(f"payment {payment_id} does not exist")
    orders.get_order(session, actor, payment.order_id)  # 404 for another tenant's payment
    return payment


# --- the signed callback ----------------------------------------------------------------------

def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: bytes, header: str | None, now: datetime) -> Notification:
    parts = dict(p.split("=", 1) for p in (header or "").split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise InvalidSignature(f"missing or malformed {SIGNATURE_HEADER} header") from None
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise InvalidSignature()
    sent_at = datetime.fromtimestamp(timestamp, timezone.utc)
    if abs(now - sent_at) > SIGNATURE_TOLERANCE:
        raise InvalidSignature("the notification is too old or from the future; replays are refused")
    return _parse(body)


def _parse(body: bytes) -> Notification:
    try:
        data: Any = json.loads(body)
        notification = Notification(
            payment_id=int(data["payment_id"]), reference=str(data["reference"]), status=str(data["status"]),
            amount_minor=int(data["amount_minor"]), currency=str(data["currency"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"malformed payment notification: {exc}") from None
    if notification.status not in ("succeeded", "failed") or not 0 < len(notification.reference) <= 64:
        raise InvalidInput("malformed payment notification")
    return notification


def notification_body(payment: Payment, reference: str, status: str = "succeeded") -> bytes:
    """What the simulated provider posts; also used by tests and the demo."""
    return json.dumps({"payment_id": payment.id, "reference": reference, "status": status,
                       "amount_minor": payment.amount_minor, "currency": payment.currency}).encode()


def new_reference() -> str:
    return f"sim_{secrets.token_hex(12)}"


def handle_notification(session: Session, now: datetime, notification: Notification) -> Payment:
    already = session.scalar(select(Payment).where(Payment.provider_reference == notification.reference))
    if already is not None:
        return already  # a replay: the first delivery already did everything
    payment = session.scalar(select(Payment).where(Payment.id == notification.payment_id).with_for_update())
    if payment is None:
        raise NotFound(f"payment {notification.payment_id} does not exist")
    if payment.status != "pending":
        raise PaymentMismatch(f"payment {payment.id} is already {payment.status}")
    if (notification.amount_minor, notification.currency) != (payment.amount_minor, payment.currency):
        raise PaymentMismatch("amount or currency differs from the payment")
    order = session.scalar(select(Order).where(Order.id == payment.order_id).with_for_update())
    assert order is not None
    payment.provider_reference, payment.settled_at = notification.reference, now
    if notification.status == "failed":
        payment.status = "failed"
        events.record(session, now, "payment.failed", orders.subject(order), order.store_id, payment_id=payment.id)
        return payment
    payment.status = "succeeded"
    if order.status == OrderStatus.AWAITING_PAYMENT:
        orders.mark_paid(session, now, order, payment)
    else:  # paid late, or twice: take it in and give it straight back
        amount = Money(payment.amount_minor, payment.currency)
        ledger.hold_in_escrow(session, now, order.store_id, order.id, amount)
        ledger.refund_from_escrow(session, now, order.store_id, order.id, amount)
        payment.status, payment.note = "refunded", f"order was {order.status} when the money arrived"
        events.record(session, now, "payment.refunded", orders.subject(order), order.store_id,
                      payment_id=payment.id, reason=payment.note)
    return payment
