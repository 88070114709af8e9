"""eBay's Seller Hub orders report CSV (RULES.md §17.4).

Our readings:
- the header is the first row naming both `Sales Record Number` and `Order Number`; rows before
  it are preamble; rows after the data with at most one filled cell (a blank line, "3 record(s)
  downloaded", "Seller ID: ...") are footer, skipped without error;
- UK files say "Post To" where US files say "Ship To"; both read the same. A UK file writes dates
  day first ("15-Jan-24", "15/01/2024"), a US file month first ("Jan-15-24", "01/15/2024");
- eBay prints dates without a zone: they are read in the zone the caller gives (UTC by default);
- amounts carry their currency as a symbol or code ("$12.50", "£9.99", "US $12.50", "EUR 3.00");
  the order's currency is that of `Total Price`, and every amount of the order must agree;
  a bare "$" is the US dollar;
- `Sold For` is the price of one item; `Total Price` is the order's total;
- the rows of an order either all repeat the order-level fields or leave them blank; a row with
  a `Total Price` carries the order; a row with an item carries a line (one row may do both);
- the channel SKU is the `Custom Label` (the seller's SKU), else the eBay `Item Number`;
- taxes are the `Seller Collected Tax` plus the `eBay Collected Tax` when the file says it is
  included in the total.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import tzinfo

from shopkeeper.money import Money
from shopkeeper.orders.intake.codes import known_currency
from shopkeeper.orders.intake.grouping import parse_groups
from shopkeeper.orders.intake.imported import ImportedLine, ImportedOrder, ParseResult, RowError, ShipTo
from shopkeeper.orders.intake.reading import Cells, Row, Table, column_key, missing_columns, parse_decimal, read_table
from shopkeeper.orders.intake.statuses import ebay_status

REQUIRED = (
    "Order Number", "Buyer Name", "Buyer Email", "Ship To Name", "Ship To Address 1", "Ship To City",
    "Ship To Zip", "Ship To Country", "Item Number", "Item Title", "Custom Label", "Quantity", "Sold For",
    "Shipping And Handling", "Total Price", "Sale Date", "Paid On Date", "Shipped On Date", "Shipping Service",
)  # fmt: skip

ORDER_COLUMNS = (
    "Buyer Name", "Buyer Email", "Ship To Name", "Ship To Phone", "Ship To Address 1", "Ship To Address 2",
    "Ship To City", "Ship To State", "Ship To Zip", "Ship To Country", "Shipping And Handling",
    "Seller Collected Tax", "eBay Collected Tax", "Total Price", "Sale Date", "Paid On Date",
    "Shipped On Date", "Shipping Service",
)  # fmt: skip

US_DATES = ("%b-%d-%y", "%b-%d-%Y", "%b %d, %Y", "%m/%d/%Y", "%b-%d-%y %H:%M:%S", "%m/%d/%Y %H:%M")
UK_DATES = ("%d-%b-%y", "%d-%b-%Y", "%d %b %Y", "%d/%m/%Y", "%d-%b-%y %H:%M:%S", "%d/%m/%Y %H:%M")

_PRICE = re.compile(r"(?P<mark>[A-Z]{3}|US ?\$|AU ?\$|C ?\$|CA ?\$|£|€|\$)?\s*(?P<number>[-+]?[\d,.]+)")
_MARKS = {"$": "USD", "US$": "USD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD", "£": "GBP", "€": "EUR"}


def rename(header: str) -> str:
    key = column_key(header)
    return "ship to " + key[len("post to ") :] if key.startswith("post to ") else key


def is_header(cells: Sequence[str]) -> bool:
    keys = {column_key(c) for c in cells}
    return {"sales record number", "order number"} <= keys


def is_uk(text_headers: Iterable[str]) -> bool:
    return any(spelled.casefold().startswith("post to") for spelled in text_headers)


def parse(text: str | Iterable[str], zone: tzinfo) -> ParseResult:
    table = read_table(text, delimiter=",", is_header=is_header, rename=rename, min_cells=2)
    if table is None:
        return ParseResult((), (RowError(1, "Order Number", "no eBay header row found", "no-header", (("layout", "eBay"),)),))
    missing = missing_columns(table, REQUIRED)
    if missing:
        return ParseResult((), tuple(missing))
    formats = UK_DATES if is_uk(table.headers.values()) else US_DATES

    def build(order_id: str, rows: Sequence[Row], errors: list[RowError]) -> ImportedOrder | None:
        return _order(table, order_id, rows, errors, (formats, zone))

    return parse_groups(table, order_id="Order Number", order_columns=ORDER_COLUMNS, build=build)


def price(cells: Cells, column: str, currency: str | None) -> Money | None:
    """An amount and its currency; a bare number takes `currency`; blank is None."""
    text = cells.text(column)
    if not text:
        return None
    match = _PRICE.fullmatch(text)
    number = parse_decimal(match.group("number")) if match else None
    if match is None or number is None:
        cells.fail(column, f"not an amount: {text!r}", "not-an-amount", value=text)
        return None
    mark = (match.group("mark") or "").replace(" ", "")
    found = _MARKS.get(mark, mark) or currency
    if found is None or not known_currency(found):
        cells.fail(column, f"unknown currency in {text!r}", "unknown-currency", value=text)
        return None
    if currency is not None and found != currency:
        cells.fail(column, f"{found} amount in a {currency} order", "amount-other-currency", found=found,
                   currency=currency)
        return None
    return cells.money(column, found, number)


def _order(
    table: Table, order_id: str, rows: Sequence[Row], errors: list[RowError], when: tuple[Sequence[str], tzinfo]
) -> ImportedOrder | None:
    heads = [row for row in rows if row.cells.get("total price")]
    if not heads:
        errors.append(RowError(rows[0].line, "Total Price", f"order {order_id}: no row carries the order total",
                               "no-total-row", (("order", order_id),)))
        return None
    head = Cells(heads[0], table, errors)
    total = price(head, "Total Price", None)
    placed_at = head.moment("Sale Date", *when)
    paid = head.moment("Paid On Date", *when, required=False)
    shipped = head.moment("Shipped On Date", *when, required=False)
    ship_to = _ship_to(head)
    if not head.ok or total is None or placed_at is None:
        return None
    currency = total.currency
    zero = Money.zero(currency)
    taxes = price(head, "Seller Collected Tax", currency) or zero
    if head.text("eBay Collected Tax Included in Total").casefold() in ("yes", "true", "y"):
        taxes += price(head, "eBay Collected Tax", currency) or zero
    item_rows = [row for row in rows if any(row.cells.get(k) for k in ("item title", "custom label", "item number"))]
    if not item_rows:
        head.fail("Item Title", f"order {order_id}: no row carries an item", "no-item-row", order=order_id)
    channel_status = "shipped" if shipped else "paid" if paid else "unpaid"
    return ImportedOrder(
        channel="ebay",
        channel_order_id=order_id,
        placed_at=placed_at,
        channel_status=channel_status,
        status=ebay_status(paid=paid is not None, shipped=shipped is not None),
        currency=currency,
        lines=tuple(_line(Cells(row, table, errors), currency) for row in item_rows),
        shipping=price(head, "Shipping And Handling", currency) or zero,
        discounts=zero,
        taxes=taxes,
        total=total,
        ship_to=ship_to,
        buyer_name=head.optional("Buyer Name"),
        buyer_email=head.optional("Buyer Email"),
        shipping_service=head.optional("Shipping Service"),
        first_line=rows[0].line,
    )


def _line(cells: Cells, currency: str) -> ImportedLine:
    sku = cells.text("Custom Label") or cells.text("Item Number")
    if not sku:
        cells.fail("Custom Label", "a value is required (or an Item Number)", "sku-required")
    unit_price = price(cells, "Sold For", currency)
    if unit_price is None and not cells.text("Sold For"):
        cells.fail("Sold For", "a value is required", "value-required")
    return ImportedLine(
        sku=sku,
        quantity=cells.quantity("Quantity"),
        unit_price=unit_price or Money(0, currency),
        title=cells.text("Item Title"),
        discount=Money.zero(currency),
    )


def _ship_to(cells: Cells) -> ShipTo:
    street = tuple(v for v in (cells.text("Ship To Address 1"), cells.text("Ship To Address 2")) if v)
    return ShipTo(
        country=cells.country("Ship To Country"),
        name=cells.optional("Ship To Name"),
        lines=street,
        city=cells.optional("Ship To City"),
        region=cells.optional("Ship To State"),
        postal_code=cells.optional("Ship To Zip"),
        phone=cells.optional("Ship To Phone"),
    )
