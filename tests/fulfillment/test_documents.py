"""Labels and pick lists (打单配货, RULES.md §5.1): PDFs whose barcodes scan back to the tracking numbers and SKU codes,
the pick list's walk through the shelves, and the simple parcel's scan → label."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pypdfium2 as pdfium
import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.errors import InvalidInput
from shopkeeper.fulfillment.documents import (
    PAGE,
    Label,
    OpenOrder,
    Party,
    PickLine,
    PickStop,
    batch_pdf,
    label_for_scan,
    labels_pdf,
    walk_order,
)
from shopkeeper.fulfillment.tracking_numbers import next_s10
from support import examples

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
SENDER = Party("Shopkeeper Demo", ("8 Wensan Rd", "杭州 Hangzhou"), "CN", "+86 571 0000")


def label(order_number: str, serial: int, name: str = "Ada Lovelace") -> Label:
    recipient = Party(name, ("12 St James's Sq", "London SW1Y 4JH"), "GB")
    return Label(order_number, next_s10("RR", serial, "CN"), "Demo Post", 1234, recipient, SENDER)


def pages(pdf: bytes) -> list[tuple[str, list[str], tuple[float, float]]]:
    """Each page's text, the barcodes read off it at 200 dpi (as a scanner would), and its size in points."""
    read = []
    for page in pdfium.PdfDocument(pdf):
        image = page.render(scale=200 / 72, grayscale=True).to_pil()
        codes = [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.Code128]
        read.append((page.get_textpage().get_text_range(), codes, tuple(page.get_size())))
    return read


# --- labels ---------------------------------------------------------------------------------------


def test_label_barcode_scans_back_to_the_tracking_number() -> None:
    # given one label with an S10 tracking number
    one = label("SO-1001", 47312482)
    # when printed
    [(text, codes, size)] = pages(labels_pdf([one]))
    # then a scanner reads the tracking number, and the page is 100 × 150 mm
    assert codes == ["RR473124829CN"] == [one.tracking_number]
    assert size == pytest.approx(PAGE, abs=0.01) and size[0] == pytest.approx(100 / 25.4 * 72, abs=0.01)
    # and it carries recipient, sender, channel, order number, weight and the human-readable number
    for words in ("Ada Lovelace", "London SW1Y 4JH", "Shopkeeper Demo", "杭州 Hangzhou", "Demo Post", "SO-1001",
                  "1234 g", "RR473124829CN"):
        assert words in text


def test_a_batch_of_labels_is_one_pdf_with_a_page_per_label_in_order() -> None:
    batch = [label(f"SO-{n}", 1000 + n) for n in range(3)]
    read = pages(labels_pdf(batch))
    assert [codes for _, codes, _ in read] == [[lb.tracking_number] for lb in batch]


def test_chinese_recipient_is_printed_not_dropped() -> None:
    [(text, codes, _)] = pages(labels_pdf([label("SO-7", 7, name="王小明")]))
    assert "王小明" in text and codes == [next_s10("RR", 7, "CN")]


def test_same_batch_gives_the_same_bytes() -> None:
    # given a batch printed twice
    batch = [label("SO-1", 1)]
    first = labels_pdf(batch)
    # then the PDF carries ReportLab's fixed date, not a clock reading, and a reprint is identical
    assert b"D:20000101000000" in first
    assert first == labels_pdf(batch)


def test_nothing_to_print_is_refused() -> None:
    with pytest.raises(InvalidInput):
        labels_pdf([])


# --- the walk through the shelves -----------------------------------------------------------------


def test_pick_list_gathers_a_sku_across_the_batch_and_walks_shelves_in_order() -> None:
    # given three orders whose lines lie on shelves A-10-1, A-2-3 and B-1-1, one SKU ordered twice
    lines = [
        PickLine("SO-1", "MUG-RED", 2, "A-10-1"),
        PickLine("SO-2", "VASE", 1, "B-1-1"),
        PickLine("SO-2", "MUG-RED", 1, "A-10-1"),
        PickLine("SO-3", "CHARGER", 1, "A-2-3", "USB charger"),
    ]
    # when the walk is planned
    walk = walk_order(lines)
    # then each shelf and SKU is one stop, in shelf order, digits read as numbers (A-2 before A-10)
    assert walk == (
        PickStop("A-2-3", "CHARGER", 1, ("SO-3",), "USB charger"),
        PickStop("A-10-1", "MUG-RED", 3, ("SO-1", "SO-2")),
        PickStop("B-1-1", "VASE", 1, ("SO-2",)),
    )


def test_skus_on_one_shelf_go_by_sku_code_and_unshelved_skus_come_last() -> None:
    lines = [PickLine("SO-1", "ZZ", 1, None), PickLine("SO-1", "B-9", 1, "A-01"), PickLine("SO-2", "B-10", 1, "A-01"),
             PickLine("SO-3", "AA", 1, "")]
    assert [(s.shelf_code, s.sku_code) for s in walk_order(lines)] == [("A-01", "B-9"), ("A-01", "B-10"),
                                                                       (None, "AA"), (None, "ZZ")]


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["SO-1", "SO-2", "SO-3"]), st.sampled_from(["MUG", "VASE", "CUP-2", "CUP-10"]),
                          st.integers(1, 5)), max_size=12))
def test_walk_picks_every_piece_once_and_never_walks_back(picks: list[tuple[str, str, int]]) -> None:
    # given SKUs that each lie on one shelf, C-2 before C-10 before D-1
    shelf = {"MUG": "C-10", "VASE": "D-1", "CUP-2": "C-2", "CUP-10": "C-2"}
    walk = walk_order([PickLine(o, sku, n, shelf[sku]) for o, sku, n in picks])
    # then every piece is picked at exactly one stop
    wanted: dict[str, int] = {}
    for _, sku, n in picks:
        wanted[sku] = wanted.get(sku, 0) + n
    assert {s.sku_code: s.quantity for s in walk} == wanted and len(walk) == len(wanted)
    # and the stops follow the shelves, then the SKU codes
    rank = ["CUP-2", "CUP-10", "MUG", "VASE"]
    assert [s.sku_code for s in walk] == sorted(wanted, key=rank.index)


@pytest.mark.parametrize(("make", "field"), [
    (lambda: PickLine("SO-1", "MUG", 0, "A-1"), "quantity"),
    (lambda: PickLine("SO-1", "杯子", 1, "A-1"), "sku_code"),
    (lambda: PickLine("SO-1", "MUG RED", 1, "A-1"), "sku_code"),
    (lambda: Label("SO-1", "", "Demo Post", 1, SENDER, SENDER), "tracking_number"),
])
def test_what_cannot_be_picked_or_scanned_is_refused(make: object, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        make()  # type: ignore[operator]
    assert refused.value.extra["field"] == field


def test_pick_list_prints_before_the_labels_and_its_barcodes_scan_to_sku_codes_in_walk_order() -> None:
    # given a batch of 7 SKUs (more than one pick page) and two labels
    lines = [PickLine(f"SO-{n % 2}", f"SKU-{n:03d}", 1, f"R-{9 - n}") for n in range(7)]
    labels = [label("SO-0", 10), label("SO-1", 11)]
    # when printed as one batch
    read = pages(batch_pdf(labels, lines, "B-20261102"))
    # then the pick pages come first: the first five stops of the walk (shelves R-3 … R-7), then the last two
    pick_pages = [p for p in read if p[0].startswith("Pick list B-20261102")]
    assert len(pick_pages) == 2 and read[:2] == pick_pages
    assert sorted(pick_pages[0][1]) == [f"SKU-{n:03d}" for n in range(2, 7)]
    assert sorted(pick_pages[1][1]) == ["SKU-000", "SKU-001"]
    # and each page lists its stops top to bottom in walk order
    first, second = pick_pages[0][0], pick_pages[1][0]
    assert [first.index(f"R-{n}") for n in range(3, 8)] == sorted(first.index(f"R-{n}") for n in range(3, 8))
    assert second.index("R-8") < second.index("R-9")
    # and the labels follow
    assert [codes for _, codes, _ in read[2:]] == [[lb.tracking_number] for lb in labels]


def test_a_long_sku_code_still_scans() -> None:
    code = "LONGSKUCODE-000123456789-XL"
    [(_, codes, _)] = pages(batch_pdf([], [PickLine("SO-1", code, 1, "A-1")]))
    assert codes == [code]


# --- simple parcel: scan the item, print the label ------------------------------------------------


def test_scanned_item_prints_the_label_of_the_oldest_one_item_order_of_that_sku() -> None:
    # given open orders for the scanned mug: a two-piece one (oldest), two single-piece ones, one for a vase
    orders = [
        OpenOrder(T0, (("MUG", 2),), label("SO-1", 1)),
        OpenOrder(T0 + timedelta(hours=2), (("MUG", 1),), label("SO-3", 3)),
        OpenOrder(T0 + timedelta(hours=1), (("MUG", 1),), label("SO-2", 2)),
        OpenOrder(T0, (("VASE", 1),), label("SO-4", 4)),
        OpenOrder(T0, (("MUG", 1), ("VASE", 1)), label("SO-5", 5)),
    ]
    # when a mug is scanned
    chosen = label_for_scan("MUG", orders)
    # then the oldest order of exactly one mug gets its label
    assert chosen is not None and chosen.order_number == "SO-2"
    assert label_for_scan("CHARGER", orders) is None
