"""What a cart costs this buyer now: the same pricing for the cart preview and for checkout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.catalog.models import Product, Sku, Store
from shopkeeper.customers.models import Address, Buyer
from shopkeeper.customers.service import points_balance
from shopkeeper.errors import InvalidInput, NotFound
from shopkeeper.fulfillment import service as fulfillment
from shopkeeper.orders.models import Order
from shopkeeper.orders.rules import LineRequest
from shopkeeper.promotions import quoting
from shopkeeper.promotions.engine.terms import CartLine, Shopper


@dataclass
class CartQuote:
    quote: quoting.Quote
    skus: dict[int, Sku]
    products: dict[int, Product]
    shopper: Shopper


def shopper(session: Session, now: datetime, buyer_id: int, stores: Sequence[Store]) -> Shopper:
    """The facts promotions look at: member level, orders paid before (新客/老客) on the platform and per store,
    birthday month (on the first store's clock), points."""
    buyer = session.get(Buyer, buyer_id)
    if buyer is None:
        raise NotFound(f"buyer {buyer_id} does not exist")
    paid = dict(session.execute(select(Order.store_id, func.count()).where(
        Order.buyer_id == buyer_id, Order.paid_at.is_not(None)).group_by(Order.store_id)).all())
    local_month = now.astimezone(ZoneInfo(stores[0].timezone)).month
    return Shopper(buyer_id=buyer_id, member_level=buyer.member_level, paid_orders=sum(paid.values()),
                   paid_orders_by_store={store.id: int(paid.get(store.id, 0)) for store in stores},
                   birthday_month=buyer.birthday is not None and buyer.birthday.month == local_month,
                   points_balance=points_balance(session, buyer_id))


def load_skus(session: Session, store_id: int, sku_ids: list[int]) -> tuple[dict[int, Sku], dict[int, Product]]:
    skus = {s.id: s for s in session.scalars(select(Sku).where(Sku.id.in_(sku_ids), Sku.store_id == store_id))}
    missing = [sku_id for sku_id in sku_ids if sku_id not in skus]
    if missing:
        raise NotFound(f"SKU {missing[0]} is not sold by store {store_id}", sku_id=missing[0])
    products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_({s.product_id for s in skus.values()})))}
    for sku in skus.values():
        if products[sku.product_id].status != "active":
            raise InvalidInput(f"SKU {sku.id} is no longer on sale", sku_id=sku.id)
    return skus, products


def quote_cart(session: Session, now: datetime, buyer_id: int, baskets: Sequence[tuple[Store, Sequence[LineRequest]]],
               address: Address | None, coupon_ids: Sequence[int] | None = None, codes: Sequence[str] = (),
               lock: bool = False, extras: Sequence[quoting.ExtraPromotion] = ()) -> CartQuote:
    """Price each store's merged lines together (one store, or several: 跨店); shipping is quoted per store to
    `address` (none yet: no shipping in the price)."""
    skus: dict[int, Sku] = {}
    products: dict[int, Product] = {}
    cart_lines: list[CartLine] = []
    shipping: dict[int, int] = {}
    for store, lines in baskets:
        store_skus, store_products = load_skus(session, store.id, [line.sku_id for line in lines])
        skus.update(store_skus)
        products.update(store_products)
        items = [(store_products[store_skus[line.sku_id].product_id], store_skus[line.sku_id], line.quantity) for line in lines]
        shipping[store.id] = fulfillment.quote_order(session, store, items, address).minor if address is not None else 0
        cart_lines += [CartLine(sku.id, product.id, store.id, sku.price_minor, quantity, product.category_id)
                       for product, sku, quantity in items]
    stores = [store for store, _ in baskets]
    facts = shopper(session, now, buyer_id, stores)
    quote = quoting.price(session, now, stores, facts, cart_lines, shipping, coupon_ids, codes, lock, extras)
    return CartQuote(quote, skus, products, facts)
