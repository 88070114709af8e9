"""Order use cases after checkout (`checkout.py`): reading, payment, shipment, receipt, cancellation, their timers."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shopkeeper import events, rulebooks, timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog.service import store_by_id
from shopkeeper.clock import Clock
from shopkeeper.crossborder import service as customs
from shopkeeper.customers.service import record_points
from shopkeeper.db import matching, newest_first
from shopkeeper.errors import InvalidInput, NotAllowedInState, NotFound
from shopkeeper.fulfillment import service as fulfillment
from shopkeeper.inventory import service as inventory
from shopkeeper.money import Money
from shopkeeper.orders import ledger
from shopkeeper.orders.models import Order, Payment
from shopkeeper.orders.rules import (
    GroupNotComplete,
    OrderStatus,
    PoolNotComplete,
    ShipmentFacts,
    confirm_by,
    counted_as_shipped,
    is_late,
    next_status,
    ship_by,
)
from shopkeeper.promotions import quoting
from shopkeeper.promotions.campaigns import service as campaigns
from shopkeeper.scope import SYSTEM, may_see, require_role, require_store_manager, scoped


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
    return rulebooks.load(store_by_id(session, store_id).rulebook)


# --- reading ----------------------------------------------------------------------------------

def get_order(session: Session, actor: Principal, order_id: int, for_update: bool = False) -> Order:
    """Another tenant's order answers exactly like a missing one."""
    query = select(Order).where(Order.id == order_id)
    if for_update:
        query = query.with_for_update()
    order = session.scalar(query)
    if order is None or not may_see(actor, order):
        raise NotFound(f"order {order_id} does not exist")
    return order


def list_orders(session: Session, actor: Principal, f: OrderFilter) -> list[Order]:
    query = scoped(newest_first(select(Order).options(selectinload(Order.lines)), Order.id, f.limit, f.before_id),
                   actor, Order.store_id, Order.buyer_id)
    query = matching(query, (Order.store_id, f.store_id), (Order.buyer_id, f.buyer_id), (Order.number, f.number or None),
                     (Order.status, OrderStatus(f.status).value if f.status else None))
    if f.placed_from:
        query = query.where(Order.placed_at >= f.placed_from)
    if f.placed_to:
        query = query.where(Order.placed_at < f.placed_to)
    return list(session.scalars(query))


def money(order: Order, minor: int) -> Money:
    return Money(minor, order.currency)


# --- after payment ----------------------------------------------------------------------------

def mark_paid(session: Session, now: datetime, order: Order, payment: Payment) -> None:
    """Called by payments once a verified notification arrives: money goes into escrow."""
    order.status = next_status(order.status, "pay").value
    order.paid_at = now
    held = is_held(order)  # 拼团, 拼单: the ship-by clock starts when the group is complete, the basket full
    order.ship_by = None if held else ship_by(now, book_of(session, order.store_id), campaign_ship_within(session, order, now))
    ledger.hold_in_escrow(session, now, order.store_id, order.id, money(order, payment.amount_minor))
    quoting.settle(session, order.id)
    events.record(session, now, "order.paid", subject(order), order.store_id, payment_id=payment.id,
                  amount_minor=payment.amount_minor, ship_by=order.ship_by.isoformat() if order.ship_by else None,
                  **({"held_for_group": order.held_for_group} if order.held_for_group is not None else {}),
                  **({"held_for_pool": order.held_for_pool} if order.held_for_pool is not None else {}))
    if order.ship_by is not None:
        timers.schedule(session, "order.ship_deadline", subject(order), order.ship_by, order.store_id, order_id=order.id)
    _tell("paid", session, now, order)  # a group buy takes a seat (or refunds at once); distribution freezes commission


def campaign_ship_within(session: Session, order: Order, at: datetime) -> list[int]:
    """The `ship_within_hours` of the campaigns live at `at` whose entries priced the order's lines ("campaign-entry:3")."""
    entry_ids = sorted({int(d["promotion"].split(":", 1)[1]) for line in order.lines for d in line.discounts
                        if str(d.get("promotion", "")).startswith("campaign-entry:")})
    return campaigns.ship_within_hours(session, entry_ids, at)


def shipment_facts(order: Order) -> ShipmentFacts:
    return ShipmentFacts(shipped_at=order.shipped_at, picked_up_at=order.picked_up_at)


def ship(session: Session, now: datetime, actor: Principal, order_id: int, carrier: str, tracking_number: str,
         original_invoice: bool = False) -> Order:
    """The seller enters the carrier and tracking number. A cross-border parcel the destination refuses does not go
    (RULES.md §6.1: Pakistan wants the original commercial invoice, `original_invoice`, and no used goods)."""
    order = get_order(session, actor, order_id, for_update=True)
    require_store_manager(actor, order.store_id)
    if not carrier.strip() or not tracking_number.strip():
        raise InvalidInput("carrier and tracking number are required")
    shipped = next_status(order.status, "ship")
    if order.held_for_group is not None:
        raise GroupNotComplete(f"order {order.id} waits for its group buy to fill; it ships once the group is complete",
                               group_buy_id=order.held_for_group)
    if order.held_for_pool is not None:
        raise PoolNotComplete(f"order {order.id} waits for its pool to reach its threshold; it ships once the pool is complete",
                              pool_id=order.held_for_pool)
    customs.check_shipment(session, order, original_invoice)
    order.status = shipped.value
    inventory.consume_held(session, now, order.store_id, order.id)
    shipment = fulfillment.record_shipment(session, now, order.store_id, order.id, carrier, tracking_number)
    order.shipped_at, order.carrier, order.tracking_number = now, carrier, tracking_number
    book = book_of(session, order.store_id)
    order.confirm_by = confirm_by(now, book, shipment.shipping_class)  # the carrier's class (RULES.md §17.1)
    # RULES.md §5.5: abroad, the buyer's protection runs past the promised delivery time (crossborder.protection)
    guard = customs.protection_of(session, order, now, order.confirm_by, book, shipment.shipping_class)
    order.confirm_by = order.confirm_by if guard is None else guard.confirm_by
    # on a pickup rulebook the order is not shipped yet: late only if the deadline has passed already
    events.record(session, now, "order.shipped", subject(order), order.store_id, carrier=carrier,
                  tracking_number=tracking_number, shipping_class=shipment.shipping_class, late=is_late(shipment_facts(order), book, order.ship_by, now))
    timers.schedule(session, "order.auto_confirm", subject(order), order.confirm_by, order.store_id, order_id=order.id)
    return order


def record_pickup(session: Session, now: datetime, actor: Principal, order_id: int, at: datetime | None = None) -> Order:
    """The carrier's pickup scan (揽件): on Taobao/Tmall this, not the tracking number, is shipping (RULES.md §7.3).

    Store staff or the operator record it for a shipped order, at `at` (no later than now) or now. A second scan
    changes nothing: the first one stands.
    """
    order = get_order(session, actor, order_id, for_update=True)
    require_store_manager(actor, order.store_id)
    if order.picked_up_at is not None:
        return order
    if order.status not in (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED) or order.shipped_at is None:
        raise NotAllowedInState(f"the carrier picks up a shipped order; this one is {order.status}",
                                current_status=order.status, action="pickup")
    scanned = now if at is None else at
    if scanned > now:
        raise InvalidInput("the pickup scan cannot be in the future")
    if order.paid_at is not None and scanned < order.paid_at:
        raise InvalidInput("the pickup scan cannot be before the payment")
    order.picked_up_at = scanned
    customs.fix_duty_payer_at_pickup(session, now, order, scanned)  # RULES.md §6.1: Canada fixes the payer now
    book = book_of(session, order.store_id)
    events.record(session, now, "order.picked_up", subject(order), order.store_id, scanned_at=scanned.isoformat(),
                  counts_as_shipped=book.shipping.shipped_means == "pickup",
                  late=is_late(shipment_facts(order), book, order.ship_by, now))
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
    if order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED) and order.confirm_by is None:
        raise NotAllowedInState("an after-sales case is open on this order; its outcome settles the money",
                                current_status=order.status, action="confirm_receipt")
    complete(session, now, order, by=actor.role.value)
    return order


def complete(session: Session, now: datetime, order: Order, by: str, release: Money | None = None) -> None:
    """确认收货: escrow is released to the store's balance (RULES.md §2.1, §2.2)."""
    order.status = next_status(order.status, "confirm_receipt").value
    order.completed_at = now
    released = money(order, order.total_minor) if release is None else release
    ledger.release_escrow(session, now, order.store_id, order.id, released)
    if order.platform_funded_minor:
        # platform-funded discounts (跨店满减, platform vouchers) are the platform's cost, not the store's
        ledger.pay_platform_subsidy(session, now, order.store_id, order.id, money(order, order.platform_funded_minor))
    if order.points_earned:
        record_points(session, now, order.buyer_id, order.points_earned, "order_completed", subject(order))
    events.record(session, now, "order.completed", subject(order), order.store_id, confirmed_by=by,
                  released_minor=released.minor)
    _tell("completed", session, now, order)


def cancel(session: Session, now: datetime, actor: Principal, order_id: int, reason: str = "cancelled") -> Order:
    """Cancel before shipment. A paid order's money goes back to the buyer in full."""
    order = get_order(session, actor, order_id, for_update=True)
    if actor.role is Role.STAFF:
        require_store_manager(actor, order.store_id)
    close(session, now, order, reason=reason, by=actor.role.value)
    return order


def close(session: Session, now: datetime, order: Order, reason: str, by: str, unpicked: bool = False,
           uncollected: Literal["refund", "return"] | None = None) -> None:
    """Close an unshipped order; `unpicked`: a SHIPPED order the carrier never picked up (after-sales only);
    `uncollected`: a DELIVERED order its buyer never collected from the pickup point (社区团购), its goods written off
    where they are (refund) or taken back to stock (return)."""
    was_paid = order.status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
    order.status = next_status(order.status, "close_uncollected" if uncollected else
                               "close_unpicked" if unpicked else "close").value
    order.closed_at, order.close_reason = now, reason
    if unpicked or uncollected == "return":  # its stock left the shelf at `ship`: back on sale where it left
        inventory.restock_shipped(session, now, SYSTEM, order.id, f"not {'collected' if uncollected else 'picked up'}, {subject(order)}")
    elif uncollected != "refund":  # (a refunded uncollected order's goods stay at the pickup point, written off)
        inventory.release_held(session, now, order.store_id, order.id)
    if not was_paid:
        quoting.give_back(session, now, order.id, order.store_id)  # a cancelled unpaid order gives its coupons back
    if order.points_spent:
        record_points(session, now, order.buyer_id, order.points_spent, "order_closed", subject(order))
    if was_paid:
        ledger.refund_from_escrow(session, now, order.store_id, order.id, money(order, order.total_minor))
        for payment in session.scalars(select(Payment).where(Payment.order_id == order.id, Payment.status == "succeeded")):
            payment.status = "refunded"
    for pending in session.scalars(select(Payment).where(Payment.order_id == order.id, Payment.status == "pending")):
        # a payment still open at the provider ends with its order; money arriving for it later is refunded at once
        pending.status, pending.note = "cancelled", f"order closed: {reason}"[:200]
        events.record(session, now, "payment.cancelled", subject(order), order.store_id, payment_id=pending.id, reason=reason)
    events.record(session, now, "order.closed", subject(order), order.store_id, reason=reason, by=by, refunded=was_paid)
    _tell("closed", session, now, order)  # a group member's seat is free again; a paid order's commission clawed back


# --- after-sales (aftersales.cases.service holds and settles orders through these) -------------------

def hold_receipt(session: Session, now: datetime, order: Order) -> timedelta | None:
    """A case opened on a shipped order: its money stays in escrow until the case ends.

    Platforms stop the automatic receipt clock while a refund is in progress (Taobao 退款中), and the
    buyer cannot confirm receipt meanwhile. Returns the time the clock had left; None when there is no
    clock to hold (the order completed already).
    """
    if order.status not in (OrderStatus.SHIPPED, OrderStatus.DELIVERED) or order.confirm_by is None:
        return None
    left = max(order.confirm_by - now, timedelta(0))
    order.confirm_by = None  # the pending order.auto_confirm timer now finds nothing to do
    events.record(session, now, "order.receipt_held", subject(order), order.store_id, seconds_left=math.ceil(left.total_seconds()))
    return left


def resume_receipt(session: Session, now: datetime, order: Order, left: timedelta) -> None:
    """The case ended without settling the money (withdrawn, lapsed): the receipt clock runs on with the time it had left."""
    if order.status not in (OrderStatus.SHIPPED, OrderStatus.DELIVERED) or order.confirm_by is not None:
        return
    order.confirm_by = now + left
    events.record(session, now, "order.receipt_resumed", subject(order), order.store_id, confirm_by=order.confirm_by.isoformat())
    timers.schedule(session, "order.auto_confirm", subject(order), order.confirm_by, order.store_id, order_id=order.id)


def complete_after_case(session: Session, now: datetime, order: Order) -> Money:
    """A case settled a shipped order (refund paid, or none due): what escrow still holds for it goes to the store.

    DHgate releases the funds the moment an agreement or a ruling is carried out (RULES.md §2.2, §7.1.1);
    the case's refund has left escrow already, so this releases exactly the rest. Returns it.
    """
    held = ledger.balances(session, order.store_id, order.currency, order.id)[ledger.ESCROW]
    complete(session, now, order, by="aftersales", release=held)
    return held


def close_refunded(session: Session, now: datetime, order_id: int, reason: str, by: str = "aftersales") -> Order:
    """After-sales refunds a paid order before shipment (a refund request carried out, the late-shipment refund):
    it closes as a cancellation does, everything paid going back and its stock on sale again. That includes an
    order with a tracking number the carrier never picked up, where pickup is shipping (RULES.md §7.3).
    A group buy that failed closes its members' orders the same way (`by="group_buy"`)."""
    order = get_order(session, SYSTEM, order_id, for_update=True)
    unpicked = order.status == OrderStatus.SHIPPED and counted_as_shipped(shipment_facts(order), book_of(session, order.store_id)) is None
    close(session, now, order, reason=reason, by=by, unpicked=unpicked)
    return order


def refund(session: Session, now: datetime, order: Order, amount: Money) -> str:
    """After-sales pays part of an order back without closing it: from escrow while the order is held, from the
    store's balance once it completed (a 售后 refund after 交易成功). Listeners hear `refunded` in the same transaction."""
    source = ledger.STORE_BALANCE if order.status == OrderStatus.COMPLETED else ledger.ESCROW
    reference = ledger.transfer(session, now, "refund", order.store_id, order.id, amount, source, ledger.PROVIDER)
    _tell("refunded", session, now, order)
    return reference


# --- listeners: other domains hear what happened to an order, in its transaction ----------------------

OrderEvent = Literal["paid", "closed", "completed", "refunded"]
Listener = Callable[[Session, datetime, Order], None]
_LISTENERS: dict[str, list[Listener]] = {}


def listen(event: OrderEvent, *listeners: Listener) -> None:
    """Who hears, in the same transaction, that an order was paid, closed, completed or partly refunded: the
    composition root installs the social domain's use cases (orders never import them). Each listener checks
    whether the order concerns it. Installing the same listener twice keeps one."""
    table = _LISTENERS.setdefault(event, [])
    table.extend(listener for listener in listeners if listener not in table)


def _tell(event: OrderEvent, session: Session, now: datetime, order: Order) -> None:
    for listener in _LISTENERS.get(event, ()):
        listener(session, now, order)


# --- group buys (拼团): social.groupbuys holds a member's order until its group is complete -------------

def is_held(order: Order) -> bool:
    """A group buy (拼团) or a pool (拼单) holds the order: it does not ship, and has no ship-by clock, yet."""
    return order.held_for_group is not None or order.held_for_pool is not None


def release_group_hold(session: Session, now: datetime, order_id: int) -> Order:
    """The order's group is complete: it may ship now, and a paid order's ship-by clock starts now."""
    order = get_order(session, SYSTEM, order_id, for_update=True)
    group_buy_id, order.held_for_group = order.held_for_group, None
    if group_buy_id is not None:
        _start_ship_clock(session, now, order, "order.group_complete", group_buy_id=group_buy_id)
    return order


def release_pool_hold(session: Session, now: datetime, order_id: int) -> Order:
    """拼单: the order's pool reached its threshold: it may ship now, and a paid order's ship-by clock starts now."""
    order = get_order(session, SYSTEM, order_id, for_update=True)
    pool_id, order.held_for_pool = order.held_for_pool, None
    if pool_id is not None:
        _start_ship_clock(session, now, order, "order.pool_complete", pool_id=pool_id)
    return order


def _start_ship_clock(session: Session, now: datetime, order: Order, event: str, **data: int) -> None:
    if order.status != OrderStatus.PAID:
        return
    order.ship_by = ship_by(now, book_of(session, order.store_id), campaign_ship_within(session, order, now))
    events.record(session, now, event, subject(order), order.store_id, ship_by=order.ship_by.isoformat(), **data)
    timers.schedule(session, "order.ship_deadline", subject(order), order.ship_by, order.store_id, order_id=order.id)


# --- timers -----------------------------------------------------------------------------------

def _timer_order(session: Session, timer: timers.Timer) -> Order | None:
    return session.scalar(select(Order).where(Order.id == timer.payload["order_id"]).with_for_update())


def close_unpaid(session: Session, clock: Clock, timer: timers.Timer) -> None:
    order = _timer_order(session, timer)
    now = clock.now()
    if order and order.status == OrderStatus.AWAITING_PAYMENT and now >= order.pay_by:
        close(session, now, order, reason="payment_window_passed", by="system")


def auto_confirm(session: Session, clock: Clock, timer: timers.Timer) -> None:
    order = _timer_order(session, timer)
    now = clock.now()
    if order and order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED) and order.confirm_by and now >= order.confirm_by:
        complete(session, now, order, by="system")


def ship_deadline(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """Record the breach; the late-shipment refund (RULES.md §7.3) belongs to after-sales."""
    order = _timer_order(session, timer)
    if order is None or order.status not in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        return
    now = clock.now()
    book = book_of(session, order.store_id)
    if counted_as_shipped(shipment_facts(order), book) is None and (order.ship_by is None or now >= order.ship_by):
        events.record(session, now, "order.ship_overdue", subject(order), order.store_id,
                      ship_by=order.ship_by.isoformat() if order.ship_by else None,
                      tracking_entered=order.shipped_at is not None)
