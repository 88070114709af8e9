"""Cart pricing routes: what a cart, or the buyer's carts in several stores, would cost now with every promotion
considered (`quotes.quote_cart`, the same pricing as checkout). The shapes are the promotions' (`priced_cart_schemas`); the routes live with the carts they price."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from fastapi import APIRouter
from pydantic import Field
from sqlalchemy.orm import Session

from shopkeeper.api.deps import Ctx, IdPath
from shopkeeper.auth import Role
from shopkeeper.catalog.service import get_store
from shopkeeper.crossborder import service as customs
from shopkeeper.crossborder.schemas import LandedCostOut
from shopkeeper.customers.service import delivery_address
from shopkeeper.errors import InvalidInput, NotFound
from shopkeeper.money import Money
from shopkeeper.orders import carts, quotes
from shopkeeper.orders.models import Cart
from shopkeeper.orders.rules import LineRequest
from shopkeeper.promotions.priced_cart_schemas import PricedCartOut
from shopkeeper.promotions.schemas import CartsPriceIn, PriceIn
from shopkeeper.scope import require_role

if TYPE_CHECKING:
    from shopkeeper.customers.models import Address

router = APIRouter(tags=["promotions"])  # the tag they had: the API document keeps its groups


class CartQuoteOut(PricedCartOut):
    landed_cost: LandedCostOut | None = Field(default=None, description=(
        "a cross-border store's estimate of goods + shipping + duty at the destination (RULES.md §6.1); none for a "
        "domestic order or without an address. An estimate: it does not change `payable`"))


class CartsQuoteOut(PricedCartOut):
    landed_costs: list[LandedCostOut] = Field(default_factory=list, description=(
        "one estimate per cross-border store of the checkout (RULES.md §6.1); domestic stores have none"))


def _estimates(session: Session, now: datetime, quote: quotes.CartQuote, address: Address | None) -> list[LandedCostOut]:
    """Each cross-border store's landed cost on what the buyer would pay for its goods and its shipping."""
    if address is None:
        return []
    priced = quote.quote.priced
    found = []
    for store_id in sorted({line.store_id for line in priced.lines}):
        goods = Money(sum(line.payable for line in priced.lines if line.store_id == store_id), priced.currency)
        shipping = Money(sum(s.payable for s in priced.shipping if s.store_id == store_id), priced.currency)
        estimate = customs.quote_estimate(session, store_id, address.country, goods, shipping, now)
        if estimate is not None:
            found.append(LandedCostOut.of(estimate, store_id))
    return found


@router.post("/carts/{cart_id}/price")
def price_cart(cart_id: IdPath, ctx: Ctx, body: PriceIn | None = None) -> CartQuoteOut:
    """What the cart costs now, with every promotion considered: applied (how much) or not (why), and the nearest
    threshold (凑单). Checkout prices the same way. Nothing is taken or reserved. A cross-border store adds its
    landed-cost estimate (`landed_cost`)."""
    body = body or PriceIn()
    with ctx.read() as session:
        cart = session.get(Cart, cart_id)
        if cart is None or not (ctx.actor.buyer_id == cart.buyer_id or
                                (ctx.actor.role is not Role.BUYER and ctx.actor.may_see_store(cart.store_id))):
            raise NotFound(f"cart {cart_id} does not exist")
        if not cart.items:
            raise InvalidInput("the cart is empty")
        store = get_store(session, ctx.actor, cart.store_id)
        address = delivery_address(session, cart.buyer_id, body.address_id)
        priced = quotes.quote_cart(session, ctx.now(), cart.buyer_id, [(store, _lines(cart))], address, body.coupon_ids, body.codes)
        landed = _estimates(session, ctx.now(), priced, address)
        return CartQuoteOut(**dict(PricedCartOut.of(priced.quote, body.lang)), landed_cost=landed[0] if landed else None)


@router.post("/carts/price")
def price_carts(body: CartsPriceIn, ctx: Ctx) -> CartsQuoteOut:
    """跨店: the buyer's carts in several stores priced together, as `POST /checkout` would order them; a cross-store
    reduction counts them all. Nothing is taken or reserved."""
    require_role(ctx.actor, Role.BUYER)
    assert ctx.actor.buyer_id is not None
    with ctx.read() as session:
        baskets = [(get_store(session, ctx.actor, cart.store_id), _lines(cart))
                   for cart in carts.buyer_carts(session, ctx.actor, body.store_ids)]
        address = delivery_address(session, ctx.actor.buyer_id, body.address_id)
        priced = quotes.quote_cart(session, ctx.now(), ctx.actor.buyer_id, baskets, address, body.coupon_ids, body.codes)
        return CartsQuoteOut(**dict(PricedCartOut.of(priced.quote, body.lang)),
                             landed_costs=_estimates(session, ctx.now(), priced, address))


def _lines(cart: Cart) -> list[LineRequest]:
    return sorted((LineRequest(i.sku_id, i.quantity) for i in cart.items), key=lambda line: line.sku_id)
