"""The order page's customs section in a real browser, in English and Chinese (RULES.md §6.1): a Turkish order of a
cross-border store shows its landed-cost estimate over the EUR 30 threshold, who pays duties, and a working link to
its commercial invoice."""

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
from shopkeeper.crossborder import service as customs
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.inventory import service as inventory
from shopkeeper.models import metadata
from shopkeeper.orders import checkout
from shopkeeper.orders.payments import Notification, handle_notification, new_reference, start_payment
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM
from shopkeeper.settings import Settings
from support import serving

pytestmark = pytest.mark.browser
START = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Abroad:
    url: str
    staff_key: str
    order_id: int


def _seed(db: Database, clock: SimulatedClock) -> dict[str, Any]:
    composition.install()
    with db.transaction() as s:
        now = clock.now()
        store = catalog.create_store(s, now, SYSTEM, "Tee Export 外贸T恤", "aliexpress", "EUR")
        customs.change_profile(s, now, SYSTEM, store.id, "CN", "hk-dhl", "buyer", {}, "Hangzhou Tee Co.", "1 Wensan Road")
        warehouse = inventory.create_warehouse(s, SYSTEM, store.id, "WH1", "Main", "CN")
        _, (sku,) = catalog.create_product(s, now, SYSTEM, store.id, catalog.ProductSpec(
            title="Cotton tee 棉T恤", skus=[catalog.SkuSpec(code="TEE-1", price_minor=5990)]))
        inventory.receive(s, now, SYSTEM, sku.id, warehouse.id, 10)
        buyer = customers.create_buyer(s, now, SYSTEM, "Ayşe")
        address = customers.add_address(s, SYSTEM, buyer.id, "Ayşe Yılmaz", "TR", "Istanbul", "Istanbul", "1 Main St", "34000")
        staff_key = auth.create_key(s, now, Role.STAFF, store_id=store.id)
    shopper = Principal(role=Role.BUYER, key_id=0, buyer_id=buyer.id)
    with db.transaction() as s:
        order = checkout.place_order(s, clock.now(), shopper, store.id, address.id, [LineRequest(sku.id, 1)])
        payment = start_payment(s, clock.now(), shopper, order.id)
        handle_notification(s, clock.now(), Notification(payment.id, new_reference(), "succeeded", payment.amount_minor,
                                                         payment.currency))
        return {"staff_key": staff_key, "order_id": order.id}


@pytest.fixture(scope="module")
def abroad(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Abroad]:
    path: Path = tmp_path_factory.mktemp("customs")
    db = Database(f"sqlite:///{path}/c.db")
    metadata.create_all(db.engine)
    clock = SimulatedClock(START)
    data = _seed(db, clock)
    try:
        with serving(composition.create_app(db, clock, Settings()), "customs-server") as url:
            yield Abroad(url=url, **data)
    finally:
        db.dispose()


@pytest.fixture
def tab(browser: Any, abroad: Abroad) -> Iterator[Any]:
    context = browser.new_context(base_url=abroad.url, locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=key]", abroad.staff_key)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        yield page
    finally:
        context.close()


def test_the_order_page_shows_the_landed_cost_duty_payer_and_invoice_in_both_languages(tab: Any, abroad: Abroad) -> None:
    tab.goto(f"/orders/{abroad.order_id}")
    section = tab.locator("section[data-customs]")
    assert section.locator("h2").inner_text() == "Customs"
    assert tab.locator("[data-customs-field=duty]").inner_text() == "€5.99"
    assert "threshold €30.00 (since 2017-01-15)" in tab.locator("[data-customs-field=rule]").inner_text()
    assert tab.locator("[data-customs-field=duty-payer]").inner_text() == "Buyer (duties collect)"
    link = tab.locator("a[data-commercial-invoice]")
    response = tab.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    tab.click("a.lang-switch")
    assert tab.locator("section[data-customs] h2").inner_text() == "报关"
    assert tab.locator("[data-customs-field=duty-payer]").inner_text() == "买家（关税到付）"
    assert "超过关税起征点" in tab.locator("[data-customs-field=rule]").inner_text()
    assert tab.locator("a[data-commercial-invoice]").inner_text() == "商业发票（PDF）"
