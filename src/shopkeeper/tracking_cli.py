"""`shopkeeper tracking import FILE --store N` and `tracking poll --store N`: carrier scans from a file or from the
logistics channels (RULES.md §5.5), mounted by `cli.py`.

The command borrows the CLI's database, clock and consoles when it runs (imported then, so `cli` imports this module
and not the other way round at load time)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from shopkeeper.errors import DomainError

tracking_app = typer.Typer(help="Carrier scans of a store's parcels.", no_args_is_help=True)


@tracking_app.command("import")
def import_tracking(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV: tracking_number, kind, at, location")],
    store: Annotated[int, typer.Option("--store", min=1, help="the store's id")],
) -> None:
    """Record a file of carrier scans (RULES.md §5.5): a progress bar over its rows, then each line refused and why.
    The same scan again changes nothing. Exits 1 when any line was refused or its number is unknown."""
    from rich.progress import Progress

    from shopkeeper.cli import _clock, _database, _fail, out
    from shopkeeper.fulfillment import tracking, tracking_service
    from shopkeeper.scope import SYSTEM

    good, bad = tracking.read_csv(file.read_text(encoding="utf-8-sig"))
    settings, db = _database()
    try:
        with Progress(console=out, transient=True) as progress, db.transaction() as session:
            task = progress.add_task(f"recording {file.name}", total=len(good))
            done = tracking_service.record_tracking_events(session, _clock(settings, db).now(), SYSTEM, store, good, "file",
                                                           on_each=lambda: progress.advance(task))
    except DomainError as error:
        _fail(error.detail)
    table = Table(title=f"{escape(file.name)}: tracking events of store {store}")
    for column in ("line", "tracking number", "problem"):
        table.add_column(column)
    problems = sorted([(p.line, "", p.message) for p in bad]
                      + [(r.index, r.tracking_number, r.detail) for r in done.unknown + done.refused])
    for line, number, message in problems:
        table.add_row(str(line), escape(number), escape(message))
    table.caption = (f"recorded {len(done.recorded)}, already there {done.duplicates}, "
                     f"unknown {len(done.unknown)}, refused {len(bad) + len(done.refused)}")
    out.print(table, soft_wrap=True)
    if problems:
        raise typer.Exit(1)


@tracking_app.command("poll")
def poll_tracking(
    store: Annotated[int, typer.Option("--store", min=1, help="the store's id")],
    hours: Annotated[int, typer.Option("--hours", min=1, max=24 * 90, help="ask for scans of the last N hours")] = 24,
) -> None:
    """Ask every logistics channel with labels of the store for its scans of the last hours, and record them. The
    built-in channel reports none; a carrier's adapter (fulfillment/logistics_channels.py) does."""
    from datetime import timedelta

    from shopkeeper.catalog import service as catalog
    from shopkeeper.cli import _clock, _database, _fail, out
    from shopkeeper.fulfillment import tracking_service
    from shopkeeper.scope import SYSTEM

    settings, db = _database()
    now = _clock(settings, db).now()
    try:
        with db.transaction() as session:
            catalog.get_store(session, SYSTEM, store)
            done = tracking_service.poll_channels(session, now, store, now - timedelta(hours=hours))
    except DomainError as error:
        _fail(error.detail)
    out.print(f"store {store}: recorded {len(done.recorded)}, already there {done.duplicates}, "
              f"unknown {len(done.unknown)}, refused {len(done.refused)}")
