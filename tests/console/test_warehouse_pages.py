"""The warehouse pages over HTTP (RULES.md §5.2): the stocktakes list, one stocktake's variance report with its close
button (closing adjusts stock; a count below what orders reserve is refused on the page), and the scan log with its
blocked scans, in English and Chinese. Through the real app, the API doing the counting and scanning."""

from __future__ import annotations

from fastapi.testclient import TestClient

from console.test_marketing_pages import console, ok, rows
from support import Shop


def _codes(shop: Shop) -> list[str]:
    return [s["code"] for s in shop.product["skus"]]


def test_a_stocktake_shows_its_variances_and_closes_from_its_page(client: TestClient, shop: Shop) -> None:
    # given a count of the warehouse: 97 red tees found where the books say 100
    red, blue = _codes(shop)
    take = shop.staff.post(f"/warehouses/{shop.warehouse['id']}/stocktakes", {}, expect=201)
    shop.staff.call("PUT", f"/stocktakes/{take['id']}/counts", json={"counts": [{"code": red, "counted": 97}]})
    staff = console(client, shop.staff.key)
    # when staff open the list, then the stocktake is there, open, linking its report
    listed = rows(ok(staff, "/warehouse/stocktakes"), "stocktake-id")
    assert "HZ1" in listed[take["id"]] and "Open" in listed[take["id"]] and "whole warehouse" in listed[take["id"]]
    ok(staff, "/warehouse/stocktakes?status=nonsense", status=400)
    # and the report gives system, counted, variance and value, lists what nobody counted, and offers to close
    page = ok(staff, f"/warehouse/stocktakes/{take['id']}")
    assert 'data-sku="TEE-RED-M"' in page and 'data-field="units">-3<' in page
    assert "-¥179.70" in page and f'data-uncounted="{blue}"' in page and 'data-action="close"' in page
    zh = ok(staff, f"/warehouse/stocktakes/{take['id']}?lang=zh")
    assert "盘点差异" in zh and "关闭并调整库存" in zh and "系统数" in zh
    # when they close it, then stock moves by the variance and the page says so, without the button
    closed = staff.post(f"/warehouse/stocktakes/{take['id']}/close")
    assert closed.status_code == 303
    after = ok(staff, closed.headers["location"])
    assert "盘点单已关闭" in after and 'data-action="close"' not in after
    assert shop.stock(shop.skus[0])["available"] == 97
    # and another store's staff, like a missing id, get a 404
    other = shop.operator.post("/stores", {"name": "other", "rulebook": "taobao", "currency": "CNY"}, expect=201)
    stranger = console(client, shop.operator.post("/keys", {"role": "staff", "store_id": other["id"]}, expect=201)["key"])
    ok(stranger, f"/warehouse/stocktakes/{take['id']}", status=404)
    ok(staff, "/warehouse/stocktakes/99999", status=404)


def test_a_close_refused_for_reserved_units_is_shown_on_the_page(client: TestClient, shop: Shop) -> None:
    shop.order((shop.skus[0], 5))
    take = shop.staff.post(f"/warehouses/{shop.warehouse['id']}/stocktakes", {}, expect=201)
    shop.staff.call("PUT", f"/stocktakes/{take['id']}/counts", json={"counts": [{"code": _codes(shop)[0], "counted": 2}]})
    staff = console(client, shop.staff.key)
    refused = staff.post(f"/warehouse/stocktakes/{take['id']}/close?lang=zh")
    assert refused.status_code == 409 and "低于订单已占用的数量" in refused.text
    assert shop.stock(shop.skus[0])["reserved"] == 5


def test_the_scan_log_shows_blocked_scans_in_both_languages(client: TestClient, shop: Shop) -> None:
    # given a paid order and the wrong tee scanned at the door
    order = shop.order((shop.skus[0], 1))
    shop.pay(order)
    red, blue = _codes(shop)
    wid = shop.warehouse["id"]
    shop.staff.post(f"/warehouses/{wid}/item-scans", {"order_id": order["id"], "stage": "outbound_verify", "code": blue},
                    expect=409)
    shop.staff.post(f"/warehouses/{wid}/receipts", {"code": red, "quantity": 4}, expect=201)
    staff = console(client, shop.staff.key)
    # then the log lists both, newest first, and filters to the blocked one
    page = ok(staff, "/warehouse/scans")
    listed = rows(page, "scan-id")
    assert len(listed) == 2
    blocked = next(text for text in listed.values() if "Blocked" in text)
    assert "Outbound verification" in blocked and "not on the order" in blocked and blue in blocked
    assert ok(staff, "/warehouse/scans?result=blocked").count("data-scan-id=") == 1
    assert ok(staff, "/warehouse/scans?status=receive").count("data-scan-id=") == 1
    ok(staff, "/warehouse/scans?result=nonsense", status=400)
    zh = ok(staff, "/warehouse/scans?lang=zh")
    assert "已拦截" in zh and "出库核验" in zh and "不在订单中" in zh and "扫描记录" in zh
