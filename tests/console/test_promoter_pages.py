"""The distribution (分销) pages over HTTP: a store's program with its legal warning and its promoters' balances, one
promoter's commissions (release on the store's clock, with a countdown) and payouts, staff deciding payout requests
through the service, and tenancy.

Through the real app, with the API joining, touching, paying and confirming; runs on SQLite and on PostgreSQL (when
configured).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from console.test_marketing_pages import ORIGIN, console, ok, rows, text_of
from shopkeeper.clock import SimulatedClock
from shopkeeper.console.display import time_left, when
from shopkeeper.db import Database
from shopkeeper.scope import SYSTEM
from shopkeeper.social.distribution import service
from social.distribution import DistShop
from support import Api, Shop

EVIL = {"Origin": "https://evil.example"}


@pytest.fixture
def dist(shop: Shop, db: Database, clock: SimulatedClock) -> DistShop:
    """5% to the promoter, 1% to their recruiter (the warned opt-in), a silver level from ¥50 of released sales."""
    return DistShop(shop, db, clock, levels=[{"name": "银牌推广员", "min_sales": "50.00", "bonus_percent": "1"}],
                    levels_paid=2, second_level_opt_in=True, acknowledged_warning=True, second_level_percent="1")


def sold(dist: DistShop) -> dict[str, Any]:
    """A customer touched the promoter's link and bought the 59.90 tee: ¥3.00 frozen (5%, half-up)."""
    customer = dist.shop.new_buyer("Han Meimei")
    dist.touch(customer)
    order = dist.buy(customer)
    dist.customer = customer  # type: ignore[attr-defined]
    return dict(order)


def release_at(db: Database, promoter_id: int) -> Any:
    with db.read() as session:
        [commission] = service.list_commissions(session, SYSTEM, promoter_id, 10, None)
        return commission.release_at


def test_the_page_shows_the_program_its_second_level_warning_and_each_promoters_balances(client: TestClient,
                                                                                        dist: DistShop) -> None:
    sold(dist)
    staff = console(client, dist.shop.staff.key)
    page = ok(staff, "/promoters")
    panel = text_of(page)
    assert "the buyer's last touch within 7 day(s) wins the order" in panel
    assert "Whole store: 5% of what the line paid" in panel
    assert "银牌推广员: from ¥50.00 released sales, +1%" in panel
    assert "2 levels: the promoter's direct recruiter earns 1% on the same sale" in panel
    assert 'class="alert" data-field="legal-warning"' in page and "禁止传销条例 Art. 7" in panel
    row = rows(page, "promoter-id")[dist.promoter["id"]]
    assert row == f"#{dist.promoter['id']} {dist.promoter['code']} #{dist.promoter_buyer[0]['id']} No level yet " \
                  "¥0.00 ¥3.00 ¥0.00 ¥0.00 ¥0.00 ¥0.00"
    assert f'href="/promoters/{dist.promoter["id"]}"' in page and "style=" not in page
    zh = ok(staff, "/promoters?lang=zh")
    assert "两级：推广员的直接邀请人按同一笔成交获得 1%" in text_of(zh) and "《禁止传销条例》第七条" in text_of(zh)
    assert "暂无等级 ¥0.00 ¥3.00" in rows(zh, "promoter-id")[dist.promoter["id"]]


def test_a_store_without_a_program_says_so_and_a_one_level_program_shows_no_warning_in_red(client: TestClient, api: Api,
                                                                                          dist: DistShop) -> None:
    dist.put_program()  # one level: the recruiter is paid nothing
    other = Shop(api, rulebook="default")
    page = ok(console(client, other.staff.key), "/promoters")
    assert "The store runs no distribution program." in text_of(page) and rows(page, "promoter-id") == {}
    mine = ok(console(client, dist.shop.staff.key), "/promoters")
    assert "1 level: only the promoter who brought the buyer earns" in text_of(mine)
    assert 'class="muted small" data-field="legal-warning"' in mine


def test_a_promoters_commission_counts_down_to_its_release_on_the_stores_clock(client: TestClient, dist: DistShop) -> None:
    order = sold(dist)
    dist.clock.advance(hours=5)
    dist.ship_and_confirm(order, dist.customer)  # type: ignore[attr-defined]
    staff = console(client, dist.shop.staff.key)
    page = ok(staff, f"/promoters/{dist.promoter['id']}")
    due = release_at(dist.db, dist.promoter["id"])
    [row] = rows(page, "commission-id").values()
    left = time_left(due, dist.clock.now(), "en")
    assert left is not None
    assert row.startswith(f"{order['number']} Promoter ¥59.90 ¥3.00 ¥0.00 Frozen")
    assert row.endswith(f"{when(due, 'Asia/Shanghai')} {left.text}")
    assert f'href="/orders/{order["id"]}"' in page
    zh_left = time_left(due, dist.clock.now(), "zh")
    assert zh_left is not None and zh_left.text in text_of(ok(staff, f"/promoters/{dist.promoter['id']}?lang=zh"))
    # when the window closes the commission is released, the level reached, and no countdown is left
    dist.run_timers(days=26)
    page = ok(console(client, dist.shop.staff.key), f"/promoters/{dist.promoter['id']}")
    [row] = rows(page, "commission-id").values()
    assert "Released" in row and row.endswith("—")
    assert 'data-field="balance">¥3.00' in page and 'data-field="level">银牌推广员' in page


def test_staff_approve_and_reject_payout_requests_from_the_page(client: TestClient, dist: DistShop) -> None:
    order = sold(dist)
    dist.ship_and_confirm(order, dist.customer)  # type: ignore[attr-defined]
    dist.run_timers(days=26)
    me, path = dist.promoter_buyer[2], f"/promoters/{dist.promoter['id']}/payouts"
    first = me.post(path, {"amount": "2.00"}, expect=201)
    second = me.post(path, {"amount": "1.00"}, expect=201)
    staff = console(client, dist.shop.staff.key)
    assert "2 waiting" in rows(ok(staff, "/promoters"), "promoter-id")[dist.promoter["id"]]
    page = ok(staff, f"/promoters/{dist.promoter['id']}")
    assert f'action="{path}/{first["id"]}/approve"' in page and 'data-confirm="Pay ¥2.00 out of' in page
    # a form from elsewhere moves nothing
    assert staff.post(f"{path}/{first['id']}/approve", headers=EVIL).status_code == 403
    assert dist.figures()["balance"] == 300
    approved = staff.post(f"{path}/{first['id']}/approve", headers=ORIGIN)
    assert approved.status_code == 303 and approved.headers["location"] == f"/promoters/{dist.promoter['id']}?done=approved"
    rejected = staff.post(f"{path}/{second['id']}/reject", data={"note": "ask again after the holiday"}, headers=ORIGIN)
    assert rejected.headers["location"] == f"/promoters/{dist.promoter['id']}?done=rejected"
    assert dist.figures() == {"frozen": 0, "released": 300, "clawed_back": 0, "paid_out": 200, "balance": 100}
    assert dist.books()["commission_payable"] == 100
    after = ok(staff, approved.headers["location"])
    payouts = rows(after, "payout-id")
    assert "Paid" in payouts[first["id"]] and "Rejected" in payouts[second["id"]]
    assert "ask again after the holiday" in payouts[second["id"]]
    assert "Payout approved" in text_of(after) and 'data-action="approve"' not in after
    # a decision sent twice pays nothing twice: the request is no longer waiting
    again = staff.post(f"{path}/{first['id']}/approve?lang=zh", headers=ORIGIN)
    assert again.status_code == 409 and dist.figures()["paid_out"] == 200
    assert "提现 #" in text_of(again.text)  # the page again, in the chosen language, with its timeline


def test_the_operator_sees_every_stores_promoters_and_another_stores_staff_see_none(client: TestClient, api: Api,
                                                                                   operator_key: str, db: Database,
                                                                                   clock: SimulatedClock, dist: DistShop) -> None:
    other = DistShop(Shop(api, rulebook="default"), db, clock)
    operator = console(client, operator_key)
    page = ok(operator, "/promoters")
    assert set(rows(page, "promoter-id")) == {dist.promoter["id"], other.promoter["id"]}
    assert set(rows(ok(operator, f"/promoters?store={other.shop.store_id}"), "promoter-id")) == {other.promoter["id"]}
    ok(operator, f"/promoters/{dist.promoter['id']}")
    stranger = console(client, other.shop.staff.key)
    assert set(rows(ok(stranger, "/promoters"), "promoter-id")) == {other.promoter["id"]}
    ok(stranger, f"/promoters?store={dist.shop.store_id}", status=400)
    assert "There is no such promoter" in ok(stranger, f"/promoters/{dist.promoter['id']}", status=404)
    ok(stranger, "/promoters/999999", status=404)
    ok(stranger, "/promoters/abc", status=404)
    request = dist.promoter_buyer[2].post(f"/promoters/{dist.promoter['id']}/payouts", {"amount": "1.00"}, expect=409)
    assert request["code"] == "payout-exceeds-balance"  # nothing released yet; the form's 404 below is tenancy alone
    assert stranger.post(f"/promoters/{dist.promoter['id']}/payouts/1/approve", headers=ORIGIN).status_code == 404
    assert stranger.post(f"/promoters/{dist.promoter['id']}/payouts/1/sideways", headers=ORIGIN).status_code == 404


def test_the_nav_links_the_new_pages_in_both_languages(client: TestClient, shop: Shop) -> None:
    staff = console(client, shop.staff.key)
    page = ok(staff, "/")
    assert all(f'href="{path}"' in page for path in ("/promoters", "/rewards", "/assists"))
    assert 'aria-current="page">Promoters' in ok(staff, "/promoters")
    zh = text_of(ok(staff, "/?lang=zh"))
    assert "营销活动 拼团 分销 社区团长 直播与内容 粉丝趴 奖励活动 助力 平台红包 售后" in zh  # the social row, between marketing and after-sales


def test_signed_out_every_social_page_and_form_sends_you_to_login(client: TestClient, shop: Shop) -> None:
    buyer = console(client, shop.shopper.key)  # a buyer key opens no session
    for path in ("/promoters", "/promoters/1", "/rewards", "/rewards/1", "/assists", "/assists/1"):
        assert buyer.get(path).headers["location"] == "/login"
    for path in ("/promoters/1/payouts/1/approve", "/promoters/1/payouts/1/reject", "/rewards/1/end", "/assists/1/end"):
        answer = buyer.post(path, headers=ORIGIN)
        assert (answer.status_code, answer.headers["location"]) == (303, "/login")
