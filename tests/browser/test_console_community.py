"""A community leader's page (社区团购) in a real browser, in English and Chinese: the leader's point, their commission
and the closed wave's pick list for their point, whose SKU totals add up to the orders listed under them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shopkeeper import auth, composition, timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.inventory import service as inventory
from shopkeeper.models import metadata
from shopkeeper.orders.payments import Notification, handle_notification, new_reference, start_payment
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM
from shopkeeper.settings import Settings
from shopkeeper.social.community import rules
from shopkeeper.social.community import service as community
from support import serving

pytestmark = pytest.mark.browser
START = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)  # 17:00 in Beijing; the 20:00 cut-off is 12:00 UTC


@dataclass(frozen=True)
class Town:
    url: str
    staff_key: str
    leader_id: int


def _seed(db: Database, clock: SimulatedClock) -> dict[str, Any]:
    composition.install()
    with db.transaction() as s:
        now = clock.now()
        store = catalog.create_store(s, now, SYSTEM, "社区生鲜 Fresh", "taobao", "CNY")
        warehouse = inventory.create_warehouse(s, SYSTEM, store.id, "WH1", "Main", "CN")
        _, skus = catalog.create_product(s, now, SYSTEM, store.id, catalog.ProductSpec(title="Eggs 鸡蛋", skus=[
            catalog.SkuSpec(code="EGG-10", price_minor=1590), catalog.SkuSpec(code="EGG-30", price_minor=3990)]))
        for sku in skus:
            inventory.receive(s, now, SYSTEM, sku.id, warehouse.id, 100)
        community.set_settings(s, now, SYSTEM, store.id, rules.Settings(True, ("10:00", "20:00"), 3, "refund", Decimal("0.05")))
        point = community.create_point(s, now, SYSTEM, community.PointSpec(store.id, "3号楼便利店", "阳光花园", "CN", "3号楼底商"))
        head = customers.create_buyer(s, now, SYSTEM, "王阿姨")
        leader = community.appoint(s, now, SYSTEM, point.id, head.id, "王阿姨")
        staff_key = auth.create_key(s, now, Role.STAFF, store_id=store.id)
        buyers = []
        for name in ("张三", "李四"):
            buyer = customers.create_buyer(s, now, SYSTEM, name)
            buyers.append((buyer.id, customers.add_address(s, SYSTEM, buyer.id, name, "CN", "湖南", "长沙").id))
    for (buyer_id, address_id), lines in zip(buyers, ([(skus[0].id, 2), (skus[1].id, 1)], [(skus[0].id, 3)])):
        shopper = Principal(role=Role.BUYER, key_id=0, buyer_id=buyer_id)
        with db.transaction() as s:
            _, order = community.order_through(s, clock.now(), shopper, leader.code, community.CommunityOrderRequest(
                address_id, [LineRequest(sku, q) for sku, q in lines]))
            payment = start_payment(s, clock.now(), shopper, order.id)
            handle_notification(s, clock.now(), Notification(payment.id, new_reference(), "succeeded",
                                                             payment.amount_minor, payment.currency))
    clock.set(START + timedelta(hours=3, minutes=1))
    timers.run_due_timers(db, clock)
    return {"staff_key": staff_key, "leader_id": leader.id}


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Town]:
    path: Path = tmp_path_factory.mktemp("community")
    db = Database(f"sqlite:///{path}/c.db")
    metadata.create_all(db.engine)
    clock = SimulatedClock(START)
    data = _seed(db, clock)
    try:
        with serving(composition.create_app(db, clock, Settings()), "community-server") as url:
            yield Town(url=url, **data)
    finally:
        db.dispose()


@pytest.fixture
def tab(browser: Any, town: Town) -> Iterator[Any]:
    context = browser.new_context(base_url=town.url, locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=key]", town.staff_key)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        yield page
    finally:
        context.close()


def test_a_leaders_page_shows_the_closed_waves_pick_list_in_both_languages(tab: Any, town: Town) -> None:
    # the marketing navigation leads to the leaders, and a leader's name to their page
    tab.goto("/")
    tab.click("nav.socialnav >> text=Community leaders")
    tab.click("table.leaders >> text=王阿姨")
    assert tab.locator("h1").inner_text().startswith("Leader 王阿姨")
    pick = tab.locator("section[data-pick-list]")
    assert "Units per SKU for this point (6 in all)" in pick.inner_text()
    totals = {tab.locator("table.pick-totals tbody tr").nth(i).get_attribute("data-sku"):
              int(tab.locator("table.pick-totals tbody tr").nth(i).locator("[data-field=quantity]").inner_text())
              for i in range(tab.locator("table.pick-totals tbody tr").count())}
    assert totals == {"EGG-10": 5, "EGG-30": 1}
    lines = tab.locator("table.pick-orders tbody tr [data-field=quantity]")
    assert sum(int(lines.nth(i).inner_text()) for i in range(lines.count())) == sum(totals.values())
    assert tab.locator("table.waves tbody tr").first.get_attribute("data-status") == "closed"
    assert tab.locator("[data-field=frozen]").inner_text() == "¥0.00"
    assert tab.locator("[data-field=payable]").inner_text() == "¥0.00"
    assert "No payout requests." in tab.locator("#payouts").inner_text()

    tab.click("a.lang-switch")
    assert tab.locator("h1").inner_text().startswith("团长 王阿姨")
    assert "本自提点各 SKU 件数（共 6 件）" in tab.locator("section[data-pick-list]").inner_text()
    assert "已截单，待配货" in tab.locator("table.waves").inner_text()
    assert "当前可提现" in tab.locator("[data-commission]").inner_text() and "暂无提现申请。" in tab.locator("#payouts").inner_text()


def test_the_wave_board_lists_the_closed_wave_and_opens_its_pick_list_in_both_languages(tab: Any, town: Town) -> None:
    # from the leaders, the board; its row counts the wave's orders; its link opens the wave's pick list
    tab.goto("/community/leaders")
    tab.click("[data-action=waves]")
    row = tab.locator("table.waves tbody tr").first
    assert row.get_attribute("data-status") == "closed" and "20:00" in row.inner_text()
    assert row.locator("[data-field=orders]").inner_text() == "2"
    assert row.locator("[data-field=collected]").inner_text() == "0"
    row.locator("[data-action=pick-list]").click()
    assert "Units per SKU for the wave (6 in all)" in tab.locator("section[data-pick-list]").inner_text()
    share = tab.locator("section[data-leader-share]")
    assert share.count() == 1 and "2 orders, 6 units for this point" in share.inner_text()

    tab.click("a.lang-switch")
    assert "本波次各 SKU 件数（共 6 件）" in tab.locator("section[data-pick-list]").inner_text()
    tab.click("text=← 全部波次")
    assert "已截单，待配货" in tab.locator("table.waves").inner_text() and tab.locator("h1").inner_text() == "配送波次"
