"""Generated Shopify and Amazon exports read back to the orders they were written from
(RULES.md §17.4; amounts exact per the money convention, ARCHITECTURE.md "Money")."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.money import Money
from shopkeeper.orders.intake.amazon import COLUMNS as AMAZON_COLUMNS
from shopkeeper.orders.intake.imported import ImportedLine
from shopkeeper.orders.intake.layouts import parse
from support import examples

CURRENCIES = ("USD", "EUR", "GBP", "JPY", "KWD")


@dataclass(frozen=True)
class Line:
    sku: str
    title: str
    quantity: int
    unit: int  # minor units
    discount: int


@dataclass(frozen=True)
class Order:
    lines: tuple[Line, ...]
    shipping: int
    taxes: int


def text(minor: int, currency: str) -> str:
    return str(Money(minor, currency).amount)


def lines(title: st.SearchStrategy[str]) -> st.SearchStrategy[Line]:
    return st.builds(
        Line,
        sku=st.from_regex(r"[A-Z0-9][A-Z0-9-]{0,11}", fullmatch=True),
        title=title,
        quantity=st.integers(1, 9),
        unit=st.integers(0, 500_000),
        discount=st.integers(0, 2_000),
    )


def orders(title: st.SearchStrategy[str]) -> st.SearchStrategy[Order]:
    return st.builds(
        Order,
        # one row per SKU, as the channels write them; a row repeated cell for cell is a repeat (grouping.py)
        st.lists(lines(title), min_size=1, max_size=4, unique_by=lambda line: line.sku).map(tuple),
        st.integers(0, 5_000),
        st.integers(0, 9_000),
    )


SHOPIFY_HEADER = (
    "Name,Email,Financial Status,Fulfillment Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Amount,"
    "Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Shipping Name,"
    "Shipping Address1,Shipping City,Shipping Zip,Shipping Country,Cancelled at"
).split(",")


def shopify_file(generated: list[Order], currency: str, starts: list[int]) -> str:
    """The export's text; `starts` gets the physical line each order starts on."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # quotes a cell holding either character
    writer.writerow(SHOPIFY_HEADER)
    for n, order in enumerate(generated):
        discount = sum(line.discount for line in order.lines)
        goods = sum(line.unit * line.quantity for line in order.lines)
        total = goods - discount + order.shipping + order.taxes
        head = ["paid", "", currency, text(goods - discount, currency), text(order.shipping, currency)]
        head += [text(order.taxes, currency), text(total, currency), text(discount, currency), "Standard"]
        head += ["2026-11-01 10:00:00 +0000"]
        for index, line in enumerate(order.lines):
            item = [str(line.quantity), line.title, text(line.unit, currency), line.sku]
            address = ["Ada", "1 Main St", "Boston", "02134", "US", ""]
            order_part = head if index == 0 else [""] * len(head)
            if index == 0:
                starts.append(len(list(io.StringIO(out.getvalue(), newline=""))) + 1)
            writer.writerow([f"#{n + 1}", "ada@example.com", *order_part, *item, *address])
    return out.getvalue()


def amazon_file(generated: list[Order], currency: str) -> str:
    rows = ["\t".join(AMAZON_COLUMNS)]
    for n, order in enumerate(generated):
        for index, line in enumerate(order.lines):
            cells = dict.fromkeys(AMAZON_COLUMNS, "")
            cells.update(
                {
                    "amazon-order-id": f"{n + 1:03d}-0000000-0000000",
                    "purchase-date": "2026-11-01T10:00:00+00:00",
                    "order-status": "Unshipped",
                    "product-name": line.title,
                    "sku": line.sku,
                    "quantity": str(line.quantity),
                    "currency": currency,
                    "item-price": text(line.unit * line.quantity, currency),
                    "item-tax": text(order.taxes if index == 0 else 0, currency),
                    "shipping-price": text(order.shipping if index == 0 else 0, currency),
                    "item-promotion-discount": text(-line.discount, currency),
                    "ship-country": "US",
                }
            )
            rows.append("\t".join(cells[c] for c in AMAZON_COLUMNS))
    return "\n".join(rows) + "\n"


def same_lines(parsed: tuple[ImportedLine, ...], order: Order, currency: str) -> bool:
    # cells are read trimmed (reading.py), so a title comes back without surrounding white space
    expected = [(line.sku, line.quantity, Money(line.unit, currency), line.title.strip()) for line in order.lines]
    return [(p.sku, p.quantity, p.unit_price, p.title) for p in parsed] == expected


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(orders(st.text(max_size=20)), min_size=1, max_size=5), st.sampled_from(CURRENCIES))
def test_generated_shopify_exports_round_trip_and_reconcile(generated: list[Order], currency: str) -> None:
    # given a Shopify export written from generated orders (titles with commas, quotes, line breaks)
    starts: list[int] = []
    result = parse(shopify_file(generated, currency, starts), "shopify")
    # then every order comes back with its lines and amounts, and its stated total reconciles:
    # lines + shipping + taxes − discounts = Total
    assert result.errors == ()
    assert len(result.orders) == len(generated)
    for parsed, order in zip(result.orders, generated):
        assert same_lines(parsed.lines, order, currency)
        assert parsed.shipping == Money(order.shipping, currency)
        assert parsed.discounts == Money(sum(line.discount for line in order.lines), currency)
        assert parsed.total == parsed.computed_total()
    # and each order points at the physical line it starts on, line breaks inside titles counted
    assert [parsed.first_line for parsed in result.orders] == starts


@settings(max_examples=examples(40), deadline=None)
@given(
    st.lists(orders(st.text(st.characters(exclude_characters="\t\r\n"), max_size=20)), min_size=1, max_size=5),
    st.sampled_from(CURRENCIES),
)
def test_generated_amazon_files_round_trip(generated: list[Order], currency: str) -> None:
    # given an Amazon all-orders file written from generated orders, one row per item
    result = parse(amazon_file(generated, currency), "amazon")
    # then each order comes back with the same lines, unit prices, shipping, taxes and discounts
    assert result.errors == ()
    assert len(result.orders) == len(generated)
    for parsed, order in zip(result.orders, generated):
        assert same_lines(parsed.lines, order, currency)
        assert parsed.shipping == Money(order.shipping, currency)
        assert parsed.taxes == Money(order.taxes, currency)
        assert parsed.discounts == Money(sum(line.discount for line in order.lines), currency)
        goods = sum(line.unit * line.quantity for line in order.lines)
        assert parsed.computed_total() == Money(goods + order.shipping + order.taxes - parsed.discounts.minor, currency)
