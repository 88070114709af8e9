"""What a cart costs this buyer now: the same pricing for the cart preview and for checkout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.catalog import service as catalog
from shopkeeper.customers import service as customers
from shopkeeper.fulfillment import service as fulfillment
from shopkeeper.orders.models import Order
from shopkeeper.orders.rules import LineRequest
from shopkeeper.promotions import quoting
from shopkeeper.promotions.engine.terms import CartLine, Shopper

if TYPE_CHECKING:
    from shopkeeper.catalog.models import Product, Sku, Store
    from shopkeeper.customers.models import Address


@dataclass
class CartQuote:
    quote: quoting.Quote
    skus: dict[int, Sku]
    products: dict[int, Product]
    shopper: Shopper


def shopper(session: Session, now: datetime, buyer_id: int, stores: Sequence[Store]) -> Shopper:
    """The facts promotions look at: the buyer's member level, birthday month (on the first store's clock), points and
    the stores of the cart they follow (粉丝专享), as customers keeps them; and orders paid before (新客/老客) on the
    platform and per store, which orders counts."""
    facts = customers.pricing_facts(session, buyer_id)
    paid = dict(session.execute(select(Order.store_id, func.count()).where(
        Order.buyer_id == buyer_id, Order.paid_at.is_not(None)).group_by(Order.store_id)).all())
    local_month = now.astimezone(ZoneInfo(stores[0].timezone)).month
    return Shopper(buyer_id=buyer_id, member_level=facts.member_level, paid_orders=sum(paid.values()),
                   paid_orders_by_store={store.id: int(paid.get(store.id, 0)) for store in stores},
                   birthday_month=facts.born_in(local_month), points_balance=facts.points_balance,
                   fan_of=customers.fan_of(session, buyer_id, [store.id for store in stores]))


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
        store_skus, store_products = catalog.skus_for_sale(session, store.id, [line.sku_id for line in lines])
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
