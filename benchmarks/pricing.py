"""How fast the pricing engine prices carts against 10 to 10,000 live promotions, next to django-oscar's offers.

    .venv/bin/python benchmarks/pricing.py [--carts N] [--cpu C] [--no-oscar | --oscar-1000] [--profile N]

A marketplace is generated with a fixed seed for each size (10, 100, 1,000 and
10,000 live promotions): stores with categories, products and SKUs, and the
promotions a marketplace of that many stores runs (mostly SKU-level activity,
flash-sale and member prices, some category discounts, bulk, N-th unit and
bundle prices, per-store 满减 tiers, gifts and free shipping, a few platform
promotions). The number of stores grows with the number of promotions, as it
does in a real marketplace, so the promotions that can apply to one cart stay
about the same from 1,000 to 10,000 live ones. Every buyer also holds two
coupons (a store coupon and a platform voucher).

Pricing one cart is `PromotionIndex.candidates(lines)` plus
`price_cart(PricingRequest(...))`; the index is built once per size, outside
the timing, as a live server keeps it. The process is pinned to one core.

The same carts are priced by django-oscar's offer engine (`Applicator().apply`)
in a separate virtualenv (benchmarks/.oscar-venv, created on first use) with
equivalent offers, at 10 and 100 live offers (and 1,000 with --oscar-1000).

The engine runs as `make install` built it: compiled with mypyc where a C
compiler was at hand (see src/shopkeeper/promotions/native.py), else as plain
Python; SHOPKEEPER_PURE_ENGINE=1 forces plain Python. The figures say which.

Timing uses time.perf_counter only. The figures are printed as tables and
written to benchmarks/RESULTS.md, between this script's own markers. The last
line printed is the summary:
carts_per_s_at_1000=<n> p99_ms_at_1000=<n> ratio_vs_oscar_at_100=<n>
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import gc
import hashlib
import io
import itertools
import json
import math
import os
import platform
import pstats
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from reporting import cpu_model, rewrite_section

from shopkeeper.promotions import native

try:  # the engine's home since 2026-12
    from shopkeeper.promotions.engine.benefits import (
        BulkPrice,
        Bundle,
        EarlyBird,
        FreeShipping,
        Gift,
        NthUnit,
        PointsPrice,
        QuantityTier,
        Reduction,
        Tier,
        TimeStep,
        UnitPrice,
    )
    from shopkeeper.promotions.engine.index import PromotionIndex
    from shopkeeper.promotions.engine.price import price_cart
    from shopkeeper.promotions.engine.results import PricedCart
    from shopkeeper.promotions.engine.terms import Audience, CartLine, GiftSku, PricingRequest, Promotion, Scope, Shopper
except ImportError:  # an older commit's engine, measured beside this one by pricing_against.py
    from shopkeeper.promotions.index import PromotionIndex
    from shopkeeper.promotions.results import PricedCart
    from shopkeeper.promotions.terms import (
        Audience,
        BulkPrice,
        Bundle,
        CartLine,
        EarlyBird,
        FreeShipping,
        Gift,
        GiftSku,
        NthUnit,
        PointsPrice,
        PricingRequest,
        Promotion,
        QuantityTier,
        Reduction,
        Scope,
        Shopper,
        Tier,
        TimeStep,
        UnitPrice,
    )

    from shopkeeper.promotions.rules import price_cart

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
SECTION = "pricing"
OSCAR_VENV = HERE / ".oscar-venv"
OSCAR_HELPER = HERE / "oscar_pricing.py"
OSCAR_PINS = ("django-oscar==4.2.1", "Django==5.2.19")

SEED = 20260105
NOW = datetime(2026, 1, 5, 20, 0, tzinfo=timezone.utc)
CURRENCY = "CNY"
SIZES = (10, 100, 1000, 10000)
OSCAR_SIZES = (10, 100)
OSCAR_CARTS = {10: 200, 100: 50, 1000: 10}  # Oscar takes ~60 ms a cart at 10 offers, ~1 s at 100, ~10 s at 1,000
WARMUP = 300  # unmeasured carts per size before the timed ones
PROMOTIONS_PER_STORE = 8  # a store runs this many live promotions on average
LINE_WEIGHTS = [k ** -1.5 for k in range(1, 21)]  # lines per cart: 1 line most often, 20 at most


# --- the marketplace --------------------------------------------------------------------------

@dataclass
class Sku:
    id: int
    product_id: int
    store_id: int
    category_id: int
    price: int


@dataclass
class Store:
    id: int
    categories: list[int]
    skus: list[Sku]  # most popular first
    products: dict[int, list[Sku]]
    fee: int  # the shipping fee it quotes for an order
    cum_weights: list[float] = field(default_factory=list)
    priced: set[int] = field(default_factory=set)  # SKUs that already have a single-item price (活动价, 秒杀价, ...)

    def pick(self, rng: random.Random) -> Sku:
        return rng.choices(self.skus, cum_weights=self.cum_weights)[0]


@dataclass
class Market:
    size: int
    stores: list[Store]
    skus: dict[int, Sku]
    promotions: list[Promotion]
    gifts: dict[int, GiftSku]
    store_coupons: dict[int, Promotion]  # store id -> the coupon template it hands out
    platform_vouchers: list[Promotion]
    store_cum_weights: list[float]

    @property
    def all_coupon_templates(self) -> dict[int, Promotion]:
        return {p.id: p for p in [*self.store_coupons.values(), *self.platform_vouchers]}


def zipf_cum_weights(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1 / (rank + 1) ** s for rank in range(n)))


def pct(value: str) -> Decimal:
    return Decimal(value)


# Store promotion kinds and their share of a store's promotions.
KINDS: dict[str, int] = {
    "activity_price": 31,  # 活动价: % off a few SKUs
    "flash_sale": 10,  # 秒杀: one SKU at a price, a per-buyer allowance
    "member_price": 10,  # 会员价: % off a product for silver/gold members
    "new_customer_price": 3,  # 新客价
    "category_discount": 8,  # a store category % off
    "bulk_price": 5,  # 多买多便宜
    "nth_unit": 5,  # 第二件半价 / 买二免一
    "bundle": 4,  # 套餐
    "threshold_reduction": 12,  # 满减 tiers, 每满减, 满折, 满N件N折
    "gift": 4,  # 满送
    "free_shipping": 6,  # 满包邮 / 满N件包邮
    "early_bird": 1,  # 早买早便宜
    "points_price": 1,  # 淘金币价
}


def build_market(size: int) -> Market:
    """A marketplace with `size` live promotions; the number of stores grows with it."""
    rng = random.Random(f"{SEED}/market/{size}")
    platform_count = 1 if size < 100 else 3
    store_promotions = size - platform_count
    store_count = max(2, round(store_promotions / PROMOTIONS_PER_STORE))
    stores: list[Store] = []
    skus: dict[int, Sku] = {}
    next_product, next_sku, next_category = itertools.count(1), itertools.count(1), itertools.count(1)
    for store_id in range(1, store_count + 1):
        categories = [next(next_category) for _ in range(rng.randint(2, 5))]
        store = Store(store_id, categories, [], {}, rng.choices((0, 600, 800, 1000, 1200), (2, 3, 3, 1, 1))[0])
        for _ in range(rng.randint(15, 60)):
            product_id = next(next_product)
            category = rng.choice(categories)
            base = math.exp(rng.gauss(math.log(6000), 0.8))
            variants = rng.choices((1, 2, 3, 4), (40, 30, 20, 10))[0]
            store.products[product_id] = []
            for v in range(variants):
                price = max(190, int(base * (1 + 0.25 * v)) // 10 * 10)
                sku = Sku(next(next_sku), product_id, store_id, category, price)
                store.products[product_id].append(sku)
                store.skus.append(sku)
                skus[sku.id] = sku
        rng.shuffle(store.skus)  # popularity does not follow the product order
        store.cum_weights = zipf_cum_weights(len(store.skus), 0.9)
        stores.append(store)

    promotions: list[Promotion] = []
    gifts: dict[int, GiftSku] = {}
    ids = itertools.count(1)
    kinds, weights = list(KINDS), list(KINDS.values())
    for _ in range(store_promotions):
        store = rng.choice(stores)
        kind = rng.choices(kinds, weights)[0]
        promotions.append(store_promotion(next(ids), kind, store, rng, gifts))
    promotions += platform_promotions(ids, platform_count)

    coupon_ids = itertools.count(1_000_001)
    store_coupons: dict[int, Promotion] = {}
    for store in stores:
        if rng.random() < 0.6 or not store_coupons and store is stores[-1]:
            threshold, off = rng.choice(((0, 300), (4900, 500), (9900, 1000), (19900, 3000), (29900, 5000)))
            store_coupons[store.id] = Promotion(
                next(coupon_ids), f"store {store.id} coupon {off // 100} off {threshold // 100}",
                Reduction((Tier(threshold, off),)), Scope("store", store.id), kind="store_coupon", priority=0,
                excludes_tags=frozenset({"flash_sale"}) if rng.random() < 0.3 else frozenset(),
                coupon_group=f"store:{store.id}")
    platform_vouchers = [
        Promotion(next(coupon_ids), "platform voucher 20 off 199", Reduction((Tier(19900, 2000),)), Scope("platform"),
                  kind="platform_voucher", funder="platform", coupon_group="platform"),
        Promotion(next(coupon_ids), "platform voucher 40 off 299", Reduction((Tier(29900, 4000),)), Scope("platform"),
                  kind="platform_voucher", funder="platform", coupon_group="platform", full_price_only=True),
        Promotion(next(coupon_ids), "platform voucher 3 off", Reduction((Tier(0, 300),)), Scope("platform"),
                  kind="platform_voucher", funder="platform", coupon_group="platform"),
    ]
    return Market(size, stores, skus, promotions, gifts, store_coupons, platform_vouchers,
                  zipf_cum_weights(len(stores), 1.0))


def _window(rng: random.Random, hours: bool = False) -> dict[str, datetime]:
    if hours:
        return {"starts_at": NOW - timedelta(hours=rng.randint(1, 6)), "ends_at": NOW + timedelta(hours=rng.randint(1, 18))}
    return {"starts_at": NOW - timedelta(days=rng.randint(1, 20)), "ends_at": NOW + timedelta(days=rng.randint(1, 30))}


def _popular_skus(store: Store, rng: random.Random, low: int, high: int, single_price: bool = False) -> list[Sku]:
    """Stores promote what sells: distinct SKUs drawn by popularity.

    `single_price`: a SKU takes part in one single-item price at a time (as platforms enforce for 单品优惠), so
    SKUs that already have one are passed over; member prices, category discounts, bulk, N-th unit and bundles
    may still overlap them.
    """
    free = len(store.skus) - len(store.priced) if single_price else len(store.skus)
    wanted = min(rng.randint(low, high), free)
    chosen: dict[int, Sku] = {}
    misses = 0
    while len(chosen) < wanted and misses < 200:
        sku = store.pick(rng)
        if single_price and sku.id in store.priced:
            misses += 1
            continue
        chosen[sku.id] = sku
    if not chosen:  # the popular SKUs all have a price already: the most popular one that has none
        sku = next((s for s in store.skus if s.id not in store.priced), store.skus[0])
        chosen[sku.id] = sku
    if single_price:
        store.priced.update(chosen)
    return list(chosen.values())


def _popular_products(store: Store, rng: random.Random, low: int, high: int) -> list[int]:
    wanted = min(rng.randint(low, high), len(store.products))
    chosen: dict[int, None] = {}
    while len(chosen) < wanted:
        chosen[store.pick(rng).product_id] = None
    return list(chosen)


def store_promotion(pid: int, kind: str, store: Store, rng: random.Random, gifts: dict[int, GiftSku]) -> Promotion:
    sid = store.id
    name = f"store {sid} {kind} {pid}"
    common: dict[str, Any] = {"kind": kind, **_window(rng)}
    if kind == "activity_price":
        skus = _popular_skus(store, rng, 1, 6, single_price=True)
        exclusive = rng.random() < 0.03  # 清仓: no other promotion on these SKUs
        return Promotion(pid, name, UnitPrice(percent_off=pct(rng.choice(("0.1", "0.15", "0.2", "0.3")))),
                         Scope("sku", sid, frozenset(s.id for s in skus)), stacking="exclusive" if exclusive else "stacks",
                         priority=rng.choice((0, 0, 1)), **common)
    if kind == "flash_sale":
        (sku,) = _popular_skus(store, rng, 1, 1, single_price=True)
        price = sku.price * rng.choice((50, 60, 70)) // 100 // 10 * 10
        allowance = rng.choices((0, 1, 2, 3), (5, 60, 25, 10))[0]
        common.update(_window(rng, hours=True))
        return Promotion(pid, name, UnitPrice(price=price), Scope("sku", sid, frozenset({sku.id})), allowance=allowance,
                         tags=frozenset({"flash_sale"}), stacking="coupons_only" if rng.random() < 0.4 else "stacks",
                         priority=2, **common)
    if kind == "member_price":
        products = _popular_products(store, rng, 1, 4)
        return Promotion(pid, name, UnitPrice(percent_off=pct(rng.choice(("0.05", "0.1", "0.12")))),
                         Scope("product", sid, frozenset(products)),
                         audience=Audience(min_member_level=rng.choice(("silver", "gold"))), **common)
    if kind == "new_customer_price":
        (sku,) = _popular_skus(store, rng, 1, 1, single_price=True)
        return Promotion(pid, name, UnitPrice(price=sku.price * 8 // 10 // 10 * 10), Scope("sku", sid, frozenset({sku.id})),
                         audience=Audience(customer="new"), **common)
    if kind == "category_discount":
        category = rng.choice(store.categories)
        return Promotion(pid, name, UnitPrice(percent_off=pct(rng.choice(("0.1", "0.2")))),
                         Scope("category", sid, frozenset({category})), priority=-1, **common)
    if kind == "bulk_price":
        products = _popular_products(store, rng, 1, 3)
        return Promotion(pid, name, BulkPrice((QuantityTier(2, pct("0.05")), QuantityTier(3, pct("0.1")))),
                         Scope("product", sid, frozenset(products)), **common)
    if kind == "nth_unit":
        products = _popular_products(store, rng, 1, 2)
        benefit = NthUnit(2, percent_off=pct("0.5")) if rng.random() < 0.7 else NthUnit(3, percent_off=pct("1"))
        return Promotion(pid, name, benefit, Scope("product", sid, frozenset(products)), **common)
    if kind == "bundle":
        members = _popular_skus(store, rng, 2, 3)
        items = {s.id: 1 for s in members}
        full = sum(s.price for s in members)
        return Promotion(pid, name, Bundle(items, full * 85 // 100 // 10 * 10),
                         Scope("sku", sid, frozenset(items)), **common)
    if kind == "threshold_reduction":
        style = rng.choices(("tiers", "every", "percent", "quantity"), (50, 25, 15, 10))[0]
        if style == "tiers":
            first = rng.choice((9900, 14900, 19900))
            benefit = Reduction((Tier(first, first // 10 // 100 * 100), Tier(first * 2, first * 2 * 15 // 100 // 100 * 100)))
        elif style == "every":
            benefit = Reduction((Tier(20000, 2000),), every=20000, cap=10000)
        elif style == "percent":
            benefit = Reduction((Tier(29900, percent_off=pct("0.1")),))
        else:
            benefit = Reduction((Tier(2, percent_off=pct("0.1")), Tier(3, percent_off=pct("0.2"))), basis="quantity")
        return Promotion(pid, name, benefit, Scope("store", sid), **common)
    if kind == "gift":
        gift_sku = min(rng.sample(store.skus, min(5, len(store.skus))), key=lambda s: s.price)
        gifts[gift_sku.id] = GiftSku(gift_sku.product_id, sid, gift_sku.price, rng.choice((0, 50, 500, 5000)))
        threshold = rng.choice((9900, 19900, 29900))
        return Promotion(pid, name, Gift(gift_sku.id, 1, threshold), Scope("store", sid), **common)
    if kind == "free_shipping":
        if rng.random() < 0.7:
            return Promotion(pid, name, FreeShipping(rng.choice((4900, 6900, 9900))), Scope("store", sid), **common)
        return Promotion(pid, name, FreeShipping(2, basis="quantity"), Scope("store", sid), **common)
    if kind == "early_bird":
        products = _popular_products(store, rng, 1, 3)
        steps = (TimeStep(NOW + timedelta(hours=2), pct("0.2")), TimeStep(NOW + timedelta(days=1), pct("0.1")))
        return Promotion(pid, name, EarlyBird(steps), Scope("product", sid, frozenset(products)), **common)
    if kind == "points_price":
        (sku,) = _popular_skus(store, rng, 1, 1, single_price=True)
        return Promotion(pid, name, PointsPrice(sku.price * 9 // 10 // 10 * 10, 500), Scope("sku", sid, frozenset({sku.id})),
                         earns_points=False, **common)
    raise ValueError(kind)


def platform_promotions(ids: Iterator[int], count: int) -> list[Promotion]:
    everything = [
        Promotion(next(ids), "cross-store 50 off every 300", Reduction((Tier(30000, 5000),), every=30000),
                  Scope("platform"), kind="cross_store_reduction", funder="platform"),
        Promotion(next(ids), "platform free shipping over 99", FreeShipping(9900), Scope("platform"),
                  kind="free_shipping", funder="platform"),
        Promotion(next(ids), "new customers 10 off 20", Reduction((Tier(2000, 1000),)), Scope("platform"),
                  audience=Audience(customer="new"), kind="new_customer_reduction", funder="platform"),
    ]
    return everything[:count]


# --- carts --------------------------------------------------------------------------------------

@dataclass
class Cart:
    lines: tuple[CartLine, ...]
    shopper: Shopper
    shipping: dict[int, int]
    coupons: tuple[Promotion, ...]
    coupon_templates: tuple[int, ...]


def make_carts(market: Market, count: int) -> list[Cart]:
    """Carts of 1-20 lines (one line most often), mostly from one store, popular SKUs more often; fixed seed."""
    rng = random.Random(f"{SEED}/carts/{market.size}")
    carts = []
    coupon_ids = itertools.count(1)
    for n in range(count):
        wanted = rng.choices(range(1, 21), LINE_WEIGHTS)[0]
        store = rng.choices(market.stores, cum_weights=market.store_cum_weights)[0]
        lines: list[CartLine] = []
        seen: set[int] = set()
        misses = 0
        while len(lines) < wanted and misses < 50:
            if lines and rng.random() < 0.3:
                store = rng.choices(market.stores, cum_weights=market.store_cum_weights)[0]
            sku = store.pick(rng)
            if sku.id in seen:
                misses += 1
                continue
            seen.add(sku.id)
            quantity = rng.choices((1, 2, 3, 4, 5, 6), (75, 14, 6, 2, 2, 1))[0]
            lines.append(CartLine(sku.id, sku.product_id, sku.store_id, sku.price, quantity, sku.category_id))
        shopper = Shopper(buyer_id=n + 1, member_level=rng.choices(("regular", "silver", "gold", "platinum"), (50, 25, 18, 7))[0],
                          paid_orders=0 if rng.random() < 0.1 else rng.randint(1, 80), birthday_month=rng.random() < 0.08,
                          points_balance=rng.choice((0, 200, 800, 3000)))
        stores = sorted({line.store_id for line in lines})
        # two coupons: a store coupon (of a store in the cart when one hands them out) and a platform voucher;
        # some buyers hold two platform vouchers instead, and the engine picks one
        held = [market.store_coupons[s] for s in stores if s in market.store_coupons]
        if rng.random() < 0.15:
            templates = rng.sample(market.platform_vouchers, 2)
        else:
            store_coupon = rng.choice(held) if held and rng.random() < 0.8 else rng.choice(list(market.store_coupons.values()))
            templates = [store_coupon, rng.choice(market.platform_vouchers)]
        coupons = []
        for template in templates:
            cid = next(coupon_ids)
            coupons.append(dataclasses.replace(template, id=10_000_000 + cid, coupon_id=cid))
        carts.append(Cart(tuple(lines), shopper, {s: market.stores[s - 1].fee for s in stores}, tuple(coupons),
                          tuple(t.id for t in templates)))
    return carts


# --- our engine --------------------------------------------------------------------------------

def price_one(index: PromotionIndex, market: Market, cart: Cart) -> tuple[PricedCart, int]:
    candidates = index.candidates(cart.lines)
    request = PricingRequest(CURRENCY, NOW, cart.lines, candidates + cart.coupons, cart.shopper, cart.shipping, market.gifts)
    return price_cart(request), len(candidates)


@dataclass
class EngineRun:
    size: int
    stores: int
    skus: int
    carts: int
    latencies: list[float]
    candidates: float  # average candidate promotions per cart from the index (coupons not counted)
    applied: float  # average promotions applied per cart, coupons included
    searches: Counter[str]
    mean_lines: float
    discount_share: float  # discounts over list prices, goods and shipping
    index_seconds: float
    round_rates: list[float]  # carts/s of every round, fastest first
    checksum: str = ""  # every cart's totals and verdicts: two builds of the engine must agree on it

    @property
    def rate(self) -> float:
        return self.carts / sum(self.latencies)

    def percentile(self, p: int) -> float:
        return percentile(self.latencies, p)


def percentile(values: list[float], p: int) -> float:
    """The p-th percentile in milliseconds."""
    if len(values) < 2:
        return values[0] * 1000
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] * 1000


def time_engine(market: Market, carts: list[Cart], warmup: list[Cart], rounds: int) -> EngineRun:
    """Every cart timed, `rounds` times over; the round with the median carts/s is kept (others' load on a shared
    machine lands in single rounds). The counts (candidates, searches, discounts) are the same every round."""
    started = time.perf_counter()
    index = PromotionIndex(market.promotions)
    index_seconds = time.perf_counter() - started
    for cart in warmup:
        price_one(index, market, cart)
    searches: Counter[str] = Counter()
    candidates = applied = 0
    listed = payable = 0
    checksum = hashlib.sha256()  # every cart's outcome: two builds of the engine must agree on it
    for cart in carts:  # the counts, untimed
        result, found = price_one(index, market, cart)
        checksum.update(repr((result.payable, result.list_total, result.points_earned, [line.payable for line in result.lines],
                              [(v.promotion_id, v.applied, v.amount, v.reason, v.units) for v in result.verdicts],
                              result.hint, result.search)).encode())
        searches[result.search] += 1
        candidates += found
        applied += sum(1 for v in result.verdicts if v.applied)
        listed += result.list_total
        payable += result.payable
    clock = time.perf_counter
    timed: list[list[float]] = []
    for _ in range(rounds):
        latencies = [0.0] * len(carts)
        gc.collect()
        for i, cart in enumerate(carts):
            t0 = clock()
            price_one(index, market, cart)
            latencies[i] = clock() - t0
        timed.append(latencies)
    timed.sort(key=sum)
    n = len(carts)
    print(f"totals checksum at {market.size} live promotions: {checksum.hexdigest()[:16]}", flush=True)
    return EngineRun(market.size, len(market.stores), len(market.skus), n, timed[len(timed) // 2], candidates / n, applied / n,
                     searches, sum(len(c.lines) for c in carts) / n, 1 - payable / listed, index_seconds,
                     [n / sum(t) for t in timed], checksum.hexdigest()[:16])


def rate_on(market: Market, carts: list[Cart], seconds: float = 1.0) -> float:
    """Our carts/s on exactly these carts (Oscar's), repeated until `seconds` have passed."""
    index = PromotionIndex(market.promotions)
    for cart in carts:
        price_one(index, market, cart)
    total, priced = 0.0, 0
    clock = time.perf_counter
    while total < seconds:
        for cart in carts:
            t0 = clock()
            price_one(index, market, cart)
            total += clock() - t0
        priced += len(carts)
    return priced / total


def profile_engine(market: Market, carts: list[Cart], top: int) -> str:
    index = PromotionIndex(market.promotions)
    profiler = cProfile.Profile()
    profiler.enable()
    for cart in carts:
        price_one(index, market, cart)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# --- django-oscar ------------------------------------------------------------------------------
# Oscar's vocabulary: an offer is a Range (which products), a Condition (Count or Value of the range's items
# in the basket) and a Benefit (Percentage, Absolute, Fixed (per unit), Fixed price, Multibuy, Shipping ...).
# It has no stores, tiers, audiences, gifts or points; each of our promotions becomes the closest single offer.

STAGE_PRIORITY = {"item": 400, "order": 300, "shipping": 200, "coupon": 100, "platform": 0}


def money(minor: int) -> str:
    return f"{Decimal(minor) / 100:.2f}"


def percent(fraction: Decimal) -> str:
    return f"{fraction * 100:.2f}"


def oscar_range(promo: Promotion, market: Market) -> dict[str, Any]:
    scope, benefit = promo.scope, promo.benefit
    if isinstance(benefit, Bundle):
        return {"products": sorted(benefit.items)}
    if scope.level == "platform":
        return {"all": True}
    if scope.level == "store":
        return {"store": scope.store_id}  # a ProductClass per store
    if scope.level == "category":
        return {"categories": sorted(scope.ids)}  # store categories: one Oscar Category each
    if scope.level == "product":
        return {"products": sorted(s.id for s in market.skus.values() if s.product_id in scope.ids)}
    return {"products": sorted(scope.ids)}


def oscar_offer(promo: Promotion, market: Market) -> dict[str, Any]:
    """The closest Oscar offer to one of our promotions: range, condition, benefit, exclusivity, priority."""
    b = promo.benefit
    condition: tuple[str, str] = ("Count", "1")
    max_items: int | None = None
    applications: int | None = 1
    if isinstance(b, UnitPrice):
        if b.percent_off is not None:
            benefit, mapped = ("Percentage", percent(b.percent_off)), "UnitPrice % off -> Count(1) + Percentage"
        else:
            (sku_id,) = promo.scope.ids
            price = b.price if b.price is not None else b.prices[sku_id]
            benefit = ("Fixed", money(market.skus[sku_id].price - price))
            mapped = "UnitPrice price -> Count(1) + Fixed (per unit)"
        max_items = promo.allowance or None
    elif isinstance(b, EarlyBird):
        step = next(s for s in b.steps if NOW < s.until)
        benefit, mapped = ("Percentage", percent(step.percent_off)), "EarlyBird -> Count(1) + Percentage (step now)"
    elif isinstance(b, BulkPrice):
        tier = b.tiers[0]
        condition = ("Count", str(tier.min_quantity))
        benefit, mapped = ("Percentage", percent(tier.percent_off)), "BulkPrice -> Count(first tier) + Percentage"
    elif isinstance(b, NthUnit):
        condition = ("Count", str(b.every))
        if b.percent_off == 1:
            benefit, mapped, applications = ("Multibuy", None), "NthUnit free -> Count(N) + Multibuy", None
        else:
            benefit, mapped = ("Percentage", percent(b.percent_off or Decimal(0))), "NthUnit -> Count(N) + Percentage on 1 item"
            max_items = 1
    elif isinstance(b, Bundle):
        condition = ("Count", str(sum(b.items.values())))
        benefit, mapped = ("Fixed price", money(b.price)), "Bundle -> Count(items) + Fixed price"
    elif isinstance(b, PointsPrice):
        (sku_id,) = promo.scope.ids
        benefit, mapped = ("Fixed", money(market.skus[sku_id].price - b.cash)), "PointsPrice -> Count(1) + Fixed (cash part)"
    elif isinstance(b, Reduction):
        tier = b.tiers[0]
        kind = "Count" if b.basis == "quantity" else "Value"
        condition = (kind, str(tier.threshold) if kind == "Count" else money(max(tier.threshold, 1)))
        if tier.percent_off is not None:
            benefit, mapped = ("Percentage", percent(tier.percent_off)), "Reduction % -> Count/Value(first tier) + Percentage"
        else:
            benefit, mapped = ("Absolute", money(tier.amount_off)), "Reduction -> Value(first tier) + Absolute"
    elif isinstance(b, Gift):
        kind = "Count" if b.basis == "quantity" else "Value"
        condition = (kind, str(b.threshold) if kind == "Count" else money(max(b.threshold, 1)))
        gift = market.gifts[b.sku_id]
        benefit, mapped = ("Absolute", money(gift.unit_price * b.quantity)), "Gift -> Value + Absolute (gift's price)"
    elif isinstance(b, FreeShipping):
        kind = "Count" if b.basis == "quantity" else "Value"
        condition = (kind, str(b.threshold) if kind == "Count" else money(max(b.threshold, 1)))
        benefit, mapped = ("Shipping percentage", "100.00"), "FreeShipping -> Count/Value + Shipping percentage 100"
    else:
        raise TypeError(type(b))
    return {
        "id": promo.id, "name": promo.name[:120], "range": oscar_range(promo, market),
        "condition": list(condition), "benefit": list(benefit), "max_affected_items": max_items,
        "max_basket_applications": applications,
        # Oscar's default: an offer is exclusive on its lines. Our item prices never share a line either; what we
        # stack on top (满减, shipping, coupons, platform) is non-exclusive in Oscar too.
        "exclusive": promo.stage == "item" or promo.stacking == "exclusive",
        "used_up": promo.allowance == 0,  # a flash sale this buyer has used up: a consumed offer in Oscar
        "priority": STAGE_PRIORITY[promo.stage] + promo.priority,
        "mapped": mapped,
    }


def oscar_spec(market: Market, carts: list[Cart], warmup: int) -> dict[str, Any]:
    templates = market.all_coupon_templates
    used = sorted({t for cart in carts for t in cart.coupon_templates})
    return {
        "size": market.size,
        "warmup": warmup,
        "stores": [s.id for s in market.stores],
        "categories": [[c, s.id] for s in market.stores for c in s.categories],
        "products": [[s.id, s.store_id, s.category_id, money(s.price)] for s in market.skus.values()],
        "offers": [oscar_offer(p, market) for p in market.promotions],
        "voucher_offers": [oscar_offer(templates[t], market) for t in used],
        "baskets": [{"lines": [[line.sku_id, line.quantity] for line in cart.lines], "vouchers": list(cart.coupon_templates)}
                    for cart in carts],
    }


def oscar_python() -> Path:
    """The benchmark's own virtualenv with django-oscar, created (or repaired) on first use."""
    python = OSCAR_VENV / "bin" / "python"
    wanted = {pin.split("==")[0].lower(): pin.split("==")[1] for pin in OSCAR_PINS}
    if python.exists():
        probe = subprocess.run([str(python), "-c", "import django, oscar; print(oscar.get_version(), django.get_version())"],
                               capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.split() == [wanted["django-oscar"], wanted["django"]]:
            return python
    print(f"setting up {os.path.relpath(OSCAR_VENV)} with {' '.join(OSCAR_PINS)} (once)", flush=True)
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(OSCAR_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *OSCAR_PINS], check=True)
    return python


def run_oscar(python: Path, market: Market, carts: list[Cart], warmup: int, workdir: Path) -> dict[str, Any]:
    """Oscar's figures on `carts` (the first `warmup` of them unmeasured), from the helper in Oscar's virtualenv."""
    spec = oscar_spec(market, carts, warmup)
    spec_path = workdir / f"spec-{market.size}.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    completed = subprocess.run([str(python), str(OSCAR_HELPER), str(spec_path), str(workdir)], capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"Oscar helper failed:\n{completed.stderr[-4000:]}")
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    report["mapping"] = Counter(offer["mapped"] for offer in spec["offers"] + spec["voucher_offers"])
    return report


@dataclass
class OscarRun:
    size: int
    report: dict[str, Any]
    ours_same: float  # our carts/s on exactly the carts Oscar priced

    @property
    def latencies(self) -> list[float]:
        return self.report["latencies"]

    @property
    def rate(self) -> float:
        return len(self.latencies) / sum(self.latencies)

    @property
    def preloaded_rate(self) -> float:
        return len(self.report["preloaded"]) / sum(self.report["preloaded"])

    @property
    def ratio(self) -> float:
        return self.ours_same / self.rate


# --- reporting ---------------------------------------------------------------------------------

ENGINE_HEADERS = ("live promotions", "stores", "SKUs", "carts", "lines/cart", "candidates/cart", "applied/cart",
                  "searched (exact/bounded)", "discount", "carts/s", "p50 ms", "p99 ms", "max ms", "rounds, carts/s",
                  "index build s")
OSCAR_HEADERS = ("live offers", "baskets", "carts/s", "p50 ms", "max ms", "SQL/basket", "applied/basket",
                 "discount", "carts/s, offers preloaded", "ours on the same carts, carts/s", "ours ÷ Oscar")


def engine_cells(run: EngineRun) -> list[str]:
    searched = run.carts - run.searches["single"]
    split = f"{run.searches['exact']:,}/{run.searches['bounded']:,}"
    return [f"{run.size:,}", f"{run.stores:,}", f"{run.skus:,}", f"{run.carts:,}", f"{run.mean_lines:.2f}",
            f"{run.candidates:.1f}", f"{run.applied:.2f}", f"{searched:,} ({searched / run.carts:.1%}: {split})",
            f"{run.discount_share:.1%}", f"{run.rate:,.0f}", f"{run.percentile(50):.3f}", f"{run.percentile(99):.3f}",
            f"{max(run.latencies) * 1000:.2f}", " / ".join(f"{r:,.0f}" for r in run.round_rates), f"{run.index_seconds:.3f}"]


def oscar_cells(run: OscarRun) -> list[str]:
    r = run.report
    return [f"{run.size:,}", f"{len(run.latencies)}", f"{run.rate:,.1f}", f"{percentile(run.latencies, 50):.1f}",
            f"{max(run.latencies) * 1000:.1f}", f"{r['queries']:.0f}", f"{r['applied']:.2f}", f"{r['discount_share']:.1%}",
            f"{run.preloaded_rate:,.1f}", f"{run.ours_same:,.0f}", f"{run.ratio:,.0f}×"]


def text_table(headers: tuple[str, ...], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    out = ["  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(headers, widths)))]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))) for row in rows]
    return "\n".join(out)


def markdown_table(headers: tuple[str, ...], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "| --- |" + " ---: |" * (len(headers) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine(cpu: int) -> dict[str, str]:
    model = cpu_model()
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": f"nproc {os.cpu_count()}" + (f" ({model})" if model else "") + f", pinned to CPU {cpu}; {platform.platform()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "engine": engine_version(),
        "load": f"{os.getloadavg()[0]:.2f}",
    }


def engine_version() -> str:
    """The commit the engine was measured at, and whether its files had uncommitted changes."""
    root = HERE.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src/shopkeeper/promotions"], cwd=root,
                               capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "shopkeeper (not a git checkout)"
    changed = " + uncommitted changes in src/shopkeeper/promotions" if dirty.stdout.strip() else ""
    build = "engine compiled with mypyc" if native.running_compiled() else "engine as plain Python"
    return f"shopkeeper at {head.stdout.strip()}{changed}, {build}"


def load_line(info: dict[str, str]) -> str:
    return f"load average (1 min) {info['load']} at the start, {os.getloadavg()[0]:.2f} at the end"


def command_line() -> str:
    python = os.path.relpath(sys.executable)
    return shlex.join([python if not python.startswith("..") else sys.executable, *sys.argv])


def goals(runs: dict[int, EngineRun], oscar: dict[int, OscarRun], oscar_skipped: bool) -> list[str]:
    out = []
    at1k, at10k = runs.get(1000), runs.get(10000)
    if at1k:
        ok = at1k.rate >= 10_000 and at1k.percentile(99) < 2
        out.append(f"- ≥10,000 carts/s with p99 < 2 ms at 1,000 live promotions: {at1k.rate:,.0f} carts/s, "
                   f"p99 {at1k.percentile(99):.3f} ms — {'met' if ok else 'NOT met'}")
    if at1k and at10k:
        out.append(f"- 10,000 live promotions cost little more than 1,000: {at10k.rate:,.0f} vs {at1k.rate:,.0f} carts/s "
                   f"({at1k.rate / at10k.rate:.2f}× the time per cart), "
                   f"candidates/cart {at10k.candidates:.1f} vs {at1k.candidates:.1f}")
    if 100 in oscar:
        ratio = oscar[100].ratio
        overall = ""
        if 100 in runs:
            overall = f" ({runs[100].rate / oscar[100].rate:,.0f}× with our carts/s over all {runs[100].carts:,} carts)"
        out.append(f"- ≥1,000× the Oscar baseline at 100 offers: {ratio:,.0f}× on the same carts{overall} — "
                   f"{'met' if ratio >= 1000 else 'NOT met'}")
    elif oscar_skipped:
        out.append("- ≥1,000× the Oscar baseline at 100 offers: not measured in this run (`--no-oscar`); "
                   "any Oscar figures above are from the run they name")
    return out


INTRO = """## Pricing (`benchmarks/pricing.py`)

Carts of 1–20 lines (one line most often; mean about 3.5), drawn with a fixed seed from a generated marketplace, priced
on **one core** (the process is pinned) against 10, 100, 1,000 and 10,000 live promotions. The marketplace has about
8 live promotions per store, so the number of stores grows with the number of promotions and the promotions that can
apply to one cart stay about the same. Mix of store promotions: 31% SKU activity prices, 10% flash-sale prices (with a
per-buyer allowance, some coupons-only), 10% member prices, 3% new-customer prices, 8% store-category discounts, 5%
bulk prices, 5% N-th unit, 4% bundles, 12% 满减 (tiers, 每满减, 满折, 满N件折), 4% gifts, 6% free shipping, 1% early-bird,
1% points-plus-cash; plus 1–3 platform promotions (cross-store 每满300减50, platform free shipping, a new-customer
reduction). Every buyer holds two coupons: mostly a coupon of a store in the cart, and a platform voucher.

One cart's pricing is `PromotionIndex.candidates(lines)` + `price_cart(PricingRequest(...))`, timed per cart with
`time.perf_counter`; the index is built once per size, outside the timing, as a live server caches it. Every cart is
timed in each of several rounds and the round with the median carts/s is shown (**rounds** lists them all, so load
from other processes on a shared machine shows). **carts/s** is carts ÷ the summed per-cart times.
**candidates/cart** counts the index's candidates (the buyer's two coupons come on top); **searched** counts carts
whose result needed a search (`search` ≠ `single`); **discount** is the share of list price (goods, gifts and shipping)
taken off."""

OSCAR_INTRO = """### django-oscar on the same carts

The first carts of the same list, priced by django-oscar's offer engine as its `BasketMiddleware` does:
`Applicator().apply(basket, user, request)`, timed per basket, in a separate virtualenv (`benchmarks/.oscar-venv`) on
SQLite in a temporary folder, pinned to the same core. The basket's lines and prices are loaded before the timing (our
engine is handed them too); the offers, vouchers and range checks are Oscar's own queries, inside the timing.
**carts/s, offers preloaded** times `apply_offers` with the offer list fetched beforehand (Oscar still queries its
ranges per line). **SQL/basket** counts the statements one `apply` sends (on up to 10 baskets); **discount** is
Oscar's offer discounts ÷ the baskets' list price. Fewer carts than above, as Oscar takes tens of milliseconds to
seconds per cart (so the maximum is shown rather than a p99). **ours ÷ Oscar** divides our carts/s on exactly those
carts (repeated for a second) by Oscar's.

Each of our promotions becomes the closest single Oscar offer — a Range (SKUs → products; a product's SKUs; a
store category → a Category; a store → a ProductClass; platform → all products), a Condition (Count or Value) and a
Benefit: % off → Percentage; a price → Fixed (per unit, the difference to list; max affected items = the allowance,
and a used-up allowance makes a consumed offer); bulk → Count(first tier) + Percentage; N-th unit → Count(N) +
Percentage on one item, or Multibuy when free; bundle → Count(items) + Fixed price; 满减/满折 → Value/Count(first
tier) + Absolute/Percentage; gift → Value + Absolute (the gift's price); free shipping → Value/Count + Shipping
percentage 100. Item-stage offers are exclusive (Oscar's default), the others are not; priorities keep our stage
order. Coupons become single-use vouchers, two per basket, each linked to an offer for its coupon. Oscar has no
stores, tiers, audiences, gifts or points, so member and new-customer prices apply to everyone there."""


def engine_block(runs: dict[int, EngineRun], command: str, info: dict[str, str]) -> str:
    return "\n".join([
        "### Our engine",
        "",
        f"- command: `{command}`",
        f"- date: {info['date']}",
        f"- machine: {info['machine']}; {load_line(info)}",
        f"- software: {info['python']}, {info['engine']}",
        "",
        markdown_table(ENGINE_HEADERS, [engine_cells(runs[s]) for s in sorted(runs)]),
    ])


def oscar_block(oscar: dict[int, OscarRun], command: str, info: dict[str, str]) -> str:
    shown = oscar[100] if 100 in oscar else oscar[max(oscar)]
    r = shown.report
    return "\n".join([
        OSCAR_INTRO,
        "",
        f"- command: `{command}`",
        f"- date: {info['date']}",
        f"- machine: {info['machine']}; {load_line(info)}",
        f"- software: django-oscar {r['oscar']}, Django {r['django']}, {r['python']}, SQLite {r['sqlite']}",
        "",
        markdown_table(OSCAR_HEADERS, [oscar_cells(oscar[s]) for s in sorted(oscar)]),
        "",
        f"Oscar offers at {shown.size:,} live offers (plus the vouchers' offers), by mapping: "
        + "; ".join(f"{k}: {v}" for k, v in sorted(r["mapping"].items(), key=lambda kv: -kv[1])) + ".",
    ])


def write_results(blocks: dict[str, str], goal_lines: list[str]) -> None:
    """Rewrite this script's section of RESULTS.md; keep the previous Oscar figures when Oscar was skipped."""
    if goal_lines:
        blocks = {**blocks, "goals": "\n".join(["### Against the goals", "", *goal_lines])}
    rewrite_section(RESULTS, SECTION, INTRO, ("engine", "oscar", "goals"), blocks)


# --- main ---------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--carts", type=int, default=5_000, help="timed carts per size (default 5000)")
    parser.add_argument("--rounds", type=int, default=3, help="times every cart is timed; the median round is kept (default 3)")
    parser.add_argument("--cpu", type=int, help="the CPU to pin to (default: the last one this process may use)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="live promotion counts (default 10,100,1000,10000)")
    oscar_group = parser.add_mutually_exclusive_group()
    oscar_group.add_argument("--no-oscar", action="store_true", help="skip django-oscar")
    oscar_group.add_argument("--oscar-1000", action="store_true", help="run Oscar at 1,000 live offers too (seconds per cart)")
    parser.add_argument("--oscar-carts", type=int,
                        help="baskets Oscar prices per size (default 200 at 10, 50 at 100, 10 at 1,000)")
    parser.add_argument("--profile", type=int, metavar="N", default=0,
                        help="afterwards, print a cProfile of N carts at 1,000 live promotions (not written to RESULTS.md)")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    if args.carts < 2 or args.rounds < 1 or any(s < 10 for s in sizes):
        parser.error("--carts must be at least 2, --rounds at least 1 and every size at least 10")

    python = None if args.no_oscar else oscar_python()  # before pinning: pip gets every core
    allowed = sorted(os.sched_getaffinity(0))
    cpu = allowed[-1] if args.cpu is None else args.cpu
    os.sched_setaffinity(0, {cpu})  # the Oscar helper inherits it
    info = machine(cpu)
    command = command_line()

    runs: dict[int, EngineRun] = {}
    markets: dict[int, Market] = {}
    all_carts: dict[int, list[Cart]] = {}
    for size in sizes:
        market = build_market(size)
        carts = make_carts(market, args.carts + WARMUP)
        markets[size], all_carts[size] = market, carts
        print(f"{size:,} live promotions: {len(market.stores):,} stores, {len(market.skus):,} SKUs; "
              f"pricing {args.carts:,} carts × {args.rounds} rounds", flush=True)
        runs[size] = time_engine(market, carts[WARMUP:], carts[:WARMUP], args.rounds)
    print()
    print(text_table(ENGINE_HEADERS, [engine_cells(runs[s]) for s in sizes]))
    print()

    oscar: dict[int, OscarRun] = {}
    if python is not None:
        oscar_sizes = [s for s in (*OSCAR_SIZES, 1000) if s in OSCAR_SIZES or args.oscar_1000]
        with tempfile.TemporaryDirectory(prefix="shopkeeper-oscar-") as folder:
            for size in oscar_sizes:
                market = markets.get(size) or build_market(size)
                count = args.oscar_carts or OSCAR_CARTS[size]
                carts = all_carts.get(size, [])
                if len(carts) < WARMUP + count:  # the same seed: the same carts, only more of them
                    carts = make_carts(market, WARMUP + count)
                warm = min(10, max(2, count // 10))
                chosen = carts[WARMUP - warm:WARMUP + count]  # Oscar's warm-up baskets, then the first timed carts
                print(f"django-oscar at {size:,} live offers: {count} baskets (+{warm} warm-up)", flush=True)
                report = run_oscar(python, market, chosen, warm, Path(folder))
                oscar[size] = OscarRun(size, report, rate_on(market, chosen[warm:]))
        print()
        print(text_table(OSCAR_HEADERS, [oscar_cells(oscar[s]) for s in sorted(oscar)]))
        print()

    goal_lines = goals(runs, oscar, args.no_oscar)
    for line in goal_lines:
        print(line)
    blocks = {"engine": engine_block(runs, command, info)}
    if oscar:
        blocks["oscar"] = oscar_block(oscar, command, info)
    write_results(blocks, goal_lines)
    print(f"figures written to {os.path.relpath(RESULTS)}")

    if args.profile:
        size = 1000 if 1000 in markets else sizes[-1]
        print(f"\ncProfile: {args.profile} carts at {size:,} live promotions")
        print(profile_engine(markets[size], all_carts[size][WARMUP:WARMUP + args.profile], 25))

    at1k = runs.get(1000)
    rate = f"{at1k.rate:.0f}" if at1k else "n/a"
    p99 = f"{at1k.percentile(99):.3f}" if at1k else "n/a"
    ratio = f"{oscar[100].ratio:.0f}" if 100 in oscar else "n/a"
    print(f"carts_per_s_at_1000={rate} p99_ms_at_1000={p99} ratio_vs_oscar_at_100={ratio}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
