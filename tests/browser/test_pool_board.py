"""The pools (拼单) section of the group-buy board in a real browser, in English and in Chinese: a store's staff see a
basket filling against its threshold and clock, and the store's pool offers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

from shopkeeper import auth
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.composition import create_app
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.inventory import service as inventory
from shopkeeper.models import metadata
from shopkeeper.orders.payments import Notification, handle_notification, new_reference, start_payment
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM
from shopkeeper.settings import Settings
from shopkeeper.social.pools import service as pools
from support import serving

pytestmark = pytest.mark.browser
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class PoolConsole:
    url: str
    staff_key: str
    pool_id: int
    offer_id: int


@pytest.fixture(scope="module")
def pool_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PoolConsole]:
    """A store whose 200.00 pool has the opener's paid ¥129.00 scarf in it, opened an hour and a half before the clock."""
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('pools')}/p.db")
    metadata.create_all(db.engine)
    clock = SimulatedClock(NOW)
    with db.transaction() as s:
        now = clock.now()
        store = catalog.create_store(s, now, SYSTEM, "拼单小店", "taobao", "CNY")
        warehouse = inventory.create_warehouse(s, SYSTEM, store.id, "WH1", "Main", "CN")
        _, (sku,) = catalog.create_product(s, now, SYSTEM, store.id, catalog.ProductSpec(
            title="Wool scarf 羊毛围巾", skus=[catalog.SkuSpec(code="SCARF", price_minor=12900)]))
        inventory.receive(s, now, SYSTEM, sku.id, warehouse.id, 50)
        offer = pools.create_offer(s, now, SYSTEM, pools.OfferSpec(store.id, "满 200 享 9 折", "amount", 20000,
                                                                   Decimal(10), 24))
        buyer = customers.create_buyer(s, now, SYSTEM, "Li Lei")
        address = customers.add_address(s, SYSTEM, buyer.id, "李雷", "CN", "浙江", "杭州")
        staff_key = auth.create_key(s, now, Role.STAFF, store_id=store.id)
        shopper = Principal(Role.BUYER, 0, buyer_id=buyer.id)
        pool, order = pools.open_pool(s, now, shopper, offer.id, pools.PoolOrder(address.id, [LineRequest(sku.id, 1)]))
        payment = start_payment(s, now, shopper, order.id)
        handle_notification(s, now, Notification(payment.id, new_reference(), "succeeded", payment.amount_minor,
                                                 payment.currency))
        ids = (pool.id, offer.id)
    clock.advance(hours=1, minutes=30)
    try:
        with serving(create_app(db, clock, Settings()), "pool-console") as url:
            yield PoolConsole(url, staff_key, *ids)
    finally:
        db.dispose()


@pytest.mark.parametrize(("locale", "words"), [
    ("en-US", ("Pools (拼单)", "Filling", "¥129.00 of ¥200.00", "10% off", "22h 30m left", "Pool offers")),
    ("zh-CN", ("拼单", "拼单中", "¥129.00 / ¥200.00", "减 10%", "剩余 22小时30分", "拼单活动")),
])
def test_staff_see_the_pool_filling_against_its_threshold(browser: Any, pool_console: PoolConsole, locale: str,
                                                         words: tuple[str, ...]) -> None:
    context = browser.new_context(base_url=pool_console.url, locale=locale, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/login")  # the form posts the key: a key never goes in a URL
        page.fill("input[name=key]", pool_console.staff_key)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto("/group-buys")
        row = page.locator(f"tr[data-pool-id='{pool_console.pool_id}']")
        text = " ".join(row.inner_text().split())
        assert all(word in text for word in words[1:5]), text
        assert page.get_by_role("heading", name=words[0], exact=True).count() == 1
        assert page.get_by_role("heading", name=words[5], exact=True).count() == 1
        assert page.locator(f"tr[data-pool-offer-id='{pool_console.offer_id}']").count() == 1
        assert row.locator("progress").get_attribute("value") == "12900"
    finally:
        context.close()
