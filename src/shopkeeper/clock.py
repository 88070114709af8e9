"""The only place that reads the time.

Services take a `Clock`; rules take `now` as an argument. Tests, the demo and
`shopkeeper simulate` use a `SimulatedClock` to run weeks in seconds.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class SimulatedClock:
    """A clock that only moves when told to. Always timezone-aware UTC."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = utc(start) if start else SystemClock().now()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = utc(moment)

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        step = delta if delta is not None else timedelta(**parts)
        if step < timedelta(0):
            raise ValueError("a simulated clock does not run backwards")
        with self._lock:
            self._now = self._now + step
            return self._now


def start_of_local_day(moment: datetime, zone: str) -> datetime:
    """00:00 of `moment`'s day in time zone `zone`, as UTC: where a store's "today" begins."""
    local = moment.astimezone(ZoneInfo(zone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


def valid_zone(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC (that is how the database stores them)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


# The times the engine takes in. Python's datetime holds years 1 to 9999, but a moment near either end
# overflows as soon as it is shown in a store's time zone or a deadline is added to it (a coupon valid N days
# from claiming, a campaign's ship-by). A thousand years of margin on both sides means no later step can
# overflow, so a time outside is refused where it comes in, never clamped: a promotion "until 9999-12-31"
# says so with `open_ended` instead.
EARLIEST = datetime(1000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)


def accepted_time(moment: datetime) -> datetime:
    """`moment` in UTC (naive means UTC), or ValueError when it lies outside [EARLIEST, LATEST)."""
    try:
        value = utc(moment)
    except OverflowError:  # e.g. 0001-01-01 at +05:00 is before the first UTC moment
        raise ValueError("the time is out of range") from None
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"the time must lie between the years {EARLIEST.year} and {LATEST.year}")
    return value
