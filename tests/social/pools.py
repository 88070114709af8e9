"""A shop that sells its tees in pools (拼单), and the helpers the pool scenarios share."""

from __future__ import annotations

from typing import Any

from invariants import ledger_sums_to_zero
from shopkeeper import events, timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.groups import Buyer
from support import Shop


class PoolShop:
    """`shop`'s tees (red 59.90, blue 65.00) offered as a pool: a basket of 200.00 gets 10% off, 24 hours to reach it."""

    def __init__(self, shop: Shop, db: Database, clock: SimulatedClock, **offer: Any) -> None:
        self.shop, self.db, self.clock = shop, db, clock
        self.red, self.blue = shop.skus
        body = {"store_id": shop.store_id, "name": "拼单满 200 享 9 折", "percent_off": "10", "time_limit_hours": 24, **offer}
        if "threshold_items" not in body:
            body.setdefault("threshold_amount", "200.00")
        self.offer = shop.staff.post("/pools/offers", body, expect=201)
        self.leader: Buyer = (shop.buyer, shop.address, shop.shopper)

    def buyer(self, name: str) -> Buyer:
        return self.shop.new_buyer(name)

    def open(self, *lines: tuple[int, int], who: Buyer | None = None, expect: int = 201, **kwargs: Any) -> Any:
        _, address, shopper = who or self.leader
        return shopper.post(f"/pools/offers/{self.offer['id']}/open", {"address_id": address["id"], "lines": _lines(lines)},
                            expect=expect, **kwargs)

    def join(self, code: str, who: Buyer, *lines: tuple[int, int], expect: int = 201) -> Any:
        _, address, shopper = who
        return shopper.post(f"/pools/{code}/join", {"address_id": address["id"], "lines": _lines(lines)}, expect=expect)

    def pay(self, placed: dict[str, Any], who: Buyer | None = None) -> Any:
        return self.shop.pay(placed["order"], (who or self.leader)[2])

    def opened(self, *lines: tuple[int, int]) -> dict[str, Any]:
        """The leader opened a pool with these lines (one red tee by default) and paid: it is open."""
        placed = self.open(*(lines or ((self.red, 1),)))
        self.pay(placed)
        return self.pool(placed["pool"]["code"])

    def pool(self, ref: str | int) -> Any:
        return self.shop.staff.get(f"/pools/{ref}")

    def order(self, order_id: int) -> Any:
        return self.shop.operator.get(f"/orders/{order_id}")

    def ship(self, order_id: int, expect: int = 200) -> Any:
        return self.shop.staff.post(f"/orders/{order_id}/shipment", {"carrier": "SF", "tracking_number": f"SF{order_id:010d}"},
                                    expect=expect)

    def run_timers(self, **advance: float) -> None:
        if advance:
            self.clock.advance(**advance)
        timers.run_due_timers(self.db, self.clock)

    def assert_books_balance(self) -> dict[str, int]:
        """Double entry: every posting sums to zero; returns each of the store's accounts in minor units."""
        with self.db.read() as session:
            return ledger_sums_to_zero(session, self.shop.store_id)

    def events(self, pool_id: int) -> list[str]:
        with self.db.read() as session:
            return [e.type for e in events.timeline(session, f"pool:{pool_id}")]


def _lines(lines: tuple[tuple[int, int], ...]) -> list[dict[str, int]]:
    return [{"sku_id": sku, "quantity": quantity} for sku, quantity in lines]
