"""The back-office pages in a real browser, in English and Chinese, each doing one thing a person does there: a dry
run of the allocation rules, uploading a sample export and reading its report, resending a failed webhook delivery."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from shopkeeper import auth, composition, timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.fulfillment import allocation_service as allocation
from shopkeeper.inventory import service as inventory
from shopkeeper.models import metadata
from shopkeeper.orders import checkout
from shopkeeper.orders.payments import Notification, handle_notification, new_reference, start_payment
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM
from shopkeeper.settings import Settings
from shopkeeper.webhooks import service as webhooks
from support import serving
from webhooks.receiver import free_port

pytestmark = pytest.mark.browser
START = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
SAMPLES = Path(__file__).parent.parent / "orders" / "intake" / "samples"


@dataclass(frozen=True)
class Office:
    url: str
    staff_key: str
    store_id: int
    order_id: int


def _seed(db: Database, clock: SimulatedClock) -> dict[str, Any]:
    composition.install()  # the webhook outbox hears events; the timers send deliveries
    with db.transaction() as s:
        now = clock.now()
        store = catalog.create_store(s, now, SYSTEM, "港茶 Harbor Tea", "taobao", "CNY")
        warehouse = inventory.create_warehouse(s, SYSTEM, store.id, "HZ1", "Hangzhou", "CN")
        _, (sku,) = catalog.create_product(s, now, SYSTEM, store.id, catalog.ProductSpec(
            title="Mug 马克杯", skus=[catalog.SkuSpec(code="MUG-BLUE-12", price_minor=1200)]))
        inventory.receive(s, now, SYSTEM, sku.id, warehouse.id, 100)
        allocation.create_rule(s, now, SYSTEM, store.id, allocation.RuleSpec("Everything by post", {}, "HZ1", "YANWEN"))
        # a receiver that is never up: its port closed
        webhooks.create_subscription(s, now, SYSTEM, store.id, webhooks.SubscriptionSpec(
            f"http://127.0.0.1:{free_port()}/hooks", ["order.placed"]), development=True)
        buyer = customers.create_buyer(s, now, SYSTEM, "Li Lei")
        address = customers.add_address(s, SYSTEM, buyer.id, "李雷", "CN", "浙江", "杭州", "文一西路 1号", "310000", "13800000000")
        staff_key = auth.create_key(s, now, Role.STAFF, store_id=store.id)
    shopper = Principal(role=Role.BUYER, key_id=0, buyer_id=buyer.id)
    with db.transaction() as s:
        placed = checkout.place_order(s, clock.now(), shopper, store.id, address.id, [LineRequest(sku.id, 2)])
        payment = start_payment(s, clock.now(), shopper, placed.id)
        handle_notification(s, clock.now(), Notification(payment.id, new_reference(), "succeeded", payment.amount_minor,
                                                         payment.currency))
    for _ in range(10):  # two days of retries: the delivery of order.placed fails for good
        timers.run_due_timers(db, clock)
        clock.advance(hours=25)
    return {"staff_key": staff_key, "store_id": store.id, "order_id": placed.id}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    path: Path = tmp_path_factory.mktemp("backoffice")
    db = Database(f"sqlite:///{path}/b.db")
    metadata.create_all(db.engine)
    clock = SimulatedClock(START)
    data = _seed(db, clock)
    try:
        with serving(composition.create_app(db, clock, Settings()), "backoffice-server") as url:
            yield Office(url=url, **data)
    finally:
        db.dispose()


@pytest.fixture
def tab(browser: Any, office: Office) -> Iterator[Any]:
    context = browser.new_context(base_url=office.url, locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=key]", office.staff_key)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        yield page
    finally:
        context.close()


def test_a_dry_run_shows_where_the_open_order_goes_in_both_languages(tab: Any, office: Office) -> None:
    tab.goto("/")
    tab.click("nav.officenav >> text=Allocation")
    assert tab.locator("h1").inner_text() == "Order allocation · 港茶 Harbor Tea"
    assert "every order" in tab.locator("section[data-rules]").inner_text()
    tab.click("[data-action=dry-run]")
    row = tab.locator(f"tr[data-order-id='{office.order_id}']")
    assert row.get_attribute("data-status") == "allocated"
    assert "rule “Everything by post” sends it to HZ1 by YANWEN (MUG-BLUE-12 ×2)." in row.inner_text()
    tab.click("a.lang-switch")
    assert tab.locator("h1").inner_text() == "订单分配 · 港茶 Harbor Tea"
    row = tab.locator(f"tr[data-order-id='{office.order_id}']")
    assert "已分配" in row.inner_text() and "规则“Everything by post”将其分配到 HZ1，物流 YANWEN" in row.inner_text()


def test_uploading_a_sample_export_shows_its_report_line_by_line_in_both_languages(tab: Any) -> None:
    tab.goto("/")
    tab.click("nav.officenav >> text=Imports")
    tab.set_input_files("input[name=file]", str(SAMPLES / "shopify_orders_bad.csv"))
    tab.click("[data-action=upload]")
    tab.wait_for_url("**/orders/imports/*")
    assert tab.locator("h1").inner_text().startswith("Import #")
    assert "“two” is not a quantity" in tab.locator("tr[data-line='3']").inner_text()
    assert "unknown currency “ZZZ”" in tab.locator("tr[data-line='4']").inner_text()
    imported = int(tab.locator("dd[data-count=imported]").inner_text())
    assert imported >= 1  # the good order of the file came in
    tab.click("a.lang-switch")
    assert "“two”不是有效数量" in tab.locator("tr[data-line='3']").inner_text()
    assert "被拒绝" in tab.locator("tr[data-line='5']").inner_text()
    tab.click("text=← 订单导入")
    assert tab.locator("table.listing tbody tr").count() >= 1


def test_a_failed_delivery_is_resent_from_the_log_in_both_languages(tab: Any, office: Office) -> None:
    tab.goto("/")
    tab.click("nav.officenav >> text=Webhooks")
    tab.select_option("select[name=status]", "failed")
    tab.click("section[data-log] button[type=submit]")
    row = tab.locator("tr[data-delivery-id]").first
    assert row.get_attribute("data-status") == "failed" and "order.placed" in row.inner_text()
    row.locator("[data-action=resend]").click()
    assert "The delivery is sent again now, with the same event id." in tab.locator("p.notice").inner_text()
    assert tab.locator("tr[data-delivery-id]").first.get_attribute("data-status") == "pending"
    tab.click("a.lang-switch")
    assert tab.locator("h1").inner_text() == "Webhook · 港茶 Harbor Tea"
    assert "待推送" in tab.locator("tr[data-delivery-id]").first.inner_text()
