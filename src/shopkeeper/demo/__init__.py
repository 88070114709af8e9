"""`shopkeeper demo`: three stores (Taobao, independent, DHgate), their buyers, weeks of orders and their
after-sales cases, built through the real engine.

Everything goes through the service functions, one use case per transaction, as
the API would call them, on a `SimulatedClock` that starts `days` days before now
(at 00:00 UTC) and stops at now. Timers fire at their own due times as the clock
moves; those not yet due at the end stay pending for the server's worker. The
same seed and the same end time give the same shop, order for order (order
numbers and ledger references excepted: the engine draws those from `secrets`).
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

from rich.console import Console
from sqlalchemy import select

from shopkeeper import timers
from shopkeeper.catalog.models import Store
from shopkeeper.clock import SimulatedClock, SystemClock, utc
from shopkeeper.composition import install
from shopkeeper.db import Database
from shopkeeper.demo.simulation import DemoRun
from shopkeeper.settings import Settings


def has_data(db: Database) -> bool:
    """True once any store exists (`shopkeeper demo --if-empty` then leaves the database alone)."""
    with db.read() as session:
        return session.scalar(select(Store.id).limit(1)) is not None


def build(db: Database, days: int = 30, seed: int = 7, console: Console | None = None, *,
          now: datetime | None = None, scale: float = 1.0) -> str:
    """Build the demo and return a one-paragraph summary.

    `now` is where the simulated clock stops (the real time unless given, which
    is what makes two runs with one seed identical); `scale` multiplies the
    number of orders per day (tests use a small one).
    """
    console = console or Console()
    started = time.monotonic()
    install()  # the demo's month fires every timer the engine schedules; its products name shipping templates
    end = utc(now) if now else SystemClock().now()
    start = (end - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    demo = DemoRun(db, SimulatedClock(start), random.Random(seed), Settings.from_env().payment_secret, scale, start, end)
    demo.open_shops()
    demo.run(console)
    if now is None:  # building took a while: catch up with the real time
        demo.fired += timers.advance_to(db, demo.clock, max(end, SystemClock().now()))
    return demo.summary(time.monotonic() - started)
