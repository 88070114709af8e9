"""The demo's platform red packets (跨店铺红包, 看广告抢红包): the platform runs a red-packet rain over the month.

Every evening at 20:00 China time packets rain on the tea house's buyers (a CNY pool the platform funds, the tea
house taking part); through the day the two dollar stores' buyers watch an ad and grab a packet of a USD pool both
stores take part in. Most buyers spend their packet within two days on something from a store taking part, pay, and
the staff ship it like any order; some never do, and the expiry timer gives their packet back to the platform.

Everything goes through `social.packets.service` and the payment callback, as the API would. The desk draws from a
stream of its own, seeded by the run's, and splits each pool from a seed of the run's too, so a run repeats.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from shopkeeper.errors import DomainError
from shopkeeper.orders import payments
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM
from shopkeeper.social.packets import rules, service, spending

if TYPE_CHECKING:
    from shopkeeper.demo.core import DemoShop, DemoShopper
    from shopkeeper.demo.simulation import DemoRun

RAIN_AT = timedelta(hours=12)  # 20:00 in China
RAIN_GRABS, AD_GRABS = 6.0, 3.0  # a day, before the run's scale
SPEND_SHARE = 0.7  # of packets grabbed, spent before they expire
WATCH = timedelta(seconds=20)  # the ad runs 15 s; buyers grab a few seconds after


class PacketDesk:
    def __init__(self, demo: DemoRun) -> None:
        self.demo = demo
        self.rng = random.Random(repr(demo.rng.getstate()[1][8:16]))  # the run's seed decides it; nothing drawn from the run's
        self.programs: list[tuple[int, list[DemoShop], str]] = []  # program id, stores taking part, mode

    def launch(self, shops: list[DemoShop]) -> None:
        """The operator's two programs for the month: a CNY rain and a USD watch-an-ad pool."""
        days = max(1, (self.demo.end - self.demo.start).days)
        by_currency: dict[str, list[DemoShop]] = {}
        for shop in shops:
            by_currency.setdefault(shop.currency, []).append(shop)
        plans = (("CNY", "双12红包雨", rules.ProgramTerms("grab", total_minor=0, packets=0, min_minor=50, valid_days=3,
                                                         per_person_limit=5, per_day_limit=1), RAIN_GRABS, 500),
                 ("USD", "Watch & grab", rules.ProgramTerms("ad", total_minor=0, packets=0, min_minor=25, valid_days=3,
                                                           per_day_limit=1, min_watch_seconds=15, view_valid_minutes=30),
                  AD_GRABS, 300))
        with self.demo.db.transaction() as session:
            for currency, name, terms, per_day, average in plans:
                taking_part = by_currency.get(currency, [])
                if not taking_part:
                    continue
                packets = max(1, round(per_day * self.demo.scale * days * 1.1))
                sized = replace(terms, total_minor=packets * average, packets=packets)
                program = service.create_program(session, self.demo.now, SYSTEM, service.ProgramSpec(
                    name, sized, self.demo.start, self.demo.end, currency, [s.store_id for s in taking_part],
                    split_seed=f"{name}:{self.rng.random()}"))
                self.programs.append((program.id, taking_part, terms.mode))

    def plan_day(self, day_start: datetime, day_end: datetime) -> None:
        for program_id, shops, mode in self.programs:
            mean = (RAIN_GRABS if mode == "grab" else AD_GRABS) * self.demo.scale
            for _ in range(max(0, round(mean) + self.rng.choice((-1, 0, 0, 1)))):
                if mode == "grab":
                    at = day_start + RAIN_AT + timedelta(seconds=self.rng.randrange(600))
                else:
                    at = day_start + timedelta(hours=self.rng.uniform(1, 15))
                if at < day_end:
                    shop = self.rng.choice(shops)
                    self.demo.later(at, self.grab, program_id, shops, self.rng.choice(shop.shoppers), mode)

    def grab(self, program_id: int, shops: list[DemoShop], shopper: DemoShopper, mode: str) -> None:
        token = None
        if mode == "ad":
            try:
                with self.demo.db.transaction() as session:
                    token = service.start_ad_view(session, self.demo.now, shopper.principal, program_id).token
            except DomainError:
                return
            self.demo.later(self.demo.now + WATCH, self._grab, program_id, shops, shopper, token)
            return
        self._grab(program_id, shops, shopper, None)

    def _grab(self, program_id: int, shops: list[DemoShop], shopper: DemoShopper, token: str | None) -> None:
        try:
            with self.demo.db.transaction() as session:
                service.grab(session, self.demo.now, shopper.principal, program_id, token)
        except DomainError:  # the day's packet taken already, or the pool gone
            self.demo.tally["red packets missed"] += 1
            return
        self.demo.tally["red packets grabbed"] += 1
        if self.rng.random() < SPEND_SHARE:
            shop = self.rng.choice(shops)
            self.demo.later(self.demo.now + timedelta(hours=self.rng.uniform(0.5, 48)), self.spend, shop, shopper)

    def spend(self, shop: DemoShop, shopper: DemoShopper) -> None:
        item = self.rng.choice([i for i in shop.items if not i.scarce] or shop.items)
        try:
            with self.demo.db.transaction() as session:
                placed = spending.checkout(session, self.demo.now, shopper.principal,
                                          [(shop.store_id, [LineRequest(item.sku_id, 1)])], shopper.address_id)
                order_id, paid_by_packets = placed[0].order.id, placed[0].packets_minor
        except DomainError:
            return
        if paid_by_packets:
            self.demo.tally["orders paid with red packets"] += 1
        self.demo.later(self.demo.now + timedelta(minutes=self.rng.uniform(1, 20)), self.pay, shop, shopper, order_id)

    def pay(self, shop: DemoShop, shopper: DemoShopper, order_id: int) -> None:
        try:
            with self.demo.db.transaction() as session:
                payment = payments.start_payment(session, self.demo.now, shopper.principal, order_id)
        except DomainError:
            return
        body = payments.notification_body(payment, f"sim_{self.rng.getrandbits(96):024x}", "succeeded")
        header = payments.sign(self.demo.secret, body, int(self.demo.now.timestamp()))
        with self.demo.db.transaction() as session:  # the provider's signed callback, as the API receives it
            payments.handle_notification(session, self.demo.now, payments.verify(self.demo.secret, body, header, self.demo.now))
        hours = self.rng.uniform(2, min(60, shop.book.shipping.ship_within / timedelta(hours=1) - 12))
        at = self.demo.staff_hours(shop, self.demo.now + timedelta(hours=hours))
        self.demo.later(at, self.demo.ship, shop, shopper, order_id, False)

    def summary(self) -> str:
        tally = self.demo.tally
        return (f"{tally['red packets grabbed']} platform red packets grabbed "
                f"({tally['orders paid with red packets']} orders paid with them)")
