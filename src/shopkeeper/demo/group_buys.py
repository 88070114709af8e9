"""The demo's group buys (拼团): the tea house sells three of its favourite products in groups, its buyers open
groups and share them, and each group meets one of the fates a real one does.

Most groups fill: every member pays, the last payment completes the group and the staff ship its orders. Some
fail: too few friends join, the expiry timer refunds every member in full. The tea house has 模拟成团 on for one
missing seat, so a group one member short at expiry completes anyway, filled by the system and shown as such.
The first groups take the three fates in turn, so every run shows each; one group is opened a few hours before
the end so the console's board has a live countdown on first run.

Everything goes through `social.groupbuys.service` and the payment callback, as the API would. The desk draws its
own choices (who opens, who joins, each group's fate) from a stream of its own, seeded by the run's, so adding or
tuning group buys disturbs the rest of the demo's draws as little as it can (the shipping it hands to the staff
still draws from theirs).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from shopkeeper.catalog import service as catalog
from shopkeeper.demo.data import LATE_SHIPMENT_SHARE
from shopkeeper.errors import DomainError, OutOfStock
from shopkeeper.orders import payments
from shopkeeper.social.groupbuys import service as groupbuys
from shopkeeper.social.groupbuys.moves import GroupStatus

if TYPE_CHECKING:
    from shopkeeper.demo.core import DemoShop, DemoShopper, Item
    from shopkeeper.demo.simulation import DemoRun

Fate = Literal["fill", "auto_fill", "fail", "live"]  # live: opened near the end, still filling when the demo stops
FATES: tuple[Fate, ...] = ("fill", "auto_fill", "fail")
FATE_WEIGHTS = (70, 12, 18)
GROUPS_PER_DAY = 3.0
TIME_LIMIT_HOURS = 24
OFFERS = (("两人团", 2, 0.62), ("三人团", 3, 0.58), ("五人团", 5, 0.52))  # name, size, group price / shelf price
LIVE_BEFORE_END = timedelta(hours=5)


@dataclass
class Group:
    """One group the demo opened, and who paid into it (their orders ship once it completes)."""

    id: int
    code: str
    size: int
    fate: Fate
    expires_at: datetime | None = None
    paid: list[tuple[DemoShopper, int]] = field(default_factory=list)
    shipped: bool = False


class GroupBuyDesk:
    def __init__(self, demo: DemoRun) -> None:
        self.demo = demo
        self.rng = random.Random(repr(demo.rng.getstate()[1][:8]))  # the run's seed decides it; nothing drawn from the run's
        self.shop: DemoShop | None = None
        self.offers: list[tuple[int, int]] = []  # offer id, group size
        self.sku_ids: list[int] = []  # the SKUs sold in groups
        self.groups: list[Group] = []

    # --- the store's side -------------------------------------------------------------------------

    def launch(self, shop: DemoShop) -> None:
        """Its three most popular products (one SKU each) offered in groups, and 模拟成团 on for one missing seat."""
        self.shop = shop
        with self.demo.db.transaction() as session:
            skus, _ = catalog.skus_with_products(session, [i.sku_id for i in shop.items])
            items: list[Item] = []
            products: set[int] = set()
            for item in sorted((i for i in shop.items if not i.scarce), key=lambda i: -i.popularity):
                if skus[item.sku_id].product_id not in products and len(items) < len(OFFERS):
                    items.append(item)
                    products.add(skus[item.sku_id].product_id)
            self.sku_ids = [item.sku_id for item in items]
            for (name, size, share), item in zip(OFFERS, items):
                spec = groupbuys.OfferSpec(store_id=shop.store_id, sku_id=item.sku_id, name=f"{name}拼团", group_size=size,
                                           group_price_minor=int(round(item.list_price * share, -1)),
                                           time_limit_hours=TIME_LIMIT_HOURS, per_buyer_limit=2)
                self.offers.append((groupbuys.create_offer(session, self.demo.now, shop.staff, spec).id, size))
            groupbuys.set_settings(session, self.demo.now, shop.staff, shop.store_id, auto_fill=True, auto_fill_seats=1)
        self.demo.later(self.demo.end - LIVE_BEFORE_END, self.open_group, "live")

    def plan_day(self, day_start: datetime, day_end: datetime) -> None:
        for _ in range(_count(self.rng, GROUPS_PER_DAY)):
            at = day_start + timedelta(hours=self.rng.uniform(1, 14))  # 09:00 to 22:00 in China
            if at < day_end - LIVE_BEFORE_END:
                fate = FATES[len(self.groups)] if len(self.groups) < len(FATES) else self.rng.choices(FATES, FATE_WEIGHTS)[0]
                self.demo.later(at, self.open_group, fate)

    # --- the buyers' side -------------------------------------------------------------------------

    def open_group(self, fate: Fate) -> None:
        """开团: the opener orders and pays; friends join over the next hours, as many as the fate allows."""
        assert self.shop is not None
        offers = self.offers if fate in ("fill", "auto_fill") else [o for o in self.offers if o[1] > 2]
        opener = self._shopper()
        # the opener's pick first; when its SKU has sold out (the tea house's other desks buy the same teas), the others
        for offer_id, size in sorted(offers, key=lambda _: self.rng.random()):
            try:
                with self.demo.db.transaction() as session:
                    opened, order = groupbuys.open_group(session, self.demo.now, opener.principal, offer_id,
                                                         groupbuys.GroupOrder(address_id=opener.address_id))
                    group, order_id = Group(opened.id, opened.code, size, fate), order.id
                break
            except OutOfStock:
                continue
            except DomainError:
                self.demo.tally["group buys refused"] += 1
                return
        else:
            self.demo.tally["group buys refused"] += 1
            return
        self.groups.append(group)
        self.demo.tally["groups opened"] += 1
        self.demo.later(self.demo.now + timedelta(minutes=self.rng.uniform(1, 8)), self.pay, group, opener, order_id)
        joiners = {"fill": size - 1, "auto_fill": size - 2, "fail": self.rng.randint(0, max(0, size - 3)), "live": 1}[fate]
        last = timedelta(hours=TIME_LIMIT_HOURS - 2 if fate != "live" else 3)  # a live group's first friend comes soon
        for _ in range(joiners):
            self.demo.later(self.demo.now + timedelta(minutes=10) + last * self.rng.random() ** 2, self.join, group)
        self.demo.later(self.demo.now + timedelta(hours=TIME_LIMIT_HOURS + 1), self.after_expiry, group)

    def join(self, group: Group) -> None:
        """参团 by the share code, then pay at once: a member who pays takes a seat."""
        joiner = self._shopper()
        try:
            with self.demo.db.transaction() as session:
                _, order = groupbuys.join_group(session, self.demo.now, joiner.principal, group.code,
                                                groupbuys.GroupOrder(address_id=joiner.address_id))
                order_id = order.id
        except DomainError:  # already in it, or the group is not open yet: a friend who gave up
            self.demo.tally["group joins refused"] += 1
            return
        self.demo.later(self.demo.now + timedelta(minutes=self.rng.uniform(1, 15)), self.pay, group, joiner, order_id)

    def pay(self, group: Group, shopper: DemoShopper, order_id: int) -> None:
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
        group.paid.append((shopper, order_id))
        self._ship_if_complete(group)

    def after_expiry(self, group: Group) -> None:
        """The expiry timer has settled the group: an auto-filled one ships like a full one."""
        self._ship_if_complete(group)

    def _ship_if_complete(self, group: Group) -> None:
        assert self.shop is not None
        with self.demo.db.read() as session:
            status = groupbuys.get_group(session, self.shop.staff, str(group.id)).status
        if status != GroupStatus.COMPLETE or group.shipped:
            return
        group.shipped = True
        self.demo.tally["groups complete"] += 1
        ship_within = self.shop.book.shipping.ship_within / timedelta(hours=1)
        for shopper, order_id in group.paid:  # the ship-by clock started at completion; staff ship as they do any order
            late = self.rng.random() < LATE_SHIPMENT_SHARE
            hours = ship_within + self.rng.uniform(1, 28) if late else self.rng.uniform(2, min(60, ship_within - 12))
            at = self.demo.staff_hours(self.shop, self.demo.now + timedelta(hours=hours))
            self.demo.later(at, self.demo.ship, self.shop, shopper, order_id, False)

    def _shopper(self) -> DemoShopper:
        assert self.shop is not None
        return self.rng.choice(self.shop.shoppers)

    def summary(self) -> str:
        tally = self.demo.tally
        return f"{tally['groups opened']} group buys opened ({tally['groups complete']} complete)"


def _count(rng: random.Random, mean: float) -> int:
    """A day's groups: the mean, give or take one."""
    return max(0, round(mean) + rng.choice((-1, 0, 0, 1)))
