"""The console's promotion pages and an order's promotions, in a real browser, over data put in through the REST API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from console.marketing_seed import Seeded, seed
from shopkeeper import auth, migrate
from shopkeeper.clock import SimulatedClock
from shopkeeper.composition import create_app
from shopkeeper.db import Database
from shopkeeper.settings import Settings
from support import START, Api, serving

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Live:
    url: str
    operator_key: str
    data: Seeded


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app on a migrated SQLite database, served by uvicorn; seeded through its own REST API."""
    url = f"sqlite:///{tmp_path_factory.mktemp('promotions')}/p.db"
    migrate.upgrade(url)
    db = Database(url)
    clock = SimulatedClock(START)
    with db.transaction() as session:
        key = auth.create_key(session, clock.now(), auth.Role.OPERATOR, name="browser tests")
    try:
        with serving(create_app(db, clock, Settings(database_url=url)), "promotions-console") as base, \
                httpx.Client(base_url=base, timeout=30) as http:
            data = seed(Api(http, key))  # type: ignore[arg-type]  # Api only needs .request()
            yield Live(base, key, data)
    finally:
        db.dispose()


@pytest.fixture
def page(browser: Any, live: Live) -> Iterator[Any]:
    context = browser.new_context(base_url=live.url, locale="en-US", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    try:
        tab = context.new_page()
        tab.goto("/login")
        tab.fill("input[name=key]", live.operator_key)
        tab.click("button[type=submit]")
        tab.wait_for_load_state()
        yield tab
    finally:
        context.close()


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_promotions_list_detail_and_buttons(page: Any, live: Live) -> None:
    data = live.data
    # the marketing navigation leads to the list
    page.click("nav.marketnav >> text=Promotions")
    assert page.url == f"{live.url}/promotions"
    assert page.locator("h1").inner_text() == "Promotions"
    reduction = page.locator(f"tr[data-promotion-id='{data.reduction['id']}']")
    assert reduction.locator("[data-field=kind]").inner_text() == "Threshold reduction"
    assert reduction.locator("[data-field=summary]").inner_text() == "¥10 off ¥100+, ¥30 off ¥200+"
    platform = page.locator(f"tr[data-promotion-id='{data.platform['id']}']")
    assert platform.locator("[data-field=summary]").inner_text() == "¥30 off every ¥200, up to ¥90"
    flash = page.locator(f"tr[data-promotion-id='{data.flash['id']}']")
    assert flash.locator("[data-field=units]").inner_text() == "0 / 100"
    assert flash.locator("[data-field=buyers]").inner_text() == "0 / 50"
    assert "not started yet" in flash.inner_text()

    # the detail page
    flash.locator("a").first.click()
    assert page.url == f"{live.url}/promotions/{data.flash['id']}"
    assert squash(page.locator("h1").inner_text()) == "限量秒杀 Active"
    assert page.locator("p.lead").inner_text() == "Flash sale · ¥9.90 (Flash sale)"
    assert page.locator("[data-field=stacking]").inner_text() == "Exclusive: combines with nothing"
    assert page.locator("[data-field=priority]").inner_text() == "5"
    assert page.locator("[data-field=scope]").inner_text() == "SKUs: TEE-RED-M"
    assert page.locator("[data-field=window]").inner_text() == "2026-11-11 08:00 – 2026-11-12 08:00 (not started yet)"
    page.screenshot(path="/tmp/console-promotion.png", full_page=True)

    # pause, then end for good after confirming
    page.click("button[data-action=pause]")
    assert page.url == f"{live.url}/promotions/{data.flash['id']}?done=pause"
    assert page.locator(".notice").inner_text() == "Paused."
    assert page.locator("h1 .badge").inner_text() == "Paused"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[data-action=end]")
    assert page.locator(".notice").inner_text() == "Ended for good."
    assert page.locator("h1 .badge").inner_text() == "Ended"
    assert page.locator("button[data-action]").count() == 0
    with httpx.Client(base_url=live.url) as http:
        api = Api(http, live.operator_key)  # type: ignore[arg-type]
        assert api.get(f"/promotions/{data.flash['id']}")["status"] == "ended"


def test_dismissing_the_confirmation_ends_nothing(page: Any, live: Live) -> None:
    pid = live.data.shipping["id"]
    page.goto(f"/promotions/{pid}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("button[data-action=end]")
    assert page.url == f"{live.url}/promotions/{pid}"
    assert page.locator("h1 .badge").inner_text() == "Active"


def test_order_page_shows_the_promotions_section(page: Any, live: Live) -> None:
    order = live.data.order
    page.goto(f"/orders/{order['id']}")
    section = page.locator("section[data-section=promotions]")
    assert section.locator("h2").inner_text() == "Promotions"
    member = section.locator("tr[data-applied=no]", has_text="金卡价")
    assert squash(member.inner_text()) == "金卡价 Member price Item price Store-funded Not applied member level too low (needs gold)"
    second = section.locator("tr[data-applied=yes]", has_text="第二件半价")
    assert squash(second.inner_text()) == "第二件半价 Second-unit discount Item price Store-funded Applied saves ¥32.50 −¥32.50"
    assert section.locator("tr[data-applied=yes]").count() == 5
    assert section.locator("[data-field=hint]").inner_text() == "Nearest threshold: 跨店每满200减30: Add ¥172.80 to save ¥30.00 more"
    gift = section.locator("tr[data-gift=yes]")
    assert squash(gift.inner_text()) == "棉T恤 Cotton tee TEE-BLU-L Gift 1 ¥65.00 满100送T恤 −¥65.00 Store-funded 满100送T恤 → ¥0.00 ¥0.00"
    assert section.locator("[data-field=platform-funded]").inner_text() == "¥30.00"
    assert section.locator("[data-field=points-earned]").inner_text() == str(order["points_earned"])
    payable = [section.locator("table.priced-lines [data-field=payable]").nth(i).inner_text() for i in range(3)]
    assert payable == [f"¥{line['payable']['amount']}" for line in order["lines"]]
    assert page.locator("[data-total=total]").inner_text() == f"¥{order['total']['amount']}"
    page.screenshot(path="/tmp/console-order-promotions.png", full_page=True)
    # in Chinese
    page.click("a.lang-switch")
    assert page.locator("section[data-section=promotions] h2").inner_text() == "优惠明细"
    assert "会员等级不够（需 gold）" in page.locator("section[data-section=promotions]").inner_text()
    assert page.locator("section[data-section=promotions] tr[data-gift=yes] .badge").inner_text() == "赠品"
