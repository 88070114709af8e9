"""The platform red-packet page in a real browser, in both languages: a store's staff opt in, the operator sees the
store named and the pool, and ends the program after confirming."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import httpx
import pytest

if TYPE_CHECKING:
    from conftest import Console

pytestmark = pytest.mark.browser
LogIn = Callable[[str], None]


def test_staff_opt_in_and_the_operator_ends_the_program_in_chinese(page: Any, console: Console, log_in: LogIn) -> None:
    # given an ad program the operator started through the API (20.00 in 8 packets)
    created = httpx.post(f"{console.url}/api/v1/platform-packets/programs", headers={
        "Authorization": f"Bearer {console.operator_key}"}, json={
        "name": "双11 看广告抢红包", "mode": "ad", "total_minor": 2000, "packets": 8, "min_minor": 100, "valid_days": 7,
        "per_day_limit": 1, "min_watch_seconds": 15, "view_valid_minutes": 30, "starts_at": "2026-11-25T00:00:00Z"})
    assert created.status_code == 201, created.text
    program_id = created.json()["id"]
    row = f"tr[data-program-id='{program_id}']"
    # when store A's staff open the page from the navigation and take part
    log_in(console.staff_a_key)
    page.click("nav a[href='/platform-packets']")
    assert page.locator(row).locator("[data-field=mode]").inner_text() == "Watch an ad, then grab"
    page.locator(row).locator("[data-action=join]").click()
    page.wait_for_load_state()
    # then the page says so and the row shows the store taking part
    assert "Your store takes part" in page.locator("p.notice").inner_text()
    assert "Store A 杭州店" in page.locator(row).locator("[data-field=stores]").inner_text()
    assert page.locator(row).locator("[data-action=join]").count() == 0
    # when the operator opens the page in Chinese and ends the program, confirming the question
    page.context.clear_cookies()
    log_in(console.operator_key)
    page.goto("/platform-packets?lang=zh")
    assert page.locator("h1").inner_text() == "平台红包"
    assert page.locator(row).locator("[data-field=mode]").inner_text() == "看广告抢红包"
    assert "0/8 个 · ¥0.00" in page.locator(row).locator("[data-field=grabbed]").inner_text()
    assert "平台资金" in page.locator(f"tr[data-books-for='{program_id}']").inner_text()
    questions: list[str] = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.locator(row).locator("[data-action=end]").click()
    page.wait_for_load_state()
    # then it asked first, and the program is ended
    assert questions and "双11 看广告抢红包" in questions[0]
    assert "活动已结束" in page.locator("p.notice").inner_text()
    assert page.locator(row).get_attribute("data-status") == "ended"
