"""The demo's distribution (分销): the tea house runs a lawful one-level program, a handful of its buyers join as
promoters, and shoppers who opened a promoter's link or typed their code go on to buy.

The program pays on real sales only (RULES.md §17.2): a percentage on the whole store, more on one category, a fixed
amount per unit on one product, and levels reached by released sales, never by recruits. Joining is free. Commission
freezes when an order is paid, is released by the engine's timer once the after-sales case window closes, and comes
back when money goes back: the first day's promoted orders take the fates in turn (kept, refunded in full before
shipment, refunded in part by an accepted refund-only case), so every run shows each, and a month releases the first. Promoters with a released balance ask
for payouts; staff approve them in the afternoon, except one asked for shortly before the end, left pending for the
console.

Everything goes through `social.distribution.service` and `payouts`, checkout, the payment callback and after-sales,
as the API would. The desk draws its own choices from a stream of its own, seeded by the run's (like the group buys
desk); the shipping it hands to the staff still draws from theirs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from shopkeeper.aftersales.cases import service as cases
from shopkeeper.catalog import service as catalog
from shopkeeper.demo.core import about
from shopkeeper.errors import DomainError
from shopkeeper.orders import checkout, payments
from shopkeeper.orders import service as orders
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM
from shopkeeper.social.distribution import payouts as distribution_payouts
from shopkeeper.social.distribution import rules as distribution_rules
from shopkeeper.social.distribution import service as distribution

if TYPE_CHECKING:
    from shopkeeper.demo.core import DemoShop, DemoShopper
    from shopkeeper.demo.simulation import DemoRun

Fate = Literal["keep", "refund", "partial"]  # kept; refunded in full before shipment; part refunded after shipment
FATES: tuple[Fate, ...] = ("keep", "refund", "partial")
FATE_WEIGHTS = (76, 10, 14)
PROMOTERS = 5
PROMOTED_ORDERS_PER_DAY = 2.0  # at full traffic (the run's scale 1); never fewer than one a day
LEAST_PER_DAY = 1.0
ATTRIBUTION_DAYS = 7
STORE_PERCENT, CATEGORY_PERCENT, PRODUCT_FIXED_MINOR = Decimal(5), Decimal(8), 300  # ¥3.00 a unit on one product
LEVELS = (("银牌推广员", 30000, Decimal(1)), ("金牌推广员", 100000, Decimal(2)))  # released sales ¥300 / ¥1,000
PARTIAL_REFUND_SHARE = (0.2, 0.5)  # of what the order paid, back by a refund-only case the seller accepts
PAYOUT_MIN_MINOR = 100  # a promoter asks for ¥1 or more (a wallet withdrawal's usual least)
PAYDAY_HOUR_UTC = 2  # 10:00 in China: promoters ask in the morning, staff decide in the afternoon
DECIDE_AFTER = timedelta(hours=5)
PENDING_BEFORE_END = timedelta(hours=3)  # the last request, staff have not got to it: pending on the console


@dataclass
class Promoted:
    """An order a promoter's touch won, and what happens to it."""

    shopper: DemoShopper
    order_id: int
    fate: Fate


class DistributionDesk:
    def __init__(self, demo: DemoRun) -> None:
        self.demo = demo
        self.rng = random.Random(repr(demo.rng.getstate()[1][8:16]))  # the run's seed decides it; nothing drawn from the run's
        self.shop: DemoShop | None = None
        self.promoters: list[tuple[DemoShopper, int, str]] = []  # the buyer, promoter id, code
        self.orders: list[Promoted] = []

    # --- the store's side -------------------------------------------------------------------------

    def launch(self, shop: DemoShop) -> None:
        """The program (store, category and product rules; levels by sales), then a handful of buyers join."""
        self.shop = shop
        with self.demo.db.read() as session:
            skus, products = catalog.skus_with_products(session, [i.sku_id for i in shop.items])
        popular = sorted(shop.items, key=lambda i: -i.popularity)
        category = next(c for c in (products[skus[i.sku_id].product_id].category_id for i in popular) if c is not None)
        product = next(p for p in (skus[i.sku_id].product_id for i in popular)
                       if products[p].category_id != category)
        terms = distribution_rules.ProgramTerms(
            enabled=True, attribution_days=ATTRIBUTION_DAYS,
            rules=(distribution_rules.CommissionRule("store", None, STORE_PERCENT),
                   distribution_rules.CommissionRule("category", category, CATEGORY_PERCENT),
                   distribution_rules.CommissionRule("product", product, fixed_minor=PRODUCT_FIXED_MINOR)),
            levels=tuple(distribution_rules.Level(name, sales, bonus) for name, sales, bonus in LEVELS))
        with self.demo.db.transaction() as session:
            distribution.set_program(session, self.demo.now, shop.staff, shop.store_id, terms)
        for shopper in self.rng.sample(shop.shoppers, PROMOTERS):
            with self.demo.db.transaction() as session:
                promoter, _ = distribution.join(session, self.demo.now, shopper.principal, shop.store_id)
                self.promoters.append((shopper, promoter.id, promoter.code))
        for n, fate in enumerate(FATES):  # the first morning, one order of each fate: every run shows each
            self.demo.later(self.demo.start + timedelta(hours=2 + 3 * n + self.rng.uniform(0, 2)), self.touch_and_buy, fate)
        self.demo.later(self.demo.end - PENDING_BEFORE_END, self.payday, True)

    def plan_day(self, day_start: datetime, day_end: datetime) -> None:
        for _ in range(about(self.rng, max(PROMOTED_ORDERS_PER_DAY * self.demo.scale, LEAST_PER_DAY))):
            at = day_start + timedelta(hours=self.rng.uniform(1, 14))  # 09:00 to 22:00 in China
            if at < day_end:
                self.demo.later(at, self.touch_and_buy, self.rng.choices(FATES, FATE_WEIGHTS)[0])
        payday = day_start + timedelta(hours=PAYDAY_HOUR_UTC)
        if day_start > self.demo.start and payday < day_end:
            self.demo.later(payday, self.payday, False)

    # --- the buyers' side -------------------------------------------------------------------------

    def touch_and_buy(self, fate: Fate) -> None:
        """A shopper opens a promoter's share link (or types the code), then buys one of the store's teas and pays."""
        assert self.shop is not None
        promoter_buyer, _, code = self.rng.choice(self.promoters)
        shopper = self.rng.choice([s for s in self.shop.shoppers if s is not promoter_buyer])
        with self.demo.db.transaction() as session:
            distribution.touch(session, self.demo.now, shopper.principal, code, self.rng.choice(("link", "code")))
        self.demo.tally["promoter touches"] += 1
        item = self.rng.choice(sorted(self.shop.items, key=lambda i: -i.popularity)[:12])
        try:
            with self.demo.db.transaction() as session:
                order = checkout.place_order(session, self.demo.now, shopper.principal, self.shop.store_id,
                                             shopper.address_id, [LineRequest(item.sku_id, self.rng.choice((1, 1, 2)))])
                order_id = order.id
        except DomainError:  # sold out for now: the touch stays, and may win the shopper's next order
            self.demo.tally["promoted orders refused"] += 1
            return
        self.demo.later(self.demo.now + timedelta(minutes=self.rng.uniform(1, 20)), self.pay,
                        Promoted(shopper, order_id, fate))

    def pay(self, promoted: Promoted) -> None:
        assert self.shop is not None
        if not _pay(self.demo, self.rng, promoted.shopper, promoted.order_id):
            return
        self.orders.append(promoted)
        self.demo.tally["promoted orders paid"] += 1
        if promoted.fate == "refund":  # changed their mind before it shipped: the money back in full
            self.demo.later(self.demo.now + timedelta(minutes=self.rng.uniform(20, 90)), self.cancel, promoted)
            return
        ship_within = self.shop.book.shipping.ship_within / timedelta(hours=1)
        at = self.demo.staff_hours(self.shop, self.demo.now + timedelta(hours=self.rng.uniform(2, min(30, ship_within - 12))))
        self.demo.later(at, self.ship, promoted)

    def ship(self, promoted: Promoted) -> None:
        assert self.shop is not None
        self.demo.ship(self.shop, promoted.shopper, promoted.order_id, False)
        if promoted.fate == "partial":  # the tea came, not quite as described: part of the price back, keep the goods
            self.demo.later(self.demo.now + timedelta(hours=self.rng.uniform(20, 60)), self.ask_part_back, promoted)

    def cancel(self, promoted: Promoted) -> None:
        try:
            with self.demo.db.transaction() as session:
                orders.cancel(session, self.demo.now, promoted.shopper.principal, promoted.order_id, "changed_mind")
        except DomainError:
            return
        self.demo.tally["promoted orders refunded"] += 1

    def ask_part_back(self, promoted: Promoted) -> None:
        assert self.shop is not None
        with self.demo.db.read() as session:
            paid = orders.get_order(session, SYSTEM, promoted.order_id).total_minor
        refund = max(100, int(round(paid * self.rng.uniform(*PARTIAL_REFUND_SHARE), -2)))
        reason = next(r.code for r in self.shop.book.aftersales.reasons
                      if r.category == "not_as_described" and r.stage == "post_shipment")
        try:
            with self.demo.db.transaction() as session:
                case = cases.open_case(session, self.demo.now, promoted.shopper.principal, promoted.order_id,
                                       cases.CaseRequest(reason, "refund_only", refund, None, "茶叶和描述的不太一样，退一部分吧"))
                case_id = case.id
        except DomainError:  # a case is open on it already, or it moved on
            return
        at = self.demo.staff_hours(self.shop, self.demo.now + timedelta(hours=self.rng.uniform(1, 8)))
        self.demo.later(at, self.accept, case_id)

    def accept(self, case_id: int) -> None:
        assert self.shop is not None
        try:
            with self.demo.db.transaction() as session:
                cases.accept(session, self.demo.now, self.shop.staff, case_id)
        except DomainError:
            return
        self.demo.tally["promoted orders refunded in part"] += 1

    # --- payouts ----------------------------------------------------------------------------------

    def payday(self, last: bool) -> None:
        """Promoters with released money ask for it: half in the mornings (the rest stays to grow), all of it at the
        end; staff approve the morning ones in the afternoon and have not got to the last one when the demo stops."""
        assert self.shop is not None
        for shopper, promoter_id, _ in self.promoters:
            with self.demo.db.read() as session:
                balance = distribution.get_promoter(session, shopper.principal, promoter_id).balance_minor
            amount = balance if last else balance // 200 * 100  # whole yuan
            if amount < PAYOUT_MIN_MINOR:
                continue
            with self.demo.db.transaction() as session:
                payout_id = distribution_payouts.request_payout(session, self.demo.now, shopper.principal, promoter_id, amount).id
            self.demo.tally["payouts requested"] += 1
            if last:
                return  # one is enough for the console's pending list
            self.demo.later(self.demo.now + DECIDE_AFTER, self.approve, promoter_id, payout_id)

    def approve(self, promoter_id: int, payout_id: int) -> None:
        assert self.shop is not None
        try:
            with self.demo.db.transaction() as session:
                distribution_payouts.decide_payout(session, self.demo.now, self.shop.staff, promoter_id, payout_id, True)
        except distribution_rules.PayoutExceedsBalance:  # a refund after release took some back meanwhile
            return
        self.demo.tally["payouts approved"] += 1

    def summary(self) -> str:
        tally = self.demo.tally
        return (f"{len(self.promoters)} promoters brought {tally['promoted orders paid']} paid orders "
                f"({tally['promoted orders refunded']} refunded in full, {tally['promoted orders refunded in part']} in part) "
                f"and asked for {tally['payouts requested']} payouts ({tally['payouts approved']} approved)")


def _pay(demo: DemoRun, rng: random.Random, shopper: DemoShopper, order_id: int) -> bool:
    """Pay through the provider's signed callback, as the API receives it; False if the order closed meanwhile."""
    try:
        with demo.db.transaction() as session:
            payment = payments.start_payment(session, demo.now, shopper.principal, order_id)
    except DomainError:
        demo.tally["late payments refused"] += 1
        return False
    body = payments.notification_body(payment, f"sim_{rng.getrandbits(96):024x}", "succeeded")
    header = payments.sign(demo.secret, body, int(demo.now.timestamp()))
    with demo.db.transaction() as session:
        payments.handle_notification(session, demo.now, payments.verify(demo.secret, body, header, demo.now))
    return True
