"""Stocktakes (盘点, RULES.md §5.2, §3.9: system stock equals physical stock) and transfers between warehouses
(货品调拨), on every backend: closing adjusts stock with movements and an event, reserved units are never adjusted
away, a transfer conserves stock with what is in transit visible meanwhile."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from shopkeeper.db import Database
from shopkeeper.events import Event
from shopkeeper.inventory.models import Stock
from support import Shop


def _events(db: Database, type_: str) -> list[dict[str, Any]]:
    with db.read() as session:
        return [e.data for e in session.scalars(select(Event).where(Event.type == type_).order_by(Event.id))]


def _on_hand(db: Database, sku_id: int) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.sum(Stock.available + Stock.reserved)).where(Stock.sku_id == sku_id)) or 0)


def _codes(shop: Shop) -> list[str]:
    return [s["code"] for s in shop.product["skus"]]


def test_closing_a_stocktake_adjusts_stock_by_each_variance_with_movements_and_an_event(shop: Shop, db: Database) -> None:
    # given 100 of each tee in the system, and a count opened on the warehouse
    wid = shop.warehouse["id"]
    red, blue = _codes(shop)
    take = shop.staff.post(f"/warehouses/{wid}/stocktakes", {}, expect=201)
    shop.staff.post(f"/warehouses/{wid}/stocktakes", {}, expect=409)  # one open count per warehouse
    # when the red tees are counted by scan (97) and the blue ones in bulk (101)
    key = {"Idempotency-Key": "count-1"}
    shop.staff.post(f"/stocktakes/{take['id']}/scans", {"code": red, "quantity": 90}, headers=key)
    shop.staff.post(f"/stocktakes/{take['id']}/scans", {"code": red, "quantity": 90}, headers=key)  # a retry
    shop.staff.post(f"/stocktakes/{take['id']}/scans", {"code": red, "quantity": 7})
    shop.staff.call("PUT", f"/stocktakes/{take['id']}/counts", json={"counts": [{"code": blue, "counted": 101}]})
    # then the variance report says -3 and +1, in units and at the SKUs' prices
    report = shop.staff.get(f"/stocktakes/{take['id']}")
    lines = {line["sku_code"]: line for line in report["lines"]}
    assert (lines[red]["system"], lines[red]["counted"], lines[red]["units"]) == (100, 97, -3)
    assert lines[red]["value"]["amount"] == "-179.70" and lines[blue]["units"] == 1
    assert report["units"] == -2 and report["value"]["amount"] == "-114.70"
    # and closing moves stock by them, as `adjust` movements, with one event carrying the variances
    closed = shop.staff.post(f"/stocktakes/{take['id']}/close", headers={"Idempotency-Key": "close-1"})
    assert closed["stocktake"]["status"] == "closed"
    assert shop.stock(shop.skus[0])["available"] == 97 and shop.stock(shop.skus[1])["available"] == 101
    moves = shop.staff.get(f"/skus/{shop.skus[0]}/movements")["items"]
    assert (moves[0]["kind"], moves[0]["quantity"], moves[0]["note"]) == ("adjust", -3, f"stocktake {take['id']}")
    [event] = _events(db, "stocktake.closed")
    assert sorted((v["sku_code"], v["units"]) for v in event["variances"]) == [(blue, 1), (red, -3)]
    # a second close is refused, and a retry with the same key gets the first answer back
    shop.staff.post(f"/stocktakes/{take['id']}/close", expect=409)
    assert shop.staff.post(f"/stocktakes/{take['id']}/close", headers={"Idempotency-Key": "close-1"}) == closed


def test_a_count_below_what_orders_hold_reserved_refuses_the_close_and_moves_nothing(shop: Shop) -> None:
    # given 5 red tees reserved by an order, and a count that finds only 3 on the shelf
    wid = shop.warehouse["id"]
    red, blue = _codes(shop)
    shop.order((shop.skus[0], 5))
    take = shop.staff.post(f"/warehouses/{wid}/stocktakes", {}, expect=201)
    shop.staff.call("PUT", f"/stocktakes/{take['id']}/counts", json={"counts": [{"code": red, "counted": 3},
                                                                                {"code": blue, "counted": 90}]})
    # when it is closed
    refused = shop.staff.post(f"/stocktakes/{take['id']}/close", expect=409)
    # then it is refused whole: nothing adjusted, the reservation intact, the count still open
    assert refused["code"] == "count-below-reserved" and refused["sku_ids"] == [shop.skus[0]]
    assert shop.stock(shop.skus[0]) == {"sku_id": shop.skus[0], "warehouse_id": wid, "available": 95, "reserved": 5,
                                        "on_hand": 100}
    assert shop.stock(shop.skus[1])["available"] == 100
    assert shop.staff.get(f"/stocktakes/{take['id']}")["stocktake"]["status"] == "open"


def test_a_bulk_count_with_one_bad_line_records_nothing(shop: Shop) -> None:
    take = shop.staff.post(f"/warehouses/{shop.warehouse['id']}/stocktakes", {}, expect=201)
    bad = shop.staff.call("PUT", f"/stocktakes/{take['id']}/counts", expect=422,
                          json={"counts": [{"code": _codes(shop)[0], "counted": 3}, {"code": "NOPE", "counted": 1}]})
    assert bad["codes"] == ["NOPE"]
    report = shop.staff.get(f"/stocktakes/{take['id']}")
    assert report["lines"] == [] and sorted(u["sku_code"] for u in report["uncounted"]) == sorted(_codes(shop))


def test_a_partial_stocktake_counts_only_its_shelves(shop: Shop) -> None:
    wid = shop.warehouse["id"]
    red, blue = _codes(shop)
    shop.staff.call("PUT", f"/warehouses/{wid}/shelf-scheme", json={"scheme": "A-99-99"})
    shop.staff.call("PUT", f"/warehouses/{wid}/shelves", json={"sku_id": shop.skus[0], "code": "A-01-01"})
    shop.staff.call("PUT", f"/warehouses/{wid}/shelves", json={"sku_id": shop.skus[1], "code": "B-01-01"})
    take = shop.staff.post(f"/warehouses/{wid}/stocktakes", {"shelves": ["a"]}, expect=201)
    assert take["shelves"] == ["A"]
    shop.staff.post(f"/stocktakes/{take['id']}/scans", {"code": blue}, expect=422)
    shop.staff.post(f"/stocktakes/{take['id']}/scans", {"code": red})
    listed = shop.staff.get(f"/stores/{shop.store_id}/warehouses/stocktakes?status=open")["items"]
    assert [t["id"] for t in listed] == [take["id"]]


def test_a_transfer_conserves_stock_and_shows_what_is_in_transit(shop: Shop, db: Database) -> None:
    # given a second warehouse of the store
    sz = shop.staff.post(f"/stores/{shop.store_id}/warehouses", {"code": "SZ1", "name": "Shenzhen", "country": "CN"},
                         expect=201)
    hz = shop.warehouse["id"]
    path = f"/stores/{shop.store_id}/warehouses/transfers"
    transfer = shop.staff.post(path, {"from_warehouse_id": hz, "to_warehouse_id": sz["id"],
                                      "lines": [{"sku_id": shop.skus[0], "quantity": 10}]}, expect=201)
    before = _on_hand(db, shop.skus[0])
    # when it ships: the units leave Hangzhou and are on the road
    shipped = shop.staff.post(f"/transfers/{transfer['id']}/ship", headers={"Idempotency-Key": "ship-1"})
    shop.staff.post(f"/transfers/{transfer['id']}/ship", headers={"Idempotency-Key": "ship-1"})  # a retry
    assert shipped["status"] == "in_transit" and shipped["lines"][0]["in_transit"] == 10
    assert shop.stock(shop.skus[0])["available"] == 90
    report = shop.staff.get(f"/stores/{shop.store_id}/warehouses/by-country")
    assert report["in_transit"] == {str(shop.skus[0]): 10}
    assert _on_hand(db, shop.skus[0]) + 10 == before
    # and when 9 arrive: a short receipt of 1, recorded
    received = shop.staff.post(f"/transfers/{transfer['id']}/receive", {"lines": [{"sku_id": shop.skus[0], "received": 9}]})
    assert received["status"] == "received" and received["lines"][0]["short"] == 1
    levels = {lv["warehouse_id"]: lv["available"] for lv in shop.staff.get(f"/skus/{shop.skus[0]}/stock")}
    assert levels == {hz: 90, sz["id"]: 9}
    assert _on_hand(db, shop.skus[0]) + 1 == before  # conserved but for the unit recorded short
    assert _events(db, "transfer.received")[0]["short"] == [[shop.skus[0], 1]]
    assert shop.staff.get(f"/stores/{shop.store_id}/warehouses/by-country")["in_transit"] == {}
    shop.staff.post(f"/transfers/{transfer['id']}/receive", {}, expect=409)


def test_a_transfer_of_more_than_is_available_moves_nothing(shop: Shop) -> None:
    sz = shop.staff.post(f"/stores/{shop.store_id}/warehouses", {"code": "SZ1", "name": "Shenzhen", "country": "CN"},
                         expect=201)
    transfer = shop.staff.post(f"/stores/{shop.store_id}/warehouses/transfers", {
        "from_warehouse_id": shop.warehouse["id"], "to_warehouse_id": sz["id"],
        "lines": [{"sku_id": shop.skus[1], "quantity": 5}, {"sku_id": shop.skus[0], "quantity": 101}]}, expect=201)
    assert shop.staff.post(f"/transfers/{transfer['id']}/ship", expect=409)["code"] == "out-of-stock"
    assert shop.stock(shop.skus[1])["available"] == 100  # the first line's move was rolled back
    assert shop.staff.get(f"/transfers/{transfer['id']}")["status"] == "created"
