"""The community leader pages (社区团购) over HTTP: the leaders list, and a leader's page with their commission and a
wave's pick list for their point, in English and Chinese. Through the real app, the API placing and paying orders."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from console.test_marketing_pages import ORIGIN, console, ok, rows, text_of
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.community import CommunityShop
from support import Shop


@pytest.fixture
def town(shop: Shop, db: Database, clock: SimulatedClock) -> CommunityShop:
    return CommunityShop(shop, db, clock)


def test_a_leaders_page_shows_the_wave_pick_list_that_sums_to_their_orders(client: TestClient, town: CommunityShop) -> None:
    red, blue = town.shop.skus
    first = town.order(town.shop.new_buyer("张三"), 0, (red, 2), (blue, 1))
    second = town.order(town.shop.new_buyer("李四"), 0, (red, 3))
    town.order(town.shop.new_buyer("王五"), 1, (blue, 7))  # the other leader's: not on this page
    town.run_timers(hours=3, minutes=1)
    staff = console(client, town.shop.staff.key)
    leader = town.leaders[0]

    listing = ok(staff, "/community/leaders")
    assert "团长 1" in rows(listing, "leader-id")[leader["id"]] and leader["code"] in listing

    page = ok(staff, f"/community/leaders/{leader['id']}")
    totals = {sku: text for sku, text in [(r.split()[0], r) for r in rows_by(page, "sku")]}
    assert totals["TEE-RED-M"].endswith(" 5") and totals["TEE-BLU-L"].endswith(" 1")
    assert "Units per SKU for this point (6 in all)" in text_of(page)
    assert set(rows(page, "order")) == {first["id"], second["id"]}
    assert first["number"] in page and "In the wave" in text_of(page)
    assert "Closed, to allocate" in rows(page, "wave-id")[town.shop.staff.get("/waves")["items"][0]["id"]]
    assert 'style=' not in page

    zh = text_of(ok(staff, f"/community/leaders/{leader['id']}?lang=zh"))
    assert "拣货单" in zh and "本自提点各 SKU 件数（共 6 件）" in zh and "已截单，待配货" in zh and "冻结中" in zh

    # another store's staff see a 404, as for a missing leader
    other = Shop(town.shop.operator, rulebook="default")
    ok(console(client, other.staff.key), f"/community/leaders/{leader['id']}", status=404)
    ok(staff, f"/community/leaders/{leader['id']}?wave=999999", status=404)


def rows_by(page: str, attribute: str) -> list[str]:
    return [text_of(body) for body in re.findall(rf'<tr data-{attribute}="[^"]+"[^>]*>(.*?)</tr>', page, flags=re.S)]


def test_staff_deliver_the_wave_and_hand_over_an_order_by_its_code_from_the_leaders_page(client: TestClient,
                                                                                         town: CommunityShop) -> None:
    buyer = town.shop.new_buyer("张三")
    order = town.order(buyer, 0, (town.shop.skus[0], 1))
    town.run_timers(hours=3, minutes=1)
    staff = console(client, town.shop.staff.key)
    leader = town.leaders[0]["id"]
    wave = town.shop.staff.get(f"/community-orders/{order['id']}")["wave_id"]
    page = ok(staff, f"/community/leaders/{leader}")
    assert f'action="/community/leaders/{leader}/delivery"' in page and 'data-action="collect"' in page

    # a form from elsewhere is refused; staff of another store see nothing to change
    assert staff.post(f"/community/leaders/{leader}/delivery", data={"wave": str(wave)},
                      headers={"Origin": "https://evil.example"}).status_code == 403
    stranger = console(client, Shop(town.shop.operator, rulebook="default").staff.key)
    assert stranger.post(f"/community/leaders/{leader}/delivery", data={"wave": str(wave)}, headers=ORIGIN).status_code == 404

    delivered = staff.post(f"/community/leaders/{leader}/delivery", data={"wave": str(wave)}, headers=ORIGIN)
    assert delivered.status_code == 303 and delivered.headers["location"] == f"/community/leaders/{leader}?wave={wave}&done=delivered"
    assert town.shop.staff.get(f"/waves/{wave}")["status"] == "delivered"
    assert "The wave is at the pickup points" in text_of(ok(staff, delivered.headers["location"]))

    # a wrong code is refused in the page's language; the buyer's code hands the order over
    wrong = staff.post(f"/community/leaders/{leader}/pickups?lang=zh", data={"code": "WRONG123"}, headers=ORIGIN)
    assert wrong.status_code == 404 and "该自提点没有与此提货码对应的待提订单" in text_of(wrong.text)
    code = buyer[2].get(f"/community-orders/{order['id']}")["pickup_code"]
    handed = staff.post(f"/community/leaders/{leader}/pickups", data={"code": code}, headers=ORIGIN)
    assert handed.status_code == 303
    assert town.shop.staff.get(f"/orders/{order['id']}")["status"] == "completed"
    again = staff.post(f"/community/leaders/{leader}/pickups", data={"code": code}, headers=ORIGIN)
    assert again.status_code == 409 and "该提货码对应的订单已被提货" in text_of(again.text)  # the page remembers 中文


def test_staff_approve_and_reject_a_leaders_payouts_from_the_leaders_page(client: TestClient, town: CommunityShop) -> None:
    # given a leader with 6.00 released who asked for 4.00 and then 2.00
    town.released(2)
    leader, me = town.leaders[0]["id"], town.leader_buyers[0][2]
    first = me.post(f"/leaders/{leader}/payouts", {"amount": "4.00"}, expect=201)
    second = me.post(f"/leaders/{leader}/payouts", {"amount": "2.00"}, expect=201)
    staff = console(client, town.shop.staff.key)
    page = ok(staff, f"/community/leaders/{leader}")
    assert field_of(page, "released") == "¥6.00" and field_of(page, "payable") == "¥6.00"
    assert "Waiting" in rows(page, "payout-id")[first["id"]]
    approve = f"/community/leaders/{leader}/payouts/{first['id']}/approve"
    assert f'action="{approve}"' in page

    # a form from elsewhere is refused; another store's staff find no such leader
    assert staff.post(approve, headers={"Origin": "https://evil.example"}).status_code == 403
    stranger = console(client, Shop(town.shop.operator, rulebook="default").staff.key)
    assert stranger.post(approve, headers=ORIGIN).status_code == 404

    # when staff approve the first and reject the second with a reason
    done = staff.post(approve, headers=ORIGIN)
    assert done.status_code == 303 and done.headers["location"] == f"/community/leaders/{leader}?done=approved"
    rejected = staff.post(f"/community/leaders/{leader}/payouts/{second['id']}/reject", data={"note": "银行卡信息不符"},
                          headers=ORIGIN)
    assert rejected.status_code == 303

    # then the page shows 4.00 paid out and 2.00 payable, the decisions, and no form for them any more
    page = ok(staff, f"/community/leaders/{leader}?done=rejected")
    assert field_of(page, "paid_out") == "¥4.00" and field_of(page, "payable") == "¥2.00"
    listed = rows(page, "payout-id")
    assert "Paid" in listed[first["id"]] and "Rejected" in listed[second["id"]] and "银行卡信息不符" in listed[second["id"]]
    assert 'data-action="approve"' not in page and "the balance stays the leader's" in text_of(page)
    assert town.books()["commission_payable"] == 200
    # approving it again is refused in the page's language
    again = staff.post(f"{approve}?lang=zh", headers=ORIGIN)
    assert again.status_code == 409 and "已提现" in text_of(again.text) and "当前可提现" in text_of(again.text)


def field_of(page: str, name: str) -> str:
    return text_of(page.split(f'data-field="{name}">')[1].split("</dd>")[0])
