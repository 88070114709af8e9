"""Rate limits: failed sign-ins per client address, API use per key, coupon claims per buyer.

A sliding window per subject (the exact times of the last `limit` events), in this
process: one `shopkeeper serve` is one process. Several processes each count on
their own, which multiplies a limit by their number; a shared (Redis) window is
the next step when that matters.

The window runs on a monotonic clock of its own, not the business clock: a
simulated clock stands still or jumps by days, and a limit is about real requests
per real minute. Tests pass a ticker they move by hand.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from shopkeeper.errors import RateLimited
from shopkeeper.settings import Settings

Ticker = Callable[[], float]  # seconds, only ever moving forward
WINDOW = 60.0  # every limit is per minute
SWEEP_AT = 10_000  # subjects remembered before the idle ones are forgotten


class SlidingWindow:
    """At most `limit` events per subject in any `window` seconds."""

    def __init__(self, limit: int, ticker: Ticker, window: float = WINDOW) -> None:
        self.limit = limit
        self.window = window
        self._ticker = ticker
        self._events: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, subject: Hashable) -> int:
        """Seconds until `subject` may act again (0: it may now). Records nothing."""
        with self._lock:
            return self._wait(subject, self._ticker())

    def record(self, subject: Hashable) -> None:
        """Count one event, e.g. a failed sign-in."""
        with self._lock:
            now = self._ticker()
            self._wait(subject, now)
            self._events.setdefault(subject, deque()).append(now)
            if len(self._events) > SWEEP_AT:
                self._sweep(now)

    def take(self, subject: Hashable) -> int:
        """Count one event if there is room and return 0, or return the seconds to wait (counting nothing)."""
        with self._lock:
            now = self._ticker()
            wait = self._wait(subject, now)
            if wait == 0:
                self._events.setdefault(subject, deque()).append(now)
                if len(self._events) > SWEEP_AT:
                    self._sweep(now)
            return wait

    def _wait(self, subject: Hashable, now: float) -> int:
        times = self._events.get(subject)
        if times is None:
            return 0
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._events[subject]
            return 0
        if len(times) < self.limit:
            return 0
        # room again when the oldest event that keeps the window full leaves it
        return max(1, math.ceil(times[len(times) - self.limit] + self.window - now))

    def _sweep(self, now: float) -> None:
        for subject in [s for s, times in self._events.items() if not times or times[-1] <= now - self.window]:
            del self._events[subject]


@dataclass(frozen=True)
class RateLimits:
    """The app's limits, one window each (app.state.limits)."""

    failed_sign_ins: SlidingWindow  # per client address: wrong keys (API and console), dead sign-in links
    api_requests: SlidingWindow  # per key
    coupon_claims: SlidingWindow  # per buyer

    @classmethod
    def of(cls, settings: Settings, ticker: Ticker = time.monotonic) -> RateLimits:
        return cls(failed_sign_ins=SlidingWindow(settings.failed_sign_ins_per_minute, ticker),
                   api_requests=SlidingWindow(settings.api_requests_per_minute, ticker),
                   coupon_claims=SlidingWindow(settings.coupon_claims_per_minute, ticker))


def refuse_if_waiting(wait: int, what: str) -> None:
    if wait:
        raise RateLimited(f"too many {what}; try again in {wait} s", retry_after=wait)
