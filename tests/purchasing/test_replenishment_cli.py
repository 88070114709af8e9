"""`shopkeeper replenishment`: the store's purchase suggestions as a table, a CSV or an XLSX file (RULES.md §5.1)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from shopkeeper import simulation
from shopkeeper.catalog import service as catalog
from shopkeeper.cli import app
from shopkeeper.db import Database
from shopkeeper.inventory import service as inventory
from shopkeeper.promotions.campaigns import service as campaigns
from shopkeeper.promotions.campaigns.rules import Phase
from shopkeeper.purchasing import service as purchasing
from shopkeeper.scope import SYSTEM

runner = CliRunner()


def _store(db: Database, campaign: bool = False) -> int:
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
        if campaign:  # the store signed up to a campaign whose official phase opens in 3 days (RULES.md §3.3)
            made, _ = campaigns.create_campaign(s, start, SYSTEM, campaigns.CampaignSpec(
                "Double 11", start - timedelta(days=1), start + timedelta(days=6), Decimal(0), "last_n_days", 30,
                True, "stacks", None, store_id=store.id, phases=(
                    Phase("warm_up", start - timedelta(days=1), start + timedelta(days=3)),
                    Phase("main", start + timedelta(days=3), start + timedelta(days=5)))))
            entry = campaigns.sign_up(s, start, SYSTEM, made.id, campaigns.EntrySpec(skus[0].product_id, "main_hit",
                                                                                     {skus[0].id: 1500}))
            assert entry.status == "accepted"
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


def test_replenishment_names_the_campaign_in_force_unless_turned_off(database_url: str) -> None:
    db = Database(database_url)
    store_id = _store(db, campaign=True)
    table = runner.invoke(app, ["replenishment", "--store", str(store_id)])
    assert table.exit_code == 0, table.output
    assert "campaign in force (RULES.md §3.3): Double 11" in table.output
    off = runner.invoke(app, ["replenishment", "--store", str(store_id), "--campaign", "none"])
    assert off.exit_code == 0 and "campaign in force" not in off.output and "MUG-W" in off.output
    assert runner.invoke(app, ["replenishment", "--store", str(store_id), "--campaign", "maybe"]).exit_code != 0
    db.dispose()
