"""The demo's community group buying (社区团购): the tea house runs three pickup points in Hangzhou compounds, each led
by a resident, and sells its fresh goods (a range of its own, stocked for the month) to their neighbours through
the leaders' links. The range and the neighbours are the desk's own, so the rest of the demo runs as it did.

Neighbours order through a leader's link through the day and pay at once; each paid order gathers in the wave whose
cut-off (10:00 or 20:00, Beijing time) comes next, and the cut-off timer closes it. The staff deliver each closed wave
to the points a few hours later (staff hours); most buyers collect within a day or so, the leader entering their
code; a few never come, and the pickup-deadline timer refunds them with the goods back in stock (the store's
setting). Each collected order freezes the leader's commission, released when the after-sales window closes.

Everything goes through `social.community.service` and the payment callback, as the API would. The desk draws its
own choices from a stream of its own, seeded by the run's, so it disturbs the rest of the demo's draws as little as
it can. The last waves are still open or waiting at the points when the demo stops: the leader pages are live.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.customers import service as customers
from shopkeeper.errors import DomainError
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import payments
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM
from shopkeeper.social.community import rules
from shopkeeper.social.community import service as community
from shopkeeper.social.community import waves as community_waves
from shopkeeper.social.community.moves import WaveStatus

if TYPE_CHECKING:
    from shopkeeper.demo.core import DemoShop
    from shopkeeper.demo.simulation import DemoRun

POINTS = (("3号楼便利店", "阳光花园"), ("东门快递驿站", "翠苑一区"), ("北苑生鲜店", "北苑家园"))
SETTINGS = rules.Settings(enabled=True, cutoffs=("10:00", "20:00"), unpicked_days=2, unpicked_outcome="return",
                          leader_rate=Decimal("0.05"))
GOODS = (("COMM-EGG-10", "土鸡蛋 10枚 Farm eggs", 1590), ("COMM-RICE-5", "五常大米 5kg Rice", 4990),
         ("COMM-VEG-BOX", "时令蔬菜箱 Vegetable box", 2990), ("COMM-MILK-6", "鲜牛奶 6瓶 Fresh milk", 3290))
STOCK = 600  # per SKU, for the month
NEIGHBOURS = 30
ORDERS_PER_DAY = 9.0
COLLECTED_SHARE = 0.9  # the rest never come: the pickup deadline refunds them
# a day starts at 08:00 Beijing: the 20:00 wave reaches the points at 09:30 next morning, the 10:00 one at 14:00
DELIVERIES = (1.5, 6.0)


class CommunityDesk:
    def __init__(self, demo: DemoRun) -> None:
        self.demo = demo
        self.rng = random.Random("community" + repr(demo.rng.getstate()[1][:8]))  # the run's seed; nothing from the run's
        self.shop: DemoShop | None = None
        self.leaders: list[tuple[str, Principal]] = []  # link code, the leader as a buyer (who enters pickup codes)
        self.points: list[int] = []
        self.skus: list[int] = []
        self.neighbours: list[tuple[Principal, int]] = []  # a buyer and their address

    def launch(self, shop: DemoShop) -> None:
        """Settings, the fresh range in stock, three pickup points each with a resident leader, and the neighbours."""
        self.shop = shop
        now = self.demo.now
        with self.demo.db.transaction() as session:
            community.set_settings(session, now, shop.staff, shop.store_id, SETTINGS)
            for code, title, price in GOODS:
                _, (sku,) = catalog.create_product(session, now, shop.staff, shop.store_id, catalog.ProductSpec(
                    title=title, skus=[catalog.SkuSpec(code=code, price_minor=price)]))
                inventory.receive(session, now, shop.staff, sku.id, shop.items[0].warehouse_id, STOCK)
                self.skus.append(sku.id)
            for n, (name, compound) in enumerate(POINTS):
                point = community.create_point(session, now, shop.staff, community.PointSpec(
                    shop.store_id, name, compound, "CN", f"{compound}门口", "浙江", "杭州"))
                head, _ = self._resident(session, f"{compound}团长", compound, n)
                assert head.buyer_id is not None
                leader = community.appoint(session, now, shop.staff, point.id, head.buyer_id, f"{compound}团长")
                self.leaders.append((leader.code, head))
                self.points.append(point.id)
            for n in range(NEIGHBOURS):
                compound = POINTS[n % len(POINTS)][1]
                self.neighbours.append(self._resident(session, f"{compound}住户{n + 1}", compound, n))

    def _resident(self, session: Session, name: str, compound: str, n: int) -> tuple[Principal, int]:
        """A buyer living in the compound, with their address."""
        buyer = customers.create_buyer(session, self.demo.now, SYSTEM, name)
        address = customers.add_address(session, SYSTEM, buyer.id, name, "CN", "浙江", "杭州", f"{compound}{n % 9 + 1}栋")
        return Principal(role=Role.BUYER, key_id=0, buyer_id=buyer.id), address.id

    def plan_day(self, day_start: datetime, day_end: datetime) -> None:
        if self.shop is None:
            return
        for _ in range(max(0, round(ORDERS_PER_DAY) + self.rng.choice((-2, -1, 0, 1, 2)))):
            at = day_start + timedelta(hours=self.rng.uniform(0, 14), minutes=self.rng.randrange(60))  # 08:00–22:00 China
            if at < day_end:
                self.demo.later(at, self.order)
        for hours in DELIVERIES:
            at = day_start + timedelta(hours=hours, minutes=self.rng.randrange(45))
            if at < day_end:
                self.demo.later(at, self.deliver)

    def order(self) -> None:
        """A neighbour orders one or two of the shop's everyday items through a leader's link, and pays."""
        assert self.shop is not None
        code = self.rng.choice(self.leaders)[0]
        buyer, address_id = self.rng.choice(self.neighbours)
        skus = self.rng.sample(self.skus, 2)[:self.rng.choice((1, 1, 2))]
        try:
            with self.demo.db.transaction() as session:
                _, order = community.order_through(session, self.demo.now, buyer, code, community.CommunityOrderRequest(
                    address_id, [LineRequest(sku, self.rng.choice((1, 1, 2))) for sku in skus]))
                payment = payments.start_payment(session, self.demo.now, buyer, order.id)
        except DomainError:
            self.demo.tally["community orders refused"] += 1
            return
        body = payments.notification_body(payment, f"sim_{self.rng.getrandbits(96):024x}", "succeeded")
        header = payments.sign(self.demo.secret, body, int(self.demo.now.timestamp()))
        with self.demo.db.transaction() as session:
            payments.handle_notification(session, self.demo.now, payments.verify(self.demo.secret, body, header, self.demo.now))
        self.demo.tally["community orders"] += 1

    def deliver(self) -> None:
        """Every closed wave goes to the points; its buyers come for their orders, or not."""
        assert self.shop is not None
        with self.demo.db.read() as session:
            closed = [w.id for w in community_waves.list_waves(session, self.shop.staff, self.shop.store_id,
                                                         WaveStatus.CLOSED.value, 50, None)]
        for wave_id in closed:
            with self.demo.db.transaction() as session:
                community_waves.deliver_wave(session, self.demo.now, self.shop.staff, wave_id)
                waiting = [(o.pickup_point_id, o.pickup_code) for o in community_waves.waiting(session, self.shop.staff, wave_id)
                           if o.pickup_code is not None]
            self.demo.tally["community waves delivered"] += 1
            for point_id, code in waiting:
                if self.rng.random() < COLLECTED_SHARE:
                    later = self.demo.now + timedelta(hours=self.rng.uniform(0.5, 40))
                    self.demo.later(later, self.collect, point_id, code)

    def collect(self, point_id: int, code: str) -> None:
        """The buyer shows the code; the point's leader enters it."""
        head = self.leaders[self.points.index(point_id)][1]
        try:
            with self.demo.db.transaction() as session:
                community_waves.collect(session, self.demo.now, head, point_id, code)
        except DomainError:  # past the pickup deadline: refunded already
            self.demo.tally["community pickups too late"] += 1
            return
        self.demo.tally["community orders collected"] += 1

    def summary(self) -> str:
        tally = self.demo.tally
        return (f"{tally['community orders']} community orders through {len(self.leaders)} leaders "
                f"({tally['community orders collected']} collected)")
