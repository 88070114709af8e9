"""Exactly full groups: 200 buyers joining and paying at once never seat a sixth member in a group of five.

The seat is one conditional UPDATE of the group's row (`paid_members < size`); on PostgreSQL the racing payments
queue on that row and the losers find the group full and are refunded at once.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.groups import Buyer, GroupShop
from support import Shop

GROUPS, SIZE, JOINERS = 10, 5, 200


def test_200_concurrent_joins_of_5_person_groups_make_exactly_full_groups(shop: Shop, db: Database,
                                                                        clock: SimulatedClock) -> None:
    # given ten open groups of five, each with its opener paid, and stock for everyone who might try
    shop.staff.post(f"/skus/{shop.skus[0]}/stock", {"warehouse_id": shop.warehouse["id"], "quantity": 400})
    groups = GroupShop(shop, db, clock, group_size=SIZE, leader_price=None)
    opened = [groups.opened()] + [_opened_by(groups, groups.buyer(f"opener {n}")) for n in range(1, GROUPS)]
    joiners = [groups.buyer(f"joiner {n}") for n in range(JOINERS)]

    # when 200 buyers each join a group and pay, all at once over HTTP
    def attempt(n: int) -> str:
        _, address, shopper = joiners[n]
        headers = {"Authorization": f"Bearer {shopper.key}"}
        code = opened[n % GROUPS]["code"]
        placed = shopper.client.post(f"/api/v1/group-buys/{code}/join", headers=headers, json={"address_id": address["id"]})
        if placed.status_code != 201:
            return placed.json()["code"]
        order_id = placed.json()["order"]["id"]
        payment = shopper.client.post(f"/api/v1/orders/{order_id}/payments", headers=headers).json()
        return str(shopper.client.post(f"/api/v1/payments/{payment['id']}/simulate", headers=headers).json()["status"])

    with ThreadPoolExecutor(max_workers=24) as pool:
        outcomes = Counter(pool.map(attempt, range(JOINERS)))

    # then every group is exactly full, every payer without a seat got the money back, the books balance
    assert outcomes["succeeded"] == GROUPS * (SIZE - 1), outcomes
    assert set(outcomes) <= {"succeeded", "refunded", "group-not-joinable"}, outcomes
    for group in opened:
        seen = groups.group(group["id"])
        seated = [m for m in seen["members"] if m["status"] == "seated"]
        assert (seen["status"], seen["paid_members"], len(seated)) == ("complete", SIZE, SIZE)
        assert all(m["status"] in ("seated", "refused") for m in seen["members"])
    books = groups.assert_books_balance()
    assert books["escrow"] == GROUPS * SIZE * 3990
    stock = shop.stock(shop.skus[0])
    assert (stock["reserved"], stock["available"]) == (GROUPS * SIZE, 500 - GROUPS * SIZE)


def _opened_by(groups: GroupShop, opener: Buyer) -> Any:
    placed = groups.open(opener)
    groups.pay(placed, opener)
    return groups.group(placed["group"]["id"])
