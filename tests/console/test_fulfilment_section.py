"""The order page's fulfilment section (履约, RULES.md §5.1, §5.2) over HTTP: an allocated, labelled, picked, scanned
(a wrong item blocked at the door), verified and shipped order shows its allocation, label, tracking scans in time
order on the store's clock, floor scans with the blocked one highlighted, picking minutes against the ten-minute
guide, and the warehouse its units left from, in English and Chinese; an order not yet allocated says so, and one
waiting for its label offers to print it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from console.test_marketing_pages import console, ok, text_of
from shopkeeper.clock import SimulatedClock
from support import Shop


def _section(page: str) -> str:
    found = re.search(r'<section class="card order-fulfilment" data-fulfilment>(.*?)</section>', page, flags=re.S)
    assert found, "the order page has no fulfilment section"
    return found.group(1)


def _rows(section: str, attribute: str) -> list[tuple[str, str]]:
    """(attribute value, row text) of the section's rows carrying `data-<attribute>`, in page order, with the row's tag."""
    return [(value, text_of(body)) for value, body in
            re.findall(rf'<tr data-{attribute}="([^"]*)"[^>]*>(.*?)</tr>', section, flags=re.S)]


def _allocated(shop: Shop, *lines: tuple[int, int]) -> Any:
    order = shop.order(*lines)
    shop.pay(order)
    _allocate(shop)
    return order


def _allocate(shop: Shop) -> None:
    path = f"/stores/{shop.store_id}/allocation-rules"
    if not shop.staff.get(path):
        shop.staff.post(path, {"name": "all", "conditions": {}, "warehouse_code": "HZ1", "channel_code": "SF"}, expect=201)
    shop.staff.post(f"/stores/{shop.store_id}/allocations?dry_run=false")


def _local(moment: datetime, shop: Shop) -> str:
    return moment.astimezone(ZoneInfo(shop.store["timezone"])).strftime("%Y-%m-%d %H:%M")


def test_a_shipped_order_shows_its_whole_fulfilment_in_both_languages(
        client: TestClient, shop: Shop, clock: SimulatedClock) -> None:
    # given two red tees, allocated to HZ1 by SF, labelled, picked in 12 minutes
    order = _allocated(shop, (shop.skus[0], 2))
    [booked] = shop.staff.post(f"/stores/{shop.store_id}/labels", {"order_ids": [order["id"]]})
    number = booked["labels"][0]["tracking_number"]
    wid = shop.warehouse["id"]
    shop.staff.post(f"/warehouses/{wid}/pick-scans", {"order_id": order["id"], "step": "start"}, expect=201)
    clock.advance(minutes=12)
    shop.staff.post(f"/warehouses/{wid}/pick-scans", {"order_id": order["id"], "step": "end"}, expect=201)
    # and a blue tee scanned at the door (blocked), then the two red ones, and the order verified
    door = {"order_id": order["id"], "stage": "outbound_verify"}
    shop.staff.post(f"/warehouses/{wid}/item-scans", {**door, "code": "TEE-BLU-L"}, expect=409)
    shop.staff.post(f"/warehouses/{wid}/item-scans", {**door, "code": "TEE-RED-M", "quantity": 2}, expect=201)
    shop.staff.post(f"/warehouses/{wid}/verifications", {"order_id": order["id"]}, expect=201)
    # and the carrier's scans, sent out of order: in transit in Shanghai, then the pickup in Hangzhou an hour earlier
    clock.advance(hours=3)
    picked, moving = clock.now() - timedelta(hours=2), clock.now() - timedelta(hours=1)
    shop.staff.post(f"/stores/{shop.store_id}/tracking-events", {"events": [
        {"tracking_number": number, "kind": "in_transit", "at": moving.isoformat(), "location": "Shanghai"},
        {"tracking_number": number, "kind": "picked_up", "at": picked.isoformat(), "location": "Hangzhou"}]})
    assert shop.staff.get(f"/orders/{order['id']}")["status"] == "shipped"
    staff = console(client, shop.staff.key)
    # when staff open the order page
    section = _section(ok(staff, f"/orders/{order['id']}"))
    said = text_of(section)
    # then it shows the allocation with its parcel, and the label with carrier and prints
    assert 'data-allocation-status="allocated"' in section and "all" in said
    assert _rows(section, "parcel") == [("1", "1 HZ1 SF TEE-RED-M ×2")]
    [(shown, label)] = _rows(section, "label")
    assert shown == number and "SF" in label and "in use" in label
    # and the tracking scans in the carrier's time order, in words, with place and the store's clock
    assert _rows(section, "tracking-kind") == [
        ("picked_up", f"{_local(picked, shop)} Picked up Hangzhou {number}"),
        ("in_transit", f"{_local(moving, shop)} In transit Shanghai {number}")]
    # and the floor's scans oldest first, the blocked one highlighted, verification done, picking over the guide
    floor = re.findall(r'<tr data-floor-scan="\d+" data-result="(\w+)"( class="scan-blocked")?', section)
    assert floor == [("ok", ""), ("ok", ""), ("blocked", ' class="scan-blocked"'), ("ok", ""), ("ok", "")]
    assert "Blocked · not on the order" in said and "Pick start" in said and "Outbound verification" in said
    assert "verified: the items at the door equal the order" in said
    assert "12.0 min (over the 10-minute guide)" in said
    # and the units left from HZ1, none still reserved
    assert _rows(section, "units") == [("shipped", "TEE-RED-M HZ1 2 shipped from here")]
    # and nothing to print any more: the order has shipped
    assert "data-print-label" not in section
    # when the page is read in Chinese, then the same story is told in Chinese
    zh = text_of(_section(ok(staff, f"/orders/{order['id']}?lang=zh")))
    for words in ("履约", "分配", "面单", "使用中", "物流轨迹", "已揽件", "运输中", "出库核验", "已核验：出库扫描与订单一致",
                  "已拦截 · 不在订单中", "开始拣货", "12.0 分钟", "超过 10 分钟参考时长", "从此仓库发出"):
        assert words in zh, words


def test_an_order_waiting_for_allocation_then_for_its_label(client: TestClient, shop: Shop) -> None:
    # given a paid order no rule has allocated yet
    order = shop.order((shop.skus[1], 1))
    shop.pay(order)
    staff = console(client, shop.staff.key)
    # then its section says so, offers no print, and its unit is reserved where checkout put it
    section = _section(ok(staff, f"/orders/{order['id']}"))
    said = text_of(section)
    assert "Not allocated yet." in said and "No label booked yet." in said and "No carrier scan yet." in said
    assert "not started" in said and "not picked yet" in said and "data-print-label" not in section
    assert _rows(section, "units") == [("reserved", "TEE-BLU-L HZ1 1 reserved here")]
    # when it is allocated, then the page offers to print its label, and printing answers the PDF
    _allocate(shop)
    section = _section(ok(staff, f"/orders/{order['id']}?lang=zh"))
    assert "data-print-label" in section and "打印面单" in section and "尚未获取面单" in section
    printed = staff.post("/fulfillment/queue/labels", data={"order_id": [str(order["id"])]})
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    # and the page then lists the label, printed once
    [(_, label)] = _rows(_section(ok(staff, f"/orders/{order['id']}?lang=en")), "label")
    assert " 1 in use" in label


def test_another_stores_staff_get_the_404_not_the_section(client: TestClient, shop: Shop) -> None:
    order = _allocated(shop, (shop.skus[0], 1))
    other = Shop(shop.operator, rulebook="aliexpress", currency="USD")
    page = ok(console(client, other.staff.key), f"/orders/{order['id']}", status=404)
    assert "data-fulfilment" not in page
    assert "data-fulfilment" in ok(console(client, shop.operator.key), f"/orders/{order['id']}")
