"""What every layout shares: sniffing, grouping by order id, conflicts, and repeatable results
(RULES.md §5.1 stage 1, §17.4)."""

from __future__ import annotations

import pytest

from orders.intake.files import sample
from shopkeeper.orders.intake.imported import LayoutName
from shopkeeper.orders.intake.layouts import LAYOUTS, parse, sniff

SAMPLES: dict[str, LayoutName] = {
    "amazon_all_orders.txt": "amazon",
    "shopify_orders.csv": "shopify",
    "shopify_orders_old.csv": "shopify",
    "ebay_orders_us.csv": "ebay",
    "ebay_orders_uk.csv": "ebay",
}


@pytest.mark.parametrize(("name", "layout"), SAMPLES.items())
def test_sniff_recognises_each_layout_by_its_header(name: str, layout: LayoutName) -> None:
    assert sniff(sample(name)) == layout


def test_sniff_gives_none_for_a_file_of_no_known_layout() -> None:
    assert sniff("order,amount\n1,2.00\n") is None
    assert sniff("") is None


@pytest.mark.parametrize(("name", "layout"), SAMPLES.items())
def test_parsing_twice_gives_identical_results(name: str, layout: LayoutName) -> None:
    # given the same text parsed twice, once as a string and once as an iterable of its lines
    text = sample(name)
    first = parse(text, layout)
    second = parse(text.splitlines(keepends=True), layout)
    # then the results are equal, order for order, first lines included
    assert first == second
    assert [o.first_line for o in first.orders] == [o.first_line for o in second.orders]
    assert first.orders


def test_the_rows_of_one_order_group_even_when_not_adjacent() -> None:
    # given Amazon rows of order A, then B, then A again
    text = sample("amazon_all_orders.txt").splitlines(keepends=True)
    shuffled = [text[0], text[1], text[3], text[2]]
    # when parsed
    orders = parse("".join(shuffled), "amazon").orders
    # then A has both its lines and B its own, in the order A first appeared
    assert [(o.channel_order_id, len(o.lines)) for o in orders] == [("111-1111111-1111111", 2), ("222-2222222-2222222", 1)]


def test_an_order_repeated_identically_is_read_once() -> None:
    # given an Amazon file whose rows appear twice, as when two exports are joined
    text = sample("amazon_all_orders.txt")
    doubled = text + "".join(text.splitlines(keepends=True)[1:])
    # then the orders are those of the single file, lines not counted twice
    assert parse(doubled, "amazon") == parse(text, "amazon")


def test_a_repeated_order_with_conflicting_order_fields_is_refused_on_those_rows() -> None:
    # given order #1002's row repeated at the end of the file with another currency
    lines = sample("shopify_orders.csv").splitlines(keepends=True)
    text = "".join(lines) + lines[5].replace(",CAD,", ",USD,")
    # when parsed
    result = parse(text, "shopify")
    # then the repeated row (line 9, after the eight of the sample) is the error, #1002 is not imported, the others are
    assert [(e.line_number, e.column) for e in result.errors] == [(9, "Currency")]
    assert "line 6" in result.errors[0].message
    assert [o.channel_order_id for o in result.orders] == ["#1001", "#1003", "#1004"]


def test_parse_refuses_an_unknown_layout() -> None:
    with pytest.raises(ValueError, match="unknown layout"):
        parse("", "wish")  # type: ignore[arg-type]


def test_each_layout_of_the_registry_reads_its_own_sample() -> None:
    # a layout is a module plus a registry line (ARCHITECTURE.md "Seams"); each line must work
    for layout in LAYOUTS:
        name = next(n for n, own in SAMPLES.items() if own == layout)
        assert parse(sample(name), layout).orders


@pytest.mark.parametrize(("name", "layout"), SAMPLES.items())
def test_a_byte_order_mark_before_the_header_changes_nothing(name: str, layout: LayoutName) -> None:
    # given the sample as a spreadsheet saves it, with a UTF-8 byte-order mark
    text = sample(name)
    # then sniffing and parsing read it as without
    assert sniff("\ufeff" + text) == layout
    assert parse("\ufeff" + text, layout) == parse(text, layout)
