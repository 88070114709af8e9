"""Every read and write is scoped to its principal; another tenant's object is 404."""

from __future__ import annotations

from support import Shop


def test_no_key_answers_401_problem_json(client) -> None:
    response = client.get("/api/v1/orders")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unauthenticated"
    forged = client.get("/api/v1/orders", headers={"Authorization": "Bearer sk_000000000000_nope"})
    assert forged.status_code == 401


def test_staff_of_store_a_get_404_for_store_b_orders(api, shop) -> None:
    other = Shop(api, rulebook="tmall")
    order_b = other.order((other.skus[0], 1))
    # staff of store A
    assert shop.staff.get(f"/orders/{order_b['id']}", expect=404)["code"] == "not-found"
    shop.staff.post(f"/orders/{order_b['id']}/cancel", expect=404)
    shop.staff.get(f"/stores/{other.store_id}/balance", expect=404)
    shop.staff.get(f"/stores/{other.store_id}/ledger", expect=404)
    shop.staff.get(f"/skus/{other.skus[0]}/movements", expect=404)
    assert [o["id"] for o in shop.staff.get("/orders")["items"]] == []
    assert shop.staff.get(f"/orders?store_id={other.store_id}")["items"] == []
    # and store B's order is untouched
    assert other.staff.get(f"/orders/{order_b['id']}")["status"] == "awaiting_payment"


def test_a_buyer_sees_only_their_own_orders(shop) -> None:
    mine = shop.order((shop.skus[0], 1))
    _, address, other = shop.new_buyer("Wang Fang")
    theirs = shop.order((shop.skus[0], 1), shopper=other, address=address)
    assert [o["id"] for o in shop.shopper.get("/orders")["items"]] == [mine["id"]]
    assert shop.shopper.get(f"/orders/{theirs['id']}", expect=404)["code"] == "not-found"
    shop.shopper.post(f"/orders/{theirs['id']}/payments", expect=404)
    shop.shopper.get(f"/buyers/{theirs['buyer_id']}/addresses", expect=404)


def test_a_buyer_cannot_order_to_someone_elses_address(shop) -> None:
    _, their_address, _ = shop.new_buyer("Zhang Wei")
    assert shop.order((shop.skus[0], 1), address=their_address, expect=404)["code"] == "not-found"


def test_staff_and_buyers_cannot_do_operator_things(shop) -> None:
    shop.staff.post("/stores", {"name": "mine now", "rulebook": "taobao", "currency": "CNY"}, expect=403)
    shop.shopper.post("/keys", {"role": "operator"}, expect=403)
    shop.shopper.post(f"/stores/{shop.store_id}/products", {"title": "x", "skus": [{"code": "X", "price": "1"}]}, expect=403)
    shop.shopper.post(f"/skus/{shop.skus[0]}/stock", {"warehouse_id": shop.warehouse["id"], "quantity": 5}, expect=403)
    assert shop.stock(shop.skus[0])["available"] == 100


def test_staff_of_another_store_cannot_touch_this_catalog(api, shop) -> None:
    other = Shop(api, rulebook="tmall")
    other.staff.call("PUT", f"/skus/{shop.skus[0]}/price", json={"price": "0.01"}, expect=404)
    other.staff.post(f"/skus/{shop.skus[0]}/stock", {"warehouse_id": other.warehouse["id"], "quantity": 5}, expect=404)
    assert shop.staff.get(f"/skus/{shop.skus[0]}/price-history")[-1]["new"]["amount"] == "59.90"


def test_the_key_may_come_as_bearer_or_x_api_key_and_nothing_else(client, operator_key) -> None:
    assert client.get("/api/v1/stores", headers={"Authorization": f"Bearer {operator_key}"}).status_code == 200
    assert client.get("/api/v1/stores", headers={"X-API-Key": operator_key}).status_code == 200
    for header in ({"Authorization": f"Basic {operator_key}"}, {"Authorization": operator_key}, {"Authorization": "Bearer "}):
        refused = client.get("/api/v1/stores", headers=header)
        assert refused.status_code == 401 and refused.headers["content-type"] == "application/problem+json"


def test_the_api_reference_declares_how_to_authenticate(client) -> None:
    schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


# --- named keys: listed without secrets, last use, revoked ---------------------------------------------

def test_keys_are_listed_with_name_and_times_but_never_a_secret(api, shop, operator_key) -> None:
    issued = api.post("/keys", {"role": "staff", "store_id": shop.store_id, "name": "warehouse scanner"}, expect=201)
    assert issued["key"].startswith(issued["prefix"] + "_") and issued["name"] == "warehouse scanner"
    assert api.post("/keys", {"role": "operator", "label": "old clients say label"}, expect=201)["name"] == "old clients say label"
    page = api.get("/keys")
    listed = {k["id"]: k for k in page["items"]}
    assert listed[issued["id"]] == {**{k: v for k, v in issued.items() if k != "key"}}
    assert all("key" not in k for k in page["items"])
    text = api.client.get("/api/v1/keys", headers={"Authorization": f"Bearer {operator_key}"}).text
    assert issued["key"] not in text and operator_key not in text
    assert [k["id"] for k in page["items"]] == sorted(listed, reverse=True)  # newest first
    first = api.get("/keys?limit=2")
    assert len(first["items"]) == 2 and api.get(f"/keys?cursor={first['next_cursor']}")["items"][0]["id"] < first["items"][1]["id"]


def test_only_the_operator_lists_and_revokes_keys(shop) -> None:
    assert shop.staff.get("/keys", expect=403)["code"] == "forbidden"
    shop.shopper.post("/keys/1/revoke", expect=403)
    assert shop.operator.post("/keys/999999/revoke", expect=404)["code"] == "not-found"
    own = next(k for k in shop.operator.get("/keys")["items"] if k["name"] == "tests")
    assert shop.operator.post(f"/keys/{own['id']}/revoke", expect=409)["code"] == "conflict"  # no locking oneself out
    shop.operator.get("/keys")


def test_a_revoked_key_gets_401_at_once_and_revoking_twice_is_harmless(api, shop, clock) -> None:
    issued = api.post("/keys", {"role": "staff", "store_id": shop.store_id, "name": "temp"}, expect=201)
    staff = api.as_(issued["key"])
    staff.get("/orders")
    revoked = api.post(f"/keys/{issued['id']}/revoke")
    assert revoked["revoked_at"] is not None and "key" not in revoked
    assert staff.get("/orders", expect=401)["code"] == "unauthenticated"
    clock.advance(minutes=5)
    assert api.post(f"/keys/{issued['id']}/revoke")["revoked_at"] == revoked["revoked_at"]


def test_last_use_is_written_at_most_once_a_minute(api, shop, clock) -> None:
    issued = api.post("/keys", {"role": "staff", "store_id": shop.store_id, "name": "poller"}, expect=201)
    staff = api.as_(issued["key"])

    def last_use() -> str | None:
        return next(k for k in api.get("/keys")["items"] if k["id"] == issued["id"])["last_used_at"]

    assert last_use() is None
    staff.get("/orders")
    first = last_use()
    assert first is not None and first.startswith("2026-11-02T09:00")
    clock.advance(seconds=59)
    staff.get("/orders")
    assert last_use() == first
    clock.advance(seconds=1)
    staff.get("/orders")
    assert last_use() is not None and last_use() != first and last_use().startswith("2026-11-02T09:01")  # type: ignore[union-attr]
