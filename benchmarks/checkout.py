"""How fast the engine takes orders, next to the least a checkout must write.

    .venv/bin/python benchmarks/checkout.py [--orders N] [--threads T] [--postgres URL]

Every scenario gets a fresh database built by the real migrations: SQLite in a
temporary folder, and PostgreSQL too when `--postgres` (or the environment
variable SHOPKEEPER_BENCH_POSTGRES_URL) names a server. On PostgreSQL the
script creates its own database, `shopkeeper_bench`, for each scenario and
drops it at the end; whatever database the URL names is ignored, so the test
suite's `test` database is never touched.

Scenarios (N checkouts each, one unit of one SKU per order):
- place_order: `orders.service.place_order` in one `db.transaction()` per order,
  as the API runs it (without HTTP, authentication and idempotency keys), on a
  single thread and on T threads; buyers and SKUs drawn with a fixed seed.
- hot SKU: T threads all buying the same SKU, which has N/2 units: exactly N/2
  must be placed and N/2 refused out-of-stock (PASS/FAIL).
- baseline: the least a checkout must write, in SQLAlchemy Core, in one
  transaction on the same engine: the conditional stock UPDATE and one INSERT
  of an order-shaped row into a scratch table. Run like the two scenarios
  above, so "engine / baseline" is what the engine's bookkeeping costs
  (snapshots, order lines, events, timers, stock movements, its reads).

Timing uses time.perf_counter only. The figures are printed as a table and
written to benchmarks/RESULTS.md, between this script's own markers.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import random
import re
import shlex
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, cast

import sqlalchemy
from reporting import cpu_model, rewrite_section
from rich.console import Console
from rich.table import Table
from sqlalchemy import JSON, Column, MetaData, String, bindparam, create_engine, event, func, insert, select, text, update
from sqlalchemy import Table as CoreTable
from sqlalchemy.engine import URL, make_url

import shopkeeper.models  # noqa: F401  (every mapped class, so relationships resolve)
from shopkeeper import migrate, rulebooks
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.db import BigId, Database, UTCDateTime, normalize_url
from shopkeeper.errors import OutOfStock
from shopkeeper.fulfillment import rules as shipping
from shopkeeper.fulfillment import service as fulfillment
from shopkeeper.inventory import service as inventory
from shopkeeper.inventory.models import Stock, StockMovement
from shopkeeper.orders import checkout
from shopkeeper.orders.models import Order, OrderLine
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
SECTION = "checkout"
BENCH_DATABASE = "shopkeeper_bench"
NEVER_TOUCH = {"test", "postgres", "template0", "template1"}
POSTGRES_ENV = "SHOPKEEPER_BENCH_POSTGRES_URL"

SEED = 20260105
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
PRODUCTS = 6  # two SKUs each
BUYERS = 200
WARMUP = 20  # unmeasured orders per scenario: fills SQLAlchemy's statement caches and the pool
PROVINCES = ("Zhejiang", "Jiangsu", "Shanghai", "Guangdong", "Sichuan", "Xinjiang")

console = Console(width=None if sys.stdout.isatty() else 170)


# --- databases --------------------------------------------------------------------------------

class SqliteServer:
    """A fresh file in a temporary folder per scenario."""

    kind = "sqlite"
    title = "SQLite"

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="shopkeeper-bench-"))
        self.count = 0

    def fresh(self) -> str:
        self.count += 1
        url = f"sqlite:///{self.folder / f'bench{self.count}.db'}"
        migrate.upgrade(url)
        return url

    def describe(self) -> str:
        return f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL, BEGIN IMMEDIATE), a file in a temporary folder"

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class PostgresServer:
    """`shopkeeper_bench`, created afresh per scenario from the server's `postgres` database, dropped at the end."""

    kind = "postgresql"
    title = "PostgreSQL"

    def __init__(self, server_url: str) -> None:
        base = make_url(normalize_url(server_url))
        self.url: URL = base.set(database=BENCH_DATABASE)
        assert self.url.database not in NEVER_TOUCH
        self.admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with self.admin.connect() as connection:
            self.version = connection.scalar(text("SHOW server_version"))
            self.settings = {name: connection.scalar(text(f"SHOW {name}")) for name in ("fsync", "synchronous_commit", "shared_buffers")}

    def fresh(self) -> str:
        self._drop()
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
        url = self.url.render_as_string(hide_password=False)
        migrate.upgrade(url)
        return url

    def _drop(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))

    def describe(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in self.settings.items())
        return f"PostgreSQL {self.version} at {self.url.host}:{self.url.port or 5432} ({shown}), READ COMMITTED, database `{BENCH_DATABASE}`"

    def close(self) -> None:
        self._drop()
        self.admin.dispose()


# --- the shop ---------------------------------------------------------------------------------

@dataclass
class Shop:
    store_id: int
    warehouse_id: int
    skus: list[int]
    prices: dict[int, int]
    buyers: list[tuple[Principal, int]]  # (buyer principal, address id)
    ship_to: dict[int, dict[str, str]]  # address id -> snapshot, for the baseline's order-shaped row


def build_shop(db: Database, now: datetime, stock: int, hot_stock: int | None = None) -> Shop:
    """A store, a warehouse, a default shipping template, PRODUCTS×2 SKUs and BUYERS buyers, through the services.

    `hot_stock`, when given, is the stock of the first SKU (the hot one); every other SKU gets `stock`.
    """
    rng = random.Random(SEED)
    with db.transaction() as s:
        store = catalog.create_store(s, now, SYSTEM, "Bench Tea House", "taobao", "CNY")
        staff = Principal(Role.STAFF, 0, store_id=store.id)
        warehouse = inventory.create_warehouse(s, staff, store.id, "HZ1", "Hangzhou", "CN")
        template = shipping.ShippingTemplate(
            name="Piece rate, free over 99", mode="piece",
            default=shipping.FeeRule((), 1, 800, 1, 200),
            rules=(shipping.FeeRule(("CN/Zhejiang", "CN/Jiangsu", "CN/Shanghai"), 1, 500, 1, 100),
                   shipping.FeeRule(("CN/Xinjiang",), 1, 2500, 1, 1200)),
            free=(shipping.FreeRule(("CN/Zhejiang", "CN/Jiangsu", "CN/Shanghai", "CN/Guangdong", "CN/Sichuan"), 9900, None),),
        )
        fulfillment.create_template(s, now, staff, store.id, shipping.template_to_dict(template), is_default=True)
        skus = []
        for p in range(PRODUCTS):
            _, created = catalog.create_product(s, now, staff, store.id, catalog.ProductSpec(
                title=f"Tea {p}", skus=[catalog.SkuSpec(code=f"T{p}-{size}", price_minor=rng.randrange(500, 20000),
                                                        options={"size": size}, weight_grams=rng.randrange(100, 1500))
                                        for size in ("50g", "250g")]))
            skus.extend(created)
        for n, sku in enumerate(skus):
            inventory.receive(s, now, staff, sku.id, warehouse.id, hot_stock if n == 0 and hot_stock is not None else stock)
        shop = Shop(store.id, warehouse.id, [sku.id for sku in skus], {sku.id: sku.price_minor for sku in skus}, [], {})
    with db.transaction() as s:
        for n in range(BUYERS):
            buyer = customers.create_buyer(s, now, SYSTEM, f"buyer {n}")
            province = PROVINCES[n % len(PROVINCES)]
            address = customers.add_address(s, SYSTEM, buyer.id, f"Buyer {n}", "CN", province, "City",
                                            f"{n} Bench Road", f"{310000 + n}", f"138{n:08d}")
            shop.buyers.append((Principal(Role.BUYER, 0, buyer_id=buyer.id), address.id))
            shop.ship_to[address.id] = checkout._snapshot(address)
    return shop


# --- the baseline: the least a checkout must write -------------------------------------------

scratch = MetaData()
bench_orders = CoreTable(
    "bench_checkout_orders", scratch,
    Column("id", BigId, primary_key=True),
    Column("number", String(32), unique=True, nullable=False),
    Column("store_id", BigId, nullable=False),
    Column("buyer_id", BigId, nullable=False),
    Column("status", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("sku_id", BigId, nullable=False),
    Column("warehouse_id", BigId, nullable=False),
    Column("quantity", BigId, nullable=False),
    Column("unit_price_minor", BigId, nullable=False),
    Column("goods_minor", BigId, nullable=False),
    Column("shipping_minor", BigId, nullable=False),
    Column("total_minor", BigId, nullable=False),
    Column("ship_to", JSON, nullable=False),
    Column("placed_at", UTCDateTime(), nullable=False),
    Column("pay_by", UTCDateTime(), nullable=False),
)
stock = cast(CoreTable, Stock.__table__)
take_one = (
    update(stock)
    .where(stock.c.sku_id == bindparam("s"), stock.c.warehouse_id == bindparam("w"), stock.c.available >= 1)
    .values(available=stock.c.available - 1, reserved=stock.c.reserved + 1)
)
write_order = insert(bench_orders)


# --- running ----------------------------------------------------------------------------------

PLACED, REFUSED = "placed", "out-of-stock"


@dataclass
class Run:
    name: str
    threads: int
    wall: float
    latencies: list[float]
    outcomes: Counter[str]
    statements: float  # SQL statements per checkout (BEGIN/COMMIT not counted), measured on the warm-up
    check: str | None = None  # PASS/FAIL line for the hot SKU
    errors: list[str] = field(default_factory=list)
    ratio: float | None = None  # engine wall / baseline wall

    @property
    def attempts(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.attempts / self.wall

    def percentile(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


Attempt = Callable[[int], str]


def drive(attempt: Attempt, count: int, threads: int) -> tuple[float, list[float], Counter[str], list[str]]:
    """Run `attempt(0..count-1)` on `threads` threads; every call is timed on its own."""
    latencies = [0.0] * count
    errors: list[str] = []

    def one(i: int) -> str:
        started = time.perf_counter()
        try:
            outcome = attempt(i)
        except Exception as exc:  # counted and shown, never hidden
            errors.append(f"{type(exc).__name__}: {exc}".splitlines()[0][:200])
            outcome = "error"
        latencies[i] = time.perf_counter() - started
        return outcome

    started = time.perf_counter()
    if threads == 1:
        outcomes = [one(i) for i in range(count)]
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            outcomes = list(pool.map(one, range(count)))
    wall = time.perf_counter() - started
    return wall, latencies, Counter(outcomes), errors


@contextmanager
def counting_statements(db: Database) -> Iterator[list[int]]:
    counter = [0]

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            counter[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield counter
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


class Scenario:
    """One fresh database, one shop, and the two ways to take an order on it."""

    def __init__(self, server: SqliteServer | PostgresServer, stock_per_sku: int, hot_stock: int | None = None) -> None:
        self.db = Database(server.fresh())
        scratch.create_all(self.db.engine)
        self.clock = SimulatedClock(START)
        self.shop = build_shop(self.db, self.clock.now(), stock_per_sku, hot_stock)
        self.pay_window = rulebooks.load("taobao").payment.window  # the baseline row's pay_by, as the engine sets it

    def engine(self, plan: list[tuple[int, int]]) -> Attempt:
        shop, db, clock = self.shop, self.db, self.clock

        def attempt(i: int) -> str:
            buyer_n, sku_n = plan[i]
            buyer, address_id = shop.buyers[buyer_n]
            try:
                with db.transaction() as session:
                    checkout.place_order(session, clock.now(), buyer, shop.store_id, address_id, [LineRequest(shop.skus[sku_n], 1)])
            except OutOfStock:
                return REFUSED
            return PLACED

        return attempt

    def baseline(self, plan: list[tuple[int, int]], prefix: str) -> Attempt:
        shop, engine, clock = self.shop, self.db.engine, self.clock

        def attempt(i: int) -> str:
            buyer_n, sku_n = plan[i]
            buyer, address_id = shop.buyers[buyer_n]
            sku_id = shop.skus[sku_n]
            price, now = shop.prices[sku_id], clock.now()
            with engine.begin() as connection:
                if not connection.execute(take_one, {"s": sku_id, "w": shop.warehouse_id}).rowcount:
                    raise _Refused()
                connection.execute(write_order, {
                    "number": f"{prefix}{i:012d}", "store_id": shop.store_id, "buyer_id": buyer.buyer_id,
                    "status": "awaiting_payment", "currency": "CNY", "sku_id": sku_id, "warehouse_id": shop.warehouse_id,
                    "quantity": 1, "unit_price_minor": price, "goods_minor": price, "shipping_minor": 0,
                    "total_minor": price, "ship_to": shop.ship_to[address_id], "placed_at": now,
                    "pay_by": now + self.pay_window,
                })
            return PLACED

        def refusing(i: int) -> str:
            try:
                return attempt(i)
            except _Refused:  # raised inside the block so the transaction rolls back, as the engine's does
                return REFUSED

        return refusing

    def measure(self, name: str, attempt: Attempt, warmup: Attempt, count: int, threads: int) -> Run:
        with counting_statements(self.db) as counter:
            for i in range(WARMUP):
                warmup(i)
        wall, latencies, outcomes, errors = drive(attempt, count, threads)
        return Run(name, threads, wall, latencies, outcomes, counter[0] / WARMUP, errors=errors)

    def close(self) -> None:
        self.db.dispose()


class _Refused(Exception):
    pass


def plan_for(count: int, skus: int, hot: bool, seed: int) -> list[tuple[int, int]]:
    """(buyer, SKU) per order, from a fixed seed; the hot plan always buys SKU 0."""
    rng = random.Random(seed)
    return [(rng.randrange(BUYERS), 0 if hot else rng.randrange(skus)) for _ in range(count)]


def warmup_plan(skus: int) -> list[tuple[int, int]]:
    """Warm-up orders never buy SKU 0, the hot one."""
    return [(n % BUYERS, 1 + n % (skus - 1)) for n in range(WARMUP)]


def hot_check(scenario: Scenario, run: Run, count: int) -> str:
    expected = count // 2
    sku_id = scenario.shop.skus[0]
    with scenario.db.read() as s:
        level = s.scalar(select(Stock).where(Stock.sku_id == sku_id))
        assert level is not None
        ordered = s.scalar(select(func.count()).select_from(OrderLine).join(Order).where(OrderLine.sku_id == sku_id)) or 0
        reserved = s.scalar(select(func.coalesce(func.sum(StockMovement.quantity), 0))
                            .where(StockMovement.sku_id == sku_id, StockMovement.kind == "reserve")) or 0
    placed, refused = run.outcomes[PLACED], run.outcomes[REFUSED]
    ok = (placed == expected and refused == count - expected and not run.errors and level.available == 0
          and level.reserved == expected and ordered == expected and reserved == expected)
    facts = (f"{placed} placed (expected {expected}), {refused} out-of-stock, {len(run.errors)} errors; "
             f"stock available={level.available} reserved={level.reserved}; order lines={ordered}, reserve movements={reserved}")
    return f"{'PASS' if ok else 'FAIL'}: {facts}"


def baseline_hot_check(scenario: Scenario, run: Run, count: int) -> str:
    expected = count // 2
    with scenario.db.engine.connect() as connection:
        rows = connection.scalar(select(func.count()).select_from(bench_orders).where(bench_orders.c.sku_id == scenario.shop.skus[0]))
        level = connection.execute(select(stock.c.available, stock.c.reserved).where(stock.c.sku_id == scenario.shop.skus[0])).one()
    ok = (run.outcomes[PLACED] == expected and run.outcomes[REFUSED] == count - expected and not run.errors
          and level.available == 0 and level.reserved == expected and rows == expected)
    return (f"{'PASS' if ok else 'FAIL'}: {run.outcomes[PLACED]} placed (expected {expected}), {run.outcomes[REFUSED]} out-of-stock, "
            f"{len(run.errors)} errors; stock available={level.available} reserved={level.reserved}; scratch rows={rows}")


def bench_database(server: SqliteServer | PostgresServer, count: int, threads: int) -> list[Run]:
    """Every scenario on one kind of database; each on a database of its own."""
    runs: list[Run] = []
    plenty = count * 2 + WARMUP * 2  # more than any plan could take from one SKU
    plan = plan_for(count, PRODUCTS * 2, hot=False, seed=SEED)
    hot_plan = plan_for(count, PRODUCTS * 2, hot=True, seed=SEED + 1)
    warm = warmup_plan(PRODUCTS * 2)

    def scenario(label: str, make: Callable[[Scenario], Run], hot: bool = False) -> Run:
        console.print(f"  [dim]{server.title}: {label}…[/dim]")
        sc = Scenario(server, plenty, hot_stock=count // 2 if hot else None)
        try:
            run = make(sc)
            if hot:
                run.check = (baseline_hot_check if run.name.startswith("baseline") else hot_check)(sc, run, count)
        finally:
            sc.close()
        runs.append(run)
        return run

    for t in sorted({1, threads}):
        engine = scenario(f"place_order, {t} thread(s)",
                          lambda sc: sc.measure("place_order", sc.engine(plan), sc.engine(warm), count, t))
        base = scenario(f"baseline, {t} thread(s)",
                        lambda sc: sc.measure("baseline", sc.baseline(plan, "B"), sc.baseline(warm, "W"), count, t))
        engine.ratio = engine.wall / base.wall
    hot = scenario(f"hot SKU, {threads} threads",
                   lambda sc: sc.measure("hot SKU", sc.engine(hot_plan), sc.engine(warm), count, threads), hot=True)
    base_hot = scenario(f"baseline hot SKU, {threads} threads",
                        lambda sc: sc.measure("baseline hot SKU", sc.baseline(hot_plan, "B"), sc.baseline(warm, "W"), count, threads),
                        hot=True)
    hot.ratio = hot.wall / base_hot.wall
    return runs


def profile_engine(server: SqliteServer | PostgresServer, count: int, top: int) -> str:
    """cProfile of single-threaded place_order (not part of the timed figures)."""
    sc = Scenario(server, count * 2 + WARMUP * 2)
    try:
        attempt = sc.engine(plan_for(count, PRODUCTS * 2, hot=False, seed=SEED))
        for i in range(WARMUP):
            sc.engine(warmup_plan(PRODUCTS * 2))(i)
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(count):
            attempt(i)
        profiler.disable()
    finally:
        sc.close()
    out = _StringSink()
    stats = pstats.Stats(profiler, stream=out)  # type: ignore[arg-type]
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.text()


class _StringSink:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, s: str) -> int:
        self.parts.append(s)
        return len(s)

    def flush(self) -> None:
        pass

    def text(self) -> str:
        return "".join(self.parts)


# --- reporting --------------------------------------------------------------------------------

HEADERS = ("scenario", "threads", "checkouts", "placed", "out of stock", "errors", "wall s", "checkouts/s",
           "p50 ms", "p95 ms", "p99 ms", "SQL/checkout", "engine ÷ baseline")


def cells(run: Run) -> list[str]:
    return [run.name, str(run.threads), str(run.attempts), str(run.outcomes[PLACED]), str(run.outcomes[REFUSED]),
            str(run.outcomes["error"]), f"{run.wall:.2f}", f"{run.rate:,.0f}", f"{run.percentile(50):.2f}",
            f"{run.percentile(95):.2f}", f"{run.percentile(99):.2f}", f"{run.statements:.1f}",
            f"{run.ratio:.1f}×" if run.ratio is not None else ""]


def show(title: str, runs: list[Run]) -> None:
    table = Table(title=title, title_justify="left")
    for n, header in enumerate(HEADERS):
        table.add_column(header, justify="left" if n == 0 else "right")
    for run in runs:
        table.add_row(*cells(run), style="bold" if run.ratio is not None else None)
    console.print(table)
    for run in runs:
        if run.check:
            colour = "green" if run.check.startswith("PASS") else "red"
            console.print(f"{run.name}: [{colour}]{run.check}[/{colour}]")
        for error in sorted(set(run.errors))[:5]:
            console.print(f"[red]{run.name} error:[/red] {error}")


def markdown_table(runs: list[Run]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "| --- |" + " ---: |" * (len(HEADERS) - 1)]
    lines += ["| " + " | ".join(cells(run)) + " |" for run in runs]
    return "\n".join(lines)


def machine() -> dict[str, str]:
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = cpu_model()
    import psycopg

    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "nproc": f"{nproc}" + (f" ({model})" if model else ""),
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "SQLAlchemy": sqlalchemy.__version__,
        "drivers": f"sqlite3 (SQLite {sqlite3.sqlite_version}), psycopg {psycopg.__version__}",
    }


def command_line(args: argparse.Namespace) -> str:
    """The command as run, with any password in a PostgreSQL URL masked."""
    python = os.path.relpath(sys.executable) if not os.path.relpath(sys.executable).startswith("..") else sys.executable
    argv = [_mask(a) for a in sys.argv]
    prefix = ""
    if args.postgres_from_env:
        prefix = f"{POSTGRES_ENV}={shlex.quote(_mask(os.environ[POSTGRES_ENV]))} "
    return prefix + shlex.join([python, *argv])


def _mask(value: str) -> str:
    return re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", value)


def block(server: SqliteServer | PostgresServer, runs: list[Run], command: str, info: dict[str, str]) -> str:
    checks = [f"- {run.name}: {run.check}" for run in runs if run.check]
    return "\n".join([
        f"### {server.title}",
        "",
        f"- command: `{command}`",
        f"- date: {info['date']}",
        f"- machine: nproc {info['nproc']}; {info['os']}",
        f"- software: {info['python']}, SQLAlchemy {info['SQLAlchemy']}, {info['drivers']}",
        f"- database: {server.describe()}",
        "",
        markdown_table(runs),
        "",
        *checks,
        *[f"- {run.name} errors: {e}" for run in runs for e in sorted(set(run.errors))[:5]],
    ])


INTRO = """## Checkout (`benchmarks/checkout.py`)

N checkouts of one unit of one SKU each, every scenario on a fresh database built by the migrations, a store with
12 SKUs and 200 buyers set up through the services. **place_order** is `orders.service.place_order` in one
`db.transaction()` per order; **baseline** is the least a checkout must write, in SQLAlchemy Core on the same engine, in
one transaction: the conditional stock UPDATE and one INSERT of an order-shaped row into a scratch table.
**engine ÷ baseline** is the engine's wall time over the baseline's for the same orders and threads: what the
engine's reads and bookkeeping (snapshots, order lines, events, timers, stock movements) cost. **hot SKU**: every
thread buys the same SKU, which has N/2 units; exactly N/2 must be placed. Latencies are per checkout, including any
wait for a lock; checkouts/s counts refused (out-of-stock) attempts too. SQL/checkout counts statements sent per
checkout (BEGIN and COMMIT not counted), on the warm-up orders."""


def write_results(blocks: dict[str, str]) -> None:
    """Rewrite this script's section of RESULTS.md, keeping other sections and the other database's figures."""
    rewrite_section(RESULTS, SECTION, INTRO, ("sqlite", "postgresql"), blocks)


# --- main -------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1000, help="checkouts per scenario (default 1000)")
    parser.add_argument("--threads", type=int, default=8, help="threads for the concurrent scenarios (default 8)")
    parser.add_argument("--postgres", metavar="URL", help=f"a PostgreSQL server to run on as well (or set {POSTGRES_ENV}); "
                        f"the script uses its own database `{BENCH_DATABASE}`, whatever database the URL names")
    parser.add_argument("--no-sqlite", action="store_true", help="skip SQLite (only with a PostgreSQL server)")
    parser.add_argument("--profile", type=int, metavar="N", default=0,
                        help="afterwards, print a cProfile of N single-threaded place_order calls (not written to RESULTS.md)")
    args = parser.parse_args()
    if args.orders < 2 or args.threads < 1:
        parser.error("--orders must be at least 2 and --threads at least 1")
    args.postgres_from_env = not args.postgres and bool(os.environ.get(POSTGRES_ENV))
    postgres_url = args.postgres or os.environ.get(POSTGRES_ENV)
    if args.no_sqlite and not postgres_url:
        parser.error("--no-sqlite needs a PostgreSQL server (--postgres or $" + POSTGRES_ENV + ")")

    servers: list[SqliteServer | PostgresServer] = []
    if not args.no_sqlite:
        servers.append(SqliteServer())
    if postgres_url:
        servers.append(PostgresServer(postgres_url))

    info = machine()
    command = command_line(args)
    blocks: dict[str, str] = {}
    failed = False
    try:
        for server in servers:
            console.print(f"[bold]{server.title}[/bold]: {args.orders} checkouts per scenario, {args.threads} threads")
            runs = bench_database(server, args.orders, args.threads)
            show(f"checkout — {server.title}", runs)
            blocks[server.kind] = block(server, runs, command, info)
            failed |= any(run.check and not run.check.startswith("PASS") for run in runs) or any(run.errors for run in runs)
        write_results(blocks)
        console.print(f"figures written to {os.path.relpath(RESULTS)}")
        if args.profile:
            for server in servers:
                console.rule(f"cProfile: {args.profile} × place_order on {server.title}, single thread")
                console.print(profile_engine(server, args.profile, 30), markup=False, highlight=False)
    finally:
        for server in servers:
            server.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
