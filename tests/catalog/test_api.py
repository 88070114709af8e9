"""Catalog: listings, prices and their history."""

from __future__ import annotations


def test_price_changes_are_kept_in_history_and_orders_keep_their_snapshot(shop, clock) -> None:
    red = shop.skus[0]
    order = shop.order((red, 1))
    clock.advance(hours=1)
    shop.staff.call("PUT", f"/skus/{red}/price", json={"price": "49.90"})
    clock.advance(hours=1)
    shop.staff.call("PUT", f"/skus/{red}/price", json={"price": "49.90"})  # no change, no entry
    history = shop.staff.get(f"/skus/{red}/price-history")
    assert [(h["old"] and h["old"]["minor"], h["new"]["minor"]) for h in history] == [(None, 5990), (5990, 4990)]
    assert shop.shopper.get(f"/orders/{order['id']}")["lines"][0]["unit_price"]["minor"] == 5990
    assert shop.order((red, 1))["lines"][0]["unit_price"]["minor"] == 4990


def test_a_delisted_product_cannot_be_bought_until_listed_again(shop) -> None:
    red = shop.skus[0]
    product = shop.product["id"]
    assert shop.staff.call("PUT", f"/products/{product}/status", json={"status": "delisted"})["status"] == "delisted"
    assert shop.order((red, 1), expect=422)["code"] == "invalid-input"
    shop.shopper.post(f"/stores/{shop.store_id}/cart/items", {"sku_id": red, "quantity": 1}, expect=422)
    shop.staff.call("PUT", f"/products/{product}/status", json={"status": "active"})
    assert shop.order((red, 1))["status"] == "awaiting_payment"


def test_products_are_listed_by_cursor(shop) -> None:
    for n in range(3):
        shop.staff.post(f"/stores/{shop.store_id}/products", {"title": f"Mug {n}", "skus": [{"code": f"MUG-{n}", "price": "9.90"}]}, expect=201)
    first = shop.shopper.get(f"/stores/{shop.store_id}/products?limit=2")
    second = shop.shopper.get(f"/stores/{shop.store_id}/products?limit=2&cursor={first['next_cursor']}")
    titles = [p["title"] for p in first["items"] + second["items"]]
    assert titles == ["棉T恤 Cotton tee", "Mug 0", "Mug 1", "Mug 2"] and second["next_cursor"] is None


def test_a_store_takes_its_platforms_time_zone_unless_told(api) -> None:
    taobao = api.post("/stores", {"name": "T", "rulebook": "taobao", "currency": "CNY"}, expect=201)
    own = api.post("/stores", {"name": "L", "rulebook": "default", "currency": "USD", "timezone": "America/New_York"}, expect=201)
    assert (taobao["timezone"], own["timezone"]) == ("Asia/Shanghai", "America/New_York")
    refused = api.post("/stores", {"name": "X", "rulebook": "default", "currency": "USD", "timezone": "Mars/Olympus"}, expect=422)
    assert refused["code"] == "invalid-input"
