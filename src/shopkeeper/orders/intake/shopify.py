"""Shopify's orders export CSV: one row per line item (RULES.md §17.4).

Our readings:
- the order id is `Name` ("#1001"), which every row of the order carries; `Id` is newer and
  absent from older exports;
- an order's first row is its order row: it has the `Financial Status`; the extra rows carry the
  line item and leave the order-level fields blank (or repeat them unchanged);
- older exports lack the later columns (from `Lineitem discount` on): they are read when present;
- `Discount Amount` is all the order's discounts; `Lineitem discount` is only a line's share;
- `Shipping Zip` may start with an apostrophe (Shopify's guard against spreadsheets eating
  leading zeros); it is dropped;
- a line item without a `Lineitem sku` (a custom item) is a bad row: the import step matches
  lines to our SKUs by it, and guessing from the title would ship the wrong goods;
- the buyer is the `Billing Name` and `Email`; the goods go to the `Shipping ...` address, and an
  order without a shipping country (a digital order) is not importable as goods to ship.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import tzinfo

from shopkeeper.orders.intake.grouping import parse_groups
from shopkeeper.orders.intake.imported import ImportedLine, ImportedOrder, ParseResult, RowError, ShipTo
from shopkeeper.orders.intake.reading import Cells, Row, Table, column_key, missing_columns, read_table
from shopkeeper.orders.intake.statuses import shopify_status

REQUIRED = (
    "Name", "Email", "Financial Status", "Fulfillment Status", "Currency", "Subtotal", "Shipping", "Taxes",
    "Total", "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
    "Lineitem price", "Lineitem sku", "Shipping Name", "Shipping Address1", "Shipping City", "Shipping Zip",
    "Shipping Country", "Cancelled at",
)  # fmt: skip

ORDER_COLUMNS = (
    "Email", "Financial Status", "Fulfillment Status", "Currency", "Subtotal", "Shipping", "Taxes", "Total",
    "Discount Amount", "Shipping Method", "Created at", "Cancelled at", "Billing Name", "Shipping Name",
    "Shipping Address1", "Shipping Address2", "Shipping City", "Shipping Zip", "Shipping Province",
    "Shipping Country", "Shipping Phone",
)  # fmt: skip

TIME_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S")


def is_header(cells: Sequence[str]) -> bool:
    keys = {column_key(c) for c in cells}
    return {"name", "financial status", "lineitem quantity"} <= keys


def parse(text: str | Iterable[str], zone: tzinfo) -> ParseResult:
    table = read_table(text, delimiter=",", is_header=is_header)
    if table is None:
        return ParseResult((), (RowError(1, "Name", "no Shopify header row found", "no-header", (("layout", "Shopify"),)),))
    missing = missing_columns(table, REQUIRED)
    if missing:
        return ParseResult((), tuple(missing))

    def build(order_id: str, rows: Sequence[Row], errors: list[RowError]) -> ImportedOrder | None:
        return _order(table, order_id, rows, errors, zone)

    return parse_groups(table, order_id="Name", order_columns=ORDER_COLUMNS, build=build)


def _order(table: Table, order_id: str, rows: Sequence[Row], errors: list[RowError], zone: tzinfo) -> ImportedOrder | None:
    heads = [row for row in rows if row.cells.get("financial status")]
    if not heads:
        errors.append(RowError(rows[0].line, "Financial Status", f"order {order_id}: no row carries the order",
                               "no-order-row", (("order", order_id),)))
        return None
    head = Cells(heads[0], table, errors)
    placed_at = head.moment("Created at", TIME_FORMATS, zone)
    currency = head.currency("Currency")
    financial, fulfillment = head.text("Financial Status"), head.text("Fulfillment Status")
    status = shopify_status(financial, fulfillment, cancelled=bool(head.text("Cancelled at")))
    if status is None:
        head.fail("Financial Status", f"unknown Shopify status {financial!r} / {fulfillment!r}", "unknown-status",
                  channel="Shopify", value=f"{financial} / {fulfillment}")
    ship_to = _ship_to(head)
    if not head.ok or placed_at is None or status is None:
        return None
    lines = tuple(_line(Cells(row, table, errors), currency) for row in rows)
    return ImportedOrder(
        channel="shopify",
        channel_order_id=order_id,
        placed_at=placed_at,
        channel_status=f"{financial}/{fulfillment or 'unfulfilled'}" + ("/cancelled" if head.text("Cancelled at") else ""),
        status=status,
        currency=currency,
        lines=lines,
        shipping=head.money("Shipping", currency),
        discounts=head.money("Discount Amount", currency, abs(head.decimal("Discount Amount"))),
        taxes=head.money("Taxes", currency),
        total=head.money("Total", currency, head.decimal("Total", blank_is_zero=False)),
        ship_to=ship_to,
        buyer_name=head.optional("Billing Name"),
        buyer_email=head.optional("Email"),
        shipping_service=head.optional("Shipping Method"),
        first_line=rows[0].line,
    )


def _line(cells: Cells, currency: str) -> ImportedLine:
    return ImportedLine(
        sku=cells.required("Lineitem sku"),
        quantity=cells.quantity("Lineitem quantity"),
        unit_price=cells.money("Lineitem price", currency, cells.decimal("Lineitem price", blank_is_zero=False)),
        title=cells.text("Lineitem name"),
        discount=cells.money("Lineitem discount", currency, abs(cells.decimal("Lineitem discount"))),
    )


def _ship_to(cells: Cells) -> ShipTo:
    street = tuple(v for v in (cells.text("Shipping Address1"), cells.text("Shipping Address2")) if v)
    return ShipTo(
        country=cells.country("Shipping Country"),
        name=cells.optional("Shipping Name"),
        lines=street,
        city=cells.optional("Shipping City"),
        region=cells.optional("Shipping Province"),
        postal_code=cells.text("Shipping Zip").lstrip("'") or None,
        phone=cells.optional("Shipping Phone"),
    )
