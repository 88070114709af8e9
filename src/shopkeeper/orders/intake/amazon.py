"""Amazon's all-orders flat file: tab-separated, one row per order item (RULES.md §17.4).

Our readings of the official attribute list:
- `item-price`, `item-tax`, `shipping-price` ... are for the row's whole quantity, so the unit
  price is item-price ÷ quantity and must divide exactly into minor units (else the row is bad);
  a quantity of 0 (Amazon's cancelled items) keeps item-price as the unit price.
- promotion discounts are read as amounts off whatever their sign (reports print them as
  "-1.00" or "1.00"); the order's discounts are item- plus ship-promotion discounts.
- the listed columns carry no street, recipient, phone or buyer; when a file also has Amazon's
  optional `recipient-name`, `ship-address-1..3`, `ship-phone-number`, `buyer-name` or
  `buyer-email`, they are read.
- a blank amount is zero (Pending orders carry no prices yet).
- `fulfillment-channel` "Amazon" (FBA) marks the order as fulfilled by the channel.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import tzinfo

from shopkeeper.money import Money
from shopkeeper.orders.intake.grouping import parse_groups
from shopkeeper.orders.intake.imported import ImportedLine, ImportedOrder, ParseResult, RowError, ShipTo
from shopkeeper.orders.intake.reading import Cells, Row, Table, missing_columns, read_table
from shopkeeper.orders.intake.statuses import amazon_status

COLUMNS = (
    "amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
    "fulfillment-channel", "sales-channel", "order-channel", "ship-service-level", "product-name", "sku",
    "asin", "item-status", "quantity", "currency", "item-price", "item-tax", "shipping-price", "shipping-tax",
    "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount", "ship-promotion-discount", "ship-city",
    "ship-state", "ship-postal-code", "ship-country", "promotion-ids", "cpf", "is-business-order",
    "purchase-order-number", "price-designation",
)  # fmt: skip

REQUIRED = (
    "amazon-order-id", "purchase-date", "order-status", "product-name", "sku", "quantity", "currency",
    "item-price", "ship-country",
)  # fmt: skip

ORDER_COLUMNS = (
    "purchase-date", "order-status", "fulfillment-channel", "sales-channel", "ship-service-level", "currency",
    "ship-city", "ship-state", "ship-postal-code", "ship-country", "recipient-name", "buyer-email",
)  # fmt: skip

_PER_ROW = ("shipping-price", "item-tax", "shipping-tax", "gift-wrap-price", "gift-wrap-tax")


def is_header(cells: Sequence[str]) -> bool:
    return "amazon-order-id" in [c.strip().lstrip("\ufeff") for c in cells]


def parse(text: str | Iterable[str], zone: tzinfo) -> ParseResult:
    table = read_table(text, delimiter="\t", is_header=is_header)
    if table is None:
        return ParseResult((), (RowError(1, "amazon-order-id", "no Amazon header row found", "no-header",
                                           (("layout", "Amazon"),)),))
    missing = missing_columns(table, REQUIRED)
    if missing:
        return ParseResult((), tuple(missing))

    def build(order_id: str, rows: Sequence[Row], errors: list[RowError]) -> ImportedOrder | None:
        return _order(table, order_id, rows, errors, zone)

    return parse_groups(table, order_id="amazon-order-id", order_columns=ORDER_COLUMNS, build=build)


def _order(table: Table, order_id: str, rows: Sequence[Row], errors: list[RowError], zone: tzinfo) -> ImportedOrder | None:
    head = Cells(rows[0], table, errors)
    placed_at = head.moment("purchase-date", (), zone)
    currency = head.currency("currency")
    channel_status = head.required("order-status")
    status = amazon_status(channel_status)
    if channel_status and status is None:
        head.fail("order-status", f"unknown Amazon order status {channel_status!r}", "unknown-status",
                  channel="Amazon", value=channel_status)
    ship_to = _ship_to(head)
    if not head.ok or placed_at is None or status is None:
        return None
    zero = Money.zero(currency)
    lines: list[ImportedLine] = []
    sums = {column: zero for column in _PER_ROW}
    discounts = zero
    for row in rows:
        cells = Cells(row, table, errors)
        line = _line(cells, currency)
        lines.append(line)
        for column in _PER_ROW:
            sums[column] += cells.money(column, currency)
        ship_discount = abs(cells.decimal("ship-promotion-discount"))
        discounts += line.discount + cells.money("ship-promotion-discount", currency, ship_discount)
    return ImportedOrder(
        channel="amazon",
        channel_order_id=order_id,
        placed_at=placed_at,
        channel_status=channel_status,
        status=status,
        currency=currency,
        lines=tuple(lines),
        shipping=sums["shipping-price"],
        discounts=discounts,
        taxes=sums["item-tax"] + sums["shipping-tax"] + sums["gift-wrap-tax"],
        gift_wrap=sums["gift-wrap-price"],
        ship_to=ship_to,
        buyer_name=head.optional("buyer-name"),
        buyer_email=head.optional("buyer-email"),
        shipping_service=head.optional("ship-service-level"),
        fulfilled_by_channel=head.text("fulfillment-channel").casefold() in ("amazon", "afn"),
        first_line=rows[0].line,
    )


def _line(cells: Cells, currency: str) -> ImportedLine:
    quantity = cells.quantity("quantity", minimum=0)
    price = cells.money("item-price", currency)
    discount = cells.money("item-promotion-discount", currency, abs(cells.decimal("item-promotion-discount")))
    unit, left = divmod(price.minor, quantity or 1)
    if left:
        cells.fail("item-price", f"{price} does not split evenly over quantity {quantity}", "price-not-even",
                   price=price, quantity=quantity)
    return ImportedLine(
        sku=cells.required("sku"),
        quantity=quantity,
        unit_price=Money(unit, currency),
        title=cells.text("product-name"),
        discount=discount,
        channel_status=cells.optional("item-status"),
    )


def _ship_to(cells: Cells) -> ShipTo:
    street = tuple(v for v in (cells.text(f"ship-address-{n}") for n in (1, 2, 3)) if v)
    return ShipTo(
        country=cells.country("ship-country"),
        name=cells.optional("recipient-name"),
        lines=street,
        city=cells.optional("ship-city"),
        region=cells.optional("ship-state"),
        postal_code=cells.optional("ship-postal-code"),
        phone=cells.optional("ship-phone-number"),
    )
