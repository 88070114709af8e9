"""Payments: started by the buyer, confirmed only by the provider's signed notification.

The provider notifies us with a signed callback (HMAC-SHA256 over
"<timestamp>.<body>", in the `Shopkeeper-Signature: t=...,v1=...` header).
A notification is accepted once: the provider's reference is unique, so a
replay returns the payment as it is and changes nothing. Money that arrives
for an order that already closed, or for a payment that ended with it, is
refunded at once, never kept or lost.

Two providers (`Settings.payment_provider`): `sandbox`, where the buyer's
"pay" button (`POST /payments/{id}/simulate`) signs the notification itself,
for the demo and tests; and `callback`, where only the provider's callback
signed with `SHOPKEEPER_PAYMENT_SECRET` confirms a payment, and the public
development secret is refused.

An order has at most one pending payment: starting a payment while one is
pending returns that one, so a retry after a lost answer never opens a second.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.errors import InvalidInput, InvalidSignature, NotFound, PaymentMismatch
from shopkeeper.money import Money
from shopkeeper.orders import ledger
from shopkeeper.orders import service as orders
from shopkeeper.orders.models import Order, Payment
from shopkeeper.orders.rules import OrderStatus, next_status
from shopkeeper.scope import require_role
from shopkeeper.settings import DEV_PAYMENT_SECRET, PaymentProvider, Settings

SANDBOX: PaymentProvider = "sandbox"
SIGNATURE_HEADER = "Shopkeeper-Signature"
# A notification older than this is refused even with a valid signature (replay window).
SIGNATURE_TOLERANCE = timedelta(minutes=5)
PENDING, CANCELLED = "pending", "cancelled"


@dataclass(frozen=True)
class Notification:
    payment_id: int
    reference: str
    status: str
    amount_minor: int
    currency: str


def start_payment(session: Session, now: datetime, actor: Principal, order_id: int,
                  provider: PaymentProvider = SANDBOX) -> Payment:
    return open_payment(session, now, actor, order_id, provider)[0]


def open_payment(session: Session, now: datetime, actor: Principal, order_id: int,
                 provider: PaymentProvider = SANDBOX) -> tuple[Payment, bool]:
    """The order's pending payment, started now unless one is pending already (then `False`: nothing new).

    Reusing rather than superseding: the buyer may already be paying the first one at the provider, and
    a second pending payment would only be a second chance to pay twice. The order row is locked first,
    so two concurrent starts cannot both find none.
    """
    require_role(actor, Role.BUYER)
    order = orders.get_order(session, actor, order_id, for_update=True)
    next_status(order.status, "pay")  # only an order awaiting payment can be paid
    pending = session.scalar(select(Payment).where(Payment.order_id == order.id, Payment.status == PENDING)
                             .order_by(Payment.id.desc()).limit(1))
    if pending is not None:
        return pending, False
    payment = Payment(order_id=order.id, store_id=order.store_id, provider=provider, amount_minor=order.total_minor,
                      currency=order.currency, status=PENDING, created_at=now)
    session.add(payment)
    session.flush()
    events.record(session, now, "payment.started", orders.subject(order), order.store_id, payment_id=payment.id)
    return payment, True


def simulate_payment(session: Session, actor: Principal, payment_id: int) -> Payment:
    """The sandbox's pay button is the order's buyer's alone: staff and the operator never mark an order paid,
    and another buyer's payment answers 404 like a missing one."""
    require_role(actor, Role.BUYER)
    return get_payment(session, actor, payment_id)


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


def callback_secret(settings: Settings) -> str:
    """The secret callbacks must be signed with. With a real provider the development secret is in the
    source for anyone to read, so while it is configured every callback is refused."""
    if settings.payment_provider != SANDBOX and settings.payment_secret in (DEV_PAYMENT_SECRET, ""):
        raise InvalidSignature("payment callbacks are refused: SHOPKEEPER_PAYMENT_SECRET is not set to the provider's secret")
    return settings.payment_secret


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
    # compared in whole seconds as integers: a timestamp such as 10**20 is no datetime (nor, past 1e308, a float),
    # and is simply too far off
    if abs(int(now.timestamp()) - timestamp) > int(SIGNATURE_TOLERANCE.total_seconds()):
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
    if payment.status not in (PENDING, CANCELLED):
        raise PaymentMismatch(f"payment {payment.id} is already {payment.status}")
    if (notification.amount_minor, notification.currency) != (payment.amount_minor, payment.currency):
        raise PaymentMismatch("amount or currency differs from the payment")
    order = session.scalar(select(Order).where(Order.id == payment.order_id).with_for_update())
    assert order is not None
    ended = payment.status == CANCELLED  # it ended with its order; the buyer may still have paid it at the provider
    payment.provider_reference, payment.settled_at = notification.reference, now
    if notification.status == "failed":
        if not ended:
            payment.status = "failed"
        events.record(session, now, "payment.failed", orders.subject(order), order.store_id, payment_id=payment.id)
        return payment
    payment.status = "succeeded"
    if order.status == OrderStatus.AWAITING_PAYMENT and not ended:
        orders.mark_paid(session, now, order, payment)
    else:  # paid late, twice, or on an ended payment: take it in and give it straight back
        amount = Money(payment.amount_minor, payment.currency)
        ledger.hold_in_escrow(session, now, order.store_id, order.id, amount)
        ledger.refund_from_escrow(session, now, order.store_id, order.id, amount)
        payment.status, payment.note = "refunded", f"order was {order.status} when the money arrived"
        events.record(session, now, "payment.refunded", orders.subject(order), order.store_id,
                      payment_id=payment.id, reason=payment.note)
    return payment
