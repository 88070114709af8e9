"""The reward-program pages over HTTP: each program's kind, status, budget used and left, per-person cap and grants; a
lottery's prize pool, odds and draws (seed and roll, replayable); ending a program from the page; tenancy.

Through the real app, with the API creating programs, claiming and paying; runs on SQLite and on PostgreSQL (when
configured).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from console.test_marketing_pages import ORIGIN, console, ok, rows, text_of
from shopkeeper import timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.social.rewards import rules
from social.rewards import claim, program
from support import START, Api, Shop


@pytest.fixture
def staff(client: TestClient, shop: Shop) -> TestClient:
    return console(client, shop.staff.key)


def test_the_board_shows_kind_status_budget_used_and_left_the_cap_and_grants(staff: TestClient, shop: Shop) -> None:
    pool = program(shop, "red_packet", name="双12红包", terms={"total_minor": 900, "packets": 3, "min_minor": 100})
    checkin = program(shop, "check_in", name="每日签到", reward={"type": "points", "points": 10}, per_person_limit=2)
    grabbed = claim(shop, pool["id"])["amount"]["minor"]
    claim(shop, checkin["id"])
    page = ok(staff, "/rewards")
    found = rows(page, "program-id")
    packets = found[pool["id"]]
    assert packets.startswith("双12红包 Red packets (红包) Active 2026-11-02 17:00 – no end")
    assert "1 of 3 grants, 2 left" in packets and "no cap 1 to 1 buyer(s)" in packets
    left = f"¥{(900 - grabbed) / 100:.2f}"
    assert f"¥{grabbed / 100:.2f} of ¥9.00, {left} left" in packets
    assert '<progress class="budget" value="1" max="3">' in page
    assert found[checkin["id"]] == "每日签到 Check-in gift (签到有礼) Active 2026-11-02 17:00 – no end No budget cap 2 1 to 1 buyer(s) End program"
    assert list(found) == [checkin["id"], pool["id"]] and "style=" not in page
    # one program's page: its terms, reward and the grant
    detail = ok(staff, f"/rewards/{checkin['id']}")
    assert 'data-field="reward">10 points' in detail and 'data-field="per-person">2' in detail
    [grant] = rows(detail, "grant-id").values()
    assert f"#{shop.buyer['id']} day:2026-11-02 10 points —" in grant
    assert "Pool ¥9.00 Packets 3 Smallest packet ¥1.00" in text_of(ok(staff, f"/rewards/{pool['id']}"))
    # and in Chinese (the choice is remembered)
    zh = rows(ok(staff, "/rewards?lang=zh"), "program-id")
    assert "红包 进行中" in zh[pool["id"]] and "已发放 1/3 次，剩余 2 次" in zh[pool["id"]]
    assert "签到有礼" in zh[checkin["id"]] and "不限预算 2 1 次，1 位买家" in zh[checkin["id"]]


def test_a_lottery_shows_its_prize_pool_odds_and_every_draw_with_the_seed_that_replays_it(staff: TestClient,
                                                                                         shop: Shop) -> None:
    lottery = program(shop, "lottery", name="满50抽奖", terms={"threshold_minor": 5000}, prizes=[
        {"name": "2元红包", "odds_ppm": 250_000, "stock": 1, "reward": {"type": "credit", "amount_minor": 200}},
        {"name": "10积分", "odds_ppm": 250_000, "stock": 5, "reward": {"type": "points", "points": 10}}])
    for _ in range(3):
        shop.pay(shop.order((shop.skus[0], 1)))
    page = ok(staff, f"/rewards/{lottery['id']}")
    prizes = list(rows(page, "prize-id").values())
    recorded = {p["id"]: p for p in shop.staff.get(f"/rewards/programs/{lottery['id']}")["prizes"]}
    awarded = [p["awarded"] for p in recorded.values()]
    assert prizes == [f"2元红包 25% 1 {awarded[0]} {1 - awarded[0]} ¥2.00 credited",
                      f"10积分 25% 5 {awarded[1]} {5 - awarded[1]} 10 points"]
    assert "No prize: 50%." in text_of(page) and "Spend at least ¥50.00" in text_of(page)
    shown = rows(page, "draw-id")
    draws = shop.staff.get(f"/rewards/draws?program_id={lottery['id']}")["items"]
    assert len(draws) == 3 and set(shown) == {d["id"] for d in draws}
    words = {"won": "Won", "no_prize": "No prize", "out_of_stock": "Prize gone"}
    for d in draws:
        roll, landed = rules.draw(d["seed"], [rules.Odds(p, ppm) for p, ppm in d["odds"]])
        assert (roll, landed) == (d["roll"], d["drawn_prize_id"])  # the record replays
        assert f"2元红包 25%; 10积分 25% {d['seed']} {d['roll']} {words[d['outcome']]}" in shown[d["id"]]
    assert len(rows(page, "grant-id")) == sum(d["outcome"] == "won" for d in draws)
    zh = text_of(ok(staff, f"/rewards/{lottery['id']}?lang=zh"))
    assert "满就抽奖" in zh and "奖池" in zh and "未中奖概率：50%。" in zh and "种子" in zh


def test_ending_a_program_from_its_page(staff: TestClient, shop: Shop) -> None:
    checkin = program(shop, "check_in", name="每日签到", reward={"type": "points", "points": 10})
    path = f"/rewards/{checkin['id']}"
    page = ok(staff, path)
    assert f'action="{path}/end"' in page and 'data-confirm="End the program “每日签到”?' in page
    assert staff.post(f"{path}/end", headers={"Origin": "https://evil.example"}).status_code == 403
    assert shop.staff.get(f"/rewards/programs/{checkin['id']}")["status"] == "active"
    ended = staff.post(f"{path}/end", headers=ORIGIN)
    assert ended.status_code == 303 and ended.headers["location"] == f"{path}?done=ended"
    assert shop.staff.get(f"/rewards/programs/{checkin['id']}")["status"] == "ended"
    after = ok(staff, ended.headers["location"])
    assert "Program ended: nothing more is granted." in text_of(after) and f'action="{path}/end"' not in after
    assert claim(shop, checkin["id"], expect=404)["code"] == "not-found"  # buyers see active programs only
    again = staff.post(f"{path}/end?lang=zh", headers=ORIGIN)
    assert again.status_code == 409 and "已结束" in text_of(again.text)


def test_the_operator_sees_every_store_and_the_platform_staff_only_theirs(client: TestClient, api: Api, operator_key: str,
                                                                         shop: Shop) -> None:
    mine = program(shop, "check_in", reward={"type": "points", "points": 1})
    other = Shop(api, rulebook="default")
    theirs = program(other, "check_in", reward={"type": "points", "points": 1})
    platform = shop.operator.post("/rewards/programs", {"kind": "check_in", "name": "平台签到", "currency": "CNY",
                                                        "starts_at": START.isoformat(),
                                                        "reward": {"type": "points", "points": 3}}, expect=201)
    operator = console(client, operator_key)
    page = ok(operator, "/rewards")
    assert set(rows(page, "program-id")) == {mine["id"], theirs["id"], platform["id"]}
    assert 'data-owner-panel="platform"' in page
    assert set(rows(ok(operator, "/rewards?store=platform"), "program-id")) == {platform["id"]}
    staff = console(client, shop.staff.key)
    assert set(rows(ok(staff, "/rewards"), "program-id")) == {mine["id"]}
    ok(staff, "/rewards?store=platform", status=400)
    ok(staff, f"/rewards?store={other.store_id}", status=400)
    assert "There is no such reward program" in ok(staff, f"/rewards/{theirs['id']}", status=404)
    ok(staff, "/rewards/999999", status=404)
    assert staff.post(f"/rewards/{theirs['id']}/end", headers=ORIGIN).status_code == 404
    # the platform's program is shown to staff (its grants reach their store), but it is the operator's to end
    seen = ok(staff, f"/rewards/{platform['id']}")
    assert "Platform" in text_of(seen) and 'data-action="end-program"' not in seen
    assert staff.post(f"/rewards/{platform['id']}/end", headers=ORIGIN).status_code == 403
    assert 'data-action="end-program"' in ok(operator, f"/rewards/{platform['id']}")


def test_a_trial_and_a_card_show_their_terms_applicants_and_draws_in_both_languages(client: TestClient, shop: Shop,
                                                                                    clock: SimulatedClock, db: Database) -> None:
    # given a trial of one tee with two applicants, drawn at its end, and a card of which one of 50 is claimed
    coupon = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "试用装", "kind": "cash", "amount_off": "59.90",
                                          "scope": {"level": "sku", "ids": [shop.skus[0]]}, "open_ended": True,
                                          "valid_days": 7, "code": "TRIAL-TEE"}, expect=201)
    trial = program(shop, "trial", name="新茶试用", terms={"sku_id": shop.skus[0], "units": 1},
                    reward={"type": "coupon", "template_id": coupon["id"]}, ends_at=(START + timedelta(days=1)).isoformat())
    ten_off = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "新客卡 10元", "kind": "cash", "amount_off": "10",
                                           "open_ended": True, "valid_days": 30, "code": "NEW-CARD"}, expect=201)
    card = program(shop, "card", name="新客卡", terms={"cards": 50}, reward={"type": "coupon", "template_id": ten_off["id"]})
    claim(shop, trial["id"])
    claim(shop, trial["id"], shop.new_buyer("Han Meimei")[2])
    claim(shop, card["id"])
    page = text_of(ok(console(client, shop.staff.key), f"/rewards/{trial['id']}"))
    assert f"Trial SKU {shop.skus[0]} Trial units 1" in page and "Applicants 2 applied for 1 unit(s)" in page
    assert "the 1 lowest rolls win" in page and "No draws yet." in page
    assert page.count("apply applied (the draw decides)") == 2
    clock.advance(days=1)
    timers.run_due_timers(db, clock)
    staff = console(client, shop.staff.key)  # signed in again: a console session lasts less than the day gone by
    # then the trial's page shows each applicant's draw, seed and roll, one won
    drawn = rows(ok(staff, f"/rewards/{trial['id']}"), "draw-id")
    assert len(drawn) == 2 and sum(" Won" in line for line in drawn.values()) == 1
    # and the card's page its cards claimed and left, and who gets the benefit
    shown = text_of(ok(staff, f"/rewards/{card['id']}"))
    assert "Cards 50" in shown and "1 of 50 grants, 49 left" in shown and "claimed the card before buying" in shown
    # and in Chinese
    zh = text_of(ok(staff, f"/rewards/{trial['id']}?lang=zh"))
    assert "免费试用" in zh and "试用份数 1" in zh and "2 人申请，共 1 份" in zh and "中奖" in zh
    assert "先领卡再购买" in text_of(ok(staff, f"/rewards/{card['id']}?lang=zh"))
