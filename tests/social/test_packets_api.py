"""Platform red packets (跨店铺红包, 看广告抢红包; RULES.md §3.6.2) through the API on the simulated clock: the operator's
pool, stores opting in, grabs within caps, ad views used once, checkout across stores where only participating stores'
goods are paid by the packets, the store paid in full at completion, refunds and expiry giving the credit back."""

from __future__ import annotations

from datetime import timedelta

from shopkeeper import timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.packets import checkout, grab, packet_books, program, store_books
from support import Api, Shop


def test_a_platform_packet_pays_in_participating_stores_only_and_the_store_gets_its_full_price(
        shop: Shop, api: Api, db: Database, clock: SimulatedClock) -> None:
    # given a platform pool of 10.00 in 4 packets naming this store, a second store that opts in, a third that does not
    other, outsider = Shop(api, rulebook="tmall"), Shop(api, rulebook="tmall")
    pool = program(api, store_ids=[shop.store_id])
    joined = other.staff.post(f"/platform-packets/programs/{pool['id']}/stores", {"store_id": other.store_id}, expect=201)
    assert (joined["joined_by"], pool["store_ids"]) == ("store", [shop.store_id])
    assert outsider.staff.post(f"/platform-packets/programs/{pool['id']}/stores", {"store_id": shop.store_id},
                               expect=404)["code"] == "not-found"  # staff speak only for their own store
    # when the buyer grabs a packet and checks out the tee here and at the outsider
    packet = grab(shop.shopper, pool["id"])
    credit = packet["amount"]["minor"]
    assert 100 <= credit <= 700 and packet["left"]["minor"] == credit
    grab(shop.shopper, pool["id"])  # no per-person cap: a second packet
    wallet = shop.shopper.get("/platform-packets/mine")
    credit = wallet["credit"][0]["minor"]
    placed = checkout(shop, (shop.store_id, [(shop.skus[0], 1)]), (outsider.store_id, [(outsider.skus[0], 1)]))["orders"]
    here, there = (next(p for p in placed if p["order"]["store_id"] == s) for s in (shop.store_id, outsider.store_id))
    # then only this store's order is paid by the packets (the outsider's goods are not theirs to pay)
    assert here["packets"]["minor"] == min(credit, 5990) and there["packets"]["minor"] == 0
    assert here["order"]["total"]["minor"] == 5990 - here["packets"]["minor"]
    left = sum(m["minor"] for m in shop.shopper.get("/platform-packets/mine")["credit"])
    assert left == credit - here["packets"]["minor"]
    # when the buyer pays, the store ships and the buyer confirms receipt
    order = here["order"]
    shop.pay(order)
    shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "SF", "tracking_number": "SF0000000001"})
    shop.shopper.post(f"/orders/{order['id']}/receipt")
    # then the store holds the tee's full price: what the buyer paid plus the platform's subsidy for the packets
    assert store_books(db, shop.store_id)["store_balance"] == 5990
    books = packet_books(db)
    assert books["store_settled"] == here["packets"]["minor"] and books["order_funding"] == 0
    assert books["packet_fund"] == -(books["buyer_credit"] + books["store_settled"])


def test_watch_an_ad_to_grab_once_per_view(shop: Shop, api: Api, clock: SimulatedClock) -> None:
    # given an ad program: watch 15 s, a view usable 30 min, one packet a day, two in all
    pool = program(api, mode="ad", min_watch_seconds=15, view_valid_minutes=30, per_day_limit=1, per_person_limit=2)
    assert shop.shopper.get(f"/platform-packets/programs/{pool['id']}")["allowed_actions"] == ["ad_view", "grab"]
    # when the buyer grabs without an ad, then right after the ad starts
    assert grab(shop.shopper, pool["id"], expect=409)["code"] == "ad-view-refused"
    view = shop.shopper.post(f"/platform-packets/programs/{pool['id']}/ad-views", expect=201)
    assert grab(shop.shopper, pool["id"], ad_view_token=view["token"], expect=409)["code"] == "ad-view-refused"
    # then after 15 s the view allows one grab, never a second
    clock.advance(seconds=15)
    assert grab(shop.shopper, pool["id"], ad_view_token=view["token"])["amount"]["minor"] >= 100
    assert grab(shop.shopper, pool["id"], ad_view_token=view["token"], expect=409)["code"] == "ad-view-refused"
    # and another buyer cannot use it
    _, _, stranger = shop.new_buyer("Wang Wu")
    assert grab(stranger, pool["id"], ad_view_token=view["token"], expect=409)["code"] == "ad-view-refused"


def test_caps_hold_by_the_platforms_day(shop: Shop, api: Api, clock: SimulatedClock) -> None:
    # given an ad program, one packet a day and two in all (it is 17:00 in Shanghai)
    pool = program(api, mode="ad", min_watch_seconds=15, view_valid_minutes=30, per_day_limit=1, per_person_limit=2)

    def watch_and_grab(expect: int = 201) -> dict[str, object]:
        view = shop.shopper.post(f"/platform-packets/programs/{pool['id']}/ad-views", expect=201)
        clock.advance(seconds=20)
        result: dict[str, object] = grab(shop.shopper, pool["id"], ad_view_token=view["token"], expect=expect)
        return result

    watch_and_grab()
    # when the buyer watches again the same day, then after Shanghai's midnight, then the day after
    assert watch_and_grab(expect=409)["code"] == "packet-limit-reached"
    clock.advance(hours=7)
    watch_and_grab()
    clock.advance(days=1)
    # then the second day grants the second packet and the third is over the personal cap
    assert watch_and_grab(expect=409)["code"] == "packet-limit-reached"
    assert shop.operator.get(f"/platform-packets/programs/{pool['id']}")["spent_count"] == 2


def test_a_closed_order_gives_the_packet_back_and_expiry_returns_the_rest_to_the_platform(
        shop: Shop, api: Api, db: Database, clock: SimulatedClock) -> None:
    # given a single packet of 5.00 valid for 2 days, the store taking part
    pool = program(api, total_minor=500, packets=1, valid_days=2, store_ids=[shop.store_id])
    grab(shop.shopper, pool["id"])
    # when the buyer checks out with it, pays, and cancels before shipment
    order = checkout(shop, (shop.store_id, [(shop.skus[0], 1)]))["orders"][0]["order"]
    assert order["total"]["minor"] == 5490
    shop.pay(order)
    shop.shopper.post(f"/orders/{order['id']}/cancel", {"reason": "changed my mind"})
    # then the cash goes back to the buyer and the packet to the buyer's credit
    assert store_books(db, shop.store_id)["provider"] == 0
    assert shop.shopper.get("/platform-packets/mine")["credit"][0]["minor"] == 500
    # when it runs out of time unspent
    clock.advance(days=2)
    timers.run_due_timers(db, clock)
    # then nothing is left to spend, it all went back to the platform, and the books balance
    mine = shop.shopper.get("/platform-packets/mine")
    assert mine["credit"] == [] and mine["items"][0]["expired"]["minor"] == 500
    books = packet_books(db)
    assert books == {"packet_fund": 0, "buyer_credit": 0, "order_funding": 0, "store_settled": 0}
    # and a checkout now pays full price
    assert checkout(shop, (shop.store_id, [(shop.skus[0], 1)]))["orders"][0]["order"]["total"]["minor"] == 5990


def test_the_pool_runs_out_and_only_the_operator_creates_or_ends_programs(shop: Shop, api: Api) -> None:
    # given a pool of two packets
    assert program(shop.staff, expect=403)["code"] == "forbidden"
    assert program(api, total_minor=100, packets=2, min_minor=100, expect=422)["code"] == "invalid-input"
    pool = program(api, total_minor=300, packets=2, min_minor=100)
    # when three buyers grab
    got = [grab(b, pool["id"], expect=e) for b, e in ((shop.shopper, 201), (shop.new_buyer("b")[2], 201),
                                                      (shop.new_buyer("c")[2], 409))]
    # then two packets summing to the pool were taken and the third buyer found none
    assert got[0]["amount"]["minor"] + got[1]["amount"]["minor"] == 300 and got[2]["code"] == "packets-gone"
    ended = api.post(f"/platform-packets/programs/{pool['id']}/end")
    assert ended["status"] == "ended" and api.post(f"/platform-packets/programs/{pool['id']}/end", expect=409)


def test_a_packet_larger_than_the_goods_pays_them_all_and_keeps_the_rest(shop: Shop, api: Api, db: Database) -> None:
    # given one packet of 100.00 from a program this store takes part in, with a 50.00 spend threshold
    pool = program(api, total_minor=10000, packets=1, min_minor=100, min_spend_minor=5000, store_ids=[shop.store_id])
    grab(shop.shopper, pool["id"])
    # when the buyer checks out the 59.90 tee
    placed = checkout(shop, (shop.store_id, [(shop.skus[0], 1)]))["orders"][0]
    # then the packet pays the tee in full, never more, and 40.10 stays on it
    assert (placed["packets"]["minor"], placed["order"]["total"]["minor"]) == (5990, 0)
    assert shop.shopper.get("/platform-packets/mine")["credit"][0]["minor"] == 4010
    # and under the threshold (a 40.10 packet on nothing participating reaching 50.00) it pays nothing
    other = Shop(api, rulebook="tmall")
    assert checkout(shop, (other.store_id, [(other.skus[0], 1)]))["orders"][0]["packets"]["minor"] == 0
    assert packet_books(db)["order_funding"] == 5990


def test_an_order_closing_after_its_packet_expired_gives_the_packets_part_to_the_platform(
        shop: Shop, api: Api, db: Database, clock: SimulatedClock) -> None:
    # given a packet of 50.00 valid for one day, grabbed now; 23 hours later the buyer spends it on an order left unpaid
    pool = program(api, total_minor=5000, packets=1, min_minor=100, valid_days=1, store_ids=[shop.store_id])
    grab(shop.shopper, pool["id"])
    clock.advance(hours=23)
    order = checkout(shop, (shop.store_id, [(shop.skus[0], 1)]))["orders"][0]["order"]
    assert order["total"]["minor"] == 990
    # when the packet's day runs out, and then the order's payment window (the store's rulebook) closes it
    timers.advance_to(db, clock, clock.now() + timedelta(days=3))
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "closed"
    # then the packets' part went back to the platform, not to a packet that can no longer be spent
    mine = shop.shopper.get("/platform-packets/mine")
    assert mine["credit"] == [] and mine["items"][0]["expired"]["minor"] == 5000
    assert packet_books(db) == {"packet_fund": 0, "buyer_credit": 0, "order_funding": 0, "store_settled": 0}
