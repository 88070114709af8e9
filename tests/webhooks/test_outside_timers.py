"""Timers whose handler waits on the outside world (timers.Outside): leased, not held in a transaction; a worker that
dies mid-call leaves the timer to fire again when the lease ends; a handler's error backs off like any timer's. And
the webhook outbox commits with its event or not at all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shopkeeper import events, timers
from shopkeeper.clock import Clock, SimulatedClock
from shopkeeper.composition import TIMER_HANDLERS
from shopkeeper.db import Database
from shopkeeper.webhooks.models import WebhookDelivery
from support import Shop
from webhooks.receiver import Receiver, free_port


class WorkerDied(BaseException):
    """Stands for the process ending mid-call: nothing after it runs (not an Exception a handler's bug raises)."""


@pytest.fixture
def outside() -> Iterator[Callable[[Callable[[Database, Clock, timers.Ticket], None]], None]]:
    yield lambda run: timers.install({**TIMER_HANDLERS, "test.outside": timers.Outside(run)})
    timers.install(TIMER_HANDLERS)


def schedule(db: Database, clock: SimulatedClock) -> int:
    with db.transaction() as session:
        timer = timers.schedule(session, "test.outside", "thing:1", clock.now(), n=1)
        session.flush()
        return timer.id


def status_of(db: Database, timer_id: int) -> tuple[str, int]:
    with db.read() as session:
        timer = session.get(timers.Timer, timer_id)
        assert timer is not None
        return timer.status, timer.attempts


def test_an_outside_handler_runs_with_no_transaction_open_so_others_may_write_meanwhile(
        db: Database, clock: SimulatedClock, outside: Callable[..., None]) -> None:
    # given a handler that, mid-call, writes from another transaction (on SQLite: the one writer)
    def run(database: Database, _: Clock, ticket: timers.Ticket) -> None:
        with database.transaction() as session:
            events.record(session, clock.now(), "test.written_meanwhile", ticket.subject)

    outside(run)
    timer_id = schedule(db, clock)
    # when the worker fires it; then the write went through and the timer is done
    assert timers.run_due_timers(db, clock) == 1
    assert status_of(db, timer_id) == ("done", 1)
    with db.read() as session:
        assert [e.type for e in events.timeline(session, "thing:1")] == ["test.written_meanwhile"]


def test_a_worker_that_dies_mid_call_leaves_the_timer_to_fire_again_when_its_lease_ends(
        db: Database, clock: SimulatedClock, outside: Callable[..., None]) -> None:
    calls: list[int] = []

    def run(_: Database, __: Clock, ticket: timers.Ticket) -> None:
        calls.append(ticket.id)
        if len(calls) == 1:
            raise WorkerDied

    outside(run)
    timer_id = schedule(db, clock)
    # when the worker dies in the first call
    with pytest.raises(WorkerDied):
        timers.run_due_timers(db, clock)
    # then no other worker takes the timer while the lease runs; after it, the handler runs again and completes
    assert timers.run_due_timers(db, clock) == 0
    clock.advance(timers.LEASE)
    assert timers.run_due_timers(db, clock) == 1
    assert calls == [timer_id, timer_id] and status_of(db, timer_id) == ("done", 2)


def test_an_outside_handlers_error_backs_off_then_parks_the_timer_like_any_other(
        db: Database, clock: SimulatedClock, outside: Callable[..., None]) -> None:
    def run(_: Database, __: Clock, ___: timers.Ticket) -> None:
        raise RuntimeError("the handler has a bug")

    outside(run)
    timer_id = schedule(db, clock)
    for _ in range(timers.MAX_ATTEMPTS):
        timers.run_due_timers(db, clock)
        clock.advance(hours=1)
    assert status_of(db, timer_id) == ("failed", timers.MAX_ATTEMPTS)


def test_an_event_rolled_back_owes_no_delivery(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given a subscription to order events
    shop.staff.post(f"/stores/{shop.store_id}/webhooks",
                    {"url": Receiver(free_port()).url, "event_types": ["order."]}, expect=201)
    # when an order event is recorded in a transaction that then fails
    with pytest.raises(RuntimeError), db.transaction() as session:
        events.record(session, clock.now(), "order.placed", "order:999", shop.store_id)
        session.flush()
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 1  # owed, with the event
        raise RuntimeError("the use case fails after the event")
    # then neither the event nor its delivery nor its timer exists
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
        assert session.scalar(select(func.count()).select_from(timers.Timer)
                              .where(timers.Timer.kind == "webhook.deliver")) == 0


def test_a_receiver_that_writes_to_the_shop_while_answering_is_not_blocked_by_the_delivery(
        shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given a receiver that, before answering, writes to the shop's database (an ERP calling back, say); on SQLite a
    # transaction held across the call would keep it waiting until the request timed out
    receiver = Receiver(free_port())
    hook = shop.staff.post(f"/stores/{shop.store_id}/webhooks", {"url": receiver.url, "event_types": ["order."]},
                           expect=201)
    written: list[str] = []

    def answer() -> int:
        with db.transaction() as session:
            written.append(events.record(session, clock.now(), "test.receiver_wrote", "erp:1").type)
        return 200

    receiver.on_request = answer
    with receiver.up():
        shop.order((shop.skus[0], 1))
        timers.run_due_timers(db, clock)
    # then the receiver's write went through during the delivery, and the delivery is delivered
    assert written == ["test.receiver_wrote"]
    items = shop.staff.get(f"/webhooks/{hook['id']}/deliveries")["items"]
    assert [d["status"] for d in items] == ["delivered"]


def test_advance_to_moves_past_a_retry_schedule(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given a receiver that stays down: advance_to fires every retry at its own time and ends
    hook = shop.staff.post(f"/stores/{shop.store_id}/webhooks",
                           {"url": Receiver(free_port()).url, "event_types": ["order.placed"]}, expect=201)
    shop.order((shop.skus[0], 1))
    timers.advance_to(db, clock, clock.now() + timedelta(days=3))
    [delivery] = shop.staff.get(f"/webhooks/{hook['id']}/deliveries")["items"]
    assert (delivery["status"], delivery["attempts"]) == ("failed", 8)
