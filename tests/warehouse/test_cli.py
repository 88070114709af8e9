"""`shopkeeper stocktake import`: a count sheet into the warehouse's stocktake with a progress bar, then the variance
report (RULES.md §5.2); a bad sheet is refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import select
from typer.testing import CliRunner

from shopkeeper import simulation
from shopkeeper.catalog import service as catalog
from shopkeeper.cli import app
from shopkeeper.db import Database
from shopkeeper.inventory import service as inventory
from shopkeeper.scope import SYSTEM
from shopkeeper.warehouse.count_sheet import read_counts
from shopkeeper.warehouse.models import Stocktake

runner = CliRunner()


def test_a_count_sheet_is_read_whole_naming_each_bad_line() -> None:
    sheet = read_counts("sku_code,counted\nMUG,3\n\nCUP,x\nMUG,4\nPLATE\n")
    assert sheet.counts == [("MUG", 3)]
    assert sheet.problems == ["line 4: counted must be a whole number ≥ 0, not 'x'",
                              "line 5: MUG was counted on line 2 already", "line 6: expected sku_code,counted"]
    assert read_counts("MUG, 0\n").counts == [("MUG", 0)]


def _warehouse(db: Database) -> tuple[int, list[int]]:
    now = simulation.load(db).now()
    with db.transaction() as s:
        store = catalog.create_store(s, now, SYSTEM, "Mugs", "taobao", "CNY")
        warehouse = inventory.create_warehouse(s, SYSTEM, store.id, "HZ", "Hangzhou", "CN")
        _, skus = catalog.create_product(s, now, SYSTEM, store.id, catalog.ProductSpec("Mug", [
            catalog.SkuSpec("MUG", 2500, {"c": "white"}), catalog.SkuSpec("CUP", 900, {"c": "red"})]))
        for sku in skus:
            inventory.receive(s, now, SYSTEM, sku.id, warehouse.id, 10)
        return warehouse.id, [sku.id for sku in skus]


def test_stocktake_import_counts_with_a_progress_bar_and_closes(database_url: str, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shopkeeper.cli.out", Console(width=200, force_terminal=True))
    db = Database(database_url)
    warehouse, skus = _warehouse(db)
    sheet = tmp_path / "count.csv"
    sheet.write_text("sku_code,counted\nMUG,8\nCUP,10\n", encoding="utf-8")
    # when the sheet is imported and the stocktake closed
    result = runner.invoke(app, ["stocktake", "import", str(sheet), "--warehouse", str(warehouse), "--close"])
    # then the summary names the variance and the stock is adjusted
    assert result.exit_code == 0, result.output
    assert "counting count.csv" in result.output  # the progress bar's label
    assert "MUG" in result.output and "-2" in result.output and "-50.00 CNY" in result.output
    assert "closed, stock adjusted" in result.output
    with db.read() as s:
        assert inventory.warehouse_levels(s, warehouse)[skus[0]].available == 8
        assert [t.status for t in s.scalars(select(Stocktake))] == ["closed"]


def test_a_sheet_with_an_unknown_code_records_nothing(database_url: str, tmp_path: Path) -> None:
    db = Database(database_url)
    warehouse, _ = _warehouse(db)
    sheet = tmp_path / "count.csv"
    sheet.write_text("MUG,8\nNOPE,1\n", encoding="utf-8")
    result = runner.invoke(app, ["stocktake", "import", str(sheet), "--warehouse", str(warehouse)])
    assert result.exit_code == 2 and "NOPE" in result.output
    with db.read() as s:
        assert list(s.scalars(select(Stocktake))) == []  # the stocktake opened for it was rolled back too
