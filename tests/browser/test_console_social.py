"""The social-commerce pages in a real browser: the group board, promoters, reward programs and assists.

One shop, seeded once for the module through the REST API and the simulated clock (a promoter with a released and a
frozen commission and a payout request, a lottery that drew, a red-packet pool, a free trial drawn by its timer, an
assist task, an open group); each test signs in as the store's staff, reads the figures, and switches language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from shopkeeper import auth, migrate, timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.composition import create_app
from shopkeeper.db import Database
from shopkeeper.settings import Settings
from social.assists import AssistShop
from social.distribution import DistShop
from social.groups import GroupShop
from social.rewards import claim, program
from support import START, Api, Shop, serving

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Live:
    url: str
    staff_key: str
    promoter: dict[str, Any]
    payout: dict[str, Any]
    lottery: dict[str, Any]
    packets: dict[str, Any]
    trial: dict[str, Any]
    offer: dict[str, Any]
    task: dict[str, Any]
    group: dict[str, Any]


def _seed(api: Api, db: Database, clock: SimulatedClock) -> dict[str, Any]:
    shop = Shop(api)
    # 分销: one commission released (¥3.00, of which ¥2.00 asked for), one frozen until its window closes
    dist = DistShop(shop, db, clock)
    for name in ("Han Meimei", "Zhao Lei"):
        customer = shop.new_buyer(name)
        dist.touch(customer)
        dist.ship_and_confirm(dist.buy(customer), customer)
        if name == "Han Meimei":
            dist.run_timers(days=26)
    payout = dist.promoter_buyer[2].post(f"/promoters/{dist.promoter['id']}/payouts", {"amount": "2.00"}, expect=201)
    # rewards: a lottery whose one prize every draw lands on (one in stock), and a red-packet pool of three
    lottery = program(shop, "lottery", name="满50抽奖", terms={"threshold_minor": 5000}, prizes=[
        {"name": "2元红包", "odds_ppm": 1_000_000, "stock": 1, "reward": {"type": "credit", "amount_minor": 200}}])
    for _ in range(2):
        shop.pay(shop.order((shop.skus[0], 1)))
    packets = program(shop, "red_packet", name="双12红包", terms={"total_minor": 900, "packets": 3, "min_minor": 300})
    claim(shop, packets["id"])
    # 免费试用: one unit of the tee, two applicants, drawn by its timer when the window closes (below)
    free_tee = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "试用装", "kind": "cash", "amount_off": "59.90",
                                            "scope": {"level": "sku", "ids": [shop.skus[0]]}, "code": "TRIAL-TEE",
                                            "open_ended": True, "valid_days": 7}, expect=201)
    trial = program(shop, "trial", name="新品试用", terms={"sku_id": shop.skus[0], "units": 1},
                    reward={"type": "coupon", "template_id": free_tee["id"]},
                    ends_at=(clock.now() + timedelta(hours=1)).isoformat())
    claim(shop, trial["id"])
    claim(shop, trial["id"], shop.new_buyer("Li Ming")[2])
    # assists: a task two friends helped (step 1 reached)
    assists = AssistShop(shop, db, clock)
    task = assists.open()
    for helper in assists.helpers(2):
        assists.help(task["code"], helper)
    # 拼团: an open group, its opener paid
    group = GroupShop(shop, db, clock).opened()
    clock.advance(hours=2, minutes=46)
    timers.run_due_timers(db, clock)  # the trial's window has closed: its draw
    return dict(staff_key=shop.staff.key, promoter=dist.promoter, payout=payout, lottery=lottery, packets=packets,
                trial=trial,
                offer=assists.offer, task=task, group=group)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The app on a migrated SQLite database, served by uvicorn; seeded through its own REST API."""
    url = f"sqlite:///{tmp_path_factory.mktemp('social')}/s.db"
    migrate.upgrade(url)
    db = Database(url)
    clock = SimulatedClock(START)
    with db.transaction() as session:
        key = auth.create_key(session, clock.now(), auth.Role.OPERATOR, name="browser tests")
    try:
        with serving(create_app(db, clock, Settings(database_url=url)), "social-console") as base, \
                httpx.Client(base_url=base, timeout=30) as http:
            yield Live(base, **_seed(Api(http, key), db, clock))  # type: ignore[arg-type]  # Api needs .request()
    finally:
        db.dispose()


@pytest.fixture
def page(browser: Any, live: Live) -> Iterator[Any]:
    """Signed in as the store's staff, in English."""
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


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_group_board(page: Any, live: Live) -> None:
    page.click("nav.socialnav >> text=Group buys")
    row = page.locator(f"tr[data-group-id='{live.group['id']}']")
    assert "1/3 paid" in squash(row.inner_text()) and "Filling" in row.inner_text()
    assert row.locator("[data-field=countdown]").inner_text() == "21h 14m left"
    page.click("a.lang-switch")
    assert page.locator("h1").inner_text() == "拼团"
    assert "已付款 1/3" in squash(row.inner_text()) and row.locator("[data-field=countdown]").inner_text() == "剩余 21小时14分"


def test_promoters_and_a_payout_approved_from_the_page(page: Any, live: Live) -> None:
    promoter = live.promoter["id"]
    page.click("nav.socialnav >> text=Promoters")
    assert page.url == f"{live.url}/promoters"
    page.screenshot(path="/tmp/console-promoters.png", full_page=True)
    row = page.locator(f"tr[data-promoter-id='{promoter}']")
    assert squash(row.inner_text()).endswith("¥59.90 ¥3.00 ¥3.00 ¥0.00 ¥0.00 ¥3.00 1 waiting")
    assert "禁止传销条例" in page.locator("[data-field=legal-warning]").inner_text()
    row.locator("a").first.click()
    assert page.url == f"{live.url}/promoters/{promoter}"
    statuses = [page.locator("tr[data-commission-id]").nth(i).get_attribute("data-status") for i in range(2)]
    assert statuses == ["frozen", "released"]
    assert page.locator("tr[data-commission-id] [data-field=countdown]").first.inner_text().endswith("left")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"tr[data-payout-id='{live.payout['id']}'] button[data-action=approve]")
    assert page.locator(".notice").inner_text() == "Payout approved: the amount left the promoter's balance."
    assert page.locator("[data-field=balance]").inner_text() == "¥1.00"
    assert page.locator(f"tr[data-payout-id='{live.payout['id']}']").get_attribute("data-status") == "approved"
    page.screenshot(path="/tmp/console-promoter.png", full_page=True)
    page.click("a.lang-switch")
    assert page.locator("h1").inner_text().startswith(f"推广员 #{promoter}")
    assert page.locator(".notice").inner_text() == "提现已批准，金额已从推广员余额中扣除。"
    assert page.locator(f"tr[data-payout-id='{live.payout['id']}'] .badge").inner_text() == "已打款"


def test_reward_programs_and_a_lotterys_draws(page: Any, live: Live) -> None:
    page.click("nav.socialnav >> text=Rewards")
    packets = page.locator(f"tr[data-program-id='{live.packets['id']}']")
    assert "1 of 3 grants, 2 left" in packets.inner_text() and "¥3.00 of ¥9.00, ¥6.00 left" in packets.inner_text()
    assert packets.locator("progress.budget").first.get_attribute("value") == "1"
    page.screenshot(path="/tmp/console-rewards.png", full_page=True)
    page.click(f"tr[data-program-id='{live.lottery['id']}'] a")
    assert page.url == f"{live.url}/rewards/{live.lottery['id']}"
    assert squash(page.locator("tr[data-prize-id]").inner_text()) == "2元红包 100% 1 1 0 ¥2.00 credited"
    outcomes = [page.locator("tr[data-draw-id]").nth(i).get_attribute("data-outcome") for i in range(2)]
    assert sorted(outcomes) == ["out_of_stock", "won"]
    assert all(len(page.locator("tr[data-draw-id] td.seed").nth(i).inner_text()) == 32 for i in range(2))
    page.screenshot(path="/tmp/console-lottery.png", full_page=True)
    page.click("a.lang-switch")
    assert page.locator("[data-field=kind]").inner_text() == "满就抽奖"
    assert page.locator("[data-field=no-prize]").inner_text() == "未中奖概率：0%。"


def test_a_free_trials_terms_applicants_and_draw(page: Any, live: Live) -> None:
    page.goto(f"/rewards/{live.trial['id']}")
    assert page.locator("[data-field=applicants]").inner_text() == "2 applied for 1 unit(s)"
    assert "the 1 lowest rolls win" in page.locator("[data-field=kind-lead]").inner_text()
    outcomes = sorted(page.locator("tr[data-draw-id]").nth(i).get_attribute("data-outcome") for i in range(2))
    assert outcomes == ["no_prize", "won"]
    page.screenshot(path="/tmp/console-trial.png", full_page=True)
    page.click("a.lang-switch")
    assert page.locator("[data-field=kind]").inner_text() == "免费试用"
    assert page.locator("[data-field=applicants]").inner_text() == "2 人申请，共 1 份"


def test_assists_and_an_offers_tasks(page: Any, live: Live) -> None:
    page.click("nav.socialnav >> text=Assists")
    row = page.locator(f"tr[data-offer-id='{live.offer['id']}']")
    figures = {name: row.locator(f"[data-figure={name}]").inner_text() for name in ("opened", "helped", "unlocked")}
    assert figures == {"opened": "1", "helped": "2", "unlocked": "1"}
    row.locator("a").first.click()
    task = page.locator(f"tr[data-task-id='{live.task['id']}']")
    assert "2/4 helpers" in task.inner_text() and "next step at 3" in task.inner_text()
    assert task.locator("[data-field=countdown]").inner_text() == "21h 14m left"
    page.screenshot(path="/tmp/console-assist.png", full_page=True)
    page.click("a.lang-switch")
    assert task.locator("[data-field=countdown]").inner_text() == "剩余 21小时14分"
    assert "下一档需 3 人" in task.inner_text()
