"""The purchase order's and the supplier payment request's lifecycles as data (state, action) → next state.

A purchase order (采购单) is drafted (from suggestions or by hand), placed with the supplier (from then on its open
quantities are stock in transit), received in one or more deliveries against its lines, and closed; a draft, or a
placed order nothing has arrived for, may be cancelled. Closing an order that is partly received gives up what never
came: it stops counting as in transit.

Readings where RULES.md is silent (our choices):
- Over-receipt is refused (`over-receipt`): a delivery may bring at most each line's open quantity. Extra goods are
  a new order or a stock correction, so the supplier's bill never silently grows.
- A supplier payment request (RULES.md §2.1: "only after this point may a supplier-payment request be submitted";
  the approval chain is the back office's) is written per delivery for what it brought, received quantity × unit
  cost; a supplier paid in advance gets one request for the whole order when it is placed, and none per delivery.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from shopkeeper.errors import Conflict, NotAllowedInState


class OrderStatus(StrEnum):
    DRAFT = "draft"
    PLACED = "placed"
    PARTLY_RECEIVED = "partly_received"
    RECEIVED = "received"
    CLOSED = "closed"
    CANCELLED = "cancelled"


OrderAction = Literal["place", "receive", "close", "cancel"]

ORDER_MOVES: dict[tuple[OrderStatus, OrderAction], OrderStatus] = {
    (OrderStatus.DRAFT, "place"): OrderStatus.PLACED,
    (OrderStatus.DRAFT, "cancel"): OrderStatus.CANCELLED,
    (OrderStatus.PLACED, "receive"): OrderStatus.PARTLY_RECEIVED,  # or RECEIVED when nothing is left open
    (OrderStatus.PLACED, "cancel"): OrderStatus.CANCELLED,
    (OrderStatus.PLACED, "close"): OrderStatus.CLOSED,
    (OrderStatus.PARTLY_RECEIVED, "receive"): OrderStatus.PARTLY_RECEIVED,
    (OrderStatus.PARTLY_RECEIVED, "close"): OrderStatus.CLOSED,
    (OrderStatus.RECEIVED, "close"): OrderStatus.CLOSED,
}

# states whose open quantities are on their way (in transit)
IN_TRANSIT = frozenset({OrderStatus.PLACED, OrderStatus.PARTLY_RECEIVED})


class PaymentStatus(StrEnum):
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"


PaymentAction = Literal["approve", "reject"]

PAYMENT_MOVES: dict[tuple[PaymentStatus, PaymentAction], PaymentStatus] = {
    (PaymentStatus.PENDING_APPROVAL, "approve"): PaymentStatus.APPROVED,
    (PaymentStatus.PENDING_APPROVAL, "reject"): PaymentStatus.REJECTED,
}


class OverReceipt(Conflict):
    code = "over-receipt"
    title = "The delivery brings more than the purchase order has open"


def allowed_actions(status: str) -> list[OrderAction]:
    return [action for (state, action) in ORDER_MOVES if state == status]


def next_status(status: str, action: OrderAction, number: str) -> OrderStatus:
    found = ORDER_MOVES.get((OrderStatus(status), action))
    if found is None:
        raise NotAllowedInState(f"purchase order {number} is {status}; it cannot {action}")
    return found


def after_receipt(open_left: int) -> OrderStatus:
    return OrderStatus.RECEIVED if open_left == 0 else OrderStatus.PARTLY_RECEIVED


def check_receipt(open_by_line: dict[int, int], received: dict[int, int], number: str) -> None:
    """Each received quantity is positive, on one of the order's lines, and at most what the line has open."""
    for line_id, quantity in received.items():
        if line_id not in open_by_line:
            raise NotAllowedInState(f"line {line_id} is not on purchase order {number}")
        if quantity > open_by_line[line_id]:
            raise OverReceipt(f"line {line_id} of purchase order {number} has {open_by_line[line_id]} open, "
                              f"not {quantity}")


def next_payment_status(status: str, action: PaymentAction, request_id: int) -> PaymentStatus:
    found = PAYMENT_MOVES.get((PaymentStatus(status), action))
    if found is None:
        raise NotAllowedInState(f"supplier payment request {request_id} is {status}; it cannot {action}")
    return found
