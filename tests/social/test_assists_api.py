"""Assists (邀请助力, 分享互惠, RULES.md §4.1) through the API with the simulated clock: open, help, steps, caps, expiry."""

from __future__ import annotations

import pytest

from shopkeeper.auth import Principal, Role
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.social.assists import service
from social.assists import AssistShop
from support import Shop


@pytest.fixture
def assists(shop: Shop, db: Database, clock: SimulatedClock) -> AssistShop:
    return AssistShop(shop, db, clock)


def test_each_step_grants_its_reward_once_and_the_last_completes_the_task(assists: AssistShop) -> None:
    # given a buyer's open task on the offer, shared by its code
    task = assists.open()
    assert (task["status"], task["helpers"], task["goal"], task["expires_at"]) == ("open", 0, 4, "2026-11-03T09:00:00Z")
    helpers = assists.helpers(5)

    # when four friends help, one after another (the second retried with the same key)
    first = assists.help(task["code"], helpers[0])
    assert (first["task"]["helpers"], first["granted"]) == (1, [])
    second = assists.help(task["code"], helpers[1], key="help-2")
    again = assists.help(task["code"], helpers[1], key="help-2")
    assert again == second and [g["step"] for g in second["granted"]] == [1]
    assert second["granted"][0]["coupon_id"] is None  # the helper does not see the owner's coupon
    third, fourth = assists.help(task["code"], helpers[2]), assists.help(task["code"], helpers[3])
    assert [g["step"] for g in third["granted"]] == [2] and [g["step"] for g in fourth["granted"]] == [3]

    # then the task is complete, its three rewards granted once each, and nobody helps it again
    seen = assists.task(task["code"], assists.shop.shopper)
    assert (seen["status"], seen["helpers"], seen["steps_reached"], seen["next_step_helpers"]) == ("complete", 4, 3, None)
    assert [(r["step"], r["kind"], r["status"]) for r in seen["rewards"]] == [
        (1, "coupon", "granted"), (2, "price", "granted"), (3, "free_item", "granted")]
    refused = assists.help(task["code"], helpers[4], expect=409)
    assert refused["code"] == "assist-not-open"
    coupons = assists.shop.shopper.get("/me/coupons")
    assert sorted(c["id"] for c in coupons) == sorted(r["coupon_id"] for r in seen["rewards"])
    assert assists.events(task["id"]) == ["assist.task_opened", "assist.helped", "assist.helped", "assist.reward_granted",
                                          "assist.helped", "assist.reward_granted", "assist.helped",
                                          "assist.reward_granted", "assist.task_completed"]


def test_a_price_reward_is_a_coupon_for_the_owner_alone_taking_one_tee_to_that_price(assists: AssistShop) -> None:
    # given the owner reached the price step (3 helpers); the 5-yuan coupon of step 1 is theirs too
    task = assists.open()
    for helper in assists.helpers(3):
        assists.help(task["code"], helper)
    price_coupon = assists.task(task["code"], assists.shop.shopper)["rewards"][1]["coupon_id"]

    # when the owner orders one tee with only that coupon
    shop = assists.shop
    order = shop.shopper.post("/orders", {"store_id": shop.store_id, "address_id": shop.address["id"], "coupon_ids": [price_coupon],
                                          "lines": [{"sku_id": assists.sku, "quantity": 1}]}, expect=201)

    # then the tee costs 19.90; another buyer holds no such coupon
    assert order["lines"][0]["payable"]["minor"] == 1990
    stranger = shop.new_buyer("Stranger")[2]
    assert stranger.get("/me/coupons") == []


def test_the_owner_cannot_help_their_own_task_and_a_friend_helps_only_once(assists: AssistShop) -> None:
    task = assists.open()
    assert assists.help(task["code"], assists.shop.shopper, expect=409)["code"] == "own-assist"
    friend = assists.helpers(1)[0]
    assists.help(task["code"], friend)
    assert assists.help(task["code"], friend, expect=409)["code"] == "already-helped"
    seen = assists.task(task["code"], friend)
    assert (seen["helpers"], seen["helped_by_me"], seen["allowed_actions"], seen["rewards"]) == (1, True, [], None)


def test_one_open_task_per_buyer_per_offer(assists: AssistShop) -> None:
    task = assists.open()
    assert assists.open(expect=409)["code"] == "assist-task-open"
    assert assists.shop.staff.post(f"/assists/offers/{assists.offer['id']}/tasks", expect=403)["code"] == "forbidden"
    mine = assists.shop.shopper.get("/assists/tasks")["items"]
    assert [t["id"] for t in mine] == [task["id"]]
    assert assists.helpers(1)[0].get("/assists/tasks")["items"] == []


def test_a_new_customers_offer_refuses_a_returning_buyer(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given an offer for new customers only, and a buyer who has paid an order in the store before
    assists = AssistShop(shop, db, clock, new_users_only=True)
    owner = shop.new_buyer("Owner")[2]
    task = assists.open(owner)
    returning = shop.shopper
    shop.pay(shop.order((shop.skus[1], 1)))

    # when the returning buyer helps, then a new one
    refused = assists.help(task["code"], returning, expect=409)
    helped = assists.help(task["code"], assists.helpers(1)[0])

    # then only the new customer counts
    assert refused["code"] == "assist-new-users-only"
    assert helped["task"]["helpers"] == 1


def test_a_helper_helps_at_most_the_daily_cap_of_tasks_then_again_the_next_day(assists: AssistShop) -> None:
    # given four buyers' tasks and one eager helper; the offer's cap is 3 helps a day in this store
    owners = [assists.shop.shopper] + assists.helpers(3, "owner")
    tasks = [assists.open(owner) for owner in owners]
    helper = assists.helpers(1)[0]

    # when the helper helps all four today
    for task in tasks[:3]:
        assists.help(task["code"], helper)
    refused = assists.help(tasks[3]["code"], helper, expect=409)

    # then the fourth waits for tomorrow (the store's day, Asia/Shanghai)
    assert refused["code"] == "assist-daily-cap"
    assert assists.task(tasks[3]["code"])["helpers"] == 0
    assists.clock.advance(hours=16)  # 09:00 UTC + 16 h = 09:00 the next day in Shanghai
    assert assists.help(tasks[3]["code"], helper)["task"]["helpers"] == 1


def test_expiry_ends_the_task_keeping_the_rewards_granted_and_granting_nothing_more(assists: AssistShop) -> None:
    # given a task that reached its first step (2 helpers)
    task = assists.open()
    for helper in assists.helpers(2):
        assists.help(task["code"], helper)

    # when its 24 hours run out, nobody acting
    assists.run_timers(hours=24)

    # then it has expired with its first reward, help is refused, and the owner may start again
    seen = assists.task(task["id"])
    assert (seen["status"], seen["helpers"], seen["seconds_left"]) == ("expired", 2, None)
    assert [(r["step"], r["status"]) for r in seen["rewards"]] == [(1, "granted")]
    late = assists.helpers(1)[0]
    assert assists.help(task["code"], late, expect=409)["code"] == "assist-not-open"
    assert assists.events(task["id"])[-1] == "assist.task_expired"
    assert assists.open()["status"] == "open"


def test_a_task_out_of_time_before_its_timer_fires_takes_no_help(assists: AssistShop) -> None:
    task = assists.open()
    assists.clock.advance(hours=24)
    assert assists.help(task["code"], assists.helpers(1)[0], expect=409)["code"] == "assist-not-open"
    assert assists.open()["status"] == "open"  # the old one expires on the way
    assert assists.task(task["id"])["status"] == "expired"


def test_offers_are_checked_against_the_rulebook_and_staff_see_only_their_store(assists: AssistShop) -> None:
    shop = assists.shop
    body = {"store_id": shop.store_id, "kind": "share", "name": "分享", "time_limit_hours": 24,
            "steps": [{"helpers": 1, "reward": {"kind": "free_item"}}]}
    assert "one SKU" in shop.staff.post("/assists/offers", body, expect=422)["detail"]
    steps = [{"helpers": n, "reward": {"kind": "coupon", "template_id": assists.template["id"]}} for n in range(1, 7)]
    assert "steps" in shop.staff.post("/assists/offers", {**body, "steps": steps}, expect=422)["detail"]
    assert "POST /pools/offers" in shop.staff.post("/assists/offers", {**body, "kind": "pool"}, expect=422)["detail"]
    other = Shop(shop.operator, rulebook="tmall")
    assert other.staff.get(f"/assists/offers/{assists.offer['id']}", expect=404)["code"] == "not-found"
    assert other.staff.get("/assists/offers")["items"] == []
    ended = shop.staff.post(f"/assists/offers/{assists.offer['id']}/end")
    assert ended["status"] == "ended"
    assert assists.open(expect=404)["code"] == "not-found"  # buyers see active offers only


def test_the_board_lists_an_offer_s_open_tasks_soonest_expiry_first_with_progress(assists: AssistShop) -> None:
    first = assists.open()
    assists.clock.advance(hours=1)
    second = assists.open(assists.helpers(1, "owner")[0])
    for helper in assists.helpers(2):
        assists.help(second["code"], helper)
    staff = Principal(Role.STAFF, 0, store_id=assists.shop.store_id)
    with assists.db.read() as session:
        offer, rows = service.offer_board(session, assists.clock.now(), staff, assists.offer["id"])
        board = [(r.task.id, r.progress.helpers, r.progress.steps_reached, r.rewards_granted, r.progress.seconds_left)
                 for r in rows]
    assert offer.id == assists.offer["id"]
    assert board == [(first["id"], 0, 0, 0, 23 * 3600), (second["id"], 2, 1, 1, 24 * 3600)]
