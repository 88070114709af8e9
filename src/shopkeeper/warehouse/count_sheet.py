"""A stocktake's count sheet as CSV (`sku_code,counted`), read purely: a header row is optional, every bad line is
named with its number, and a SKU code twice is refused, so a sheet is taken whole or not at all."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

HEADER = ("sku_code", "counted")


@dataclass(frozen=True)
class CountSheet:
    counts: list[tuple[str, int]]
    problems: list[str]  # "line 4: counted must be a whole number ≥ 0"


def read_counts(text: str) -> CountSheet:
    counts: list[tuple[str, int]] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and tuple(c.lower() for c in cells[:2]) == HEADER:
            continue
        if len(cells) != 2 or not cells[0]:
            problems.append(f"line {number}: expected sku_code,counted")
            continue
        code, counted = cells
        if not counted.isascii() or not counted.isdigit() or len(counted) > 9:
            problems.append(f"line {number}: counted must be a whole number ≥ 0, not {counted!r}")
            continue
        if code in seen:
            problems.append(f"line {number}: {code} was counted on line {seen[code]} already")
            continue
        seen[code] = number
        counts.append((code, int(counted)))
    return CountSheet(counts, problems)
