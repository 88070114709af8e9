"""Channel order statuses → ours (RULES.md §17.4 for AliExpress; the other channels' published values)."""

from __future__ import annotations

import pytest

from shopkeeper.orders.intake.statuses import (
    ALIEXPRESS,
    IntakeStatus,
    aliexpress_status,
    amazon_status,
    ebay_status,
    shopify_status,
)

S = IntakeStatus


@pytest.mark.parametrize(
    ("value", "ours"),
    [
        ("Pending", S.NOT_IMPORTABLE),
        ("PendingAvailability", S.NOT_IMPORTABLE),
        ("Unshipped", S.AWAITING_SHIPMENT),
        ("PartiallyShipped", S.AWAITING_SHIPMENT),
        ("Shipped", S.SHIPPED),
        ("Canceled", S.CANCELLED),
        ("Cancelled", S.CANCELLED),
        ("Unfulfillable", S.NOT_IMPORTABLE),
        ("InvoiceUnconfirmed", S.AWAITING_SHIPMENT),
    ],
)
def test_amazon_order_status(value: str, ours: IntakeStatus) -> None:
    assert amazon_status(value) is ours


@pytest.mark.parametrize(
    ("financial", "fulfillment", "cancelled", "ours"),
    [
        ("paid", "", False, S.AWAITING_SHIPMENT),
        ("paid", "unfulfilled", False, S.AWAITING_SHIPMENT),
        ("paid", "partial", False, S.AWAITING_SHIPMENT),
        ("paid", "fulfilled", False, S.SHIPPED),
        ("partially_refunded", "fulfilled", False, S.SHIPPED),
        ("authorized", "", False, S.PAID),
        ("pending", "", False, S.NOT_IMPORTABLE),
        ("partially_paid", "", False, S.NOT_IMPORTABLE),
        ("refunded", "", False, S.CANCELLED),
        ("voided", "", False, S.CANCELLED),
        ("paid", "restocked", False, S.CANCELLED),
        ("paid", "unfulfilled", True, S.CANCELLED),  # the cancel date wins over a still-paid status
    ],
)
def test_shopify_financial_then_fulfillment_status(financial: str, fulfillment: str, cancelled: bool, ours: IntakeStatus) -> None:
    assert shopify_status(financial, fulfillment, cancelled) is ours


def test_ebay_status_comes_from_its_paid_and_shipped_dates() -> None:
    assert ebay_status(paid=False, shipped=False) is S.NOT_IMPORTABLE
    assert ebay_status(paid=True, shipped=False) is S.AWAITING_SHIPMENT
    assert ebay_status(paid=True, shipped=True) is S.SHIPPED


def test_every_aliexpress_status_of_rules_17_4_has_a_reading() -> None:
    # given the open-API statuses RULES.md §17.4 lists
    listed = (
        "PLACE_ORDER_SUCCESS PAYMENT_PROCESSING RISK_CONTROL WAIT_SELLER_EXAMINE_MONEY WAIT_SELLER_SEND_GOODS "
        "SELLER_PART_SEND_GOODS WAIT_BUYER_ACCEPT_GOODS IN_CANCEL FINISH ARCHIVE RISK_CONTROL_HOLD in_issue in_frozen"
    ).split()
    # then each maps, and the table holds no value the list lacks
    assert all(aliexpress_status(value) is not None for value in listed)
    assert len(ALIEXPRESS) == len(listed)


@pytest.mark.parametrize(
    ("value", "ours"),
    [
        ("PLACE_ORDER_SUCCESS", S.NOT_IMPORTABLE),
        ("RISK_CONTROL", S.PAID),
        ("WAIT_SELLER_EXAMINE_MONEY", S.PAID),
        ("WAIT_SELLER_SEND_GOODS", S.AWAITING_SHIPMENT),
        ("SELLER_PART_SEND_GOODS", S.AWAITING_SHIPMENT),
        ("WAIT_BUYER_ACCEPT_GOODS", S.SHIPPED),
        ("IN_CANCEL", S.NOT_IMPORTABLE),
        ("FINISH", S.COMPLETED),
        ("in_issue", S.SHIPPED),
    ],
)
def test_aliexpress_status(value: str, ours: IntakeStatus) -> None:
    assert aliexpress_status(value) is ours


def test_unknown_values_are_not_guessed() -> None:
    assert amazon_status("Lost") is None
    assert shopify_status("mystery", "", False) is None
    assert shopify_status("paid", "mystery", False) is None
    assert aliexpress_status("WAIT_FOR_GODOT") is None
