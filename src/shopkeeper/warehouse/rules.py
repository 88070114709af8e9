"""Scanned warehouse work as pure rules (RULES.md §5.2): weight check, packing and outbound verification, picking
time, stocktake variances. No database, no clock: the services pass what they read.

Readings where RULES.md is silent (our choices):
- Weight check (核重): expected = Σ SKU weight × quantity + `PACKAGING_GRAMS`; a parcel is within tolerance when it
  differs by at most max(10 % of expected, 50 g). Outside it the scan is flagged with the difference, not refused.
- Packing (装箱) and outbound verification (出库核验): each scanned item must be on the order and not beyond the
  ordered quantity, else the scan is blocked; an order is verified only when what was scanned equals its lines.
- Picking: §5.2's ten minutes is shown as a guide per order; nothing is refused for exceeding it.
- Stocktake: the variance of a SKU is counted − system, where system is on hand (available + reserved) when it was
  counted; value at the SKU's price. Closing moves available stock by the variance, and is refused when that would
  take available below zero: reserved units are never adjusted away.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from shopkeeper.errors import Conflict

PACKAGING_GRAMS = 50
TOLERANCE_PERCENT = 10
TOLERANCE_FLOOR_GRAMS = 50
PICK_GUIDE_MINUTES = 10  # §5.2: a picker who knows the shelves "can finish picking within ten minutes"


class ScanKind(StrEnum):
    RECEIVE = "receive"
    WEIGH = "weigh"
    PACK = "pack"
    OUTBOUND_VERIFY = "outbound_verify"
    PICK_START = "pick_start"
    PICK_END = "pick_end"
    STOCKTAKE = "stocktake"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"


ScanResult = Literal["ok", "flagged", "blocked"]
ItemKind = Literal["pack", "outbound_verify"]


class ScanBlocked(Conflict):
    """An item scan refused: the scan is recorded (blocked) and the caller told why."""

    code = "scan-blocked"
    title = "The scanned item does not belong on this order"


class NotVerified(Conflict):
    code = "order-not-verified"
    title = "What was scanned does not equal the order's lines yet"


class CountBelowReserved(Conflict):
    code = "count-below-reserved"
    title = "A count is below the units reserved for orders"


# --- weight check (核重) -----------------------------------------------------------------------------

@dataclass(frozen=True)
class WeightCheck:
    expected_grams: int
    measured_grams: int
    tolerance_grams: int

    @property
    def difference_grams(self) -> int:
        return self.measured_grams - self.expected_grams

    @property
    def within(self) -> bool:
        return abs(self.difference_grams) <= self.tolerance_grams


def expected_grams(lines: Iterable[tuple[int, int]]) -> int:
    """(unit weight in grams, quantity) per line, plus the packaging allowance."""
    return sum(weight * quantity for weight, quantity in lines) + PACKAGING_GRAMS


def tolerance_grams(expected: int) -> int:
    """max(10 % of expected, rounded up, 50 g)."""
    return max(-(-expected * TOLERANCE_PERCENT // 100), TOLERANCE_FLOOR_GRAMS)


def check_weight(expected: int, measured: int) -> WeightCheck:
    return WeightCheck(expected, measured, tolerance_grams(expected))


# --- packing and outbound verification (装箱, 出库核验) ---------------------------------------------

def judge_item(ordered: Mapping[int, int], scanned: Mapping[int, int], sku_id: int, quantity: int) -> str | None:
    """None when the item may be scanned; else why it is blocked (`not-on-order`, `more-than-ordered`)."""
    if ordered.get(sku_id, 0) <= 0:
        return "not-on-order"
    if scanned.get(sku_id, 0) + quantity > ordered[sku_id]:
        return "more-than-ordered"
    return None


def still_to_scan(ordered: Mapping[int, int], scanned: Mapping[int, int]) -> dict[int, int]:
    """Units of each SKU not scanned yet (none when the order is complete)."""
    return {sku: q - scanned.get(sku, 0) for sku, q in sorted(ordered.items()) if q > scanned.get(sku, 0)}


def is_complete(ordered: Mapping[int, int], scanned: Mapping[int, int]) -> bool:
    """Scanned equals the order's lines, no more and no other SKU (§5.2: picking and labels confirmed)."""
    keep = {sku: q for sku, q in ordered.items() if q > 0}
    return keep == {sku: q for sku, q in scanned.items() if q > 0}


def tally(quantities: Iterable[tuple[int, int]]) -> dict[int, int]:
    found: dict[int, int] = {}
    for sku_id, quantity in quantities:
        found[sku_id] = found.get(sku_id, 0) + quantity
    return found


# --- picking time -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PickTime:
    order_id: int
    started_at: datetime
    ended_at: datetime

    @property
    def minutes(self) -> float:
        return round((self.ended_at - self.started_at).total_seconds() / 60, 1)

    @property
    def over_guide(self) -> bool:
        return self.minutes > PICK_GUIDE_MINUTES


def pick_times(scans: Sequence[tuple[int, str, datetime]]) -> list[PickTime]:
    """Each pick_end paired with the latest pick_start of its order before it; a start without an end is still
    picking and an end without a start is ignored. Scans are (order id, kind, when), in any order."""
    started: dict[int, datetime] = {}
    found: list[PickTime] = []
    for order_id, kind, at in sorted(scans, key=lambda s: (s[2], s[1] != ScanKind.PICK_START)):
        if kind == ScanKind.PICK_START:
            started[order_id] = at
        elif kind == ScanKind.PICK_END and order_id in started:
            found.append(PickTime(order_id, started.pop(order_id), at))
    return found


# --- stocktake variances (盘点) ----------------------------------------------------------------------

@dataclass(frozen=True)
class Variance:
    sku_id: int
    system: int
    counted: int
    unit_minor: int

    @property
    def units(self) -> int:
        return self.counted - self.system

    @property
    def value_minor(self) -> int:
        return self.units * self.unit_minor


def variances(counts: Iterable[tuple[int, int, int]], unit_minor: Mapping[int, int]) -> list[Variance]:
    """(SKU, system, counted) per counted SKU → the variance report, by SKU."""
    return [Variance(sku, system, counted, unit_minor.get(sku, 0)) for sku, system, counted in sorted(counts)]


def refused_adjustments(lines: Iterable[tuple[int, int, int]]) -> list[int]:
    """(SKU, available now, variance) → the SKUs whose adjustment would take available below zero, i.e. count fewer
    units than orders hold reserved: closing refuses these rather than touch reservations."""
    return [sku for sku, available, units in lines if available + units < 0]
