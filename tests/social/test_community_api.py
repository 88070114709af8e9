"""Community group buying (社区团购, RULES.md §4.1) through the API on the simulated clock: orders through a leader
gather per wave, the pick list sums to the orders, delivery, pickup by code, the leader's commission frozen at pickup
and released when the after-sales window closes, and what happens to orders nobody collects."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.money import Money
from shopkeeper.orders import service as orders
from shopkeeper.scope import SYSTEM
from social.community import CommunityShop
from support import Shop


@pytest.fixture
def town(shop: Shop, db: Database, clock: SimulatedClock) -> CommunityShop:
    return CommunityShop(shop, db, clock)


def _units(lines: list[dict[str, Any]]) -> Counter[int]:
    found: Counter[int] = Counter()
    for line in lines:
        found[line["sku_id"]] += line["quantity"]
    return found


def test_a_wave_gathers_the_orders_paid_before_its_cut_off_and_its_pick_lists_sum_to_them(town: CommunityShop) -> None:
    red, blue = town.shop.skus
    buyers = [town.shop.new_buyer(name) for name in ("张三", "李四", "王五")]
    # given orders through both leaders before the 20:00 cut-off (12:00 UTC), one of them cancelled before it
    placed = [town.order(buyers[0], 0, (red, 2), (blue, 1)), town.order(buyers[1], 0, (red, 1)),
              town.order(buyers[2], 1, (blue, 3))]
    cancelled = town.order(buyers[2], 1, (red, 5))
    buyers[2][2].post(f"/orders/{cancelled['id']}/cancel", {"reason": "changed_mind"})
    # and one paid after the cut-off, which belongs to the next wave (10:00 next morning)
    town.run_timers(hours=3, minutes=1)
    late = town.order(buyers[0], 1, (red, 4))

    waves = town.shop.staff.get(f"/waves?store_id={town.shop.store_id}")["items"]
    first, second = sorted(waves, key=lambda w: w["cutoff_at"])
    assert (first["status"], first["cutoff_at"][:16], first["allowed_actions"]) == ("closed", "2026-11-02T12:00", ["deliver"])
    assert (second["status"], second["cutoff_at"][:16]) == ("open", "2026-11-03T02:00")

    # then the wave's pick list is the SKU totals of exactly its live orders, and each leader's list adds up to it
    listed = town.shop.staff.get(f"/waves/{first['id']}/pick-list")
    orders = [town.shop.staff.get(f"/orders/{o['id']}") for o in placed]
    assert _units(listed["totals"]) == sum((_units(o["lines"]) for o in orders), Counter()) == {red: 3, blue: 4}
    per_leader = sum((_units(p["totals"]) for p in listed["leaders"]), Counter())
    assert per_leader == _units(listed["totals"])
    by_leader = {p["leader_id"]: p for p in listed["leaders"]}
    assert [o["order_id"] for o in by_leader[town.leaders[0]["id"]]["orders"]] == [placed[0]["id"], placed[1]["id"]]
    assert [o["order_id"] for o in by_leader[town.leaders[1]["id"]]["orders"]] == [placed[2]["id"]]
    for pick in listed["leaders"]:
        assert _units(pick["totals"]) == sum((_units(o["lines"]) for o in pick["orders"]), Counter())
    assert _units(town.shop.staff.get(f"/waves/{second['id']}/pick-list")["totals"]) == {red: 4}
    assert town.shop.staff.get(f"/community-orders/{late['id']}")["wave_id"] == second["id"]
    # the order goes to the pickup point, not to the buyer's address
    assert "3号楼便利店" in orders[0]["ship_to"]["pickup_point"]


def test_pickup_by_code_completes_the_order_and_the_leaders_commission_goes_frozen_then_released(town: CommunityShop) -> None:
    red = town.shop.skus[0]
    buyer = town.shop.new_buyer("张三")
    order = town.order(buyer, 0, (red, 1))  # 59.90
    town.run_timers(hours=3, minutes=1)
    wave = town.shop.staff.get(f"/community-orders/{order['id']}")["wave_id"]
    point, leader_key = town.points[0]["id"], town.leader_buyers[0][2]
    # a code before delivery does not exist yet; delivery gives it to the buyer
    assert buyer[2].get(f"/community-orders/{order['id']}")["pickup_code"] is None
    town.shop.staff.post(f"/waves/{wave}/delivery", headers={"Idempotency-Key": "deliver-1"})
    pickup = buyer[2].get(f"/community-orders/{order['id']}")
    assert pickup["status"] == "delivered" and pickup["pickup_code"]
    assert town.shop.staff.get(f"/orders/{order['id']}")["status"] == "delivered"

    # when the leader enters a wrong code, it is refused; the other point's leader cannot hand it out either
    wrong = leader_key.post(f"/pickup-points/{point}/pickups", {"code": "WRONG123"}, expect=404)
    assert wrong["code"] == "pickup-code-unknown"
    town.leader_buyers[1][2].post(f"/pickup-points/{point}/pickups", {"code": pickup["pickup_code"]}, expect=404)
    # the right code completes the order; the same code again is refused
    done = leader_key.post(f"/pickup-points/{point}/pickups", {"code": pickup["pickup_code"].lower()})
    assert done["status"] == "collected"
    again = leader_key.post(f"/pickup-points/{point}/pickups", {"code": pickup["pickup_code"]}, expect=409)
    assert again["code"] == "already-collected"
    assert town.shop.staff.get(f"/orders/{order['id']}")["status"] == "completed"

    # then 5% of what the order paid (299.5 → 300) is frozen: the store's pledge, not yet the leader's money
    page = town.shop.staff.get(f"/leaders/{town.leaders[0]['id']}/page")
    assert {k: v["minor"] for k, v in page["commission"].items()} == {"frozen": 300, "released": 0, "clawed_back": 0}
    assert town.books()["commission_frozen"] == 300
    # and it is released when the rulebook's after-sales window closes (Taobao: 25 days from delivery)
    town.run_timers(days=24, hours=20)
    assert leader_key.get(f"/leaders/{town.leaders[0]['id']}/page")["commission"]["frozen"]["minor"] == 300
    town.run_timers(days=1)
    page = leader_key.get(f"/leaders/{town.leaders[0]['id']}/page")
    assert {k: v["minor"] for k, v in page["commission"].items()} == {"frozen": 0, "released": 300, "clawed_back": 0}
    books = town.books()
    assert (books["commission_frozen"], books["commission_payable"]) == (0, 300)
    assert books["store_balance"] == order["total"]["minor"] - 300


@pytest.mark.parametrize("outcome", ["refund", "return"])
def test_orders_nobody_collects_are_refunded_after_the_stores_days(town: CommunityShop, outcome: str) -> None:
    town.put_settings(unpicked_outcome=outcome, unpicked_days=2)
    red = town.shop.skus[0]
    buyer = town.shop.new_buyer("张三")
    order = town.order(buyer, 1, (red, 2))
    collected = town.order(town.shop.new_buyer("李四"), 1, (red, 1))
    town.run_timers(hours=3, minutes=1)
    wave = town.shop.staff.get(f"/community-orders/{order['id']}")["wave_id"]
    town.shop.staff.post(f"/waves/{wave}/delivery")
    on_hand = town.shop.stock(red)["on_hand"]
    code = town.shop.staff.get(f"/community-orders/{collected['id']}")["pickup_code"]
    town.shop.staff.post(f"/pickup-points/{town.points[1]['id']}/pickups", {"code": code})

    # when two days pass without the buyer
    town.run_timers(days=1, hours=23)
    assert buyer[2].get(f"/community-orders/{order['id']}")["status"] == "delivered"
    town.run_timers(hours=2)

    # then the order is closed and everything paid is back; the goods stay at the point or come back to stock
    found = buyer[2].get(f"/orders/{order['id']}")
    assert (found["status"], found["close_reason"]) == ("closed", "not_collected")
    assert buyer[2].get(f"/community-orders/{order['id']}")["status"] == ("refunded" if outcome == "refund" else "returned")
    assert town.shop.stock(red)["on_hand"] == on_hand + (2 if outcome == "return" else 0)
    assert town.shop.staff.get(f"/waves/{wave}")["status"] == "settled"
    assert town.shop.staff.get(f"/orders/{collected['id']}")["status"] == "completed"
    books = town.books()
    assert books["escrow"] == 0 and books["store_balance"] == collected["total"]["minor"]


def test_settings_beyond_the_rulebook_and_strangers_are_refused(town: CommunityShop, shop: Shop) -> None:
    assert town.put_settings(expect=422, leader_rate="0.5")["code"] == "invalid-input"
    assert town.put_settings(expect=422, unpicked_days=30)["code"] == "invalid-input"
    assert town.put_settings(expect=422, cutoffs=["08:00", "12:00", "16:00", "18:00", "20:00"])["code"] == "invalid-input"
    # a point has one leader; a buyer leads one point of a store
    other = shop.new_buyer("王五")
    taken = shop.staff.post("/leaders", {"pickup_point_id": town.points[0]["id"], "buyer_id": other[0]["id"], "name": "x"},
                            expect=409)
    assert taken["code"] == "pickup-point-has-leader"
    # a buyer who is not a leader sees no leader page, and no suspended leader takes orders
    other[2].get(f"/leaders/{town.leaders[0]['id']}/page", expect=404)
    shop.staff.post(f"/leaders/{town.leaders[1]['id']}/suspend")
    refused = other[2].post(f"/leaders/{town.leaders[1]['code']}/orders", {
        "address_id": other[1]["id"], "lines": [{"sku_id": shop.skus[0], "quantity": 1}]}, expect=409)
    assert refused["code"] == "leader-not-active"


def test_a_refund_after_pickup_claws_the_leaders_commission_back_through_the_one_lifecycle(town: CommunityShop) -> None:
    """The leader's commission moves like a promoter's (distribution.commissions): a refund claws back its share."""
    buyer = town.shop.new_buyer("张三")
    order = town.order(buyer, 0, (town.shop.skus[0], 2))  # 119.80: 5.99 frozen at pickup
    town.run_timers(hours=3, minutes=1)
    wave = town.shop.staff.get(f"/community-orders/{order['id']}")["wave_id"]
    town.shop.staff.post(f"/waves/{wave}/delivery")
    code = buyer[2].get(f"/community-orders/{order['id']}")["pickup_code"]
    town.leader_buyers[0][2].post(f"/pickup-points/{town.points[0]['id']}/pickups", {"code": code})

    # when after-sales pays half the order back after the buyer collected it
    with town.db.transaction() as session:
        found = orders.get_order(session, SYSTEM, order["id"], for_update=True)
        orders.refund(session, town.clock.now(), found, Money(order["total"]["minor"] // 2, "CNY"))

    # then half the commission comes back out of the frozen pledge, and only the rest is released later
    figures = town.shop.staff.get(f"/leaders/{town.leaders[0]['id']}/page")["commission"]
    assert {k: v["minor"] for k, v in figures.items()} == {"frozen": 299, "released": 0, "clawed_back": 300}
    town.run_timers(days=26)
    figures = town.shop.staff.get(f"/leaders/{town.leaders[0]['id']}/page")["commission"]
    assert {k: v["minor"] for k, v in figures.items()} == {"frozen": 0, "released": 299, "clawed_back": 300}
    assert town.books()["commission_payable"] == 299
