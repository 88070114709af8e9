"""The simulated clock's time, kept in the database so separate commands share it.

`shopkeeper simulate --days N` moves it forward; a server started with
SHOPKEEPER_CLOCK=simulated reads it. Nothing else in the engine knows which
clock it runs on. What `shopkeeper simulate` tells as the clock moves is the
command's own (simulate.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.clock import SimulatedClock, SystemClock
from shopkeeper.db import Base, Database


class SimulatedNow(Base):
    __tablename__ = "simulated_now"

    id: Mapped[int] = mapped_column(primary_key=True)
    now: Mapped[datetime]


def load(db: Database) -> SimulatedClock:
    """The stored simulated time, or the real time if the simulation never ran."""
    with db.read() as session:
        row = session.get(SimulatedNow, 1)
        return SimulatedClock(row.now if row else SystemClock().now())


def save(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        row = session.get(SimulatedNow, 1)
        if row is None:
            session.add(SimulatedNow(id=1, now=clock.now()))
        else:
            row.now = max(row.now, clock.now())


class DatabaseClock:
    """A server's clock in simulated mode: whatever time the simulation last reached."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def now(self) -> datetime:
        return load(self.db).now()
