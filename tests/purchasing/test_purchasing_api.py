"""Replenishment suggestions from real orders and stock (RULES.md §5.1, §15 #21), purchase orders placed (in transit)
and received into stock, supplier payment requests (§2.1), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.events import Event
from support import START, Shop


def _sell(shop: Shop, clock: SimulatedClock) -> None:
    """Day 0 (Nov 2): 4 red tees; day 1 (Nov 3): 6 red tees and 60 blue ones; then it is Nov 4. The stock came in on
    Nov 2, so the twelve days before are stock-out days, not days without demand."""
    red, blue = shop.skus
    shop.pay(shop.order((red, 4)))
    clock.advance(days=1)
    shop.pay(shop.order((red, 6), (blue, 60)))
    clock.advance(days=1)


def _supplier(shop: Shop, **terms: Any) -> dict[str, Any]:
    body = {"name": "义乌织造 Yiwu Weaving", "lead_days": 10, "currency": "CNY", "pack_size": 12, "moq": 24, **terms}
    return dict(shop.staff.post(f"/stores/{shop.store_id}/suppliers", body, expect=201))


def _rows(shop: Shop, query: str = "") -> dict[int, dict[str, Any]]:
    return {r["sku_id"]: r for r in shop.staff.get(f"/stores/{shop.store_id}/replenishment{query}")}


def test_suggestions_from_paid_orders_leave_out_stock_out_days(shop: Shop, clock: SimulatedClock) -> None:
    red, blue = shop.skus
    _sell(shop, clock)
    supplier = _supplier(shop)
    shop.staff.call("PUT", f"/skus/{red}/supply", json={"supplier_id": supplier["id"], "unit_cost": "18.50", "lead_days": 20})
    rows = _rows(shop)
    # red: 10 sold over the 2 days with stock → ADS 5.00; lead 20 (the SKU's own) + safety 3 → point 115
    r = rows[red]
    assert (r["on_hand"], r["in_transit"], r["sold"], r["days_counted"], r["stockout_days"]) == (90, 0, 10, 2, 12)
    assert (r["average_daily_sales"], r["reorder_point"], r["target"]) == ("5.00", "115.00", "150.00")
    assert (r["lead_days"], r["safety_days"], r["review_days"], r["pack_size"], r["moq"]) == (20, 3, 7, 12, 24)
    # 90 ≤ 115: due; 150 − 90 = 60 = 5 packs of 12
    assert r["due"] and r["flags"] == ["below-reorder-point"] and r["quantity"] == 60
    assert r["amount"] == {"amount": "1110.00", "currency": "CNY", "minor": 111000}
    # blue: no supplier, the defaults (7, 3, 7, packs of 1): ADS 30.00, point 300, target 510 − 40 = 470
    b = rows[blue]
    assert (b["average_daily_sales"], b["quantity"], b["supplier_id"], b["amount"]) == ("30.00", 470, None, None)
    # filters: due only, by supplier, by search
    assert set(_rows(shop, f"?supplier_id={supplier['id']}")) == {red}
    assert set(_rows(shop, "?q=blu")) == {blue}
    assert set(_rows(shop, "?show=due")) == {red, blue}
    # during a campaign that opened just after the stock came in, blue has sold 60 of its 100: more than half (§3.3)
    start = (START + timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    flagged = _rows(shop, f"?campaign_start={start}")
    assert flagged[blue]["flags"] == ["below-reorder-point", "half-sold"]
    assert flagged[red]["flags"] == ["below-reorder-point"]


def test_draft_place_receive_close_with_payment_requests(shop: Shop, clock: SimulatedClock, db: Database) -> None:
    red, blue = shop.skus
    _sell(shop, clock)
    supplier = _supplier(shop)
    shop.staff.call("PUT", f"/skus/{red}/supply", json={"supplier_id": supplier["id"], "unit_cost": "18.50", "lead_days": 20})
    # blue has no supplier: a draft from its suggestion would not say whom to buy from
    refused = shop.staff.post(f"/stores/{shop.store_id}/purchase-orders/from-suggestions",
                              {"sku_ids": [red, blue], "warehouse_id": shop.warehouse["id"]}, expect=422)
    assert refused["code"] == "invalid-input"
    [order] = shop.staff.post(f"/stores/{shop.store_id}/purchase-orders/from-suggestions",
                              {"sku_ids": [red], "warehouse_id": shop.warehouse["id"]}, expect=201)
    assert order["status"] == "draft" and order["amount"]["amount"] == "1110.00"
    [line] = order["lines"]
    assert (line["sku_id"], line["quantity"], line["unit_cost"]["minor"]) == (red, 60, 1850)
    # a draft is not in transit yet
    assert _rows(shop)[red]["in_transit"] == 0
    placed = shop.staff.post(f"/purchase-orders/{order['id']}/place")
    assert placed["status"] == "placed" and placed["allowed_actions"] == ["receive", "cancel", "close"]
    assert placed["expected_at"].startswith("2026-11-14")  # placed Nov 4 + the supplier's 10 days
    # placed: 60 in transit, position 150 is above the point of 115, nothing more is suggested
    r = _rows(shop)[red]
    assert (r["in_transit"], r["due"], r["quantity"]) == (60, False, 0)
    # when 24 arrive, under an Idempotency-Key, sent twice
    key = {"Idempotency-Key": "po-1-delivery-1"}
    body = {"lines": [{"line_id": line["id"], "quantity": 24}]}
    receipt = shop.staff.post(f"/purchase-orders/{order['id']}/receive", body, expect=201, headers=key)
    again = shop.staff.client.post(f"/api/v1/purchase-orders/{order['id']}/receive", json=body,
                                   headers={"Authorization": f"Bearer {shop.staff.key}", **key})
    assert again.status_code == 201 and again.json() == receipt and again.headers["Idempotent-Replayed"] == "true"
    # then the stock went up once, by a receive movement, and 36 are still in transit
    assert shop.stock(red)["available"] == 90 + 24
    movements = shop.staff.get(f"/skus/{red}/movements")["items"]
    assert [m["quantity"] for m in movements if m["kind"] == "receive"] == [24, 100]  # newest first
    assert movements[0]["note"] == f"{order['number']} line {line['id']}"
    assert _rows(shop)[red]["in_transit"] == 36
    # and a payment request for what came: 24 × 18.50
    detail = shop.staff.get(f"/purchase-orders/{order['id']}")
    assert detail["status"] == "partly_received" and detail["lines"][0]["received"] == 24
    assert [(p["amount"]["amount"], p["status"]) for p in detail["payment_requests"]] == [("444.00", "pending_approval")]
    # more than is open is refused, and nothing moves
    over = shop.staff.post(f"/purchase-orders/{order['id']}/receive", {"lines": [{"line_id": line["id"], "quantity": 37}]},
                           expect=409, headers={"Accept-Language": "zh-CN"})
    assert over["code"] == "over-receipt" and over["title"] == "到货数量超过采购单未到数量"
    assert shop.stock(red)["available"] == 114
    # the rest arrives: received, a second request, nothing in transit
    shop.staff.post(f"/purchase-orders/{order['id']}/receive", {"lines": [{"line_id": line["id"], "quantity": 36}]}, expect=201)
    assert shop.staff.get(f"/purchase-orders/{order['id']}")["status"] == "received"
    assert _rows(shop)[red]["in_transit"] == 0 and shop.stock(red)["available"] == 150
    assert shop.staff.post(f"/purchase-orders/{order['id']}/cancel", expect=409)["code"] == "not-allowed-in-state"
    assert shop.staff.post(f"/purchase-orders/{order['id']}/close")["status"] == "closed"
    # the back office's requests: approve one (no money moves), reject the other, decide neither twice
    requests = shop.staff.get(f"/stores/{shop.store_id}/supplier-payments?status=pending_approval")["items"]
    assert [p["amount"]["minor"] for p in requests] == [66600, 44400]
    assert shop.staff.post(f"/supplier-payments/{requests[0]['id']}/approve")["status"] == "approved"
    assert shop.staff.post(f"/supplier-payments/{requests[1]['id']}/reject", {"note": "short invoice"})["status"] == "rejected"
    assert shop.staff.post(f"/supplier-payments/{requests[0]['id']}/reject", {}, expect=409)["code"] == "not-allowed-in-state"
    with db.read() as session:
        types = [e.type for e in session.scalars(select(Event).where(Event.subject == f"purchase_order:{order['id']}")
                                                 .order_by(Event.id))]
    assert types == ["purchase_order.drafted", "purchase_order.placed", "purchase_order.received",
                     "supplier_payment.requested", "purchase_order.received", "supplier_payment.requested",
                     "purchase_order.closed", "supplier_payment.approved", "supplier_payment.rejected"]


def test_prepaid_supplier_is_asked_for_the_whole_order_when_placed(shop: Shop) -> None:
    red, _ = shop.skus
    supplier = _supplier(shop, prepay=True, name="Prepaid", pack_size=1, moq=1)
    order = shop.staff.post(f"/stores/{shop.store_id}/purchase-orders", {
        "supplier_id": supplier["id"], "warehouse_id": shop.warehouse["id"],
        "lines": [{"sku_id": red, "quantity": 10, "unit_cost": "2.25"}]}, expect=201)
    shop.staff.post(f"/purchase-orders/{order['id']}/place")
    shop.staff.post(f"/purchase-orders/{order['id']}/receive", {"lines": [{"line_id": order["lines"][0]["id"], "quantity": 4}]}, expect=201)
    requests = shop.staff.get(f"/purchase-orders/{order['id']}")["payment_requests"]
    assert [(p["amount"]["amount"], p["note"]) for p in requests] == [("22.50", "prepayment")]
    # closing gives up the 6 that never came: no longer in transit
    shop.staff.post(f"/purchase-orders/{order['id']}/close")
    assert _rows(shop)[red]["in_transit"] == 0


def test_who_may_and_bad_input(shop: Shop) -> None:
    red, _ = shop.skus
    supplier = _supplier(shop)
    assert shop.shopper.get(f"/stores/{shop.store_id}/replenishment", expect=403)["code"] == "forbidden"
    other = shop.operator.post("/stores", {"name": "other", "rulebook": "taobao", "currency": "CNY"}, expect=201)
    stranger = shop.operator.as_(shop.operator.post("/keys", {"role": "staff", "store_id": other["id"]}, expect=201)["key"])
    stranger.get(f"/stores/{shop.store_id}/replenishment", expect=404)
    stranger.get(f"/suppliers/{supplier['id']}", expect=404)
    assert shop.staff.post(f"/stores/{shop.store_id}/suppliers", {"name": "义乌织造 YIWU WEAVING", "lead_days": 3,
                                                                "currency": "CNY"}, expect=409)["code"] == "conflict"
    shop.staff.get(f"/skus/{red}/supply", expect=404)
    order = shop.staff.post(f"/stores/{shop.store_id}/purchase-orders", {
        "supplier_id": supplier["id"], "warehouse_id": shop.warehouse["id"], "lines": [{"sku_id": red, "quantity": 1}]},
        expect=422, headers={"Accept-Language": "zh"})
    assert "没有来自供应商" in order["detail"]
    draft = shop.staff.post(f"/stores/{shop.store_id}/purchase-orders", {
        "supplier_id": supplier["id"], "warehouse_id": shop.warehouse["id"],
        "lines": [{"sku_id": red, "quantity": 1, "unit_cost": "1"}]}, expect=201)
    refused = shop.staff.post(f"/purchase-orders/{draft['id']}/receive", {"lines": [{"line_id": draft["lines"][0]["id"], "quantity": 1}]},
                              expect=409)
    assert refused["detail"] == f"purchase order {draft['number']} is draft; it cannot receive"
    assert shop.staff.post(f"/purchase-orders/{draft['id']}/cancel")["status"] == "cancelled"
    shop.staff.get(f"/stores/{shop.store_id}/replenishment?window_days=0", expect=422)
    shop.staff.get(f"/stores/{shop.store_id}/replenishment?campaign_start=2020-01-01T00:00:00Z", expect=422)


def test_exports_parse_back_with_the_same_figures(shop: Shop, clock: SimulatedClock) -> None:
    red, blue = shop.skus
    _sell(shop, clock)
    supplier = _supplier(shop)
    shop.staff.call("PUT", f"/skus/{red}/supply", json={"supplier_id": supplier["id"], "unit_cost": "18.50", "lead_days": 20})
    auth = {"Authorization": f"Bearer {shop.staff.key}"}
    path = f"/api/v1/stores/{shop.store_id}/replenishment"
    english = shop.staff.client.get(f"{path}.csv", headers={**auth, "Accept-Language": "en"})
    assert english.status_code == 200 and english.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(english.content.decode("utf-8-sig"))))
    by_id = {int(row["SKU id"]): row for row in table}
    assert (by_id[red]["Average daily sales"], by_id[red]["Suggested quantity"], by_id[red]["Amount"]) == ("5.00", "60", "1110.00")
    assert (by_id[blue]["Suggested quantity"], by_id[blue]["Supplier"], by_id[blue]["Flags"]) == ("470", "", "below-reorder-point")
    chinese = shop.staff.client.get(f"{path}.csv", headers={**auth, "Accept-Language": "zh-CN,zh;q=0.9"})
    assert next(csv.reader(io.StringIO(chinese.content.decode("utf-8-sig"))))[:3] == ["SKU ID", "SKU 编码", "商品"]
    book = shop.staff.client.get(f"{path}.xlsx", headers={**auth, "Accept-Language": "zh"})
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[0] == "SKU ID" and "建议采购量" in header
    cells = {row[0]: dict(zip(header, row)) for row in rows}
    assert cells[red]["建议采购量"] == 60 and cells[red]["日均销量"] == 5 and cells[red]["金额"] == 1110
    assert cells[red]["可售库存"] == 90 and cells[blue]["建议采购量"] == 470 and isinstance(cells[blue]["可售库存"], int)
    assert shop.shopper.client.get(f"{path}.xlsx", headers={"Authorization": f"Bearer {shop.shopper.key}"}).status_code == 403


def test_days_the_shelf_stood_empty_in_the_window_are_left_out(shop: Shop, clock: SimulatedClock) -> None:
    # given all 100 blue tees sold on Nov 2, nothing on sale Nov 3 and 4, 50 back in on Nov 5 and none sold that day
    _, blue = shop.skus
    shop.pay(shop.order((blue, 100)))
    clock.advance(days=3)
    shop.staff.post(f"/skus/{blue}/stock", {"warehouse_id": shop.warehouse["id"], "quantity": 50})
    clock.advance(days=1)
    # then the average is over Nov 2 (100) and Nov 5 (0): the two empty days and the twelve before the stock came
    # are not days without demand
    b = _rows(shop)[blue]
    assert (b["sold"], b["days_counted"], b["stockout_days"], b["average_daily_sales"]) == (100, 2, 12, "50.00")
    assert (b["on_hand"], b["reserved"], b["last_day_sold"]) == (50, 100, 0)


def test_cancelling_a_placed_order_takes_it_out_of_transit_and_supply_terms_read_back(shop: Shop) -> None:
    red, _ = shop.skus
    supplier = _supplier(shop, pack_size=1, moq=1)
    supply = shop.staff.call("PUT", f"/skus/{red}/supply", json={"supplier_id": supplier["id"], "unit_cost": "3.10",
                                                                 "safety_days": 5, "review_days": 2})
    assert shop.staff.get(f"/skus/{red}/supply") == supply
    assert (supply["unit_cost"]["minor"], supply["lead_days"], supply["safety_days"]) == (310, None, 5)
    row = _rows(shop)[red]
    assert (row["lead_days"], row["safety_days"], row["review_days"]) == (10, 5, 2)  # the supplier's lead, the SKU's rest
    order = shop.staff.post(f"/stores/{shop.store_id}/purchase-orders", {
        "supplier_id": supplier["id"], "warehouse_id": shop.warehouse["id"], "lines": [{"sku_id": red, "quantity": 7}]},
        expect=201)
    assert order["lines"][0]["unit_cost"]["minor"] == 310  # the SKU's cost from this supplier
    shop.staff.post(f"/purchase-orders/{order['id']}/place")
    assert _rows(shop)[red]["in_transit"] == 7
    assert shop.staff.post(f"/purchase-orders/{order['id']}/cancel")["status"] == "cancelled"
    assert _rows(shop)[red]["in_transit"] == 0
    # a supplier with SKU costs in yuan cannot turn to dollars; deactivated, it takes no new orders
    body = {"name": supplier["name"], "lead_days": 10, "currency": "USD"}
    assert shop.staff.call("PUT", f"/suppliers/{supplier['id']}", json=body, expect=409)["code"] == "conflict"
    shop.staff.call("PUT", f"/suppliers/{supplier['id']}", json={**body, "currency": "CNY", "active": False})
    shop.staff.post(f"/stores/{shop.store_id}/purchase-orders", {
        "supplier_id": supplier["id"], "warehouse_id": shop.warehouse["id"], "lines": [{"sku_id": red, "quantity": 7}]},
        expect=409)
    assert [s["active"] for s in shop.staff.get(f"/stores/{shop.store_id}/suppliers")] == [False]
