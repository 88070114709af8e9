"""Tracking events (物流信息, RULES.md §5.5: the in-transit status a carrier's site can be asked for): pure rules.

A carrier, a file or a person reports scans of a parcel: picked up (揽件), in transit, held by customs, delivered,
returned. This module reads them (one CSV layout for files), names each scan once (`dedupe_key`, so the same scan
reported twice changes nothing) and says what a scan does to an order (`steps_for`).

Readings (our choices where RULES.md is silent):
- A scan that shows the carrier has the parcel (picked up, in transit, delivered) ships an order that has a booked
  label and is not shipped yet, with the label's carrier and number: the parcel has left, whatever the desk forgot.
- Delivered before picked up (scans arrive out of order): the delivery counts at once; the pickup scan, when it
  comes, is still recorded at its own time, since the carrier's pickup is what a Taobao or Tmall store's ship-by
  is measured to (§7.3). No pickup time is made up from the delivery.
- Held by customs and returned change no order: they are events for after-sales and customs to act on.
- The scan's own time (`at`) is the carrier's; the order is delivered when we learn it (the receipt windows run
  from then), the pickup at the scan's time.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Literal, get_args

from shopkeeper.clock import accepted_time
from shopkeeper.errors import InvalidInput

Kind = Literal["picked_up", "in_transit", "held_by_customs", "delivered", "returned"]
Source = Literal["api", "file", "carrier"]
Step = Literal["ship", "pickup", "deliver", "announce"]
KINDS: tuple[str, ...] = get_args(Kind)
SOURCES: tuple[str, ...] = get_args(Source)
CARRIER_HAS_IT = frozenset({"picked_up", "in_transit", "delivered"})
COLUMNS = ("tracking_number", "kind", "at", "location")
MAX_LOCATION = 120


@dataclass(frozen=True)
class TrackingReport:
    """One scan as reported: the parcel's number, what happened, when (aware time), and where."""

    tracking_number: str
    kind: str
    at: datetime
    location: str = ""

    def __post_init__(self) -> None:
        number = self.tracking_number
        if not isinstance(number, str) or not number.strip() or len(number) > 64:
            raise InvalidInput("a tracking number is 1 to 64 characters", field="tracking_number")
        if self.kind not in KINDS:
            raise InvalidInput(f"tracking event kind {self.kind} is not one of {', '.join(KINDS)}", field="kind")
        if not isinstance(self.at, datetime) or self.at.tzinfo is None:
            raise InvalidInput("a tracking event's time needs its time zone (e.g. 2026-12-05T09:30:00+08:00)", field="at")
        try:
            accepted_time(self.at)
        except ValueError:
            raise InvalidInput("a tracking event's time must lie between the years 1000 and 9000", field="at") from None
        if len(self.location) > MAX_LOCATION:
            raise InvalidInput(f"a location is at most {MAX_LOCATION} characters", field="location")


def dedupe_key(report: TrackingReport) -> str:
    """The scan's name: the same number, kind, moment and place is the same scan, whoever reports it and how often."""
    moment = report.at.astimezone(timezone.utc).isoformat(timespec="seconds")
    text = "|".join((report.tracking_number.strip().upper(), report.kind, moment, report.location.strip().casefold()))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class OrderFacts:
    """What the steps depend on: whether a label waits to ship, and what the order records already."""

    labelled: bool
    shipped: bool
    picked_up: bool
    delivered: bool


def steps_for(kind: str, order: OrderFacts) -> tuple[Step, ...]:
    """What a scan does to its order, in order (the module docstring gives the readings)."""
    steps: list[Step] = []
    if kind in CARRIER_HAS_IT and not order.shipped and order.labelled:
        steps.append("ship")
    shipped = order.shipped or bool(steps)
    if kind == "picked_up" and shipped and not order.picked_up:
        steps.append("pickup")
    elif kind == "delivered" and shipped and not order.delivered:
        steps.append("deliver")
    elif kind in ("held_by_customs", "returned"):
        steps.append("announce")
    return tuple(steps)


@dataclass(frozen=True)
class FileProblem:
    line: int
    message: str


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{text!r} is not an ISO 8601 time", field="at") from None
    if moment.tzinfo is None:
        raise InvalidInput("a tracking event's time needs its time zone (e.g. 2026-12-05T09:30:00+08:00)", field="at")
    return moment


def read_csv(text: str) -> tuple[list[tuple[int, TrackingReport]], list[FileProblem]]:
    """A tracking file: a header naming tracking_number, kind, at (ISO 8601 with zone) and optionally location.

    Returns each good row with its line number, and each bad row's line and why; one bad row stops no other."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS[:3] if c not in (reader.fieldnames or [])]
    if missing:
        return [], [FileProblem(1, f"the header lacks {', '.join(missing)}")]
    good: list[tuple[int, TrackingReport]] = []
    bad: list[FileProblem] = []
    for row in reader:
        line = reader.line_num
        try:
            good.append((line, TrackingReport((row.get("tracking_number") or "").strip(), (row.get("kind") or "").strip(),
                                              _moment(row.get("at") or ""), (row.get("location") or "").strip())))
        except InvalidInput as problem:
            bad.append(FileProblem(line, problem.detail))
    return good, bad
