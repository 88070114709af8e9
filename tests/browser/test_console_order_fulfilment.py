"""The order page's fulfilment section (履约, RULES.md §5.1, §5.2) in a real browser, in English and Chinese: a paid
order waiting for allocation shows its units reserved in WH1 and nothing else done yet; a shipped one shows where its
units left from. And after a refused form, the language switch opens a page instead of a 405."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from browser.conftest import Console

pytestmark = pytest.mark.browser


def test_the_order_page_shows_its_fulfilment_in_both_languages(
        page: Any, console: Console, log_in: Callable[[str], None]) -> None:
    log_in(console.staff_a_key)
    page.goto(f"/orders/{console.soon_a}")
    section = page.locator("section[data-fulfilment]")
    assert section.locator("h2").inner_text() == "Fulfilment"
    assert section.locator("[data-ff=allocation]").inner_text() == "Not allocated yet."
    assert section.locator("[data-ff=verification]").inner_text() == "not started"
    reserved = section.locator("tr[data-units=reserved]")
    assert reserved.count() == 1 and reserved.locator("[data-warehouse]").inner_text() == "WH1"
    assert section.locator("[data-print-label]").count() == 0
    # the page in Chinese, through the switch
    page.click("a.lang-switch")
    section = page.locator("section[data-fulfilment]")
    assert section.locator("h2").inner_text() == "履约"
    assert section.locator("[data-ff=allocation]").inner_text() == "尚未分配。"
    assert "在此仓库占用" in section.locator("tr[data-units=reserved]").inner_text()
    # a shipped order: its units left from WH1
    page.goto(f"/orders/{console.shipped_a}")
    shipped = page.locator("section[data-fulfilment] tr[data-units=shipped]")
    assert "WH1" in shipped.inner_text() and "从此仓库发出" in shipped.inner_text()
    page.click("a.lang-switch")  # leave the console in English
    assert page.locator("section[data-fulfilment] h2").inner_text() == "Fulfilment"


def test_after_a_refused_form_the_language_switch_opens_a_page(
        page: Any, console: Console, log_in: Callable[[str], None]) -> None:
    log_in(console.staff_a_key)
    page.goto("/fulfillment/queue")
    page.check(f"#pick-{console.overdue_a}")
    page.click("[data-action=book-print]")  # refused: not allocated; the page answers the POST
    assert "run the allocation rules first" in page.locator("p.alert").inner_text()
    page.click("a.lang-switch")
    assert page.url.endswith("/fulfillment/queue?lang=zh")
    assert page.locator("h1").inner_text() == "待发货"
    page.click("a.lang-switch")
    assert page.locator("h1").inner_text() == "Awaiting shipment"
