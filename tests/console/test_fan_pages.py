"""The store club page (粉丝趴, RULES.md §4.3) over HTTP: a store's fans and their growth per day on its clock, in
both languages; staff see their store only, the operator picks one; typed dates that are wrong are told, not crashed on."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from console.test_marketing_pages import console, ok, text_of
from shopkeeper.clock import SimulatedClock
from support import Api, Shop


def days(page: str) -> dict[str, str]:
    return {day: text_of(body) for day, body in re.findall(r'<tr data-day="([\d-]+)"[^>]*>(.*?)</tr>', page, flags=re.S)}


def fans_follow(shop: Shop, clock: SimulatedClock) -> None:
    """Two buyers follow on 2 November (Shanghai), one leaves at 00:30 on the 3rd."""
    shoppers = [shop.shopper, shop.new_buyer("fan")[2]]
    for shopper in shoppers:
        shopper.call("PUT", f"/stores/{shop.store_id}/follow")
    clock.advance(hours=7, minutes=30)
    shoppers[0].call("DELETE", f"/stores/{shop.store_id}/follow")


def test_the_page_shows_each_days_new_lost_net_and_fans_on_the_stores_clock(client: TestClient, shop: Shop,
                                                                             clock: SimulatedClock) -> None:
    fans_follow(shop, clock)
    staff = console(client, shop.staff.key)
    page = ok(staff, "/fans?from=2026-11-01&to=2026-11-03")
    assert days(page) == {"2026-11-03": "2026-11-03 0 1 -1 1", "2026-11-02": "2026-11-02 2 0 +2 2",
                          "2026-11-01": "2026-11-01 0 0 +0 0"}
    assert "1 fan(s) at the end · 2 new · 1 lost · net +1" in text_of(page)
    assert "Asia/Shanghai" in page and "style=" not in page
    zh = text_of(ok(staff, "/fans?from=2026-11-01&to=2026-11-03&lang=zh"))
    assert "期末粉丝 1 人 · 新增 2 · 流失 1 · 净增 +1" in zh and "按店铺时区（Asia/Shanghai）计日。" in zh
    # by default, the last month up to the store's today
    assert list(days(ok(staff, "/fans")))[0] == "2026-11-03" and len(days(ok(staff, "/fans"))) == 30


def test_staff_see_their_store_only_and_the_operator_picks_one(client: TestClient, shop: Shop, api: Api,
                                                               operator_key: str, clock: SimulatedClock) -> None:
    fans_follow(shop, clock)
    other = Shop(api, rulebook="default")
    stranger = console(client, other.staff.key)
    assert "2 new" not in text_of(ok(stranger, "/fans?from=2026-11-02&to=2026-11-02"))
    ok(stranger, f"/fans?store={shop.store_id}", status=400)
    operator = console(client, operator_key)
    page = ok(operator, f"/fans?store={shop.store_id}&from=2026-11-02&to=2026-11-02")
    assert "2 new" in text_of(page) and f'<option value="{other.store_id}"' in page


def test_bad_dates_and_long_spans_are_told_in_the_pages_language(client: TestClient, shop: Shop) -> None:
    staff = console(client, shop.staff.key)
    assert "From must be a date like 2026-11-25 (got “yesterday”)" in text_of(ok(staff, "/fans?from=yesterday", status=400))
    assert "一次查询最多覆盖 92 天" in text_of(ok(staff, "/fans?from=2026-01-01&to=2026-11-01&lang=zh", status=422))


def test_the_nav_links_the_club_in_both_languages(client: TestClient, shop: Shop) -> None:
    staff = console(client, shop.staff.key)
    assert 'href="/fans"' in ok(staff, "/") and "粉丝趴" in ok(staff, "/?lang=zh")
