"""The live and content page (RULES.md §4.3) over HTTP: sessions with their orders, GMV, refunds and commission; the
tasks board by status with the sales each task brought; staff approving and rejecting submitted content from it.

Through the real app, with the API placing and paying the orders; runs on SQLite and on PostgreSQL (when configured).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from console.test_marketing_pages import ORIGIN, console, ok, rows, text_of
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.content import ContentShop
from support import Shop


@pytest.fixture
def kol(shop: Shop, db: Database, clock: SimulatedClock) -> ContentShop:
    return ContentShop(shop, db, clock)


def _card(page: str, task_id: int) -> str:
    found = re.search(rf'<article class="card task" data-task-id="{task_id}" data-status="(\w+)">(.*?)</article>', page, re.S)
    assert found, f"no card for task {task_id}"
    return f"{found.group(1)} {text_of(found.group(2))}"


def test_the_page_shows_a_sessions_figures_and_the_tasks_board_in_both_languages(client: TestClient, kol: ContentShop) -> None:
    # given a live session that sold one tee at 8%, and a task submitted for review that sold one too
    live = kol.schedule(commission_percent="8")
    kol.clock.advance(hours=2)
    viewer = kol.shop.new_buyer("viewer")
    kol.content_touch(viewer, live["code"])
    order = kol.buy(viewer)
    task = kol.publish(fee="50.00", commission_percent="10")
    taken = kol.influencer_buyer[2].post(f"/content-tasks/{task['id']}/accept")
    fan = kol.shop.new_buyer("fan")
    kol.content_touch(fan, taken["code"])
    kol.buy(fan)
    kol.influencer_buyer[2].post(f"/content-tasks/{task['id']}/submit", {"url": "https://video.example.com/v/9"})
    idle = kol.publish(title="开箱视频")

    # when staff open the page
    staff = console(client, kol.shop.staff.key)
    page = ok(staff, "/content")

    # then the session's row has its figures; the board has the task waiting for review with its sales, and the idle one
    row = rows(page, "session-id")[live["id"]]
    assert "周五直播" in row and "小林穿搭" in row and "Live" in row and "8%" in row
    assert f"1 {order['total']['amount']}" in row.replace("¥", "") and "¥4.79" in row
    card = _card(page, task["id"])
    assert card.startswith("submitted") and "1 order(s), GMV ¥59.90" in card and "commission ¥5.99" in card
    assert "https://video.example.com/v/9" in card and 'data-action="approve"' in page
    assert _card(page, idle["id"]).startswith("published")
    assert "style=" not in page
    zh = ok(staff, "/content?lang=zh")
    assert "直播中" in rows(zh, "session-id")[live["id"]] and "1 单，成交额 ¥59.90" in _card(zh, task["id"])
    assert "待审核" in zh and "通过" in zh


def test_staff_approve_from_the_board_and_a_foreign_origin_is_refused(client: TestClient, kol: ContentShop) -> None:
    task = kol.publish(fee="50.00")
    kol.influencer_buyer[2].post(f"/content-tasks/{task['id']}/accept")
    kol.influencer_buyer[2].post(f"/content-tasks/{task['id']}/submit", {"url": "https://video.example.com/v/3"})
    staff = console(client, kol.shop.staff.key)

    refused = staff.post(f"/content-tasks/{task['id']}/decide", data={"decision": "approve"},
                         headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and kol.task(task["id"])["status"] == "submitted"

    done = staff.post(f"/content-tasks/{task['id']}/decide", data={"decision": "approve"}, headers=ORIGIN)
    assert done.status_code == 303 and done.headers["location"] == f"/content?store={kol.shop.store_id}&done=approved"
    assert kol.task(task["id"])["status"] == "approved"
    assert kol.figures(kol.influencer_as_promoter())["balance"] == 5000
    assert "Content approved." in ok(staff, done.headers["location"])
    again = staff.post(f"/content-tasks/{task['id']}/decide", data={"decision": "reject"}, headers=ORIGIN)
    assert again.status_code == 409 and "cannot reject a content task that is approved" in text_of(again.text)
    assert staff.post("/content-tasks/999999/decide", data={"decision": "approve"}, headers=ORIGIN).status_code == 404
