"""The whole loop over HTTP: catalog → cart → order → payment → shipment → receipt → settlement."""

from __future__ import annotations

from shopkeeper.clock import SimulatedClock


def test_cart_checkout_pay_ship_receive_settles_exactly(shop, api, clock: SimulatedClock) -> None:
    red, blue = shop.skus
    store = shop.store_id
    # given a cart with two lines, one changed and one removed again
    shop.shopper.post(f"/stores/{store}/cart/items", {"sku_id": red, "quantity": 1})
    shop.shopper.post(f"/stores/{store}/cart/items", {"sku_id": red, "quantity": 1})
    shop.shopper.post(f"/stores/{store}/cart/items", {"sku_id": blue, "quantity": 5})
    cart = shop.shopper.call("PATCH", f"/stores/{store}/cart/items/{blue}", json={"quantity": 1})
    assert cart["items"] == [{"sku_id": red, "quantity": 2}, {"sku_id": blue, "quantity": 1}]

    # when the buyer checks out the cart
    order = shop.shopper.post("/orders", {"store_id": store, "address_id": shop.address["id"], "from_cart": True}, expect=201)

    # then the order snapshots its lines, totals add up and stock is reserved
    assert order["status"] == "awaiting_payment"
    assert [(line["sku_code"], line["quantity"], line["unit_price"]["amount"]) for line in order["lines"]] == [
        ("TEE-RED-M", 2, "59.90"), ("TEE-BLU-L", 1, "65.00")]
    assert order["goods"]["minor"] == 2 * 5990 + 6500
    assert order["total"]["minor"] == order["goods"]["minor"] + order["shipping"]["minor"]
    assert shop.shopper.get(f"/stores/{store}/cart")["items"] == []
    assert shop.stock(red) == {"sku_id": red, "warehouse_id": shop.warehouse["id"], "available": 98, "reserved": 2, "on_hand": 100}

    # when the buyer pays through the simulated provider
    clock.advance(minutes=5)
    payment = shop.pay(order)
    assert payment["status"] == "succeeded"
    paid = shop.shopper.get(f"/orders/{order['id']}")
    assert paid["status"] == "paid"
    assert shop.staff.get(f"/stores/{store}/balance")["escrow"]["minor"] == order["total"]["minor"]
    # Taobao: ship within 72 h of payment (RULES.md §7.3)
    assert paid["ship_by"] == "2026-11-05T09:05:00Z"

    # when the store ships and the buyer confirms receipt
    clock.advance(hours=20)
    shipped = shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "SF Express", "tracking_number": "SF1234567890"})
    assert shipped["status"] == "shipped"
    assert shop.stock(red)["reserved"] == 0 and shop.stock(red)["on_hand"] == 98
    clock.advance(days=2)
    done = shop.shopper.post(f"/orders/{order['id']}/receipt")

    # then escrow is released to the store's balance, to the cent
    assert done["status"] == "completed"
    balance = shop.staff.get(f"/stores/{store}/balance")
    assert balance["escrow"]["minor"] == 0
    assert balance["store_balance"]["minor"] == order["total"]["minor"]
    timeline = [e["type"] for e in shop.staff.get(f"/orders/{order['id']}/events")]
    assert timeline == ["order.placed", "payment.started", "order.paid", "order.shipped", "order.completed"]
    # and the books show each step: into escrow from the provider, then out to the store
    ledger = shop.staff.get(f"/stores/{store}/ledger")["items"]
    assert [(e["kind"], e["account"], e["amount"]["minor"]) for e in reversed(ledger)] == [
        ("payment", "provider", -order["total"]["minor"]), ("payment", "escrow", order["total"]["minor"]),
        ("release", "escrow", -order["total"]["minor"]), ("release", "store_balance", order["total"]["minor"])]
    moves = shop.staff.get(f"/skus/{red}/movements")["items"]
    assert [(m["kind"], m["quantity"], m["order_id"]) for m in reversed(moves)] == [
        ("receive", 100, None), ("reserve", 2, order["id"]), ("consume", 2, order["id"])]


def test_wrong_transition_answers_409_not_allowed_in_state(shop) -> None:
    order = shop.order((shop.skus[0], 1))
    response = shop.staff.client.post(f"/api/v1/orders/{order['id']}/shipment", json={"carrier": "SF", "tracking_number": "1"},
                                      headers={"Authorization": f"Bearer {shop.staff.key}"})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not-allowed-in-state"
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "awaiting_payment"
