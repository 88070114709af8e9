"""The `shopkeeper` command: serve, worker, simulate, demo, db upgrade, keys create/list/revoke, rulebook check/list,
import orders, allocate, replenishment, tracking import|poll, stocktake import, webhooks resend-failed."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import shopkeeper.models  # noqa: F401  (every table, so foreign keys resolve in any command)
from shopkeeper import migrate, rulebooks, simulation, startup
from shopkeeper.auth import KEY_PREFIX, ApiKey, Role, create_key, find_key, list_keys
from shopkeeper.backoffice_cli import mount
from shopkeeper.clock import Clock, SystemClock
from shopkeeper.db import Database
from shopkeeper.errors import DomainError
from shopkeeper.sessions import issue_link, policy_of, revoke_key
from shopkeeper.settings import Settings

app = typer.Typer(help="Shopkeeper: the rules and automation an online store or marketplace runs on.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
rulebook_app = typer.Typer(help="Platform rulebooks (rulebooks/*.toml).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
app.add_typer(rulebook_app, name="rulebook")
out = Console()
err = Console(stderr=True)


def _database() -> tuple[Settings, Database]:
    settings = Settings.from_env()
    return settings, Database(settings.database_url)


def _clock(settings: Settings, db: Database) -> Clock:
    return simulation.DatabaseClock(db) if settings.clock == "simulated" else SystemClock()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to SHOPKEEPER_DATABASE_URL."""
    settings = Settings.from_env()
    migrate.upgrade(settings.database_url)
    out.print(f"[green]database is up to date[/green] ({settings.database_url})")


@keys_app.command("create")
def keys_create(
    role: Annotated[Role, typer.Option(help="operator, staff or buyer")],
    store: Annotated[Optional[int], typer.Option(help="the store of a staff key")] = None,
    buyer: Annotated[Optional[int], typer.Option(help="the buyer of a buyer key")] = None,
    name: Annotated[str, typer.Option("--name", "--label", help="what the key is for")] = "",
) -> None:
    """Create an API key and print it (it is stored hashed and cannot be shown again)."""
    settings, db = _database()
    try:
        with db.transaction() as session:
            key = create_key(session, _clock(settings, db).now(), role, store, buyer, name)
    except DomainError as refused:
        _fail(refused.detail)
    except IntegrityError:
        _fail(f"no such {'store' if store is not None else 'buyer'}: {store if store is not None else buyer}")
    out.print(key, soft_wrap=True)


@keys_app.command("list")
def keys_list() -> None:
    """Every key, newest first: id, public prefix, role, whose, name, created, last used, revoked. Never a secret."""
    _settings, db = _database()
    with db.read() as session:
        rows = list_keys(session, limit=100_000)
    out.print(f"{'id':>5}  {'prefix':<15} {'role':<8} {'for':<10} {'created':<16} {'last used':<16} {'revoked':<16} name",
              highlight=False, soft_wrap=True)
    for row in rows:
        whose = f"store {row.store_id}" if row.store_id else f"buyer {row.buyer_id}" if row.buyer_id else "-"
        out.print(f"{row.id:>5}  {KEY_PREFIX + row.prefix:<15} {row.role:<8} {whose:<10} {_minute(row.created_at):<16} "
                  f"{_minute(row.last_used_at):<16} {_minute(row.revoked_at):<16} {row.name}",
                  highlight=False, soft_wrap=True, markup=False)


@keys_app.command("link")
def keys_link() -> None:
    """A fresh one-time console sign-in link for the operator key `serve` uses, without restarting the server."""
    settings, db = _database()
    sign_in = console_sign_in(db, _clock(settings, db), settings)
    out.print(f"Console sign-in link (works once, for {settings.sign_in_link_minutes} minutes): "
              f"http://{settings.host}:{settings.port}{sign_in.link_path}", soft_wrap=True, highlight=False)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[int, typer.Argument(help="the key's id, from `shopkeeper keys list`")]) -> None:
    """Revoke a key: it stops working at once, for the API and the console (its sessions end too)."""
    settings, db = _database()
    try:
        with db.transaction() as session:
            row = revoke_key(session, _clock(settings, db).now(), key_id)
    except DomainError as refused:
        _fail(refused.detail)
    out.print(f"key {row.id} ({KEY_PREFIX}{row.prefix}, {row.role}) revoked at {_minute(row.revoked_at)} UTC",
              highlight=False, markup=False)


def _minute(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"


@rulebook_app.command("check")
def rulebook_check(files: Annotated[list[Path], typer.Argument(help="rulebook TOML files")]) -> None:
    """Say for each file whether it is a complete, consistent rulebook; exit 1 if any is not."""
    bad = 0
    for file in files:
        problems = rulebooks.check.check_file(file)
        if problems:
            bad += 1
            count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
            out.print(f"[red]{escape(str(file))}[/red]: {count}", soft_wrap=True, highlight=False)
            for problem in problems:
                out.print(f"  {problem}", soft_wrap=True, highlight=False, markup=False)
        else:
            out.print(f"{escape(str(file))}: [green]ok[/green]", soft_wrap=True, highlight=False)
    if bad:
        raise typer.Exit(1)


@rulebook_app.command("list")
def rulebook_list() -> None:
    """The rulebooks a store may choose, by name."""
    for name in rulebooks.names():
        out.print(f"{name:<12} {rulebooks.load(name).title}", highlight=False)


def _fail(message: str) -> NoReturn:
    err.print(f"[red]{message}[/red]")
    raise typer.Exit(2)


def _check_start(settings: Settings) -> None:
    """Refuse to serve or fire timers on an unsafe configuration in production; warn loudly elsewhere (startup.py)."""
    problems = startup.check(settings)
    refused = startup.fatal(problems, settings)
    for problem in problems:
        label = "[bold red]refusing to start:[/bold red]" if problem in refused else "[bold yellow]WARNING (not for production):[/bold yellow]"
        err.print(f"{label} {escape(problem.message)}", soft_wrap=True, highlight=False)
    if refused:
        raise typer.Exit(2)


@app.command()
def serve(
    host: Annotated[Optional[str], typer.Option()] = None,
    port: Annotated[Optional[int], typer.Option()] = None,
    worker: Annotated[bool, typer.Option(help="run the timer worker in this process too")] = True,
) -> None:
    """Serve the REST API and the console (and, by default, the timer worker)."""
    import uvicorn

    from shopkeeper.composition import create_app
    from shopkeeper.worker import start_in_thread

    settings, db = _database()
    _check_start(settings)
    clock = _clock(settings, db)
    host, port = host or settings.host, port or settings.port
    sign_in = console_sign_in(db, clock, settings)
    web = create_app(db, clock, settings)  # before the worker thread: it installs the timers' handlers
    stop = start_in_thread(db, clock) if worker else None
    out.print(f"[bold green]Shopkeeper[/bold green] on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    out.print(f"Console sign-in link (works once, for {settings.sign_in_link_minutes} minutes): "
              f"http://{host}:{port}{sign_in.link_path}", soft_wrap=True, highlight=False)
    out.print(sign_in.key_note, soft_wrap=True, highlight=False, markup=False)
    try:
        # proxy_headers off: forwarded headers are believed only from SHOPKEEPER_TRUSTED_PROXIES (proxies.py)
        uvicorn.run(web, host=host, port=port, log_level="info", proxy_headers=False)
    finally:
        if stop:
            stop.set()


CONSOLE_KEY_NAME = "console"


@dataclass(frozen=True)
class ConsoleSignIn:
    link_path: str  # /login/once/<token>
    key_note: str  # where the operator key for curl is, or why it cannot be shown


def console_sign_in(db: Database, clock: Clock, settings: Settings) -> ConsoleSignIn:
    """The console's operator key (named "console"), made once and reused by every start, and a one-time link for it.

    A new key's secret goes to `settings.operator_key_file` (var/operator.key, readable by this user only), never
    to the terminal: output is scrollback and CI logs. An existing key's secret cannot be shown again, so the note
    says where it was written, or how to get a key if that file is gone.
    """
    path = Path(settings.operator_key_file)
    secret = None
    with db.transaction() as session:
        now = clock.now()
        key = session.scalar(select(ApiKey).where(ApiKey.role == Role.OPERATOR.value, ApiKey.name == CONSOLE_KEY_NAME,
                                                  ApiKey.revoked_at.is_(None)).order_by(ApiKey.id).limit(1))
        if key is None:
            secret = create_key(session, now, Role.OPERATOR, name=CONSOLE_KEY_NAME)
            key = find_key(session, secret)
        token = issue_link(session, now, key.id, policy_of(settings))
    if secret is not None:  # written once the key is committed, so the file never holds a key that is not
        _write_secret(path, secret)
    if path.is_file() and _holds_prefix(path, key.prefix):
        note = f"Operator API key (for curl: -H \"Authorization: Bearer $(cat {path})\"): in {path}"
    else:
        note = (f"Operator API key: key {key.id} ({KEY_PREFIX}{key.prefix}...) was shown when it was made and "
                f"cannot be shown again; `shopkeeper keys create --role operator` makes another")
    return ConsoleSignIn(link_path=f"/login/once/{token}", key_note=note)


def _write_secret(path: Path, secret: str) -> None:
    """Write a key readable and writable by this user only (0600), replacing any older one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(secret + "\n")
    os.chmod(path, 0o600)  # an older file may have had wider permissions


def _holds_prefix(path: Path, prefix: str) -> bool:
    try:
        return path.read_text(encoding="utf-8").strip().startswith(f"{KEY_PREFIX}{prefix}_")
    except OSError:
        return False


@app.command()
def worker(poll: Annotated[float, typer.Option(help="seconds between polls when idle")] = 1.0) -> None:
    """Fire due timers until interrupted."""
    from shopkeeper.composition import install
    from shopkeeper.worker import run

    logging.basicConfig(level=logging.INFO)
    settings, db = _database()
    _check_start(settings)
    install()
    out.print("timer worker running; Ctrl-C to stop")
    try:
        run(db, _clock(settings, db), threading.Event(), poll)
    except KeyboardInterrupt:
        pass


@app.command()
def simulate(days: Annotated[float, typer.Option(min=0, help="how far to move the simulated clock")] = 1.0) -> None:
    """Advance the simulated clock, firing every timer at its own due time, in order; say what each after-sales deadline did."""
    from shopkeeper import simulate as simulated
    from shopkeeper.composition import install

    _settings, db = _database()
    install()
    clock = simulation.load(db)
    start = clock.now()
    fired, deadlines = simulated.advance(db, clock, start + timedelta(days=days))
    simulation.save(db, clock)
    for line in deadlines:
        out.print(line, soft_wrap=True, highlight=False, markup=False)
    out.print(f"simulated {start:%Y-%m-%d %H:%M} → {clock.now():%Y-%m-%d %H:%M} UTC; fired {fired} timers")


@app.command()
def demo(
    days: Annotated[int, typer.Option(min=1, max=365)] = 30,
    seed: int = 7,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="do nothing if the database already has stores")] = False,
) -> None:
    """Build a realistic demo: a Taobao store, a cross-border store and a DHgate store, buyers, weeks of orders and after-sales cases."""
    from shopkeeper import demo as demo_data

    settings, db = _database()
    if settings.production:  # the demo pays its orders through the sandbox and invents buyers: never on real data
        err.print("[bold red]refusing to build the demo:[/bold red] SHOPKEEPER_ENV is production; unset it or point "
                  "SHOPKEEPER_DATABASE_URL at a database of its own", soft_wrap=True, highlight=False)
        raise typer.Exit(2)
    if if_empty and demo_data.has_data(db):
        out.print("demo data already present; leaving it as it is")
        return
    summary = demo_data.build(db, days=days, seed=seed, console=out)
    out.print(summary)


mount(app)


if __name__ == "__main__":
    app()
