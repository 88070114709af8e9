"""The group-buy board (拼团) over HTTP: groups filling against their clocks, a group's members and history, the
store's auto-fill setting and its offers, and the order page of an order its group still holds.

Through the real app, with the API placing and paying the orders; runs on SQLite and on PostgreSQL (when configured).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from console.test_marketing_pages import ORIGIN, console, ok, rows, text_of
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.groups import GroupShop
from support import Api, Shop


@pytest.fixture
def groups(shop: Shop, db: Database, clock: SimulatedClock) -> GroupShop:
    return GroupShop(shop, db, clock)


@pytest.fixture
def staff(client: TestClient, shop: Shop) -> TestClient:
    return console(client, shop.staff.key)


def signed_in(client: TestClient, groups: GroupShop) -> TestClient:
    """Signed in after the clock moved on: a session idle for hours has expired."""
    return console(client, groups.shop.staff.key)


def filling(groups: GroupShop) -> tuple[dict[str, Any], dict[str, Any]]:
    """An open group of three: the opener paid, a second buyer paid, a third ordered and has not paid."""
    placed = groups.open()
    groups.pay(placed)
    code = placed["group"]["code"]
    second = groups.buyer("Han Meimei")
    groups.pay(groups.join(code, second), second)
    groups.join(code, groups.buyer("Wang Fang"))
    groups.clock.advance(hours=2, minutes=46)  # the group opened at 09:00 UTC the day before its 24 h ran out
    return groups.group(code), placed["order"]


def test_the_board_shows_fill_prices_times_on_the_stores_clock_and_a_countdown(client: TestClient, groups: GroupShop) -> None:
    group, _ = filling(groups)
    staff = signed_in(client, groups)
    page = ok(staff, "/group-buys")
    row = rows(page, "group-id")[group["id"]]
    assert f"#{group['id']} {group['code']}" in row
    assert "拼团 tee" in row and "Cotton tee · TEE-RED-M" in row
    assert "¥39.90 ¥59.90" in row and "opener pays ¥35.00" in row
    assert "Filling" in row and "2/3 paid" in row
    assert '<progress class="group-fill" value="2" max="3">' in page
    assert "2026-11-02 17:00" in row and "2026-11-03 17:00" in row  # Asia/Shanghai, the store's zone
    assert "21h 14m left" in row
    assert 'style=' not in page
    zh = ok(staff, "/group-buys?lang=zh")
    zh_row = rows(zh, "group-id")[group["id"]]
    assert "拼团中" in zh_row and "已付款 2/3" in zh_row and "剩余 21小时14分" in zh_row


def test_a_group_page_lists_members_paid_and_unpaid_with_their_orders_and_its_timeline(client: TestClient, groups: GroupShop) -> None:
    group, leader_order = filling(groups)
    staff = signed_in(client, groups)
    page = ok(staff, f"/group-buys/{group['id']}")
    members = rows(page, "member-order")
    assert len(members) == 3
    assert members[leader_order["id"]].startswith(f"#{groups.shop.buyer['id']} Opener Paid")
    assert sum("Unpaid" in text and "Ordered, not paid" in text for text in members.values()) == 1
    assert f'href="/orders/{leader_order["id"]}"' in page and leader_order["number"] in page
    assert 'data-event="group_buy.opened"' in page and "The opener paid: the group is open until 2026-11-03 17:00" in text_of(page)
    zh = text_of(ok(staff, f"/group-buys/{group['id']}?lang=zh"))
    assert "团长 已付款" in zh and "未付款" in zh and "团长已付款，拼团开始，2026-11-03 17:00 截止" in zh


def test_an_auto_filled_group_says_so(client: TestClient, groups: GroupShop) -> None:
    groups.shop.staff.call("PUT", f"/stores/{groups.shop.store_id}/group-buy-settings", json={"auto_fill": True, "auto_fill_seats": 1})
    placed = groups.open()
    groups.pay(placed)
    second = groups.buyer("Han Meimei")
    groups.pay(groups.join(placed["group"]["code"], second), second)
    groups.run_timers(hours=25)
    group = groups.group(placed["group"]["code"])
    staff = signed_in(client, groups)
    row = rows(ok(staff, "/group-buys?status=complete"), "group-id")[group["id"]]
    assert "Complete" in row and "1 seat(s) auto-filled" in row
    assert "系统模拟成团补足 1 人" in ok(staff, f"/group-buys/{group['id']}?lang=zh")


def test_filters_by_status_and_store_and_the_operator_sees_every_store(client: TestClient, operator_key: str, api: Api,
                                                                        groups: GroupShop, db: Database,
                                                                        clock: SimulatedClock) -> None:
    group, _ = filling(groups)
    other = GroupShop(Shop(api, rulebook="default"), db, clock)
    theirs = other.opened()
    operator = console(client, operator_key)
    assert set(rows(ok(operator, "/group-buys"), "group-id")) == {group["id"], theirs["id"]}
    assert set(rows(ok(operator, f"/group-buys?store={other.shop.store_id}"), "group-id")) == {theirs["id"]}
    assert rows(ok(operator, "/group-buys?status=failed"), "group-id") == {}
    ok(operator, "/group-buys?status=nonsense", status=400)
    mine = console(client, groups.shop.staff.key)
    assert set(rows(ok(mine, "/group-buys"), "group-id")) == {group["id"]}
    ok(mine, f"/group-buys?store={other.shop.store_id}", status=400)
    # another store's group answers like a missing one
    assert "There is no such group buy" in ok(mine, f"/group-buys/{theirs['id']}", status=404)
    ok(mine, "/group-buys/999999", status=404)
    ok(mine, "/group-buys/abc", status=404)


def test_the_board_pages_with_a_cursor(staff: TestClient, groups: GroupShop, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shopkeeper.console.filters.PAGE_SIZE", 1)
    first = groups.opened()
    second = groups.open(groups.buyer("Han Meimei"))["group"]
    page = ok(staff, "/group-buys")
    assert list(rows(page, "group-id")) == [second["id"]]
    assert f'href="/group-buys?before={second["id"]}"' in page
    assert list(rows(ok(staff, f"/group-buys?before={second['id']}"), "group-id")) == [first["id"]]


def test_staff_change_auto_fill_through_the_service_and_forms_from_elsewhere_are_refused(staff: TestClient, groups: GroupShop) -> None:
    store = groups.shop.store_id
    assert "Off: a group that is not full" in text_of(ok(staff, "/group-buys"))
    refused = staff.post(f"/stores/{store}/group-buy-settings", data={"auto_fill": "on", "auto_fill_seats": "1"},
                         headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    assert groups.shop.staff.get(f"/stores/{store}/group-buy-settings")["auto_fill"] is False
    saved = staff.post(f"/stores/{store}/group-buy-settings", data={"auto_fill": "on", "auto_fill_seats": "1"}, headers=ORIGIN)
    assert saved.headers["location"] == f"/group-buys?store={store}&done=settings"
    assert groups.shop.staff.get(f"/stores/{store}/group-buy-settings") == {"store_id": store, "auto_fill": True, "auto_fill_seats": 1}
    assert "Group-buy settings saved." in text_of(ok(staff, saved.headers["location"]))
    # the rulebook's bound, in the page's language
    too_many = staff.post(f"/stores/{store}/group-buy-settings?lang=zh", data={"auto_fill": "on", "auto_fill_seats": "9"},
                          headers=ORIGIN)
    assert too_many.status_code == 422 and "9" in text_of(too_many.text)
    assert staff.post(f"/stores/{store}/group-buy-settings", data={"auto_fill_seats": "x"}, headers=ORIGIN).status_code == 400


def test_staff_of_another_store_cannot_change_its_settings_or_end_its_offers(client: TestClient, api: Api,
                                                                             groups: GroupShop) -> None:
    stranger = console(client, Shop(api, rulebook="default").staff.key)
    store = groups.shop.store_id
    assert stranger.post(f"/stores/{store}/group-buy-settings", data={"auto_fill": "on"}, headers=ORIGIN).status_code == 404
    assert stranger.post(f"/group-buys/offers/{groups.offer['id']}/end", headers=ORIGIN).status_code == 404
    assert groups.shop.staff.get(f"/group-buys/offers/{groups.offer['id']}")["status"] == "active"


def test_ending_an_offer_from_the_board(staff: TestClient, groups: GroupShop) -> None:
    offer = groups.offer["id"]
    page = ok(staff, "/group-buys")
    assert f'action="/group-buys/offers/{offer}/end"' in page and 'data-confirm="End the offer “拼团 tee”?' in page
    assert staff.post(f"/group-buys/offers/{offer}/end", headers={"Origin": "https://evil.example"}).status_code == 403
    ended = staff.post(f"/group-buys/offers/{offer}/end", headers=ORIGIN)
    assert ended.headers["location"] == f"/group-buys?store={groups.shop.store_id}&done=ended"
    assert groups.shop.staff.get(f"/group-buys/offers/{offer}")["status"] == "ended"
    after = ok(staff, ended.headers["location"])
    assert "Offer ended" in text_of(after) and f'action="/group-buys/offers/{offer}/end"' not in after
    again = staff.post(f"/group-buys/offers/{offer}/end?lang=zh", headers=ORIGIN)
    assert again.status_code == 409


def test_an_order_held_for_its_group_waits_and_links_to_it_instead_of_offering_shipment(client: TestClient, groups: GroupShop) -> None:
    group, leader_order = filling(groups)
    staff = signed_in(client, groups)
    page = ok(staff, f"/orders/{leader_order['id']}")
    assert f'data-held-for-group="{group["id"]}"' in page and 'data-next-action="ship"' not in page
    assert "Waiting for the group to fill (2/3), ends 2026-11-03 17:00." in text_of(page)
    assert f'href="/group-buys/{group["id"]}"' in page
    assert "等待成团（2/3），2026-11-03 17:00 截止。" in text_of(ok(staff, f"/orders/{leader_order['id']}?lang=zh"))
    # nor is it on the dashboard's list of orders to ship
    assert f'data-order-id="{leader_order["id"]}"' not in ok(staff, "/")
    # once the group fills, the order ships like any other
    third = groups.buyer("Zhao Lei")
    groups.pay(groups.join(group["code"], third), third)
    page = ok(staff, f"/orders/{leader_order['id']}")
    assert "data-held-for-group" not in page and 'data-next-action="ship"' in page
    assert f'data-order-id="{leader_order["id"]}"' in ok(staff, "/")


def test_the_nav_links_the_board_in_both_languages(staff: TestClient) -> None:
    assert 'href="/group-buys"' in ok(staff, "/") and "拼团" in ok(staff, "/?lang=zh")
