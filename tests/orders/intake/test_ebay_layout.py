"""eBay's Seller Hub orders report → ImportedOrders, US and UK files (RULES.md §5.1 stage 1, §17.4)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from orders.intake.files import sample
from shopkeeper.money import Money
from shopkeeper.orders.intake.layouts import parse
from shopkeeper.orders.intake.statuses import IntakeStatus


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def test_preamble_and_footer_are_skipped_and_lines_count_from_the_top_of_the_file() -> None:
    # given a US report with two preamble lines before the header and a blank line plus
    # "3 record(s) downloaded" and a seller line after the data
    result = parse(sample("ebay_orders_us.csv"), "ebay")
    # then exactly the three orders parse, numbered by their physical lines (header on line 3)
    assert result.errors == ()
    assert [(o.channel_order_id, o.first_line) for o in result.orders] == [
        ("12-11111-11111", 4),
        ("13-22222-22222", 6),
        ("14-33333-33333", 7),
    ]


def test_a_two_item_ebay_order_groups_and_reconciles_with_its_total() -> None:
    # given an order of two rows, the second leaving the order fields blank, whose eBay-collected
    # tax is included in the total
    order = parse(sample("ebay_orders_us.csv"), "ebay").orders[0]
    # then both items are lines, Sold For is the unit price, and the total reconciles
    assert [(line.sku, line.quantity, line.unit_price) for line in order.lines] == [
        ("MUG-BLUE-12", 2, usd("12.00")),
        ("TEA-GREEN-100", 1, usd("8.50")),
    ]
    assert (order.shipping, order.taxes, order.discounts, order.total) == (
        usd("5.00"),
        usd("2.38"),
        usd("0"),
        usd("39.88"),
    )
    assert order.reconciles
    assert order.ship_to.country == "US"  # "United States" in the file
    assert order.ship_to.lines == ("12 Beacon St", "Apt 4")
    assert order.shipping_service == "USPS Priority Mail"


def test_ebay_paid_and_shipped_dates_give_the_status() -> None:
    # given a paid order, a shipped one and an unpaid one (whose item has no Custom Label)
    orders = parse(sample("ebay_orders_us.csv"), "ebay").orders
    # then: to ship, shipped, not importable; the unlabelled item keeps its eBay item number
    assert [(o.channel_status, o.status) for o in orders] == [
        ("paid", IntakeStatus.AWAITING_SHIPMENT),
        ("shipped", IntakeStatus.SHIPPED),
        ("unpaid", IntakeStatus.NOT_IMPORTABLE),
    ]
    assert orders[2].lines[0].sku == "284400000004"
    assert orders[1].taxes == usd("0")  # eBay collected tax not included in the total


def test_ebay_dates_without_zone_are_read_in_the_zone_given() -> None:
    # given "Nov-02-26" with no zone
    default = parse(sample("ebay_orders_us.csv"), "ebay").orders[0]
    pacific = parse(sample("ebay_orders_us.csv"), "ebay", zone=ZoneInfo("America/Los_Angeles")).orders[0]
    # then by default it is UTC midnight; read as Pacific time (PST since 1 November) it is 08:00 UTC
    assert default.placed_at == datetime(2026, 11, 2, tzinfo=UTC)
    assert pacific.placed_at == datetime(2026, 11, 2, 8, tzinfo=UTC)


def test_a_uk_report_says_post_to_and_writes_dates_day_first() -> None:
    # given a UK report: "Post To ..." columns, "02-Nov-26", pounds, "United Kingdom"
    result = parse(sample("ebay_orders_uk.csv"), "ebay")
    # then it reads like the US one
    assert result.errors == ()
    (order,) = result.orders
    assert order.currency == "GBP"
    assert order.placed_at == datetime(2026, 11, 2, tzinfo=UTC)
    assert order.ship_to.name == "Alan Turing"
    assert (order.ship_to.country, order.ship_to.postal_code, order.ship_to.phone) == ("GB", "SK9 1AA", "07700 900123")
    assert order.lines[0].unit_price == Money.of("12.00", "GBP")
    assert order.total == order.computed_total() == Money.of("27.95", "GBP")


def test_a_uk_row_error_names_the_column_as_the_file_spells_it() -> None:
    # given the UK report with its country spoiled
    text = sample("ebay_orders_uk.csv").replace('"United Kingdom"', '"Mordor"')
    # then the error names "Post To Country" (and "Buyer Country" is not read)
    result = parse(text, "ebay")
    assert [(e.line_number, e.column) for e in result.errors] == [(2, "Post To Country")]


def test_bad_ebay_rows_are_reported_by_file_line_and_the_rest_parse() -> None:
    # given a bad number, an unknown currency, an impossible date, an unknown country,
    # a pound price in a dollar order and a missing quantity
    result = parse(sample("ebay_orders_us_bad.csv"), "ebay")
    # then each is reported on its physical line (preamble counted), and the good two parse
    assert [(e.line_number, e.column) for e in result.errors] == [
        (5, "Sold For"),
        (6, "Total Price"),
        (7, "Sale Date"),
        (8, "Ship To Country"),
        (9, "Sold For"),
        (10, "Quantity"),
    ]
    assert [o.channel_order_id for o in result.orders] == ["31-00000-00001", "31-00000-00008"]


def test_a_missing_ebay_header_column_is_named_on_the_header_line() -> None:
    # given a report without `Total Price`, its header on line 3
    result = parse(sample("ebay_orders_bad_header.csv"), "ebay")
    # then the error is on line 3 and names it
    assert result.orders == ()
    assert [(e.line_number, e.column) for e in result.errors] == [(3, "Total Price")]
