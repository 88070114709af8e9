"""Exactly once: 30 friends paying at once into a pool that 10 items complete complete it once, and every payment that
arrives after it is complete goes straight back.

The basket moves by one conditional UPDATE of the pool's row (open, time left) and completes by another (open →
complete); on PostgreSQL the racing payments queue on that row, so the payment that crosses the threshold completes the
pool alone and the later ones find it complete and are refunded at once.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.pools import PoolShop
from support import Shop

PAYERS, THRESHOLD = 30, 10


def test_30_concurrent_payments_complete_a_10_item_pool_once(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given an open pool (the opener's one red tee paid) and 30 friends with an unpaid one-tee order each in it
    pools = PoolShop(shop, db, clock, threshold_items=THRESHOLD)
    pool = pools.opened((pools.red, 1))
    friends = [pools.buyer(f"friend {n}") for n in range(PAYERS)]
    placed = [pools.join(pool["code"], friend, (pools.red, 1))["order"]["id"] for friend in friends]

    # when all 30 pay at once over HTTP
    def pay(n: int) -> str:
        shopper = friends[n][2]
        headers = {"Authorization": f"Bearer {shopper.key}"}
        payment = shopper.client.post(f"/api/v1/orders/{placed[n]}/payments", headers=headers).json()
        return str(shopper.client.post(f"/api/v1/payments/{payment['id']}/simulate", headers=headers).json()["status"])

    with ThreadPoolExecutor(max_workers=12) as workers:
        outcomes = Counter(workers.map(pay, range(PAYERS)))

    # then exactly the payments up to the threshold count, the pool completed once, every later payer is refunded
    assert outcomes == {"succeeded": THRESHOLD - 1, "refunded": PAYERS - THRESHOLD + 1}, outcomes
    seen = pools.pool(pool["id"])
    seated = [m for m in seen["members"] if m["status"] == "seated"]
    assert (seen["status"], seen["achieved"], seen["paid_members"], len(seated)) == ("complete", THRESHOLD, THRESHOLD, THRESHOLD)
    assert all(m["status"] in ("seated", "refused") for m in seen["members"])
    assert pools.events(pool["id"]).count("pool.completed") == 1
    assert all(pools.order(m["order_id"])["held_for_pool"] is None for m in seated)
    assert pools.assert_books_balance()["escrow"] == THRESHOLD * 5391
    stock = shop.stock(pools.red)
    assert (stock["reserved"], stock["available"]) == (THRESHOLD, 100 - THRESHOLD)
