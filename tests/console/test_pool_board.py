"""The pools (拼单) section of the group-buy board over HTTP: each store's baskets filling against their thresholds and
clocks, its pool offers, and a pool order's timeline words, in English and Chinese.

Through the real app, with the API placing and paying the orders; runs on SQLite and on PostgreSQL (when configured).
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from console.test_marketing_pages import console, ok, rows, text_of
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.pools import PoolShop
from support import Shop


def test_the_board_shows_each_pools_paid_basket_against_its_threshold_with_a_countdown(
        client: TestClient, shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given a 200.00 pool with the opener's red tee and a friend's blue tee paid, another offer counted in items
    pools = PoolShop(shop, db, clock)
    items = PoolShop(shop, db, clock, name="三件 85 折", threshold_items=3, percent_off="15")
    pool = pools.opened((pools.red, 1))
    friend = pools.buyer("Han Meimei")
    pools.pay(pools.join(pool["code"], friend, (pools.blue, 1)), friend)
    clock.advance(hours=2, minutes=46)

    # when the store's staff open the board
    staff = console(client, shop.staff.key)
    page = ok(staff, "/group-buys")

    # then the pool's row shows its basket in money, its discount, its end on the store's clock and the time left
    row = rows(page, "pool-id")[pool["id"]]
    assert f"#{pool['id']} {pool['code']}" in row and "拼单满 200 享 9 折" in row
    assert "10% off" in row and "Filling" in row and "¥124.90 of ¥200.00" in row
    assert 'data-basket="12490/20000"' in page and '<progress class="group-fill" value="12490" max="20000">' in page
    assert "2026-11-03 17:00" in row and "21h 14m left" in row
    offers = rows(page, "pool-offer-id")
    assert "¥200.00" in offers[pools.offer["id"]] and "3 item(s)" in offers[items.offer["id"]] and "15% off" in offers[items.offer["id"]]
    assert "style=" not in page

    # and in Chinese
    zh = ok(staff, "/group-buys?lang=zh")
    assert "拼单中" in rows(zh, "pool-id")[pool["id"]] and "减 10%" in rows(zh, "pool-id")[pool["id"]]
    assert "3 件" in rows(zh, "pool-offer-id")[items.offer["id"]] and "拼单活动" in zh


def test_a_pool_order_waits_unshipped_and_says_why_and_another_store_sees_no_pool(
        client: TestClient, shop: Shop, db: Database, clock: SimulatedClock) -> None:
    pools = PoolShop(shop, db, clock)
    placed = pools.open((pools.red, 1))
    pools.pay(placed)
    staff = console(client, shop.staff.key)
    page = ok(staff, f"/orders/{placed['order']['id']}")
    assert f"it waits for pool #{placed['pool']['id']}, and its clock starts when the pool is complete" in text_of(page)
    assert 'data-next-action="ship"' not in page  # no shipment offered while the pool holds it
    assert f'data-held-for-pool="{placed["pool"]["id"]}"' in page
    assert "Waiting for the pool's paid basket to reach ¥200.00 (¥59.90 so far), ends 2026-11-03 17:00." in text_of(page)
    assert f'data-order-id="{placed["order"]["id"]}"' not in ok(staff, "/")  # nor on the dashboard's list to ship
    zh = text_of(ok(staff, f"/orders/{placed['order']['id']}?lang=zh"))
    assert f"等待拼单 #{placed['pool']['id']} 达到门槛" in zh and "等待拼单达到门槛 ¥200.00（已凑 ¥59.90），2026-11-03 17:00 截止。" in zh
    other = Shop(shop.operator)
    assert rows(ok(console(client, other.staff.key), "/group-buys"), "pool-id") == {}
