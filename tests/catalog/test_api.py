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


CUSTOMS = {"customs_name_zh", "customs_name_en", "hs_code", "declared_value"}


def _customs_product(shop) -> dict:
    return shop.staff.post(f"/stores/{shop.store_id}/products", {"title": "Silk scarf", "skus": [
        {"code": "SCARF", "price": "199", "customs_name_zh": "丝巾", "customs_name_en": "Silk scarf", "hs_code": "621410",
         "declared_value": "80"}]}, expect=201)


def test_customs_data_is_shown_to_the_store_and_the_operator_only(shop, api) -> None:
    scarf = _customs_product(shop)
    other_store = api.post("/stores", {"name": "other", "rulebook": "taobao", "currency": "CNY"}, expect=201)
    other = api.as_(api.post("/keys", {"role": "staff", "store_id": other_store["id"]}, expect=201)["key"])
    for insider in (shop.staff, api):
        sku = insider.get(f"/products/{scarf['id']}")["skus"][0]
        assert (sku["hs_code"], sku["declared_value"]["minor"], sku["customs_name_zh"]) == ("621410", 8000, "丝巾")
        listed = insider.get(f"/stores/{shop.store_id}/products")["items"]
        assert CUSTOMS <= listed[-1]["skus"][0].keys()
    for outsider in (shop.shopper, other):
        sku = outsider.get(f"/products/{scarf['id']}")["skus"][0]
        assert not CUSTOMS & sku.keys() and sku["price"]["minor"] == 19900
        for product in outsider.get(f"/stores/{shop.store_id}/products")["items"]:
            assert not any(CUSTOMS & s.keys() for s in product["skus"])


def test_a_delisted_product_is_not_found_by_buyers_and_other_stores(shop, api) -> None:
    scarf = _customs_product(shop)
    other_store = api.post("/stores", {"name": "other", "rulebook": "taobao", "currency": "CNY"}, expect=201)
    other = api.as_(api.post("/keys", {"role": "staff", "store_id": other_store["id"]}, expect=201)["key"])
    shop.staff.call("PUT", f"/products/{scarf['id']}/status", json={"status": "delisted"})
    sku = scarf["skus"][0]["id"]
    for outsider in (shop.shopper, other):
        assert outsider.get(f"/products/{scarf['id']}", expect=404)["code"] == "not-found"
        assert [p["id"] for p in outsider.get(f"/stores/{shop.store_id}/products")["items"]] == [shop.product["id"]]
        outsider.get(f"/skus/{sku}/price-history", expect=404)
    for insider in (shop.staff, api):
        assert insider.get(f"/products/{scarf['id']}")["status"] == "delisted"
        assert [p["id"] for p in insider.get(f"/stores/{shop.store_id}/products")["items"]] == [shop.product["id"], scarf["id"]]
    shop.staff.call("PUT", f"/products/{scarf['id']}/status", json={"status": "active"})
    assert shop.shopper.get(f"/products/{scarf['id']}")["status"] == "active"


def test_a_product_delisted_while_in_the_cart_cannot_be_checked_out(shop) -> None:
    red = shop.skus[0]
    shop.shopper.post(f"/stores/{shop.store_id}/cart/items", {"sku_id": red, "quantity": 1})
    shop.staff.call("PUT", f"/products/{shop.product['id']}/status", json={"status": "delisted"})
    body = {"store_id": shop.store_id, "address_id": shop.address["id"], "from_cart": True}
    assert shop.shopper.post("/orders", body, expect=422)["code"] == "invalid-input"
    assert shop.shopper.post("/checkout", {"store_ids": [shop.store_id], "address_id": shop.address["id"]},
                             expect=422)["code"] == "invalid-input"
    assert shop.shopper.get("/orders")["items"] == [] and shop.stock(red)["reserved"] == 0
