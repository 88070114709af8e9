"""The after-sales pages in a real browser: the countdowns tick, in both languages, and read right without scripts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from console.case_seed import CaseSeed, seed
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
    data: CaseSeed


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app on a migrated SQLite database, served by uvicorn; the cases built on its simulated clock, which then stands still."""
    folder = tmp_path_factory.mktemp("cases")
    url = f"sqlite:///{folder}/c.db"
    migrate.upgrade(url)
    db = Database(url)
    clock = SimulatedClock(START)
    with db.transaction() as session:
        key = auth.create_key(session, clock.now(), auth.Role.OPERATOR, name="browser tests")
    settings = Settings(database_url=url, evidence_dir=str(folder / "evidence"))
    try:
        with serving(create_app(db, clock, settings), "cases-console") as base, httpx.Client(base_url=base, timeout=30) as http:
            data = seed(Api(http, key), db, clock)  # type: ignore[arg-type]  # Api only needs .request()
            yield Live(base, key, data)
    finally:
        db.dispose()


def _signed_in(browser: Any, live: Live, key: str, locale: str = "en-US", scripts: bool = True) -> Any:
    context = browser.new_context(base_url=live.url, locale=locale, viewport={"width": 1400, "height": 900},
                                  java_script_enabled=scripts)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.goto("/login")  # the form posts the key: a key never goes in a URL
    tab.fill("input[name=key]", key)
    tab.click("button[type=submit]")
    tab.wait_for_load_state()
    return tab


@pytest.fixture
def page(browser: Any, live: Live) -> Iterator[Any]:
    tab = _signed_in(browser, live, live.operator_key)
    try:
        yield tab
    finally:
        tab.context.close()


def test_the_case_list_counts_down_every_second(page: Any, live: Live) -> None:
    page.click("nav.casenav >> text=After-sales")
    assert page.url == f"{live.url}/cases"
    first = page.locator(f"tr[data-case-id='{live.data.reship['id']}'] [data-countdown]")
    # the server rendered "1d 22h left"; the script shows the seconds and counts them down
    page.wait_for_function("e => /s left$/.test(e.textContent)", arg=first.element_handle())
    seen = first.inner_text()
    assert re.fullmatch(r"1d 2[12]h \d\dm \d\ds left", seen), seen
    page.wait_for_function("([e, before]) => e.textContent !== before", arg=[first.element_handle(), seen])
    assert re.fullmatch(r"1d 21h 59m 5\ds left", first.inner_text())
    assert first.evaluate("e => getComputedStyle(e).color") == "rgb(46, 125, 50)"  # green while time is left
    page.screenshot(path="/tmp/console-cases.png", full_page=True)


def test_the_case_page_in_chinese_says_what_happens_at_the_deadline(browser: Any, live: Live) -> None:
    tab = _signed_in(browser, live, live.operator_key, locale="zh-CN")
    try:
        tab.goto(f"/cases/{live.data.pre_shipment}")
        countdown = tab.locator(".big-countdown [data-countdown]")
        tab.wait_for_function("e => /秒$/.test(e.textContent)", arg=countdown.element_handle())
        assert re.fullmatch(r"剩余 6天2[23]小时\d\d分\d\d秒", countdown.inner_text())
        assert tab.locator("[data-field=at-deadline]").inner_text() == \
            "到期时，若申请后 7 天内双方未达成一致：系统退款 $59.90 给买家并关闭订单。"
        assert tab.locator("[data-field=waiting-for]").inner_text() == "卖家"
        tab.screenshot(path="/tmp/console-case.png", full_page=True)
    finally:
        tab.context.close()


def test_without_scripts_the_server_text_stands(browser: Any, live: Live) -> None:
    tab = _signed_in(browser, live, live.operator_key, scripts=False)
    try:
        tab.goto(f"/cases/{live.data.pre_shipment}")
        assert tab.locator(".big-countdown [data-countdown]").inner_text() == "6d 23h left"
        assert tab.locator("[data-field=at-deadline]").inner_text() == (
            "At the deadline, if no agreement is reached within 7 days of the request: "
            "the buyer is refunded $59.90 and the order is cancelled.")
    finally:
        tab.context.close()


def test_staff_agree_from_the_case_page(browser: Any, live: Live) -> None:
    tab = _signed_in(browser, live, live.data.dhgate.staff.key)
    try:
        tab.goto(f"/cases/{live.data.pre_shipment}")
        tab.click("button[data-action=accept]")
        # the refund is asked about first, naming the amount; the real submit is on that page
        assert tab.locator("[data-field=money]").inner_text() == "This refunds $59.90 to the buyer now and cancels the order."
        tab.click("button[data-confirmed]")
        assert tab.url == f"{live.url}/cases/{live.data.pre_shipment}?done=accept"
        assert tab.locator(".notice[role=status]").first.inner_text() == "Agreed."
        assert tab.locator("[data-countdown]").count() == 0
        assert tab.locator("[data-field=refunded]").inner_text() == "$59.90"
        tab.goto("/metrics")
        assert tab.locator("section.store-metrics").count() == 1
        assert tab.locator("tr[data-metric=dispute_rate] [data-field=value]").inner_text() == "33.33%"
    finally:
        tab.context.close()
