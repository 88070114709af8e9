"""Scanned warehouse work through the API on every backend (RULES.md §1.1, §5.2, §5.3): shelf locations, goods in
by scan, weight check, packing and outbound verification, picking time, who may do it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from shopkeeper.db import Database
from shopkeeper.events import Event
from shopkeeper.warehouse.models import WarehouseScan
from support import Shop


def _events(db: Database, type_: str) -> list[dict[str, Any]]:
    with db.read() as session:
        return [e.data for e in session.scalars(select(Event).where(Event.type == type_).order_by(Event.id))]


def _scans(db: Database) -> list[WarehouseScan]:
    with db.read() as session:
        return list(session.scalars(select(WarehouseScan).order_by(WarehouseScan.id)))


def _paid(shop: Shop, *lines: tuple[int, int]) -> Any:
    order = shop.order(*lines)
    shop.pay(order)
    return order


def _codes(shop: Shop) -> list[str]:
    return [s["code"] for s in shop.product["skus"]]


def test_shelf_codes_follow_the_warehouses_one_scheme_and_pick_lists_read_them(shop: Shop, db: Database) -> None:
    # given a warehouse numbered zone-row-level (§1.1)
    wid = shop.warehouse["id"]
    shop.staff.call("PUT", f"/warehouses/{wid}/shelf-scheme", json={"scheme": "A-99-99"})
    # when the SKUs get home locations, one in another scheme
    shop.staff.call("PUT", f"/warehouses/{wid}/shelves", json={"sku_id": shop.skus[0], "code": "b-02-01"})
    shop.staff.call("PUT", f"/warehouses/{wid}/shelves", json={"sku_id": shop.skus[1], "code": "A-10-03"})
    bad = shop.staff.call("PUT", f"/warehouses/{wid}/shelves", expect=422, json={"sku_id": shop.skus[1], "code": "10-A-3"})
    # then only the scheme's codes are kept, in walking order, and `shelf_of` answers them
    assert bad["field"] == "code" and "A-99-99" in bad["detail"]
    assert [(s["sku_id"], s["code"]) for s in shop.staff.get(f"/warehouses/{wid}/shelves")] == [
        (shop.skus[1], "A-10-03"), (shop.skus[0], "B-02-01")]
    from shopkeeper.warehouse.service import shelf_of
    with db.read() as session:
        assert shelf_of(session, wid, shop.skus) == {shop.skus[0]: "B-02-01", shop.skus[1]: "A-10-03"}
    assert [w["shelf_scheme"] for w in shop.staff.get(f"/stores/{shop.store_id}/warehouses")] == ["A-99-99"]
    # and the scheme cannot change under codes it would not number
    shop.staff.call("PUT", f"/warehouses/{wid}/shelf-scheme", expect=422, json={"scheme": "99-A"})


def test_goods_in_by_scan_receive_stock_and_record_the_scan_once(shop: Shop, db: Database) -> None:
    wid = shop.warehouse["id"]
    shop.staff.call("PUT", f"/warehouses/{wid}/shelf-scheme", json={"scheme": "A-99-99"})
    body = {"code": _codes(shop)[0], "quantity": 24, "shelf": "A-01-03"}
    key = {"Idempotency-Key": "receipt-1"}
    first = shop.staff.post(f"/warehouses/{wid}/receipts", body, expect=201, headers=key)
    again = shop.staff.client.post(f"/api/v1/warehouses/{wid}/receipts", json=body,
                                   headers={"Authorization": f"Bearer {shop.staff.key}", **key})
    assert first["available"] == 124 and first["scan"]["kind"] == "receive" and first["scan"]["result"] == "ok"
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert shop.stock(shop.skus[0])["available"] == 124  # the retry moved nothing
    assert [s["code"] for s in shop.staff.get(f"/warehouses/{wid}/shelves")] == ["A-01-03"]
    assert len(_scans(db)) == 1
    # an unknown code moves nothing and records nothing
    shop.staff.post(f"/warehouses/{wid}/receipts", {"code": "NOPE", "quantity": 1}, expect=422)
    assert len(_scans(db)) == 1


def test_a_return_into_an_overseas_warehouse_counts_as_an_import(shop: Shop, db: Database) -> None:
    # given a German warehouse of a store at home in China (§5.3)
    de = shop.staff.post(f"/stores/{shop.store_id}/warehouses", {"code": "DE1", "name": "Frankfurt", "country": "DE"},
                         expect=201)
    # when a buyer's return is received there, and another at home
    overseas = shop.staff.post(f"/warehouses/{de['id']}/receipts", {"code": _codes(shop)[0], "quantity": 1,
                                                                    "is_return": True}, expect=201)
    home = shop.staff.post(f"/warehouses/{shop.warehouse['id']}/receipts", {"code": _codes(shop)[0], "quantity": 1,
                                                                            "is_return": True}, expect=201)
    # then only the overseas one counts as an import, on its scan and in an event
    assert overseas["counts_as_import"] and overseas["scan"]["reason"] == "return-counts-as-import"
    assert overseas["scan"]["result"] == "flagged" and home["scan"]["result"] == "ok"
    assert not home["counts_as_import"]
    [event] = _events(db, "warehouse.return_imported")
    assert event["country"] == "DE" and event["home_country"] == "CN" and event["quantity"] == 1
    # and the stock report groups by country, home first, overseas marked
    report = shop.staff.get(f"/stores/{shop.store_id}/warehouses/by-country")
    assert [(c["country"], c["overseas"], c["available"]) for c in report["countries"]] == [("CN", False, 201), ("DE", True, 1)]


def test_a_wrong_item_or_one_too_many_is_blocked_and_recorded_and_verification_waits(shop: Shop, db: Database) -> None:
    # given a paid order of two red tees
    wid = shop.warehouse["id"]
    order = _paid(shop, (shop.skus[0], 2))
    red, blue = _codes(shop)
    scan = {"order_id": order["id"], "stage": "outbound_verify"}
    # when the blue tee is scanned at the door
    wrong = shop.staff.post(f"/warehouses/{wid}/item-scans", {**scan, "code": blue}, expect=409)
    # then it is refused, and the log keeps the blocked scan
    assert wrong["code"] == "scan-blocked" and wrong["reason"] == "not-on-order"
    assert [(s.result, s.reason) for s in _scans(db)] == [("blocked", "not-on-order")]
    # and the order is not verified after one red tee
    ok = shop.staff.post(f"/warehouses/{wid}/item-scans", {**scan, "code": red}, expect=201)
    assert ok["still_to_scan"] == {str(shop.skus[0]): 1}
    missing = shop.staff.post(f"/warehouses/{wid}/verifications", {"order_id": order["id"]}, expect=409)
    assert missing["code"] == "order-not-verified" and missing["missing"] == {str(shop.skus[0]): 1}
    # a third red tee, beyond the two ordered, is blocked too
    shop.staff.post(f"/warehouses/{wid}/item-scans", {**scan, "code": red}, expect=201)
    over = shop.staff.post(f"/warehouses/{wid}/item-scans", {**scan, "code": red}, expect=409)
    assert over["reason"] == "more-than-ordered"
    # and when the scans equal the lines the order is verified, once recorded
    verified = shop.staff.post(f"/warehouses/{wid}/verifications", {"order_id": order["id"]}, expect=201)
    assert verified["reason"] == "order-verified"
    assert shop.staff.post(f"/warehouses/{wid}/verifications", {"order_id": order["id"]}, expect=201) == verified
    assert [e["units"] for e in _events(db, "order.outbound_verified")] == [2]
    blocked = shop.staff.get(f"/warehouses/{wid}/scans?result=blocked")["items"]
    assert [s["reason"] for s in blocked] == ["more-than-ordered", "not-on-order"]


def test_packing_scans_are_tallied_apart_from_the_door(shop: Shop) -> None:
    wid = shop.warehouse["id"]
    order = _paid(shop, (shop.skus[0], 1))
    shop.staff.post(f"/warehouses/{wid}/item-scans", {"order_id": order["id"], "stage": "pack", "code": _codes(shop)[0]},
                    expect=201)
    shop.staff.post(f"/warehouses/{wid}/verifications", {"order_id": order["id"]}, expect=409)


def test_a_parcel_off_its_expected_weight_is_flagged_with_the_difference(shop: Shop) -> None:
    # given an order of 2 × 200 g + 220 g: expected 620 + 50 g packaging, tolerance 67 g
    wid = shop.warehouse["id"]
    order = _paid(shop, (shop.skus[0], 2), (shop.skus[1], 1))
    fine = shop.staff.post(f"/warehouses/{wid}/weighings", {"order_id": order["id"], "measured_grams": 700}, expect=201)
    off = shop.staff.post(f"/warehouses/{wid}/weighings", {"order_id": order["id"], "measured_grams": 760}, expect=201)
    assert (fine["expected_grams"], fine["tolerance_grams"], fine["within"]) == (670, 67, True)
    assert fine["scan"]["result"] == "ok"
    assert off["scan"]["result"] == "flagged" and off["difference_grams"] == 90


def test_picking_minutes_are_reported_against_the_ten_minute_guide(shop: Shop, clock: Any) -> None:
    wid = shop.warehouse["id"]
    order = _paid(shop, (shop.skus[0], 1))
    shop.staff.post(f"/warehouses/{wid}/pick-scans", {"order_id": order["id"], "step": "start"}, expect=201)
    clock.advance(minutes=12)
    shop.staff.post(f"/warehouses/{wid}/pick-scans", {"order_id": order["id"], "step": "end"}, expect=201)
    [picked] = shop.staff.get(f"/warehouses/{wid}/pick-times")
    assert (picked["order_id"], picked["minutes"], picked["guide_minutes"], picked["over_guide"]) == (order["id"], 12.0, 10, True)


def test_buyers_are_refused_and_other_stores_see_nothing(shop: Shop) -> None:
    wid = shop.warehouse["id"]
    shop.shopper.get(f"/warehouses/{wid}/scans", expect=403)
    other = shop.operator.post("/stores", {"name": "other", "rulebook": "taobao", "currency": "CNY"}, expect=201)
    stranger = shop.operator.as_(shop.operator.post("/keys", {"role": "staff", "store_id": other["id"]}, expect=201)["key"])
    stranger.get(f"/warehouses/{wid}/scans", expect=404)
    stranger.post(f"/warehouses/{wid}/receipts", {"code": _codes(shop)[0], "quantity": 5}, expect=404)
    stranger.get(f"/stores/{shop.store_id}/warehouses/by-country", expect=404)


def test_the_home_country_decides_which_warehouses_are_overseas(shop: Shop, db: Database) -> None:
    # given a store that ships from Germany, with a warehouse there and its first one in China
    de = shop.staff.post(f"/stores/{shop.store_id}/warehouses", {"code": "DE1", "name": "Frankfurt", "country": "DE"},
                         expect=201)
    shop.staff.call("PUT", f"/stores/{shop.store_id}/warehouses/home-country", json={"home_country": "de"})
    shop.staff.call("PUT", f"/stores/{shop.store_id}/warehouses/home-country", expect=422, json={"home_country": "D1"})
    # when returns come back into both
    at_home = shop.staff.post(f"/warehouses/{de['id']}/receipts", {"code": _codes(shop)[0], "quantity": 1,
                                                                   "is_return": True}, expect=201)
    abroad = shop.staff.post(f"/warehouses/{shop.warehouse['id']}/receipts", {"code": _codes(shop)[0], "quantity": 1,
                                                                              "is_return": True}, expect=201)
    # then the Chinese one is the overseas warehouse now
    assert not at_home["counts_as_import"] and abroad["counts_as_import"]
    report = shop.staff.get(f"/stores/{shop.store_id}/warehouses/by-country")
    assert report["home_country"] == "DE"
    assert [(c["country"], c["overseas"]) for c in report["countries"]] == [("DE", False), ("CN", True)]
