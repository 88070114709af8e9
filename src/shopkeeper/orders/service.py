"""Order use cases: checkout, shipment, receipt, cancellation, and their timers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shopkeeper import events, rulebooks, timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog.models import Product, Sku, Store
from shopkeeper.clock import Clock
from shopkeeper.customers.service import buyer_address, record_points
from shopkeeper.db import newest_first
from shopkeeper.errors import InvalidInput, NotFound
from shopkeeper.fulfillment import service as fulfillment
from shopkeeper.inventory import service as inventory
from shopkeeper.money import Money
from shopkeeper.orders import ledger, quotes
from shopkeeper.orders.models import Order, OrderLine, OrderStatus, Payment
from shopkeeper.orders.rules import LineRequest, confirm_by, is_late, merge_lines, next_status, pay_by, ship_by
from shopkeeper.promotions import pricing
from shopkeeper.scope import require_role, require_store_manager

MAX_LINES = 100


@dataclass(frozen=True)
class OrderFilter:
    store_id: int | None = None
    status: str | None = None
    buyer_id: int | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    number: str | None = None
    limit: int = 50
    before_id: int | None = None


def subject(order: Order) -> str:
    return f"order:{order.id}"


def book_of(session: Session, store_id: int) -> rulebooks.Rulebook:
    store = session.get(Store, store_id)
    assert store is not None
    return rulebooks.load(store.rulebook)


# --- checkout ---------------------------------------------------------------------------------

def place_order(session: Session, now: datetime, actor: Principal, store_id: int, address_id: int,
                lines: Sequence[LineRequest], coupon_ids: Sequence[int] | None = None, codes: Sequence[str] = ()) -> Order:
    """Create an order priced by the promotions engine: snapshot the lines with their discounts, reserve stock
    (gifts too), take the promotion units and coupons the price relied on, start the payment window."""
    require_role(actor, Role.BUYER)
    assert actor.buyer_id is not None
    store = session.get(Store, store_id)
    if store is None:
        raise NotFound(f"store {store_id} does not exist")
    merged = merge_lines(lines)
    if not merged:
        raise InvalidInput("an order needs at least one line")
    if len(merged) > MAX_LINES:
        raise InvalidInput(f"an order has at most {MAX_LINES} lines")
    if any(line.quantity <= 0 for line in merged):
        raise InvalidInput("quantities must be positive")
    address = buyer_address(session, actor.buyer_id, address_id)
    cart = quotes.quote_cart(session, now, actor.buyer_id, store, merged, address, coupon_ids, codes, lock=True)
    priced = cart.quote.priced
    book = rulebooks.load(store.rulebook)
    platform_funded = sum(line.funded_by("platform") for line in priced.lines) + sum(
        a.minor for s in priced.shipping for a in s.discounts if a.funder == "platform")
    order = Order(
        number=_order_number(now), store_id=store_id, buyer_id=actor.buyer_id, status=OrderStatus.AWAITING_PAYMENT.value,
        currency=store.currency, goods_minor=priced.goods_list, shipping_minor=priced.shipping_fee,
        discount_minor=priced.discount_total, total_minor=priced.payable, ship_to=_snapshot(address),
        placed_at=now, pay_by=pay_by(now, book), lines=[],  # a new order: no need to load its (empty) lines
        pricing=explanation(cart.quote), points_spent=priced.points_spent, points_earned=priced.points_earned,
        platform_funded_minor=platform_funded,
    )
    session.add(order)
    session.flush()
    gift_ids = [line.sku_id for line in priced.lines if line.gift and line.sku_id not in cart.skus]
    if gift_ids:
        gift_skus = {s.id: s for s in session.scalars(select(Sku).where(Sku.id.in_(gift_ids)))}
        cart.skus.update(gift_skus)
        cart.products.update({p.id: p for p in session.scalars(
            select(Product).where(Product.id.in_({s.product_id for s in gift_skus.values()})))})
    for line in priced.lines:
        sku = cart.skus[line.sku_id]
        warehouse_id = inventory.reserve(session, now, store_id, sku.id, line.quantity, order.id)
        order.lines.append(OrderLine(
            store_id=store_id, sku_id=sku.id, product_id=sku.product_id, warehouse_id=warehouse_id, sku_code=sku.code,
            title=cart.products[sku.product_id].title, options=dict(sku.options), unit_price_minor=line.unit_price,
            quantity=line.quantity, line_total_minor=line.list_total, discount_minor=line.list_total - line.payable,
            payable_minor=line.payable, gift=line.gift, points_spent=line.points_spent,
            discounts=[{"promotion": cart.quote.refs.get(a.promotion_id, str(a.promotion_id)), "funder": a.funder,
                        "minor": a.minor} for a in line.discounts],
        ))
    pricing.take(session, now, cart.quote, order.id, quotes.shopper(session, now, actor.buyer_id, store), store_id)
    if priced.points_spent:
        record_points(session, now, actor.buyer_id, -priced.points_spent, "points_price", subject(order))
    events.record(session, now, "order.placed", subject(order), store_id, number=order.number, buyer_id=actor.buyer_id,
                  total_minor=order.total_minor, discount_minor=order.discount_minor, currency=order.currency,
                  lines=len(order.lines), promotions=[cart.quote.refs.get(v.promotion_id) for v in priced.applied()])
    timers.schedule(session, "order.close_unpaid", subject(order), order.pay_by, store_id, order_id=order.id)
    return order


def explanation(quote: pricing.Quote) -> dict[str, Any]:
    """The engine's decision as stored on the order: shown on the order page, kept for audits."""
    priced = quote.priced
    hint = priced.hint
    return {
        "search": priced.search,
        "verdicts": [{"promotion": quote.refs.get(v.promotion_id, str(v.promotion_id)), "name": v.name, "kind": v.kind,
                      "stage": v.stage, "funder": v.funder, "applied": v.applied, "amount_minor": v.amount,
                      "reason": v.reason, "detail": dict(v.detail)} for v in priced.verdicts],
        "hint": None if hint is None else {"promotion": quote.refs.get(hint.promotion_id), "name": hint.name,
                                           "basis": hint.basis, "short": hint.short, "saves_minor": hint.saves,
                                           "free_shipping": hint.free_shipping, "gift_sku_id": hint.gift_sku_id},
        "steps": [{"sku_id": line.sku_id, "gift": line.gift, "list_minor": line.list_total,
                   "after": [{"promotion": quote.refs.get(st.promotion_id), "amount_minor": st.amount} for st in line.steps]}
                  for line in priced.lines],
        "shipping": [{"store_id": s.store_id, "fee_minor": s.fee, "payable_minor": s.payable} for s in priced.shipping],
        "points_spent": priced.points_spent,
        "points_earned": priced.points_earned,
    }


def _order_number(now: datetime) -> str:
    return f"{now:%y%m%d}{secrets.randbelow(10**12):012d}"


def _snapshot(address: object) -> dict[str, str]:
    fields = ("recipient", "phone", "country", "region", "city", "line1", "postcode")
    return {name: getattr(address, name) for name in fields}


# --- reading ----------------------------------------------------------------------------------

def get_order(session: Session, actor: Principal, order_id: int, for_update: bool = False) -> Order:
    """Another tenant's order answers exactly like a missing one."""
    query = select(Order).where(Order.id == order_id)
    if for_update:
        query = query.with_for_update()
    order = session.scalar(query)
    if order is None or not _may_see(actor, order):
        raise NotFound(f"order {order_id} does not exist")
    return order


def _may_see(actor: Principal, order: Order) -> bool:
    if actor.role is Role.BUYER:
        return order.buyer_id == actor.buyer_id
    return actor.may_see_store(order.store_id)


def list_orders(session: Session, actor: Principal, f: OrderFilter) -> list[Order]:
    query = newest_first(select(Order).options(selectinload(Order.lines)), Order.id, f.limit, f.before_id)
    if actor.role is Role.BUYER:
        query = query.where(Order.buyer_id == actor.buyer_id)
    elif actor.role is Role.STAFF:
        query = query.where(Order.store_id == actor.store_id)
    if f.store_id is not None:
        query = query.where(Order.store_id == f.store_id)
    if f.status:
        query = query.where(Order.status == OrderStatus(f.status).value)
    if f.buyer_id is not None:
        query = query.where(Order.buyer_id == f.buyer_id)
    if f.placed_from:
        query = query.where(Order.placed_at >= f.placed_from)
    if f.placed_to:
        query = query.where(Order.placed_at < f.placed_to)
    if f.number:
        query = query.where(Order.number == f.number)
    return list(session.scalars(query))


def money(order: Order, minor: int) -> Money:
    return Money(minor, order.currency)


# --- after payment ----------------------------------------------------------------------------

def mark_paid(session: Session, now: datetime, order: Order, payment: Payment) -> None:
    """Called by payments once a verified notification arrives: money goes into escrow."""
    order.status = next_status(order.status, "pay").value
    order.paid_at = now
    order.ship_by = ship_by(now, book_of(session, order.store_id))
    ledger.hold_in_escrow(session, now, order.store_id, order.id, money(order, payment.amount_minor))
    pricing.settle(session, order.id)
    events.record(session, now, "order.paid", subject(order), order.store_id, payment_id=payment.id,
                  amount_minor=payment.amount_minor, ship_by=order.ship_by.isoformat())
    timers.schedule(session, "order.ship_deadline", subject(order), order.ship_by, order.store_id, order_id=order.id)


def ship(session: Session, now: datetime, actor: Principal, order_id: int, carrier: str, tracking_number: str) -> Order:
    order = get_order(session, actor, order_id, for_update=True)
    require_store_manager(actor, order.store_id)
    if not carrier.strip() or not tracking_number.strip():
        raise InvalidInput("carrier and tracking number are required")
    order.status = next_status(order.status, "ship").value
    for line in order.lines:
        inventory.consume(session, now, order.store_id, line.sku_id, line.warehouse_id, line.quantity, order.id)
    fulfillment.record_shipment(session, now, order.store_id, order.id, carrier, tracking_number)
    order.shipped_at, order.carrier, order.tracking_number = now, carrier, tracking_number
    order.confirm_by = confirm_by(now, book_of(session, order.store_id))
    events.record(session, now, "order.shipped", subject(order), order.store_id, carrier=carrier,
                  tracking_number=tracking_number, late=is_late(now, order.ship_by))
    timers.schedule(session, "order.auto_confirm", subject(order), order.confirm_by, order.store_id, order_id=order.id)
    return order


def mark_delivered(session: Session, now: datetime, actor: Principal, order_id: int) -> Order:
    order = get_order(session, actor, order_id, for_update=True)
    require_store_manager(actor, order.store_id)
    order.status = next_status(order.status, "deliver").value
    order.delivered_at = now
    fulfillment.record_delivery(session, now, order.id)
    events.record(session, now, "order.delivered", subject(order), order.store_id)
    return order


def confirm_receipt(session: Session, now: datetime, actor: Principal, order_id: int) -> Order:
    order = get_order(session, actor, order_id, for_update=True)
    require_role(actor, Role.BUYER, Role.OPERATOR)
    _complete(session, now, order, by=actor.role.value)
    return order


def _complete(session: Session, now: datetime, order: Order, by: str) -> None:
    """确认收货: escrow is released to the store's balance (RULES.md §2.1, §2.2)."""
    order.status = next_status(order.status, "confirm_receipt").value
    order.completed_at = now
    ledger.release_escrow(session, now, order.store_id, order.id, money(order, order.total_minor))
    if order.platform_funded_minor:
        # platform-funded discounts (跨店满减, platform vouchers) are the platform's cost, not the store's
        ledger.pay_platform_subsidy(session, now, order.store_id, order.id, money(order, order.platform_funded_minor))
    if order.points_earned:
        record_points(session, now, order.buyer_id, order.points_earned, "order_completed", subject(order))
    events.record(session, now, "order.completed", subject(order), order.store_id, confirmed_by=by,
                  released_minor=order.total_minor)


def cancel(session: Session, now: datetime, actor: Principal, order_id: int, reason: str = "cancelled") -> Order:
    """Cancel before shipment. A paid order's money goes back to the buyer in full."""
    order = get_order(session, actor, order_id, for_update=True)
    if actor.role is Role.STAFF:
        require_store_manager(actor, order.store_id)
    _close(session, now, order, reason=reason, by=actor.role.value)
    return order


def _close(session: Session, now: datetime, order: Order, reason: str, by: str) -> None:
    was_paid = order.status == OrderStatus.PAID
    order.status = next_status(order.status, "close").value
    order.closed_at, order.close_reason = now, reason
    for line in order.lines:
        inventory.release(session, now, order.store_id, line.sku_id, line.warehouse_id, line.quantity, order.id)
    if not was_paid:
        pricing.give_back(session, now, order.id, order.store_id)  # a cancelled unpaid order gives its coupons back
    if order.points_spent:
        record_points(session, now, order.buyer_id, order.points_spent, "order_closed", subject(order))
    if was_paid:
        ledger.refund_from_escrow(session, now, order.store_id, order.id, money(order, order.total_minor))
        for payment in session.scalars(select(Payment).where(Payment.order_id == order.id, Payment.status == "succeeded")):
            payment.status = "refunded"
    events.record(session, now, "order.closed", subject(order), order.store_id, reason=reason, by=by, refunded=was_paid)


# --- timers -----------------------------------------------------------------------------------

def _timer_order(session: Session, timer: timers.Timer) -> Order | None:
    return session.scalar(select(Order).where(Order.id == timer.payload["order_id"]).with_for_update())


@timers.handles("order.close_unpaid")
def close_unpaid(session: Session, clock: Clock, timer: timers.Timer) -> None:
    order = _timer_order(session, timer)
    now = clock.now()
    if order and order.status == OrderStatus.AWAITING_PAYMENT and now >= order.pay_by:
        _close(session, now, order, reason="payment_window_passed", by="system")


@timers.handles("order.auto_confirm")
def auto_confirm(session: Session, clock: Clock, timer: timers.Timer) -> None:
    order = _timer_order(session, timer)
    now = clock.now()
    if order and order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED) and order.confirm_by and now >= order.confirm_by:
        _complete(session, now, order, by="system")


@timers.handles("order.ship_deadline")
def ship_deadline(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """Record the breach; the late-shipment refund (RULES.md §7.3) belongs to after-sales."""
    order = _timer_order(session, timer)
    if order and order.status == OrderStatus.PAID:
        events.record(session, clock.now(), "order.ship_overdue", subject(order), order.store_id,
                      ship_by=order.ship_by.isoformat() if order.ship_by else None)
