"""The wave board (社区团购 波次) over HTTP: a store's waves with their cut-off on the store's clock and their orders
counted (collected, not collected), and one wave's pick list, per wave and per leader, in English and Chinese.
Through the real app, the API placing and paying orders, delivering the wave and handing an order over."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from console.test_community_pages import rows_by
from console.test_marketing_pages import console, ok, rows, text_of
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.community import CommunityShop
from support import Shop


@pytest.fixture
def town(shop: Shop, db: Database, clock: SimulatedClock) -> CommunityShop:
    return CommunityShop(shop, db, clock)


def test_the_wave_board_counts_a_waves_orders_and_links_its_pick_list_per_wave_and_per_leader(
        client: TestClient, town: CommunityShop) -> None:
    # given three paid orders through two leaders, the wave closed at its 20:00 cut-off, delivered, one order collected
    red, blue = town.shop.skus
    first = town.order(town.shop.new_buyer("张三"), 0, (red, 2), (blue, 1))
    town.order(town.shop.new_buyer("李四"), 0, (red, 3))
    town.order(town.shop.new_buyer("王五"), 1, (blue, 7))
    town.run_timers(hours=3, minutes=1)
    wave = town.shop.staff.get(f"/community-orders/{first['id']}")["wave_id"]
    town.shop.staff.post(f"/waves/{wave}/delivery", {}, headers={"Idempotency-Key": "deliver-1"})
    code = town.shop.staff.get(f"/community-orders/{first['id']}")["pickup_code"]
    town.shop.staff.post(f"/pickup-points/{town.points[0]['id']}/pickups", {"code": code},
                         headers={"Idempotency-Key": "collect-1"})
    # and a later wave still open with one paid order
    town.order(town.shop.new_buyer("赵六"), 1, (red, 1))
    staff = console(client, town.shop.staff.key)

    # when staff open the board, then each wave shows its status, its cut-off on the store's clock and its counts
    board = ok(staff, "/community/waves")
    listed = rows(board, "wave-id")
    assert len(listed) == 2 and wave in listed
    assert "At the points" in listed[wave] and "20:00" in listed[wave]
    assert field(board, wave, "orders") == "3" and field(board, wave, "collected") == "1"
    assert field(board, wave, "uncollected") == "2"
    later = next(i for i in listed if i != wave)
    assert "Open" in listed[later] and field(board, later, "orders") == "1" and field(board, later, "collected") == "0"
    assert f'href="/community/waves/{wave}"' in board and "style=" not in board
    assert ok(staff, "/community/waves?status=open").count("data-wave-id=") == 1
    ok(staff, "/community/waves?status=nonsense", status=400)

    # when they follow the link, then the pick list gives the wave's SKU totals and each leader's share of them
    page = ok(staff, f"/community/waves/{wave}")
    totals = {r.split()[0]: r for r in rows_by(page, "sku")}
    assert totals["TEE-RED-M"].endswith(" 5") and totals["TEE-BLU-L"].endswith(" 8")
    shares = [text_of(part) for part in page.split("data-leader-share=")[1:]]
    assert len(shares) == 2 and "团长 1" in shares[0] and "2 orders, 6 units for this point" in shares[0]
    assert "团长 2" in shares[1] and "1 orders, 7 units for this point" in shares[1]
    assert f'href="/community/leaders/{town.leaders[1]["id"]}?wave={wave}"' in page
    assert "Units per SKU for the wave (13 in all)" in text_of(page)

    zh = text_of(ok(staff, "/community/waves?lang=zh"))
    assert "配送波次" in zh and "已送达自提点" in zh and "未提货" in zh
    assert "本波次各 SKU 件数（共 13 件）" in text_of(ok(staff, f"/community/waves/{wave}?lang=zh"))

    # another store's staff see none of it: an empty board, and a 404 for the wave as for a missing one
    other = console(client, Shop(town.shop.operator, rulebook="default").staff.key)
    assert "data-wave-id=" not in ok(other, "/community/waves")
    assert "There is no such wave" in text_of(ok(other, f"/community/waves/{wave}", status=404))
    ok(staff, "/community/waves/999999", status=404)


def field(page: str, wave_id: int, name: str) -> str:
    row = page.split(f'data-wave-id="{wave_id}"')[1].split("</tr>")[0]
    return row.split(f'data-field="{name}">')[1].split("<")[0]
