"""Builders for pricing-engine tests: carts, promotions and requests with the defaults a store uses.

Imported as `pricing_builders` (tests/ is on sys.path). Money is int minor units of
CNY throughout: 100 is ¥1.00. Also holds the hypothesis strategies the search and
property tests share, and the brute force the search is checked against.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from itertools import combinations
from typing import Any, Mapping, Sequence

from hypothesis import strategies as st

from shopkeeper.members import MEMBER_LEVELS
from shopkeeper.promotions.engine.benefits import (
    Benefit,
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
from shopkeeper.promotions.engine.price import price_cart
from shopkeeper.promotions.engine.results import PricedCart, Verdict
from shopkeeper.promotions.engine.terms import Audience, CartLine, GiftSku, PricingRequest, Promotion, Scope, Shopper

T0 = datetime(2026, 11, 11, 10, 0, tzinfo=timezone.utc)
STORE = 1
OTHER_STORE = 2


def pct(text: str) -> Decimal:
    return Decimal(text)


def line(sku: int, unit_price: int, quantity: int = 1, *, store: int = STORE, product: int | None = None,
         category: int | None = None) -> CartLine:
    return CartLine(sku_id=sku, product_id=product if product is not None else sku * 10, store_id=store,
                    unit_price=unit_price, quantity=quantity, category_id=category)


def store_scope(store: int = STORE) -> Scope:
    return Scope(level="store", store_id=store)


def sku_scope(*skus: int, store: int = STORE) -> Scope:
    return Scope(level="sku", store_id=store, ids=frozenset(skus))


def category_scope(*categories: int, store: int = STORE) -> Scope:
    return Scope(level="category", store_id=store, ids=frozenset(categories))


def platform_scope() -> Scope:
    return Scope(level="platform")


def promo(promotion_id: int, benefit: Benefit, *, scope: Scope | None = None, **facts: Any) -> Promotion:
    """A live promotion of the default store, the whole store unless a scope is given."""
    return Promotion(id=promotion_id, name=f"promotion {promotion_id}", benefit=benefit,
                     scope=scope if scope is not None else store_scope(), **facts)


def coupon(promotion_id: int, benefit: Benefit, *, group: str = "store-1", **facts: Any) -> Promotion:
    """A coupon the buyer holds: its coupon id is the promotion id plus 1000."""
    return promo(promotion_id, benefit, coupon_id=promotion_id + 1000, coupon_group=group, **facts)


def request(lines: Sequence[CartLine], promotions: Sequence[Promotion], *, shopper: Shopper = Shopper(),
            shipping: Mapping[int, int] | None = None, gifts: Mapping[int, GiftSku] | None = None,
            now: datetime = T0, points_per_unit: int = 1) -> PricingRequest:
    return PricingRequest(currency="CNY", now=now, lines=tuple(lines), promotions=tuple(promotions), shopper=shopper,
                          shipping=dict(shipping or {}), gifts=dict(gifts or {}), points_per_unit=points_per_unit)


def price(lines: Sequence[CartLine], promotions: Sequence[Promotion], **options: Any) -> PricedCart:
    return price_cart(request(lines, promotions, **options))


def verdict(cart: PricedCart, promotion_id: int) -> Verdict:
    return next(v for v in cart.verdicts if v.promotion_id == promotion_id)


def allocated(cart: PricedCart, promotion_id: int) -> int:
    """Everything one promotion took, summed over lines and shipping."""
    on_lines = sum(a.minor for ln in cart.lines for a in ln.discounts if a.promotion_id == promotion_id)
    on_shipping = sum(a.minor for s in cart.shipping for a in s.discounts if a.promotion_id == promotion_id)
    return on_lines + on_shipping


def line_off(cart: PricedCart, sku: int, promotion_id: int) -> int:
    return sum(a.minor for ln in cart.lines if ln.sku_id == sku and not ln.gift
               for a in ln.discounts if a.promotion_id == promotion_id)


def without(req: PricingRequest, removed: frozenset[int]) -> PricingRequest:
    return replace(req, promotions=tuple(p for p in req.promotions if p.id not in removed))


def brute_force_payable(req: PricingRequest) -> int:
    """The cheapest payable over every subset of the promotions removed from the request."""
    ids = [p.id for p in req.promotions]
    return min(price_cart(without(req, frozenset(removed))).payable
               for size in range(len(ids) + 1) for removed in combinations(ids, size))


# --- hypothesis strategies: small random carts and promotions of every kind ---------------------
# The catalogue is fixed so scopes and carts meet: SKU s belongs to product 10·s, category s % 3,
# and store 1 for s ≤ 5, store 2 above. Gift SKUs are 90 and 91.

CATALOGUE_SKUS = tuple(range(1, 9))
GIFT_SKUS = (90, 91)
TAGS = ("flash_sale", "juhuasuan")


def store_of(sku: int) -> int:
    return STORE if sku <= 5 else OTHER_STORE


@st.composite
def carts(draw: st.DrawFn, min_lines: int = 1, max_lines: int = 4) -> tuple[CartLine, ...]:
    skus = draw(st.lists(st.sampled_from(CATALOGUE_SKUS), min_size=min_lines, max_size=min(max_lines, len(CATALOGUE_SKUS)),
                         unique=True))
    return tuple(line(sku, draw(st.integers(1, 200)) * 100 - draw(st.sampled_from((0, 1, 50))),
                      draw(st.integers(1, 4)), store=store_of(sku), category=sku % 3) for sku in skus)


@st.composite
def big_carts(draw: st.DrawFn, min_lines: int = 1, max_lines: int = 20) -> tuple[CartLine, ...]:
    """Up to 20 lines: the catalogue SKUs plus extra SKUs 11–30 spread over both stores and the three categories."""
    skus = draw(st.lists(st.integers(1, 30), min_size=min_lines, max_size=max_lines, unique=True))
    return tuple(line(sku, draw(st.integers(1, 300)) * 100 - draw(st.sampled_from((0, 1, 50))), draw(st.integers(1, 5)),
                      store=store_of(sku) if sku <= 8 else (STORE if sku % 2 else OTHER_STORE), category=sku % 3)
                 for sku in skus)


fractions = st.sampled_from(tuple(pct(p) for p in ("0.05", "0.1", "0.15", "0.2", "0.25", "0.3", "0.5", "0.8", "1")))


@st.composite
def money_thresholds(draw: st.DrawFn, total: int) -> int:
    """A money threshold: anywhere, or near what the cart costs at list prices, where thresholds are won and lost."""
    if draw(st.booleans()):
        return draw(st.integers(0, 400)) * 100
    return total * draw(st.integers(2, 12)) // 1000 * 100


@st.composite
def tiers(draw: st.DrawFn, basis: str, total: int) -> tuple[Tier, ...]:
    """Real 满减 tiers: higher thresholds give more."""
    count = draw(st.integers(1, 3))
    if basis == "quantity":
        thresholds = sorted(draw(st.lists(st.integers(1, 8), min_size=count, max_size=count, unique=True)))
    else:
        thresholds = sorted(set(draw(st.lists(money_thresholds(total), min_size=count, max_size=count))))
        count = len(thresholds)
    if draw(st.booleans()):
        percents = sorted(draw(st.lists(fractions, min_size=count, max_size=count, unique=True)))
        return tuple(Tier(t, percent_off=p) for t, p in zip(thresholds, percents))
    offs = sorted(draw(st.lists(st.integers(1, 100), min_size=count, max_size=count, unique=True)))
    return tuple(Tier(t, amount_off=o * 100) for t, o in zip(thresholds, offs))


@st.composite
def benefits(draw: st.DrawFn, skus: Sequence[int], total: int) -> Benefit:
    kind = draw(st.sampled_from(("unit", "unit", "early", "bulk", "nth", "bundle", "points", "reduction", "reduction",
                                 "every", "gift", "shipping")))
    if kind == "unit":
        form = draw(st.sampled_from(("price", "prices", "percent", "amount", "cap")))
        floor = draw(st.none() | st.sampled_from((pct("0.1"), pct("0.5"))))
        if form == "price":
            return UnitPrice(price=draw(st.integers(0, 150)) * 100, floor_percent=floor)
        if form == "prices":
            chosen = draw(st.lists(st.sampled_from(skus), min_size=1, max_size=3, unique=True))
            return UnitPrice(prices={s: draw(st.integers(0, 150)) * 100 for s in chosen}, floor_percent=floor)
        if form == "percent":
            return UnitPrice(percent_off=draw(fractions), floor_percent=floor)
        if form == "amount":
            return UnitPrice(amount_off=draw(st.integers(1, 80)) * 100, floor_percent=floor)
        return UnitPrice(cap=draw(st.integers(1, 120)) * 100)
    if kind == "early":
        hours = sorted(draw(st.lists(st.integers(-48, 48), min_size=1, max_size=3, unique=True)))
        percents = sorted(draw(st.lists(fractions, min_size=len(hours), max_size=len(hours), unique=True)), reverse=True)
        return EarlyBird(tuple(TimeStep(T0 + timedelta(hours=h), p) for h, p in zip(hours, percents)))
    if kind == "bulk":
        quantities = sorted(draw(st.lists(st.integers(2, 8), min_size=1, max_size=3, unique=True)))
        percents = sorted(draw(st.lists(fractions, min_size=len(quantities), max_size=len(quantities), unique=True)))
        return BulkPrice(tuple(QuantityTier(q, p) for q, p in zip(quantities, percents)))
    if kind == "nth":
        every = draw(st.integers(2, 4))
        if draw(st.booleans()):
            return NthUnit(every, price=draw(st.integers(0, 50)) * 100, same_sku=draw(st.booleans()))
        return NthUnit(every, percent_off=draw(fractions), same_sku=draw(st.booleans()))
    if kind == "bundle":
        chosen = draw(st.lists(st.sampled_from(skus), min_size=1, max_size=3, unique=True))
        return Bundle({s: draw(st.integers(1, 2)) for s in chosen}, price=draw(st.integers(1, 300)) * 100)
    if kind == "points":
        return PointsPrice(cash=draw(st.integers(0, 100)) * 100, points=draw(st.integers(1, 20)) * 100)
    if kind == "reduction":
        basis = draw(st.sampled_from(("amount", "amount", "quantity")))
        cap = draw(st.none() | st.integers(1, 60).map(lambda c: c * 100))
        return Reduction(draw(tiers(basis, total)), basis=basis, cap=cap)  # type: ignore[arg-type]
    if kind == "every":
        step = max(100, draw(money_thresholds(total)) // 2)
        return Reduction((Tier(step, amount_off=draw(st.integers(1, 50)) * 100),), every=step,
                         cap=draw(st.none() | st.integers(1, 80).map(lambda c: c * 100)))
    if kind == "gift":
        basis = draw(st.sampled_from(("amount", "quantity")))
        threshold = draw(st.integers(0, 6)) if basis == "quantity" else draw(money_thresholds(total))
        return Gift(draw(st.sampled_from(GIFT_SKUS)), quantity=draw(st.integers(1, 2)), threshold=threshold,
                    basis=basis, per_threshold=draw(st.booleans()), max_sets=draw(st.integers(1, 3)))  # type: ignore[arg-type]
    basis = draw(st.sampled_from(("amount", "quantity")))
    threshold = draw(st.integers(0, 6)) if basis == "quantity" else draw(money_thresholds(total))
    return FreeShipping(threshold, basis=basis)  # type: ignore[arg-type]


@st.composite
def scopes(draw: st.DrawFn, skus: Sequence[int]) -> Scope:
    level = draw(st.sampled_from(("platform", "store", "store", "category", "product", "sku")))
    exclude = frozenset(draw(st.lists(st.sampled_from(skus), max_size=1))) if draw(st.integers(0, 9)) == 0 else frozenset()
    if level == "platform":
        return Scope(level="platform", exclude_sku_ids=exclude)
    store = draw(st.sampled_from((STORE, STORE, OTHER_STORE)))
    if level == "store":
        return Scope(level="store", store_id=store, exclude_sku_ids=exclude)
    if level == "category":
        return Scope(level="category", store_id=store, ids=frozenset(draw(st.lists(st.integers(0, 2), min_size=1, max_size=2))),
                     exclude_sku_ids=exclude)
    chosen = frozenset(draw(st.lists(st.sampled_from(skus), min_size=1, max_size=3)))
    if level == "product":
        return Scope(level="product", store_id=store, ids=frozenset(s * 10 for s in chosen), exclude_sku_ids=exclude)
    return Scope(level="sku", store_id=store, ids=chosen, exclude_sku_ids=exclude)



@st.composite
def audiences(draw: st.DrawFn) -> Audience:
    """Mostly everyone; now and then a member level, new or returning customers, birthdays or a buyer list."""
    choice = draw(st.integers(0, 15))
    if choice == 11:
        return Audience(min_member_level=draw(st.sampled_from(MEMBER_LEVELS)))
    if choice == 12:
        return Audience(customer=draw(st.sampled_from(("new", "returning"))))
    if choice == 13:
        return Audience(birthday_month=True)
    if choice == 14:
        return Audience(buyer_ids=draw(st.sampled_from((frozenset({7}), frozenset({8})))))
    return Audience()


shoppers = st.builds(Shopper, buyer_id=st.sampled_from((7, 8)), member_level=st.sampled_from(MEMBER_LEVELS),
                     paid_orders=st.sampled_from((0, 0, 3)), birthday_month=st.booleans(),
                     points_balance=st.sampled_from((0, 500, 2000, 100_000)))


@st.composite
def promotions(draw: st.DrawFn, skus: Sequence[int], promotion_id: int, total: int) -> Promotion:
    benefit = draw(benefits(skus, total))
    is_coupon = not isinstance(benefit, (UnitPrice, EarlyBird, BulkPrice, NthUnit, Bundle, PointsPrice)) and draw(
        st.integers(0, 2)) == 0
    when = {5: "future", 6: "past"}.get(draw(st.integers(0, 11)), "live")
    return Promotion(
        id=promotion_id,
        name=f"promotion {promotion_id}",
        benefit=benefit,
        scope=draw(scopes(skus)),
        audience=draw(audiences()),
        funder=draw(st.sampled_from(("store", "store", "platform"))),
        priority=draw(st.sampled_from((0, 0, 1))),
        stacking=draw(st.sampled_from(("stacks", "stacks", "stacks", "exclusive", "coupons_only"))),
        tags=frozenset(draw(st.lists(st.sampled_from(TAGS), max_size=1))),
        excludes_tags=frozenset(draw(st.lists(st.sampled_from(TAGS), max_size=1))) if draw(st.integers(0, 3)) == 0
        else frozenset(),
        full_price_only=draw(st.integers(0, 4)) == 0,
        earns_points=draw(st.integers(0, 4)) != 0,
        starts_at=T0 + timedelta(hours=1) if when == "future" else T0 - timedelta(days=1),
        ends_at=T0 if when == "past" else T0 + timedelta(days=1),
        coupon_id=promotion_id + 1000 if is_coupon else None,
        coupon_group=draw(st.sampled_from(("store-1", "store-2", "platform"))) if is_coupon else None,
        allowance={4: 0, 5: 1, 6: 2}.get(draw(st.integers(0, 9))),
    )


@st.composite
def pricing_requests(draw: st.DrawFn, max_lines: int = 4, max_promotions: int = 5, big: bool = False) -> PricingRequest:
    lines = draw(big_carts(max_lines=max_lines) if big else carts(max_lines=max_lines))
    skus = [ln.sku_id for ln in lines]
    count = draw(st.integers(0, max_promotions))
    promos = tuple(draw(promotions(skus, promotion_id, sum(ln.unit_price * ln.quantity for ln in lines))) for promotion_id in range(1, count + 1))
    stores = sorted({ln.store_id for ln in lines})
    shipping = {store: draw(st.sampled_from((0, 600, 1000, 1500))) for store in stores}
    gifts = {sku: GiftSku(product_id=sku * 10, store_id=STORE, unit_price=draw(st.integers(1, 50)) * 100,
                          available=draw(st.integers(0, 3))) for sku in GIFT_SKUS}
    return PricingRequest(currency="CNY", now=T0, lines=lines, promotions=promos, shopper=draw(shoppers),
                          shipping=shipping, gifts=gifts, points_per_unit=draw(st.sampled_from((0, 1, 2))))


@st.composite
def interacting_requests(draw: st.DrawFn, max_promotions: int = 6) -> PricingRequest:
    """Two or three lines of one store, every promotion live and for everyone, item prices on single SKUs and
    thresholds near the cart total: the carts where one promotion's discount wins or loses another's threshold."""
    lines = draw(carts(min_lines=2, max_lines=3).map(lambda ls: tuple(replace(ln, store_id=STORE) for ln in ls)))
    skus = [ln.sku_id for ln in lines]
    total = sum(ln.unit_price * ln.quantity for ln in lines)
    promos = []
    for promotion_id in range(1, draw(st.integers(2, max_promotions)) + 1):
        benefit = draw(benefits(skus, total))
        item = isinstance(benefit, (UnitPrice, EarlyBird, BulkPrice, NthUnit, Bundle, PointsPrice))
        scope = sku_scope(draw(st.sampled_from(skus))) if item or draw(st.booleans()) else store_scope()
        is_coupon = not item and draw(st.integers(0, 2)) == 0
        promos.append(Promotion(
            id=promotion_id, name=f"promotion {promotion_id}", benefit=benefit, scope=scope,
            stacking=draw(st.sampled_from(("stacks",) * 6 + ("exclusive", "coupons_only"))),
            tags=frozenset(draw(st.lists(st.sampled_from(TAGS), max_size=1))),
            excludes_tags=frozenset(draw(st.lists(st.sampled_from(TAGS), max_size=1))),
            full_price_only=draw(st.integers(0, 5)) == 0,
            coupon_id=promotion_id + 1000 if is_coupon else None,
            coupon_group="store-1" if is_coupon else None,
        ))
    gifts = {sku: GiftSku(product_id=sku * 10, store_id=STORE, unit_price=1000, available=2) for sku in GIFT_SKUS}
    return PricingRequest(currency="CNY", now=T0, lines=lines, promotions=tuple(promos),
                          shopper=Shopper(points_balance=draw(st.sampled_from((0, 500, 1000, 2000)))),
                          shipping={STORE: draw(st.sampled_from((0, 800)))}, gifts=gifts)
