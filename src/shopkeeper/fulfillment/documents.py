"""Shipping labels (面单) and pick lists (配货单) as PDF: plain data in, bytes out.

RULES.md §5.1 打单配货: the order gets its label and tracking number by rule, and the picking information is printed
together with the label, so one PDF carries the batch's pick list and then its labels. A simple parcel (简单包裹, one
order of one item) is "scan the item → print the label" (扫货出面单): `label_for_scan` finds the order to print.

Readings (our choices where RULES.md is silent):
- Every page is 100 × 150 mm, the thermal label size carriers print on, pick-list pages included, so the whole batch
  comes out of one label printer.
- The pick list walks the shelves: one stop per shelf location and SKU, pieces summed over the batch, stops sorted by
  shelf location code, then SKU code. Codes compare with their digit runs as numbers ("A-2" before "A-10"), since
  a warehouse numbers all its locations by one rule (§1.1) but not always zero-padded. SKUs without a location come
  last, so the picker finds them after the walk.
- A simple parcel's "one item" is one piece: one line of quantity 1. The oldest open order wins a scanned item
  (first come, first shipped); ties go to the smaller order number.
- Tracking numbers and SKU codes print as Code128, so both must be printable ASCII.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from reportlab.graphics.barcode.code128 import Code128  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from shopkeeper.errors import InvalidInput

MM: float = mm
PAGE = (100 * MM, 150 * MM)
MARGIN = 5 * MM
LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
CJK = "STSong-Light"  # one of ReportLab's built-in CID fonts: Chinese addresses print without a font file
STOPS_PER_PAGE = 5


def _check_barcode(value: object, field: str) -> None:
    if not isinstance(value, str) or not value or not all(" " < ch <= "~" for ch in value):
        raise InvalidInput(f"{field} prints as a Code128 barcode: printable ASCII without spaces, got {value!r}", field=field)


@dataclass(frozen=True)
class Party:
    """A sender or recipient as printed: name, address lines, country code."""

    name: str
    address_lines: tuple[str, ...]
    country: str
    phone: str = ""


@dataclass(frozen=True)
class Label:
    order_number: str
    tracking_number: str
    channel: str
    weight_grams: int
    recipient: Party
    sender: Party

    def __post_init__(self) -> None:
        _check_barcode(self.tracking_number, "tracking_number")


@dataclass(frozen=True)
class PickLine:
    """One order line to pick: where its SKU lies (`shelf_code`, None when it has no location yet)."""

    order_number: str
    sku_code: str
    quantity: int
    shelf_code: str | None
    name: str = ""

    def __post_init__(self) -> None:
        _check_barcode(self.sku_code, "sku_code")
        if not isinstance(self.quantity, int) or isinstance(self.quantity, bool) or self.quantity < 1:
            raise InvalidInput(f"order {self.order_number}: a pick line needs at least one piece", field="quantity")


@dataclass(frozen=True)
class PickStop:
    """One stop on the walk: a shelf location, a SKU, all pieces the batch needs and the orders they go to."""

    shelf_code: str | None
    sku_code: str
    quantity: int
    order_numbers: tuple[str, ...]
    name: str = ""


@dataclass(frozen=True)
class OpenOrder:
    """An order waiting to ship, with the label it will get; `items` are (SKU code, pieces)."""

    placed_at: datetime
    items: tuple[tuple[str, int], ...]
    label: Label


def _natural(code: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", code) if part)


def walk_order(lines: Sequence[PickLine]) -> tuple[PickStop, ...]:
    """The pick list of a batch (RULES.md §5.1 配货): per shelf location and SKU, in the order the shelves are walked."""
    gathered: dict[tuple[str | None, str], list[PickLine]] = {}
    for line in lines:
        gathered.setdefault((line.shelf_code or None, line.sku_code), []).append(line)
    stops = [
        PickStop(shelf, sku, sum(ln.quantity for ln in group), tuple(dict.fromkeys(ln.order_number for ln in group)),
                 next((ln.name for ln in group if ln.name), ""))
        for (shelf, sku), group in gathered.items()
    ]
    return tuple(sorted(stops, key=lambda s: (s.shelf_code is None, _natural(s.shelf_code or ""), _natural(s.sku_code))))


def label_for_scan(sku_code: str, open_orders: Sequence[OpenOrder]) -> Label | None:
    """扫货出面单: the scanned item goes to the oldest open order made of exactly that one piece; None if there is none."""
    simple = [o for o in open_orders if o.items == ((sku_code, 1),)]
    if not simple:
        return None
    return min(simple, key=lambda o: (o.placed_at, _natural(o.label.order_number))).label


def _font(text: str, bold: bool = False) -> str:
    if all(ord(ch) < 256 for ch in text):
        return LATIN_BOLD if bold else LATIN
    if CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    return CJK


def _text(canvas: Canvas, x: float, y: float, text: str, size: float, bold: bool = False) -> None:
    """One line, cut to the page width: a label that runs off the edge is worse than a shortened street."""
    font = _font(text, bold)
    room = PAGE[0] - MARGIN - x
    while text and pdfmetrics.stringWidth(text, font, size) > room:
        text = text[:-1]
    canvas.setFont(font, size)
    canvas.drawString(x, y, text)


def _barcode(canvas: Canvas, value: str, y: float, height: float) -> None:
    """Code128 centred across the page, bars as wide as fit (0.25–0.5 mm), the value printed under it."""
    barcode = Code128(value, barHeight=height, barWidth=0.5 * mm, humanReadable=True, quiet=True)
    room = PAGE[0] - 2 * MARGIN
    if barcode.width > room:
        barcode = Code128(value, barHeight=height, barWidth=max(0.25 * mm, 0.5 * mm * room / barcode.width),
                          humanReadable=True, quiet=True)
    barcode.drawOn(canvas, (PAGE[0] - barcode.width) / 2, y)


def _party(canvas: Canvas, title: str, party: Party, top: float, size: float) -> float:
    _text(canvas, MARGIN, top, title, 7, bold=True)
    y: float = top - size - 1 * MM
    for line in (party.name, *party.address_lines, party.country, party.phone):
        if line:
            _text(canvas, MARGIN, y, line, size)
            y -= size + 1.5
    return y


def _draw_label(canvas: Canvas, label: Label) -> None:
    width, height = PAGE
    top = height - MARGIN - 4 * mm
    _text(canvas, MARGIN, top, label.channel, 12, bold=True)
    _text(canvas, MARGIN, top - 6 * mm, f"Order {label.order_number}   {label.weight_grams} g", 9)
    canvas.line(MARGIN, top - 9 * mm, width - MARGIN, top - 9 * mm)
    y = _party(canvas, "TO", label.recipient, top - 14 * mm, 11)
    canvas.line(MARGIN, y - 1 * mm, width - MARGIN, y - 1 * mm)
    _party(canvas, "FROM", label.sender, y - 6 * mm, 8)
    _barcode(canvas, label.tracking_number, MARGIN + 6 * mm, 22 * mm)


def _draw_pick_page(canvas: Canvas, stops: Sequence[PickStop], page: int, pages: int, batch: str) -> None:
    top = PAGE[1] - MARGIN - 4 * mm
    _text(canvas, MARGIN, top, f"Pick list {batch}  {page}/{pages}", 10, bold=True)
    y = top - 8 * mm
    for stop in stops:
        _text(canvas, MARGIN, y, f"{stop.shelf_code or '(no shelf)'}   x{stop.quantity}   {stop.sku_code}", 9, bold=True)
        _text(canvas, MARGIN, y - 3.8 * mm, f"{stop.name}  orders {', '.join(stop.order_numbers)}".strip(), 7)
        _barcode(canvas, stop.sku_code, y - 16 * mm, 8 * mm)  # its printed code sits under the bars
        y -= 24 * mm


def render(labels: Sequence[Label], stops: Sequence[PickStop] = (), batch: str = "") -> bytes:
    """One PDF: the pick-list pages first (walk the shelves, then pack), then one page per label.

    `invariant` fixes the PDF's dates and ids, so the same batch gives the same bytes and the rules read no clock.
    """
    if not labels and not stops:
        raise InvalidInput("nothing to print: no labels and no pick stops", field="labels")
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=PAGE, invariant=1, pageCompression=1)
    canvas.setTitle(f"Labels {batch}".strip())
    chunks = [stops[i:i + STOPS_PER_PAGE] for i in range(0, len(stops), STOPS_PER_PAGE)]
    for number, chunk in enumerate(chunks, start=1):
        _draw_pick_page(canvas, chunk, number, len(chunks), batch)
        canvas.showPage()
    for label in labels:
        _draw_label(canvas, label)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def labels_pdf(labels: Sequence[Label]) -> bytes:
    """A batch of labels, one per page."""
    return render(labels)


def batch_pdf(labels: Sequence[Label], lines: Sequence[PickLine], batch: str = "") -> bytes:
    """The batch's pick list, walked in shelf order, printed with its labels (RULES.md §5.1)."""
    return render(labels, walk_order(lines), batch)
