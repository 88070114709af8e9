"""A shop that runs an assist offer on its red tee (59.90), and the helpers the assist scenarios share."""

from __future__ import annotations

from typing import Any

from shopkeeper import events, timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.groups import Buyer
from support import Api, Shop


class AssistShop:
    """Steps: 2 helpers → a 5-yuan store coupon, 3 → one tee at 19.90, 4 → one tee free; 24 hours; 3 helps a day."""

    def __init__(self, shop: Shop, db: Database, clock: SimulatedClock, **offer: Any) -> None:
        self.shop, self.db, self.clock = shop, db, clock
        self.sku = shop.skus[0]
        self.template = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "助力无门槛5元", "kind": "cash",
                                                     "amount_off": "5", "open_ended": True, "valid_days": 30,
                                                     "per_buyer_limit": 5}, expect=201)
        body = {"store_id": shop.store_id, "kind": "boost", "name": "好友助力 tee", "sku_id": self.sku,
                "steps": [{"helpers": 2, "reward": {"kind": "coupon", "template_id": self.template["id"]}},
                          {"helpers": 3, "reward": {"kind": "price", "price": "19.90"}},
                          {"helpers": 4, "reward": {"kind": "free_item"}}],
                "time_limit_hours": 24, "helper_daily_cap": 3, **offer}
        self.offer = shop.staff.post("/assists/offers", body, expect=201)
        self.owner: Buyer = (shop.buyer, shop.address, shop.shopper)

    def open(self, who: Api | None = None, expect: int = 201) -> Any:
        return (who or self.shop.shopper).post(f"/assists/offers/{self.offer['id']}/tasks", expect=expect)

    def help(self, code: str, who: Api, expect: int = 200, key: str | None = None) -> Any:
        headers = {"Idempotency-Key": key} if key else None
        return who.post(f"/assists/{code}/help", expect=expect, headers=headers)

    def helpers(self, n: int, prefix: str = "helper") -> list[Api]:
        return [self.shop.new_buyer(f"{prefix} {i}")[2] for i in range(n)]

    def task(self, ref: str | int, who: Api | None = None) -> Any:
        return (who or self.shop.staff).get(f"/assists/{ref}")

    def run_timers(self, **advance: float) -> None:
        if advance:
            self.clock.advance(**advance)
        timers.run_due_timers(self.db, self.clock)

    def events(self, task_id: int) -> list[str]:
        with self.db.read() as session:
            return [e.type for e in events.timeline(session, f"assist_task:{task_id}")]
