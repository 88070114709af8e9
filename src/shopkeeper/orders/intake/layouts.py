"""Marketplace order export files → ImportedOrders (RULES.md §5.1 stage 1 "order intake", §17.4).

RULES.md §5.1 has orders arrive through the marketplaces' official APIs; a store without API
access (or catching up on history) uploads the marketplace's own export file instead, and this
module reads the three layouts §17.4 lists. Each layout is one module (amazon, shopify, ebay) and
one line in `LAYOUTS`; `parse` and `sniff` are the only entry points the rest of the engine needs.

Pure: the functions take the file's text (or an iterable of its lines) and never touch the file
system. Times without a zone (eBay's dates, a Shopify time missing its offset) are read in `zone`,
UTC unless the caller says otherwise (our reading; RULES.md is silent). A missing required header
column is one RowError on the header line naming the column, and no order is read.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from datetime import UTC, tzinfo
from itertools import islice
from typing import get_args

from shopkeeper.orders.intake import amazon, ebay, shopify
from shopkeeper.orders.intake.imported import LayoutName, ParseResult
from shopkeeper.orders.intake.reading import physical_lines

Parser = Callable[[str | Iterable[str], tzinfo], ParseResult]

LAYOUTS: dict[LayoutName, Parser] = {
    "amazon": amazon.parse,
    "shopify": shopify.parse,
    "ebay": ebay.parse,
}

# How far into a file `sniff` looks for a header: eBay's preamble is a few lines at most.
_SNIFF_LINES = 20


def parse(text: str | Iterable[str], layout: LayoutName, *, zone: tzinfo = UTC) -> ParseResult:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(get_args(LayoutName))}")
    return LAYOUTS[layout](text, zone)


def sniff(text: str | Iterable[str]) -> LayoutName | None:
    """The layout whose header appears in the file's first lines, or None."""
    for line in islice(physical_lines(text), _SNIFF_LINES):
        if "\t" in line and amazon.is_header(line.rstrip("\r\n").split("\t")):
            return "amazon"
        cells = _split_csv(line)
        if ebay.is_header(cells):
            return "ebay"
        if shopify.is_header(cells):
            return "shopify"
    return None


def _split_csv(line: str) -> list[str]:
    return next(csv.reader([line]), [])
