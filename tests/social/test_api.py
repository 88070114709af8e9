"""Group buying (拼团, RULES.md §4.1) through the API with the simulated clock: open, join, pay, fill or fail."""

from __future__ import annotations

from typing import Any

import pytest

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.groups import GroupShop
from support import Shop


@pytest.fixture
def groups(shop: Shop, db: Database, clock: SimulatedClock) -> GroupShop:
    return GroupShop(shop, db, clock)


def _ship(groups: GroupShop, order_id: int, expect: int = 200) -> Any:
    return groups.shop.staff.post(f"/orders/{order_id}/shipment", {"carrier": "SF", "tracking_number": f"SF{order_id:010d}"},
                                  expect=expect)


def test_a_full_group_releases_its_orders_to_shipping_and_the_ship_by_clock_starts_then(groups: GroupShop) -> None:
    # given the opener's order at the opener's price, paid: the group opens for 24 hours
    placed = groups.open()
    assert placed["group"]["status"] == "pending" and placed["order"]["lines"][0]["payable"]["minor"] == 3500
    verdicts = {v["promotion"]: v for v in placed["order"]["pricing"]["verdicts"]}
    assert verdicts[f"group-buy-offer:{groups.offer['id']}"]["applied"] and verdicts[f"group-buy-offer:{groups.offer['id']}"]["kind"] == "group_buy"
    groups.pay(placed)
    group = groups.group(placed["group"]["code"])
    assert (group["status"], group["paid_members"], group["seats_left"]) == ("open", 1, 2)
    assert group["expires_at"] == "2026-11-03T09:00:00Z"
    leader_order = groups.order(placed["order"]["id"])
    # while the group is open the paid order does not ship, and has no ship-by clock yet
    assert (leader_order["status"], leader_order["ship_by"], leader_order["held_for_group"]) == ("paid", None, group["id"])
    assert "ship" not in leader_order["allowed_actions"]
    problem = _ship(groups, leader_order["id"], expect=409)
    assert problem["code"] == "group-not-complete"

    # when two more buyers join from the share code and pay, the last five hours later
    members = [groups.buyer("Han Meimei"), groups.buyer("Wang Wu")]
    joined = []
    for hours, member in zip((2, 3), members):
        groups.clock.advance(hours=hours)
        joined.append(groups.join(group["code"], member))
        assert joined[-1]["order"]["lines"][0]["payable"]["minor"] == 3990
        groups.pay(joined[-1], member)

    # then the group is complete and every member's order ships, due 72 h (Taobao, RULES.md §7.3) after completion
    group = groups.group(group["id"])
    assert (group["status"], group["paid_members"], group["completed_at"]) == ("complete", 3, "2026-11-02T14:00:00Z")
    for order_id in [placed["order"]["id"]] + [j["order"]["id"] for j in joined]:
        order = groups.order(order_id)
        assert (order["held_for_group"], order["ship_by"]) == (None, "2026-11-05T14:00:00Z")
        assert "ship" in order["allowed_actions"]
    assert _ship(groups, placed["order"]["id"])["status"] == "shipped"
    assert groups.events(group["id"]) == ["group_buy.started", "group_buy.opened", "group_buy.joined", "group_buy.seat_taken",
                                          "group_buy.joined", "group_buy.seat_taken", "group_buy.completed"]
    groups.run_timers(days=2)  # the expiry timer finds the group complete: nothing happens
    assert groups.group(group["id"])["status"] == "complete"


def test_a_failed_group_refunds_every_member_exactly_and_returns_the_stock(groups: GroupShop) -> None:
    # given an open group with two paid members and one who never paid
    group = groups.opened()
    paid, unpaid = groups.buyer("Han Meimei"), groups.buyer("Wang Wu")
    groups.pay(groups.join(group["code"], paid), paid)
    late = groups.join(group["code"], unpaid)
    assert groups.shop.stock(groups.sku)["reserved"] == 3
    escrow = groups.shop.staff.get(f"/stores/{groups.shop.store_id}/balance")["escrow"]["minor"]
    assert escrow == 3500 + 3990

    # when its 24 hours run out, nobody acting
    groups.run_timers(hours=24)

    # then every paid member is refunded in full through escrow, the unpaid order closes, the stock is back
    group = groups.group(group["id"])
    assert (group["status"], group["seats_left"]) == ("failed", 0)
    assert sorted((m["role"], m["status"]) for m in group["members"]) == [("leader", "refunded"), ("member", "closed"),
                                                                          ("member", "refunded")]
    for member in group["members"]:
        order = groups.order(member["order_id"])
        assert (order["status"], order["close_reason"]) == ("closed", "group_failed")
    assert groups.order(late["order"]["id"])["status"] == "closed"
    books = groups.assert_books_balance()
    assert books["escrow"] == 0 and books["store_balance"] == 0
    assert groups.shop.stock(groups.sku) == {**groups.shop.stock(groups.sku), "available": 100, "reserved": 0}
    assert groups.events(group["id"])[-1] == "group_buy.failed"
    groups.run_timers(days=2)  # a repeated timer changes nothing
    assert groups.group(group["id"])["status"] == "failed"


def test_the_payer_who_finds_the_group_full_is_refunded_at_once(groups: GroupShop) -> None:
    # given a group of 3 with the opener paid and three buyers' orders placed in it
    group = groups.opened()
    buyers = [groups.buyer(f"buyer {n}") for n in range(3)]
    placed = [groups.join(group["code"], b) for b in buyers]

    # when all three pay
    payments = [groups.pay(p, b) for p, b in zip(placed, buyers)]

    # then two take the seats, the third's money goes straight back and the buyer is told
    assert [p["status"] for p in payments] == ["succeeded", "succeeded", "refunded"]
    refused = groups.order(placed[2]["order"]["id"])
    assert (refused["status"], refused["close_reason"]) == ("closed", "group_full")
    group = groups.group(group["id"])
    assert (group["status"], group["paid_members"]) == ("complete", 3)
    assert "group_buy.seat_refused" in groups.events(group["id"])
    assert groups.shop.stock(groups.sku)["reserved"] == 3
    books = groups.assert_books_balance()
    assert books["escrow"] == 3500 + 2 * 3990
    # and a complete group takes no more orders
    assert groups.join(group["code"], groups.buyer("late"), expect=409)["code"] == "group-not-joinable"


def test_nobody_joins_their_own_group_twice(groups: GroupShop) -> None:
    group = groups.opened()
    assert groups.join(group["code"], groups.leader, expect=409)["code"] == "already-in-group"
    member = groups.buyer("Han Meimei")
    groups.join(group["code"], member)
    assert groups.join(group["code"], member, expect=409)["code"] == "already-in-group"
    assert groups.shop.stock(groups.sku)["reserved"] == 2  # the refused orders were never placed


def test_a_member_who_cancels_before_the_group_fills_frees_the_seat(groups: GroupShop) -> None:
    # given a group of 3 with two seats taken
    group = groups.opened()
    leaver, others = groups.buyer("leaver"), [groups.buyer("B"), groups.buyer("C")]
    left = groups.join(group["code"], leaver)
    groups.pay(left, leaver)
    assert groups.group(group["id"])["paid_members"] == 2

    # when the member cancels: refunded in full, the seat free again
    leaver[2].post(f"/orders/{left['order']['id']}/cancel", {"reason": "changed_mind"})
    assert groups.group(group["id"])["paid_members"] == 1
    assert groups.order(left["order"]["id"])["status"] == "closed"

    # then two others can still fill the group
    for b in others:
        groups.pay(groups.join(group["code"], b), b)
    group = groups.group(group["id"])
    assert (group["status"], group["paid_members"]) == ("complete", 3)
    assert "group_buy.member_left" in groups.events(group["id"])
    books = groups.assert_books_balance()
    assert books["escrow"] == 3500 + 2 * 3990


def test_a_nearly_full_group_completes_at_expiry_when_the_store_lets_the_system_fill_it(groups: GroupShop) -> None:
    # given 模拟成团 on for one missing seat, and a group of 3 with two paid members
    store = groups.shop.store_id
    assert groups.shop.staff.get(f"/stores/{store}/group-buy-settings") == {"store_id": store, "auto_fill": False, "auto_fill_seats": 1}
    groups.shop.staff.call("PUT", f"/stores/{store}/group-buy-settings", json={"auto_fill": True, "auto_fill_seats": 1})
    group = groups.opened()
    member = groups.buyer("Han Meimei")
    groups.pay(groups.join(group["code"], member), member)

    # when time runs out
    groups.run_timers(hours=24)

    # then the group completes, recorded and shown as filled by the system, and its orders go on to shipping
    group = groups.group(group["id"])
    assert (group["status"], group["paid_members"], group["auto_filled_seats"]) == ("complete", 2, 1)
    assert groups.events(group["id"])[-2:] == ["group_buy.auto_filled", "group_buy.completed"]
    for m in group["members"]:
        assert groups.order(m["order_id"])["ship_by"] == "2026-11-06T09:00:00Z"


def test_a_store_cannot_let_the_system_fill_more_seats_than_its_rulebook_allows(groups: GroupShop) -> None:
    problem = groups.shop.staff.call("PUT", f"/stores/{groups.shop.store_id}/group-buy-settings",
                                     json={"auto_fill": True, "auto_fill_seats": 9}, expect=422)
    assert "1 to 3" in problem["detail"]


def test_an_opener_who_never_pays_takes_the_pending_group_with_them(groups: GroupShop) -> None:
    placed = groups.open()
    groups.run_timers(hours=25)  # Taobao's payment window: 24 hours (RULES.md §17.1)
    group = groups.group(placed["group"]["id"])
    assert group["status"] == "cancelled"
    assert groups.join(group["code"], groups.buyer("late"), expect=409)["code"] == "group-not-joinable"


def test_new_customers_only_refuses_a_buyer_who_bought_from_the_store_before(shop: Shop, db: Database,
                                                                             clock: SimulatedClock) -> None:
    groups = GroupShop(shop, db, clock, new_customers_only=True)
    shop.pay(shop.order((shop.skus[1], 1)))  # the buyer has paid an order here before
    problem = groups.open(expect=409)
    assert problem["code"] == "group-price-not-applied"
    newcomer = groups.buyer("newcomer")
    assert groups.open(newcomer)["group"]["status"] == "pending"


def test_the_per_buyer_limit_counts_orders_across_the_offers_groups(groups: GroupShop) -> None:
    groups.open(quantity=2)
    assert groups.open(expect=409)["code"] == "group-buy-limit-reached"


def test_opening_retried_with_the_same_key_gives_the_first_group_back(groups: GroupShop) -> None:
    _, address, shopper = groups.leader
    body = {"address_id": address["id"]}
    path = f"/group-buys/offers/{groups.offer['id']}/open"
    first = shopper.post(path, body, expect=201, headers={"Idempotency-Key": "open-1"})
    again = shopper.post(path, body, expect=201, headers={"Idempotency-Key": "open-1"})
    assert again["group"]["id"] == first["group"]["id"] and again["order"]["id"] == first["order"]["id"]


def test_who_sees_a_group_and_what_they_may_do(groups: GroupShop, api: Any) -> None:
    group = groups.opened()
    stranger = groups.buyer("stranger")
    # a buyer with the share code sees the group, without its members, and may join
    seen = stranger[2].get(f"/group-buys/{group['code']}")
    assert (seen["members"], seen["allowed_actions"], seen["my_order_id"]) == (None, ["join"], None)
    # by id, only members see it; the leader is offered to leave
    stranger[2].get(f"/group-buys/{group['id']}", expect=404)
    mine = groups.leader[2].get(f"/group-buys/{group['id']}")
    assert mine["allowed_actions"] == ["leave"] and mine["my_order_id"] is not None
    # another store's staff answer 404; the lists are scoped
    other = Shop(api, rulebook="tmall")
    other.staff.get(f"/group-buys/{group['code']}", expect=404)
    assert other.staff.get("/group-buys")["items"] == []
    assert [g["id"] for g in groups.leader[2].get("/group-buys")["items"]] == [group["id"]]
    assert stranger[2].get("/group-buys")["items"] == []
    assert [g["id"] for g in groups.shop.staff.get(f"/group-buys?store_id={groups.shop.store_id}&status=open")["items"]] == [group["id"]]


def test_an_ended_offer_opens_no_new_group_but_its_open_groups_run_on(groups: GroupShop) -> None:
    group = groups.opened()
    ended = groups.shop.staff.post(f"/group-buys/offers/{groups.offer['id']}/end")
    assert (ended["status"], ended["allowed_actions"]) == ("ended", [])
    assert groups.open(groups.buyer("new"), expect=404)["code"] == "not-found"  # buyers see active offers only
    member = groups.buyer("member")
    groups.pay(groups.join(group["code"], member), member)
    assert groups.group(group["id"])["paid_members"] == 2


def test_an_offer_outside_the_rulebook_is_refused(groups: GroupShop) -> None:
    body = {"store_id": groups.shop.store_id, "sku_id": groups.sku, "name": "too big", "group_size": 500,
            "group_price": "39.90", "time_limit_hours": 24}
    problem = groups.shop.staff.post("/group-buys/offers", body, expect=422)
    assert "2 to 50" in problem["detail"]
    assert groups.shop.shopper.post("/group-buys/offers", {**body, "group_size": 2}, expect=403)["code"] == "forbidden"


def test_the_group_price_goes_with_a_store_coupon_and_no_other_price_on_its_line(groups: GroupShop) -> None:
    """RULES.md §3.2/§3.6: 拼团价 + 店铺券 stack; another item price (a limited-time price here) does not join it."""
    shop = groups.shop
    coupon = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "无门槛5元", "kind": "cash", "amount_off": "5",
                                          "open_ended": True, "valid_days": 30}, expect=201)
    shop.shopper.post(f"/coupons/{coupon['id']}/claim", expect=201)
    shop.staff.post("/promotions", {"open_ended": True, "store_id": shop.store_id, "name": "限时价", "kind": "limited_time",
                                    "benefit": {"type": "unit_price", "price": "49.90"},
                                    "scope": {"level": "sku", "ids": [groups.sku]}}, expect=201)
    placed = groups.open()
    line = placed["order"]["lines"][0]
    assert line["payable"]["minor"] == 3500 - 500
    assert sorted(d["promotion"].split(":")[0] for d in line["discounts"]) == ["coupon", "group-buy-offer"]
    verdicts = {v["kind"]: v for v in placed["order"]["pricing"]["verdicts"]}
    assert verdicts["group_buy"]["applied"] and not verdicts["limited_time"]["applied"]
