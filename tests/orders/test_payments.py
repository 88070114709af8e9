"""Payments: who may press the sandbox's pay button, the real provider's callback, one pending payment per order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shopkeeper import timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.composition import create_app
from shopkeeper.db import Database
from shopkeeper.errors import InvalidSignature
from shopkeeper.orders import payments
from shopkeeper.orders.models import Payment
from shopkeeper.settings import DEV_PAYMENT_SECRET, Settings
from support import Api, Shop

REAL_SECRET = "whsec_4f9c2a7e1b3d5f60a8c9e2d4b6f8a0c1"
SIMULATE = "/api/v1/payments/{payment_id}/simulate"


def _shop_on(db: Database, clock: SimulatedClock, operator_key: str, settings: Settings) -> Iterator[Shop]:
    with TestClient(create_app(db, clock, settings), raise_server_exceptions=False) as client:
        yield Shop(Api(client, operator_key))


@pytest.fixture
def live_shop(db: Database, clock: SimulatedClock, operator_key: str) -> Iterator[Shop]:
    """A shop in production mode with the real provider and its own secret."""
    yield from _shop_on(db, clock, operator_key, Settings(database_url=db.url, env="production",
                                                          payment_provider="callback", payment_secret=REAL_SECRET))


def _callback(shop: Shop, clock: SimulatedClock, payment: dict[str, Any], secret: str, reference: str = "pay_1",
              status: str = "succeeded", timestamp: int | None = None) -> Any:
    body = json.dumps({"payment_id": payment["id"], "reference": reference, "status": status,
                       "amount_minor": payment["amount"]["minor"], "currency": payment["amount"]["currency"]}).encode()
    signature = payments.sign(secret, body, int(clock.now().timestamp()) if timestamp is None else timestamp)
    return shop.operator.client.post("/api/v1/payments/callback", content=body, headers={payments.SIGNATURE_HEADER: signature})


def _payments_of(db: Database, order_id: int) -> list[Payment]:
    with db.read() as session:
        return list(session.scalars(select(Payment).where(Payment.order_id == order_id).order_by(Payment.id)))


# --- the sandbox's pay button -----------------------------------------------------------------

def test_only_the_orders_buyer_may_press_the_sandbox_pay_button(shop: Shop) -> None:
    order = shop.order((shop.skus[0], 1))
    payment = shop.shopper.post(f"/orders/{order['id']}/payments", expect=201)
    # store staff and the operator can see the payment, but never mark the order paid
    assert shop.staff.post(f"/payments/{payment['id']}/simulate", expect=403)["code"] == "forbidden"
    assert shop.operator.post(f"/payments/{payment['id']}/simulate", expect=403)["code"] == "forbidden"
    # another buyer is told the payment does not exist
    _, _, stranger = shop.new_buyer("Han Meimei")
    assert stranger.post(f"/payments/{payment['id']}/simulate", expect=404)["code"] == "not-found"
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "awaiting_payment"
    # the buyer may
    assert shop.shopper.post(f"/payments/{payment['id']}/simulate")["status"] == "succeeded"
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "paid"


@pytest.mark.parametrize("env, provider", [("production", "callback"), ("production", "sandbox"), ("development", "callback")])
def test_without_the_sandbox_nobody_can_press_pay(db: Database, clock: SimulatedClock, operator_key: str,
                                                  env: str, provider: str) -> None:
    """In production, even misconfigured with the sandbox (the server refuses to start so), the route does not exist."""
    settings = Settings(database_url=db.url, env=env, payment_provider=provider, payment_secret=REAL_SECRET)  # type: ignore[arg-type]
    for shop in _shop_on(db, clock, operator_key, settings):
        order = shop.order((shop.skus[0], 1))
        payment = shop.shopper.post(f"/orders/{order['id']}/payments", expect=201)
        assert payment["provider"] == provider
        for who in (shop.shopper, shop.staff, shop.operator):
            assert who.post(f"/payments/{payment['id']}/simulate", expect=404)["code"] == "not-found"
        assert SIMULATE not in shop.operator.client.get("/openapi.json").json()["paths"]
        assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "awaiting_payment"


def test_the_sandbox_pay_button_is_documented_where_it_exists(client: TestClient) -> None:
    assert SIMULATE in client.get("/openapi.json").json()["paths"]


# --- the real provider's callback --------------------------------------------------------------

def test_a_callback_signed_with_the_development_secret_is_refused_when_a_real_secret_is_set(live_shop: Shop, clock) -> None:
    order = live_shop.order((live_shop.skus[0], 1))
    payment = live_shop.shopper.post(f"/orders/{order['id']}/payments", expect=201)
    forged = _callback(live_shop, clock, payment, DEV_PAYMENT_SECRET, reference="forged")
    assert forged.status_code == 401 and forged.json()["code"] == "invalid-signature"
    assert live_shop.shopper.get(f"/orders/{order['id']}")["status"] == "awaiting_payment"
    assert live_shop.shopper.get(f"/payments/{payment['id']}")["status"] == "pending"
    # the provider's own notification pays it
    genuine = _callback(live_shop, clock, payment, REAL_SECRET)
    assert genuine.status_code == 200 and genuine.json()["status"] == "succeeded"
    assert live_shop.shopper.get(f"/orders/{order['id']}")["status"] == "paid"


def test_the_real_provider_configured_with_the_development_secret_takes_no_callback(db, clock, operator_key) -> None:
    settings = Settings(database_url=db.url, payment_provider="callback", payment_secret=DEV_PAYMENT_SECRET)
    for shop in _shop_on(db, clock, operator_key, settings):
        order = shop.order((shop.skus[0], 1))
        payment = shop.shopper.post(f"/orders/{order['id']}/payments", expect=201)
        refused = _callback(shop, clock, payment, DEV_PAYMENT_SECRET)
        assert refused.status_code == 401 and "SHOPKEEPER_PAYMENT_SECRET" in refused.json()["detail"]
        assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "awaiting_payment"


@pytest.mark.parametrize("timestamp", [10**20, -(10**20), 10**400, 253402300800])
def test_a_timestamp_no_datetime_can_hold_is_refused_not_a_crash(shop: Shop, clock, timestamp: int) -> None:
    order = shop.order((shop.skus[0], 1))
    payment = shop.shopper.post(f"/orders/{order['id']}/payments", expect=201)
    response = _callback(shop, clock, payment, DEV_PAYMENT_SECRET, timestamp=timestamp)
    assert response.status_code == 401 and response.json()["code"] == "invalid-signature"
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "awaiting_payment"


@pytest.mark.parametrize("timestamp", [10**20, -(10**20), 10**400, 2**63])
def test_verify_refuses_timestamps_beyond_datetime(timestamp: int) -> None:
    body = b'{"payment_id": 1, "reference": "r", "status": "succeeded", "amount_minor": 1, "currency": "CNY"}'
    now = datetime(2026, 12, 5, 9, 0).astimezone()
    with pytest.raises(InvalidSignature):
        payments.verify("s", body, payments.sign("s", body, timestamp), now)


# --- one pending payment per order -------------------------------------------------------------

def test_a_retry_with_the_same_idempotency_key_returns_the_same_payment_and_leaves_one_pending(shop: Shop, db) -> None:
    order = shop.order((shop.skus[0], 1))
    path = f"/orders/{order['id']}/payments"
    first = shop.shopper.post(path, expect=201, headers={"Idempotency-Key": "pay-7f3a"})
    again = shop.shopper.client.post(f"/api/v1{path}", headers={"Authorization": f"Bearer {shop.shopper.key}",
                                                                 "Idempotency-Key": "pay-7f3a"})
    assert again.status_code == 201 and again.json() == first and again.headers["Idempotent-Replayed"] == "true"
    # without a key (the answer lost, the client retrying naively) the pending payment comes back, nothing new
    assert shop.shopper.post(path, expect=200) == first
    assert [(p.id, p.status) for p in _payments_of(db, order["id"])] == [(first["id"], "pending")]
    # the key belongs to that order: reused for another one it is refused
    other = shop.order((shop.skus[1], 1))
    reused = shop.shopper.post(f"/orders/{other['id']}/payments", expect=422, headers={"Idempotency-Key": "pay-7f3a"})
    assert reused["code"] == "idempotency-key-reused"
    assert _payments_of(db, other["id"]) == []


def test_a_failed_payment_lets_the_buyer_start_another(shop: Shop, db) -> None:
    order = shop.order((shop.skus[0], 1))
    declined = shop.shopper.post(f"/orders/{order['id']}/payments", expect=201)
    assert shop.shopper.post(f"/payments/{declined['id']}/simulate", {"outcome": "failed"})["status"] == "failed"
    retry = shop.shopper.post(f"/orders/{order['id']}/payments", expect=201)
    assert retry["id"] != declined["id"]
    assert [p.status for p in _payments_of(db, order["id"])] == ["failed", "pending"]


def test_cancelling_an_order_ends_its_pending_payment_and_money_arriving_later_goes_back(shop: Shop, clock) -> None:
    order = shop.order((shop.skus[0], 1))
    payment = shop.shopper.post(f"/orders/{order['id']}/payments", expect=201)
    shop.shopper.post(f"/orders/{order['id']}/cancel")
    assert shop.shopper.get(f"/payments/{payment['id']}")["status"] == "cancelled"
    assert "payment.cancelled" in [e["type"] for e in shop.shopper.get(f"/orders/{order['id']}/events")]
    # the buyer had paid at the provider anyway: the money is taken in and refunded at once
    late = _callback(shop, clock, payment, DEV_PAYMENT_SECRET, reference="pay_late")
    assert late.status_code == 200 and late.json()["status"] == "refunded"
    balance = shop.staff.get(f"/stores/{shop.store_id}/balance")
    assert balance["escrow"]["minor"] == 0 and balance["store_balance"]["minor"] == 0
    kinds = [(e["kind"], e["account"], e["amount"]["minor"]) for e in shop.staff.get(f"/stores/{shop.store_id}/ledger")["items"]]
    assert sorted(kinds) == sorted([("payment", "provider", -order["total"]["minor"]), ("payment", "escrow", order["total"]["minor"]),
                                    ("refund", "escrow", -order["total"]["minor"]), ("refund", "provider", order["total"]["minor"])])
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "closed"
    # a replay of that notification changes nothing more
    assert _callback(shop, clock, payment, DEV_PAYMENT_SECRET, reference="pay_late").json() == late.json()
    assert len(shop.staff.get(f"/stores/{shop.store_id}/ledger")["items"]) == 4


def test_the_unpaid_order_timer_ends_the_pending_payment(shop: Shop, db, clock) -> None:
    order = shop.order((shop.skus[0], 1))
    payment = shop.shopper.post(f"/orders/{order['id']}/payments", expect=201)
    timers.advance_to(db, clock, clock.now() + timedelta(days=1, minutes=1))
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "closed"
    ended = _payments_of(db, order["id"])
    assert [(p.id, p.status, p.note) for p in ended] == [(payment["id"], "cancelled", "order closed: payment_window_passed")]
    # a failed notification for it moves no money and leaves it ended
    failed = _callback(shop, clock, payment, DEV_PAYMENT_SECRET, reference="pay_failed", status="failed")
    assert failed.status_code == 200 and failed.json()["status"] == "cancelled"
    assert shop.staff.get(f"/stores/{shop.store_id}/ledger")["items"] == []
    # and the buyer cannot start paying a closed order
    assert shop.shopper.post(f"/orders/{order['id']}/payments", expect=409)["code"] == "not-allowed-in-state"


def test_racing_starts_leave_one_pending_payment(shop: Shop, db) -> None:
    """Eight starts at once, half with one Idempotency-Key: one payment, and every answer is that payment."""
    from concurrent.futures import ThreadPoolExecutor

    order = shop.order((shop.skus[0], 1))

    def attempt(i: int) -> tuple[int, int]:
        headers = {"Authorization": f"Bearer {shop.shopper.key}", **({"Idempotency-Key": "tap"} if i % 2 else {})}
        response = shop.shopper.client.post(f"/api/v1/orders/{order['id']}/payments", headers=headers)
        return response.status_code, response.json()["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(attempt, range(8)))
    assert {status for status, _ in answers} <= {200, 201} and [status for status, _ in answers].count(201) >= 1
    assert len({payment_id for _, payment_id in answers}) == 1
    assert [p.status for p in _payments_of(db, order["id"])] == ["pending"]
