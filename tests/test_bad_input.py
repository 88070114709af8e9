"""Bad input gets a clear 4xx problem+json and changes nothing; never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shopkeeper.db import Database
from shopkeeper.events import Event
from shopkeeper.inventory.models import StockMovement
from shopkeeper.orders.models import LedgerEntry, Order, OrderLine
from shopkeeper.timers import Timer

WRITTEN = (Order, OrderLine, Event, Timer, StockMovement, LedgerEntry)


def _counts(db: Database) -> dict[str, int]:
    """How many rows of everything a refused request might half-write."""
    with db.read() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0 for model in WRITTEN}


@pytest.mark.parametrize("body", [
    None, "not json", [], {}, {"store_id": "one"}, {"store_id": 1, "address_id": 1},
    {"store_id": 1, "address_id": 1, "lines": []},
    {"store_id": 1, "address_id": 1, "lines": [{"sku_id": 1, "quantity": 0}]},
    {"store_id": 1, "address_id": 1, "lines": [{"sku_id": 1, "quantity": -3}]},
    {"store_id": 1, "address_id": 1, "lines": [{"sku_id": 1, "quantity": 10**30}]},
    {"store_id": 10**30, "address_id": 1, "lines": [{"sku_id": 1, "quantity": 1}]},
    {"store_id": 1, "address_id": 1, "lines": [{"sku_id": 99999, "quantity": 1}]},
    {"store_id": 1, "address_id": 1, "lines": [{"sku_id": 1, "quantity": 1}], "from_cart": True},
    {"store_id": 1, "address_id": 1, "from_cart": True},
    {"store_id": 1, "address_id": 1, "lines": [{"sku_id": 1, "quantity": 1}], "extra": 1},
    {"store_id": 1, "address_id": 1, "lines": [{"sku_id": 1, "quantity": 1.5}]},
])
def test_malformed_orders_are_refused_with_problem_json(shop, db: Database, body) -> None:
    before = _counts(db)
    kwargs = {"content": body} if isinstance(body, str) else {"json": body}
    response = shop.shopper.client.post("/api/v1/orders", headers={"Authorization": f"Bearer {shop.shopper.key}"}, **kwargs)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert {"type", "title", "status", "detail", "code"} <= problem.keys() and problem["status"] == response.status_code
    assert _counts(db) == before


def test_an_out_of_stock_line_leaves_no_half_written_order(shop, db: Database) -> None:
    red, blue = shop.skus
    before = _counts(db)
    refused = shop.order((red, 2), (blue, 101), expect=409)
    assert refused["code"] == "out-of-stock"
    assert _counts(db) == before
    assert shop.stock(red)["available"] == 100 and shop.stock(red)["reserved"] == 0


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/orders/0", None), ("GET", "/orders/abc", None), ("GET", "/orders/99999999999999999999999", None),
    ("GET", "/orders?status=lost", None), ("GET", "/orders?limit=100000", None), ("GET", "/orders?placed_from=yesterday", None),
    ("POST", "/stores", {"name": "", "rulebook": "taobao", "currency": "CNY"}),
    ("POST", "/stores", {"name": "x", "rulebook": "ebay", "currency": "CNY"}),
    ("POST", "/stores", {"name": "x", "rulebook": "taobao", "currency": "yuan"}),
    ("POST", "/stores/1/products", {"title": "x", "skus": [{"code": "A", "price": "1.001"}]}),
    ("POST", "/stores/1/products", {"title": "x", "skus": [{"code": "A", "price": "-1"}]}),
    ("POST", "/stores/1/products", {"title": "x", "skus": [{"code": "A", "price": "NaN"}]}),
    ("POST", "/stores/1/products", {"title": "x", "skus": [{"code": "TEE-RED-M", "price": "1"}]}),
    ("POST", "/stores/1/products", {"title": "x", "skus": [{"code": "B", "price": "1"}, {"code": "B", "price": "2"}]}),
    ("POST", "/stores/1/shipping-templates", {"spec": {"name": "bad", "mode": "by-magic"}}),
    ("POST", "/skus/1/stock", {"warehouse_id": 1, "quantity": -1000}),
    ("POST", "/skus/1/stock", {"warehouse_id": 1, "quantity": 0}),
    ("POST", "/keys", {"role": "staff"}),
    ("POST", "/keys", {"role": "buyer", "buyer_id": 424242}),
    ("POST", "/buyers", {"name": "x", "email": "not-an-email"}),
    ("DELETE", "/orders/1", None),
    ("GET", "/orders?placed_from=0001-01-01T00:00:00%2B05:00", None),  # before the first UTC moment
    ("GET", "/no/such/route", None),
])
def test_bad_requests_get_4xx_problem_json(shop, method: str, path: str, body) -> None:
    response = shop.operator.client.request(method, f"/api/v1{path}", json=body,
                                            headers={"Authorization": f"Bearer {shop.operator.key}"})
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"



def test_a_wrong_method_keeps_its_allow_header(shop) -> None:
    response = shop.operator.client.delete("/api/v1/orders/1", headers={"Authorization": f"Bearer {shop.operator.key}"})
    assert response.status_code == 405 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "method-not-allowed"
    assert response.headers["allow"] == "GET"
