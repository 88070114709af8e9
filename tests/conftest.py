"""Fixtures shared by every test.

Each test that needs a database runs on SQLite, and on PostgreSQL as well when
SHOPKEEPER_TEST_POSTGRES_URL is set. Both are built by the real migrations
once per test process, and emptied before each test. Under pytest-xdist each
worker has a SQLite file and a PostgreSQL database of its own.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import hypothesis
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text
from typer.testing import CliRunner

from shopkeeper import migrate
from shopkeeper.auth import Role, create_key
from shopkeeper.cli import app as cli_app
from shopkeeper.clock import SimulatedClock
from shopkeeper.composition import attach, built_in, create_app, install
from shopkeeper.db import Database, normalize_url
from shopkeeper.settings import Settings
from support import BACKENDS, HYPOTHESIS_PROFILE, POSTGRES_URL, START, Api, Shop, empty

install()  # ports and timers, as the app and the worker wire them (composition.install)

# Hypothesis's budget (tests/README.md). A property test that states none of its own gets 100 examples, 1000 in a deep
# run; one that does writes `examples(n)` (support.py), n under `make test` and 10 n in a deep run. No deadline: the
# machine may be shared, and a slow example is not what any of the property tests looks for.
hypothesis.settings.register_profile("ci", max_examples=100, deadline=None)
hypothesis.settings.register_profile("deep", max_examples=1000, deadline=None)
hypothesis.settings.load_profile(HYPOTHESIS_PROFILE)



def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `long` (minutes, not seconds) run first: pytest-xdist hands them out to the workers at the start
    instead of leaving one worker to finish a long test alone at the end, which would lengthen the whole run."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)

@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:  # fold the WAL into the file so a plain copy is complete
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return str(path)


@pytest.fixture(scope="session")
def scratch_sqlite(tmp_path_factory: pytest.TempPathFactory, sqlite_template: str) -> Callable[[], Database]:
    """For property tests, which need a fresh database per example: each call empties one SQLite database of the
    test process (support.empty) and hands it over, its engine and the SQL it has compiled kept from example to
    example."""
    path = tmp_path_factory.mktemp("scratch") / "scratch.db"
    shutil.copyfile(sqlite_template, path)
    database = Database(f"sqlite:///{path}")

    def fresh() -> Database:
        empty(database)
        return database
    return fresh


@pytest.fixture(scope="session")
def postgres_url() -> str:
    assert POSTGRES_URL
    return _migrated_empty(worker_database(normalize_url(POSTGRES_URL)))


@pytest.fixture(scope="session")
def postgres_database_for() -> Callable[[str], str]:
    """Makes a PostgreSQL database beside the configured one, `<name>_<purpose>`, empty and migrated: for data a
    module keeps for all its tests (the demo shop), which emptying the usual one before each test would wipe. It is
    one database for every pytest-xdist worker: the module has one process fill it (tests/test_demo.py)."""
    def make(purpose: str) -> str:
        assert POSTGRES_URL
        return _migrated_empty(database_beside(normalize_url(POSTGRES_URL), purpose))
    return make


def _migrated_empty(url: str) -> str:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    migrate.upgrade(url)
    return url


def worker_database(url: str) -> str:
    """The database of this test process: the one named in the URL, or under pytest-xdist (`make test` runs
    the suite on every core) a database of the worker's own beside it, `<name>_gw0` and so on, created once."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    return database_beside(url, worker)


def database_beside(url: str, suffix: str) -> str:
    """`<name>_<suffix>` on the same server, created the first time it is asked for."""
    parsed = make_url(url)
    name = f"{parsed.database}_{suffix}"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest) -> Database:
    """A fresh database, once per backend."""
    return _fresh(f"db-{request.param}", request.param, request)


@pytest.fixture
def sqlite_db(request: pytest.FixtureRequest) -> Database:
    """For tests whose subject is not the database: SQLite only."""
    return _fresh("sqlite-db", "sqlite", request)


# One database per test process and fixture, emptied before each test (support.empty) rather than made anew: an
# engine keeps the SQL it has compiled, and a new engine per test compiled it all again, about a third of a short
# test's time. Its connections stay in the pool, each rolled back when it is returned.
_DATABASES: dict[str, Database] = {}


def _fresh(purpose: str, backend: str, request: pytest.FixtureRequest) -> Database:
    if purpose not in _DATABASES:
        if backend == "sqlite":
            path = request.getfixturevalue("tmp_path_factory").mktemp(purpose) / "shop.db"
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
            _DATABASES[purpose] = Database(f"sqlite:///{path}")
        else:
            _DATABASES[purpose] = Database(request.getfixturevalue("postgres_url"))
    database = _DATABASES[purpose]
    empty(database)
    return database


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """For tests of the `shopkeeper` command: a SQLite file it is pointed at (SHOPKEEPER_DATABASE_URL), migrated by
    `shopkeeper db upgrade` itself."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SHOPKEEPER_DATABASE_URL", url)
    result = CliRunner().invoke(cli_app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return url


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
def settings(db: Database) -> Settings:
    return Settings(database_url=db.url)


# One app per process and shape of settings (composition.built_in), each test's database, clock and settings
# attached to it: FastAPI analyses a route the first time a request reaches it, some 250 ms over the whole API, which
# every test would otherwise pay again on an app of its own.
_APPS: dict[tuple[object, ...], FastAPI] = {}


def app_for(db: Database, clock: SimulatedClock, settings: Settings) -> FastAPI:
    shape = built_in(settings)
    if shape not in _APPS:
        _APPS[shape] = create_app(db, clock, settings)
    attach(_APPS[shape], db, clock, settings)
    return _APPS[shape]


@pytest.fixture
def client(db: Database, clock: SimulatedClock, settings: Settings) -> Iterator[TestClient]:
    with TestClient(app_for(db, clock, settings), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def operator_key(db: Database, clock: SimulatedClock) -> str:
    with db.transaction() as session:
        return create_key(session, clock.now(), Role.OPERATOR, name="tests")


@pytest.fixture
def api(client: TestClient, operator_key: str) -> Api:
    return Api(client, operator_key)


@pytest.fixture
def shop(api: Api, db: Database, clock: SimulatedClock) -> Shop:
    return Shop.restored(api, db, clock.now())
