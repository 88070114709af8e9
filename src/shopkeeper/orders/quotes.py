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
from shopkeeper.promotions import pricing
from shopkeeper.promotions.terms import CartLine, Shopper


@dataclass
class CartQuote:
    quote: pricing.Quote
    skus: dict[int, Sku]
    products: dict[int, Product]


def shopper(session: Session, now: datetime, buyer_id: int, store: Store) -> Shopper:
    """The facts promotions look at: member level, orders paid here before (新客/老客), birthday month, points."""
    buyer = session.get(Buyer, buyer_id)
    if buyer is None:
        raise NotFound(f"buyer {buyer_id} does not exist")
    paid_before = session.scalar(select(func.count()).select_from(Order).where(
        Order.buyer_id == buyer_id, Order.store_id == store.id, Order.paid_at.is_not(None))) or 0
    local_month = now.astimezone(ZoneInfo(store.timezone)).month
    return Shopper(buyer_id=buyer_id, member_level=buyer.member_level, paid_orders=paid_before,
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


def quote_cart(session: Session, now: datetime, buyer_id: int, store: Store, lines: Sequence[LineRequest],
               address: Address | None, coupon_ids: Sequence[int] | None = None, codes: Sequence[str] = (),
               lock: bool = False) -> CartQuote:
    """Price merged `lines`; shipping is quoted to `address` (none yet: no shipping in the price)."""
    skus, products = load_skus(session, store.id, [line.sku_id for line in lines])
    items = [(products[skus[line.sku_id].product_id], skus[line.sku_id], line.quantity) for line in lines]
    fee = fulfillment.quote_order(session, store, items, address).minor if address is not None else 0
    cart_lines = [CartLine(sku.id, product.id, store.id, sku.price_minor, quantity, product.category_id)
                  for product, sku, quantity in items]
    quote = pricing.price(session, now, store, shopper(session, now, buyer_id, store), cart_lines, {store.id: fee},
                          coupon_ids, codes, lock)
    return CartQuote(quote, skus, products)
