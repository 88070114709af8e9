"""Per-store carts: add, change quantity, remove, and check out into an order."""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.errors import InvalidInput, NotFound
from shopkeeper.orders import checkout as orders
from shopkeeper.orders.models import Cart, CartItem, Order
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import require_role

MAX_QUANTITY = 9999


def get_cart(session: Session, actor: Principal, store_id: int, create: bool = False) -> Cart:
    require_role(actor, Role.BUYER)
    catalog.store_by_id(session, store_id)
    cart = session.scalar(select(Cart).where(Cart.buyer_id == actor.buyer_id, Cart.store_id == store_id))
    if cart is None:
        cart = Cart(buyer_id=actor.buyer_id, store_id=store_id)
        if create:
            session.add(cart)
            session.flush()
    return cart


def add_item(session: Session, actor: Principal, store_id: int, sku_id: int, quantity: int) -> Cart:
    cart = get_cart(session, actor, store_id, create=True)
    catalog.sellable_sku(session, store_id, sku_id)
    item = next((i for i in cart.items if i.sku_id == sku_id), None)
    new_quantity = quantity + (item.quantity if item else 0)
    _check_quantity(new_quantity)
    if item:
        item.quantity = new_quantity
    else:
        cart.items.append(CartItem(sku_id=sku_id, quantity=quantity))
    session.flush()
    return cart


def set_quantity(session: Session, actor: Principal, store_id: int, sku_id: int, quantity: int) -> Cart:
    """Quantity 0 removes the item."""
    cart = get_cart(session, actor, store_id)
    item = next((i for i in cart.items if i.sku_id == sku_id), None)
    if item is None:
        raise NotFound(f"SKU {sku_id} is not in the cart")
    if quantity == 0:
        cart.items.remove(item)
    else:
        _check_quantity(quantity)
        item.quantity = quantity
    session.flush()
    return cart


def _check_quantity(quantity: int) -> None:
    if not 0 < quantity <= MAX_QUANTITY:
        raise InvalidInput(f"quantity must be between 1 and {MAX_QUANTITY}")


def buyer_carts(session: Session, actor: Principal, store_ids: Sequence[int]) -> list[Cart]:
    """The buyer's non-empty carts in these stores, by store id; an empty or missing one is refused."""
    require_role(actor, Role.BUYER)
    found = {cart.store_id: cart for cart in session.scalars(
        select(Cart).where(Cart.buyer_id == actor.buyer_id, Cart.store_id.in_(store_ids)))}
    for store_id in store_ids:
        if store_id not in found or not found[store_id].items:
            raise InvalidInput(f"the cart for store {store_id} is empty", store_id=store_id)
    return [found[store_id] for store_id in sorted(set(store_ids))]


def checkout_stores(session: Session, now: datetime, actor: Principal, store_ids: Sequence[int], address_id: int,
                    coupon_ids: Sequence[int] | None = None, codes: Sequence[str] = ()) -> list[Order]:
    """跨店结算: the carts of several stores become one order per store, priced together; the carts are emptied."""
    chosen = buyer_carts(session, actor, store_ids)
    placed = orders.place_orders(session, now, actor, [(c.store_id, [LineRequest(i.sku_id, i.quantity) for i in c.items])
                                                       for c in chosen], address_id, coupon_ids, codes)
    for cart in chosen:
        cart.items.clear()
    return placed


def checkout(session: Session, now: datetime, actor: Principal, store_id: int, address_id: int,
             coupon_ids: Sequence[int] | None = None, codes: Sequence[str] = ()) -> Order:
    """Turn the whole cart into one order; the cart is emptied in the same transaction."""
    cart = get_cart(session, actor, store_id)
    if not cart.items:
        raise InvalidInput("the cart is empty")
    order = orders.place_order(session, now, actor, store_id, address_id,
                               [LineRequest(i.sku_id, i.quantity) for i in cart.items], coupon_ids, codes)
    cart.items.clear()
    return order
