"""Rows of one channel order become one ImportedOrder, or errors for its rows (RULES.md §17.4).

Our readings, shared by every layout:
- rows group by the channel's order id wherever they stand in the file (not only adjacent ones);
- a row identical, cell for cell, to an earlier row of the same order is the order appearing
  again (two exports joined into one file) and is skipped, so its lines are not counted twice;
- an order-level column may be blank on an order's later rows (Shopify leaves it blank), but two
  different non-blank values are a conflict, reported on each row that differs from the first;
- an order with any bad or conflicting row is not imported at all (a partial order would ship
  the wrong goods); its bad rows carry the errors, its other orders still parse.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from shopkeeper.orders.intake.imported import ImportedOrder, ParseResult, RowError
from shopkeeper.orders.intake.reading import Row, Table, column_key

Build = Callable[[str, Sequence[Row], list[RowError]], ImportedOrder | None]


def parse_groups(table: Table, *, order_id: str, order_columns: Sequence[str], build: Build) -> ParseResult:
    errors: list[RowError] = []
    groups: dict[str, list[Row]] = {}
    for row in table.rows:
        key = row.cells.get(column_key(order_id), "")
        if not key:
            errors.append(RowError(row.line, _spelled(table, order_id), "a value is required", "value-required"))
            continue
        group = groups.setdefault(key, [])
        if all(row.cells != earlier.cells for earlier in group):
            group.append(row)
    orders: list[ImportedOrder] = []
    for key, rows in groups.items():
        before = len(errors)
        errors.extend(conflicts(table, key, rows, order_columns))
        order = build(key, rows, errors)
        if order is not None and len(errors) == before:
            orders.append(order)
    return ParseResult(tuple(orders), tuple(sorted(errors, key=lambda e: e.line_number)))


def conflicts(table: Table, order_id: str, rows: Sequence[Row], order_columns: Sequence[str]) -> list[RowError]:
    found: list[RowError] = []
    for column in order_columns:
        key = column_key(column)
        first: Row | None = None
        for row in rows:
            value = row.cells.get(key, "")
            if not value:
                continue
            if first is None:
                first = row
            elif value != first.cells[key]:
                found.append(
                    RowError(
                        row.line,
                        _spelled(table, column),
                        f"order {order_id}: {value!r} here but {first.cells[key]!r} on line {first.line}",
                        "conflict",
                        (("order", order_id), ("value", value), ("first", first.cells[key]), ("line", str(first.line))),
                    )
                )
    return found


def _spelled(table: Table, column: str) -> str:
    return table.headers.get(column_key(column), column)
