"""`shopkeeper webhooks resend-failed`: after a partner's outage, every failed delivery of a store goes again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkeeper import events, migrate, timers
from shopkeeper.catalog import service as catalog
from shopkeeper.cli import app
from shopkeeper.clock import SimulatedClock
from shopkeeper.composition import install
from shopkeeper.db import Database
from shopkeeper.scope import SYSTEM
from shopkeeper.webhooks import service as webhooks
from support import START
from webhooks.receiver import Receiver, free_port

runner = CliRunner()


def test_resend_failed_sends_every_failed_delivery_of_the_store_again(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # given a store whose partner was down for three days: its two order events' deliveries failed
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("SHOPKEEPER_DATABASE_URL", url)
    install()
    db, clock, receiver = Database(url), SimulatedClock(START), Receiver(free_port())
    with db.transaction() as session:
        store = catalog.create_store(session, clock.now(), SYSTEM, "Tea House", "taobao", "CNY")
        hook = webhooks.create_subscription(session, clock.now(), SYSTEM, store.id,
                                            webhooks.SubscriptionSpec(receiver.url, ["order."]), development=True)
        for n in (1, 2):
            events.record(session, clock.now(), "order.placed", f"order:{n}", store.id)
    timers.advance_to(db, clock, clock.now() + timedelta(days=3))
    with db.read() as session:
        assert len(webhooks.failed_deliveries(session, SYSTEM, store.id)) == 2
    # when the operator resends them (the command runs on the system clock) and the worker runs with the partner up
    result = runner.invoke(app, ["webhooks", "resend-failed", "--store", str(store.id)])
    assert result.exit_code == 0, result.output
    assert "2 failed deliveries" in result.output
    with receiver.up():
        timers.run_due_timers(db, SimulatedClock(datetime.now(UTC) + timedelta(minutes=1)))
    # then each event arrived once more, and nothing is failed any longer
    ids = [r.headers["Shopkeeper-Event-Id"] for r in receiver.received]
    assert len(ids) == len(set(ids)) == 2
    with db.read() as session:
        assert webhooks.failed_deliveries(session, SYSTEM, store.id, hook.id) == []
    db.dispose()


def test_resend_failed_for_a_store_that_does_not_exist_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate.upgrade(url)
    monkeypatch.setenv("SHOPKEEPER_DATABASE_URL", url)
    result = runner.invoke(app, ["webhooks", "resend-failed", "--store", "99"])
    assert result.exit_code == 2 and "store 99 does not exist" in result.output
