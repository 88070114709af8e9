"""The demo's back office abroad: customs (RULES.md §6) and marketplace intake (RULES.md §5.1 stage 1).

Customs: each cross-border shop declares at opening how it ships abroad (a customs profile: home country, usual
channel, who pays duties, the seller's name on the commercial invoice), so its orders abroad carry a landed-cost
estimate, the carrier's pickup scan records who pays duties (§6.1; Canada fixes it then), and the broker gets a
commercial invoice. A small share of labelled parcels never reaches the buyer: the carrier reports a customs hold
(a `held_by_customs` tracking event, which the engine turns into a seizure the platform rules on, §6.3), and now and
then customs tell the seller its declared value does not match the price (a seizure the seller answers for).

Intake: once a day, at 10:00 China time, each cross-border shop pulls the orders its marketplace channel took since
the last pull (the sandbox channel: Amazon- and Shopify-like orders for SKUs the shop sells, to addresses abroad),
imports them, and pulls the same window again (a re-pull finds every order already there and changes nothing).
Imported paid orders then go the way of the shop's own: allocation, label, warehouse scans, the carrier's scans;
nobody placed them in the demo, so this desk schedules their shipping, and tells the channel what shipped.

Every draw comes from the desk's own stream (as rewards' `crm_rng`), so the other actors' draws stay as they were;
which parcels customs hold is a count (every `HOLD_EVERY`th), so a short demo has its seizure too.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from shopkeeper.catalog import service as catalog
from shopkeeper.crossborder import order_customs
from shopkeeper.crossborder import service as customs
from shopkeeper.crossborder.models import CustomsProfile, CustomsSeizure, OrderDutyPayer
from shopkeeper.crossborder.rules import ShipmentRefused
from shopkeeper.crossborder.seizures import SeizureCause
from shopkeeper.crossborder.service import DutyPayer
from shopkeeper.demo.data import CHINA_OUTBOUND, DAY, DHGATE_CARRIERS, PICKUP_HOURS, US_DOMESTIC
from shopkeeper.errors import DomainError, NotAllowedInState
from shopkeeper.fulfillment import tracking, tracking_service
from shopkeeper.orders.intake import service as intake
from shopkeeper.orders.intake.channels import SandboxChannel
from shopkeeper.orders.intake.imported import ChannelName, ParseResult
from shopkeeper.orders.intake.models import ImportedOrder as ImportedRow

if TYPE_CHECKING:
    from shopkeeper.demo.core import DemoShop
    from shopkeeper.demo.simulation import DemoRun

# How the cross-border shops (in opening order) ship abroad: usual channel, duty payer, the invoice's seller, the
# marketplace they also sell on. Lumen sells duties-collect (the buyer pays at the door); Aurora prepays (DDP).
PROFILES: tuple[tuple[str, DutyPayer, str, str, ChannelName], ...] = (
    ("4px", "buyer", "Shenzhen Lumen Home Goods Co., Ltd.", "88 Longhua Avenue\nShenzhen 518109", "amazon"),
    ("yunexpress", "seller", "Shenzhen Aurora Electronics Co., Ltd.", "3 Huaqiang North Road\nShenzhen 518031",
     "shopify"),
)
RATES = {"EUR": "0.92"}  # the thresholds' currency (customs.toml), per US dollar
PULL_HOUR_UTC = 2  # 10:00 in China
ORDERS_PER_DAY = 4  # the sandbox takes one order every six hours; a smaller demo keeps one in round(1/√scale)
CHANNEL_SKUS = 6  # the shop's best sellers it also lists on the marketplace
SHIP_HOURS = (2.0, 30.0)  # from import to the parcel handed over
# RULES.md §6.3: customs hold a small share of parcels (one in fifty): every 100th, from the 3rd, reported by the
# carrier; every 100th from the 8th, a declared value customs found not matching, reported by the seller. Early
# turns, so that even a short demo has a seizure of each kind to rule on.
HOLD_EVERY, HELD_BY_CARRIER, VALUE_MISMATCH = 100, 3, 8
HOLD_AFTER = (0.15, 0.3)  # share of the transit: at a clearance early in the journey
AFTER_PICKUP = timedelta(hours=PICKUP_HOURS[1] + 1)  # once the carrier has picked it up
HOLD_LOCATION = "Customs clearance"
TRANSIT = {carrier: days for carrier, (_, days) in {**CHINA_OUTBOUND, **US_DOMESTIC, **DHGATE_CARRIERS}.items()}


class BackOfficeDesk:
    def __init__(self, demo: DemoRun) -> None:
        self.demo = demo
        self.rng = random.Random("back office " + repr(demo.rng.getstate()[1][40:48]))  # its own stream
        self.shops: list[DemoShop] = []
        self.channels: dict[int, SandboxChannel] = {}
        self.pulled: dict[int, datetime] = {}
        self.listed: dict[int, set[str]] = {}  # the channel orders this run's scale keeps
        self.parcels = 0

    def launch(self, shops: list[DemoShop]) -> None:
        """A customs profile for every cross-border shop, and its marketplace channel with its best sellers."""
        abroad = [shop for shop in shops if shop.cross_border]
        days = max(1, math.ceil((self.demo.end - self.demo.start) / DAY))
        with self.demo.db.transaction() as session:
            for shop, (channel, payer, seller, address, marketplace) in zip(abroad, PROFILES):
                customs.change_profile(session, self.demo.now, shop.staff, shop.store_id, "CN", channel, payer, RATES,
                                       seller, address)
                best = sorted((i for i in shop.items if not i.scarce), key=lambda i: -i.popularity)[:CHANNEL_SKUS]
                skus, products = catalog.skus_with_products(session, [i.sku_id for i in best])
                listed = [(skus[i.sku_id].code, products[skus[i.sku_id].product_id].title_en or skus[i.sku_id].code,
                           i.list_price) for i in best]
                self.channels[shop.store_id] = SandboxChannel(
                    self.rng.randrange(2**32), channel=marketplace, start=self.demo.start, count=days * ORDERS_PER_DAY,
                    currency=shop.currency, catalog=listed)
                stride = max(1, round(1 / math.sqrt(max(self.demo.scale, 0.01))))
                self.listed[shop.store_id] = {o.channel_order_id for n, o in enumerate(
                    self.channels[shop.store_id].fetch_orders(self.demo.start).orders) if n % stride == 0}
                self.pulled[shop.store_id] = self.demo.start
                self.shops.append(shop)

    def plan_day(self, day_start: datetime, day_end: datetime) -> None:
        at = day_start + timedelta(hours=PULL_HOUR_UTC, minutes=self.rng.randrange(30))
        if at < day_end:
            for shop in self.shops:
                self.demo.later(at, self.pull, shop)

    # --- marketplace intake --------------------------------------------------------------------------

    def pull(self, shop: DemoShop) -> None:
        """The channel's orders since the last pull, imported; then the same window again, which finds them all."""
        channel, since, now = self.channels[shop.store_id], self.pulled[shop.store_id], self.demo.now
        fetched = channel.fetch_orders(since)
        window = ParseResult(tuple(o for o in fetched.orders
                                   if o.placed_at < now and o.channel_order_id in self.listed[shop.store_id]), fetched.errors)
        with self.demo.db.transaction() as session:
            report = intake.import_orders(session, now, shop.staff, shop.store_id, window,
                                          intake.ImportSource(channel.name, "sandbox"))
            ids = {order_id: channel_id for order_id, channel_id in session.execute(
                select(ImportedRow.order_id, ImportedRow.channel_order_id).where(ImportedRow.order_id.in_(report.order_ids)))}
        self.pulled[shop.store_id] = now
        with self.demo.db.transaction() as session:  # RULES.md §5.1: a re-pull of the same window is deduplicated
            again = intake.import_orders(session, now, shop.staff, shop.store_id, window,
                                         intake.ImportSource(channel.name, "sandbox, pulled again"))
        tally = self.demo.tally
        tally["marketplace pulls"] += 1
        tally["marketplace orders imported"] += report.imported
        tally["marketplace orders skipped"] += report.skipped
        tally["marketplace orders refused"] += report.refused
        tally["re-pulled orders already there"] += again.already_there
        tally["re-pulled orders imported twice"] += again.imported  # stays 0: tests/test_demo.py says so
        for order_id in report.order_ids:
            hours = self.rng.uniform(*SHIP_HOURS)
            self.demo.later(self.demo.staff_hours(shop, now + timedelta(hours=hours)), self.ship_imported, shop,
                            order_id, ids[order_id])

    def ship_imported(self, shop: DemoShop, order_id: int, channel_order_id: str) -> None:
        """Picked, packed and labelled as the shop's own orders are; the channel hears what shipped."""
        self.demo.before_shipping(shop, order_id)
        try:
            labelled = self.demo.ship_labelled(shop, order_id)
        except (NotAllowedInState, ShipmentRefused):  # refunded meanwhile, or a destination that refuses it (§6.1)
            self.demo.tally["imported orders not shipped"] += 1
            return
        if labelled is None:  # the allocation rules hold it: it waits in the queue for the staff
            self.demo.tally["imported orders not shipped"] += 1
            return
        carrier, _, number = labelled
        self.channels[shop.store_id].push_shipment(channel_order_id, carrier, number, self.demo.now)
        self.demo.tally["imported orders shipped"] += 1
        self.print_invoice(shop, order_id)  # a marketplace parcel abroad travels with its commercial invoice (§6.1)
        transit = timedelta(days=self.rng.uniform(*TRANSIT.get(carrier, (5, 12))))
        held = self.customs_hold(shop, order_id, carrier, number, transit)
        self.demo.later(self.demo.now + min(timedelta(hours=self.rng.uniform(*PICKUP_HOURS)), transit / 2), self.demo.pick_up,
                        shop, order_id, number)
        if not held:
            self.demo.later(self.demo.now + transit, self.demo.deliver, shop, order_id, number)

    # --- customs ---------------------------------------------------------------------------------------

    def customs_hold(self, shop: DemoShop, order_id: int, carrier: str, number: str, transit: timedelta) -> bool:
        """Whether customs keep this labelled parcel (then it is never delivered); if so, when they say so. A parcel
        from the overseas warehouse to its own country (UPS in the US) meets no customs."""
        if not shop.cross_border or carrier in US_DOMESTIC:
            return False
        self.parcels += 1
        turn = self.parcels % HOLD_EVERY
        if turn not in (HELD_BY_CARRIER, VALUE_MISMATCH):
            return False
        at = self.demo.now + max(transit * self.rng.uniform(*HOLD_AFTER), AFTER_PICKUP)  # before it could arrive
        self.demo.later(at, self.held_at_border if turn == HELD_BY_CARRIER else self.value_mismatch, shop, order_id,
                        number)
        return True

    def held_at_border(self, shop: DemoShop, order_id: int, number: str) -> None:
        """The carrier's feed says customs hold the parcel: the engine records a seizure whose cause the platform
        rules on (RULES.md §6.3, §7.1.3); the seller sends the broker the commercial invoice."""
        report = tracking.TrackingReport(number, "held_by_customs", self.demo.now, HOLD_LOCATION)
        with self.demo.db.transaction() as session:
            done = tracking_service.record_tracking_events(session, self.demo.now, shop.staff, shop.store_id,
                                                           [(1, report)], "carrier")
        if done.recorded and not done.refused:
            self.demo.tally["parcels held by customs"] += 1
            self.print_invoice(shop, order_id)

    def value_mismatch(self, shop: DemoShop, order_id: int, number: str) -> None:
        """Customs tell the seller the declared value does not match: a seizure the seller answers for (§6.3)."""
        try:
            with self.demo.db.transaction() as session:
                order_customs.report_seizure(session, self.demo.now, shop.staff, order_id,
                                             SeizureCause.DECLARED_VALUE_MISMATCH.value,
                                             f"{number}: the declared value is below the price paid")
        except DomainError:  # closed meanwhile, or seized already
            return
        self.demo.tally["seizures reported by the seller"] += 1

    def print_invoice(self, shop: DemoShop, order_id: int) -> None:
        try:
            with self.demo.db.read() as session:
                order_customs.commercial_invoice(session, shop.staff, order_id)
        except DomainError:
            return
        self.demo.tally["commercial invoices"] += 1

    def summary(self) -> str:
        tally = self.demo.tally
        with self.demo.db.read() as session:
            profiles = session.scalar(select(func.count()).select_from(CustomsProfile)) or 0
            payers = session.scalar(select(func.count()).select_from(OrderDutyPayer)) or 0
            seizures = session.scalar(select(func.count()).select_from(CustomsSeizure)) or 0
        return (f"{profiles} stores ship abroad with a customs profile: {payers} duty payers recorded at pickup, "
                f"{tally['parcels held by customs']} parcels held by customs and {seizures} seizures, "
                f"{tally['commercial invoices']} commercial invoices; {tally['marketplace pulls']} marketplace pulls "
                f"imported {tally['marketplace orders imported']} orders ({tally['marketplace orders skipped']} "
                f"skipped, {tally['marketplace orders refused']} refused; re-pulls found "
                f"{tally['re-pulled orders already there']} already there), {tally['imported orders shipped']} shipped")
