"""Community group buying (社区团购) through orders: `social.community` delivers an order to its pickup point and the
buyer collects it there with a code, or the store's pickup deadline closes it. Orders never import the community:
it calls these, holding the order's lock as orders' own use cases do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.fulfillment import service as fulfillment
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import service
from shopkeeper.orders.models import Order
from shopkeeper.orders.rules import is_late, next_status
from shopkeeper.orders.service import book_of, get_order, shipment_facts, subject
from shopkeeper.scope import SYSTEM


def deliver_to_pickup(session: Session, now: datetime, order_id: int, carrier: str, reference: str) -> Order:
    """The merchant's own delivery reached the order's pickup point (its address): the order ships, is picked up
    (the goods left) and is delivered at once. No receipt clock runs: the buyer's pickup code completes it
    (`complete_on_pickup`), or the store's pickup deadline closes it (`close_uncollected`)."""
    order = get_order(session, SYSTEM, order_id, for_update=True)
    order.status = next_status(order.status, "ship").value
    inventory.consume_held(session, now, order.store_id, order.id)
    shipment = fulfillment.record_shipment(session, now, order.store_id, order.id, carrier, reference)
    order.shipped_at = order.picked_up_at = now
    order.carrier, order.tracking_number = carrier, reference
    book = book_of(session, order.store_id)
    events.record(session, now, "order.shipped", subject(order), order.store_id, carrier=carrier, tracking_number=reference,
                  shipping_class=shipment.shipping_class, late=is_late(shipment_facts(order), book, order.ship_by, now))
    order.status = next_status(order.status, "deliver").value
    order.delivered_at = now
    fulfillment.record_delivery(session, now, order.id)
    events.record(session, now, "order.delivered", subject(order), order.store_id)
    return order


def complete_on_pickup(session: Session, now: datetime, order_id: int) -> Order:
    """The buyer collected the order with its code: 确认收货, escrow released to the store (RULES.md §2.1)."""
    order = get_order(session, SYSTEM, order_id, for_update=True)
    service.complete(session, now, order, by="pickup")
    return order


def close_uncollected(session: Session, now: datetime, order_id: int, outcome: Literal["refund", "return"]) -> Order:
    """The buyer did not collect the order in the store's time: everything paid goes back; the goods stay where they
    are (`refund`) or come back to stock (`return`), as the store's setting says."""
    order = get_order(session, SYSTEM, order_id, for_update=True)
    service.close(session, now, order, reason="not_collected", by="system", uncollected=outcome)
    return order
