"""Shopify's orders export CSV → ImportedOrders (RULES.md §5.1 stage 1, §17.4)."""

from __future__ import annotations

from datetime import UTC, datetime

from orders.intake.files import sample
from shopkeeper.money import Money
from shopkeeper.orders.intake.imported import RowError, ShipTo
from shopkeeper.orders.intake.layouts import parse
from shopkeeper.orders.intake.statuses import IntakeStatus


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def test_a_three_line_order_groups_its_rows_whose_order_fields_are_blank() -> None:
    # given #1001: an order row (its Notes span two physical lines) and two line-item-only rows
    result = parse(sample("shopify_orders.csv"), "shopify")
    order = result.orders[0]
    # then it is one order with three lines at exact prices, and the stated total reconciles
    assert result.errors == ()
    assert order.channel_order_id == "#1001"
    assert [(line.sku, line.quantity, line.unit_price) for line in order.lines] == [
        ("MUG-BLUE-12", 2, usd("12.00")),
        ("TEA-GREEN-100", 1, usd("8.50")),
        ("POT-CAST-1", 1, usd("30.00")),
    ]
    assert (order.shipping, order.discounts, order.taxes, order.total) == (
        usd("5.00"),
        usd("6.25"),
        usd("4.50"),
        usd("65.75"),
    )
    assert order.computed_total() == order.total
    assert [line.discount for line in order.lines] == [usd("2.40"), usd("0.85"), usd("3.00")]


def test_shopify_address_buyer_and_time() -> None:
    # given #1001, created at 09:15:30 -0500, shipping to Boston with the zip guarded by an apostrophe
    order = parse(sample("shopify_orders.csv"), "shopify").orders[0]
    # then the time is UTC and the zip keeps its leading zero without the apostrophe
    assert order.placed_at == datetime(2026, 11, 2, 14, 15, 30, tzinfo=UTC)
    assert order.ship_to == ShipTo(
        country="US",
        name="Ada Lovelace",
        lines=("12 Beacon St", "Apt 4"),
        city="Boston",
        region="MA",
        postal_code="02134",
        phone="+1 617 555 0100",
    )
    assert (order.buyer_name, order.buyer_email, order.shipping_service) == (
        "Ada Lovelace",
        "ada@example.com",
        "Standard Shipping",
    )


def test_the_physical_line_of_each_order_counts_a_quoted_line_break() -> None:
    # given #1001's note holds a line break, so #1002 starts on line 6, not 5
    orders = parse(sample("shopify_orders.csv"), "shopify").orders
    # then each order points at the line it starts on
    assert [(o.channel_order_id, o.first_line) for o in orders] == [("#1001", 2), ("#1002", 6), ("#1003", 7), ("#1004", 8)]


def test_shopify_financial_and_fulfillment_statuses_map_to_ours() -> None:
    # given paid/unfulfilled, paid/fulfilled, refunded and cancelled, pending
    orders = parse(sample("shopify_orders.csv"), "shopify").orders
    # then: to ship, shipped, cancelled, not importable
    assert [(o.channel_status, o.status) for o in orders] == [
        ("paid/unfulfilled", IntakeStatus.AWAITING_SHIPMENT),
        ("paid/fulfilled", IntakeStatus.SHIPPED),
        ("refunded/unfulfilled/cancelled", IntakeStatus.CANCELLED),
        ("pending/unfulfilled", IntakeStatus.NOT_IMPORTABLE),
    ]
    assert [o.currency for o in orders] == ["USD", "CAD", "GBP", "EUR"]


def test_an_older_export_without_the_later_columns_parses() -> None:
    # given an export that ends before `Lineitem discount` (no Id, Phone, Tax columns ...)
    result = parse(sample("shopify_orders_old.csv"), "shopify")
    # then its orders parse the same way; the missing line discounts read as zero
    assert result.errors == ()
    first, second = result.orders
    assert first.channel_order_id == "#880" and len(first.lines) == 2
    assert first.status is IntakeStatus.AWAITING_SHIPMENT  # paid, partially fulfilled: the rest still ships
    assert all(line.discount == usd("0") for line in first.lines)
    assert first.total == first.computed_total() == usd("24.50")
    assert second.status is IntakeStatus.PAID  # authorized: money held, to capture before shipping
    assert second.buyer_name is None  # no billing address on that order


def test_bad_shopify_rows_are_reported_by_file_line_and_the_rest_parse() -> None:
    # given bad quantity, unknown currency, bad date, bad country, an order whose two rows state
    # different totals, a malformed price, and line-item rows of an order that has no order row
    result = parse(sample("shopify_orders_bad.csv"), "shopify")
    # then each is reported on its line and column, and the two good orders parse
    assert [(e.line_number, e.column) for e in result.errors] == [
        (3, "Lineitem quantity"),
        (4, "Currency"),
        (5, "Created at"),
        (6, "Shipping Country"),
        (8, "Total"),
        (9, "Lineitem price"),
        (10, "Financial Status"),
    ]
    assert [o.channel_order_id for o in result.orders] == ["#2001", "#2009"]


def test_a_missing_shopify_header_column_is_named() -> None:
    # given an export without `Lineitem sku`
    result = parse(sample("shopify_orders_bad_header.csv"), "shopify")
    # then no order is read and the column is named
    assert result == type(result)((), (RowError(1, "Lineitem sku", "required column 'Lineitem sku' is missing from the header",
                                                  "missing-column"),))
