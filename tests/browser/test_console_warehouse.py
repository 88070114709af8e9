"""The warehouse pages in a real browser, in English and Chinese (RULES.md §5.2): the main navigation leads to the
stocktakes; one stocktake's variance report adds up; its close button (after the browser's confirm) adjusts stock;
the scan log shows a blocked scan at the door."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from shopkeeper import auth, composition
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.errors import DomainError
from shopkeeper.inventory import service as inventory
from shopkeeper.models import metadata
from shopkeeper.orders import checkout
from shopkeeper.orders.payments import Notification, handle_notification, new_reference, start_payment
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM
from shopkeeper.settings import Settings
from shopkeeper.warehouse import scan_service, stocktake_service
from support import serving

pytestmark = pytest.mark.browser
START = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Floor:
    url: str
    db: Database
    staff_key: str
    stocktake_id: int
    warehouse_id: int
    sku_ids: list[int]


def _seed(db: Database, clock: SimulatedClock) -> dict[str, Any]:
    composition.install()
    now = clock.now()
    with db.transaction() as s:
        store = catalog.create_store(s, now, SYSTEM, "仓库 Store", "taobao", "CNY")
        warehouse = inventory.create_warehouse(s, SYSTEM, store.id, "WH1", "Main", "CN")
        _, skus = catalog.create_product(s, now, SYSTEM, store.id, catalog.ProductSpec(title="Mug 马克杯", skus=[
            catalog.SkuSpec(code="MUG-W", price_minor=2500), catalog.SkuSpec(code="MUG-B", price_minor=3000)]))
        for sku in skus:
            inventory.receive(s, now, SYSTEM, sku.id, warehouse.id, 20)
        staff_key = auth.create_key(s, now, Role.STAFF, store_id=store.id)
        buyer = customers.create_buyer(s, now, SYSTEM, "李雷")
        address = customers.add_address(s, SYSTEM, buyer.id, "李雷", "CN", "浙江", "杭州")
        shopper = Principal(role=Role.BUYER, key_id=0, buyer_id=buyer.id)
        order = checkout.place_order(s, now, shopper, store.id, address.id, [LineRequest(skus[0].id, 1)])
        payment = start_payment(s, now, shopper, order.id)
        handle_notification(s, now, Notification(payment.id, new_reference(), "succeeded", payment.amount_minor, "CNY"))
        take = stocktake_service.open_stocktake(s, now, SYSTEM, warehouse.id)
        stocktake_service.count_in_bulk(s, now, SYSTEM, take.id, [("MUG-W", 18), ("MUG-B", 21)])
        ids = (take.id, warehouse.id, [sku.id for sku in skus], order.id)
    try:
        with db.transaction() as s:
            scan_service.scan_item(s, now, SYSTEM, ids[1], ids[3], "outbound_verify", "MUG-B")
    except DomainError:
        pass
    return {"staff_key": staff_key, "stocktake_id": ids[0], "warehouse_id": ids[1], "sku_ids": ids[2]}


@pytest.fixture(scope="module")
def floor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Floor]:
    path: Path = tmp_path_factory.mktemp("warehouse")
    db = Database(f"sqlite:///{path}/w.db")
    metadata.create_all(db.engine)
    clock = SimulatedClock(START)
    data = _seed(db, clock)
    try:
        with serving(composition.create_app(db, clock, Settings()), "warehouse-server") as url:
            yield Floor(url=url, db=db, **data)
    finally:
        db.dispose()


@pytest.fixture
def tab(browser: Any, floor: Floor) -> Iterator[Any]:
    context = browser.new_context(base_url=floor.url, locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=key]", floor.staff_key)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        yield page
    finally:
        context.close()


def test_a_stocktakes_report_adds_up_and_its_close_button_adjusts_stock(tab: Any, floor: Floor) -> None:
    tab.goto("/")
    tab.click("nav.mainnav >> text=Warehouse")
    row = tab.locator("table.stocktakes tbody tr").first
    assert row.get_attribute("data-status") == "open" and "WH1" in row.inner_text()
    row.locator("[data-action=report]").click()
    lines = tab.locator("table.variances tbody tr")
    units = {lines.nth(i).get_attribute("data-sku"): int(lines.nth(i).locator("[data-field=units]").inner_text())
             for i in range(lines.count())}
    assert units == {"MUG-W": -2, "MUG-B": 1}
    assert int(tab.locator("dd[data-field=units]").inner_text()) == sum(units.values())
    assert tab.locator("dd[data-field=value]").inner_text() == "-¥20.00"  # -2 × 25.00 + 1 × 30.00

    tab.click("a.lang-switch")
    assert tab.locator("h1").inner_text().startswith(f"盘点单 #{floor.stocktake_id}")
    assert "盘点差异" in tab.locator("section[data-variance-report]").inner_text()
    tab.once("dialog", lambda dialog: dialog.accept())
    tab.click("[data-action=close]")
    tab.wait_for_load_state()
    assert "盘点单已关闭" in tab.locator("p.notice").inner_text()
    assert tab.locator("h1 [data-field=status]").inner_text() == "已关闭"
    assert tab.locator("[data-action=close]").count() == 0
    with floor.db.read() as s:
        levels = inventory.warehouse_levels(s, floor.warehouse_id)
    assert levels[floor.sku_ids[0]].on_hand == 18 and levels[floor.sku_ids[1]].on_hand == 21


def test_the_scan_log_shows_the_blocked_scan_in_both_languages(tab: Any) -> None:
    tab.goto("/warehouse/stocktakes")
    tab.click("nav.tabs >> text=Scan log")
    blocked = tab.locator("table.scans tbody tr[data-result=blocked]")
    assert blocked.count() == 1
    assert "not on the order" in blocked.inner_text() and "MUG-B" in blocked.inner_text()
    tab.select_option("select[name=result]", "blocked")
    tab.click("form.filters button[type=submit]")
    assert tab.locator("table.scans tbody tr").count() == 1
    tab.click("a.lang-switch")
    assert "不在订单中" in tab.locator("table.scans").inner_text() and tab.locator("h1").inner_text() == "扫描记录"
