"""`shopkeeper replenishment`: the store's purchase suggestions as a table, a CSV or an XLSX file (RULES.md §5.1)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from shopkeeper import simulation
from shopkeeper.catalog import service as catalog
from shopkeeper.cli import app
from shopkeeper.db import Database
from shopkeeper.inventory import service as inventory
from shopkeeper.purchasing import service as purchasing
from shopkeeper.scope import SYSTEM

runner = CliRunner()


def _store(db: Database) -> int:
    """Two mugs, the white one with 5 on sale (since 20 days ago) and a supplier at 6.20; nothing sold, so nothing due."""
    start = simulation.load(db).now()
    with db.transaction() as s:
        store = catalog.create_store(s, start - timedelta(days=20), SYSTEM, "Mugs", "taobao", "CNY")
        warehouse = inventory.create_warehouse(s, SYSTEM, store.id, "HZ", "Hangzhou", "CN")
        _, skus = catalog.create_product(s, start, SYSTEM, store.id, catalog.ProductSpec("Mug", [
            catalog.SkuSpec("MUG-W", 1500, {"colour": "white"}), catalog.SkuSpec("MUG-B", 1500, {"colour": "black"})]))
        inventory.receive(s, start - timedelta(days=20), SYSTEM, skus[0].id, warehouse.id, 5)
        supplier = purchasing.create_supplier(s, start, SYSTEM, store.id, purchasing.SupplierSpec("Jingdezhen", 12, "CNY"))
        purchasing.set_supply(s, start, SYSTEM, skus[0].id, purchasing.SupplySpec(supplier.id, 620))
    return store.id


def test_replenishment_prints_a_table_and_writes_files(database_url: str, tmp_path: Path) -> None:
    db = Database(database_url)
    store_id = _store(db)
    table = runner.invoke(app, ["replenishment", "--store", str(store_id)])
    assert table.exit_code == 0, table.output
    rows = {line.split("│")[1].strip(): line for line in table.output.splitlines() if line.count("│") > 5}
    assert set(rows) == {"MUG-B", "MUG-W"} and "Jingdez" in rows["MUG-W"] and "│ 5 " in rows["MUG-W"]
    text = runner.invoke(app, ["replenishment", "--store", str(store_id), "--format", "csv", "--lang", "zh"])
    assert text.exit_code == 0, text.output
    parsed = list(csv.reader(io.StringIO(text.stdout.lstrip("\ufeff"))))
    assert parsed[0][:2] == ["SKU ID", "SKU 编码"] and [r[1] for r in parsed[1:]] == ["MUG-B", "MUG-W"]
    assert parsed[2][4] == "5" and parsed[2][-3:] == ["CNY", "6.20", "0.00"]
    path = tmp_path / "plan.xlsx"
    written = runner.invoke(app, ["replenishment", "--store", str(store_id), "--format", "xlsx", "--out", str(path)])
    assert written.exit_code == 0, written.output
    sheet = load_workbook(path).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["MUG-B", "MUG-W"]
    db.dispose()


def test_replenishment_refuses_a_bad_format_and_an_unknown_store(database_url: str) -> None:
    db = Database(database_url)
    simulation.load(db)
    assert runner.invoke(app, ["replenishment", "--store", "1", "--format", "xlsx"]).exit_code != 0
    missing = runner.invoke(app, ["replenishment", "--store", "999"])
    assert missing.exit_code != 0 and "store 999 does not exist" in missing.output
    db.dispose()
