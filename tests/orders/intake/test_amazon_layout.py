"""Amazon's all-orders flat file → ImportedOrders (RULES.md §5.1 stage 1, §17.4)."""

from __future__ import annotations

from datetime import UTC, datetime

from orders.intake.files import sample
from shopkeeper.money import Money
from shopkeeper.orders.intake.imported import RowError
from shopkeeper.orders.intake.layouts import parse
from shopkeeper.orders.intake.statuses import IntakeStatus


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def test_an_order_of_two_item_rows_becomes_one_order_with_two_lines() -> None:
    # given the sample file, whose first order spans two rows (one per item)
    result = parse(sample("amazon_all_orders.txt"), "amazon")
    # when the first order is read
    order = result.orders[0]
    # then both rows are its lines, unit prices are item-price ÷ quantity, exact in cents
    assert result.errors == ()
    assert order.channel == "amazon"
    assert order.channel_order_id == "111-1111111-1111111"
    assert [(line.sku, line.quantity, line.unit_price) for line in order.lines] == [
        ("MUG-BLUE-12", 2, usd("12.99")),
        ("TEA-GREEN-100", 1, usd("8.50")),
    ]
    assert order.lines[0].title == 'Blue stoneware mug, 12 oz "Harbor"'
    assert order.lines[0].discount == usd("2.00")


def test_amazon_per_row_amounts_sum_to_the_order() -> None:
    # given an order whose rows each carry shipping, tax, gift wrap and promotion discounts
    order = parse(sample("amazon_all_orders.txt"), "amazon").orders[0]
    # then the order sums them: discounts are positive amounts off, item and ship promotions together
    assert order.shipping == usd("5.99")
    assert order.taxes == usd("4.35")  # 2.60 + 0.60 + 0.30 + 0.85
    assert order.gift_wrap == usd("3.00")
    assert order.discounts == usd("3.00")  # -2.00 item + -1.00 ship promotion
    assert order.total is None  # the all-orders file states no order total
    assert order.computed_total() == usd("44.82")


def test_amazon_order_status_maps_to_ours_and_dates_become_utc() -> None:
    # given orders Unshipped, Shipped (Amazon.de, +01:00), Pending, Canceled and an FBA order in yen
    orders = {o.channel_order_id: o for o in parse(sample("amazon_all_orders.txt"), "amazon").orders}
    # then each maps to our status, and every time is aware UTC
    assert {oid: o.status for oid, o in orders.items()} == {
        "111-1111111-1111111": IntakeStatus.AWAITING_SHIPMENT,
        "222-2222222-2222222": IntakeStatus.SHIPPED,
        "333-3333333-3333333": IntakeStatus.NOT_IMPORTABLE,
        "444-4444444-4444444": IntakeStatus.CANCELLED,
        "503-5555555-5555555": IntakeStatus.AWAITING_SHIPMENT,
    }
    assert orders["222-2222222-2222222"].placed_at == datetime(2026, 11, 3, 8, 30, tzinfo=UTC)
    assert orders["222-2222222-2222222"].channel_status == "Shipped"
    assert orders["222-2222222-2222222"].shipping_service == "Expedited"
    yen = orders["503-5555555-5555555"]
    assert yen.lines[0].unit_price == Money(1980, "JPY")  # JPY has no minor unit
    assert yen.fulfilled_by_channel
    assert yen.placed_at == datetime(2026, 11, 6, 1, 0, tzinfo=UTC)


def test_amazon_ship_to_has_what_the_listed_columns_carry() -> None:
    # given the columns of RULES.md §17.4 (city, state, postal code, country; no street or name)
    order = parse(sample("amazon_all_orders.txt"), "amazon").orders[1]
    # then the address holds those and leaves the rest unknown
    assert (order.ship_to.country, order.ship_to.city, order.ship_to.region, order.ship_to.postal_code) == (
        "DE",
        "Berlin",
        "Berlin",
        "10115",
    )
    assert order.ship_to.name is None and order.ship_to.lines == ()


def test_bad_amazon_rows_are_reported_by_file_line_and_the_rest_parse() -> None:
    # given a file with a bad number, unknown currency, bad date, bad country, missing SKU,
    # an order whose two rows disagree on the purchase date, and an amount finer than a cent
    result = parse(sample("amazon_all_orders_bad.txt"), "amazon")
    # then each bad row is named by its physical line and column, and the good orders still parse
    assert [(e.line_number, e.column) for e in result.errors] == [
        (4, "item-price"),
        (5, "currency"),
        (6, "purchase-date"),
        (7, "ship-country"),
        (8, "sku"),
        (11, "purchase-date"),
        (12, "item-price"),
    ]
    assert "line 9" in result.errors[5].message
    assert [o.channel_order_id for o in result.orders] == ["111-1111111-1111111", "222-2222222-2222222"]


def test_a_missing_amazon_header_column_is_a_file_error_naming_it() -> None:
    # given a file whose header lacks `currency`
    result = parse(sample("amazon_all_orders_bad_header.txt"), "amazon")
    # then nothing is read and the one error names the column on the header line
    assert result.orders == ()
    [error] = result.errors
    assert error == RowError(1, "currency", "required column 'currency' is missing from the header", "missing-column")
    assert (error.code, error.params) == ("missing-column", (("column", "currency"),))


def test_item_price_that_does_not_split_over_the_quantity_is_a_row_error() -> None:
    # given 3 items for 10.00 (3.333... each)
    header = "\t".join(("amazon-order-id", "purchase-date", "order-status", "product-name", "sku", "quantity"))
    header += "\tcurrency\titem-price\tship-country"
    row = "\t".join(("1-1", "2026-11-01T00:00:00Z", "Unshipped", "Mug", "MUG", "3", "USD", "10.00", "US"))
    # when parsed
    result = parse(f"{header}\n{row}\n", "amazon")
    # then the row is refused rather than rounded
    assert result.orders == ()
    assert [(e.line_number, e.column) for e in result.errors] == [(2, "item-price")]
