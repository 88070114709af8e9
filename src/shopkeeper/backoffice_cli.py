"""The back office's long-running commands, mounted on `shopkeeper` by `cli.py`: `import orders`, `allocate`,
`replenishment`, `tracking import|poll` (its own module), `stocktake import` and `webhooks resend-failed`
(RULES.md §5.1–§5.2), each with a progress bar and a summary.

The commands borrow the CLI's database, clock and consoles when they run (imported then, so `cli` imports this module
and not the other way round at load time, and a test may swap `cli.out`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.markup import escape
from rich.table import Table

from shopkeeper.errors import DomainError
from shopkeeper.money import Money
from shopkeeper.tracking_cli import tracking_app

if TYPE_CHECKING:
    from shopkeeper.orders.intake.service import ImportReport

import_app = typer.Typer(help="Bring data in from elsewhere.", no_args_is_help=True)
webhooks_app = typer.Typer(help="Outbound webhooks.", no_args_is_help=True)
stocktake_app = typer.Typer(help="Stocktakes (盘点) of a warehouse.", no_args_is_help=True)


@import_app.command("orders")
def import_orders(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="the marketplace's order export")],
    store: Annotated[int, typer.Option("--store", min=1, help="the store's id")],
    layout: Annotated[Optional[str], typer.Option("--format", help="amazon, shopify or ebay; sniffed when left out")] = None,
) -> None:
    """Import a marketplace's order export into a store (RULES.md §5.1 stage 1): a progress bar over its orders, then
    what became of them. Exits 1 when any order or line was refused. Acts as the engine itself (the operator), as
    whoever holds the database does."""
    from rich.progress import Progress

    from shopkeeper.cli import _clock, _database, _fail, out
    from shopkeeper.orders.intake.layouts import LAYOUTS, parse, sniff
    from shopkeeper.orders.intake.service import ImportSource
    from shopkeeper.orders.intake.service import import_orders as bring_in
    from shopkeeper.scope import SYSTEM

    text = file.read_text(encoding="utf-8-sig")
    chosen = layout or sniff(text)
    if chosen not in LAYOUTS:
        _fail(f"{file.name}: not an Amazon, Shopify or eBay export; name its format with --format amazon|shopify|ebay")
    parsed = parse(text, chosen)
    settings, db = _database()
    try:
        with Progress(console=out, transient=True) as progress, db.transaction() as session:
            task = progress.add_task(f"importing {file.name}", total=len(parsed.orders))
            report = bring_in(session, _clock(settings, db).now(), SYSTEM, store, parsed, ImportSource(chosen, file.name),
                              on_order=lambda: progress.advance(task))
    except DomainError as error:
        _fail(error.detail)
    out.print(_import_summary(file.name, report), soft_wrap=True)
    if report.refused:
        raise typer.Exit(1)


def _import_summary(name: str, report: ImportReport) -> Table:
    table = Table(title=f"{escape(name)}: import {report.batch_id}", show_lines=False)
    for column in ("line", "outcome", "order", "column", "message"):
        table.add_column(column)
    for row in report.reported:
        table.add_row(str(row.line), row.outcome, escape(row.channel_order_id or ""), escape(row.column),
                      escape(row.message))
    table.caption = (f"imported {report.imported}, already there {report.already_there}, "
                     f"skipped {report.skipped}, refused {report.refused}")
    return table
def allocate(
    store: Annotated[int, typer.Option("--store", help="the store's id")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="say what would happen; record nothing")] = False,
) -> None:
    """Run the store's allocation rules over its paid, unshipped orders (RULES.md §5.1): warehouse and channel, or why not."""
    from rich.progress import Progress
    from rich.table import Table

    from shopkeeper.cli import _clock, _database, _fail, err, out
    from shopkeeper.fulfillment import allocation_service
    from shopkeeper.scope import SYSTEM

    settings, db = _database()
    now = _clock(settings, db).now()
    try:
        with db.read() if dry_run else db.transaction() as session:  # a dry run writes nothing by construction
            total = len(allocation_service.open_orders(session, store))
            with Progress(console=err, transient=True) as progress:
                task = progress.add_task("allocating", total=total)
                results = allocation_service.allocate_open_orders(session, now, SYSTEM, store, dry_run,
                                                                  on_each=lambda: progress.advance(task))
    except DomainError as error:
        _fail(error.detail)
    table = Table(title=f"store {store}: {'dry run, nothing recorded' if dry_run else 'recorded'}")
    for column in ("order", "destination", "weight (g)", "value", "rule", "warehouse(s)", "channel", "held / unallocated"):
        table.add_column(column)
    for r in results:
        o = r.outcome
        parcels = o.get("parcels", [])
        why = "" if o["status"] == "allocated" else f"{o['status']}: {o['reason']}" + "".join(
            f"; {s['sku_code']} {s['available']}/{s['wanted']}" for s in o.get("short", []))
        table.add_row(r.order.number, str(r.order.ship_to.get("country", "")), str(r.weight_grams), str(r.value),
                      o.get("rule") or "-", ", ".join(p["warehouse_code"] for p in parcels) or o.get("warehouse_code", "-"),
                      parcels[0]["channel_code"] if parcels else "-", why)
    out.print(table)


def replenishment(
    store: Annotated[int, typer.Option("--store", help="the store's id")],
    format: Annotated[str, typer.Option("--format", help="table, csv or xlsx")] = "table",
    out_file: Annotated[Optional[Path], typer.Option("--out", help="write the file here (xlsx needs it)")] = None,
    lang: Annotated[str, typer.Option("--lang", help="en or zh headers")] = "en",
    campaign: Annotated[str, typer.Option("--campaign", help="auto: the store's signed-up campaign running or opening "
                                          "within 7 days turns the §3.3 triggers on; none: no campaign")] = "auto",
) -> None:
    """Purchase suggestions per SKU (RULES.md §5.1), as a table or a CSV/XLSX file."""
    from rich.progress import Progress

    from shopkeeper.cli import _clock, _database, _fail, err, out
    from shopkeeper.languages import Lang
    from shopkeeper.purchasing import exports
    from shopkeeper.purchasing import replenishment as plan
    from shopkeeper.scope import SYSTEM

    if format not in ("table", "csv", "xlsx") or lang not in ("en", "zh") or (format == "xlsx" and out_file is None):
        _fail("--format is table, csv or xlsx (xlsx with --out); --lang is en or zh")
    if campaign not in ("auto", "none"):
        _fail("--campaign is auto or none")
    settings, db = _database()
    with db.read() as session, Progress(console=err, transient=True) as progress:
        task = progress.add_task("SKUs", total=None)
        tick = (lambda n: progress.update(task, total=n) if n else progress.advance(task))
        try:
            rows = plan.suggestions(session, _clock(settings, db).now(), SYSTEM, store,
                                    plan.Request(campaign="none" if campaign == "none" else "auto"), tick)
        except DomainError as error:
            _fail(error.detail)
    words: Lang = "zh" if lang == "zh" else "en"
    if format != "table":
        body = exports.to_csv(rows, words) if format == "csv" else exports.to_xlsx(rows, words)
        if out_file is None:
            out.file.write(body.decode("utf-8"))
        else:
            out_file.write_bytes(body)
            out.print(f"{len(rows)} SKUs written to {out_file}")
        return
    in_force = rows[0].campaign if rows else None
    if in_force is not None and in_force.name is not None:
        out.print(f"campaign in force (RULES.md §3.3): {in_force.name}, official from {in_force.starts_at.isoformat()}"
                  f", counted from {in_force.counted_from.isoformat()}")
    table = Table(title=f"store {store}: replenishment")
    for header in ("SKU", "on hand", "in transit", "ADS", "reorder point", "flags", "suggested", "supplier"):
        table.add_column(header)
    for r in rows:
        s = r.suggestion
        table.add_row(r.sku_code, str(s.on_hand), str(s.in_transit), str(s.average_daily_sales), str(s.reorder_point),
                      " ".join(s.flags), str(s.quantity), r.supplier_name or "-")
    out.print(table)


@webhooks_app.command("resend-failed")
def webhooks_resend_failed(
    store: Annotated[int, typer.Option(help="the store whose failed deliveries to send again")],
    webhook: Annotated[Optional[int], typer.Option(help="only this subscription's")] = None,
) -> None:
    """After a partner's outage: send every failed delivery of a store again now, each with its own event id (the
    receiver dedupes by it); the running worker sends them."""
    from rich.progress import Progress

    from shopkeeper.cli import _clock, _database, _fail, out
    from shopkeeper.scope import SYSTEM
    from shopkeeper.webhooks import service as webhooks

    settings, db = _database()
    clock = _clock(settings, db)
    with db.read() as session:
        try:
            ids = webhooks.failed_deliveries(session, SYSTEM, store, webhook)
        except DomainError as exc:
            _fail(exc.detail)
    with Progress(console=out, transient=True) as progress:
        task = progress.add_task("resending", total=len(ids))
        for delivery_id in ids:  # one short transaction each: the worker keeps sending meanwhile
            with db.transaction() as session:
                webhooks.resend(session, clock.now(), SYSTEM, delivery_id)
            progress.advance(task)
    out.print(f"{len(ids)} failed deliveries of store {store} will be sent again now")


@stocktake_app.command("import")
def stocktake_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV of sku_code,counted")],
    warehouse: Annotated[int, typer.Option("--warehouse", min=1, help="the warehouse's id")],
    close: Annotated[bool, typer.Option("--close", help="close the stocktake after the counts: stock is adjusted")] = False,
) -> None:
    """Record a count sheet in the warehouse's open stocktake (one is opened if none is), with a progress bar, then
    the variance report (RULES.md §5.2). The sheet is taken whole or not at all. Exits 2 on a bad sheet or a refusal.
    Acts as the engine itself (the operator), as whoever holds the database does."""
    from rich.progress import Progress

    from shopkeeper.cli import _clock, _database, _fail, out
    from shopkeeper.scope import SYSTEM
    from shopkeeper.warehouse import stocktake_service
    from shopkeeper.warehouse.count_sheet import read_counts

    sheet = read_counts(file.read_text(encoding="utf-8-sig"))
    if sheet.problems:
        _fail(f"{file.name}: " + "; ".join(sheet.problems[:20]))
    if not sheet.counts:
        _fail(f"{file.name}: no counts")
    settings, db = _database()
    now = _clock(settings, db).now()
    chunk = 500
    try:
        with Progress(console=out, transient=True) as progress, db.transaction() as session:
            take = stocktake_service.open_for(session, SYSTEM, warehouse) or stocktake_service.open_stocktake(
                session, now, SYSTEM, warehouse)
            task = progress.add_task(f"counting {file.name} into stocktake {take.id}", total=len(sheet.counts))
            for start in range(0, len(sheet.counts), chunk):
                part = sheet.counts[start:start + chunk]
                stocktake_service.count_in_bulk(session, now, SYSTEM, take.id, part)
                progress.advance(task, len(part))
            report = (stocktake_service.close(session, now, SYSTEM, take.id) if close
                      else stocktake_service.report(session, SYSTEM, take.id))
    except DomainError as error:
        _fail(error.detail)
    table = Table(title=f"stocktake {report.stocktake.id} of warehouse {warehouse}: "
                        f"{'closed, stock adjusted' if close else 'open, nothing adjusted yet'}")
    for column in ("SKU", "system", "counted", "variance", "value"):
        table.add_column(column, justify="left" if column == "SKU" else "right")
    for line in report.lines:
        if line.variance.units:
            table.add_row(escape(line.sku_code), str(line.variance.system), str(line.variance.counted),
                          f"{line.variance.units:+d}", str(Money(line.variance.value_minor, report.currency)))
    table.caption = (f"counted {len(sheet.counts)} SKUs, {sum(1 for line in report.lines if line.variance.units)} "
                     f"with a variance: {report.units:+d} units, {Money(report.value_minor, report.currency)}; "
                     f"not counted {len(report.uncounted)}")
    out.print(table, soft_wrap=True)


def mount(app: typer.Typer) -> None:
    """Put the back office's commands on the `shopkeeper` command."""
    app.command()(allocate)
    app.command()(replenishment)
    app.add_typer(import_app, name="import")
    app.add_typer(webhooks_app, name="webhooks")
    app.add_typer(tracking_app, name="tracking")
    app.add_typer(stocktake_app, name="stocktake")
