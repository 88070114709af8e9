"""Racing payments make one wave, and racing scans of one pickup code collect the order once (社区团购).

The first payment for a cut-off inserts its wave; a racer's insert hits the (store, cut-off) unique constraint in a
savepoint and reads the winner's row. Scans queue on the order's row (orders' lock) and re-read the community order
after it: the first collects, the rest find it collected.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.community import CommunityShop
from support import Shop

BUYERS, SCANS = 10, 8


def test_racing_payments_gather_in_one_wave_and_racing_scans_collect_once(shop: Shop, db: Database,
                                                                          clock: SimulatedClock) -> None:
    # given ten orders placed through a leader, not yet paid, and no wave yet
    town = CommunityShop(shop, db, clock)
    buyers = [shop.new_buyer(f"邻居 {n}") for n in range(BUYERS)]
    placed = [town.order(who, 0, (shop.skus[0], 1), pay=False) for who in buyers]

    # when all ten pay at once
    def pay(n: int) -> str:
        _, _, shopper = buyers[n]
        headers = {"Authorization": f"Bearer {shopper.key}"}
        payment = shopper.client.post(f"/api/v1/orders/{placed[n]['id']}/payments", headers=headers).json()
        return str(shopper.client.post(f"/api/v1/payments/{payment['id']}/simulate", headers=headers).json()["status"])

    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        assert Counter(pool.map(pay, range(BUYERS))) == {"succeeded": BUYERS}

    # then they are all in the one wave of the next cut-off
    waves = shop.staff.get(f"/waves?store_id={shop.store_id}")["items"]
    assert len(waves) == 1
    town.run_timers(hours=3, minutes=1)
    listed = shop.staff.get(f"/waves/{waves[0]['id']}/pick-list")
    assert listed["totals"][0]["quantity"] == BUYERS and len(listed["leaders"][0]["orders"]) == BUYERS

    # when the leader and the staff scan one buyer's code at the same moment, eight times
    shop.staff.post(f"/waves/{waves[0]['id']}/delivery")
    code = buyers[0][2].get(f"/community-orders/{placed[0]['id']}")["pickup_code"]
    point = town.points[0]["id"]

    def scan(n: int) -> int:
        who = town.leader_buyers[0][2] if n % 2 else shop.staff
        response = who.client.post(f"/api/v1/pickup-points/{point}/pickups", json={"code": code},
                                   headers={"Authorization": f"Bearer {who.key}"})
        return response.status_code

    with ThreadPoolExecutor(max_workers=SCANS) as pool:
        outcomes = Counter(pool.map(scan, range(SCANS)))

    # then exactly one collected it; the commission was frozen once; the books balance
    assert outcomes == {200: 1, 409: SCANS - 1}, outcomes
    page = shop.staff.get(f"/leaders/{town.leaders[0]['id']}/page")
    assert page["commission"]["frozen"]["minor"] == 300  # 5% of 59.90, half-up
    assert town.books()["commission_frozen"] == 300
