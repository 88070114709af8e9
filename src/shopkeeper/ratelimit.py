"""Rate limits: failed sign-ins per client address, API use per key, coupon claims per buyer.

A sliding window per subject (the exact times of the last `limit` events), in this
process by default: one `shopkeeper serve` is one process. With SHOPKEEPER_REDIS_URL
the windows live in Redis (a sorted set per subject, moved by one Lua script), so
every process and host counts together; if Redis cannot be reached, each process
falls back to its own window rather than refusing everyone or no one.

The windows run on a clock of their own, not the business clock: a simulated clock
stands still or jumps by days, and a limit is about real requests per real minute.
In process that clock is monotonic; in Redis it is the hosts' wall clock, the one
they share. Tests pass a ticker they move by hand.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Protocol

from shopkeeper.errors import RateLimited
from shopkeeper.settings import Settings

log = logging.getLogger(__name__)
Ticker = Callable[[], float]  # seconds, only ever moving forward
WINDOW = 60.0  # every limit is per minute
SWEEP_AT = 10_000  # subjects remembered before the idle ones are forgotten


class Window(Protocol):
    def wait(self, subject: Hashable) -> int: ...
    def record(self, subject: Hashable) -> None: ...
    def take(self, subject: Hashable) -> int: ...


class SlidingWindow:
    """At most `limit` events per subject in any `window` seconds, in this process."""

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


# KEYS[1]: the subject's sorted set; ARGV: now, window, limit, mode (wait | record | take), a unique member.
# The same rule as SlidingWindow._wait, in one atomic step for every process.
_SCRIPT = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local wait = 0
if count >= limit then
  local keeps_full = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  wait = math.max(1, math.ceil(tonumber(keeps_full[2]) + window - now))
end
if ARGV[4] == 'record' or (ARGV[4] == 'take' and wait == 0) then
  redis.call('ZADD', KEYS[1], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000))
end
return wait
"""


class RedisWindow:
    """The same window, shared by every process through Redis; this process's own window while Redis is away."""

    def __init__(self, client: Any, name: str, limit: int, ticker: Ticker, window: float = WINDOW) -> None:
        self.limit = limit
        self.window = window
        self._client = client
        self._script = client.register_script(_SCRIPT)
        self._name = name
        self._ticker = ticker
        self._fallback = SlidingWindow(limit, ticker, window)

    def wait(self, subject: Hashable) -> int:
        return self._run(subject, "wait", self._fallback.wait)

    def record(self, subject: Hashable) -> None:
        self._run(subject, "record", self._record_here)

    def take(self, subject: Hashable) -> int:
        return self._run(subject, "take", self._fallback.take)

    def _record_here(self, subject: Hashable) -> int:
        self._fallback.record(subject)
        return 0

    def _run(self, subject: Hashable, mode: str, fallback: Callable[[Hashable], int]) -> int:
        import redis  # type: ignore[import-not-found, unused-ignore]  # only with SHOPKEEPER_REDIS_URL (extra "redis")

        now = self._ticker()
        try:
            return int(self._script(keys=[f"{self._name}:{subject}"],
                                    args=[repr(now), repr(self.window), self.limit, mode, f"{now!r}:{uuid.uuid4().hex}"]))
        except redis.RedisError as trouble:
            log.warning("rate limit %s: Redis unavailable (%s); counting in this process", self._name, trouble)
            return fallback(subject)


@dataclass(frozen=True)
class RateLimits:
    """The app's limits, one window each (app.state.limits)."""

    failed_sign_ins: Window  # per client address: wrong keys (API and console), dead sign-in links
    api_requests: Window  # per key
    coupon_claims: Window  # per buyer

    @classmethod
    def of(cls, settings: Settings, ticker: Ticker | None = None, namespace: str = "shopkeeper:ratelimit") -> RateLimits:
        """In-process windows, or Redis ones when SHOPKEEPER_REDIS_URL is set (`namespace` prefixes their keys)."""
        limits = {"failed_sign_ins": settings.failed_sign_ins_per_minute,
                  "api_requests": settings.api_requests_per_minute,
                  "coupon_claims": settings.coupon_claims_per_minute}
        if settings.redis_url is None:
            local = ticker or time.monotonic
            return cls(**{name: SlidingWindow(limit, local) for name, limit in limits.items()})
        import redis  # type: ignore[import-not-found, unused-ignore]

        client = redis.Redis.from_url(settings.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
        shared = ticker or time.time
        return cls(**{name: RedisWindow(client, f"{namespace}:{name}", limit, shared) for name, limit in limits.items()})


def refuse_if_waiting(wait: int, what: str) -> None:
    if wait:
        raise RateLimited(f"too many {what}; try again in {wait} s", retry_after=wait)
