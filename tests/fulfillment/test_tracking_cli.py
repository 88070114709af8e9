"""`shopkeeper tracking import FILE --store ID`: a progress bar over the scans, a summary with each refused line, an
exit code (RULES.md §5.5); the same file twice records nothing more."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from shopkeeper import simulation
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.cli import app
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.fulfillment import allocation_service, label_service
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import checkout
from shopkeeper.orders import service as orders
from shopkeeper.orders.payments import Notification, handle_notification, new_reference, start_payment
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM

runner = CliRunner()


def _labelled_order(db: Database) -> tuple[int, int, str]:
    """A Taobao store's paid order, allocated and labelled through the built-in channel, paid an hour ago."""
    start = simulation.load(db).now() - timedelta(hours=1)
    with db.transaction() as s:
        store = catalog.create_store(s, start, SYSTEM, "Tea", "taobao", "CNY")
        warehouse = inventory.create_warehouse(s, SYSTEM, store.id, "HZ", "Hangzhou", "CN")
        _, [sku] = catalog.create_product(s, start, SYSTEM, store.id, catalog.ProductSpec("Tea", [
            catalog.SkuSpec("TEA", 3000, {"kind": "tea"}, weight_grams=250)]))
        inventory.receive(s, start, SYSTEM, sku.id, warehouse.id, 5)
        allocation_service.create_rule(s, start, SYSTEM, store.id, allocation_service.RuleSpec("all", {}, "HZ", "ZTO"))
        buyer = customers.create_buyer(s, start, SYSTEM, "B")
        address = customers.add_address(s, SYSTEM, buyer.id, "B", "CN")
        shopper = Principal(Role.BUYER, 0, buyer_id=buyer.id)
        order = checkout.place_order(s, start, shopper, store.id, address.id, [LineRequest(sku.id, 1)])
        payment = start_payment(s, start, shopper, order.id)
        handle_notification(s, start, Notification(payment.id, new_reference(), "succeeded", payment.amount_minor, "CNY"))
        allocation_service.allocate_open_orders(s, start, SYSTEM, store.id, dry_run=False)
        [done] = label_service.book_labels(s, start, SYSTEM, store.id, [order.id])
        return store.id, order.id, done.labels[0].tracking_number


def test_a_tracking_file_is_recorded_with_a_progress_bar_and_its_bad_lines_listed(
        database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shopkeeper.cli.out", Console(width=200, force_terminal=True))  # the bar draws on a terminal
    db = Database(database_url)
    store_id, order_id, number = _labelled_order(db)
    picked = (simulation.load(db).now() - timedelta(minutes=30)).isoformat()
    file = tmp_path / "scans.csv"
    file.write_text("tracking_number,kind,at,location\n"
                    f"{number},picked_up,{picked},Hangzhou\n"
                    f"NOPE1,delivered,{picked},Beijing\n"
                    f"{number},lost,{picked},\n", encoding="utf-8")
    # when the file is imported
    result = runner.invoke(app, ["tracking", "import", str(file), "--store", str(store_id)])
    # then the pickup is recorded (the labelled order ships), the unknown number and the bad kind are listed by line
    assert result.exit_code == 1, result.output
    assert "recording scans.csv" in result.output  # the progress bar
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") >= 3}
    assert "NOPE1" in lines["3"] and "lost" in lines["4"]
    assert "recorded 1, already there 0, unknown 1, refused 1" in result.output
    with db.read() as s:
        order = orders.get_order(s, SYSTEM, order_id)
        assert order.status == "shipped" and order.tracking_number == number and order.picked_up_at is not None
    # and the same file again records nothing more
    again = runner.invoke(app, ["tracking", "import", str(file), "--store", str(store_id)])
    assert "recorded 0, already there 1" in again.output
    db.dispose()


def test_a_store_that_does_not_exist_is_said_so(database_url: str, tmp_path: Path) -> None:
    file = tmp_path / "scans.csv"
    file.write_text("tracking_number,kind,at\n", encoding="utf-8")
    result = runner.invoke(app, ["tracking", "import", str(file), "--store", "999"])
    assert result.exit_code == 2 and "store 999 does not exist" in result.output


def test_polling_asks_the_channels_and_says_what_it_recorded(database_url: str) -> None:
    db = Database(database_url)
    store_id, _, _ = _labelled_order(db)
    result = runner.invoke(app, ["tracking", "poll", "--store", str(store_id)])
    assert result.exit_code == 0, result.output
    assert f"store {store_id}: recorded 0, already there 0, unknown 0, refused 0" in result.output  # built-in: no scans
    assert runner.invoke(app, ["tracking", "poll", "--store", "999"]).exit_code == 2
    db.dispose()
