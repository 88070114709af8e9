"""The awaiting-shipment queue (待发货, RULES.md §5.1 打单配货, §5.7 ship-by) over HTTP: soonest ship-by first, overdue
flagged, allocation and label shown; "book & print labels" answers one PDF, an unallocated order is refused in the
page's language with nothing booked; the pick list alone; another store's orders stay out of sight."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from console.test_marketing_pages import console, ok, rows
from shopkeeper.clock import SimulatedClock
from support import Shop


def _paid(shop: Shop, *lines: tuple[int, int]) -> Any:
    order = shop.order(*lines)
    shop.pay(order)
    return order


def _allocate(shop: Shop) -> None:
    shop.staff.post(f"/stores/{shop.store_id}/allocation-rules",
                    {"name": "all", "conditions": {}, "warehouse_code": "HZ1", "channel_code": "ZTO"}, expect=201)
    shop.staff.post(f"/stores/{shop.store_id}/allocations?dry_run=false")


def test_the_queue_sorts_by_ship_by_flags_overdue_and_prints_labels_for_the_ticked(
        client: TestClient, shop: Shop, clock: SimulatedClock) -> None:
    # given an order paid four days ago (past Taobao's 72 h), one paid now, both allocated, and one paid after that
    late = _paid(shop, (shop.skus[0], 1))
    clock.advance(days=4)
    fresh = _paid(shop, (shop.skus[1], 2))
    _allocate(shop)
    unallocated = _paid(shop, (shop.skus[0], 1))
    staff = console(client, shop.staff.key)
    # when staff open the queue
    page = ok(staff, "/fulfillment/queue")
    listed = rows(page, "order-id")
    # then it runs soonest ship-by first, the late one flagged, each with its allocation or that it has none
    assert list(listed) == [late["id"], fresh["id"], unallocated["id"]]
    assert "overdue" in listed[late["id"]] and "overdue" not in listed[fresh["id"]]
    assert "HZ1 → ZTO" in listed[fresh["id"]] and "rule: all" in listed[fresh["id"]]
    assert "not allocated yet" in listed[unallocated["id"]] and "no label" in listed[late["id"]]
    # when an unallocated order is ticked with the others, then nothing is booked and the page says why, in Chinese too
    refused = staff.post("/fulfillment/queue/labels?lang=zh", data={"order_id": [str(late["id"]), str(unallocated["id"])]})
    assert refused.status_code == 409 and f"订单 {unallocated['number']} 尚未分配" in refused.text
    assert "no label" in rows(ok(staff, "/fulfillment/queue?lang=en"), "order-id")[late["id"]]
    # when the two allocated ones are booked and printed
    printed = staff.post("/fulfillment/queue/labels", data={"order_id": [str(late["id"]), str(fresh["id"])]})
    assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")
    # then the queue shows their labels, printed once
    after = rows(ok(staff, "/fulfillment/queue"), "order-id")
    label = shop.staff.get(f"/orders/{late['id']}/tracking")["labels"][0]
    assert label["tracking_number"] in after[late["id"]] and "printed ×1" in after[late["id"]]
    # and the pick list alone prints for any selection, labelled or not
    pick = staff.get(f"/fulfillment/queue/pick-list?order_id={unallocated['id']}")
    assert pick.status_code == 200 and pick.content.startswith(b"%PDF")
    assert staff.get("/fulfillment/queue/pick-list").status_code == 400


def test_the_queue_shows_only_the_principals_stores_and_speaks_chinese(client: TestClient, shop: Shop) -> None:
    mine = _paid(shop, (shop.skus[0], 1))
    other = Shop(shop.operator, rulebook="aliexpress", currency="USD")
    theirs = _paid(other, (other.skus[0], 1))
    staff = console(client, shop.staff.key)
    assert list(rows(ok(staff, "/fulfillment/queue"), "order-id")) == [mine["id"]]
    assert set(rows(ok(console(client, shop.operator.key), "/fulfillment/queue"), "order-id")) == {mine["id"], theirs["id"]}
    zh = ok(staff, "/fulfillment/queue?lang=zh")
    assert "待发货" in zh and "获取并打印面单" in zh and "尚未分配" in zh
    # another store's order cannot be booked from here
    refused = staff.post("/fulfillment/queue/labels", data={"order_id": [str(theirs["id"])]})
    assert refused.status_code == 409
    assert staff.post("/fulfillment/queue/labels", data={"order_id": ["x"]}).status_code == 400
