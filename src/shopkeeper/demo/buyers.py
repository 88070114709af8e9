"""The buyers: registered with an address, they pick lines, buy now or check out a cart, pay or abandon, cancel."""

from __future__ import annotations

from bisect import bisect
from datetime import date, datetime, timedelta

from shopkeeper.auth import Principal, Role
from shopkeeper.customers import service as customers
from shopkeeper.demo import promotions as demo_promotions
from shopkeeper.demo.core import DemoShop, DemoShopper
from shopkeeper.demo.data import (
    ABANDONED_AT_CHECKOUT_SHARE,
    ABANDONED_CART_SHARE,
    CANCEL_REASONS,
    CANCELLED_PAID_SHARE,
    CANCELLED_UNPAID_SHARE,
    CART_SHARE,
    COUNTRIES,
    COUPON_CLAIM_SHARE,
    FAILED_PAYMENT_SHARE,
    GIVEN_NAMES,
    LATE_SHIPMENT_SHARE,
    LEVEL_APPETITE,
    MEMBER_LEVELS,
    PAID_SHARE,
    PROMO_CODE_SHARE,
    PROVINCES,
    REMOTE,
    STREETS,
    SURNAMES,
)
from shopkeeper.demo.staff import Staff
from shopkeeper.errors import NotAllowedInState, OutOfStock
from shopkeeper.orders import carts, checkout, payments
from shopkeeper.orders import service as orders
from shopkeeper.orders.models import Order
from shopkeeper.orders.rules import LineRequest
from shopkeeper.promotions.claiming import CouponLimitReached, CouponUnavailable
from shopkeeper.scope import SYSTEM


class Buyers(Staff):
    """The buyer's side; built on `Staff` because paying hands the order to the staff to ship."""

    def register_buyers(self, shop: DemoShop, count: int, china: bool) -> None:
        levels, level_weights = list(MEMBER_LEVELS), list(MEMBER_LEVELS.values())
        countries = list(COUNTRIES)
        country_weights = [COUNTRIES[c][0] for c in countries]
        provinces_weights = [w for _, _, w in PROVINCES]
        for n in range(count):
            level = self.rng.choices(levels, level_weights)[0]
            if china:
                name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)
                phone = f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"
                email = None
            else:
                country = self.rng.choices(countries, country_weights)[0]
                firsts, lasts = COUNTRIES[country][1]
                first, last = self.rng.choice(firsts), self.rng.choice(lasts)
                name = f"{first} {last}"
                email = f"{_ascii_handle(first)}.{_ascii_handle(last)}{n}@example.{self.rng.choice(('com', 'net', 'org'))}"
                phone = f"+{self.rng.randrange(10**10, 10**11)}"
            with self.db.transaction() as session:
                birthday = date(self.rng.randint(1965, 2006), self.rng.randint(1, 12), self.rng.randint(1, 28))
                buyer = customers.create_buyer(session, self.now, SYSTEM, name, email=email, phone=phone, member_level=level,
                                               birthday=birthday)
                principal = Principal(role=Role.BUYER, key_id=0, buyer_id=buyer.id)
            if china:
                region, cities, _ = self.rng.choices(PROVINCES, provinces_weights)[0]
                city, offset = self.rng.choice(cities), 8
                line1 = f"{self.rng.choice(STREETS)}{self.rng.randint(1, 399)}号{self.rng.randint(1, 30)}栋{self.rng.randint(101, 2808)}室"
                postcode, country = f"{self.rng.randint(100000, 850000)}", "CN"
            else:
                region, city, postcode, offset = self.rng.choice(COUNTRIES[country][2])
                line1 = COUNTRIES[country][3].format(n=self.rng.randint(1, 250), a=self.rng.randint(1, 40))
            with self.db.transaction() as session:
                address = customers.add_address(session, principal, buyer.id, name, country, region, city, line1, postcode, phone)
                address_id = address.id
            appetite = LEVEL_APPETITE[level] * self.rng.paretovariate(2.0)  # some buyers come back again and again
            shop.shoppers.append(DemoShopper(principal, address_id, offset, appetite, remote=region in REMOTE))

    def pick_lines(self, shop: DemoShop) -> list[LineRequest]:
        count = self.rng.choices((1, 2, 3), (70, 22, 8))[0]
        chosen = {shop.items[bisect(shop.item_cum, self.rng.random() * shop.item_cum[-1])].sku_id for _ in range(count)}
        quantities = (1, 2, 3, 4) if not shop.cross_border else (1, 2, 3)
        weights = (80, 14, 4, 2) if not shop.cross_border else (85, 12, 3)
        return [LineRequest(sku_id, self.rng.choices(quantities, weights)[0]) for sku_id in sorted(chosen)]

    def place_order(self, shop: DemoShop, shopper: DemoShopper) -> None:
        lines = self.pick_lines(shop)
        if self.rng.random() < COUPON_CLAIM_SHARE and demo_promotions.maybe_claim(
                self.db, self.rng, self.now, shop.store_id, shopper.principal):
            self.tally["coupons claimed"] += 1
        if self.rng.random() < CART_SHARE:
            placed = self.check_out_cart(shop, shopper, lines)
        else:
            placed = self.buy_now(shop, shopper, lines)
        if placed is None:
            return
        order_id, pay_by, warehouses = placed
        self.tally["orders placed"] += 1
        window = pay_by - self.now
        fate = self.rng.random()
        if fate < PAID_SHARE:
            self.later(self.now + self.payment_delay(window), self.pay, shop, shopper, order_id, warehouses, 0)
        elif fate < PAID_SHARE + CANCELLED_UNPAID_SHARE:
            delay = timedelta(seconds=self.rng.uniform(120, window.total_seconds() * 0.5))
            self.later(self.now + delay, self.cancel, shopper, order_id, self.rng.choice(CANCEL_REASONS))
        elif self.rng.random() < ABANDONED_AT_CHECKOUT_SHARE:
            self.later(self.now + timedelta(seconds=self.rng.randint(20, 300)), self.open_cashier, shopper, order_id)

    def buy_now(self, shop: DemoShop, shopper: DemoShopper, lines: list[LineRequest]) -> tuple[int, datetime, list[int]] | None:
        codes = [shop.promo_code] if self.rng.random() < PROMO_CODE_SHARE and shop.promo_code else []
        try:
            with self.db.transaction() as session:
                order = checkout.place_order(session, self.now, shopper.principal, shop.store_id, shopper.address_id, lines,
                                           codes=codes)
                self.count_promotions(order)
                return order.id, order.pay_by, [line.warehouse_id for line in order.lines]
        except OutOfStock:
            self.tally["out of stock"] += 1
            return None
        except (CouponUnavailable, CouponLimitReached):
            self.tally["promo codes refused"] += 1
            return None

    def count_promotions(self, order: Order) -> None:
        if order.discount_minor:
            self.tally["orders with a discount"] += 1

    def check_out_cart(self, shop: DemoShop, shopper: DemoShopper, lines: list[LineRequest]) -> tuple[int, datetime, list[int]] | None:
        for line in lines:
            with self.db.transaction() as session:
                carts.add_item(session, shopper.principal, shop.store_id, line.sku_id, line.quantity)
        if self.rng.random() < ABANDONED_CART_SHARE:
            self.tally["carts left for later"] += 1
            return None
        while True:
            try:
                with self.db.transaction() as session:
                    order = carts.checkout(session, self.now, shopper.principal, shop.store_id, shopper.address_id)
                    self.count_promotions(order)
                    return order.id, order.pay_by, [line.warehouse_id for line in order.lines]
            except OutOfStock as exc:
                self.tally["out of stock"] += 1
                with self.db.transaction() as session:  # the buyer drops what is sold out and tries again
                    cart = carts.set_quantity(session, shopper.principal, shop.store_id, exc.extra["sku_id"], 0)
                    if not cart.items:
                        return None

    def payment_delay(self, window: timedelta) -> timedelta:
        roll = self.rng.random()
        if roll < 0.65:
            seconds = self.rng.uniform(20, 600)
        elif roll < 0.90:
            seconds = self.rng.uniform(600, 3 * 3600)
        else:
            seconds = self.rng.uniform(3 * 3600, 20 * 3600)
        return timedelta(seconds=min(seconds, window.total_seconds() * self.rng.uniform(0.3, 0.9)))

    def open_cashier(self, shopper: DemoShopper, order_id: int) -> None:
        with self.db.transaction() as session:
            payments.start_payment(session, self.now, shopper.principal, order_id)
        self.tally["payments abandoned"] += 1

    def pay(self, shop: DemoShop, shopper: DemoShopper, order_id: int, warehouses: list[int], attempt: int) -> None:
        try:
            with self.db.transaction() as session:
                payment = payments.start_payment(session, self.now, shopper.principal, order_id)
        except NotAllowedInState:
            self.tally["late payments refused"] += 1
            return
        declined = attempt == 0 and self.rng.random() < FAILED_PAYMENT_SHARE
        reference = f"sim_{self.rng.getrandbits(96):024x}"
        body = payments.notification_body(payment, reference, "failed" if declined else "succeeded")
        header = payments.sign(self.secret, body, int(self.now.timestamp()))
        with self.db.transaction() as session:  # the provider's signed callback, as the API receives it
            payments.handle_notification(session, self.now, payments.verify(self.secret, body, header, self.now))
        if declined:
            self.tally["payments declined"] += 1
            if self.rng.random() < 0.7:
                self.later(self.now + timedelta(minutes=self.rng.randint(1, 10)), self.pay, shop, shopper, order_id, warehouses, 1)
            return
        self.tally["orders paid"] += 1
        if self.rng.random() < CANCELLED_PAID_SHARE:
            delay = timedelta(minutes=self.rng.randint(20, 600))
            self.later(self.now + delay, self.cancel, shopper, order_id, self.rng.choice(CANCEL_REASONS))
            return
        ship_within = shop.book.shipping.ship_within / timedelta(hours=1)
        if self.rng.random() < LATE_SHIPMENT_SHARE:
            hours = ship_within + self.rng.uniform(1, 28)  # after ship_by: the deadline timer records it overdue
        else:
            hours = self.rng.uniform(2, min(60, ship_within - 12))
        from_us = all(shop.warehouse_country.get(w) == "US" for w in warehouses)
        at = self.staff_hours(shop, self.now + timedelta(hours=hours), offset=-8 if from_us else None)
        if not self.desk.after_payment(shop, shopper, order_id, at, from_us):  # else after-sales decides if it ships
            self.later(at, self.ship, shop, shopper, order_id, from_us)

    def cancel(self, shopper: DemoShopper, order_id: int, reason: str) -> None:
        try:
            with self.db.transaction() as session:
                order = orders.cancel(session, self.now, shopper.principal, order_id, reason)
                refunded = order.paid_at is not None
        except NotAllowedInState:
            self.tally["cancellations too late"] += 1
            return
        self.tally["refunded before shipment" if refunded else "cancelled unpaid"] += 1


def _ascii_handle(name: str) -> str:
    handle = "".join(ch for ch in name.lower() if ch.isascii() and ch.isalpha())
    return handle or "buyer"
