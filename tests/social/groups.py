"""A shop that sells a tee in groups, and the helpers the group-buy scenarios share."""

from __future__ import annotations

from typing import Any

from invariants import ledger_sums_to_zero
from shopkeeper import events, timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from support import Api, Shop

Buyer = tuple[dict[str, Any], dict[str, Any], Api]


class GroupShop:
    """`shop`'s red tee (59.90) offered in groups: 39.90 each, 35.00 for the opener, 24 hours to fill."""

    def __init__(self, shop: Shop, db: Database, clock: SimulatedClock, **offer: Any) -> None:
        self.shop, self.db, self.clock = shop, db, clock
        self.sku = shop.skus[0]
        self.offer = shop.staff.post("/group-buys/offers", {
            "store_id": shop.store_id, "sku_id": self.sku, "name": "拼团 tee", "group_size": 3, "group_price": "39.90",
            "leader_price": "35.00", "time_limit_hours": 24, "per_buyer_limit": 2, **offer}, expect=201)
        self.leader: Buyer = (shop.buyer, shop.address, shop.shopper)

    def buyer(self, name: str) -> Buyer:
        return self.shop.new_buyer(name)

    def open(self, who: Buyer | None = None, expect: int = 201, **body: Any) -> Any:
        _, address, shopper = who or self.leader
        return shopper.post(f"/group-buys/offers/{self.offer['id']}/open", {"address_id": address["id"], **body}, expect=expect)

    def join(self, code: str, who: Buyer, expect: int = 201, **body: Any) -> Any:
        _, address, shopper = who
        return shopper.post(f"/group-buys/{code}/join", {"address_id": address["id"], **body}, expect=expect)

    def pay(self, placed: dict[str, Any], who: Buyer | None = None) -> Any:
        return self.shop.pay(placed["order"], (who or self.leader)[2])

    def opened(self) -> dict[str, Any]:
        """The leader opened a group and paid: it is open, one seat taken."""
        placed = self.open()
        self.pay(placed)
        return self.group(placed["group"]["code"])

    def group(self, ref: str | int) -> Any:
        return self.shop.staff.get(f"/group-buys/{ref}")

    def order(self, order_id: int) -> Any:
        return self.shop.operator.get(f"/orders/{order_id}")

    def run_timers(self, **advance: float) -> None:
        if advance:
            self.clock.advance(**advance)
        timers.run_due_timers(self.db, self.clock)

    def assert_books_balance(self) -> dict[str, int]:
        """Double entry: every posting sums to zero; returns each of the store's accounts in minor units."""
        with self.db.read() as session:
            return ledger_sums_to_zero(session, self.shop.store_id)

    def events(self, group_id: int) -> list[str]:
        with self.db.read() as session:
            return [e.type for e in events.timeline(session, f"group_buy:{group_id}")]
