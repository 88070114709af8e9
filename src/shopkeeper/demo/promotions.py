"""The demo's promotions: each store runs many kinds at once, the platform runs its own, buyers claim coupons."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal, Role
from shopkeeper.catalog.models import Category, Product, Sku, Store
from shopkeeper.db import Database
from shopkeeper.errors import DomainError
from shopkeeper.orders import quotes
from shopkeeper.promotions import claiming
from shopkeeper.promotions import service as promotions
from shopkeeper.promotions.engine.benefits import (
    BulkPrice,
    Bundle,
    FreeShipping,
    Gift,
    NthUnit,
    PointsPrice,
    QuantityTier,
    Reduction,
    Tier,
    UnitPrice,
)
from shopkeeper.promotions.engine.terms import Audience, Scope
from shopkeeper.promotions.models import CouponTemplate
from shopkeeper.promotions.service import CouponSpec, PromotionSpec
from shopkeeper.scope import SYSTEM

D = Decimal


class _Catalog:
    """The store's SKUs by category key and by price, read back after the shelves are stocked."""

    def __init__(self, session: Session, store_id: int) -> None:
        self.store_id = store_id
        rows = session.execute(select(Sku.id, Sku.price_minor, Product.id, Category.name_en)
                               .join(Product, Product.id == Sku.product_id).join(Category, Category.id == Product.category_id)
                               .where(Sku.store_id == store_id).order_by(Sku.id)).all()
        self.by_category: dict[str, list[tuple[int, int, int]]] = {}
        for sku_id, price, product_id, category in rows:
            self.by_category.setdefault(category, []).append((sku_id, price, product_id))
        self.categories = {name: cid for cid, name in session.execute(
            select(Category.id, Category.name_en).where(Category.store_id == store_id))}

    def skus(self, category: str) -> list[tuple[int, int, int]]:
        return self.by_category.get(category, [])

    def cheapest(self, category: str) -> tuple[int, int, int]:
        return min(self.skus(category), key=lambda row: row[1])

    def dearest(self, category: str) -> tuple[int, int, int]:
        return max(self.skus(category), key=lambda row: row[1])


def launch_tea_house(db: Database, store_id: int, start: datetime, end: datetime) -> None:
    """A Taobao tea shop's promotion calendar, in CNY fen."""
    staff = Principal(Role.STAFF, 0, store_id=store_id)
    store = Scope("store", store_id)

    def sku(*ids: int) -> Scope:
        return Scope("sku", store_id, frozenset(ids))

    with db.transaction() as session:
        shelf = _Catalog(session, store_id)
        green = shelf.categories["Green tea"]
        cup = shelf.cheapest("Teaware")
        pot = shelf.dearest("Teaware")
        longjing = shelf.dearest("Green tea")
        oolong = shelf.cheapest("Oolong")
        puer = shelf.dearest("Pu'er")
        black = shelf.cheapest("Black tea")
        fans_tea = shelf.dearest("Black tea")
        snack = shelf.cheapest("Tea snacks")
        last_days = end - timedelta(days=3)
        # the time-boxed sales still run when the demo opens, so the console shows them live, with their countdowns
        still_on = end + timedelta(days=2)
        specs = [
            PromotionSpec("满199减20，满299减40", "threshold_reduction", Reduction((Tier(19900, 2000), Tier(29900, 4000))), start,
                          store_id=store_id, scope=store, open_ended=True),
            PromotionSpec("满2件包邮", "free_shipping", FreeShipping(2, "quantity"), start, store_id=store_id, scope=store,
                          open_ended=True),
            PromotionSpec("绿茶第二件半价", "second_unit", NthUnit(2, D("0.5")), start, store_id=store_id,
                          scope=Scope("category", store_id, frozenset({green})), open_ended=True),
            PromotionSpec("金卡会员9折", "member_price", UnitPrice(percent_off=D("0.1")), start, store_id=store_id, scope=store,
                          audience=Audience(min_member_level="gold"), open_ended=True),
            PromotionSpec("新客专享 乌龙8.8折", "new_customer_price", UnitPrice(percent_off=D("0.12")), start, store_id=store_id,
                          scope=sku(oolong[0]), audience=Audience(customer="new"), open_ended=True),
            PromotionSpec("生日月 普洱立减¥20", "birthday_price", UnitPrice(amount_off=2000), start, store_id=store_id,
                          scope=sku(puer[0]), audience=Audience(birthday_month=True), open_ended=True),
            PromotionSpec("粉丝专享 红茶85折", "fans_price", UnitPrice(percent_off=D("0.15")), start, store_id=store_id,
                          scope=sku(fans_tea[0]), audience=Audience(fans_only=True), open_ended=True),
            PromotionSpec("龙井限量秒杀", "flash_sale", UnitPrice(price=longjing[1] * 6 // 10), last_days, still_on, store_id=store_id,
                          scope=sku(longjing[0]), tags=frozenset({"flash_sale"}), stacking="coupons_only", units_cap=30,
                          per_buyer_units=1, priority=10),
            PromotionSpec("前10名半价 正山小种", "first_n_price", UnitPrice(percent_off=D("0.5")), end - timedelta(days=5), still_on,
                          store_id=store_id, scope=sku(black[0]), first_n_buyers=10, per_buyer_units=1, priority=5),
            PromotionSpec("满300送品茗杯", "threshold_gift", Gift(cup[0], 1, 30000), start, store_id=store_id, scope=store,
                          open_ended=True),
            PromotionSpec("淘金币价 茶点", "points_price", PointsPrice(snack[1] * 7 // 10, 100), start, store_id=store_id,
                          scope=sku(snack[0]), earns_points=False, open_ended=True),
            PromotionSpec("壶+茶 套餐", "bundle", Bundle({pot[0]: 1, oolong[0]: 1}, (pot[1] + oolong[1]) * 85 // 100), start,
                          store_id=store_id, open_ended=True),
        ]
        for spec in specs:
            promotions.create_promotion(session, start, staff, spec)
        for coupon in (
            CouponSpec("满150减15 店铺券", "threshold", Reduction((Tier(15000, 1500),)), start, store_id=store_id, scope=store,
                       excludes_tags=frozenset({"flash_sale"}), total_quantity=400, valid_days=7, open_ended=True),
            CouponSpec("新客无门槛5元", "cash", Reduction((Tier(0, 500),)), start, store_id=store_id, scope=store,
                       audience=Audience(customer="new"), total_quantity=200, valid_days=3, open_ended=True),
            CouponSpec("达人推广码 TEA2026 9折", "percent", Reduction((Tier(0, 0, D("0.1")),), cap=3000), start, store_id=store_id,
                       scope=store, code="TEA2026", total_quantity=150, valid_days=1, full_price_only=True, open_ended=True),
        ):
            promotions.create_coupon(session, start, staff, coupon)


def launch_home_goods(db: Database, store_id: int, start: datetime, end: datetime) -> None:
    """A cross-border home-goods store's promotions, in US cents."""
    staff = Principal(Role.STAFF, 0, store_id=store_id)
    store = Scope("store", store_id)
    with db.transaction() as session:
        shelf = _Catalog(session, store_id)
        lighting, candles = shelf.categories["Lighting"], shelf.categories["Candles & fragrance"]
        kitchen = shelf.categories["Kitchen & dining"]
        specs = [
            PromotionSpec("Buy 3, pay for 2 — lighting", "buy_n_free_one", NthUnit(3, D("1"), same_sku=False), start,
                          store_id=store_id, scope=Scope("category", store_id, frozenset({lighting})), open_ended=True),
            PromotionSpec("Candles: 2+ 5% off, 4+ 10% off", "bulk_price",
                          BulkPrice((QuantityTier(2, D("0.05")), QuantityTier(4, D("0.1")))), start, store_id=store_id,
                          scope=Scope("category", store_id, frozenset({candles})), open_ended=True),
            PromotionSpec("Free shipping over $49", "free_shipping", FreeShipping(4900), start, store_id=store_id, scope=store,
                          open_ended=True),
            PromotionSpec("Kitchen week 15% off", "limited_time", UnitPrice(percent_off=D("0.15")), end - timedelta(days=7), end,
                          store_id=store_id, scope=Scope("category", store_id, frozenset({kitchen}))),
            PromotionSpec("Spend $80, save $8", "threshold_reduction", Reduction((Tier(8000, 800),)), start, store_id=store_id,
                          scope=store, stacking="stacks", open_ended=True),
        ]
        for spec in specs:
            promotions.create_promotion(session, start, staff, spec)
        for coupon in (
            CouponSpec("$5 off $50", "threshold", Reduction((Tier(5000, 500),)), start, store_id=store_id, scope=store,
                       total_quantity=300, valid_days=10, open_ended=True),
            CouponSpec("LUMEN10 creator code", "percent", Reduction((Tier(0, 0, D("0.1")),), cap=1500), start, store_id=store_id,
                       scope=store, code="LUMEN10", total_quantity=100, valid_days=1, open_ended=True),
        ):
            promotions.create_coupon(session, start, staff, coupon)


def launch_platform(db: Database, start: datetime) -> None:
    """Platform-funded: 跨店每满300减50 and a claimable platform voucher (CNY)."""
    with db.transaction() as session:
        promotions.create_promotion(session, start, SYSTEM, PromotionSpec(
            "跨店每满300减50", "cross_store_reduction", Reduction((Tier(30000, 5000),), every=30000, cap=50000), start,
            currency="CNY", scope=Scope("platform"), open_ended=True))
        promotions.create_coupon(session, start, SYSTEM, CouponSpec(
            "平台通用券 满200减15", "threshold", Reduction((Tier(20000, 1500),)), start, currency="CNY", scope=Scope("platform"),
            total_quantity=500, valid_days=5, open_ended=True))


def maybe_claim(db: Database, rng: random.Random, now: datetime, store_id: int, buyer: Principal) -> bool:
    """Some buyers pick up a coupon on the way to checkout (领券); a refused claim is simply skipped."""
    assert buyer.buyer_id is not None
    with db.read() as session:
        templates = list(session.scalars(select(CouponTemplate.id).where(
            (CouponTemplate.store_id == store_id) | CouponTemplate.store_id.is_(None), CouponTemplate.code.is_(None))
            .order_by(CouponTemplate.id)))
    if not templates:
        return False
    try:
        with db.transaction() as session:
            template = promotions.get_coupon_template(session, buyer, rng.choice(templates))
            store = session.get(Store, store_id)
            assert store is not None
            claiming.claim_coupon(session, now, buyer, template.id, quotes.shopper(session, now, buyer.buyer_id, [store]))
        return True
    except DomainError:
        return False
