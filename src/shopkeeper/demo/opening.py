"""Opening the three shops: stores, warehouses, shipping templates, categories, products with their SKUs, opening
stock, and the buyers of each."""

from __future__ import annotations

import itertools
import math
from typing import Any, Iterable

from shopkeeper import rulebooks
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.demo import live_cases
from shopkeeper.demo import promotions as demo_promotions
from shopkeeper.demo.buyers import Buyers
from shopkeeper.demo.core import DemoShop, Item, shelf_price
from shopkeeper.demo.data import (
    CROSS_BORDER_ORDERS_PER_DAY,
    DHGATE_CARRIERS,
    DHGATE_CATEGORIES,
    DHGATE_LISTINGS,
    DHGATE_ORDERS_PER_DAY,
    FAR,
    GADGET_ROUTES,
    HOME_CATEGORIES,
    HOME_LISTINGS,
    HOME_ROUTES,
    NEAR,
    PROMO_CODES,
    PROVINCES,
    REMOTE,
    SCARCE_SKU_SHARE,
    TAOBAO_ORDERS_PER_DAY,
    TEA_CARRIERS,
    TEA_CATEGORIES,
    TEA_COURIER,
    TEA_LISTINGS,
    CategoryTree,
    _Listing,
)
from shopkeeper.fulfillment import allocation_service, carrier_service
from shopkeeper.fulfillment import rules as shipping
from shopkeeper.fulfillment import service as fulfillment
from shopkeeper.inventory import service as inventory
from shopkeeper.money import Money
from shopkeeper.scope import SYSTEM


class ShopOpening(Buyers):
    """Day zero; built on `Buyers` because each shop opens with its buyers registered."""

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
                     TAOBAO_ORDERS_PER_DAY, staff_offset=8, promo_code=PROMO_CODES["CNY"], carriers=TEA_CARRIERS)
        with self.db.transaction() as session:
            name, aliases, shipping_class = TEA_COURIER
            carrier_service.file_carrier(session, self.now, shop.staff, store.id,
                                         carrier_service.CarrierEntry(name, aliases, shipping_class))
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
        self.route(shop, HOME_ROUTES)
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
        self.route(shop, GADGET_ROUTES)
        templates = self.home_templates(shop)
        categories = self.create_categories(shop, DHGATE_CATEGORIES)
        for listing in DHGATE_LISTINGS:
            self.list_product(shop, listing, categories[listing.category], templates[listing.template], {shenzhen.id: 1.0})
        return shop

    def route(self, shop: DemoShop, routes: Iterable[tuple[str, tuple[str, ...], str, str]]) -> None:
        """The shop's allocation rules, in the order they are tried (RULES.md §5.1)."""
        with self.db.transaction() as session:
            for name, countries, warehouse, channel in routes:
                conditions: dict[str, Any] = {"countries": list(countries)} if countries else {}
                allocation_service.create_rule(session, self.now, shop.staff, shop.store_id,
                                               allocation_service.RuleSpec(name, conditions, warehouse, channel))

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
            shop.items.append(Item(sku_id, price, price, appeal * favour, next(iter(split)), scarce, split))

    def sku_spec(self, shop: DemoShop, listing: _Listing, combo: tuple[tuple[str, str, float, float], ...]) -> tuple[catalog.SkuSpec, float]:
        options = {name: value for (name, _), (value, _, _, _) in zip(listing.axes, combo)}
        code = "-".join([listing.prefix, *(token for _, token, _, _ in combo)])
        price = listing.price * math.prod(p for _, _, p, _ in combo)
        weight = round(listing.weight * math.prod(w for _, _, _, w in combo))
        price_minor = shelf_price(Money.of(f"{price:.2f}", shop.currency).minor, shop.currency)
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


def _china_regions(provinces: Iterable[str]) -> tuple[str, ...]:
    return tuple(f"CN/{p}" for p in provinces)


def _ean13(first12: str) -> str:
    digits = [int(d) for d in first12[:12]]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return first12[:12] + str(check)
