"""Checkout: price the baskets with the promotions engine and turn them into orders, one per store.

Several stores may be checked out together (跨店): they are priced as one cart,
so a cross-store reduction counts them all, and each store's order carries its
own lines with their shares of every discount.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks, timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.customers.service import buyer_address, record_points
from shopkeeper.errors import InvalidInput
from shopkeeper.inventory import service as inventory
from shopkeeper.money import exponent
from shopkeeper.orders import quotes
from shopkeeper.orders.models import Order, OrderLine
from shopkeeper.orders.rules import LineRequest, OrderStatus, merge_lines, pay_by
from shopkeeper.orders.service import subject
from shopkeeper.promotions import quoting
from shopkeeper.promotions.engine.results import PricedCart, PricedLine
from shopkeeper.scope import require_role

if TYPE_CHECKING:
    from shopkeeper.catalog.models import Store
    from shopkeeper.customers.models import Address

MAX_LINES = 100
MAX_STORES = 10


def place_order(session: Session, now: datetime, actor: Principal, store_id: int, address_id: int,
                lines: Sequence[LineRequest], coupon_ids: Sequence[int] | None = None, codes: Sequence[str] = (),
                extras: Sequence[quoting.ExtraPromotion] = (), held_for_group: int | None = None,
                held_for_pool: int | None = None, deliver_to: Mapping[str, str] | None = None) -> Order:
    """Buy from one store. A group buy (拼团) places its members' orders with its price among the promotions
    (`extras`) and the order held for the group until it is complete (`held_for_group`); a pool (拼单) likewise,
    held until its basket reaches the threshold (`held_for_pool`). Community group buying (社区团购) delivers to a
    pickup point: `deliver_to` replaces the address's place in the order's `ship_to` (the recipient and phone stay
    the buyer's)."""
    return place_orders(session, now, actor, [(store_id, lines)], address_id, coupon_ids, codes, extras, held_for_group,
                        held_for_pool, deliver_to)[0]


def place_orders(session: Session, now: datetime, actor: Principal, baskets: Sequence[tuple[int, Sequence[LineRequest]]],
                 address_id: int, coupon_ids: Sequence[int] | None = None, codes: Sequence[str] = (),
                 extras: Sequence[quoting.ExtraPromotion] = (), held_for_group: int | None = None,
                 held_for_pool: int | None = None, deliver_to: Mapping[str, str] | None = None) -> list[Order]:
    """Create one order per store, priced together: snapshot the lines with their discounts, reserve stock (gifts
    too), take the promotion units and coupons the price relied on, start each payment window."""
    require_role(actor, Role.BUYER)
    assert actor.buyer_id is not None
    if not baskets:
        raise InvalidInput("nothing to check out")
    if len(baskets) > MAX_STORES or len({store_id for store_id, _ in baskets}) != len(baskets):
        raise InvalidInput(f"check out at most {MAX_STORES} different stores at once")
    stores = []
    for store_id, lines in sorted(baskets, key=lambda basket: basket[0]):  # lock rows in one order: no deadlocks
        stores.append((catalog.store_by_id(session, store_id), _checked(merge_lines(lines))))
    address = buyer_address(session, actor.buyer_id, address_id)
    cart = quotes.quote_cart(session, now, actor.buyer_id, stores, address, coupon_ids, codes, lock=True, extras=extras)
    priced = cart.quote.priced
    _load_gifts(session, cart, priced)
    placed = {store.id: _order(session, now, actor.buyer_id, store, address, cart, priced, held_for_group, held_for_pool,
                               deliver_to) for store, _ in stores}
    quoting.take(session, now, cart.quote, {store_id: order.id for store_id, order in placed.items()}, cart.shopper)
    return list(placed.values())


def _checked(merged: list[LineRequest]) -> list[LineRequest]:
    if not merged:
        raise InvalidInput("an order needs at least one line")
    if len(merged) > MAX_LINES:
        raise InvalidInput(f"an order has at most {MAX_LINES} lines")
    if any(line.quantity <= 0 for line in merged):
        raise InvalidInput("quantities must be positive")
    return merged


def _load_gifts(session: Session, cart: quotes.CartQuote, priced: PricedCart) -> None:
    gift_ids = [line.sku_id for line in priced.lines if line.gift and line.sku_id not in cart.skus]
    if gift_ids:
        gift_skus, gift_products = catalog.skus_with_products(session, gift_ids)
        cart.skus.update(gift_skus)
        cart.products.update(gift_products)


def _order(session: Session, now: datetime, buyer_id: int, store: Store, address: Address, cart: quotes.CartQuote,
           priced: PricedCart, held_for_group: int | None = None, held_for_pool: int | None = None,
           deliver_to: Mapping[str, str] | None = None) -> Order:
    lines = [line for line in priced.lines if line.store_id == store.id]
    shipping = next((s for s in priced.shipping if s.store_id == store.id), None)
    fee, fee_payable = (shipping.fee, shipping.payable) if shipping else (0, 0)
    goods = sum(line.list_total for line in lines)
    payable = sum(line.payable for line in lines) + fee_payable
    platform_funded = sum(line.funded_by("platform") for line in lines) + (
        sum(a.minor for a in shipping.discounts if a.funder == "platform") if shipping else 0)
    points_spent = sum(line.points_spent for line in lines)
    order = Order(
        number=_order_number(now), store_id=store.id, buyer_id=buyer_id, status=OrderStatus.AWAITING_PAYMENT.value,
        currency=store.currency, goods_minor=goods, shipping_minor=fee, discount_minor=goods + fee - payable,
        total_minor=payable, ship_to={**_snapshot(address), **(deliver_to or {})}, placed_at=now, pay_by=pay_by(now, rulebooks.load(store.rulebook)),
        lines=[],  # a new order: no need to load its (empty) lines
        pricing=explanation(cart.quote, store.id), points_spent=points_spent,
        points_earned=points_earned(lines, store.currency), platform_funded_minor=platform_funded,
        held_for_group=held_for_group, held_for_pool=held_for_pool,
    )
    session.add(order)
    session.flush()
    for line in lines:
        order.lines.append(_order_line(session, now, order, line, cart))
    if points_spent:
        record_points(session, now, buyer_id, -points_spent, "points_price", subject(order))
    applied = [v["promotion"] for v in order.pricing["verdicts"] if v["applied"] and v["order_minor"]] if order.pricing else []
    events.record(session, now, "order.placed", subject(order), store.id, number=order.number, buyer_id=buyer_id,
                  total_minor=order.total_minor, discount_minor=order.discount_minor, currency=order.currency,
                  lines=len(order.lines), promotions=applied)
    timers.schedule(session, "order.close_unpaid", subject(order), order.pay_by, store.id, order_id=order.id)
    return order


def _order_line(session: Session, now: datetime, order: Order, line: PricedLine, cart: quotes.CartQuote) -> OrderLine:
    sku = cart.skus[line.sku_id]
    warehouse_id = inventory.reserve(session, now, order.store_id, sku.id, line.quantity, order.id)
    return OrderLine(
        store_id=order.store_id, sku_id=sku.id, product_id=sku.product_id, warehouse_id=warehouse_id, sku_code=sku.code,
        title=cart.products[sku.product_id].title, options=dict(sku.options), unit_price_minor=line.unit_price,
        quantity=line.quantity, line_total_minor=line.list_total, discount_minor=line.list_total - line.payable,
        payable_minor=line.payable, gift=line.gift, points_spent=line.points_spent,
        discounts=[{"promotion": cart.quote.refs.get(a.promotion_id, str(a.promotion_id)), "funder": a.funder, "minor": a.minor}
                   for a in line.discounts],
    )


def explanation(quote: quoting.Quote, store_id: int | None = None) -> dict[str, Any]:
    """The engine's decision as stored on an order: shown on the order page, kept for audits.

    Each verdict's `amount_minor` is what it took off the whole cart; `order_minor` is this store's share.
    """
    priced = quote.priced
    hint = priced.hint
    mine = [line for line in priced.lines if store_id is None or line.store_id == store_id]
    fees = [s for s in priced.shipping if store_id is None or s.store_id == store_id]
    share: dict[int, int] = {}
    for allocation in [a for line in mine for a in line.discounts] + [a for s in fees for a in s.discounts]:
        share[allocation.promotion_id] = share.get(allocation.promotion_id, 0) + allocation.minor

    def ref(promotion_id: int) -> str:
        return quote.refs.get(promotion_id, str(promotion_id))

    return {
        "search": priced.search,
        "stores": sorted({line.store_id for line in priced.lines}),
        "verdicts": [{"promotion": ref(v.promotion_id), "name": v.name, "kind": v.kind, "stage": v.stage, "funder": v.funder,
                      "applied": v.applied, "amount_minor": v.amount, "order_minor": share.get(v.promotion_id, 0),
                      "reason": v.reason, "detail": dict(v.detail)} for v in priced.verdicts],
        "hint": None if hint is None else {"promotion": ref(hint.promotion_id), "name": hint.name, "basis": hint.basis,
                                           "short": hint.short, "saves_minor": hint.saves,
                                           "free_shipping": hint.free_shipping, "gift_sku_id": hint.gift_sku_id},
        "steps": [{"sku_id": line.sku_id, "gift": line.gift, "list_minor": line.list_total,
                   "after": [{"promotion": ref(st.promotion_id), "amount_minor": st.amount} for st in line.steps]}
                  for line in mine],
        "shipping": [{"store_id": s.store_id, "fee_minor": s.fee, "payable_minor": s.payable} for s in fees],
        "points_spent": sum(line.points_spent for line in mine),
        "points_earned": points_earned(mine, priced.currency),
    }


def points_earned(lines: Sequence[PricedLine], currency: str) -> int:
    """1 point per whole currency unit paid for goods, none on lines whose promotion earns none (as the engine counts)."""
    paid: int = sum(line.payable for line in lines if line.earns_points and not line.gift)
    unit: int = 10 ** exponent(currency)  # a negative exponent would make a float; currencies have none
    return paid // unit


def _order_number(now: datetime) -> str:
    return f"{now:%y%m%d}{secrets.randbelow(10**12):012d}"


def _snapshot(address: object) -> dict[str, str]:
    fields = ("recipient", "phone", "country", "region", "city", "line1", "postcode")
    return {name: getattr(address, name) for name in fields}
