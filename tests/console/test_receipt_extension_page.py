"""延长收货 on the console's order page, over HTTP (RULES.md §17.1).

Staff of the store extend by one of the rulebook's choices while the seller still may; the operator
sees the same facts read-only; the page says when receipt was put off and by whom. Runs on SQLite
and on PostgreSQL (when configured).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from console.test_marketing_pages import ORIGIN, console, ok, text_of
from shopkeeper import timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.settings import Settings
from support import Api, Shop

DAY = timedelta(days=1)
YEAR_MINUTES = 366 * 24 * 60


@pytest.fixture
def settings(db: Database) -> Settings:
    # the clock jumps by days; console sessions outlast the jumps
    return Settings(database_url=db.url, session_idle_minutes=YEAR_MINUTES, session_max_hours=YEAR_MINUTES // 60)


@pytest.fixture
def staff(client: TestClient, shop: Shop) -> TestClient:
    return console(client, shop.staff.key)


@pytest.fixture
def operator(client: TestClient, operator_key: str) -> TestClient:
    return console(client, operator_key)


def shipped(shop: Shop) -> dict[str, Any]:
    order = shop.order((shop.skus[0], 1))
    shop.pay(order)
    return shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "YTO", "tracking_number": f"T{order['id']}"})


def section(page: str) -> str:
    found = re.search(r"<section[^>]*data-receipt-extension>(.*?)</section>", page, flags=re.S)
    return text_of(found.group(1)) if found else ""


def choices(page: str) -> list[str]:
    return re.findall(r'<input type="radio" name="days" value="(\d+)"', page)


def test_staff_see_the_rulebooks_choices_and_extend_once(staff: TestClient, shop: Shop) -> None:
    order = shipped(shop)
    path = f"/orders/{order['id']}"
    page = ok(staff, path)
    assert choices(page) == ["3", "5", "7", "10"] and 'data-confirm="Extend the time before receipt confirms itself?' in page
    assert "Extend receipt time" in section(page)
    # when the staff extend by 7 days
    answer = staff.post(f"{path}/receipt-extension", data={"days": "7"}, headers=ORIGIN)
    assert answer.status_code == 303 and answer.headers["location"] == f"{path}?extended=7"
    # then the page says so, when and by whom, and offers no second extension (the seller's once is used)
    page = ok(staff, answer.headers["location"])
    shown = section(page)
    before = datetime.fromisoformat(order["confirm_by"])
    assert shown.startswith("Receipt time Receipt time extended by 7 days.")
    assert "2026-11-02 17:00 the seller 7 2026-11-12 17:00 → 2026-11-19 17:00" in shown  # Beijing time
    assert datetime.fromisoformat(shop.staff.get(f"/orders/{order['id']}")["confirm_by"]) == before + 7 * DAY
    assert choices(page) == [] and "Extend receipt time" not in shown
    assert "Receipt time extended The seller extended the time to confirm receipt by 7 days" in text_of(page)  # the timeline
    assert "延长收货 卖家延长收货 7 天" in text_of(ok(staff, f"{path}?lang=zh"))


def test_the_operator_sees_it_read_only(operator: TestClient, shop: Shop) -> None:
    order = shipped(shop)
    page = ok(operator, f"/orders/{order['id']}")
    assert choices(page) == [] and "The seller may still extend receipt time (3 / 5 / 7 / 10 days)" in section(page)
    assert "卖家仍可延长收货（3 / 5 / 7 / 10 天），由店铺员工操作。" in section(ok(operator, f"/orders/{order['id']}?lang=zh"))
    refused = operator.post(f"/orders/{order['id']}/receipt-extension?lang=en", data={"days": "3"}, headers=ORIGIN)
    assert refused.status_code == 403 and "the operator sees it only" in text_of(refused.text)
    assert shop.staff.get(f"/orders/{order['id']}")["confirm_by"] == order["confirm_by"]


def test_the_buyers_extension_shows_too(staff: TestClient, shop: Shop, db: Database, clock: SimulatedClock) -> None:
    order = shipped(shop)
    timers.advance_to(db, clock, datetime.fromisoformat(order["confirm_by"]) - 2 * DAY)
    shop.shopper.post(f"/orders/{order['id']}/receipt-extension", {"days": 3})
    page = ok(staff, f"/orders/{order['id']}")
    assert "2026-11-10 17:00 the buyer 3 2026-11-12 17:00 → 2026-11-15 17:00" in section(page)
    assert choices(page) == ["3", "5", "7", "10"]  # the buyer's extension leaves the seller's
    assert "买家 3" in section(ok(staff, f"/orders/{order['id']}?lang=zh"))


def test_no_section_before_shipment_nor_once_too_late(staff: TestClient, shop: Shop, db: Database,
                                                      clock: SimulatedClock) -> None:
    paid = shop.order((shop.skus[0], 1))
    shop.pay(paid)
    assert section(ok(staff, f"/orders/{paid['id']}")) == ""
    order = shipped(shop)
    timers.advance_to(db, clock, datetime.fromisoformat(order["confirm_by"]))  # receipt confirms itself
    assert section(ok(staff, f"/orders/{order['id']}")) == ""


@pytest.mark.parametrize("days, status, en, zh", [
    ("4", 422, "a seller extends by one of 3, 5, 7, 10 days, not 4", "卖家可延长 3, 5, 7, 10 天之一，不能是 4 天"),
    ("", 422, "Choose how many days to extend by.", "请选择延长的天数。"),
])
def test_a_refused_extension_says_why_in_the_page_language(staff: TestClient, shop: Shop, days: str, status: int,
                                                           en: str, zh: str) -> None:
    order = shipped(shop)
    english = staff.post(f"/orders/{order['id']}/receipt-extension", data={"days": days}, headers=ORIGIN)
    assert english.status_code == status and en in text_of(english.text)
    assert f'href="/orders/{order["id"]}"' in english.text
    chinese = staff.post(f"/orders/{order['id']}/receipt-extension?lang=zh", data={"days": days}, headers=ORIGIN)
    assert chinese.status_code == status and zh in text_of(chinese.text)


def test_twice_is_refused_with_the_engines_reason(staff: TestClient, shop: Shop) -> None:
    order = shipped(shop)
    staff.post(f"/orders/{order['id']}/receipt-extension", data={"days": "3"}, headers=ORIGIN)
    again = staff.post(f"/orders/{order['id']}/receipt-extension?lang=zh", data={"days": "3"}, headers=ORIGIN)
    assert again.status_code == 409 and "卖家每个订单可延长一次；已用过" in text_of(again.text)


def test_another_store_a_foreign_form_and_the_signed_out_are_refused(client: TestClient, staff: TestClient, shop: Shop,
                                                                     api: Api) -> None:
    order = shipped(shop)
    path = f"/orders/{order['id']}/receipt-extension"
    stranger = console(client, Shop(api, rulebook="tmall").staff.key)
    assert stranger.post(path, data={"days": "3"}, headers=ORIGIN).status_code == 404
    assert staff.post("/orders/abc/receipt-extension", data={"days": "3"}, headers=ORIGIN).status_code == 404
    assert staff.post(path, data={"days": "3"}, headers={"Origin": "https://evil.example"}).status_code == 403
    assert TestClient(client.app, follow_redirects=False).post(path, data={"days": "3"}).headers["location"] == "/login"
    assert shop.staff.get(f"/orders/{order['id']}")["confirm_by"] == order["confirm_by"]
