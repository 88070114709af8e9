"""Bad input gets a clear 4xx problem+json and changes nothing; never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shopkeeper.customers.models import Buyer
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



def test_input_that_breaks_the_schema_is_refused_alike_whoever_sends_it(shop) -> None:
    """A key says who is calling; roles are checked in the services, after the request is validated. So an invalid
    body gets the same 422 from the operator, a store's staff and a buyer (the API fuzz sends invalid input with one
    key for this reason), and the same body made valid is then refused by role."""
    invalid, valid = {"name": "", "rulebook": "taobao", "currency": "CNY"}, {"name": "x", "rulebook": "taobao", "currency": "CNY"}
    answers = {}
    for caller in (shop.operator, shop.staff, shop.shopper):
        response = caller.client.post("/api/v1/stores", json=invalid, headers={"Authorization": f"Bearer {caller.key}"})
        answers[caller.key] = (response.status_code, response.json()["code"])
    assert set(answers.values()) == {(422, "invalid-request")}
    shop.shopper.post("/stores", valid, expect=403)
    shop.staff.post("/stores", valid, expect=403)


def test_a_wrong_method_keeps_its_allow_header(shop) -> None:
    response = shop.operator.client.delete("/api/v1/orders/1", headers={"Authorization": f"Bearer {shop.operator.key}"})
    assert response.status_code == 405 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "method-not-allowed"
    assert response.headers["allow"] == "GET"


# Times the engine cannot hold, or could not add a deadline to: before the first UTC moment, after the last,
# past the year 9000 (clock.accepted_time), a Unix time of 10^20.
BAD_TIMES = ["0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00", "9500-01-01T00:00:00Z", 10**20]


def _time_bodies(shop) -> list[tuple[str, dict, str]]:
    """(path, body with BAD in one time field, that field) for every request body that carries a time."""
    store = shop.store_id
    promotion = {"store_id": store, "name": "x", "benefit": {"type": "unit_price", "price": "1"}, "open_ended": True}
    coupon = {"store_id": store, "name": "x", "kind": "cash", "amount_off": "5", "valid_days": 7, "open_ended": True}
    campaign = {"store_id": store, "theme": "x", "starts_at": "2026-11-03T00:00Z", "ends_at": "2026-11-20T00:00Z",
                "discount": "0.1", "basis": "last_n_days", "basis_days": 30, "earns_points": False, "stacking": "stacks",
                "per_account_limit": 2, "stock_check": "product", "min_stock": 10}
    return [
        ("/promotions", {**promotion, "starts_at": "BAD"}, "starts_at"),
        ("/promotions", {**promotion, "ends_at": "BAD", "open_ended": False}, "ends_at"),
        ("/promotions", {**promotion, "benefit": {"type": "early_bird", "steps": [{"until": "BAD", "percent_off": "0.1"}]}},
         "until"),
        ("/coupons", {**coupon, "claim_from": "BAD"}, "claim_from"),
        ("/coupons", {**coupon, "claim_until": "BAD", "open_ended": False}, "claim_until"),
        ("/coupons", {**coupon, "valid_days": None, "valid_from": "BAD", "valid_until": "2026-12-01T00:00Z"}, "valid_from"),
        ("/coupons", {**coupon, "valid_days": None, "valid_until": "BAD"}, "valid_until"),
        ("/campaigns", {**campaign, "starts_at": "BAD"}, "starts_at"),
        ("/campaigns", {**campaign, "ends_at": "BAD"}, "ends_at"),
        ("/campaigns", {**campaign, "phases": [{"name": "main", "starts_at": "2026-11-03T00:00Z", "ends_at": "BAD"}]}, "ends_at"),
        ("/orders/1/pickup", {"at": "BAD"}, "at"),
        ("/cases/1/problem", {"delivered_at": "BAD"}, "delivered_at"),
        (f"/stores/{store}/tracking-events", {"events": [{"tracking_number": "X1", "kind": "delivered", "at": "BAD"}]}, "at"),
    ]


def _with(body: object, bad: object) -> object:
    if body == "BAD":
        return bad
    if isinstance(body, dict):
        return {k: _with(v, bad) for k, v in body.items()}
    if isinstance(body, list):
        return [_with(v, bad) for v in body]
    return body


@pytest.mark.parametrize("bad", BAD_TIMES)
def test_times_out_of_range_are_refused_in_every_request_body(shop, db: Database, bad) -> None:
    before = _counts(db)
    for path, body, field in _time_bodies(shop):
        response = shop.staff.client.post(f"/api/v1{path}", json=_with(body, bad),
                                          headers={"Authorization": f"Bearer {shop.staff.key}"})
        assert response.status_code == 422, f"{path} {field}: {response.status_code} {response.text}"
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["loc"][-1] for e in response.json()["errors"]] == [field], f"{path}: {response.text}"
    assert _counts(db) == before


@pytest.mark.parametrize("bad", ["0001-01-01T00:00:00%2B05:00", "9999-12-31T23:59:00-05:00", "9500-01-01T00:00:00Z",
                                 "100000000000000000000"])
def test_times_out_of_range_are_refused_in_every_query(shop, bad: str) -> None:
    store = shop.store_id
    for path in [f"/orders?placed_from={bad}", f"/orders?placed_to={bad}",
                 f"/stores/{store}/aftersales/metrics?from={bad}&to=2026-12-01T00:00Z",
                 f"/stores/{store}/aftersales/metrics?from=2026-11-01T00:00Z&to={bad}"]:
        response = shop.staff.client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {shop.staff.key}"})
        assert response.status_code == 422, f"{path}: {response.status_code} {response.text}"
        assert response.headers["content-type"] == "application/problem+json"


def test_a_time_at_the_edge_of_the_range_is_taken(shop) -> None:
    ends = "8999-12-31T23:59:59Z"
    promotion = shop.staff.post("/promotions", {"store_id": shop.store_id, "name": "x",
                                                "benefit": {"type": "unit_price", "price": "1"},
                                                "ends_at": ends}, expect=201)
    assert promotion["ends_at"].startswith("8999-12-31T23:59:59")


@pytest.mark.parametrize("price", [" 12 ", "１２", "12.5 ", "+12", "1e3", "12.", ".5", "1,000", "١٢", 12.5, 12.0, True, None])
def test_money_is_exact_ascii_text_or_a_whole_number(shop, price) -> None:
    body = {"title": "x", "skus": [{"code": "X", "price": price}]}
    refused = shop.staff.post(f"/stores/{shop.store_id}/products", body, expect=422)
    assert refused["errors"][0]["loc"][-1] == "price"
    assert "12.50" in refused["errors"][0]["msg"]
    assert [p["title"] for p in shop.staff.get(f"/stores/{shop.store_id}/products")["items"]] == ["棉T恤 Cotton tee"]


def test_money_as_text_or_a_whole_json_number_is_taken(shop) -> None:
    product = shop.staff.post(f"/stores/{shop.store_id}/products", {"title": "x", "skus": [
        {"code": "TEXT", "price": "12.50"}, {"code": "WHOLE", "price": 12}, {"code": "PADDED", "price": "0012.5"}]}, expect=201)
    assert [s["price"]["minor"] for s in product["skus"]] == [1250, 1200, 1250]


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/keys", {"role": "staff", "store_id": True}, "store_id"),
    ("/orders", {"store_id": 1, "address_id": 1, "lines": [{"sku_id": 1, "quantity": True}]}, "quantity"),
    ("/orders", {"store_id": True, "address_id": 1, "lines": [{"sku_id": 1, "quantity": 1}]}, "store_id"),
])
def test_true_is_not_a_number(shop, db: Database, path: str, body: dict, field: str) -> None:
    """Pydantic alone reads JSON `true` as 1 for a whole number: {"store_id": true} would name store 1 (schemas.In)."""
    before = _counts(db)
    key = shop.operator.key if path == "/keys" else shop.shopper.key
    for language, words in (("en", "not true or false"), ("zh", "必须是整数")):
        response = shop.operator.client.post(f"/api/v1{path}", json=body,
                                             headers={"Authorization": f"Bearer {key}", "Accept-Language": language})
        assert response.status_code == 422, response.text
        assert words in response.json()["detail"] and response.json()["errors"][0]["loc"][-1] == field
    assert _counts(db) == before


def test_text_is_measured_as_sent_then_kept_without_its_padding(shop) -> None:
    """The schema's maxLength holds for the text as sent; what passes is kept trimmed, and blank is refused."""
    buyers = "/buyers"
    # one space beyond the published limit of 120 is over it, whatever trimming would leave
    over = shop.operator.post(buyers, {"name": " " + "x" * 120}, expect=422)
    assert over["code"] == "invalid-request" and "name" in str(over)
    # padding within the limit is taken off
    kept = shop.operator.post(buyers, {"name": "  Li Lei  "}, expect=201)
    assert kept["name"] == "Li Lei"
    # and nothing but whitespace is no name
    shop.operator.post(buyers, {"name": "   "}, expect=422)


def test_the_nul_character_is_refused_in_a_body_and_a_query_on_every_backend(shop, db: Database) -> None:
    """PostgreSQL's text cannot hold U+0000: a body that carries one is refused at its field, a query that carries one
    is refused too, and nothing is written either way (it used to be a 500 on PostgreSQL)."""
    with db.read() as session:
        before = session.scalar(select(func.count()).select_from(Buyer))
    refused = shop.operator.post("/buyers", {"name": "Li\u0000Lei"}, expect=422, headers={"Accept-Language": "zh"})
    assert refused["errors"][0]["loc"][-1] == "name" and "空字符" in refused["detail"]
    nested = shop.staff.post(f"/stores/{shop.store_id}/warehouses", {"code": "X1", "name": "ok", "country": "C\u0000"},
                             expect=422)
    assert nested["code"] == "invalid-request"
    response = shop.staff.client.get("/api/v1/orders", params={"number": "SK\u00001"},
                                     headers={"Authorization": f"Bearer {shop.staff.key}"})
    assert response.status_code in (200, 422)  # SQLite finds no such number; PostgreSQL cannot compare it: refused
    if response.status_code == 422:
        assert response.json()["code"] == "invalid-input"
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Buyer)) == before
