"""The live and content page (RULES.md §4.3) in a real browser, in English and Chinese, over data put in through the
REST API: a live session's figures, the tasks board, and staff approving submitted content (confirming first)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from shopkeeper import auth, migrate
from shopkeeper.clock import SimulatedClock
from shopkeeper.composition import create_app
from shopkeeper.db import Database
from shopkeeper.settings import Settings
from social.content import ContentShop
from support import START, Api, Shop, serving

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Live:
    url: str
    staff_key: str
    session_id: int
    task_id: int


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app on a migrated SQLite database, served by uvicorn: a session that sold a tee, a task awaiting review."""
    url = f"sqlite:///{tmp_path_factory.mktemp('content')}/c.db"
    migrate.upgrade(url)
    db = Database(url)
    clock = SimulatedClock(START)
    with db.transaction() as session:
        key = auth.create_key(session, clock.now(), auth.Role.OPERATOR, name="browser tests")
    try:
        with serving(create_app(db, clock, Settings(database_url=url)), "content-console") as base, \
                httpx.Client(base_url=base, timeout=30) as http:
            kol = ContentShop(Shop(Api(http, key)), db, clock)  # type: ignore[arg-type]  # Api only needs .request()
            session = kol.schedule(commission_percent="8")
            clock.advance(hours=2)
            viewer = kol.shop.new_buyer("viewer")
            kol.content_touch(viewer, session["code"])
            kol.buy(viewer)
            task = kol.publish(fee="50.00")
            kol.influencer_buyer[2].post(f"/content-tasks/{task['id']}/accept")
            kol.influencer_buyer[2].post(f"/content-tasks/{task['id']}/submit", {"url": "https://video.example.com/v/1"})
            yield Live(base, kol.shop.staff.key, session["id"], task["id"])
    finally:
        db.dispose()


@pytest.fixture
def page(browser: Any, live: Live) -> Iterator[Any]:
    context = browser.new_context(base_url=live.url, locale="en-US", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    try:
        tab = context.new_page()
        tab.goto("/login")
        tab.fill("input[name=key]", live.staff_key)
        tab.click("button[type=submit]")
        tab.wait_for_load_state()
        yield tab
    finally:
        context.close()


def test_sessions_figures_and_approving_from_the_board_in_both_languages(page: Any, live: Live) -> None:
    # the marketing navigation leads to the page; the session's row shows what it sold
    page.click("nav.socialnav >> text=Live & content")
    assert page.url == f"{live.url}/content"
    row = page.locator(f"tr[data-session-id='{live.session_id}']")
    assert row.get_attribute("data-status") == "live"
    assert row.locator("[data-field=orders]").inner_text() == "1"
    assert row.locator("[data-field=gmv]").inner_text() == "¥59.90"
    assert row.locator("[data-field=commission]").inner_text() == "¥4.79"

    # the task waits in its column; approving asks first, then moves it to Approved
    card = page.locator(f"[data-column=submitted] article[data-task-id='{live.task_id}']")
    assert "https://video.example.com/v/1" in card.inner_text()
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    card.locator("[data-action=approve]").click()
    page.wait_for_load_state()
    assert asked and "Approve the content" in asked[0]
    assert page.locator("p.notice").inner_text() == "Content approved."
    assert page.locator(f"[data-column=approved] article[data-task-id='{live.task_id}']").count() == 1

    # the same page in Chinese
    page.goto("/content?lang=zh")
    assert page.locator("h1").inner_text() == "直播场次与内容任务"
    assert page.locator(f"tr[data-session-id='{live.session_id}'] .badge").inner_text() == "直播中"
    assert "已通过" in page.locator("[data-column=approved] h4").inner_text()
