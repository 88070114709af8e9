"""The demo's month of trading: shops opened, buyers arriving, orders walked through their lives."""

from __future__ import annotations

import math
import random
from bisect import bisect
from datetime import datetime, timedelta
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from sqlalchemy import func, select

from shopkeeper import timers
from shopkeeper.catalog.models import Product, Sku, Store
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers.models import Buyer
from shopkeeper.db import Database
from shopkeeper.demo.aftersales import AfterSalesDesk
from shopkeeper.demo.assists import AssistDesk
from shopkeeper.demo.backoffice import BackOfficeDesk
from shopkeeper.demo.community import CommunityDesk
from shopkeeper.demo.content import ContentDesk
from shopkeeper.demo.data import (
    DAY,
    LOCAL_HOUR_WEIGHTS,
    WEEKDAY_RHYTHM,
)
from shopkeeper.demo.distribution import DistributionDesk
from shopkeeper.demo.fans import FanDesk
from shopkeeper.demo.group_buys import GroupBuyDesk
from shopkeeper.demo.opening import ShopOpening
from shopkeeper.demo.packets import PacketDesk
from shopkeeper.demo.pools import PoolDesk
from shopkeeper.demo.purchasing import PurchasingDesk
from shopkeeper.demo.rewards import RewardDesk
from shopkeeper.demo.warehouse import WarehouseDesk
from shopkeeper.money import Money
from shopkeeper.orders.models import Order
from shopkeeper.orders.rules import OrderStatus


class SocialDesk(Protocol):
    """A desk of the demo's social commerce: launched with the shops, it plans each day's doings on the queue and
    says in the summary what came of them."""

    def plan_day(self, day_start: datetime, day_end: datetime) -> None: ...

    def summary(self) -> str: ...


class DemoRun(ShopOpening):
    """One run of the demo: shops opened (`opening`), days planned here, buyers (`buyers`) and staff (`staff`) acting
    as the queue (`core`) comes due, and the summary."""

    def __init__(self, db: Database, clock: SimulatedClock, rng: random.Random, secret: str, scale: float,
                 start: datetime, end: datetime) -> None:
        super().__init__(db, clock, rng, secret, scale, start, end)
        self.desk = AfterSalesDesk(self)
        self.group_desk = GroupBuyDesk(self)
        self.pool_desk = PoolDesk(self)
        self.content_desk = ContentDesk(self)
        self.packet_desk = PacketDesk(self)
        self.fan_desk = FanDesk(self)
        self.community_desk = CommunityDesk(self)
        self.distribution_desk = DistributionDesk(self)
        self.reward_desk = RewardDesk(self)
        self.assist_desk = AssistDesk(self)
        self.purchasing_desk = PurchasingDesk(self)
        self.warehouse_desk = WarehouseDesk(self)
        self.backoffice_desk = BackOfficeDesk(self)
        self.social_desks: tuple[SocialDesk, ...] = (
            self.group_desk, self.pool_desk, self.content_desk, self.packet_desk, self.fan_desk, self.community_desk,
            self.distribution_desk, self.reward_desk, self.assist_desk, self.purchasing_desk, self.warehouse_desk,
            self.backoffice_desk)

    def open_shops(self) -> None:
        super().open_shops()
        self.warehouse_desk.launch(self.shops)  # shelf codes in every warehouse (库位), before the first order ships
        self.backoffice_desk.launch(self.shops)  # customs profiles abroad (§6), marketplace channels (§5.1 intake)
        tea_house = self.shops[0]
        self.group_desk.launch(tea_house)  # the tea house sells in groups (拼团)
        self.pool_desk.launch(tea_house, self.group_desk.sku_ids)  # and takes a share off baskets friends fill together (拼单)
        self.content_desk.launch(tea_house)  # and through influencers (达人): a live session, a content task
        self.packet_desk.launch(self.shops)  # the platform's red-packet rain over the month (跨店铺红包)
        self.fan_desk.launch(tea_house)  # the tea house prices a tea for its fans (粉丝专享)
        self.community_desk.launch(tea_house)  # and sells through community leaders (社区团购)
        self.distribution_desk.launch(tea_house)  # pays its promoters (分销)
        self.reward_desk.launch(tea_house)  # gives for check-ins, follows, reviews; draws lotteries; rains red packets
        self.assist_desk.launch(tea_house)  # and gives a tea for friends' help (邀请助力)
        self.purchasing_desk.launch(self.shops)  # every shop buys from its supplier each Thursday (采购)

    def run(self, console: Console) -> None:
        total_days = max(1, math.ceil((self.end - self.start) / DAY))
        columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("Simulating days", total=total_days)
            for index in range(total_days):
                day_start = self.start + index * DAY
                day_end = min(day_start + DAY, self.end)
                progress.update(task, description=f"Simulating {day_start:%Y-%m-%d}")
                self.plan_day(index, total_days, day_start, day_end)
                self.run_until(day_end)
                progress.advance(task)
            progress.update(task, description="Simulated")

    def plan_day(self, index: int, total_days: int, day_start: datetime, day_end: datetime) -> None:
        trend = 0.85 + 0.3 * index / max(1, total_days - 1)  # a mild upward trend over the period
        rhythm = WEEKDAY_RHYTHM[day_start.weekday()]
        for shop in self.shops:
            expected = shop.orders_per_day * self.scale * trend * rhythm
            for _ in range(_poisson(self.rng, expected)):
                shopper = shop.shoppers[bisect(shop.shopper_cum, self.rng.random() * shop.shopper_cum[-1])]
                at = day_start + timedelta(hours=self.pick_hour(shopper.utc_offset), seconds=self.rng.randrange(3600))
                if at < day_end:
                    self.later(at, self.place_order, shop, shopper)
            opening = day_start + timedelta(hours=(9 - shop.staff_offset) % 24)
            for _ in range(_poisson(self.rng, 1.2)):
                at = opening + timedelta(seconds=self.rng.randrange(12 * 3600))
                if at < day_end:
                    self.later(at, self.change_price, shop)
            if day_start.weekday() == 0:  # goods in every Monday morning, China time
                self.later(day_start + timedelta(hours=2, minutes=self.rng.randrange(60)), self.restock, shop)
        for desk in self.social_desks:
            desk.plan_day(day_start, day_end)

    def pick_hour(self, utc_offset: int) -> int:
        weights = [LOCAL_HOUR_WEIGHTS[(hour + utc_offset) % 24] for hour in range(24)]
        return self.rng.choices(range(24), weights)[0]

    def summary(self, seconds: float) -> str:
        with self.db.read() as session:
            stores = list(session.scalars(select(Store).order_by(Store.id)))
            products = session.scalar(select(func.count(Product.id))) or 0
            skus = session.scalar(select(func.count(Sku.id))) or 0
            buyers = session.scalar(select(func.count(Buyer.id))) or 0
            statuses = dict(session.execute(select(Order.status, func.count(Order.id)).group_by(Order.status)).all())
            gmv = dict(session.execute(select(Order.store_id, func.sum(Order.total_minor))
                                       .where(Order.paid_at.is_not(None)).group_by(Order.store_id)).all())
            pending = session.scalar(select(func.count(timers.Timer.id)).where(timers.Timer.status == "pending")) or 0
        by_status = ", ".join(f"{statuses.get(s.value, 0):,} {s.value.replace('_', ' ')}" for s in OrderStatus)
        money = "; ".join(f"{s.name} {Money(int(gmv.get(s.id) or 0), s.currency).display()}" for s in stores)
        return (
            f"Demo built in {seconds:.1f} s: {len(stores)} stores ({', '.join(s.name for s in stores)}), "
            f"{products} products with {skus} SKUs, {buyers} buyers, and {sum(statuses.values()):,} orders "
            f"from {self.start:%Y-%m-%d} to {self.end:%Y-%m-%d %H:%M} UTC ({by_status}). "
            f"GMV of paid orders: {money}. "
            f"{self.tally['out of stock']} checkouts hit out-of-stock SKUs, {self.tally['payments declined']} payments "
            f"were declined, {self.tally['cancelled unpaid'] + self.tally['refunded before shipment']} orders were "
            f"cancelled by their buyers, {self.tally['price changes']} prices changed; "
            f"{self.tally['orders with a discount']:,} orders got a promotion and {self.tally['coupons claimed']} coupons "
            f"were claimed; {self.tally['receipt extended by the seller']} receipts were extended by sellers and "
            f"{self.tally['receipt extended by the buyer']} by buyers; {self.desk.summary()}; "
            f"{'; '.join(desk.summary() for desk in self.social_desks)}; "
            f"{self.fired:,} timers fired and {pending:,} wait for the worker."
        )


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the tens of orders a day here."""
    if mean <= 0:
        return 0
    if mean > 500:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
