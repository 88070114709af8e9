"""Pool buying (拼单, RULES.md §4.1, §3.6 拼单折扣) through the API with the simulated clock: open, add, pay, reach the
threshold or run out of time."""

from __future__ import annotations

import pytest

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.pools import PoolShop
from support import Shop


@pytest.fixture
def pools(shop: Shop, db: Database, clock: SimulatedClock) -> PoolShop:
    return PoolShop(shop, db, clock)


def test_a_basket_that_reaches_its_threshold_ships_every_order_at_the_price_each_member_paid(pools: PoolShop) -> None:
    # given the opener's order of one red tee at the pool's 10% off, paid: the pool opens for 24 hours
    placed = pools.open((pools.red, 1))
    assert placed["pool"]["status"] == "pending" and placed["order"]["total"]["minor"] == 5391
    verdict = next(v for v in placed["order"]["pricing"]["verdicts"] if v["promotion"] == f"pool-offer:{pools.offer['id']}")
    assert verdict["applied"] and verdict["kind"] == "pool"
    pools.pay(placed)
    pool = pools.pool(placed["pool"]["code"])
    assert (pool["status"], pool["achieved"], pool["missing"], pool["expires_at"]) == ("open", 5990, 14010, "2026-11-03T09:00:00Z")
    # while the basket is short the paid order does not ship and has no ship-by clock
    order = pools.order(placed["order"]["id"])
    assert (order["status"], order["ship_by"], order["held_for_pool"]) == ("paid", None, pool["id"])
    assert "ship" not in order["allowed_actions"]
    assert pools.ship(order["id"], expect=409)["code"] == "pool-not-complete"

    # when a friend adds two blue tees and pays (189.90 of 200.00), then another adds a red tee and pays
    friend, other = pools.buyer("Han Meimei"), pools.buyer("Wang Wu")
    pools.clock.advance(hours=2)
    blue = pools.join(pool["code"], friend, (pools.blue, 2))
    assert blue["order"]["total"]["minor"] == 11700
    pools.pay(blue, friend)
    assert (pools.pool(pool["id"])["status"], pools.pool(pool["id"])["achieved"]) == ("open", 18990)
    pools.clock.advance(hours=3)
    red = pools.join(pool["code"], other, (pools.red, 1))
    pools.pay(red, other)

    # then the pool is complete at 249.80, every order ships on a clock started now, each paid exactly its own price
    pool = pools.pool(pool["id"])
    assert (pool["status"], pool["achieved"], pool["paid_members"], pool["completed_at"]) == (
        "complete", 24980, 3, "2026-11-02T14:00:00Z")
    for order_id in (placed["order"]["id"], blue["order"]["id"], red["order"]["id"]):
        order = pools.order(order_id)
        assert (order["held_for_pool"], order["ship_by"]) == (None, "2026-11-05T14:00:00Z")
        assert "ship" in order["allowed_actions"]
    books = pools.assert_books_balance()
    assert books["escrow"] == 5391 + 11700 + 5391  # nothing to hand back later: the price was the pool's from the start
    assert pools.ship(placed["order"]["id"])["status"] == "shipped"
    assert pools.events(pool["id"]) == ["pool.started", "pool.opened", "pool.added", "pool.joined", "pool.added",
                                        "pool.joined", "pool.added", "pool.completed"]
    pools.run_timers(days=2)  # the expiry timer finds the pool complete: nothing happens
    assert pools.pool(pool["id"])["status"] == "complete"


def test_a_pool_short_at_expiry_refunds_every_member_in_full_and_returns_the_stock(shop: Shop, db: Database,
                                                                                  clock: SimulatedClock) -> None:
    # given a pool counted in items (5 unlock it) with three paid items and one unpaid order
    pools = PoolShop(shop, db, clock, threshold_items=5)
    pool = pools.opened((pools.red, 1))
    paid, unpaid = pools.buyer("Han Meimei"), pools.buyer("Wang Wu")
    pools.pay(pools.join(pool["code"], paid, (pools.blue, 2)), paid)
    late = pools.join(pool["code"], unpaid, (pools.red, 1))
    assert (pools.pool(pool["id"])["achieved"], pools.pool(pool["id"])["missing"]) == (3, 2)
    assert pools.assert_books_balance()["escrow"] == 5391 + 11700

    # when its 24 hours run out, nobody acting
    pools.run_timers(hours=24)

    # then every paid member is refunded in full through escrow, the unpaid order closes, the stock is back on sale
    pool = pools.pool(pool["id"])
    assert (pool["status"], pool["missing"]) == ("failed", 0)
    assert sorted((m["role"], m["status"]) for m in pool["members"]) == [("leader", "refunded"), ("member", "closed"),
                                                                         ("member", "refunded")]
    for member in pool["members"]:
        assert (pools.order(member["order_id"])["status"], pools.order(member["order_id"])["close_reason"]) == (
            "closed", "pool_failed")
    assert pools.order(late["order"]["id"])["status"] == "closed"
    books = pools.assert_books_balance()
    assert books["escrow"] == 0 and books["store_balance"] == 0
    for sku in (pools.red, pools.blue):
        assert (pools.shop.stock(sku)["available"], pools.shop.stock(sku)["reserved"]) == (100, 0)
    assert pools.events(pool["id"])[-1] == "pool.failed"
    pools.run_timers(days=2)  # a repeated timer changes nothing
    assert pools.pool(pool["id"])["status"] == "failed"


def test_a_member_who_cancels_takes_their_items_out_and_a_payment_after_completion_is_refunded_at_once(pools: PoolShop) -> None:
    # given an open pool and a friend's paid order of two blue tees
    pool = pools.opened((pools.red, 1))
    leaver, late = pools.buyer("leaver"), pools.buyer("late")
    left = pools.join(pool["code"], leaver, (pools.blue, 2))
    pools.pay(left, leaver)
    assert pools.pool(pool["id"])["achieved"] == 5990 + 13000

    # when the friend cancels: refunded in full, and the basket no longer counts their items
    leaver[2].post(f"/orders/{left['order']['id']}/cancel", {"reason": "changed_mind"})
    assert (pools.pool(pool["id"])["achieved"], pools.pool(pool["id"])["paid_members"]) == (5990, 1)

    # and a friend who ordered while the pool was open, but pays after another completed it, is refunded at once
    slow = pools.join(pool["code"], late, (pools.red, 1))
    filler = pools.buyer("filler")
    pools.pay(pools.join(pool["code"], filler, (pools.blue, 3)), filler)
    assert pools.pool(pool["id"])["status"] == "complete"
    assert pools.pay(slow, late)["status"] == "refunded"
    refused = pools.order(slow["order"]["id"])
    assert (refused["status"], refused["close_reason"]) == ("closed", "pool_closed")
    assert "pool.refused" in pools.events(pool["id"])
    assert pools.join(pool["code"], pools.buyer("after"), (pools.red, 1), expect=409)["code"] == "pool-not-joinable"
    pools.assert_books_balance()


def test_a_pool_order_holds_only_the_offers_items_and_one_order_per_buyer(shop: Shop, db: Database,
                                                                          clock: SimulatedClock) -> None:
    pools = PoolShop(shop, db, clock, sku_ids=[shop.skus[0]])
    assert pools.open((pools.blue, 1), expect=422)["code"] == "not-in-pool-offer"
    pool = pools.opened((pools.red, 1))
    assert pools.join(pool["code"], pools.leader, (pools.red, 1), expect=409)["code"] == "already-in-pool"
    assert pools.shop.stock(pools.red)["reserved"] == 1  # the refused orders were never placed


def test_offers_keep_the_rulebooks_window_and_one_threshold(pools: PoolShop) -> None:
    staff, store = pools.shop.staff, pools.shop.store_id
    body = {"store_id": store, "name": "拼单", "percent_off": "10", "time_limit_hours": 24}
    assert staff.post("/pools/offers", {**body, "threshold_items": 3, "threshold_amount": "10"}, expect=422)
    assert staff.post("/pools/offers", {**body, "threshold_items": 3, "time_limit_hours": 9999}, expect=422)["code"] == "invalid-input"
    assert staff.post("/pools/offers", {**body, "threshold_items": 3, "percent_off": "100"}, expect=422)["code"] == "invalid-input"
    # a buyer cannot offer one; the offer ends, and no new pool opens on it
    assert pools.leader[2].post("/pools/offers", {**body, "threshold_items": 3}, expect=403)
    assert staff.post(f"/pools/offers/{pools.offer['id']}/end")["status"] == "ended"
    assert pools.open((pools.red, 1), expect=404)


def test_who_sees_a_pool(pools: PoolShop) -> None:
    pool = pools.opened((pools.red, 1))
    stranger = pools.buyer("stranger")
    # any buyer opens it by its share code (without the members); by id only those in it
    shared = stranger[2].get(f"/pools/{pool['code']}")
    assert shared["members"] is None and shared["allowed_actions"] == ["join"]
    stranger[2].get(f"/pools/{pool['id']}", expect=404)
    assert pools.leader[2].get(f"/pools/{pool['id']}")["my_order_id"] == pool["members"][0]["order_id"]
    # another store's staff: as if it did not exist
    other = Shop(pools.shop.operator)
    other.staff.get(f"/pools/{pool['id']}", expect=404)
    assert [p["id"] for p in pools.shop.staff.get("/pools")["items"]] == [pool["id"]]
    assert other.staff.get("/pools")["items"] == []


def test_opening_twice_with_one_idempotency_key_places_one_order(pools: PoolShop) -> None:
    headers = {"Idempotency-Key": "open-pool-1"}
    first = pools.open((pools.red, 1), headers=headers)
    again = pools.open((pools.red, 1), headers=headers)
    assert again["order"]["id"] == first["order"]["id"] and again["pool"]["id"] == first["pool"]["id"]
    assert pools.shop.stock(pools.red)["reserved"] == 1
