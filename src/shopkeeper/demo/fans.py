"""The demo's store club (粉丝趴, RULES.md §4.3): buyers follow the stores over the month, a few leave again, and the
tea house prices one black tea for its fans only (`demo.promotions`), so fans' orders show the fan price and others'
say why they did not get it.

Every follow and unfollow goes through `customers.service`, as the API's `PUT`/`DELETE /stores/{id}/follow` would.
The desk draws from a stream of its own, seeded by the run's, so the store club disturbs the rest of the demo's
draws as little as it can.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from shopkeeper.customers import service as customers
from shopkeeper.demo.data import DAY
from shopkeeper.orders.rules import LineRequest
from shopkeeper.promotions import service as promotions

if TYPE_CHECKING:
    from shopkeeper.demo.core import DemoShop, DemoShopper
    from shopkeeper.demo.simulation import DemoRun

FOLLOWS_PER_DAY = 2.5  # a shop's new follows a day, before its trend: the demo's tuning, not a platform figure
LEAVE_SHARE = 0.15  # follows that end in an unfollow some days later
LEAVE_AFTER_DAYS = (1, 10)
FAN_BUYS_SHARE = 0.3  # new fans of the tea house who buy the fan-priced tea within hours of following
FAN_BUYS_WITHIN_HOURS = 6


class FanDesk:
    def __init__(self, demo: DemoRun) -> None:
        self.demo = demo
        self.rng = random.Random("fans " + repr(demo.rng.getstate()[1][:8]))  # the run's seed decides it
        self.followed = 0
        self.left = 0
        self.fan_shop: DemoShop | None = None
        self.fan_skus: list[int] = []

    def launch(self, shop: DemoShop) -> None:
        """The shop whose fans-only price (set with its promotions) some new fans come to buy."""
        self.fan_shop = shop
        with self.demo.db.read() as session:
            rows = promotions.list_promotions(session, shop.staff, self.demo.now, shop.store_id, "active", False, 100, None)
            self.fan_skus = sorted(sku for row in rows if row.rule["audience"].get("fans_only")
                                   for sku in row.rule["scope"].get("ids", ()))

    def plan_day(self, day_start: datetime, day_end: datetime) -> None:
        """Each shop's follows of the day, more as the month goes on; some of them leave again later."""
        trend = 0.7 + 0.6 * (day_start - self.demo.start) / max(self.demo.end - self.demo.start, DAY)
        for shop in self.demo.shops:
            if not shop.shoppers:
                continue
            for _ in range(round(self.rng.expovariate(1 / (FOLLOWS_PER_DAY * trend)))):
                at = day_start + timedelta(seconds=self.rng.randrange(24 * 3600))
                if at < day_end:
                    self.demo.later(at, self.follow, shop, self.rng.choice(shop.shoppers))

    def follow(self, shop: DemoShop, shopper: DemoShopper) -> None:
        with self.demo.db.transaction() as session:
            was = customers.is_fan(session, _buyer(shopper), shop.store_id)
            customers.follow(session, self.demo.now, shopper.principal, shop.store_id)
        self.followed += not was
        if not was and shop is self.fan_shop and self.fan_skus and self.rng.random() < FAN_BUYS_SHARE:
            at = self.demo.now + timedelta(hours=self.rng.uniform(0.1, FAN_BUYS_WITHIN_HOURS))
            if at < self.demo.end:
                self.demo.later(at, self.buy_fan_price, shop, shopper, self.rng.choice(self.fan_skus))
        if not was and self.rng.random() < LEAVE_SHARE:
            at = self.demo.now + timedelta(days=self.rng.uniform(*LEAVE_AFTER_DAYS))
            if at < self.demo.end:
                self.demo.later(at, self.unfollow, shop, shopper)

    def unfollow(self, shop: DemoShop, shopper: DemoShopper) -> None:
        with self.demo.db.transaction() as session:
            was = customers.is_fan(session, _buyer(shopper), shop.store_id)
            customers.unfollow(session, self.demo.now, shopper.principal, shop.store_id)
        self.left += was

    def buy_fan_price(self, shop: DemoShop, shopper: DemoShopper, sku_id: int) -> None:
        """A new fan buys the tea priced for fans, and pays a few minutes later, as buyers do."""
        placed = self.demo.buy_now(shop, shopper, [LineRequest(sku_id, 1)])
        if placed is None:
            return
        order_id, _, warehouses = placed
        self.demo.tally["orders placed"] += 1
        self.demo.tally["fan-price orders"] += 1
        self.demo.later(self.demo.now + timedelta(minutes=self.rng.uniform(1, 20)), self.demo.pay, shop, shopper, order_id,
                        warehouses, 0)

    def summary(self) -> str:
        return (f"{self.followed} store follows ({self.left} left again), "
                f"{self.demo.tally['fan-price orders']} orders by new fans at the fan price")


def _buyer(shopper: DemoShopper) -> int:
    assert shopper.principal.buyer_id is not None
    return shopper.principal.buyer_id
