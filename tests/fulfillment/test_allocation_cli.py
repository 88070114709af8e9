"""`shopkeeper allocate`: the store's rules over its open orders, as a table (RULES.md §5.1, §5.3)."""

from __future__ import annotations

import pytest
from rich.console import Console
from sqlalchemy import func, select
from typer.testing import CliRunner

from shopkeeper import simulation
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.cli import app
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.fulfillment import allocation_service
from shopkeeper.fulfillment.models import OrderAllocation
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import checkout
from shopkeeper.orders.payments import Notification, handle_notification, new_reference, start_payment
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM

runner = CliRunner()


def _store_with_two_orders(db: Database) -> tuple[int, list[str]]:
    """A battery power bank and a cable, one paid order of each to the US, and a battery rule before the ordinary one."""
    start = simulation.load(db).now()
    numbers = []
    with db.transaction() as s:
        store = catalog.create_store(s, start, SYSTEM, "Gadgets", "aliexpress", "USD")
        warehouse = inventory.create_warehouse(s, SYSTEM, store.id, "SZ", "Shenzhen", "CN")
        _, skus = catalog.create_product(s, start, SYSTEM, store.id, catalog.ProductSpec("Power", [
            catalog.SkuSpec("BANK", 2500, {"kind": "bank"}, weight_grams=300), catalog.SkuSpec("CABLE", 900, {"kind": "cable"}, weight_grams=50)]))
        for sku in skus:
            inventory.receive(s, start, SYSTEM, sku.id, warehouse.id, 5)
        allocation_service.change_sku_properties(s, start, SYSTEM, skus[0].id, ["battery"])
        allocation_service.create_rule(s, start, SYSTEM, store.id, allocation_service.RuleSpec(
            "batteries", {"any_line_has": ["battery"]}, "SZ", "DHL-BATTERY"))
        allocation_service.create_rule(s, start, SYSTEM, store.id, allocation_service.RuleSpec("ordinary", {}, "SZ", "YANWEN"))
        buyer = customers.create_buyer(s, start, SYSTEM, "B")
        address = customers.add_address(s, SYSTEM, buyer.id, "B", "US")
        shopper = Principal(Role.BUYER, 0, buyer_id=buyer.id)
        for sku in skus:
            order = checkout.place_order(s, start, shopper, store.id, address.id, [LineRequest(sku.id, 2)])
            payment = start_payment(s, start, shopper, order.id)
            handle_notification(s, start, Notification(payment.id, new_reference(), "succeeded", payment.amount_minor, "USD"))
            numbers.append(order.number)
    return store.id, numbers


def _recorded(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(OrderAllocation)) or 0)


def test_allocate_dry_run_prints_each_order_and_records_nothing(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shopkeeper.cli.out", Console(width=200))  # a wide terminal: whole words in each cell
    db = Database(database_url)
    store_id, (bank, cable) = _store_with_two_orders(db)
    result = runner.invoke(app, ["allocate", "--store", str(store_id), "--dry-run"])
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") > 5}
    assert "batteries" in rows[bank] and "DHL-BATTERY" in rows[bank] and "600" in rows[bank] and "US" in rows[bank]
    assert "ordinary" in rows[cable] and "YANWEN" in rows[cable]
    assert "dry run, nothing recorded" in result.output
    assert _recorded(db) == 0
    db.dispose()


def test_allocate_records_each_outcome(database_url: str) -> None:
    db = Database(database_url)
    store_id, _numbers = _store_with_two_orders(db)
    result = runner.invoke(app, ["allocate", "--store", str(store_id)])
    assert result.exit_code == 0, result.output
    assert _recorded(db) == 2
    db.dispose()


def test_allocate_for_a_store_that_does_not_exist_says_so(database_url: str) -> None:
    result = runner.invoke(app, ["allocate", "--store", "999", "--dry-run"])
    assert result.exit_code != 0 and "store 999 does not exist" in result.output
