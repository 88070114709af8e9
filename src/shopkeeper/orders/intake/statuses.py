"""What a marketplace's order status means for us on intake (RULES.md §5.1 stage 1, §17.4).

Six outcomes, enough for the import step to decide what to do with an order:

- `paid`: the money is in (or held) but the channel says do not ship yet (a risk check, the
  seller still to confirm the funds);
- `awaiting_shipment`: paid and released for shipping; this is the order stage 2 allocates;
- `shipped`: the channel already has a shipment (imported so stock and history are right);
- `completed`: finished on the channel (buyer confirmed, or archived);
- `cancelled`: cancelled, voided or refunded in full;
- `not_importable`: nothing to do yet (unpaid, payment pending); a later fetch sees it again.

Each mapping is our reading of the channel's published values; RULES.md lists the AliExpress
values only (§17.4) and is silent on the rest, so every choice is stated next to its value.
Unknown values give None, and the layout reports the row rather than guess.
"""

from __future__ import annotations

from enum import StrEnum


class IntakeStatus(StrEnum):
    PAID = "paid"
    AWAITING_SHIPMENT = "awaiting_shipment"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NOT_IMPORTABLE = "not_importable"


# Amazon order-status (SP-API OrderStatus and the flat file's spellings), read case-insensitively.
AMAZON: dict[str, IntakeStatus] = {
    "pending": IntakeStatus.NOT_IMPORTABLE,  # payment not yet authorised: Amazon says do not ship
    "pendingavailability": IntakeStatus.NOT_IMPORTABLE,  # pre-order, not yet chargeable
    "unshipped": IntakeStatus.AWAITING_SHIPMENT,
    "partiallyshipped": IntakeStatus.AWAITING_SHIPMENT,  # our reading: some items still to ship
    "invoiceunconfirmed": IntakeStatus.AWAITING_SHIPMENT,  # paid; only the invoice is awaited
    "shipping": IntakeStatus.AWAITING_SHIPMENT,  # flat-file spelling of an order being shipped
    "shipped": IntakeStatus.SHIPPED,
    "complete": IntakeStatus.COMPLETED,  # our reading of the rare flat-file "Complete"
    "canceled": IntakeStatus.CANCELLED,
    "cancelled": IntakeStatus.CANCELLED,
    "unfulfillable": IntakeStatus.NOT_IMPORTABLE,  # Amazon-fulfilled order Amazon cannot fulfil
}

# Shopify Financial Status, before the Fulfillment Status is read (see `shopify_status`).
_SHOPIFY_FINANCIAL: dict[str, IntakeStatus | None] = {
    "pending": IntakeStatus.NOT_IMPORTABLE,
    "partially_paid": IntakeStatus.NOT_IMPORTABLE,  # our reading: ship only what is paid in full
    "authorized": IntakeStatus.PAID,  # our reading: money held, to capture before shipping
    "paid": None,  # the fulfillment status decides
    "partially_refunded": None,  # part refunded; the rest still ships
    "refunded": IntakeStatus.CANCELLED,
    "voided": IntakeStatus.CANCELLED,
}

_SHOPIFY_FULFILLMENT: dict[str, IntakeStatus] = {
    "": IntakeStatus.AWAITING_SHIPMENT,  # blank is Shopify's "unfulfilled" in older exports
    "unfulfilled": IntakeStatus.AWAITING_SHIPMENT,
    "pending": IntakeStatus.AWAITING_SHIPMENT,
    "partial": IntakeStatus.AWAITING_SHIPMENT,  # our reading: some items still to ship
    "fulfilled": IntakeStatus.SHIPPED,
    "restocked": IntakeStatus.CANCELLED,
}

# AliExpress open-API order statuses (RULES.md §17.4), read case-insensitively.
ALIEXPRESS: dict[str, IntakeStatus] = {
    "place_order_success": IntakeStatus.NOT_IMPORTABLE,  # placed, not paid
    "payment_processing": IntakeStatus.NOT_IMPORTABLE,
    "risk_control": IntakeStatus.PAID,  # paid, under the platform's risk check: do not ship
    "risk_control_hold": IntakeStatus.PAID,
    "wait_seller_examine_money": IntakeStatus.PAID,  # the seller is to confirm the funds first
    "wait_seller_send_goods": IntakeStatus.AWAITING_SHIPMENT,
    "seller_part_send_goods": IntakeStatus.AWAITING_SHIPMENT,  # our reading: items still to ship
    "wait_buyer_accept_goods": IntakeStatus.SHIPPED,
    "in_cancel": IntakeStatus.NOT_IMPORTABLE,  # our reading: a cancel request is open; wait for its end
    "finish": IntakeStatus.COMPLETED,
    "archive": IntakeStatus.COMPLETED,  # our reading: archived orders are finished ones
    "in_issue": IntakeStatus.SHIPPED,  # our reading: a dispute opens after shipment (RULES.md §7.2)
    "in_frozen": IntakeStatus.SHIPPED,  # our reading: funds frozen by a dispute, goods already sent
}


def _key(value: str) -> str:
    return "".join(value.split()).casefold()


def amazon_status(order_status: str) -> IntakeStatus | None:
    return AMAZON.get(_key(order_status))


def shopify_status(financial: str, fulfillment: str, cancelled: bool) -> IntakeStatus | None:
    """Financial status first, then fulfillment; a Cancelled at date wins over both.

    Shopify keeps a cancelled order's financial status (often `refunded` or `voided`, but a
    cancelled order can stay `paid` until the refund goes out), so the cancel date is read first.
    """
    if cancelled:
        return IntakeStatus.CANCELLED
    financial_key = _key(financial)
    if financial_key not in _SHOPIFY_FINANCIAL:
        return None
    decided = _SHOPIFY_FINANCIAL[financial_key]
    if decided is not None:
        return decided
    return _SHOPIFY_FULFILLMENT.get(_key(fulfillment))


def ebay_status(paid: bool, shipped: bool) -> IntakeStatus:
    """eBay's report has no status column; its Paid On and Shipped On dates say it.

    Our reading: a shipped date means shipped (even without a paid date, as for some managed
    payments rows); a paid date alone means ready to ship; neither means awaiting payment.
    """
    if shipped:
        return IntakeStatus.SHIPPED
    return IntakeStatus.AWAITING_SHIPMENT if paid else IntakeStatus.NOT_IMPORTABLE


def aliexpress_status(status: str) -> IntakeStatus | None:
    return ALIEXPRESS.get(_key(status))
