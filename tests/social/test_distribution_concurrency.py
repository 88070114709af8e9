"""Payouts never exceed the promoter's released balance, however many approvals race.

Approval takes the balance by one conditional UPDATE (`balance_minor >= amount`); on PostgreSQL the racing
approvals queue on the promoter's row and re-check the condition against the committed balance.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.distribution import DistShop
from support import Shop

REQUESTS = 12


def test_concurrent_approvals_pay_out_no_more_than_was_released(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given a promoter with 3.00 released, and twelve requests of 1.00 each (each fits the balance when asked)
    dist = DistShop(shop, db, clock)
    customer = shop.new_buyer("Han Meimei")
    dist.touch(customer)
    order = dist.buy(customer)
    dist.ship_and_confirm(order, customer)
    dist.run_timers(days=26)
    assert dist.figures()["balance"] == 300
    path = f"/promoters/{dist.promoter['id']}/payouts"
    payouts = [dist.promoter_buyer[2].post(path, {"amount": "1.00"}, expect=201) for _ in range(REQUESTS)]

    # when staff approve all twelve at once
    def approve(n: int) -> str:
        response = shop.staff.client.post(f"/api/v1{path}/{payouts[n]['id']}/approve",
                                          headers={"Authorization": f"Bearer {shop.staff.key}"})
        return str(response.json()["status"] if response.status_code == 200 else response.json()["code"])

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = Counter(pool.map(approve, range(REQUESTS)))

    # then exactly three are paid, the rest refused, and the books agree
    assert outcomes == {"approved": 3, "payout-exceeds-balance": REQUESTS - 3}, outcomes
    assert dist.figures() == {"frozen": 0, "released": 300, "clawed_back": 0, "paid_out": 300, "balance": 0}
    assert dist.books()["commission_payable"] == 0
    statuses = Counter(p["status"] for p in shop.staff.get(f"{path}?limit=50")["items"])
    assert statuses == {"approved": 3, "requested": REQUESTS - 3}  # a refused approval leaves the request to decide
