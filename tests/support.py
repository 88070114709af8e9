"""Helpers for tests: an HTTP wrapper and a ready-made shop."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import text

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
