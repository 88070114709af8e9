"""The `shopkeeper` command against a real database file."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from shopkeeper import simulation
from shopkeeper.aftersales.cases import service as aftersales
from shopkeeper.auth import ApiKey, Principal, Role, authenticate
from shopkeeper.catalog import service as catalog
from shopkeeper.cli import app, console_sign_in
from shopkeeper.clock import SimulatedClock
from shopkeeper.composition import create_app
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.errors import Unauthenticated
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import checkout
from shopkeeper.orders import service as orders
from shopkeeper.orders.payments import Notification, handle_notification, new_reference, start_payment
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM
from shopkeeper.sessions import revoke_key
from shopkeeper.settings import Settings
from support import START

runner = CliRunner()
MINUTE = r"\d{4}-\d\d-\d\d \d\d:\d\d"


def test_keys_create_prints_a_key_that_authenticates(database_url: str) -> None:
    result = runner.invoke(app, ["keys", "create", "--role", "operator", "--label", "ops"])
    assert result.exit_code == 0, result.output
    key = result.output.strip()
    db = Database(database_url)
    with db.read() as session:
        assert authenticate(session, key).role is Role.OPERATOR
    db.dispose()


def test_the_installed_command_creates_a_staff_key_in_a_fresh_process(database_url: str) -> None:
    """A new process imports only what the command needs: every table must still be known."""
    db = Database(database_url)
    with db.transaction() as session:
        store = catalog.create_store(session, simulation.load(db).now(), SYSTEM, "S", "taobao", "CNY")
    done = subprocess.run([sys.executable, "-m", "shopkeeper.cli", "keys", "create", "--role", "staff", "--store", str(store.id)],
                          capture_output=True, text=True, env={**os.environ, "SHOPKEEPER_DATABASE_URL": database_url}, timeout=60)
    assert done.returncode == 0, done.stderr
    with db.read() as session:
        principal = authenticate(session, done.stdout.strip())
    assert (principal.role, principal.store_id) == (Role.STAFF, store.id)
    db.dispose()


def test_keys_create_refuses_a_staff_key_without_a_store(database_url: str) -> None:
    result = runner.invoke(app, ["keys", "create", "--role", "staff"])
    assert result.exit_code == 2 and "store_id" in result.output
    unknown = runner.invoke(app, ["keys", "create", "--role", "staff", "--store", "999"])
    assert unknown.exit_code == 2 and "no such store: 999" in unknown.output


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
        order = checkout.place_order(s, start, Principal(Role.BUYER, 0, buyer_id=buyer.id), store.id, address.id, [LineRequest(sku.id, 2)])

    result = runner.invoke(app, ["simulate", "--days", "2"])

    assert result.exit_code == 0, result.output
    assert "fired 1 timers" in result.output
    with db.read() as s:
        closed = orders.get_order(s, SYSTEM, order.id)
        assert closed.status == "closed" and closed.closed_at == closed.pay_by
        assert inventory.available_by_sku(s, [sku.id]) == {sku.id: 5}
    assert simulation.load(db).now() >= start + timedelta(days=2)
    db.dispose()


def test_simulate_says_what_each_after_sales_deadline_did(database_url: str) -> None:
    """A DHgate request before shipment refunds on day 8 (RULES.md §7.1.1); a reship the seller never sends refunds in full
    when its 7 days end (§7.1.4 B)."""
    db = Database(database_url)
    start = simulation.load(db).now()
    order_ids = []
    with db.transaction() as s:
        store = catalog.create_store(s, start, SYSTEM, "Gadgets", "dhgate", "USD")
        warehouse = inventory.create_warehouse(s, SYSTEM, store.id, "W", "W", "CN")
        _, (sku,) = catalog.create_product(s, start, SYSTEM, store.id, catalog.ProductSpec("Cable", [catalog.SkuSpec("C", 1200)]))
        inventory.receive(s, start, SYSTEM, sku.id, warehouse.id, 5)
        buyer = customers.create_buyer(s, start, SYSTEM, "B")
        address = customers.add_address(s, SYSTEM, buyer.id, "B", "US")
        shopper = Principal(Role.BUYER, 0, buyer_id=buyer.id)
        for _ in range(2):
            order = checkout.place_order(s, start, shopper, store.id, address.id, [LineRequest(sku.id, 1)])
            payment = start_payment(s, start, shopper, order.id)
            handle_notification(s, start, Notification(payment.id, new_reference(), "succeeded", payment.amount_minor, "USD"))
            order_ids.append(order.id)
    first, second = order_ids
    with db.transaction() as s:
        before = aftersales.open_case(s, start, shopper, first, aftersales.CaseRequest("out_of_stock")).id
        orders.ship(s, start, SYSTEM, second, "DHL", "D1")
    opened = start + timedelta(days=5, hours=1)  # DHL is express: a case opens 5 days after the tracking number
    with db.transaction() as s:
        reship = aftersales.open_case(s, opened, shopper, second, aftersales.CaseRequest("inad_damaged", "reship")).id
        aftersales.accept(s, opened, Principal(Role.STAFF, 0, store_id=store.id), reship)

    result = runner.invoke(app, ["simulate", "--days", "13"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    pre = start + timedelta(days=7)
    assert f"day 8 {pre:%H:%M} UTC ({pre:%Y-%m-%d})  case #{before} pre shipment refund: no agreement 7 days after the request " \
           "→ refund $12.00 to the buyer, the order cancelled" in lines
    due = opened + timedelta(days=7)
    day = (due.date() - start.date()).days + 1
    assert f"day {day} {due:%H:%M} UTC ({due:%Y-%m-%d})  case #{reship} reship: the seller has not reshipped within 7 days " \
           "→ refund $12.00 to the buyer" in lines
    assert lines[-1].startswith("simulated ") and "fired" in lines[-1]
    db.dispose()


# --- keys list / revoke, and the console's sign-in at `serve` ------------------------------------------

def test_keys_list_shows_names_and_prefixes_and_revoke_stops_a_key(database_url: str) -> None:
    key = runner.invoke(app, ["keys", "create", "--role", "operator", "--name", "night shift"]).output.strip()
    listed = runner.invoke(app, ["keys", "list"])
    assert listed.exit_code == 0, listed.output
    prefix = key[:len("sk_") + 12]  # sk_ and 12 hex digits; the secret after it may hold "_" too
    line = next(line for line in listed.output.splitlines() if prefix in line)
    assert "night shift" in line and "operator" in line and key not in listed.output
    key_id = line.split()[0]
    revoked = runner.invoke(app, ["keys", "revoke", key_id])
    assert revoked.exit_code == 0 and f"key {key_id}" in revoked.output and "revoked" in revoked.output
    db = Database(database_url)
    with db.read() as session, pytest.raises(Unauthenticated):
        authenticate(session, key)
    db.dispose()
    after = next(line for line in runner.invoke(app, ["keys", "list"]).output.splitlines() if prefix in line)
    assert len(re.findall(MINUTE, line)) == 1 and len(re.findall(MINUTE, after)) == 2  # created; created and revoked
    unknown = runner.invoke(app, ["keys", "revoke", "999"])
    assert unknown.exit_code == 2 and "key 999 does not exist" in unknown.output


def test_serve_reuses_the_console_key_and_prints_a_one_time_link_not_a_secret(db: Database, tmp_path: Path) -> None:
    clock = SimulatedClock(START)
    settings = Settings(database_url=db.url, operator_key_file=str(tmp_path / "var" / "operator.key"))
    first = console_sign_in(db, clock, settings)
    key_file = Path(settings.operator_key_file)
    secret = key_file.read_text().strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert secret not in first.key_note and str(key_file) in first.key_note
    assert first.link_path.startswith("/login/once/")
    second = console_sign_in(db, clock, settings)
    assert key_file.read_text().strip() == secret and second.link_path != first.link_path
    with db.read() as session:
        keys = session.scalars(select(ApiKey).where(ApiKey.name == "console")).all()
    assert len(keys) == 1 and authenticate_key(db, secret) == keys[0].id
    # each link signs in once
    with TestClient(create_app(db, clock, settings), follow_redirects=False) as browser:
        assert browser.get(first.link_path).status_code == 303
        assert browser.get(first.link_path).status_code == 401
    # the file gone, the secret cannot be shown again; revoked, a new key is made and written
    key_file.unlink()
    assert "cannot be shown again" in console_sign_in(db, clock, settings).key_note
    with db.transaction() as session:
        revoke_key(session, clock.now(), keys[0].id)
    console_sign_in(db, clock, settings)
    assert key_file.read_text().strip() != secret


def authenticate_key(db: Database, key: str) -> int:
    with db.read() as session:
        return authenticate(session, key).key_id


def test_keys_link_prints_a_fresh_one_time_link_that_signs_in_once(database_url: str, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPKEEPER_OPERATOR_KEY_FILE", str(tmp_path / "operator.key"))
    result = runner.invoke(app, ["keys", "link"])
    assert result.exit_code == 0, result.output
    path = "/login/once/" + result.output.split("/login/once/", 1)[1].split()[0]
    db = Database(database_url)
    with TestClient(create_app(db, simulation.load(db), Settings(database_url=database_url)), follow_redirects=False) as browser:
        assert browser.get(path).status_code == 303
        assert browser.get(path).status_code == 401
    db.dispose()
