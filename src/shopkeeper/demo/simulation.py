"""The demo's month of trading: shops opened, buyers arriving, orders walked through their lives."""

from __future__ import annotations

import heapq
import itertools
import math
import random
from bisect import bisect
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterable

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from sqlalchemy import func, select

from shopkeeper import rulebooks, timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.catalog.models import Product, Sku, Store
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.customers.models import Buyer
from shopkeeper.db import Database
from shopkeeper.demo import live_cases
from shopkeeper.demo import promotions as demo_promotions
from shopkeeper.demo.aftersales import AfterSalesDesk
from shopkeeper.demo.data import (
    ABANDONED_AT_CHECKOUT_SHARE,
    ABANDONED_CART_SHARE,
    BUYER_CONFIRMS_SHARE,
    CANCEL_REASONS,
    CANCELLED_PAID_SHARE,
    CANCELLED_UNPAID_SHARE,
    CART_SHARE,
    CHINA_OUTBOUND,
    COUNTRIES,
    COUPON_CLAIM_SHARE,
    CROSS_BORDER_ORDERS_PER_DAY,
    DAY,
    DELIVERY_SCAN_SHARE,
    DHGATE_CARRIERS,
    DHGATE_CATEGORIES,
    DHGATE_LISTINGS,
    DHGATE_ORDERS_PER_DAY,
    FAILED_PAYMENT_SHARE,
    FAR,
    GIVEN_NAMES,
    HOME_CATEGORIES,
    HOME_LISTINGS,
    LATE_SHIPMENT_SHARE,
    LEVEL_APPETITE,
    LOCAL_HOUR_WEIGHTS,
    MEMBER_LEVELS,
    NEAR,
    PAID_SHARE,
    PICKUP_HOURS,
    PICKUP_SCAN_SHARE,
    PROMO_CODE_SHARE,
    PROMO_CODES,
    PROVINCES,
    REMOTE,
    SCARCE_SKU_SHARE,
    STREETS,
    SURNAMES,
    TAOBAO_CARRIERS,
    TAOBAO_ORDERS_PER_DAY,
    TEA_CATEGORIES,
    TEA_LISTINGS,
    US_DOMESTIC,
    WEEKDAY_RHYTHM,
    CategoryTree,
    _Listing,
)
from shopkeeper.errors import NotAllowedInState, OutOfStock
from shopkeeper.fulfillment import rules as shipping
from shopkeeper.fulfillment import service as fulfillment
from shopkeeper.inventory import service as inventory
from shopkeeper.money import Money
from shopkeeper.orders import carts, checkout, payments
from shopkeeper.orders import service as orders
from shopkeeper.orders.models import Order
from shopkeeper.orders.rules import LineRequest, OrderStatus
from shopkeeper.promotions.service import CouponLimitReached, CouponUnavailable
from shopkeeper.scope import SYSTEM

# --- what the simulation keeps in memory -----------------------------------------------------

@dataclass
class _Item:
    sku_id: int
    list_price: int
    price: int
    popularity: float
    warehouse_id: int
    scarce: bool
    split: dict[int, float]  # warehouse → share of the opening stock
    restock_at: int = 0
    restock_by: int = 0


@dataclass
class DemoShopper:
    principal: Principal
    address_id: int
    utc_offset: int
    appetite: float
    remote: bool = False


@dataclass
class DemoShop:
    store_id: int
    currency: str
    book: rulebooks.Rulebook
    staff: Principal
    orders_per_day: float
    staff_offset: int
    items: list[_Item] = field(default_factory=list)
    shoppers: list[DemoShopper] = field(default_factory=list)
    warehouse_country: dict[int, str] = field(default_factory=dict)
    item_cum: list[float] = field(default_factory=list)
    shopper_cum: list[float] = field(default_factory=list)
    promo_code: str | None = None  # a creator's code some buyers type at checkout
    carriers: dict[str, tuple[str, tuple[int, int]]] | None = None  # None: by market, as `ship` picks

    @property
    def cross_border(self) -> bool:
        return self.currency != "CNY"


class DemoRun:
    def __init__(self, db: Database, clock: SimulatedClock, rng: random.Random, secret: str, scale: float,
                 start: datetime, end: datetime) -> None:
        self.db, self.clock, self.rng, self.secret, self.scale = db, clock, rng, secret, scale
        self.start, self.end = start, end
        self.queue: list[tuple[datetime, int, Callable[..., None], tuple[Any, ...]]] = []
        self.sequence = itertools.count()
        self.shops: list[DemoShop] = []
        self.tally: Counter[str] = Counter()
        self.fired = 0
        self.barcodes = itertools.count(10001)
        self.desk = AfterSalesDesk(self)

    # --- the event loop ---------------------------------------------------------------------

    def later(self, at: datetime, action: Callable[..., None], *args: Any) -> None:
        heapq.heappush(self.queue, (at, next(self.sequence), action, args))

    def run_until(self, moment: datetime) -> None:
        while self.queue and self.queue[0][0] <= moment:
            at, _, action, args = heapq.heappop(self.queue)
            self.fired += timers.advance_to(self.db, self.clock, at)
            action(*args)
        self.fired += timers.advance_to(self.db, self.clock, moment)

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

    @property
    def now(self) -> datetime:
        return self.clock.now()

    # --- setting up shop ---------------------------------------------------------------------

    def open_shops(self) -> None:
        tea = self.open_tea_house()
        home = self.open_home_goods()
        gadgets = self.open_gadget_store()
        self.shops = [tea, home, gadgets]
        self.register_buyers(tea, 150, china=True)
        self.register_buyers(home, 110, china=False)
        self.register_buyers(gadgets, 60, china=False)
        for shop in self.shops:
            self.stock_shelves(shop)
            shop.item_cum = list(itertools.accumulate(i.popularity for i in shop.items))
            shop.shopper_cum = list(itertools.accumulate(s.appetite for s in shop.shoppers))
        demo_promotions.launch_tea_house(self.db, tea.store_id, self.start, self.end)
        demo_promotions.launch_home_goods(self.db, home.store_id, self.start, self.end)
        demo_promotions.launch_platform(self.db, self.start)
        if self.end - self.start > live_cases.BEFORE_END:
            self.later(self.end - live_cases.BEFORE_END, live_cases.top_up, self.desk)

    def open_tea_house(self) -> DemoShop:
        with self.db.transaction() as session:
            store = catalog.create_store(session, self.now, SYSTEM, "山野茶舍 Mountain Tea House", "taobao", "CNY")
        shop = DemoShop(store.id, "CNY", rulebooks.load("taobao"), Principal(Role.STAFF, 0, store_id=store.id),
                     TAOBAO_ORDERS_PER_DAY, staff_offset=8, promo_code=PROMO_CODES["CNY"])
        with self.db.transaction() as session:
            hangzhou = inventory.create_warehouse(session, shop.staff, store.id, "HZ1", "杭州余杭仓 Hangzhou", "CN", priority=10)
            fujian = inventory.create_warehouse(session, shop.staff, store.id, "WYS", "武夷山茶仓 Wuyishan", "CN", priority=20)
        templates = self.tea_templates(shop)
        categories = self.create_categories(shop, TEA_CATEGORIES)
        for listing in TEA_LISTINGS:
            # aged, roasted and fermented teas are kept in the tea warehouse, the rest ships from Hangzhou
            warehouse = fujian.id if listing.category in ("oolong", "black", "puer", "white") else hangzhou.id
            self.list_product(shop, listing, categories[listing.category], templates[listing.template], {warehouse: 1.0})
        return shop

    def open_home_goods(self) -> DemoShop:
        with self.db.transaction() as session:
            store = catalog.create_store(session, self.now, SYSTEM, "Lumen Home Goods", "default", "USD",
                                         timezone="Asia/Shanghai")  # a Shenzhen exporter
        shop = DemoShop(store.id, "USD", rulebooks.load("default"), Principal(Role.STAFF, 0, store_id=store.id),
                     CROSS_BORDER_ORDERS_PER_DAY, staff_offset=8, promo_code=PROMO_CODES["USD"])
        with self.db.transaction() as session:
            shenzhen = inventory.create_warehouse(session, shop.staff, store.id, "SZ1", "深圳龙华仓 Shenzhen", "CN", priority=10)
            ontario = inventory.create_warehouse(session, shop.staff, store.id, "US-ONT", "美国海外仓 Ontario, CA", "US", priority=20)
        shop.warehouse_country = {shenzhen.id: "CN", ontario.id: "US"}
        templates = self.home_templates(shop)
        categories = self.create_categories(shop, HOME_CATEGORIES)
        for listing in HOME_LISTINGS:
            # best sellers are also pre-positioned in the overseas warehouse (海外仓)
            split = {shenzhen.id: 0.6, ontario.id: 0.7} if self.rng.random() < 0.4 else {shenzhen.id: 1.0}
            self.list_product(shop, listing, categories[listing.category], templates[listing.template], split)
        return shop

    def open_gadget_store(self) -> DemoShop:
        """A small DHgate wholesaler, so the demo has the platform whose after-sales rules RULES.md §7.1 spells out."""
        with self.db.transaction() as session:
            store = catalog.create_store(session, self.now, SYSTEM, "极光数码 Aurora Gadgets", "dhgate", "USD",
                                         timezone="Asia/Shanghai")
        shop = DemoShop(store.id, "USD", rulebooks.load("dhgate"), Principal(Role.STAFF, 0, store_id=store.id),
                     DHGATE_ORDERS_PER_DAY, staff_offset=8, carriers=DHGATE_CARRIERS)
        with self.db.transaction() as session:
            shenzhen = inventory.create_warehouse(session, shop.staff, store.id, "SZ2", "深圳华强北仓 Shenzhen", "CN", priority=10)
        shop.warehouse_country = {shenzhen.id: "CN"}
        templates = self.home_templates(shop)
        categories = self.create_categories(shop, DHGATE_CATEGORIES)
        for listing in DHGATE_LISTINGS:
            self.list_product(shop, listing, categories[listing.category], templates[listing.template], {shenzhen.id: 1.0})
        return shop

    def tea_templates(self, shop: DemoShop) -> dict[str, int]:
        cn = _china_regions
        free_where = cn(p for p, _, _ in PROVINCES if p not in REMOTE)  # 包邮 except Xinjiang and Tibet
        standard = shipping.ShippingTemplate(
            name="满99包邮（新疆西藏除外）", mode="piece",
            default=shipping.FeeRule((), 1, 800, 1, 200),
            rules=(shipping.FeeRule(cn(NEAR), 1, 500, 1, 100), shipping.FeeRule(cn(FAR), 1, 1500, 1, 500),
                   shipping.FeeRule(cn(REMOTE), 1, 2500, 1, 1200)),
            free=(shipping.FreeRule(free_where, 9900, None),),
        )
        bulky = shipping.ShippingTemplate(
            name="茶具按重量 满199包邮", mode="weight",
            default=shipping.FeeRule((), 1000, 1000, 1000, 500),
            rules=(shipping.FeeRule(cn(NEAR), 1000, 800, 1000, 300), shipping.FeeRule(cn(FAR), 1000, 1800, 1000, 900),
                   shipping.FeeRule(cn(REMOTE), 1000, 3000, 1000, 1800)),
            free=(shipping.FreeRule(free_where, 19900, None),),
        )
        return self.create_templates(shop, standard, bulky)

    def home_templates(self, shop: DemoShop) -> dict[str, int]:
        europe = ("GB", "DE", "FR", "NL", "ES", "IT")
        standard = shipping.ShippingTemplate(
            name="Worldwide by weight, free US shipping over $50", mode="weight",
            default=shipping.FeeRule((), 500, 1400, 500, 600),
            rules=(shipping.FeeRule(("US",), 500, 699, 500, 250), shipping.FeeRule(("CA",), 500, 799, 500, 300),
                   shipping.FeeRule(europe, 500, 899, 500, 350), shipping.FeeRule(("AU",), 500, 999, 500, 400),
                   shipping.FeeRule(("BR", "RU"), 500, 1199, 500, 500)),
            free=(shipping.FreeRule(("US",), 5000, None), shipping.FreeRule(europe, 8900, None)),
        )
        bulky = shipping.ShippingTemplate(
            name="Oversize items by weight", mode="weight",
            default=shipping.FeeRule((), 1000, 2999, 1000, 999),
            rules=(shipping.FeeRule(("US", "CA"), 1000, 1299, 1000, 450), shipping.FeeRule(europe, 1000, 1999, 1000, 699)),
        )
        return self.create_templates(shop, standard, bulky)

    def create_templates(self, shop: DemoShop, standard: shipping.ShippingTemplate, bulky: shipping.ShippingTemplate) -> dict[str, int]:
        ids = {}
        for key, template in (("standard", standard), ("bulky", bulky)):
            with self.db.transaction() as session:
                row = fulfillment.create_template(session, self.now, shop.staff, shop.store_id,
                                                  shipping.template_to_dict(template), is_default=key == "standard")
                ids[key] = row.id
        return ids

    def create_categories(self, shop: DemoShop, tree: CategoryTree) -> dict[str, int]:
        ids: dict[str, int] = {}
        for key, name, name_en, parent in tree:
            with self.db.transaction() as session:
                category = catalog.create_category(session, shop.staff, shop.store_id, name, name_en,
                                                   ids[parent] if parent else None)
                ids[key] = category.id
        return ids

    def list_product(self, shop: DemoShop, listing: _Listing, category_id: int, template_id: int, split: dict[int, float]) -> None:
        specs = [self.sku_spec(shop, listing, combo) for combo in itertools.product(*(values for _, values in listing.axes))]
        names = [name for name, _ in listing.axes]
        spec = catalog.ProductSpec(title=listing.title, title_en=listing.title_en, category_id=category_id,
                                   shipping_template_id=template_id, skus=[s for s, _ in specs],
                                   description=self.describe(listing, names))
        with self.db.transaction() as session:
            _, skus = catalog.create_product(session, self.now, shop.staff, shop.store_id, spec)
            rows = [(sku.id, sku.price_minor) for sku in skus]
        appeal = self.rng.paretovariate(1.3)  # a few products sell far more than the rest
        for (sku_id, price), (_, favour) in zip(rows, specs):
            scarce = listing.scarce or self.rng.random() < SCARCE_SKU_SHARE
            shop.items.append(_Item(sku_id, price, price, appeal * favour, next(iter(split)), scarce, split))

    def sku_spec(self, shop: DemoShop, listing: _Listing, combo: tuple[tuple[str, str, float, float], ...]) -> tuple[catalog.SkuSpec, float]:
        options = {name: value for (name, _), (value, _, _, _) in zip(listing.axes, combo)}
        code = "-".join([listing.prefix, *(token for _, token, _, _ in combo)])
        price = listing.price * math.prod(p for _, _, p, _ in combo)
        weight = round(listing.weight * math.prod(w for _, _, _, w in combo))
        price_minor = _shelf_price(Money.of(f"{price:.2f}", shop.currency).minor, shop.currency)
        customs: dict[str, Any] = {}
        if listing.customs:
            zh, en, hs = listing.customs
            declared = round(price_minor * self.rng.uniform(0.35, 0.5))
            customs = {"customs_name_zh": zh, "customs_name_en": en, "hs_code": hs, "declared_value_minor": declared}
        favour = self.rng.uniform(0.4, 1.6)  # one colour or size always outsells the others
        return catalog.SkuSpec(code=code, price_minor=price_minor, options=options, weight_grams=weight,
                               barcode=_ean13(f"69{shop.store_id:02d}{next(self.barcodes):08d}"), **customs), favour

    @staticmethod
    def describe(listing: _Listing, option_names: list[str]) -> str:
        choice = f" Options: {', '.join(option_names)}." if option_names else ""
        return f"{listing.title_en}.{choice}"

    def stock_shelves(self, shop: DemoShop) -> None:
        """Opening stock: about three weeks of expected sales, a few SKUs kept deliberately short."""
        units_per_day = shop.orders_per_day * self.scale * 1.3 * 1.2  # lines per order × units per line
        total = sum(i.popularity for i in shop.items)
        for item in shop.items:
            daily = units_per_day * item.popularity / total
            item.restock_at = max(3, round(daily * 8))
            item.restock_by = max(5, round(daily * 14))
            with self.db.transaction() as session:
                for warehouse_id, share in item.split.items():
                    if item.scarce:
                        quantity = self.rng.randint(1, 6)
                    else:
                        quantity = max(3, round(daily * 21 * share * self.rng.uniform(0.8, 1.5))) + self.rng.randint(0, 8)
                    inventory.receive(session, self.now, shop.staff, item.sku_id, warehouse_id, quantity, "期初库存 opening stock")

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

    # --- one simulated day -------------------------------------------------------------------

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

    def pick_hour(self, utc_offset: int) -> int:
        weights = [LOCAL_HOUR_WEIGHTS[(hour + utc_offset) % 24] for hour in range(24)]
        return self.rng.choices(range(24), weights)[0]

    def staff_hours(self, shop: DemoShop, at: datetime, offset: int | None = None) -> datetime:
        """Staff work 09:00–21:00 local time; later work waits for the next morning."""
        local_hour = (at.hour + (shop.staff_offset if offset is None else offset)) % 24
        if 9 <= local_hour < 21:
            return at
        wait = (9 - local_hour) % 24
        return at.replace(minute=0, second=0) + timedelta(hours=wait, minutes=self.rng.randrange(90))

    def pick_lines(self, shop: DemoShop) -> list[LineRequest]:
        count = self.rng.choices((1, 2, 3), (70, 22, 8))[0]
        chosen = {shop.items[bisect(shop.item_cum, self.rng.random() * shop.item_cum[-1])].sku_id for _ in range(count)}
        quantities = (1, 2, 3, 4) if not shop.cross_border else (1, 2, 3)
        weights = (80, 14, 4, 2) if not shop.cross_border else (85, 12, 3)
        return [LineRequest(sku_id, self.rng.choices(quantities, weights)[0]) for sku_id in sorted(chosen)]

    # --- buyers ------------------------------------------------------------------------------

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

    def confirm(self, shopper: DemoShopper, order_id: int) -> None:
        try:
            with self.db.transaction() as session:
                orders.confirm_receipt(session, self.now, shopper.principal, order_id)
        except NotAllowedInState:
            return
        self.tally["confirmed by buyer"] += 1

    # --- staff -------------------------------------------------------------------------------

    def ship(self, shop: DemoShop, shopper: DemoShopper, order_id: int, from_us: bool) -> None:
        if order_id in self.desk.held:  # the buyer asked for the money back before shipment: wait for the answer
            return
        if shop.carriers:
            carriers = shop.carriers
        elif not shop.cross_border:
            carriers = TAOBAO_CARRIERS
        else:
            carriers = US_DOMESTIC if from_us else CHINA_OUTBOUND
        carrier = self.rng.choice(sorted(carriers))
        pattern, (fastest, slowest) = carriers[carrier]
        try:
            with self.db.transaction() as session:
                order = orders.ship(session, self.now, shop.staff, order_id, carrier, self.tracking_number(pattern))
                confirm_by = order.confirm_by
        except NotAllowedInState:  # refunded before it could ship
            return
        assert confirm_by is not None
        self.tally["shipped"] += 1
        transit = timedelta(days=self.rng.uniform(fastest, slowest) + (2 if shopper.remote else 0))
        arrives = self.now + transit
        self.desk.after_shipment(shop, shopper, order_id, carrier, arrives)
        if self.rng.random() < PICKUP_SCAN_SHARE:
            self.later(self.now + min(timedelta(hours=self.rng.uniform(*PICKUP_HOURS)), transit / 2), self.pick_up, shop,
                       order_id)
        scanned = self.rng.random() < DELIVERY_SCAN_SHARE and arrives < confirm_by - timedelta(hours=2)
        if scanned:
            self.later(arrives, self.deliver, shop, order_id)
        if self.rng.random() < BUYER_CONFIRMS_SHARE:
            at = arrives + timedelta(hours=self.rng.uniform(1, 72))
            if at < confirm_by - timedelta(hours=1):
                self.later(at, self.confirm, shopper, order_id)

    def pick_up(self, shop: DemoShop, order_id: int) -> None:
        try:
            with self.db.transaction() as session:
                orders.record_pickup(session, self.now, shop.staff, order_id)
        except NotAllowedInState:  # refunded and closed before the carrier came
            return
        self.tally["pickup scans"] += 1

    def tracking_number(self, pattern: str) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
        return "".join(str(self.rng.randrange(10)) if ch == "#" else self.rng.choice(alphabet) if ch == "A" else ch
                       for ch in pattern)

    def deliver(self, shop: DemoShop, order_id: int) -> None:
        try:
            with self.db.transaction() as session:
                orders.mark_delivered(session, self.now, shop.staff, order_id)
        except NotAllowedInState:  # the buyer confirmed first
            return
        self.tally["delivery scans"] += 1

    def change_price(self, shop: DemoShop) -> None:
        item = shop.items[bisect(shop.item_cum, self.rng.random() * shop.item_cum[-1])]
        roll = self.rng.random()
        if item.price != item.list_price and roll < 0.4:
            new = item.list_price  # the promotion ends
        elif roll < 0.75:
            new = _shelf_price(round(item.list_price * self.rng.uniform(0.75, 0.92)), shop.currency)  # 限时折扣 promotion
        else:
            new = _shelf_price(round(item.list_price * self.rng.uniform(1.04, 1.12)), shop.currency)
            item.list_price = new
        with self.db.transaction() as session:
            catalog.change_price(session, self.now, shop.staff, item.sku_id, new)
        item.price = new
        self.tally["price changes"] += 1

    def restock(self, shop: DemoShop) -> None:
        with self.db.read() as session:
            available = inventory.available_by_sku(session, [i.sku_id for i in shop.items])
        due = [i for i in shop.items if not i.scarce and available[i.sku_id] < i.restock_at]
        if not due:
            return
        with self.db.transaction() as session:  # one inbound delivery (入库单)
            note = f"补货 restock PO-{self.now:%Y%m%d}-{shop.store_id}"
            for item in due:
                quantity = item.restock_by + self.rng.randint(0, item.restock_by)
                inventory.receive(session, self.now, shop.staff, item.sku_id, item.warehouse_id, quantity, note)
        self.tally["restock lines"] += len(due)

    # --- the summary -------------------------------------------------------------------------

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
            f"were claimed; {self.desk.summary()}; {self.fired:,} timers fired "
            f"and {pending:,} wait for the worker."
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


def _shelf_price(minor: int, currency: str) -> int:
    """Prices as shops write them: ¥89.90 and ¥168.00 in China, $24.99 elsewhere."""
    if currency == "CNY":
        if minor < 10000:
            return max(990, round(minor / 100) * 100 - 10)
        return round(minor / 1000) * 1000 - 200
    return max(99, round(minor / 100) * 100 - 1)


def _china_regions(provinces: Iterable[str]) -> tuple[str, ...]:
    return tuple(f"CN/{p}" for p in provinces)


def _ean13(first12: str) -> str:
    digits = [int(d) for d in first12[:12]]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return first12[:12] + str(check)


def _ascii_handle(name: str) -> str:
    handle = "".join(ch for ch in name.lower() if ch.isascii() and ch.isalpha())
    return handle or "buyer"
