"""Automatic behaviour with the simulated clock: payment windows and auto-confirmation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from shopkeeper import timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.composition import TIMER_HANDLERS
from shopkeeper.db import Database


def test_unpaid_order_closes_exactly_when_the_window_passes_and_stock_returns(shop, db: Database, clock: SimulatedClock) -> None:
    # given an unpaid order on a Taobao store (window: 24 h, RULES.md §17.1)
    red = shop.skus[0]
    order = shop.order((red, 3))
    assert shop.stock(red)["available"] == 97
    # when the clock reaches one second before the window ends
    timers.advance_to(db, clock, clock.now() + timedelta(hours=24) - timedelta(seconds=1))
    # then it is still open
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "awaiting_payment"
    # when the window passes
    timers.advance_to(db, clock, clock.now() + timedelta(seconds=1))
    # then it is closed at that very moment and its stock is on sale again
    closed = shop.shopper.get(f"/orders/{order['id']}")
    assert closed["status"] == "closed" and closed["close_reason"] == "payment_window_passed"
    assert closed["closed_at"] == closed["pay_by"]
    assert shop.stock(red) == {**shop.stock(red), "available": 100, "reserved": 0}


def test_shipped_order_completes_by_itself_when_the_receipt_window_passes(shop, db: Database, clock: SimulatedClock) -> None:
    order = shop.order((shop.skus[1], 1))
    shop.pay(order)
    clock.advance(hours=3)
    shipped = shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "YTO", "tracking_number": "YT100"})
    # taobao.toml: auto-confirm 10 days after shipment (RULES.md §17.1)
    timers.advance_to(db, clock, clock.now() + timedelta(days=10) - timedelta(minutes=1))
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "shipped"
    timers.advance_to(db, clock, clock.now() + timedelta(minutes=1))
    done = shop.shopper.get(f"/orders/{order['id']}")
    assert done["status"] == "completed" and done["completed_at"] == shipped["confirm_by"]
    balance = shop.staff.get(f"/stores/{shop.store_id}/balance")
    assert balance["store_balance"]["minor"] == order["total"]["minor"] and balance["escrow"]["minor"] == 0


def test_paid_order_does_not_close_when_its_stale_timer_fires(shop, db: Database, clock: SimulatedClock) -> None:
    order = shop.order((shop.skus[0], 1))
    shop.pay(order)
    fired = timers.advance_to(db, clock, clock.now() + timedelta(days=2))
    assert fired >= 1  # the close-unpaid timer ran and did nothing
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "paid"


def test_missed_ship_by_is_recorded_as_an_overdue_event(shop, db: Database, clock: SimulatedClock) -> None:
    order = shop.order((shop.skus[0], 1))
    shop.pay(order)
    timers.advance_to(db, clock, clock.now() + timedelta(hours=73))
    types = [e["type"] for e in shop.staff.get(f"/orders/{order['id']}/events")]
    assert "order.ship_overdue" in types


@pytest.fixture
def with_handlers() -> Iterator[Callable[..., None]]:
    """Test handlers beside the engine's own, for one test; the engine's table again after it."""
    yield lambda **extra: timers.install({**TIMER_HANDLERS, **{kind.replace("_", "."): h for kind, h in extra.items()}})
    timers.install(TIMER_HANDLERS)


def test_a_failing_handler_is_retried_then_parked_without_blocking_others(db: Database, clock: SimulatedClock,
                                                                         with_handlers: Callable[..., None]) -> None:
    calls: list[str] = []

    def boom(session, clock, timer):  # type: ignore[no-untyped-def]
        calls.append(timer.subject)
        raise RuntimeError("boom")

    def ok(session, clock, timer):  # type: ignore[no-untyped-def]
        calls.append(timer.subject)

    with_handlers(test_boom=boom, test_ok=ok)

    with db.transaction() as session:
        timers.schedule(session, "test.boom", "x:1", clock.now())
        timers.schedule(session, "test.ok", "x:2", clock.now())
    timers.advance_to(db, clock, clock.now() + timedelta(days=1))
    assert calls.count("x:1") == timers.MAX_ATTEMPTS and calls.count("x:2") == 1
    with db.read() as session:
        statuses = {t.subject: t.status for t in session.query(timers.Timer)}
    assert statuses == {"x:1": "failed", "x:2": "done"}


def test_concurrent_workers_fire_each_timer_exactly_once(db: Database, clock: SimulatedClock,
                                                        with_handlers: Callable[..., None]) -> None:
    """Two workers share the queue (SKIP LOCKED on PostgreSQL); no timer runs twice."""
    from concurrent.futures import ThreadPoolExecutor

    from shopkeeper import events

    def count(session, clock, timer):  # type: ignore[no-untyped-def]
        events.record(session, clock.now(), "test.counted", timer.subject)

    with_handlers(test_count=count)

    with db.transaction() as session:
        for n in range(60):
            timers.schedule(session, "test.count", f"t:{n}", clock.now())
    with ThreadPoolExecutor(max_workers=3) as pool:
        fired = sum(pool.map(lambda _: timers.run_due_timers(db, clock), range(3)))
    assert fired == 60
    with db.read() as session:
        counted = [e.subject for e in session.query(events.Event).filter(events.Event.type == "test.counted")]
    assert sorted(counted) == sorted(f"t:{n}" for n in range(60))
