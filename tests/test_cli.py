"""The `shopkeeper` command against a real database file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkeeper.auth import Role, authenticate
from shopkeeper.catalog import service as catalog
from shopkeeper.cli import app
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import service as orders
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM
from shopkeeper import simulation
from shopkeeper.auth import Principal

runner = CliRunner()


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SHOPKEEPER_DATABASE_URL", url)
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return url


def test_keys_create_prints_a_key_that_authenticates(database_url: str) -> None:
    result = runner.invoke(app, ["keys", "create", "--role", "operator", "--label", "ops"])
    assert result.exit_code == 0, result.output
    key = result.output.strip()
    db = Database(database_url)
    with db.read() as session:
        assert authenticate(session, key).role is Role.OPERATOR
    db.dispose()


def test_keys_create_refuses_a_staff_key_without_a_store(database_url: str) -> None:
    result = runner.invoke(app, ["keys", "create", "--role", "staff"])
    assert result.exit_code != 0


def test_simulate_fires_timers_in_due_order_and_keeps_the_clock(database_url: str) -> None:
    db = Database(database_url)
    start = simulation.load(db).now()
    with db.transaction() as s:
        store = catalog.create_store(s, start, SYSTEM, "Sim shop", "taobao", "CNY")
        warehouse = inventory.create_warehouse(s, SYSTEM, store.id, "W", "W", "CN")
        _, (sku,) = catalog.create_product(s, start, SYSTEM, store.id, catalog.ProductSpec("Tea", [catalog.SkuSpec("T", 100)]))
        inventory.receive(s, start, SYSTEM, sku.id, warehouse.id, 5)
        buyer = customers.create_buyer(s, start, SYSTEM, "B")
        address = customers.add_address(s, SYSTEM, buyer.id, "B", "CN")
        order = orders.place_order(s, start, Principal(Role.BUYER, 0, buyer_id=buyer.id), store.id, address.id, [LineRequest(sku.id, 2)])

    result = runner.invoke(app, ["simulate", "--days", "2"])

    assert result.exit_code == 0, result.output
    assert "fired 1 timers" in result.output
    with db.read() as s:
        closed = orders.get_order(s, SYSTEM, order.id)
        assert closed.status == "closed" and closed.closed_at == closed.pay_by
        assert inventory.available_by_sku(s, [sku.id]) == {sku.id: 5}
    assert simulation.load(db).now() >= start + timedelta(days=2)
    db.dispose()
