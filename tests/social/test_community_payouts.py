"""A community leader's payouts (社区团购 团长): their released commission, paid out on their request once store staff
approve, through distribution's one payout code path: never more than the balance, the ledger's `commission_payable`
down by what was paid, a rejection leaving the balance whole; and racing approvals on PostgreSQL."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.community import CommunityShop
from support import Shop

RACERS = 6


@pytest.fixture
def town(shop: Shop, db: Database, clock: SimulatedClock) -> CommunityShop:
    return CommunityShop(shop, db, clock)


def test_a_leader_asks_for_released_commission_and_staff_approve_or_reject(town: CommunityShop) -> None:
    # given a leader with two collected orders' commission released: 6.00
    town.released(2)
    leader, me = town.leaders[0]["id"], town.leader_buyers[0][2]
    path = f"/leaders/{leader}/payouts"
    assert town.books()["commission_payable"] == 600

    # when the leader asks for more than that, it is refused; staff cannot ask on their behalf
    assert me.post(path, {"amount": "6.01"}, expect=409)["code"] == "payout-exceeds-balance"
    town.shop.staff.post(path, {"amount": "1.00"}, expect=403)
    # when they ask for 4.00 and then 2.00, staff approve the first and reject the second
    first = me.post(path, {"amount": "4.00"}, headers={"Idempotency-Key": "ask-1"}, expect=201)
    assert me.post(path, {"amount": "4.00"}, headers={"Idempotency-Key": "ask-1"}, expect=201)["id"] == first["id"]
    second = me.post(path, {"amount": "2.00"}, expect=201)
    assert first["leader_id"] == leader and first["promoter_id"] is None and first["allowed_actions"] == []
    listed = town.shop.staff.get(path)["items"]
    assert [p["id"] for p in listed] == [second["id"], first["id"]] and listed[0]["allowed_actions"] == ["approve", "reject"]
    me.post(f"{path}/{first['id']}/approve", expect=403)  # the leader cannot approve their own
    approved = town.shop.staff.post(f"{path}/{first['id']}/approve", headers={"Idempotency-Key": "ok-1"})
    rejected = town.shop.staff.post(f"{path}/{second['id']}/reject", {"note": "bank details do not match"})
    assert (approved["status"], rejected["status"], rejected["note"]) == ("approved", "rejected", "bank details do not match")
    assert town.shop.staff.post(f"{path}/{first['id']}/reject", {}, expect=409)["code"] == "not-allowed-in-state"

    # then 4.00 left commission_payable for the provider; 2.00 is still the leader's to ask for, and no more
    books = town.books()
    assert books["commission_payable"] == 200
    figures = me.get(f"/leaders/{leader}/page")["payouts"]
    assert (figures["paid_out"]["minor"], figures["payable"]["minor"]) == (400, 200)
    assert me.post(path, {"amount": "2.01"}, expect=409)["code"] == "payout-exceeds-balance"
    me.post(path, {"amount": "2.00"}, expect=201)
    # another leader, another store's staff see none of it
    town.leader_buyers[1][2].get(path, expect=404)
    other = Shop(town.shop.operator, rulebook="default")
    other.staff.get(path, expect=404)
    other.staff.post(f"{path}/{first['id']}/approve", expect=404)


def test_racing_approvals_pay_a_leader_no_more_than_was_released(town: CommunityShop, db: Database) -> None:
    if db.url.startswith("sqlite"):
        pytest.skip("SQLite runs one writer at a time: the race is PostgreSQL's")
    # given 6.00 released and six requests of 3.00 (each fits the balance when asked, none approved yet)
    town.released(2)
    leader, me = town.leaders[0]["id"], town.leader_buyers[0][2]
    path = f"/leaders/{leader}/payouts"
    payouts = [me.post(path, {"amount": "3.00"}, expect=201) for _ in range(RACERS)]

    # when staff approve all six at once
    def approve(n: int) -> str:
        response = town.shop.staff.client.post(f"/api/v1{path}/{payouts[n]['id']}/approve",
                                               headers={"Authorization": f"Bearer {town.shop.staff.key}"})
        return str(response.json()["status"] if response.status_code == 200 else response.json()["code"])

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        outcomes = Counter(pool.map(approve, range(RACERS)))

    # then exactly two were approved, the rest refused; the payable account is empty, never negative
    assert outcomes == {"approved": 2, "payout-exceeds-balance": RACERS - 2}, outcomes
    assert town.books()["commission_payable"] == 0
    assert Counter(p["status"] for p in town.shop.staff.get(path)["items"]) == {"approved": 2, "requested": RACERS - 2}
