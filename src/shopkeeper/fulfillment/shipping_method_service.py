"""The buyer's logistics method and changes to it (RULES.md §5.5): "the seller must ship by the logistics method the
buyer selected; it may not be changed without the buyer's consent", and the communication is kept.

Staff (or the operator) propose another method, with a note; the buyer of the order accepts or refuses. Until the
buyer accepts, the order keeps its method and allocation ships by it. Each proposal and answer is kept as a row
and an event: that is the kept communication. One proposal waits at a time.

The promised delivery days shown with the order are the store's promise for the destination, capped at 90 for
Russia, Brazil and Argentina when stored (allocation_service.change_settings). The after-sales windows that depend
on the promise are a later step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.errors import Conflict, Forbidden, NotAllowedInState, NotFound
from shopkeeper.fulfillment.models import AllocationSettings, ShippingMethodChange
from shopkeeper.orders import service as orders
from shopkeeper.orders import shipping_choice
from shopkeeper.orders.rules import OrderStatus
from shopkeeper.scope import may_see, require_role

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

MAX_METHOD = 64


@dataclass(frozen=True)
class ShippingView:
    order: Order
    pending: ShippingMethodChange | None
    promised_delivery_days: int | None


def _order(session: Session, actor: Principal, order_id: int, for_update: bool = False) -> Order:
    return orders.get_order(session, actor, order_id, for_update)


def _pending(session: Session, order_id: int) -> ShippingMethodChange | None:
    return session.scalar(select(ShippingMethodChange).where(ShippingMethodChange.order_id == order_id,
                                                             ShippingMethodChange.status == "proposed"))


def promised_days(session: Session, order: Order) -> int | None:
    settings = session.get(AllocationSettings, order.store_id)
    country = str(order.ship_to.get("country", ""))
    value = settings.promised_days.get(country) if settings else None
    return int(value) if value is not None else None


def shipping_view(session: Session, actor: Principal, order_id: int) -> ShippingView:
    """The order's method, a change waiting for the buyer, and the promised delivery days: its buyer and its staff."""
    order = _order(session, actor, order_id)
    return ShippingView(order, _pending(session, order.id), promised_days(session, order))


def propose_change(session: Session, now: datetime, actor: Principal, order_id: int, to_method: str,
                   note: str) -> ShippingMethodChange:
    require_role(actor, Role.OPERATOR, Role.STAFF)
    order = _order(session, actor, order_id, for_update=True)
    if order.status != OrderStatus.PAID or order.shipped_at is not None:
        raise NotAllowedInState(f"order {order.number} has no shipping method left to change", current_status=order.status)
    if to_method == order.shipping_method:
        raise Conflict(f"order {order.number} ships by {to_method} already")
    if _pending(session, order.id) is not None:
        raise Conflict(f"order {order.number} has a change of shipping method waiting for the buyer")
    change = ShippingMethodChange(order_id=order.id, store_id=order.store_id, buyer_id=order.buyer_id,
                                  from_method=order.shipping_method, to_method=to_method, note=note, status="proposed",
                                  proposed_at=now)
    session.add(change)
    session.flush()
    events.record(session, now, "order.shipping_method_proposed", f"order:{order.id}", order.store_id, change_id=change.id,
                  from_method=change.from_method, to_method=to_method, note=note)
    return change


def answer_change(session: Session, now: datetime, actor: Principal, change_id: int, accept: bool) -> ShippingMethodChange:
    """Only the order's buyer answers: consent is the buyer's (§5.5)."""
    change = session.get(ShippingMethodChange, change_id)
    if change is None or not may_see(actor, change):
        raise NotFound(f"shipping method change {change_id} does not exist")
    if actor.role is not Role.BUYER:
        raise Forbidden("only the buyer may accept or refuse a change of shipping method")
    order = _order(session, actor, change.order_id, for_update=True)
    if change.status != "proposed":
        raise NotAllowedInState(f"shipping method change {change_id} is {change.status} already", current_status=change.status)
    if order.shipped_at is not None:
        raise NotAllowedInState(f"order {order.number} has no shipping method left to change", current_status=order.status)
    change.status, change.answered_at = ("accepted" if accept else "refused"), now
    if accept:
        shipping_choice.change_shipping_method(order, change.to_method)
    said = {"change_id": change.id, "from_method": change.from_method, "to_method": change.to_method}
    if accept:
        events.record(session, now, "order.shipping_method_accepted", f"order:{order.id}", order.store_id, **said)
    else:
        events.record(session, now, "order.shipping_method_refused", f"order:{order.id}", order.store_id, **said)
    return change
