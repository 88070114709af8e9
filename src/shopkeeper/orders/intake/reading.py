"""Reading an export file's rows with their physical line numbers, and their cells exactly (RULES.md §17.4).

Shared by the three layouts. Pure: it takes the text (or its lines) and never opens a file.

- Line numbers are the file's own, 1-based, counting the header, any preamble and blank lines;
  a row whose quoted cell spans several lines is numbered by the line it starts on.
- Every cell is trimmed of surrounding white space (a title keeps the line breaks inside it).
- Header names are matched ignoring case and runs of spaces, since exports differ in both.
- Amounts are read from the text into `Decimal` and must fit the currency's minor unit exactly
  (our reading: "12.345" USD is an error, not a rounding). A thousands comma ("1,234.50") is read;
  a decimal comma is not (none of the three layouts writes one).
- A time without a zone is read in `zone` (UTC unless the caller says otherwise); every time
  comes back aware, in UTC.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation

from shopkeeper.money import Money, exponent
from shopkeeper.orders.intake.codes import country_code, known_currency
from shopkeeper.orders.intake.imported import ProblemCode, RowError

_AMOUNT = re.compile(r"[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?")


def column_key(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").split()).casefold()


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]  # by column_key


@dataclass(frozen=True)
class Table:
    header_line: int
    headers: dict[str, str]  # column_key → the header as the file spells it
    rows: tuple[Row, ...]


def physical_lines(text: str | Iterable[str]) -> Iterator[str]:
    """Lines ended by \\n, \\r\\n or \\r only, as a file read with newline="" gives them to `csv`;
    `str.splitlines` would also break at form feeds and Unicode separators inside a title."""
    lines = io.StringIO(text, newline="") if isinstance(text, str) else iter(text)
    first = next(lines, None)
    if first is None:
        return
    # A spreadsheet's byte-order mark would sit before the first quote mark and spoil the cell.
    yield first.removeprefix("\ufeff")
    yield from lines


def read_table(
    text: str | Iterable[str],
    *,
    delimiter: str,
    is_header: Callable[[Sequence[str]], bool],
    rename: Callable[[str], str] = column_key,
    min_cells: int = 1,
) -> Table | None:
    """Rows after the first row `is_header` accepts (None when no row does).

    Rows with fewer than `min_cells` non-blank cells are not data (blank lines; eBay's footer).
    """
    # Amazon's tab-separated files do not quote; a title may hold a bare quote mark.
    lines = physical_lines(text)
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE) if delimiter == "\t" else csv.reader(lines)
    header: list[str] | None = None
    spelled: dict[str, str] = {}
    header_line = 0
    rows: list[Row] = []
    last = 0
    for cells in reader:
        start, last = last + 1, reader.line_num
        if header is None:
            if cells and is_header(cells):
                header, header_line = [rename(c) for c in cells], start
                spelled = {key: raw.replace("\ufeff", "").strip() for key, raw in zip(header, cells) if key}
            continue
        if sum(1 for c in cells if c.strip()) < min_cells:
            continue
        padded = cells + [""] * (len(header) - len(cells))
        rows.append(Row(start, {key: value.strip() for key, value in zip(header, padded) if key}))
    if header is None:
        return None
    return Table(header_line, spelled, tuple(rows))


def missing_columns(table: Table, required: Iterable[str]) -> list[RowError]:
    return [
        RowError(table.header_line, name, f"required column {name!r} is missing from the header", "missing-column",
                 (("column", name),))
        for name in required
        if column_key(name) not in table.headers
    ]


def parse_decimal(text: str) -> Decimal | None:
    cleaned = text.strip()
    if not _AMOUNT.fullmatch(cleaned):
        return None
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        return None


def exact_money(value: Decimal, currency: str) -> Money | None:
    """`value` in `currency`'s minor units, or None when it has more places than the currency."""
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        return None
    return Money(int(scaled), currency)


def parse_moment(text: str, formats: Sequence[str], zone: tzinfo) -> datetime | None:
    cleaned = " ".join(text.split())
    parsed: datetime | None = None
    for fmt in formats:
        try:
            parsed = datetime.strptime(cleaned, fmt)
            break
        except ValueError:
            continue
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(cleaned)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


class Cells:
    """One row's cells; a bad cell is recorded as a RowError and a harmless stand-in returned,
    so every bad cell of a row is reported, and `ok` says whether the row can be used."""

    def __init__(self, row: Row, table: Table, errors: list[RowError]) -> None:
        self.row = row
        self._table = table
        self._errors = errors
        self._before = len(errors)

    @property
    def ok(self) -> bool:
        return len(self._errors) == self._before

    def fail(self, column: str, message: str, code: ProblemCode, **params: object) -> None:
        spelled = self._table.headers.get(column_key(column), column)
        self._errors.append(RowError(self.row.line, spelled, message, code,
                                     tuple((k, str(v)) for k, v in params.items())))

    def text(self, column: str) -> str:
        return self.row.cells.get(column_key(column), "")

    def optional(self, column: str) -> str | None:
        return self.text(column) or None

    def required(self, column: str) -> str:
        value = self.text(column)
        if not value:
            self.fail(column, "a value is required", "value-required")
        return value

    def decimal(self, column: str, *, blank_is_zero: bool = True) -> Decimal:
        value = self.text(column)
        if not value and blank_is_zero:
            return Decimal(0)
        parsed = parse_decimal(value)
        if parsed is None:
            if value:
                self.fail(column, f"not an amount: {value!r}", "not-an-amount", value=value)
            else:
                self.fail(column, "a value is required", "value-required")
            return Decimal(0)
        return parsed

    def money(self, column: str, currency: str, value: Decimal | None = None) -> Money:
        amount = self.decimal(column) if value is None else value
        exact = exact_money(amount, currency)
        if exact is None:
            self.fail(column, f"{amount} has more decimal places than {currency} allows", "too-many-decimals",
                      amount=amount, currency=currency)
            return Money.zero(currency)
        return exact

    def quantity(self, column: str, *, minimum: int = 1) -> int:
        value = self.text(column)
        if not (value.isascii() and value.isdigit()) or int(value) < minimum:
            if value:
                self.fail(column, f"not a quantity: {value!r}", "not-a-quantity", value=value)
            else:
                self.fail(column, "a value is required", "value-required")
            return 1
        return int(value)

    def currency(self, column: str) -> str:
        value = self.required(column).upper()
        if value and not known_currency(value):
            self.fail(column, f"unknown currency {value!r}", "unknown-currency", value=value)
            return "XXX"
        return value

    def country(self, column: str) -> str:
        value = self.required(column)
        code = country_code(value) if value else None
        if value and code is None:
            self.fail(column, f"unknown country {value!r}", "unknown-country", value=value)
        return code or "ZZ"

    def moment(self, column: str, formats: Sequence[str], zone: tzinfo, *, required: bool = True) -> datetime | None:
        value = self.required(column) if required else self.text(column)
        if not value:
            return None
        parsed = parse_moment(value, formats, zone)
        if parsed is None:
            self.fail(column, f"not a date: {value!r}", "not-a-date", value=value)
        return parsed
