"""The replenishment table and a purchase order (采购建议, 采购单, RULES.md §5.1) in a real browser, in English and
Chinese: the formula's inputs per SKU, ticking a SKU drafts its purchase order, which is placed and received."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from shopkeeper import auth, composition
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.inventory import service as inventory
from shopkeeper.models import metadata
from shopkeeper.orders import checkout
from shopkeeper.orders.payments import Notification, handle_notification, new_reference, start_payment
from shopkeeper.orders.rules import LineRequest
from shopkeeper.purchasing import service as purchasing
from shopkeeper.scope import SYSTEM
from shopkeeper.settings import Settings
from support import serving

pytestmark = pytest.mark.browser
START = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)  # 10:00 in Beijing


@dataclass(frozen=True)
class Store:
    url: str
    staff_key: str


def _seed(db: Database, clock: SimulatedClock) -> str:
    """Teapots: 30 in stock from Nov 20, 8 sold a day for 5 days (ADS 8.00); a supplier with a 10-day lead."""
    composition.install()
    with db.transaction() as s:
        now = clock.now()
        store = catalog.create_store(s, now, SYSTEM, "茶具 Teaware", "taobao", "CNY")
        warehouse = inventory.create_warehouse(s, SYSTEM, store.id, "HZ1", "Hangzhou", "CN")
        _, skus = catalog.create_product(s, now, SYSTEM, store.id, catalog.ProductSpec(title="Teapot 茶壶", skus=[
            catalog.SkuSpec(code="POT-1", price_minor=8800)]))
        inventory.receive(s, now, SYSTEM, skus[0].id, warehouse.id, 60)
        supplier = purchasing.create_supplier(s, now, SYSTEM, store.id, purchasing.SupplierSpec("宜兴紫砂 Yixing", 10, "CNY",
                                                                                             pack_size=10))
        purchasing.set_supply(s, now, SYSTEM, skus[0].id, purchasing.SupplySpec(supplier.id, 3500))
        buyer = customers.create_buyer(s, now, SYSTEM, "张三")
        address = customers.add_address(s, SYSTEM, buyer.id, "张三", "CN", "浙江", "杭州").id
        staff_key = auth.create_key(s, now, Role.STAFF, store_id=store.id)
    shopper = Principal(role=Role.BUYER, key_id=0, buyer_id=buyer.id)
    for _ in range(5):
        with db.transaction() as s:
            order = checkout.place_order(s, clock.now(), shopper, store.id, address, [LineRequest(skus[0].id, 8)])
            payment = start_payment(s, clock.now(), shopper, order.id)
            handle_notification(s, clock.now(), Notification(payment.id, new_reference(), "succeeded",
                                                             payment.amount_minor, payment.currency))
        clock.advance(timedelta(days=1))
    return staff_key


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("purchasing")
    db = Database(f"sqlite:///{path}/p.db")
    metadata.create_all(db.engine)
    clock = SimulatedClock(START)
    key = _seed(db, clock)
    try:
        with serving(composition.create_app(db, clock, Settings()), "purchasing-server") as url:
            yield Store(url=url, staff_key=key)
    finally:
        db.dispose()


@pytest.fixture
def tab(browser: Any, store: Store) -> Iterator[Any]:
    context = browser.new_context(base_url=store.url, locale="en-US", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=key]", store.staff_key)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        yield page
    finally:
        context.close()


def test_replenishment_drafts_places_and_receives_in_both_languages(tab: Any) -> None:
    # the navigation leads to the table; the teapot: 20 on sale, 40 sold over 5 days with stock (9 without), ADS 8.00
    tab.goto("/")
    tab.click("nav.mainnav >> text=Purchasing")
    row = tab.locator("table.replenishment tbody tr[data-sku=POT-1]")
    cell = (lambda name: row.locator(f"[data-field={name}]").inner_text())
    assert (cell("on_hand"), cell("sold"), cell("days_counted"), cell("stockout_days"), cell("ads")) == \
        ("20", "40", "5", "9", "8.00")
    # point 8 × (10 + 3) = 104; target 8 × 20 = 160; 160 − 20 = 140 = 14 packs of 10
    assert (cell("reorder_point"), cell("target"), cell("quantity"), cell("amount")) == ("104.00", "160.00", "140", "¥4,900.00")
    assert cell("flags") == "Below reorder point"
    assert tab.locator("[data-action=export-xlsx]").get_attribute("href").startswith("/purchasing/replenishment.xlsx")

    tab.click("a.lang-switch")
    assert tab.locator("h1").inner_text() == "补货建议"
    assert row.locator("[data-field=flags]").inner_text() == "低于再订货点"
    # tick the teapot and draft its order
    row.locator("input[name=sku]").check()
    tab.click("[data-action=draft]")
    assert tab.locator("h1").inner_text().startswith("采购单 PO-")
    assert tab.locator("[data-field=status]").inner_text() == "草稿"
    tab.click("[data-action=place]")
    assert tab.locator("[data-field=status]").inner_text() == "已下单"

    tab.click("a.lang-switch")
    tab.fill("table.purchase-lines input[type=number]", "50")
    tab.click("[data-action=receive]")
    assert tab.locator("[data-field=status]").inner_text() == "Partly received"
    line = tab.locator("table.purchase-lines tbody tr").first
    assert (line.locator("[data-field=received]").inner_text(), line.locator("[data-field=open]").inner_text()) == ("50", "90")
    assert "50 units received, ¥1,750.00" in tab.locator("ul.receipts").inner_text()
    assert tab.locator("table.supplier-payments [data-status=pending_approval]").count() == 1
    # back on the table: 70 on sale, 90 in transit, nothing more is due
    tab.click("text=← All purchase orders")
    tab.click("text=← Replenishment")
    assert (cell("on_hand"), cell("in_transit"), cell("quantity")) == ("70", "90", "0")


def test_suppliers_are_added_edited_deactivated_and_a_sku_s_terms_set(tab: Any) -> None:
    # from the table: no campaign in force; the suppliers page lists the one the seed made
    tab.goto("/purchasing/replenishment")
    assert tab.locator("p.campaign-in-force").inner_text().startswith("No campaign in force")
    tab.click("[data-action=suppliers]")
    assert tab.locator("h1").inner_text() == "Suppliers"
    assert tab.locator("table.suppliers tbody tr").count() == 1
    # add one, in Chinese; a name taken is refused in Chinese and nothing is added
    tab.click("a.lang-switch")
    form = tab.locator("form.supplier-form")
    form.locator("input[name=name]").fill("德化白瓷 Dehua")
    form.locator("input[name=lead_days]").fill("14")
    form.locator("input[name=pack_size]").fill("6")
    form.locator("input[name=moq]").fill("12")
    form.locator("input[name=prepay]").check()
    tab.click("[data-action=add-supplier]")
    assert tab.locator("p.notice").inner_text() == "已添加供应商。"
    row = tab.locator("table.suppliers tbody tr", has_text="Dehua")
    assert (row.locator("[data-field=lead_days]").inner_text(), row.locator("[data-field=prepay]").inner_text()) == ("14", "是")
    form.locator("input[name=name]").fill("德化白瓷 Dehua")
    form.locator("input[name=lead_days]").fill("3")
    tab.click("[data-action=add-supplier]")
    assert "已有名为 德化白瓷 Dehua 的供应商" in tab.locator("div.alert").inner_text()
    assert tab.locator("table.suppliers tbody tr").count() == 2
    # edit it in English: a 9-day lead; then deactivate it
    tab.click("a.lang-switch")
    tab.click("table.suppliers >> text=德化白瓷 Dehua")
    tab.fill("input[name=lead_days]", "9")
    tab.click("[data-action=save-supplier]")
    assert tab.locator("p.notice").inner_text().startswith("Saved")
    assert tab.locator("input[name=lead_days]").input_value() == "9"
    tab.click("[data-action=deactivate]")
    assert tab.locator("[data-field=active]").inner_text() == "Inactive"
    tab.click("text=← All suppliers")
    assert tab.locator("table.suppliers tr[data-active=no]").count() == 1
    # a SKU's own terms from the table: safety 5 days on the teapot
    tab.click("text=← Replenishment")
    tab.click("table.replenishment >> [data-action=supply]")
    assert tab.locator("h1").inner_text() == "Supply terms of POT-1"
    assert tab.locator("input[name=unit_cost]").input_value() == "35.00"
    tab.fill("input[name=safety_days]", "5")
    tab.click("[data-action=save-supply]")
    assert tab.locator("p.notice").inner_text().startswith("Saved")
    tab.click("text=← Replenishment")
    terms = tab.locator("table.replenishment tbody tr[data-sku=POT-1] [data-field=terms]").inner_text()
    assert terms == "10 + 5 + 7"
