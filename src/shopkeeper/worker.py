"""The timer worker: fires due timers until stopped.

Run any number of them (`shopkeeper worker`); on PostgreSQL they share the
queue through SKIP LOCKED. `shopkeeper serve` runs one in a thread beside the API.
"""

from __future__ import annotations

import logging
import threading

from shopkeeper import timers
from shopkeeper.clock import Clock
from shopkeeper.db import Database

log = logging.getLogger(__name__)


def run(db: Database, clock: Clock, stop: threading.Event, poll_seconds: float = 1.0) -> None:
    """Fire due timers until `stop` is set; the caller installs the handlers first (composition.install)."""
    while not stop.is_set():
        try:
            fired = timers.run_due_timers(db, clock, limit=500)
        except Exception:  # keep the worker alive across a database hiccup
            log.exception("timer run failed")
            fired = 0
        if fired:
            log.info("fired %d timers", fired)
        else:
            stop.wait(poll_seconds)


def start_in_thread(db: Database, clock: Clock, poll_seconds: float = 1.0) -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run, args=(db, clock, stop, poll_seconds), name="shopkeeper-worker", daemon=True).start()
    return stop
