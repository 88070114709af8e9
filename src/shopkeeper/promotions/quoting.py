"""Pricing a buyer's cart with the store's and the platform's live promotions, campaign prices and the buyer's
coupons; and, at checkout, taking what the order used (caps, first-N slots, coupons) or giving it back.

Caps must hold under concurrency: at checkout the capped promotions are read
`FOR UPDATE` before their allowance is computed, and every counter moves by a
conditional UPDATE, so two checkouts can never both take the last unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.catalog import service as catalog
from shopkeeper.customers.service import lock_buyer
from shopkeeper.errors import Conflict, InvalidInput
from shopkeeper.inventory import service as inventory
from shopkeeper.promotions import codec
from shopkeeper.promotions.campaigns import service as campaigns
from shopkeeper.promotions.claiming import CouponUnavailable, check_buyer_limit, check_open_to, find_code, issue
from shopkeeper.promotions.engine.benefits import Gift
from shopkeeper.promotions.engine.index import PromotionIndex
from shopkeeper.promotions.engine.price import price_cart
from shopkeeper.promotions.engine.results import PricedCart, Verdict
from shopkeeper.promotions.engine.terms import CartLine, GiftSku, PricingRequest, Promotion, Shopper
from shopkeeper.promotions.models import Coupon, CouponStatus, CouponTemplate, PromotionRow, PromotionStatus, PromotionUse

if TYPE_CHECKING:
    from shopkeeper.catalog.models import Store

# Engine ids must be unique within one pricing; each source gets its own range.
CAMPAIGN_IDS = 1 << 40
COUPON_IDS = 2 << 40
CODE_IDS = 3 << 40
EXTRA_IDS = 4 << 40


@dataclass(frozen=True)
class ExtraPromotion:
    """A promotion live for one checkout only, priced like any other (a group buy's price for its members, 拼团价),
    recorded on the order under `ref` ("group-buy-offer:3"). Its caller keeps its own limits: nothing is taken here."""

    ref: str
    promotion: Promotion


@dataclass
class Quote:
    """A priced cart plus what it was priced from, so checkout can take exactly what the price relied on."""

    priced: PricedCart
    refs: dict[int, str] = field(default_factory=dict)  # engine id → "promotion:5", "campaign-entry:3", "coupon:17", "code:9"
    rows: dict[int, PromotionRow] = field(default_factory=dict)
    coupons: dict[int, Coupon] = field(default_factory=dict)
    codes: dict[int, CouponTemplate] = field(default_factory=dict)
    limited_entries: dict[int, int] = field(default_factory=dict)  # engine id → campaign entry with a per-account limit


def price(session: Session, now: datetime, stores: Sequence[Store], shopper: Shopper, lines: Sequence[CartLine],
          shipping: dict[int, int], coupon_ids: Sequence[int] | None = None, codes: Sequence[str] = (),
          lock: bool = False, extras: Sequence[ExtraPromotion] = ()) -> Quote:
    """Price `lines` (of one store, or of several checked out together: 跨店) for `shopper`.

    `coupon_ids` None lets the engine pick the best of the buyer's coupons; `extras` join the live promotions.
    """
    currency = stores[0].currency
    if any(store.currency != currency for store in stores):
        raise InvalidInput("stores that sell in different currencies are checked out separately")
    store_ids = [store.id for store in stores]
    quote = Quote(PricedCart(currency, (), (), (), None, "single", 0, 0))
    if lock and shopper.buyer_id is not None:
        # one checkout at a time per buyer: per-buyer limits are counted, then taken, without a race
        lock_buyer(session, shopper.buyer_id)
    promotions: list[Promotion] = []
    for row in live_promotions(session, now, store_ids, currency, lock):
        promotions.append(_promotion(row, _allowance(session, row, shopper.buyer_id)))
        quote.refs[row.id], quote.rows[row.id] = f"promotion:{row.id}", row
    for number, extra in enumerate(extras):
        quote.refs[EXTRA_IDS + number] = extra.ref
        promotions.append(replace(extra.promotion, id=EXTRA_IDS + number))
    for store_id in store_ids:
        promotions += _campaign_promotions(session, now, store_id, shopper, quote)
    promotions += _wallet(session, now, store_ids, currency, shopper, coupon_ids, lock, quote)
    promotions += _codes(session, now, store_ids, currency, shopper, codes, quote)
    if any(p.scope.level == "category" for p in promotions):
        tree = catalog.category_children(session, store_ids)
        promotions = [replace(p, scope=replace(p.scope, ids=with_subcategories(p.scope.ids, tree)))
                      if p.scope.level == "category" else p for p in promotions]
    candidates = PromotionIndex(promotions).candidates(lines)
    request = PricingRequest(currency, now, tuple(lines), candidates, shopper, shipping,
                             _gifts(session, candidates), points_per_unit=1)
    quote.priced = price_cart(request)
    return quote


def live_promotions(session: Session, now: datetime, store_ids: Sequence[int], currency: str, lock: bool) -> list[PromotionRow]:
    query = select(PromotionRow).where(
        PromotionRow.store_id.in_(store_ids) | PromotionRow.store_id.is_(None),
        PromotionRow.status == PromotionStatus.ACTIVE.value, PromotionRow.starts_at <= now,
        (PromotionRow.ends_at.is_(None)) | (PromotionRow.ends_at > now),
    ).order_by(PromotionRow.id)
    rows = [row for row in session.scalars(query) if row.rule.get("currency") in (None, currency)]
    capped = [row.id for row in rows if row.capped]
    if lock and capped:
        # re-read the counters under a row lock: from here to commit nobody else can move them
        locked = select(PromotionRow).where(PromotionRow.id.in_(capped)).order_by(PromotionRow.id).with_for_update()
        session.scalars(locked.execution_options(populate_existing=True)).all()
    return rows


def with_subcategories(ids: frozenset[int], children: dict[int, list[int]]) -> frozenset[int]:
    """A promotion on 茶叶 covers 绿茶, 红茶 … below it."""
    found, todo = set(ids), list(ids)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return frozenset(found)


def _allowance(session: Session, row: PromotionRow, buyer_id: int | None) -> int | None:
    """Units this buyer may still get at this promotion's price: the total cap, the per-buyer limit, the first-N slot."""
    if not row.capped:
        return None
    limits: list[int] = []
    if row.units_cap is not None:
        limits.append(row.units_cap - row.units_used)
    uses = session.execute(select(func.coalesce(func.sum(PromotionUse.units), 0), func.count()).where(
        PromotionUse.promotion_id == row.id, PromotionUse.buyer_id == buyer_id, PromotionUse.released.is_(False))).one()
    if row.per_buyer_units is not None:
        limits.append(row.per_buyer_units - int(uses[0]))
    if row.first_n_buyers is not None and (int(uses[1]) > 0 or row.buyers_used >= row.first_n_buyers):
        limits.append(0)  # 前N名: this buyer had their turn, or the N places are gone
    return max(0, min(limits)) if limits else None


def _promotion(row: PromotionRow, allowance: int | None) -> Promotion:
    rule = row.rule
    return Promotion(
        id=row.id, name=row.name, benefit=codec.decode_benefit(rule["benefit"]),
        scope=codec.decode_scope(rule["scope"], row.store_id), audience=codec.decode_audience(rule["audience"]),
        kind=row.kind, funder="platform" if row.funder == "platform" else "store", priority=row.priority,
        stacking=row.stacking,  # type: ignore[arg-type]
        tags=frozenset(row.tags), excludes_tags=frozenset(row.excludes_tags), earns_points=row.earns_points,
        starts_at=row.starts_at, ends_at=row.ends_at, allowance=allowance,
    )


def _campaign_promotions(session: Session, now: datetime, store_id: int, shopper: Shopper, quote: Quote) -> list[Promotion]:
    """Campaign activity prices; a per-account limit counts what this buyer already bought at that price."""
    found = []
    for promo in campaigns.live_campaign_promotions(session, store_id, now):
        engine_id = CAMPAIGN_IDS + promo.id
        quote.refs[engine_id] = f"campaign-entry:{promo.id}"
        allowance = promo.allowance
        if allowance is not None:
            quote.limited_entries[engine_id] = promo.id
            used = session.scalar(select(func.coalesce(func.sum(PromotionUse.units), 0)).where(
                PromotionUse.campaign_entry_id == promo.id, PromotionUse.buyer_id == shopper.buyer_id,
                PromotionUse.released.is_(False))) or 0
            allowance = max(0, allowance - int(used))
        found.append(replace(promo, id=engine_id, allowance=allowance))
    return found


def _coupon_promotion(template: CouponTemplate, engine_id: int, coupon_id: int,
                      valid: tuple[datetime, datetime] | None) -> Promotion:
    rule = template.rule
    funder = "platform" if template.funder == "platform" else "store"
    return Promotion(
        id=engine_id, name=template.name, benefit=codec.decode_benefit(rule["benefit"]),
        scope=codec.decode_scope(rule["scope"], template.store_id), audience=codec.decode_audience(rule["audience"]),
        kind=f"coupon_{template.kind}", funder=funder, stacking=template.stacking,  # type: ignore[arg-type]
        excludes_tags=frozenset(template.excludes_tags), full_price_only=template.full_price_only,
        starts_at=valid[0] if valid else None, ends_at=valid[1] if valid else None, coupon_id=coupon_id,
        coupon_group="platform" if template.store_id is None else f"store:{template.store_id}",
    )


def _wallet(session: Session, now: datetime, store_ids: Sequence[int], currency: str, shopper: Shopper,
            coupon_ids: Sequence[int] | None, lock: bool, quote: Quote) -> list[Promotion]:
    """The buyer's usable coupons for these stores (and platform vouchers); only the chosen ones when the buyer chose."""
    if shopper.buyer_id is None or coupon_ids == []:
        return []
    query = (select(Coupon, CouponTemplate).join(CouponTemplate, CouponTemplate.id == Coupon.template_id)
             .where(Coupon.buyer_id == shopper.buyer_id, Coupon.status == CouponStatus.AVAILABLE.value,
                    Coupon.store_id.in_(store_ids) | Coupon.store_id.is_(None), Coupon.valid_until > now)
             .order_by(Coupon.id))
    if coupon_ids is not None:
        query = query.where(Coupon.id.in_(coupon_ids))
    if lock:
        query = query.with_for_update(of=Coupon)
    found = []
    for coupon, template in session.execute(query).all():
        if template.status == PromotionStatus.ENDED or template.rule.get("currency") not in (None, currency):
            continue
        engine_id = COUPON_IDS + coupon.id
        quote.refs[engine_id], quote.coupons[engine_id] = f"coupon:{coupon.id}", coupon
        found.append(_coupon_promotion(template, engine_id, coupon.id, (coupon.valid_from, coupon.valid_until)))
    return found


def _codes(session: Session, now: datetime, store_ids: Sequence[int], currency: str, shopper: Shopper, codes: Sequence[str],
           quote: Quote) -> list[Promotion]:
    """Code coupons (达人推广码): priced as if claimed; checkout claims them for real."""
    found = []
    for code in dict.fromkeys(c.strip().upper() for c in codes if c.strip()):
        template = find_code(session, code)
        if (template.store_id is not None and template.store_id not in store_ids) or \
                template.rule.get("currency") not in (None, currency):
            raise CouponUnavailable(f"the code {code} is not for this store")
        _check_claimable(session, now, template, shopper)
        engine_id = CODE_IDS + template.id
        quote.refs[engine_id], quote.codes[engine_id] = f"code:{code}", template
        found.append(_coupon_promotion(template, engine_id, -template.id, None))
    return found


def _check_claimable(session: Session, now: datetime, template: CouponTemplate, shopper: Shopper) -> None:
    """What `claiming.issue` will check at checkout, told now, when the code is priced."""
    check_open_to(now, template, shopper)
    if template.total_quantity is not None and template.issued >= template.total_quantity:
        raise CouponUnavailable(f"the code {template.code} has been used up", reason="sold_out")
    check_buyer_limit(session, template, shopper.buyer_id)


def _gifts(session: Session, promotions: Sequence[Promotion]) -> dict[int, GiftSku]:
    sku_ids = sorted({p.benefit.sku_id for p in promotions if isinstance(p.benefit, Gift)})
    if not sku_ids:
        return {}
    available = inventory.available_by_sku(session, sku_ids)
    gifts = {}
    for sku, status in catalog.skus_with_listing(session, sku_ids):
        on_sale = available.get(sku.id, 0) if status == "active" else 0
        gifts[sku.id] = GiftSku(sku.product_id, sku.store_id, sku.price_minor, on_sale)
    return gifts


# --- checkout: take what the price relied on; give it back if the order closes unpaid ------------

def take(session: Session, now: datetime, quote: Quote, orders_by_store: dict[int, int], shopper: Shopper) -> None:
    """Take the caps, first-N places and coupons the price relied on, each by the order whose lines it discounted."""
    assert shopper.buyer_id is not None
    homes = home_stores(quote.priced)
    applied = quote.priced.applied()
    # A capped promotion takes its units in one conditional UPDATE of its row, rows in id order so two checkouts
    # queue instead of deadlocking. An uncapped one only adds a use with the units it sold: nothing to check, so no
    # row to lock, and checkouts never queue behind a store-wide 满减 or a platform voucher (service.units_sold).
    counted = sorted((quote.rows[v.promotion_id].id, v) for v in applied if v.promotion_id in quote.rows)
    for _, verdict in counted:
        row = quote.rows[verdict.promotion_id]
        order_id = orders_by_store[homes.get(verdict.promotion_id, next(iter(orders_by_store)))]
        if row.capped:
            _take_units(session, now, row, verdict.units, order_id, shopper.buyer_id)
        else:
            session.add(PromotionUse(promotion_id=row.id, buyer_id=shopper.buyer_id, order_id=order_id,
                                     units=units_sold(quote.priced, verdict), first_n_slot=False, released=False, at=now))
    for verdict in applied:
        store_id = homes.get(verdict.promotion_id, next(iter(orders_by_store)))
        order_id = orders_by_store[store_id]
        entry_id = quote.limited_entries.get(verdict.promotion_id)
        if entry_id is not None:
            session.add(PromotionUse(campaign_entry_id=entry_id, buyer_id=shopper.buyer_id, order_id=order_id,
                                     units=verdict.units, first_n_slot=False, released=False, at=now))
        coupon = quote.coupons.get(verdict.promotion_id)
        template = quote.codes.get(verdict.promotion_id)
        if template is not None:
            coupon = issue(session, now, template, shopper)
        if coupon is not None:
            locked = session.execute(update(Coupon).where(Coupon.id == coupon.id, Coupon.status == CouponStatus.AVAILABLE.value)
                                     .values(status=CouponStatus.LOCKED.value, order_id=order_id))
            if locked.rowcount != 1:  # type: ignore[attr-defined]
                raise CouponUnavailable(f"coupon {coupon.id} was used by another order")
            events.record(session, now, "coupon.locked", f"coupon:{coupon.id}", store_id, order_id=order_id)


def home_stores(priced: PricedCart) -> dict[int, int]:
    """The store whose lines (or shipping) carry most of each promotion's discount: its order owns the promotion's use."""
    shares: dict[int, dict[int, int]] = {}
    for line in priced.lines:
        for allocation in line.discounts:
            by_store = shares.setdefault(allocation.promotion_id, {})
            by_store[line.store_id] = by_store.get(line.store_id, 0) + allocation.minor
    for fee in priced.shipping:
        for allocation in fee.discounts:
            by_store = shares.setdefault(allocation.promotion_id, {})
            by_store[fee.store_id] = by_store.get(fee.store_id, 0) + allocation.minor
    return {promotion_id: max(sorted(by_store), key=lambda store: by_store[store]) for promotion_id, by_store in shares.items()}


def units_sold(priced: PricedCart, verdict: Verdict) -> int:
    """Units sold at a promotion on this cart: what it took from its allowance (a price, a gift; a bundle counts
    sets), else the units of the lines it lowered (满减, 满折) or of the stores whose shipping it paid (包邮)."""
    if verdict.units:
        return verdict.units
    lowered = {fee.store_id for fee in priced.shipping if any(a.promotion_id == verdict.promotion_id for a in fee.discounts)}
    return sum(line.quantity for line in priced.lines if not line.gift and (
        line.store_id in lowered or any(a.promotion_id == verdict.promotion_id for a in line.discounts)))


def _take_units(session: Session, now: datetime, row: PromotionRow, units: int, order_id: int, buyer_id: int) -> None:
    first_n = row.first_n_buyers is not None
    taken = session.execute(update(PromotionRow).where(
        PromotionRow.id == row.id,
        (PromotionRow.units_cap.is_(None)) | (PromotionRow.units_used + units <= PromotionRow.units_cap),
        (PromotionRow.first_n_buyers.is_(None)) | (PromotionRow.buyers_used < PromotionRow.first_n_buyers),
    ).values(units_used=PromotionRow.units_used + units, buyers_used=PromotionRow.buyers_used + (1 if first_n else 0)))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"the price of promotion {row.id} is no longer available; price the cart again")
    session.add(PromotionUse(promotion_id=row.id, buyer_id=buyer_id, order_id=order_id, units=units, first_n_slot=first_n,
                             released=False, at=now))


_capped_row = (PromotionRow.units_cap.is_not(None) | PromotionRow.per_buyer_units.is_not(None)
               | PromotionRow.first_n_buyers.is_not(None))  # PromotionRow.capped, in SQL


def give_back(session: Session, now: datetime, order_id: int, store_id: int) -> None:
    """An order closed before payment: its promotion units, first-N places and coupons return."""
    for use in session.scalars(select(PromotionUse).where(PromotionUse.order_id == order_id, PromotionUse.released.is_(False))):
        use.released = True
        if use.promotion_id is None:
            continue  # a campaign price: releasing the use is all it takes
        # an uncapped promotion counts by its uses alone (take): releasing the use is all it takes too
        session.execute(update(PromotionRow).where(PromotionRow.id == use.promotion_id, _capped_row).values(
            units_used=PromotionRow.units_used - use.units,
            buyers_used=PromotionRow.buyers_used - (1 if use.first_n_slot else 0)))
    for coupon in session.scalars(select(Coupon).where(Coupon.order_id == order_id, Coupon.status == CouponStatus.LOCKED.value)):
        coupon.status, coupon.order_id = CouponStatus.AVAILABLE.value, None
        events.record(session, now, "coupon.returned", f"coupon:{coupon.id}", store_id, order_id=order_id)


def settle(session: Session, order_id: int) -> None:
    """The order was paid: its coupons are spent for good."""
    session.execute(update(Coupon).where(Coupon.order_id == order_id, Coupon.status == CouponStatus.LOCKED.value)
                    .values(status=CouponStatus.USED.value))
