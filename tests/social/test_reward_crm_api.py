"""免费试用, 签到抽奖 and 先领卡再购买 through the API on the simulated clock: a trial's winners drawn when it ends, up to
its units, each one free unit at checkout; a check-in that is a draw, once a store day, within the budget; a card
whose coupon prices only the orders of buyers who claimed it first."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shopkeeper import timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.events import Event
from shopkeeper.social.rewards import rules
from social.rewards import books, claim, program
from support import START, Shop


def test_a_free_trial_draws_its_winners_at_the_end_and_each_gets_one_unit_free(shop: Shop, db: Database,
                                                                               clock: SimulatedClock) -> None:
    # given a trial of 2 units of the red tee (59.90) for a day, its coupon taking one tee's price off that SKU
    sku = shop.skus[0]
    free_tee = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "试用装", "kind": "cash", "amount_off": "59.90",
                                            "scope": {"level": "sku", "ids": [sku]}, "open_ended": True, "valid_days": 7, "code": "TRIAL-TEE"},
                               expect=201)
    trial = program(shop, "trial", terms={"sku_id": sku, "units": 2}, reward={"type": "coupon", "template_id": free_tee["id"]},
                    ends_at=(START + timedelta(days=1)).isoformat())
    assert trial["budget_count"] == 2
    # and a coupon that does not cover the trial's SKU cannot be its reward
    other_sku = program(shop, "trial", terms={"sku_id": shop.skus[1], "units": 2}, expect=422,
                        reward={"type": "coupon", "template_id": free_tee["id"]}, ends_at=(START + timedelta(days=1)).isoformat())
    assert other_sku["code"] == "invalid-input"
    # when three buyers apply (the first twice)
    buyers = [shop.new_buyer(f"applicant {n}") for n in range(3)]
    applied = [claim(shop, trial["id"], who) for _, _, who in buyers]
    assert {a["reward_type"] for a in applied} == {"none"}
    assert claim(shop, trial["id"], buyers[0][2], expect=409)["code"] == "already-rewarded"
    # then nothing is drawn before the window ends
    timers.run_due_timers(db, clock)
    assert shop.staff.get("/rewards/draws", params={"program_id": trial["id"]})["items"] == []
    # when the window ends and its timer fires (twice: the second finds it drawn)
    clock.advance(days=1)
    assert claim(shop, trial["id"], shop.shopper, expect=409)["code"] == "reward-unavailable"
    timers.run_due_timers(db, clock)
    timers.run_due_timers(db, clock)
    # then every applicant has one recorded draw; replaying the seeds, the two lowest rolls won, and no one else
    drawn = shop.staff.get("/rewards/draws", params={"program_id": trial["id"]})["items"]
    assert len(drawn) == 3
    rolls = {d["buyer_id"]: rules.draw(d["seed"], [])[0] for d in drawn}
    assert rolls == {d["buyer_id"]: d["roll"] for d in drawn}
    winners = {d["buyer_id"] for d in drawn if d["outcome"] == "won"}
    assert winners == set(rules.trial_winners(rolls, 2))
    seen = shop.staff.get(f"/rewards/programs/{trial['id']}")
    assert (seen["status"], seen["spent_count"]) == ("ended", 2)
    with db.read() as session:
        asked = session.scalars(select(Event).where(Event.type == "reward.review_asked")).all()
        assert {e.data["buyer_id"] for e in asked} == winners
    # when a winner orders one tee: it is free (the store funds it), the stock moves by one, the books balance
    buyer, address, shopper = next(b for b in buyers if b[0]["id"] in winners)
    before = shop.stock(sku)["available"]
    order = shop.order((sku, 1), shopper=shopper, address=address)
    assert order["discount"]["minor"] == 5990
    shop.pay(order, shopper)
    assert shop.stock(sku)["available"] == before - 1
    books(db, shop.store_id)
    # and a loser's order pays the full price
    _, loser_address, loser = next(b for b in buyers if b[0]["id"] not in winners)
    assert shop.order((sku, 1), shopper=loser, address=loser_address)["discount"]["minor"] == 0


def test_a_check_in_lottery_draws_once_a_store_day_and_never_overspends(shop: Shop, clock: SimulatedClock) -> None:
    # given a check-in lottery whose one prize (10 points) always lands, with a budget of 2 grants
    daily = program(shop, "check_in_lottery", budget_count=2, prizes=[
        {"name": "10积分", "odds_ppm": 1_000_000, "stock": 10, "reward": {"type": "points", "points": 10}}])
    assert shop.shopper.get(f"/rewards/programs/{daily['id']}")["allowed_actions"] == ["draw"]
    assert claim(shop, daily["id"], expect=409)["code"] == "reward-unavailable"
    # when the buyer checks in, and again the same store day
    first = shop.shopper.post(f"/rewards/programs/{daily['id']}/draw", expect=201)
    again = shop.shopper.post(f"/rewards/programs/{daily['id']}/draw", expect=409)
    # then the first is a won draw for today; the second is refused
    assert (first["outcome"], first["trigger"]) == ("won", "day:2026-11-02")
    assert again["code"] == "already-rewarded"
    # when another buyer wins the budget's second grant, and the first buyer checks in the next store day
    other = shop.new_buyer("Han Meimei")[2]
    assert other.post(f"/rewards/programs/{daily['id']}/draw", expect=201)["outcome"] == "won"
    clock.advance(days=1)
    late = shop.shopper.post(f"/rewards/programs/{daily['id']}/draw", expect=201)
    # then that draw is recorded but the budget is spent: no prize, and the prize's stock is untouched past 2
    assert (late["outcome"], late["prize_id"]) == ("budget_spent", None)
    seen = shop.staff.get(f"/rewards/programs/{daily['id']}")
    assert (seen["spent_count"], seen["prizes"][0]["awarded"]) == (2, 2)
    assert shop.shopper.get(f"/buyers/{shop.buyer['id']}/points")["balance"] == 10


def test_a_cards_coupon_prices_only_the_orders_of_buyers_who_claimed_it_first(shop: Shop, db: Database) -> None:
    # given a 新客卡 of which one card is left: its coupon takes 10.00 off the store's orders
    ten_off = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "新客卡 10元", "kind": "cash", "amount_off": "10",
                                           "open_ended": True, "valid_days": 30, "code": "NEW-CARD"}, expect=201)
    card = program(shop, "card", name="新客卡", terms={"cards": 1}, reward={"type": "coupon", "template_id": ten_off["id"]})
    assert card["budget_count"] == 1
    assert program(shop, "card", terms={"cards": 1}, reward={"type": "points", "points": 5}, expect=422)["code"] == \
        "invalid-input"
    # and a coupon any buyer may claim by themselves cannot be a card's: the benefit would not need the card
    public = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "满减", "kind": "cash", "amount_off": "10",
                                          "open_ended": True, "valid_days": 30}, expect=201)
    assert program(shop, "card", terms={"cards": 1}, reward={"type": "coupon", "template_id": public["id"]},
                   expect=422)["code"] == "invalid-input"
    # when a buyer orders before claiming the card
    before = shop.order((shop.skus[0], 1))
    # then there is no benefit
    assert before["discount"]["minor"] == 0
    # when they claim the card (once), and another buyer finds none left
    claimed = claim(shop, card["id"])
    assert claim(shop, card["id"], expect=409)["code"] == "already-rewarded"
    _, other_address, other = shop.new_buyer("Han Meimei")
    assert claim(shop, card["id"], other, expect=409)["code"] == "reward-budget-spent"
    # then the card holder's next order is 10.00 off, through the card's coupon; the other buyer's is not
    after = shop.order((shop.skus[0], 1))
    assert after["discount"]["minor"] == 1000 and claimed["coupon_id"] is not None
    assert shop.order((shop.skus[0], 1), shopper=other, address=other_address)["discount"]["minor"] == 0
    shop.pay(after)
    books(db, shop.store_id)


def test_a_trial_winner_whose_coupon_cannot_be_issued_passes_the_unit_on(shop: Shop, db: Database,
                                                                          clock: SimulatedClock) -> None:
    # given a one-unit trial whose coupon (one per buyer) the first applicant already holds
    sku = shop.skus[1]
    free_tee = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "试用装", "kind": "cash", "amount_off": "65",
                                            "scope": {"level": "sku", "ids": [sku]}, "open_ended": True, "valid_days": 7, "code": "TRIAL-BLUE"},
                               expect=201)
    shop.shopper.post("/coupon-codes/claim", {"code": "TRIAL-BLUE"}, expect=201)
    trial = program(shop, "trial", terms={"sku_id": sku, "units": 1}, reward={"type": "coupon", "template_id": free_tee["id"]},
                    ends_at=(START + timedelta(hours=2)).isoformat())
    other, _, other_shopper = shop.new_buyer("Han Meimei")
    claim(shop, trial["id"])
    claim(shop, trial["id"], other_shopper)
    # when the trial ends and is drawn
    clock.advance(hours=2)
    timers.run_due_timers(db, clock)
    # then the other applicant won the one unit, whatever the first one rolled; the first got nothing more
    outcomes = {d["buyer_id"]: d["outcome"] for d in shop.staff.get("/rewards/draws", params={"program_id": trial["id"]})["items"]}
    assert outcomes[other["id"]] == "won" and outcomes[shop.buyer["id"]] in ("no_prize", "out_of_stock")
    assert shop.staff.get(f"/rewards/programs/{trial['id']}")["spent_count"] == 1
