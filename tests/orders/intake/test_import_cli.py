"""`shopkeeper import orders FILE --store ID [--format ...]`: a progress bar, a summary, an exit code (RULES.md §5.1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from orders.intake.files import SAMPLES
from orders.intake.importing import SAMPLE_CODES
from shopkeeper import simulation
from shopkeeper.catalog import service as catalog
from shopkeeper.cli import app
from shopkeeper.db import Database
from shopkeeper.inventory import service as inventory
from shopkeeper.orders.models import Order
from shopkeeper.scope import SYSTEM

runner = CliRunner()


@pytest.fixture
def store_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """A fresh database with a store whose SKU codes match the sample files, each in stock."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SHOPKEEPER_DATABASE_URL", url)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    db = Database(url)
    now = simulation.load(db).now()
    with db.transaction() as session:
        store = catalog.create_store(session, now, SYSTEM, "Tea shop", "aliexpress", "USD")
        warehouse = inventory.create_warehouse(session, SYSTEM, store.id, "W", "Warehouse", "US")
        spec = catalog.ProductSpec("Tea things", [catalog.SkuSpec(code, 1000) for code in SAMPLE_CODES])
        _, skus = catalog.create_product(session, now, SYSTEM, store.id, spec)
        for sku in skus:
            inventory.receive(session, now, SYSTEM, sku.id, warehouse.id, 50)
        found = store.id
    db.dispose()
    return found


def _orders() -> int:
    db = Database(os.environ["SHOPKEEPER_DATABASE_URL"])
    with db.read() as session:
        count = int(session.scalar(select(func.count()).select_from(Order)) or 0)
    db.dispose()
    return count


def test_a_clean_file_imports_with_a_summary_and_exits_zero(store_id: int) -> None:
    # when a Shopify export is imported, its format sniffed
    result = runner.invoke(app, ["import", "orders", str(SAMPLES / "shopify_orders.csv"), "--store", str(store_id)])
    # then the summary says what became of its orders, and the command succeeds
    assert result.exit_code == 0, result.output
    assert "imported 2, already there 0, skipped 2, refused 0" in result.output
    assert _orders() == 2
    # and a second run finds them already there
    again = runner.invoke(app, ["import", "orders", str(SAMPLES / "shopify_orders.csv"), "--store", str(store_id)])
    assert again.exit_code == 0 and "imported 0, already there 2" in again.output
    assert _orders() == 2


def test_refused_rows_are_listed_with_their_lines_and_the_exit_code_is_not_zero(store_id: int) -> None:
    # when the eBay file with bad rows on lines 5–10 is imported with its format named
    result = runner.invoke(app, ["import", "orders", str(SAMPLES / "ebay_orders_us_bad.csv"), "--store", str(store_id),
                                 "--format", "ebay"])
    # then the good orders import, every bad line is in the table, and the command exits 1
    assert result.exit_code == 1, result.output
    assert "imported 2" in result.output and "refused 6" in result.output
    rows = [row.split("│")[1:3] for row in result.output.splitlines() if row.startswith("│")]
    assert [(line.strip(), outcome.strip()) for line, outcome in rows] == [(str(n), "refused") for n in range(5, 11)]
    assert _orders() == 2


def test_a_file_of_no_known_layout_or_an_unknown_store_is_refused(store_id: int, tmp_path: Path) -> None:
    other = tmp_path / "notes.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    unknown = runner.invoke(app, ["import", "orders", str(other), "--store", str(store_id)])
    assert unknown.exit_code == 2 and "not an Amazon, Shopify or eBay export" in unknown.output
    missing = runner.invoke(app, ["import", "orders", str(SAMPLES / "shopify_orders.csv"), "--store", "999"])
    assert missing.exit_code == 2 and "store 999 does not exist" in missing.output
