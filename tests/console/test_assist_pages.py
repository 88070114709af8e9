"""The assist pages (邀请助力, 分享互惠) over HTTP: offers with their steps and rules and what came of them (tasks opened,
helps, rewards unlocked, complete, expired), one offer's tasks against their clocks, ending an offer, tenancy.

Through the real app, with the API opening and helping tasks and the timers expiring them; runs on SQLite and on
PostgreSQL (when configured).
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from console.test_marketing_pages import ORIGIN, console, ok, rows, text_of
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.assists import AssistShop
from support import Api, Shop


def test_an_offer_shows_its_steps_what_came_of_it_and_its_tasks_against_their_clocks(client: TestClient, shop: Shop,
                                                                                     db: Database,
                                                                                     clock: SimulatedClock) -> None:
    # given one task that reached step 1 and then ran out of time, one complete, and one opened later, still open
    assists = AssistShop(shop, db, clock)
    halfway = assists.open()
    for helper in assists.helpers(2, "a"):
        assists.help(halfway["code"], helper)
    done_owner = shop.new_buyer("Han Meimei")[2]
    done = assists.open(done_owner)
    for helper in assists.helpers(4, "b"):
        assists.help(done["code"], helper)
    assists.run_timers(hours=25)
    running = assists.open(shop.new_buyer("Wang Fang")[2])
    clock.advance(hours=2, minutes=46)
    staff = console(client, shop.staff.key)

    # then the list shows the steps, the rules and the totals
    page = ok(staff, "/assists")
    row = rows(page, "offer-id")[assists.offer["id"]]
    assert row.startswith("好友助力 tee Cotton tee · TEE-RED-M taobao shop Invite to boost (邀请助力) "
                          "2 helper(s): coupon “助力无门槛5元” 3 helper(s): one for ¥19.90 4 helper(s): one free "
                          "24 h to gather helpers a helper helps at most 3 task(s) a day")
    assert "Tasks opened 3 Helps 6 Rewards unlocked 4 Complete 1 Expired 1 Active End offer" in row
    assert "style=" not in page

    # and the offer's page lists the open task first, counting down on the store's clock, then those that ended
    detail = ok(staff, f"/assists/{assists.offer['id']}")
    tasks = rows(detail, "task-id")
    assert list(tasks) == [running["id"], halfway["id"], done["id"]]
    assert tasks[running["id"]].endswith("Gathering helpers 0/4 0/4 helpers 0 of 3 next step at 2 0 "
                                         "2026-11-03 18:00 2026-11-04 18:00 21h 14m left")  # Asia/Shanghai
    assert "Expired 2/4 2/4 helpers 1 of 3 1" in tasks[halfway["id"]] and tasks[halfway["id"]].endswith("—")
    assert "Complete 4/4 4/4 helpers 3 of 3 3" in tasks[done["id"]]
    assert '<progress class="task-fill" value="2" max="4">' in detail
    assert 'data-event="assist.offer_created"' in detail

    # and in Chinese
    zh = rows(ok(staff, f"/assists/{assists.offer['id']}?lang=zh"), "task-id")
    assert "助力中 0/4 0/4 人" in zh[running["id"]] and zh[running["id"]].endswith("剩余 21小时14分")
    assert "已过期" in zh[halfway["id"]] and "已完成" in zh[done["id"]]
    listed = rows(ok(staff, "/assists"), "offer-id")[assists.offer["id"]]
    assert "邀请助力" in listed and "2 人助力：优惠券“助力无门槛5元”" in listed and "发起任务 3 助力次数 6 解锁奖励 4" in listed


def test_ending_an_offer_from_its_page(client: TestClient, shop: Shop, db: Database, clock: SimulatedClock) -> None:
    assists = AssistShop(shop, db, clock)
    staff = console(client, shop.staff.key)
    path = f"/assists/{assists.offer['id']}"
    assert 'data-confirm="End the offer “好友助力 tee”?' in ok(staff, path)
    assert staff.post(f"{path}/end", headers={"Origin": "https://evil.example"}).status_code == 403
    ended = staff.post(f"{path}/end", headers=ORIGIN)
    assert ended.status_code == 303 and ended.headers["location"] == f"{path}?done=ended"
    assert shop.staff.get(f"/assists/offers/{assists.offer['id']}")["status"] == "ended"
    after = ok(staff, ended.headers["location"])
    assert "Offer ended: no new task opens on it." in text_of(after) and 'data-action="end-offer"' not in after
    assert assists.open(expect=404)["code"] == "not-found"
    assert set(rows(ok(staff, "/assists?status=ended"), "offer-id")) == {assists.offer["id"]}
    assert rows(ok(staff, "/assists?status=active"), "offer-id") == {}
    again = staff.post(f"{path}/end?lang=zh", headers=ORIGIN)
    assert again.status_code == 409 and "已结束" in text_of(again.text)


def test_the_operator_sees_every_stores_offers_and_staff_only_theirs(client: TestClient, api: Api, operator_key: str,
                                                                    shop: Shop, db: Database, clock: SimulatedClock) -> None:
    mine = AssistShop(shop, db, clock)
    theirs = AssistShop(Shop(api, rulebook="default"), db, clock)
    operator = console(client, operator_key)
    assert set(rows(ok(operator, "/assists"), "offer-id")) == {mine.offer["id"], theirs.offer["id"]}
    assert set(rows(ok(operator, f"/assists?store={theirs.shop.store_id}"), "offer-id")) == {theirs.offer["id"]}
    ok(operator, f"/assists/{theirs.offer['id']}")
    staff = console(client, shop.staff.key)
    assert set(rows(ok(staff, "/assists"), "offer-id")) == {mine.offer["id"]}
    ok(staff, f"/assists?store={theirs.shop.store_id}", status=400)
    ok(staff, "/assists?status=nonsense", status=400)
    assert "There is no such assist offer" in ok(staff, f"/assists/{theirs.offer['id']}", status=404)
    ok(staff, "/assists/999999", status=404)
    assert staff.post(f"/assists/{theirs.offer['id']}/end", headers=ORIGIN).status_code == 404
    assert theirs.shop.staff.get(f"/assists/offers/{theirs.offer['id']}")["status"] == "active"
