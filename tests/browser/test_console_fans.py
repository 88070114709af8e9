"""The store club page (粉丝趴) in a real browser: a buyer follows store A, its staff read the day's growth, pick a
span with the date form, and read it again in Chinese."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import httpx
import pytest

if TYPE_CHECKING:
    from conftest import Console

pytestmark = pytest.mark.browser
LogIn = Callable[[str], None]


def test_staff_read_their_fan_growth_pick_days_and_switch_language(page: Any, console: Console, log_in: LogIn) -> None:
    # given the buyer follows store A today (25 November, the console's clock), through the API
    with httpx.Client(base_url=console.url, headers={"Authorization": f"Bearer {console.buyer_key}"}) as api:
        assert api.put(f"/api/v1/stores/{console.store_a}/follow").json()["following"] is True
    # when store A's staff open the store club from the marketing navigation
    log_in(console.staff_a_key)
    page.click("nav.socialnav >> text=Store club")
    # then today's row counts the new fan, newest day first
    assert page.locator("h1").inner_text() == "Store club · Store A 杭州店"
    today = page.locator("tr[data-day='2026-11-25']")
    assert today.locator("td").all_inner_texts() == ["2026-11-25", "1", "0", "+1", "1"]
    assert page.locator("table.fans tbody tr").first.get_attribute("data-day") == "2026-11-25"
    # when they ask for three days through the form
    page.fill("input[name=from]", "2026-11-23")
    page.fill("input[name=to]", "2026-11-25")
    page.click("form[data-fans-filter] button[type=submit]")
    page.wait_for_load_state()
    # then three days show, and the summary adds them up
    assert page.locator("table.fans tbody tr").count() == 3
    assert page.locator("[data-field=new]").inner_text() == "1 new"
    # and in Chinese the same page reads in Chinese, the span kept
    page.click("a.lang-switch")
    assert page.locator("h1").inner_text() == "粉丝趴 · Store A 杭州店"
    assert page.locator("[data-field=net]").inner_text() == "净增 +1"
    assert page.locator("table.fans tbody tr").count() == 3
    assert page.locator("nav.socialnav a.active").inner_text() == "粉丝趴"
