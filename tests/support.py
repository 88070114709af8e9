"""Helpers for tests: an HTTP wrapper and a ready-made shop."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, ClassVar

import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Table, func, select, text

from shopkeeper.db import Database
from shopkeeper.models import metadata

START = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
# every test that needs a database runs on SQLite, and on PostgreSQL as well when this is set (tests/conftest.py)
POSTGRES_URL = os.environ.get("SHOPKEEPER_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])

# Hypothesis's budget (tests/README.md): profile "ci", the default, keeps `make test` inside its time;
# HYPOTHESIS_PROFILE=deep gives every property test, and the API fuzz, ten times its examples (tests/conftest.py).
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
DEEPER = {"ci": 1, "deep": 10}[HYPOTHESIS_PROFILE]


def examples(ci: int) -> int:
    """A property test's examples: its budget under `make test`, ten times that in a deep run."""
    return ci * DEEPER


def empty(db: Database) -> None:
    """Every row gone, as after the migrations; on PostgreSQL the id sequences start again at 1.

    DELETE, not TRUNCATE: on tables this small PostgreSQL's TRUNCATE costs about ten times as much (it replaces
    each table's files), and every PostgreSQL test pays it before it starts."""
    with db.engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(text(f'DELETE FROM "{table.name}"'))
        if db.engine.dialect.name == "postgresql":
            for (sequence,) in connection.execute(text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")):
                connection.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


Rows = dict[str, dict[tuple[Any, ...], dict[str, Any]]]


def rows_of(db: Database) -> Rows:
    """Every row of every table, by table name and primary key."""
    with db.engine.connect() as connection:
        return {table.name: {tuple(row[c.name] for c in table.primary_key.columns): dict(row)
                             for row in connection.execute(select(table)).mappings()}
                for table in metadata.sorted_tables}


@dataclass
class Changes:
    """What a build did to a database: the rows it added, and the columns it changed in rows that were there before
    (an operator key's last use), to play into another database that starts as the first one did."""
    inserted: list[tuple[Table, list[dict[str, Any]]]] = field(default_factory=list)
    updated: list[tuple[Table, dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    @classmethod
    def between(cls, before: Rows, after: Rows) -> "Changes":
        changes = cls()
        for table in metadata.sorted_tables:
            old, new = before[table.name], after[table.name]
            assert old.keys() <= new.keys(), f"a build deleted rows of {table.name}: it cannot be replayed"
            added = [row for key, row in sorted(new.items()) if key not in old]
            if added:
                changes.inserted.append((table, added))
            for key, row in old.items():
                if new[key] != row:
                    where = dict(zip([c.name for c in table.primary_key.columns], key))
                    changes.updated.append((table, where, {c: v for c, v in new[key].items() if row[c] != v}))
        return changes

    def replay(self, db: Database) -> None:
        with db.engine.begin() as connection:
            for table, where, values in self.updated:
                connection.execute(table.update().filter_by(**where).values(values))
            for table, rows in self.inserted:
                connection.execute(table.insert(), rows)
                column = table.autoincrement_column
                if column is not None and db.engine.dialect.name == "postgresql":  # ids go on after the replayed ones
                    connection.execute(select(func.setval(func.pg_get_serial_sequence(table.name, column.name),
                                                          select(func.max(column)).scalar_subquery())))


class Api:
    """A thin HTTP helper: each call asserts the status it expects and returns the JSON."""

    def __init__(self, client: TestClient, key: str) -> None:
        self.client, self.key = client, key

    def as_(self, key: str) -> "Api":
        return Api(self.client, key)

    def call(self, method: str, path: str, expect: int = 200, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        response = self.client.request(method, f"/api/v1{path}", headers={"Authorization": f"Bearer {self.key}", **(headers or {})}, **kwargs)
        assert response.status_code == expect, f"{method} {path} → {response.status_code}: {response.text}"
        return response.json()

    def get(self, path: str, expect: int = 200, **kwargs: Any) -> Any:
        return self.call("GET", path, expect, **kwargs)

    def post(self, path: str, json: Any = None, expect: int = 200, **kwargs: Any) -> Any:
        return self.call("POST", path, expect, json=json, **kwargs)


class Shop:
    """A store with one warehouse, a product with two SKUs in stock, and a buyer with an address."""

    def __init__(self, api: Api, rulebook: str = "taobao", currency: str = "CNY", stock: int = 100) -> None:
        self.operator = api
        self.store = api.post("/stores", {"name": f"{rulebook} shop", "rulebook": rulebook, "currency": currency}, expect=201)
        store_id = self.store["id"]
        self.staff = api.as_(api.post("/keys", {"role": "staff", "store_id": store_id}, expect=201)["key"])
        self.warehouse = self.staff.post(f"/stores/{store_id}/warehouses", {"code": "HZ1", "name": "Hangzhou", "country": "CN"}, expect=201)
        self.product = self.staff.post(f"/stores/{store_id}/products", {
            "title": "棉T恤 Cotton tee", "title_en": "Cotton tee",
            "skus": [
                {"code": "TEE-RED-M", "price": "59.90", "options": {"colour": "red", "size": "M"}, "weight_grams": 200},
                {"code": "TEE-BLU-L", "price": "65.00", "options": {"colour": "blue", "size": "L"}, "weight_grams": 220},
            ],
        }, expect=201)
        self.skus = [s["id"] for s in self.product["skus"]]
        for sku_id in self.skus:
            self.staff.post(f"/skus/{sku_id}/stock", {"warehouse_id": self.warehouse["id"], "quantity": stock})
        self.buyer, self.address, self.shopper = self.new_buyer("Li Lei")

    # (backend, moment, arguments) → what building that shop did to a fresh database, and the shop's own fields
    _built: ClassVar[dict[tuple[Any, ...], tuple[Changes, dict[str, Any]]]] = {}

    @classmethod
    def restored(cls, api: Api, db: Database, now: datetime, **arguments: Any) -> "Shop":
        """`Shop(api, **arguments)`, built through the API once per test process, backend, moment and arguments; for
        every later test its rows are replayed into the test's fresh database, saving the dozen requests. Only into a
        database as fresh as the first (the test's operator key and nothing else): any other is built into."""
        if not _fresh(db):
            return cls(api, **arguments)
        recipe = (db.engine.dialect.name, now, tuple(sorted(arguments.items())))
        if recipe in cls._built:
            changes, fields = cls._built[recipe]
            changes.replay(db)
            shop = cls.__new__(cls)
            shop.__dict__.update(fields, operator=api, staff=api.as_(fields["staff"]), shopper=api.as_(fields["shopper"]))
            return shop
        before = rows_of(db)
        shop = cls(api, **arguments)
        fields = {**shop.__dict__, "staff": shop.staff.key, "shopper": shop.shopper.key}
        del fields["operator"]
        cls._built[recipe] = (Changes.between(before, rows_of(db)), fields)
        return shop

    def new_buyer(self, name: str) -> tuple[dict[str, Any], dict[str, Any], Api]:
        buyer = self.operator.post("/buyers", {"name": name}, expect=201)
        shopper = self.operator.as_(self.operator.post("/keys", {"role": "buyer", "buyer_id": buyer["id"]}, expect=201)["key"])
        address = shopper.post(f"/buyers/{buyer['id']}/addresses", {"recipient": name, "country": "CN", "region": "Zhejiang", "city": "Hangzhou"}, expect=201)
        return buyer, address, shopper

    @property
    def store_id(self) -> int:
        return int(self.store["id"])

    def order(self, *lines: tuple[int, int], shopper: Api | None = None, address: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        body = {"store_id": self.store_id, "address_id": (address or self.address)["id"],
                "lines": [{"sku_id": s, "quantity": q} for s, q in lines]}
        return (shopper or self.shopper).post("/orders", body, expect=kwargs.pop("expect", 201), **kwargs)

    def pay(self, order: dict[str, Any], shopper: Api | None = None) -> Any:
        who = shopper or self.shopper
        payment = who.post(f"/orders/{order['id']}/payments", expect=201)
        return who.post(f"/payments/{payment['id']}/simulate")

    def stock(self, sku_id: int) -> dict[str, int]:
        return self.staff.get(f"/skus/{sku_id}/stock")[0]


def _fresh(db: Database) -> bool:
    with db.engine.connect() as connection:
        return (connection.scalar(text("SELECT count(*) FROM api_keys")) == 1
                and connection.scalar(text("SELECT count(*) FROM stores")) == 0)


@contextmanager
def serving(app: Any, name: str) -> Iterator[str]:
    """`app` served by uvicorn on a free local port in a background thread, for the browser tests; yields its URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"{name}: the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
