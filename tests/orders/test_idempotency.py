"""Retries and replays change nothing: Idempotency-Key and the signed payment callback."""

from __future__ import annotations

import json

from shopkeeper.orders import payments
from shopkeeper.settings import DEV_PAYMENT_SECRET


def _callback(shop, clock, payment: dict, reference: str = "sim_ref_1", secret: str = DEV_PAYMENT_SECRET, **headers: str):
    body = json.dumps({"payment_id": payment["id"], "reference": reference, "status": "succeeded",
                       "amount_minor": payment["amount"]["minor"], "currency": payment["amount"]["currency"]}).encode()
    signature = payments.sign(secret, body, int(clock.now().timestamp()))
    return shop.operator.client.post("/api/v1/payments/callback", content=body,
                                     headers={payments.SIGNATURE_HEADER: signature, "Content-Type": "application/json", **headers})


def test_retried_order_creation_returns_the_first_order_and_reserves_once(shop) -> None:
    red = shop.skus[0]
    first = shop.order((red, 2), headers={"Idempotency-Key": "checkout-7f3a"})
    again = shop.order((red, 2), headers={"Idempotency-Key": "checkout-7f3a"})
    assert again == first
    assert shop.stock(red)["reserved"] == 2
    assert len(shop.shopper.get("/orders")["items"]) == 1


def test_same_key_with_a_different_body_is_refused(shop) -> None:
    shop.order((shop.skus[0], 1), headers={"Idempotency-Key": "k1"})
    refused = shop.order((shop.skus[0], 5), headers={"Idempotency-Key": "k1"}, expect=422)
    assert refused["code"] == "idempotency-key-reused"
    assert shop.stock(shop.skus[0])["reserved"] == 1


def test_another_buyer_may_use_the_same_key_string(shop) -> None:
    _, address, other = shop.new_buyer("Han Meimei")
    a = shop.order((shop.skus[0], 1), headers={"Idempotency-Key": "same"})
    b = shop.order((shop.skus[0], 1), shopper=other, address=address, headers={"Idempotency-Key": "same"})
    assert a["id"] != b["id"]


def test_replayed_payment_callback_changes_nothing(shop, clock) -> None:
    order = shop.order((shop.skus[1], 1))
    payment = shop.shopper.post(f"/orders/{order['id']}/payments", expect=201)
    first = _callback(shop, clock, payment)
    assert first.status_code == 200 and first.json()["status"] == "succeeded"
    escrow = shop.staff.get(f"/stores/{shop.store_id}/balance")["escrow"]
    events_before = shop.staff.get(f"/orders/{order['id']}/events")
    # the provider delivers the very same notification again, and with an Idempotency-Key twice
    replay = _callback(shop, clock, payment)
    keyed = [_callback(shop, clock, payment, **{"Idempotency-Key": "n-1"}) for _ in range(2)]
    assert replay.json() == first.json() and all(k.json() == first.json() for k in keyed)
    assert shop.staff.get(f"/stores/{shop.store_id}/balance")["escrow"] == escrow == order["total"]
    assert shop.staff.get(f"/orders/{order['id']}/events") == events_before


def test_callback_with_a_bad_signature_is_refused_and_changes_nothing(shop, clock) -> None:
    order = shop.order((shop.skus[1], 1))
    payment = shop.shopper.post(f"/orders/{order['id']}/payments", expect=201)
    forged = _callback(shop, clock, payment, secret="not-the-secret")
    assert forged.status_code == 401 and forged.json()["code"] == "invalid-signature"
    assert forged.headers["content-type"] == "application/problem+json"
    unsigned = shop.operator.client.post("/api/v1/payments/callback", content=b"{}")
    assert unsigned.status_code == 401
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "awaiting_payment"


def test_an_old_notification_is_refused_even_when_correctly_signed(shop, clock) -> None:
    order = shop.order((shop.skus[1], 1))
    payment = shop.shopper.post(f"/orders/{order['id']}/payments", expect=201)
    raw = json.dumps({"payment_id": payment["id"], "reference": "sim_old", "status": "succeeded",
                      "amount_minor": payment["amount"]["minor"], "currency": "CNY"}).encode()
    stale = payments.sign(DEV_PAYMENT_SECRET, raw, int(clock.now().timestamp()) - 3600)
    response = shop.operator.client.post("/api/v1/payments/callback", content=raw, headers={payments.SIGNATURE_HEADER: stale})
    assert response.status_code == 401


def test_wrong_amount_is_refused(shop, clock) -> None:
    order = shop.order((shop.skus[1], 1))
    payment = shop.shopper.post(f"/orders/{order['id']}/payments", expect=201)
    payment["amount"]["minor"] -= 1
    response = _callback(shop, clock, payment)
    assert response.status_code == 422 and response.json()["code"] == "payment-mismatch"
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "awaiting_payment"


def test_money_arriving_after_the_order_closed_is_refunded_not_lost(shop, db, clock) -> None:
    from datetime import timedelta

    from shopkeeper import timers

    order = shop.order((shop.skus[1], 1))
    payment = shop.shopper.post(f"/orders/{order['id']}/payments", expect=201)
    timers.advance_to(db, clock, clock.now() + timedelta(days=1, minutes=1))
    late = _callback(shop, clock, payment, reference="sim_late")
    assert late.status_code == 200 and late.json()["status"] == "refunded"
    balance = shop.staff.get(f"/stores/{shop.store_id}/balance")
    assert balance["escrow"]["minor"] == 0 and balance["store_balance"]["minor"] == 0
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "closed"


def test_concurrent_retries_with_one_key_make_one_order(shop) -> None:
    """Ten retries racing each other: one order, one reservation, ten identical answers."""
    from concurrent.futures import ThreadPoolExecutor

    red = shop.skus[0]
    body = {"store_id": shop.store_id, "address_id": shop.address["id"], "lines": [{"sku_id": red, "quantity": 1}]}
    headers = {"Authorization": f"Bearer {shop.shopper.key}", "Idempotency-Key": "double-click"}

    def attempt(_: int) -> tuple[int, int]:
        response = shop.shopper.client.post("/api/v1/orders", json=body, headers=headers)
        return response.status_code, response.json()["id"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = set(pool.map(attempt, range(10)))
    assert len(answers) == 1 and next(iter(answers))[0] == 201
    assert shop.stock(red)["reserved"] == 1
    assert len(shop.shopper.get("/orders")["items"]) == 1
