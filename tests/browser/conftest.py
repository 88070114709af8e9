"""A live console over a seeded database, and headless Chromium to drive it.

The data goes in through the real services (stores, stock, buyer, orders
placed, paid through the simulated provider, shipped), so the pages show what
the engine actually writes. The clock is simulated and stands still at
2026-11-25 10:00 UTC, so "today" and "time left" are exact.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from shopkeeper import auth, sessions
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.composition import create_app
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.inventory import service as inventory
from shopkeeper.models import metadata
from shopkeeper.orders import checkout
from shopkeeper.orders import service as orders
from shopkeeper.orders.payments import Notification, handle_notification, new_reference, start_payment
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM
from shopkeeper.settings import Settings
from support import serving

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)
PRICE = 12900  # ¥129.00, one scarf
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass(frozen=True)
class Console:
    """The running console and the ids and keys the tests look for."""

    url: str
    operator_key: str
    operator_link: str  # /login/once/<token>, as `shopkeeper serve` prints; single use, so one test uses it
    staff_a_key: str
    buyer_key: str
    store_a: int
    store_b: int
    overdue_a: int      # paid 2026-11-21, ship-by passed a day ago
    soon_a: int         # paid 2026-11-22, 4h 48m left to ship
    today_paid_a: int   # placed and paid today, 2 scarves
    today_unpaid_a: int
    shipped_a: int      # paid and shipped yesterday
    paid_b: int         # store B, paid today


# --- data -------------------------------------------------------------------------------------

def _seed(db: Database, clock: SimulatedClock) -> dict[str, Any]:
    def at(day: int, hour: int, minute: int = 0) -> None:
        clock.set(datetime(2026, 11, day, hour, minute, tzinfo=timezone.utc))

    at(20, 9)
    with db.transaction() as s:
        now = clock.now()
        stores = [catalog.create_store(s, now, SYSTEM, name, "taobao", "CNY").id for name in ("Store A 杭州店", "Store B")]
        skus = {}
        for store_id in stores:
            warehouse = inventory.create_warehouse(s, SYSTEM, store_id, "WH1", "Main warehouse", "CN")
            _, (sku,) = catalog.create_product(s, now, SYSTEM, store_id, catalog.ProductSpec(
                title="Wool scarf 羊毛围巾", skus=[catalog.SkuSpec(code="SCARF-RED", price_minor=PRICE, options={"colour": "red"})]))
            inventory.receive(s, now, SYSTEM, sku.id, warehouse.id, 100)
            skus[store_id] = sku.id
        buyer = customers.create_buyer(s, now, SYSTEM, "Li Lei")
        address = customers.add_address(s, SYSTEM, buyer.id, "李雷", "CN", "浙江", "杭州", "文一西路 1号", "310000", "13800000000")
        keys = {"buyer_key": auth.create_key(s, now, Role.BUYER, buyer_id=buyer.id),
                "operator_key": auth.create_key(s, now, Role.OPERATOR),
                "staff_a_key": auth.create_key(s, now, Role.STAFF, store_id=stores[0])}
    shopper = Principal(role=Role.BUYER, key_id=0, buyer_id=buyer.id)

    def order(store_id: int, quantity: int = 1, pay: bool = True) -> int:
        with db.transaction() as s:
            placed = checkout.place_order(s, clock.now(), shopper, store_id, address.id, [LineRequest(skus[store_id], quantity)])
            if pay:
                payment = start_payment(s, clock.now(), shopper, placed.id)
                handle_notification(s, clock.now(), Notification(
                    payment.id, new_reference(), "succeeded", payment.amount_minor, payment.currency))
            return placed.id

    a, b = stores
    at(21, 9)
    overdue = order(a)
    at(22, 14, 48)
    soon = order(a)
    at(24, 10)
    shipped = order(a)
    at(24, 11)
    with db.transaction() as s:
        orders.ship(s, clock.now(), SYSTEM, shipped, "SF Express", "SF1234567890")
    at(25, 6, 50)
    today_paid = order(a, quantity=2)
    at(25, 8)
    today_unpaid = order(a, pay=False)
    at(25, 8, 30)
    paid_b = order(b)
    clock.set(NOW)
    with db.transaction() as s:  # issued now: a sign-in link is good for minutes
        token = sessions.issue_link(s, NOW, auth.find_key(s, keys["operator_key"]).id, sessions.policy_of(Settings()))
    keys["operator_link"] = f"/login/once/{token}"
    return dict(store_a=a, store_b=b, overdue_a=overdue, soon_a=soon, today_paid_a=today_paid,
                today_unpaid_a=today_unpaid, shipped_a=shipped, paid_b=paid_b, **keys)


# --- server -----------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """create_app over the seeded database, served by uvicorn in a background thread."""
    path = tmp_path_factory.mktemp("console")
    db = Database(f"sqlite:///{path}/c.db")
    metadata.create_all(db.engine)
    clock = SimulatedClock(NOW)
    data = _seed(db, clock)
    try:
        with serving(create_app(db, clock, Settings()), "console-server") as url:
            yield Console(url=url, **data)
    finally:
        db.dispose()


# --- browser ----------------------------------------------------------------------------------

def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _missing(what: str) -> None:
    """Skip on a developer machine without a browser; fail in CI, which must always run these."""
    if _in_ci():
        pytest.fail(f"browser tests cannot run in CI: {what}", pytrace=False)
    pytest.skip(f"browser tests skipped: {what}")


def _chromium() -> str:
    return os.environ.get("SHOPKEEPER_CHROMIUM") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the Playwright package is not installed (pip install playwright, or pip install -e '.[dev]')")
    executable = _chromium()
    if not Path(executable).is_file():
        _missing(f"no Chromium at {executable}; install it with `apt-get install chromium` "
                 "or point SHOPKEEPER_CHROMIUM at a Chromium binary")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, console: Console) -> Iterator[Any]:
    """A fresh browser profile per test (no cookies), asking for English pages."""
    context = browser.new_context(base_url=console.url, locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Any, key: str) -> None:
    """Sign in through the login form (a POST: a key never goes in a URL), as a person would."""
    page.goto("/login")
    page.fill("input[name=key]", key)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def log_in(page: Any) -> Callable[[str], None]:
    return lambda key: sign_in(page, key)
