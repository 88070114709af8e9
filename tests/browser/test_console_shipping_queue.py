"""The awaiting-shipment queue (待发货, RULES.md §5.1, §5.7) in a real browser, in English and Chinese: reached from
the top bar, soonest ship-by first with the overdue order flagged, and "book & print labels" on an order the rules
have not allocated refused with the reason, nothing booked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from browser.conftest import Console

pytestmark = pytest.mark.browser


def test_the_queue_lists_paid_orders_soonest_first_and_refuses_an_unallocated_one_in_both_languages(
        page: Any, console: Console, log_in: Callable[[str], None]) -> None:
    log_in(console.staff_a_key)
    page.goto("/")
    page.click("nav >> text=Awaiting shipment")
    assert page.locator("h1").inner_text() == "Awaiting shipment"
    rows = page.locator("table.queue tbody tr")
    ids = [int(rows.nth(i).get_attribute("data-order-id")) for i in range(rows.count())]
    # store A's paid, unshipped orders only, the overdue one first and flagged; none allocated yet
    assert ids[:2] == [console.overdue_a, console.soon_a] and console.paid_b not in ids
    assert console.shipped_a not in ids and console.today_unpaid_a not in ids
    assert rows.first.get_attribute("data-overdue") == "true" and "overdue" in rows.first.inner_text()
    assert rows.nth(1).get_attribute("data-overdue") is None
    assert "not allocated yet" in rows.first.locator("[data-field=allocation]").inner_text()
    # ticking it and asking for labels answers the reason on the page
    page.check(f"#pick-{console.overdue_a}")
    page.click("[data-action=book-print]")
    assert "has no allocation yet: run the allocation rules first" in page.locator("p.alert").inner_text()
    assert page.is_checked(f"#pick-{console.overdue_a}")

    page.goto("/fulfillment/queue")
    page.click("a.lang-switch")
    assert page.locator("h1").inner_text() == "待发货"
    first = page.locator("table.queue tbody tr").first
    assert "已超时" in first.inner_text() and "尚未分配" in first.inner_text()
    page.check(f"#pick-{console.overdue_a}")
    page.click("[data-action=book-print]")
    assert "尚未分配：请先运行分配规则" in page.locator("p.alert").inner_text()
    assert page.locator("[data-action=pick-list]").inner_text() == "配货单"
    page.goto("/fulfillment/queue")
    page.click("a.lang-switch")  # leave the console in English for the tests after this one
