"""A shop running community group buying (社区团购): two pickup points with their leaders, and the helpers its scenarios
share."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from shopkeeper import timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.orders import ledger
from shopkeeper.orders.models import LedgerEntry
from support import Api, Shop

Buyer = tuple[dict[str, Any], dict[str, Any], Api]
# cut-offs on the store's clock (Asia/Shanghai): 20:00 is 12:00 UTC, 10:00 is 02:00 UTC; the clock starts 09:00 UTC
SETTINGS: dict[str, Any] = {"cutoffs": ["10:00", "20:00"], "unpicked_days": 3, "unpicked_outcome": "refund",
                            "leader_rate": "0.05"}


class CommunityShop:
    """`shop` runs two pickup points, each led by a buyer; buyers order through the leaders' links."""

    def __init__(self, shop: Shop, db: Database, clock: SimulatedClock, **settings: Any) -> None:
        self.shop, self.db, self.clock = shop, db, clock
        self.settings = self.put_settings(**settings)
        self.points, self.leaders, self.leader_buyers = [], [], []
        for n, (name, compound) in enumerate((("3号楼便利店", "阳光花园"), ("东门快递站", "翠苑小区"))):
            point = shop.staff.post("/pickup-points", {"store_id": shop.store_id, "name": name, "community": compound,
                                                       "country": "CN", "city": "长沙", "line1": f"{compound} {n + 1}"},
                                    expect=201)
            who = shop.new_buyer(f"团长 {n + 1}")
            self.points.append(point)
            self.leader_buyers.append(who)
            self.leaders.append(shop.staff.post("/leaders", {"pickup_point_id": point["id"], "buyer_id": who[0]["id"],
                                                             "name": f"团长 {n + 1}"}, expect=201))

    def put_settings(self, expect: int = 200, **changes: Any) -> Any:
        return self.shop.staff.call("PUT", f"/stores/{self.shop.store_id}/community-settings",
                                    json={**SETTINGS, **changes}, expect=expect)

    def order(self, who: Buyer, leader: int, *lines: tuple[int, int], pay: bool = True) -> Any:
        """The buyer orders through a leader's link (and pays); returns the order."""
        _, address, shopper = who
        placed = shopper.post(f"/leaders/{self.leaders[leader]['code']}/orders", {
            "address_id": address["id"], "lines": [{"sku_id": s, "quantity": q} for s, q in lines]}, expect=201)
        if pay:
            self.shop.pay(placed["order"], shopper)
        return placed["order"]

    def run_timers(self, **advance: float) -> None:
        if advance:
            self.clock.advance(**advance)
        timers.run_due_timers(self.db, self.clock)

    def books(self) -> dict[str, int]:
        """Double entry: the store's ledger sums to zero; returns each account's balance in minor units."""
        with self.db.read() as session:
            total = session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0))
                                   .where(LedgerEntry.store_id == self.shop.store_id))
            sums = ledger.balances(session, self.shop.store_id, "CNY")
        assert total == 0
        return {account: money.minor for account, money in sums.items()}

    def released(self, orders: int, leader: int = 0) -> list[Any]:
        """`orders` one-item orders through the leader, collected at their point, their commission released (5% of
        59.90 each: 3.00) once the after-sales window closes; returns the orders."""
        placed = [self.order(self.shop.new_buyer(f"邻居 {n}"), leader, (self.shop.skus[0], 1)) for n in range(orders)]
        self.run_timers(hours=3, minutes=1)
        wave = self.shop.staff.get(f"/community-orders/{placed[0]['id']}")["wave_id"]
        self.shop.staff.post(f"/waves/{wave}/delivery", headers={"Idempotency-Key": f"deliver-{wave}"})
        for order in placed:
            code = self.shop.staff.get(f"/community-orders/{order['id']}")["pickup_code"]
            self.shop.staff.post(f"/pickup-points/{self.points[leader]['id']}/pickups", {"code": code})
        self.run_timers(days=26)
        return placed
