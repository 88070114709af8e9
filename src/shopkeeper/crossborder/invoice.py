"""The commercial invoice (商业发票) that travels with a cross-border parcel, as PDF: plain data in, bytes out.

What customs reads (RULES.md §6.1, §6.3): seller and buyer, each line's description, HS code, origin, quantity and
declared value in the invoice's currency, the totals, and who pays the duties. Canada: when the sender pays, the
invoice must say so clearly, and once picked up the duty payer no longer changes (the invoice says that too).
Pakistan wants the original commercial invoice: the page is marked ORIGINAL there.

Readings (our choices): the declared value of a line is the SKU's declared value when the catalog has one, else what
the buyer paid for it (a declared value that does not match is the seller's seizure, §6.3, so the default is the
true one); one A4 page per 18 lines; bytes are repeatable (ReportLab's fixed date).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Sequence

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from shopkeeper.money import Money

MM: float = mm
MARGIN = 15 * MM
LINES_PER_PAGE = 18
CJK = "STSong-Light"

SENDER_PAYS = "DUTIES AND TAXES PAID BY THE SENDER (SHIPPER)"
RECEIVER_PAYS = "Duties and taxes are payable by the receiver (consignee)"
FIXED_AFTER_PICKUP = "The duty payer is fixed: it cannot change after the carrier's pickup"


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    hs_code: str
    origin: str
    quantity: int
    unit_value: Money
    value: Money


@dataclass(frozen=True)
class Invoice:
    number: str
    date: str
    seller: tuple[str, ...]  # name, then address lines
    buyer: tuple[str, ...]
    destination: str
    lines: tuple[InvoiceLine, ...]
    goods: Money
    shipping: Money
    duty_payer: str  # buyer | seller
    payer_fixed: bool  # the destination fixes the payer at pickup, and the parcel was picked up
    original: bool  # the destination asks for the original invoice (Pakistan)

    @property
    def total(self) -> Money:
        return self.goods + self.shipping


def _font(text: str, bold: bool) -> str:
    if all(ord(ch) < 256 for ch in text):
        return "Helvetica-Bold" if bold else "Helvetica"
    if CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    return CJK


def _text(canvas: Canvas, x: float, y: float, text: str, size: float = 9, bold: bool = False, room: float | None = None) -> None:
    font = _font(text, bold)
    room = room if room is not None else A4[0] - MARGIN - x
    while text and pdfmetrics.stringWidth(text, font, size) > room:
        text = text[:-1]
    canvas.setFont(font, size)
    canvas.drawString(x, y, text)


def duty_statements(invoice: Invoice) -> list[str]:
    """What the invoice says about duties: who pays, and, where it applies, that the payer is fixed."""
    said = [SENDER_PAYS if invoice.duty_payer == "seller" else RECEIVER_PAYS]
    if invoice.payer_fixed:
        said.append(FIXED_AFTER_PICKUP)
    return said


_COLUMNS = ((0, "Description"), (70, "HS code"), (95, "Origin"), (110, "Qty"), (122, "Unit value"), (150, "Value"))


def _header(canvas: Canvas, invoice: Invoice, page: int, pages: int) -> float:
    top: float = A4[1] - MARGIN
    _text(canvas, MARGIN, top, "COMMERCIAL INVOICE", 16, bold=True)
    if invoice.original:
        _text(canvas, A4[0] - MARGIN - 30 * MM, top, "ORIGINAL", 14, bold=True)
    _text(canvas, MARGIN, top - 7 * MM, f"Invoice {invoice.number}   Date {invoice.date}   Page {page}/{pages}")
    y: float = top - 15 * MM
    for x, title, party in ((MARGIN, "SELLER / SHIPPER", invoice.seller), (A4[0] / 2, "BUYER / CONSIGNEE", invoice.buyer)):
        _text(canvas, x, y, title, 8, bold=True, room=A4[0] / 2 - MARGIN)
        for i, line in enumerate(party):
            _text(canvas, x, y - (i + 1) * 4.5 * MM, line, 9, room=A4[0] / 2 - MARGIN)
    y -= 6 * 4.5 * MM
    _text(canvas, MARGIN, y, f"Destination {invoice.destination}   Currency {invoice.goods.currency}", 9, bold=True)
    y -= 8 * MM
    for offset, title in _COLUMNS:
        _text(canvas, MARGIN + offset * MM, y, title, 8, bold=True)
    canvas.line(MARGIN, y - 2 * MM, A4[0] - MARGIN, y - 2 * MM)
    return y - 7 * MM


def _line(canvas: Canvas, line: InvoiceLine, y: float) -> None:
    cells = (line.description, line.hs_code or "-", line.origin or "-", str(line.quantity), str(line.unit_value.amount),
             str(line.value.amount))
    for (offset, _), cell in zip(_COLUMNS, cells):
        _text(canvas, MARGIN + offset * MM, y, cell, 8, room=68 * MM if offset == 0 else 24 * MM)


def _footer(canvas: Canvas, invoice: Invoice, y: float) -> None:
    canvas.line(MARGIN, y + 3 * MM, A4[0] - MARGIN, y + 3 * MM)
    for label, amount in (("Goods", invoice.goods), ("Shipping", invoice.shipping), ("Total", invoice.total)):
        _text(canvas, MARGIN + 122 * MM, y, f"{label}  {amount.amount} {amount.currency}", 9, bold=label == "Total")
        y -= 5 * MM
    y -= 4 * MM
    for sentence in duty_statements(invoice):
        _text(canvas, MARGIN, y, sentence, 10, bold=True)
        y -= 6 * MM
    _text(canvas, MARGIN, y - 6 * MM, "I declare that the information on this invoice is true and correct.", 8)


def render(invoice: Invoice) -> bytes:
    """The invoice as a PDF; repeatable bytes for the same invoice."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(f"Commercial invoice {invoice.number}")
    chunks: Sequence[tuple[InvoiceLine, ...]] = [invoice.lines[i:i + LINES_PER_PAGE]
                                                 for i in range(0, len(invoice.lines), LINES_PER_PAGE)] or [()]
    for number, chunk in enumerate(chunks, start=1):
        y = _header(canvas, invoice, number, len(chunks))
        for line in chunk:
            _line(canvas, line, y)
            y -= 6 * MM
        if number == len(chunks):
            _footer(canvas, invoice, y - 4 * MM)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
