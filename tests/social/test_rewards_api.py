"""Reward programs through the API on the simulated clock: check in once a day, follow and favourite once, red packets
grabbed once each and summing to the pool, a lottery drawn at payment and auditable, cash back after completion."""

from __future__ import annotations

import random

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.social.rewards import rules
from social.rewards import books, claim, program
from support import Shop


def test_a_buyer_checks_in_once_a_day_by_the_stores_calendar(shop: Shop, clock: SimulatedClock) -> None:
    # given a check-in program giving 10 points, at most 2 per buyer (it is 17:00 in Shanghai)
    checkin = program(shop, "check_in", reward={"type": "points", "points": 10}, per_person_limit=2)
    assert shop.shopper.get(f"/rewards/programs/{checkin['id']}")["allowed_actions"] == ["claim"]
    # when the buyer checks in, and again at 23:00
    first = claim(shop, checkin["id"])
    clock.advance(hours=6)
    again = claim(shop, checkin["id"], expect=409)
    # then the first grants 10 points for today; the second is refused as rewarded already
    assert (first["reward_type"], first["points"], first["trigger"]) == ("points", 10, "day:2026-11-02")
    assert again["code"] == "already-rewarded"
    # when the store's next day begins (midnight in Shanghai), the buyer checks in again; a third day is over the limit
    clock.advance(hours=1)
    assert claim(shop, checkin["id"])["trigger"] == "day:2026-11-03"
    clock.advance(days=1)
    assert claim(shop, checkin["id"], expect=409)["code"] == "reward-limit-reached"
    assert shop.shopper.get(f"/buyers/{shop.buyer['id']}/points")["balance"] == 20
    assert shop.staff.get(f"/rewards/programs/{checkin['id']}")["spent_count"] == 2


def test_following_the_store_earns_its_coupon_once_and_favouriting_once_per_product(shop: Shop) -> None:
    # given a follow program giving a 5-yuan coupon, and a favourite program giving points for the tee
    coupon = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "关注送5元", "kind": "cash", "amount_off": "5",
                                          "open_ended": True, "valid_days": 30, "per_buyer_limit": 5}, expect=201)
    follow = program(shop, "follow", reward={"type": "coupon", "template_id": coupon["id"]})
    favourite = program(shop, "favourite", reward={"type": "points", "points": 5},
                        terms={"product_ids": [shop.product["id"]]})
    # when the buyer follows the store and claims twice, and favourites the tee twice and another product once
    shop.shopper.call("PUT", f"/stores/{shop.store_id}/follow")
    granted = claim(shop, follow["id"])
    assert claim(shop, follow["id"], expect=409)["code"] == "already-rewarded"
    assert claim(shop, favourite["id"], product_id=shop.product["id"])["trigger"] == f"product:{shop.product['id']}"
    assert claim(shop, favourite["id"], product_id=shop.product["id"], expect=409)["code"] == "already-rewarded"
    assert claim(shop, favourite["id"], product_id=999, expect=422)["code"] == "invalid-input"
    # then the buyer holds the one coupon, and the store sees both grants
    mine = shop.shopper.get("/me/coupons")
    assert [c["id"] for c in mine] == [granted["coupon_id"]]
    assert len(shop.staff.get("/rewards/grants")["items"]) == 2
    # and another store's coupon cannot be a program's reward
    assert program(shop, "follow", reward={"type": "coupon", "template_id": 999}, expect=404)["code"] == "not-found"


def test_red_packets_go_one_to_each_buyer_and_add_up_to_the_pool(shop: Shop, db: Database) -> None:
    # given a pool of 10.00 in 3 packets of at least 1.00, funded from the store's balance
    pool = program(shop, "red_packet", terms={"total_minor": 1000, "packets": 3, "min_minor": 100})
    assert (pool["budget_count"], pool["budget"]["minor"]) == (3, 1000)
    buyers = [shop.new_buyer(f"buyer {n}") for n in range(4)]
    # when four buyers grab, the first twice
    grabbed = [claim(shop, pool["id"], shopper) for _, _, shopper in buyers[:3]]
    assert claim(shop, pool["id"], buyers[0][2], expect=409)["code"] == "already-rewarded"
    late = claim(shop, pool["id"], buyers[3][2], expect=409)
    # then three packets went out, each at least 1.00, summing to exactly 10.00; the fourth found none left
    amounts = [g["amount"]["minor"] for g in grabbed]
    assert sum(amounts) == 1000 and min(amounts) >= 100 and late["code"] == "reward-budget-spent"
    seen = shop.staff.get(f"/rewards/programs/{pool['id']}")
    assert (seen["spent_count"], seen["spent"]["minor"]) == (3, 1000)
    # and the money moved out of the store's balance to the buyers, balanced
    sums = books(db, shop.store_id)
    assert (sums["store_balance"], sums["provider"]) == (-1000, 1000)


def test_an_order_over_the_threshold_earns_a_draw_that_anyone_may_replay(shop: Shop, db: Database) -> None:
    # given a lottery for paid orders of 50.00 or more: a 2-yuan credit at 50%, one in stock
    lottery = program(shop, "lottery", terms={"threshold_minor": 5000}, prizes=[
        {"name": "2元红包", "odds_ppm": 500_000, "stock": 1, "reward": {"type": "credit", "amount_minor": 200}}])
    # when the buyer pays three orders of 59.90
    for _ in range(3):
        shop.pay(shop.order((shop.skus[0], 1)))
    with db.read() as session:
        from sqlalchemy import select

        from shopkeeper.social.rewards.models import LotteryDraw
        draw_ids = list(session.scalars(select(LotteryDraw.id).order_by(LotteryDraw.id)))
    assert len(draw_ids) == 3
    # then each draw shows its seed, odds and roll; replaying the seed gives the same roll and prize
    draws = [shop.shopper.get(f"/rewards/draws/{d}") for d in draw_ids]
    for d in draws:
        roll, landed = rules.draw(d["seed"], [rules.Odds(p, ppm) for p, ppm in d["odds"]])
        assert (roll, landed) == (d["roll"], d["drawn_prize_id"])
        assert d["outcome"] in ("won", "no_prize", "out_of_stock")
        assert (d["outcome"] == "won") == (d["prize_id"] is not None)
    # and the one prize in stock went out at most once; another buyer may not see the draws
    assert sum(d["outcome"] == "won" for d in draws) <= 1
    assert shop.new_buyer("Nosy")[2].get(f"/rewards/draws/{draw_ids[0]}", expect=404)["code"] == "not-found"
    prizes = shop.staff.get(f"/rewards/programs/{lottery['id']}")["prizes"]
    assert prizes[0]["awarded"] == sum(d["outcome"] == "won" for d in draws)
    books(db, shop.store_id)


def test_a_seeded_draw_is_reproducible(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given a lottery, and a seed whose roll lands on the prize
    lottery = program(shop, "lottery", prizes=[
        {"name": "10积分", "odds_ppm": 300_000, "stock": 5, "reward": {"type": "points", "points": 10}}])
    seed = next(s for s in (f"s{n}" for n in range(100)) if random.Random(s).randrange(rules.PPM) < 300_000)
    from shopkeeper.social.rewards import draws
    from shopkeeper.social.rewards.models import RewardProgram
    with db.transaction() as session:
        row = session.get(RewardProgram, lottery["id"])
        assert row is not None
        drawn = draws.draw(session, clock.now(), row, shop.buyer["id"], "test:1", seed=seed)
        draw_id = drawn.id
    # then the draw won the prize, and says so with its seed
    seen = shop.staff.get(f"/rewards/draws/{draw_id}")
    assert (seen["seed"], seen["outcome"], seen["prize_id"]) == (seed, "won", seen["odds"][0][0])
    assert shop.shopper.get(f"/buyers/{shop.buyer['id']}/points")["balance"] == 10


def test_cash_back_is_credited_when_the_order_completes_and_not_before(shop: Shop, db: Database) -> None:
    # given 5% cash back up to 2.00 on completed orders
    program(shop, "cash_back", terms={"percent_bp": 500, "cap_minor": 200})
    order = shop.order((shop.skus[0], 1))
    shop.pay(order)
    assert shop.shopper.get("/rewards/grants")["items"] == []
    # when it ships and the buyer confirms receipt
    shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "SF", "tracking_number": f"SF{order['id']:010d}"})
    shop.shopper.post(f"/orders/{order['id']}/receipt")
    # then 5% of 59.90 (2.99) is capped at 2.00, credited from the store's balance
    grants = shop.shopper.get("/rewards/grants")["items"]
    assert [(g["reward_type"], g["amount"]["minor"], g["order_id"]) for g in grants] == [("credit", 200, order["id"])]
    sums = books(db, shop.store_id)
    assert sums["store_balance"] == order["total"]["minor"] - 200


def test_only_the_owner_ends_a_program_and_nothing_is_granted_after(shop: Shop) -> None:
    checkin = program(shop, "check_in", reward={"type": "points", "points": 1})
    assert shop.shopper.post(f"/rewards/programs/{checkin['id']}/end", expect=403)["code"] == "forbidden"
    ended = shop.staff.post(f"/rewards/programs/{checkin['id']}/end")
    assert (ended["status"], ended["allowed_actions"]) == ("ended", [])
    assert claim(shop, checkin["id"], expect=404)["code"] == "not-found"


def test_a_review_of_a_completed_order_line_earns_its_reward_once(shop: Shop) -> None:
    # given a review program giving 20 points, and the buyer's order, paid and shipped
    review = program(shop, "review", reward={"type": "points", "points": 20})
    order = shop.order((shop.skus[0], 1))
    shop.pay(order)
    shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "SF", "tracking_number": f"SF{order['id']:010d}"})
    line = {"order_id": order["id"], "sku_id": shop.skus[0]}
    # when the buyer claims before receipt, then after, then again
    early = claim(shop, review["id"], expect=409, **line)
    shop.shopper.post(f"/orders/{order['id']}/receipt")
    granted = claim(shop, review["id"], **line)
    again = claim(shop, review["id"], expect=409, **line)
    # then only the claim on the completed order grants, once for the line; another buyer's claim finds no such order
    assert early["code"] == "reward-unavailable" and again["code"] == "already-rewarded"
    assert (granted["points"], granted["trigger"]) == (20, f"line:{order['id']}:{shop.skus[0]}")
    assert claim(shop, review["id"], shop.new_buyer("Other")[2], expect=404, **line)["code"] == "not-found"


def test_an_order_paid_on_the_hour_is_free_when_it_completes_within_the_count_budget(shop: Shop, db: Database,
                                                                                     clock: SimulatedClock) -> None:
    # given 整点免单: orders paid in the first minute of 18:00 (Shanghai) are free up to 50.00, two winners at most
    program(shop, "free_order", terms={"hours": [18], "minutes": 1, "cap_minor": 5000}, budget_count=2)
    clock.advance(minutes=59, seconds=30)  # 17:59:30 in Shanghai
    early = shop.order((shop.skus[0], 1))
    shop.pay(early)
    clock.advance(seconds=40)  # 18:00:10
    orders = [shop.order((shop.skus[0], 1)) for _ in range(3)]
    for order in orders:
        shop.pay(order)
    # when every order ships and completes
    for order in [early, *orders]:
        shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "SF", "tracking_number": f"SF{order['id']:010d}"})
        shop.shopper.post(f"/orders/{order['id']}/receipt")
    # then the first two paid on the hour get 50.00 back each; the third found the budget spent, the early one nothing
    grants = shop.shopper.get("/rewards/grants")["items"]
    assert sorted((g["order_id"], g["amount"]["minor"]) for g in grants) == [(orders[0]["id"], 5000), (orders[1]["id"], 5000)]
    assert books(db, shop.store_id)["store_balance"] == sum(o["total"]["minor"] for o in [early, *orders]) - 10000


def test_the_console_board_shows_budget_spent_and_left(shop: Shop, db: Database) -> None:
    from shopkeeper.scope import SYSTEM
    from shopkeeper.social.rewards import figures as reward_figures
    pool = program(shop, "red_packet", terms={"total_minor": 900, "packets": 3, "min_minor": 100})
    claim(shop, pool["id"])
    with db.read() as session:
        [figures] = reward_figures.board(session, SYSTEM, shop.store_id)
    assert (figures.grants, figures.buyers, figures.count_left) == (1, 1, 2)
    assert figures.money_left == 900 - figures.program.spent_minor and figures.program.spent_minor >= 100
    assert len(shop.shopper.get("/rewards/draws")["items"]) == 0


def test_a_platform_program_is_the_operators_and_pays_money_only_on_an_orders_store(shop: Shop, db: Database) -> None:
    base = {"kind": "check_in", "name": "平台签到", "starts_at": "2026-11-01T00:00:00Z", "currency": "CNY"}
    # a store's staff may not start a platform program; the operator may not pay a check-in in money
    assert shop.staff.post("/rewards/programs", {**base, "reward": {"type": "points", "points": 1}}, expect=403)["code"] == "forbidden"
    refused = shop.operator.post("/rewards/programs", {**base, "reward": {"type": "credit", "amount_minor": 100}}, expect=422)
    assert refused["code"] == "invalid-input"
    # a platform check-in in points works for any buyer; a platform cash back is paid from the platform's account
    checkin = shop.operator.post("/rewards/programs", {**base, "reward": {"type": "points", "points": 3}}, expect=201)
    assert claim(shop, checkin["id"])["points"] == 3
    shop.operator.post("/rewards/programs", {"kind": "cash_back", "name": "平台返现", "starts_at": "2026-11-01T00:00:00Z",
                                             "currency": "CNY", "terms": {"percent_bp": 100}}, expect=201)
    order = shop.order((shop.skus[0], 1))
    shop.pay(order)
    shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "SF", "tracking_number": f"SF{order['id']:010d}"})
    shop.shopper.post(f"/orders/{order['id']}/receipt")
    back = order["total"]["minor"] // 100
    sums = books(db, shop.store_id)
    assert (sums["platform_subsidy"], sums["store_balance"]) == (-back, order["total"]["minor"])


def test_an_invitees_first_paid_order_earns_the_inviter_the_reward_once(shop: Shop) -> None:
    # given 邀请有礼: 8 points to the inviter when the invitee pays an order of 50.00 or more
    invite = program(shop, "invite", reward={"type": "points", "points": 8}, terms={"threshold_minor": 5000})
    friend, friend_address, friend_api = shop.new_buyer("Han Meimei")
    # when the friend says Li Lei invited them (once; nobody invites themselves), then pays two orders
    said = friend_api.post(f"/rewards/programs/{invite['id']}/invitations", {"inviter_id": shop.buyer["id"]}, expect=201)
    assert said["rewarded_at"] is None
    again = friend_api.post(f"/rewards/programs/{invite['id']}/invitations", {"inviter_id": shop.buyer["id"]}, expect=409)
    oneself = shop.shopper.post(f"/rewards/programs/{invite['id']}/invitations", {"inviter_id": shop.buyer["id"]}, expect=422)
    assert (again["code"], oneself["code"]) == ("already-rewarded", "invalid-input")
    for _ in range(2):
        shop.pay(shop.order((shop.skus[0], 1), shopper=friend_api, address=friend_address), friend_api)
    # then Li Lei got the 8 points once, for this invitee
    grants = shop.shopper.get("/rewards/grants")["items"]
    assert [(g["buyer_id"], g["points"], g["trigger"]) for g in grants] == [(shop.buyer["id"], 8, f"invitee:{friend['id']}")]
    assert friend_api.get("/rewards/grants")["items"] == []
