"""How fast marketplace orders come in, next to a bare insert of the same rows.

    .venv/bin/python benchmarks/import_orders.py [--orders N] [--postgres URL]

Generates a Shopify orders export of N orders (default 10,000; one to three line items each, from a
12-SKU catalogue, a fixed seed), parses it once, and on a fresh database built by the real migrations
(SQLite in a temporary folder; PostgreSQL too when `--postgres` or SHOPKEEPER_BENCH_POSTGRES_URL names a
server, in the database `shopkeeper_bench` that benchmarks/checkout.py uses, dropped at the end) times:

- import_orders: `orders.intake.service.import_orders` over the parsed file in one transaction, as the API
  and the CLI run it: per order a savepoint, the dedupe read, SKUs by code, the buyer, the order and its
  lines, the stock reservations, the payment, escrow, events and the ship-by timer.
- bare insert: the same orders as an order-shaped row each and their lines as line-shaped rows, inserted
  with SQLAlchemy Core (executemany) into scratch tables in one transaction on the same engine.

Timing uses time.perf_counter only; parsing is timed on its own and counted in neither. The figures are
printed side by side and written to benchmarks/RESULTS.md, between this script's own markers.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy
from checkout import POSTGRES_ENV, RESULTS, PostgresServer, SqliteServer, command_line
from reporting import cpu_model, rewrite_section
from rich.console import Console
from rich.table import Table
from sqlalchemy import JSON, Column, MetaData, String, insert
from sqlalchemy import Table as CoreTable

import shopkeeper.models  # noqa: F401  (every mapped class, so relationships resolve)
from shopkeeper.catalog import service as catalog
from shopkeeper.db import BigId, Database, UTCDateTime
from shopkeeper.inventory import service as inventory
from shopkeeper.orders.intake.imported import ImportedOrder, ParseResult
from shopkeeper.orders.intake.layouts import parse
from shopkeeper.orders.intake.service import ImportSource, import_orders
from shopkeeper.scope import SYSTEM

SECTION = "import-orders"
SEED = 20261205
START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
CATALOGUE = [(f"TEA-{n:02d}", f"Tea {n}", 500 + 125 * n) for n in range(12)]
HEADER = ("Name,Email,Financial Status,Fulfillment Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Amount,"
          "Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Shipping Name,"
          "Shipping Address1,Shipping City,Shipping Zip,Shipping Country,Cancelled at").split(",")

console = Console(width=None if sys.stdout.isatty() else 170)


def shopify_export(count: int) -> str:
    """`count` paid, unfulfilled Shopify orders in USD; buyers repeat (one in five orders is a returning buyer)."""
    rng = random.Random(SEED)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for n in range(count):
        picks = rng.sample(CATALOGUE, k=rng.randint(1, 3))
        items = [(code, title, price, rng.randint(1, 3)) for code, title, price in picks]
        goods = sum(price * quantity for _, _, price, quantity in items)
        shipping, taxes = rng.choice((0, 495, 800)), goods // 10
        buyer = rng.randrange(max(1, count // 5 * 4))
        placed = START + timedelta(minutes=n)
        head = ["paid", "", "USD", _usd(goods), _usd(shipping), _usd(taxes), _usd(goods + shipping + taxes), "0.00",
                "Standard", f"{placed:%Y-%m-%d %H:%M:%S} +0000"]
        for index, (code, title, price, quantity) in enumerate(items):
            writer.writerow([f"#{n + 1001}", f"buyer{buyer}@example.com", *(head if index == 0 else [""] * len(head)),
                             str(quantity), title, _usd(price), code, f"Buyer {buyer}", f"{buyer} Main St",
                             "Boston", "02134", "US", ""])
    return out.getvalue()


def _usd(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


scratch = MetaData()
bare_orders = CoreTable(
    "bench_import_orders", scratch,
    Column("id", BigId, primary_key=True),
    Column("store_id", BigId, nullable=False),
    Column("channel_order_id", String(64), nullable=False),
    Column("buyer_email", String(200)),
    Column("status", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("goods_minor", BigId, nullable=False),
    Column("shipping_minor", BigId, nullable=False),
    Column("total_minor", BigId, nullable=False),
    Column("ship_to", JSON, nullable=False),
    Column("placed_at", UTCDateTime(), nullable=False),
)
bare_lines = CoreTable(
    "bench_import_lines", scratch,
    Column("id", BigId, primary_key=True),
    Column("channel_order_id", String(64), nullable=False),
    Column("sku_code", String(64), nullable=False),
    Column("quantity", BigId, nullable=False),
    Column("unit_price_minor", BigId, nullable=False),
)


@dataclass
class Run:
    database: str
    orders: int
    imported: int
    engine_seconds: float
    bare_seconds: float

    @property
    def engine_rate(self) -> float:
        return self.orders / self.engine_seconds

    @property
    def bare_rate(self) -> float:
        return self.orders / self.bare_seconds


def shop(db: Database, stock: int) -> int:
    now = START
    with db.transaction() as session:
        store = catalog.create_store(session, now, SYSTEM, "Bench Harbor Tea", "aliexpress", "USD")
        warehouse = inventory.create_warehouse(session, SYSTEM, store.id, "BOS", "Boston", "US")
        spec = catalog.ProductSpec("Teas", [catalog.SkuSpec(code, price) for code, _, price in CATALOGUE])
        _, skus = catalog.create_product(session, now, SYSTEM, store.id, spec)
        for sku in skus:
            inventory.receive(session, now, SYSTEM, sku.id, warehouse.id, stock)
        return store.id


def bench(server: SqliteServer | PostgresServer, parsed: ParseResult) -> Run:
    db = Database(server.fresh())
    try:
        scratch.create_all(db.engine)
        store_id = shop(db, stock=10 * len(parsed.orders))
        started = time.perf_counter()
        with db.transaction() as session:
            report = import_orders(session, START + timedelta(days=30), SYSTEM, store_id, parsed,
                                   ImportSource("shopify", "bench.csv"))
        engine_seconds = time.perf_counter() - started
        started = time.perf_counter()
        with db.engine.begin() as connection:
            connection.execute(insert(bare_orders), [_order_row(store_id, order) for order in parsed.orders])
            connection.execute(insert(bare_lines), [
                {"channel_order_id": order.channel_order_id, "sku_code": line.sku, "quantity": line.quantity,
                 "unit_price_minor": line.unit_price.minor} for order in parsed.orders for line in order.lines])
        bare_seconds = time.perf_counter() - started
    finally:
        db.dispose()
    return Run(server.title, len(parsed.orders), report.imported, engine_seconds, bare_seconds)


def _order_row(store_id: int, order: ImportedOrder) -> dict[str, object]:
    return {"store_id": store_id, "channel_order_id": order.channel_order_id, "buyer_email": order.buyer_email,
            "status": "paid", "currency": order.currency, "goods_minor": order.goods.minor,
            "shipping_minor": order.shipping.minor, "total_minor": (order.goods + order.shipping).minor,
            "ship_to": {"country": order.ship_to.country, "city": order.ship_to.city or ""},
            "placed_at": order.placed_at}


HEADERS = ("database", "orders", "imported", "import_orders s", "import_orders orders/s", "bare insert s",
           "bare insert orders/s", "import ÷ bare")


def cells(run: Run) -> list[str]:
    return [run.database, f"{run.orders:,}", f"{run.imported:,}", f"{run.engine_seconds:.2f}", f"{run.engine_rate:,.0f}",
            f"{run.bare_seconds:.3f}", f"{run.bare_rate:,.0f}", f"{run.engine_seconds / run.bare_seconds:,.0f}×"]


def show(runs: list[Run], parse_seconds: float, lines: int) -> None:
    table = Table(title=f"import orders — Shopify export, {runs[0].orders:,} orders ({lines:,} rows), "
                        f"parsed in {parse_seconds:.2f} s", title_justify="left")
    for n, header in enumerate(HEADERS):
        table.add_column(header, justify="left" if n == 0 else "right")
    for run in runs:
        table.add_row(*cells(run))
    console.print(table)


INTRO = """## Importing marketplace orders (`benchmarks/import_orders.py`)

A generated Shopify orders export (one to three line items an order, 12 SKUs, paid and unfulfilled, fixed seed),
parsed once, then on a fresh database built by the migrations: **import_orders** is
`orders.intake.service.import_orders` in one transaction (per order: a savepoint, the dedupe read, SKUs by code,
the buyer, order and lines, stock reservations, the payment, escrow, events, the ship-by timer); **bare insert** is
the same orders and lines written as plain rows with SQLAlchemy Core executemany in one transaction on the same
engine. **import ÷ bare** is what the order lifecycle's bookkeeping costs over writing the rows alone."""


def block(runs: list[Run], command: str, parse_seconds: float) -> str:
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = cpu_model()
    lines = ["| " + " | ".join(HEADERS) + " |", "| --- |" + " ---: |" * (len(HEADERS) - 1)]
    lines += ["| " + " | ".join(cells(run)) + " |" for run in runs]
    return "\n".join([
        f"- command: `{command}`",
        f"- date: {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- machine: nproc {nproc}" + (f" ({model})" if model else "") + f"; {platform.platform()}",
        f"- software: {platform.python_implementation()} {platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}",
        f"- parsing the file (not counted above): {parse_seconds:.2f} s",
        "",
        *lines,
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10_000, help="orders in the generated export (default 10,000)")
    parser.add_argument("--postgres", metavar="URL", help=f"a PostgreSQL server to run on as well (or set {POSTGRES_ENV})")
    args = parser.parse_args()
    if args.orders < 1:
        parser.error("--orders must be at least 1")
    args.postgres_from_env = not args.postgres and bool(os.environ.get(POSTGRES_ENV))
    postgres_url = args.postgres or os.environ.get(POSTGRES_ENV)
    text = shopify_export(args.orders)
    started = time.perf_counter()
    parsed = parse(text, "shopify")
    parse_seconds = time.perf_counter() - started
    if parsed.errors or len(parsed.orders) != args.orders:
        console.print(f"[red]the generated file did not parse cleanly: {parsed.errors[:3]}[/red]")
        return 1
    servers: list[SqliteServer | PostgresServer] = [SqliteServer()]
    if postgres_url:
        servers.append(PostgresServer(postgres_url))
    runs: list[Run] = []
    try:
        for server in servers:
            console.print(f"[dim]{server.title}: importing {args.orders:,} orders…[/dim]")
            runs.append(bench(server, parsed))
    finally:
        for server in servers:
            server.close()
    show(runs, parse_seconds, text.count("\r\n") - 1)
    rewrite_section(RESULTS, SECTION, INTRO, ("figures",), {"figures": block(runs, command_line(args), parse_seconds)})
    console.print(f"figures written to {os.path.relpath(RESULTS)}")
    return 0 if all(run.imported == run.orders for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
