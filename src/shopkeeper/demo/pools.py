"""The demo's pools (拼单): the tea house takes a share off any basket of its teas that friends fill together, and its
buyers open pools and share their codes.

A pool completes when its paid basket reaches the offer's count of items: friends keep coming, each ordering a tea
or two and paying at once, until the last payment completes it and the staff ship every order in it. Some pools
run out of time short of the count, and the expiry timer refunds every member in full. The first pools take the
two fates in turn, so every run shows both; one pool is opened a few hours before the end so the console's board
has a live countdown on first run.

Everything goes through `social.pools.service` and the payment callback, as the API would. The desk draws its own
choices from a stream of its own, seeded by the run's, like the group buys' desk (`demo.group_buys`), so adding
pools disturbs the rest of the demo's draws as little as it can (the shipping it hands to the staff still draws
from theirs).
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from shopkeeper.demo.data import LATE_SHIPMENT_SHARE
from shopkeeper.errors import DomainError
from shopkeeper.orders import payments
from shopkeeper.orders.rules import LineRequest
from shopkeeper.social.pools import service as pools
from shopkeeper.social.pools.moves import PoolStatus

if TYPE_CHECKING:
    from shopkeeper.demo.core import DemoShop, DemoShopper
    from shopkeeper.demo.simulation import DemoRun

Fate = Literal["complete", "expire", "live"]  # live: opened near the end, still filling when the demo stops
FATES: tuple[Fate, ...] = ("complete", "expire")
FATE_WEIGHTS = (80, 20)
POOLS_PER_DAY = 1.0  # a handful a week: each is three or four orders more for the demo to build
OFFER_NAME, THRESHOLD_ITEMS, PERCENT_OFF, TIME_LIMIT_HOURS, TEAS = "好茶拼单 满4件7折", 4, Decimal("30"), 24, 6
ATTEMPTS = 5  # a buyer refused (already in the pool, the tea out of stock): another one tries, this many times at most
LIVE_BEFORE_END = timedelta(hours=5)


@dataclass
class Pool:
    """One pool the demo opened, and who paid into it (their orders ship once it completes)."""

    id: int
    code: str
    fate: Fate
    paid: list[tuple[DemoShopper, int]] = field(default_factory=list)
    shipped: bool = False


class PoolDesk:
    def __init__(self, demo: DemoRun) -> None:
        self.demo = demo
        self.rng = random.Random("pools" + repr(demo.rng.getstate()[1][:8]))  # the run's seed decides it
        self.shop: DemoShop | None = None
        self.offer_id: int | None = None
        self.sku_ids: list[int] = []
        self.opened = 0

    # --- the store's side -------------------------------------------------------------------------

    def launch(self, shop: DemoShop, taken: Collection[int] = ()) -> None:
        """Its most popular plentiful teas but those it sells in groups (`taken`: a pool draws on the same shelf, and
        the group buys' live group needs stock at the end) on one pool offer: four items in the basket take 30% off
        each, enough to beat the store-wide offers it does not stack with."""
        self.shop = shop
        self.sku_ids = [i.sku_id for i in sorted((i for i in shop.items if not i.scarce and i.sku_id not in taken),
                                                 key=lambda i: -i.popularity)][:TEAS]
        with self.demo.db.transaction() as session:
            spec = pools.OfferSpec(store_id=shop.store_id, name=OFFER_NAME, basis="quantity", threshold=THRESHOLD_ITEMS,
                                   percent_off=PERCENT_OFF, time_limit_hours=TIME_LIMIT_HOURS, sku_ids=self.sku_ids)
            self.offer_id = pools.create_offer(session, self.demo.now, shop.staff, spec).id
        self.demo.later(self.demo.end - LIVE_BEFORE_END, self.open_pool, "live")

    def plan_day(self, day_start: datetime, day_end: datetime) -> None:
        for _ in range(max(0, round(POOLS_PER_DAY) + self.rng.choice((-1, 0, 0, 1)))):
            at = day_start + timedelta(hours=self.rng.uniform(1, 14))  # 09:00 to 22:00 in China
            if at < day_end - LIVE_BEFORE_END:
                fate = FATES[self.opened] if self.opened < len(FATES) else self.rng.choices(FATES, FATE_WEIGHTS)[0]
                self.opened += 1
                self.demo.later(at, self.open_pool, fate)

    # --- the buyers' side -------------------------------------------------------------------------

    def open_pool(self, fate: Fate, attempts: int = ATTEMPTS) -> None:
        """开拼单: the opener orders and pays, which opens the pool and starts its clock. Refused (out of stock), another
        buyer opens one a little later."""
        assert self.offer_id is not None
        opener = self._shopper()
        try:
            with self.demo.db.transaction() as session:
                opened, order = pools.open_pool(session, self.demo.now, opener.principal, self.offer_id,
                                                pools.PoolOrder(opener.address_id, self._lines(fate)))
                pool, order_id = Pool(opened.id, opened.code, fate), order.id
        except DomainError:
            self.demo.tally["pools refused"] += 1
            if attempts > 1:
                self.demo.later(self.demo.now + timedelta(minutes=self.rng.uniform(5, 30)), self.open_pool, fate, attempts - 1)
            return
        self.demo.tally["pools opened"] += 1
        self.demo.later(self.demo.now + timedelta(minutes=self.rng.uniform(1, 8)), self.pay, pool, opener, order_id)
        if fate == "expire":  # a friend at most, one item each: short of the count when time runs out
            for _ in range(self.rng.randint(0, THRESHOLD_ITEMS - 3)):
                self.demo.later(self.demo.now + timedelta(hours=self.rng.uniform(0.5, TIME_LIMIT_HOURS - 2)), self.join, pool)
        if fate != "live":  # a pool meant to complete may still run out of time (a tea sold out): counted as refunded
            self.demo.later(self.demo.now + timedelta(hours=TIME_LIMIT_HOURS, minutes=10), self.after_expiry, pool)

    def join(self, pool: Pool, attempts: int = ATTEMPTS) -> None:
        """Add an order by the share code, then pay it soon after."""
        joiner = self._shopper()
        try:
            with self.demo.db.transaction() as session:
                _, order = pools.join_pool(session, self.demo.now, joiner.principal, pool.code,
                                           pools.PoolOrder(joiner.address_id, self._lines(pool.fate)))
                order_id = order.id
        except DomainError:  # already in it, or out of stock: the opener asks someone else
            self.demo.tally["pool joins refused"] += 1
            if attempts > 1 and pool.fate == "complete":
                self.demo.later(self.demo.now + timedelta(minutes=self.rng.uniform(5, 30)), self.join, pool, attempts - 1)
            return
        self.demo.later(self.demo.now + timedelta(minutes=self.rng.uniform(1, 15)), self.pay, pool, joiner, order_id)

    def pay(self, pool: Pool, shopper: DemoShopper, order_id: int) -> None:
        try:
            with self.demo.db.transaction() as session:
                payment = payments.start_payment(session, self.demo.now, shopper.principal, order_id)
        except DomainError:
            self.demo.tally["late payments refused"] += 1
            return
        body = payments.notification_body(payment, f"sim_{self.rng.getrandbits(96):024x}", "succeeded")
        header = payments.sign(self.demo.secret, body, int(self.demo.now.timestamp()))
        with self.demo.db.transaction() as session:  # the provider's signed callback, as the API receives it
            payments.handle_notification(session, self.demo.now, payments.verify(self.demo.secret, body, header, self.demo.now))
        pool.paid.append((shopper, order_id))
        status = self._status(pool)
        if status == PoolStatus.COMPLETE:
            self._ship(pool)
        elif status == PoolStatus.OPEN and pool.fate != "expire" and (pool.fate == "complete" or len(pool.paid) == 1):
            # the next friend comes once this one has paid: a complete pool's basket never overfills, a live one gets one
            hours = self.rng.uniform(0.2, 4) if pool.fate == "complete" else self.rng.uniform(0.2, 2)
            self.demo.later(self.demo.now + timedelta(hours=hours), self.join, pool)

    def after_expiry(self, pool: Pool) -> None:
        """The expiry timer has settled a pool short of its count: every member was refunded."""
        if self._status(pool) == PoolStatus.FAILED:
            self.demo.tally["pools refunded"] += 1

    def _ship(self, pool: Pool) -> None:
        assert self.shop is not None
        if pool.shipped:
            return
        pool.shipped = True
        self.demo.tally["pools complete"] += 1
        ship_within = self.shop.book.shipping.ship_within / timedelta(hours=1)
        for shopper, order_id in pool.paid:  # the ship-by clock started at completion; staff ship as they do any order
            late = self.rng.random() < LATE_SHIPMENT_SHARE
            hours = ship_within + self.rng.uniform(1, 28) if late else self.rng.uniform(2, min(60, ship_within - 12))
            at = self.demo.staff_hours(self.shop, self.demo.now + timedelta(hours=hours))
            self.demo.later(at, self.demo.ship, self.shop, shopper, order_id, False)

    def _status(self, pool: Pool) -> str:
        assert self.shop is not None
        with self.demo.db.read() as session:
            return pools.get_pool(session, self.shop.staff, str(pool.id)).status

    def _lines(self, fate: Fate) -> list[LineRequest]:
        """A tea or two of one kind; one item where the pool is to fall short (or still be short at the end)."""
        return [LineRequest(self.rng.choice(self.sku_ids), 1 if fate != "complete" else self.rng.choice((1, 1, 2)))]

    def _shopper(self) -> DemoShopper:
        assert self.shop is not None
        return self.rng.choice(self.shop.shoppers)

    def summary(self) -> str:
        tally = self.demo.tally
        return (f"{tally['pools opened']} pools opened ({tally['pools complete']} complete, "
                f"{tally['pools refunded']} refunded at expiry)")
