"""Every console detail page goes through the same skeleton (`web.detail`), so it answers alike.

One table of detail pages (order, promotion, coupon, campaign, case): for each, a malformed id,
a missing id and another store's row show the very same 404 page, and a signed-out browser is
sent to /login before anything is looked up. Runs on SQLite and on PostgreSQL (when configured).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from console import case_seed, marketing_seed
from console.test_marketing_pages import console, ok, text_of
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.settings import Settings
from support import Api

YEAR_MINUTES = 366 * 24 * 60


@dataclass(frozen=True)
class Mine:
    """A row of one store, its store's staff key, and the staff key of another store."""

    row_id: int
    owner_key: str
    stranger_key: str


@dataclass(frozen=True)
class DetailPage:
    base: str  # the list the page belongs to; the detail page is base/{id}
    seed: Callable[[Api, Database, SimulatedClock], Mine]
    not_found_text: str  # what the 404 page says, in English


def _marketing(pick: Callable[[marketing_seed.Seeded], dict[str, Any]]) -> Callable[[Api, Database, SimulatedClock], Mine]:
    def seeded(api: Api, db: Database, clock: SimulatedClock) -> Mine:
        found = marketing_seed.seed(api)
        return Mine(pick(found)["id"], found.a.staff.key, found.b.staff.key)
    return seeded


def _case(api: Api, db: Database, clock: SimulatedClock) -> Mine:
    found = case_seed.seed(api, db, clock)
    return Mine(found.reship["id"], found.dhgate.staff.key, found.taobao.staff.key)


PAGES = [
    DetailPage("/orders", _marketing(lambda s: s.order), "There is no such order, or it belongs to a store you cannot see."),
    DetailPage("/promotions", _marketing(lambda s: s.reduction), "There is no such promotion, or it belongs to a store you cannot see."),
    DetailPage("/coupons", _marketing(lambda s: s.coupon), "There is no such coupon, or it belongs to a store you cannot see."),
    DetailPage("/campaigns", _marketing(lambda s: s.campaign), "There is no such campaign, or it belongs to a store you cannot see."),
    DetailPage("/cases", _case, "There is no such case, or it belongs to a store you cannot see."),
]
MALFORMED = ("abc", "0", "-1", "1.5", "99999999999999999999")
MISSING = "999999"


@pytest.fixture
def settings(db: Database) -> Settings:
    # the case seed jumps the simulated clock by days; console sessions outlast the jumps
    return Settings(database_url=db.url, session_idle_minutes=YEAR_MINUTES, session_max_hours=YEAR_MINUTES // 60)


def _shown(client: TestClient, path: str) -> tuple[str, list[str]]:
    """The 404 page as a person reads it, and where its links lead (the language switch, which repeats the path, aside)."""
    page = ok(client, path, status=404)
    links = [href for href in re.findall(r'href="([^"]*)"', page) if "lang=" not in href]
    return text_of(page), links


@pytest.mark.parametrize("page", PAGES, ids=[p.base.strip("/") for p in PAGES])
def test_every_detail_page_answers_one_404_for_malformed_missing_and_another_stores(
        client: TestClient, api: Api, db: Database, clock: SimulatedClock, page: DetailPage) -> None:
    mine = page.seed(api, db, clock)
    owner, stranger = console(client, mine.owner_key), console(client, mine.stranger_key)
    assert ok(owner, f"{page.base}/{mine.row_id}")  # the row is real: its store's staff open it

    theirs = _shown(stranger, f"{page.base}/{mine.row_id}")
    assert "Not found" in theirs[0] and page.not_found_text in theirs[0]
    assert page.base in theirs[1]  # the way back is the page's own list
    assert _shown(stranger, f"{page.base}/{MISSING}") == theirs
    for malformed in MALFORMED:
        assert _shown(stranger, f"{page.base}/{malformed}") == theirs, malformed


@pytest.mark.parametrize("page", PAGES, ids=[p.base.strip("/") for p in PAGES])
def test_every_detail_page_sends_a_signed_out_browser_to_login(client: TestClient, api: Api, db: Database,
                                                                clock: SimulatedClock, page: DetailPage) -> None:
    mine = page.seed(api, db, clock)
    signed_out = TestClient(client.app, follow_redirects=False)
    for wanted in (str(mine.row_id), MISSING, "abc"):
        response = signed_out.get(f"{page.base}/{wanted}")
        assert response.status_code == 303 and response.headers["location"] == "/login", wanted
