"""The store club through the API on the simulated clock (RULES.md §4.3 Store Club 粉丝趴, §3.6.2 关注送券): a buyer
follows and unfollows a store, idempotently, with the history kept; fans-only prices and coupons go through the
promotions engine, and a non-fan is told why; the follow reward needs a real follow and comes once per store; the
store reads its fan growth day by day on its own clock."""

from __future__ import annotations

from typing import Any

from shopkeeper.clock import SimulatedClock
from social.rewards import claim, program
from support import Api, Shop


def follow(shopper: Api, store_id: int, expect: int = 200) -> Any:
    return shopper.call("PUT", f"/stores/{store_id}/follow", expect)


def unfollow(shopper: Api, store_id: int, expect: int = 200) -> Any:
    return shopper.call("DELETE", f"/stores/{store_id}/follow", expect)


def cart_of(shop: Shop, sku_id: int, quantity: int, shopper: Api | None = None) -> int:
    return int((shopper or shop.shopper).post(f"/stores/{shop.store_id}/cart/items", {"sku_id": sku_id, "quantity": quantity})["id"])


def fan_price(shop: Shop) -> Any:
    """粉丝专享价: the red tee at ¥49.90 instead of ¥59.90, for the store's fans."""
    return shop.staff.post("/promotions", {
        "store_id": shop.store_id, "name": "粉丝专享价", "kind": "fans_price", "open_ended": True,
        "benefit": {"type": "unit_price", "price": "49.90"}, "scope": {"level": "sku", "ids": [shop.skus[0]]},
        "audience": {"fans_only": True}}, expect=201)


def test_following_is_idempotent_and_a_refollow_keeps_the_first_follow(shop: Shop, clock: SimulatedClock) -> None:
    # when the buyer follows the store twice
    first = follow(shop.shopper, shop.store_id)
    clock.advance(hours=1)
    again = follow(shop.shopper, shop.store_id)
    # then they follow it once, since the first time
    assert first["following"] and again == first
    assert [f["store_id"] for f in shop.shopper.get("/me/follows")] == [shop.store_id]
    # when they unfollow twice, then follow again a day later
    left = unfollow(shop.shopper, shop.store_id)
    assert unfollow(shop.shopper, shop.store_id) == left
    assert (left["following"], left["since"], left["first_followed_at"]) == (False, None, first["since"])
    assert shop.shopper.get("/me/follows") == []
    clock.advance(days=1)
    back = follow(shop.shopper, shop.store_id)
    # then they follow since today, and first followed when they first did
    assert back["since"] > first["since"] and back["first_followed_at"] == first["since"]
    assert shop.shopper.get(f"/stores/{shop.store_id}/follow") == back
    # and only buyers follow; a store that does not exist answers 404
    assert follow(shop.staff, shop.store_id, expect=403)["code"] == "forbidden"
    assert follow(shop.shopper, 999, expect=404)["code"] == "not-found"


def test_fan_growth_counts_each_day_on_the_stores_clock(shop: Shop, api: Api, clock: SimulatedClock) -> None:
    # given three buyers (it is 17:00 on 2 November in Shanghai)
    shoppers = [shop.shopper] + [shop.new_buyer(f"fan {n}")[2] for n in range(2)]
    # when two follow today, the third at 23:30 (still the 2nd), and the first leaves at 00:30 on the 3rd
    follow(shoppers[0], shop.store_id)
    follow(shoppers[1], shop.store_id)
    clock.advance(hours=6, minutes=30)
    follow(shoppers[2], shop.store_id)
    follow(shoppers[2], shop.store_id)  # a second tap counts for nothing
    clock.advance(hours=1)
    unfollow(shoppers[0], shop.store_id)
    # then the store reads 3 new on the 2nd, one lost on the 3rd, and its totals follow
    growth = shop.staff.get(f"/stores/{shop.store_id}/fans/growth", params={"from": "2026-11-01", "to": "2026-11-04"})
    assert growth["timezone"] == "Asia/Shanghai"
    assert [(d["day"], d["new"], d["lost"], d["net"], d["total"]) for d in growth["days"]] == [
        ("2026-11-01", 0, 0, 0, 0), ("2026-11-02", 3, 0, 3, 3), ("2026-11-03", 0, 1, -1, 2), ("2026-11-04", 0, 0, 0, 2)]
    # and by default it reads the last month up to the store's today (the 3rd)
    days = shop.staff.get(f"/stores/{shop.store_id}/fans/growth")["days"]
    assert len(days) == 30 and days[-1]["day"] == "2026-11-03" and days[-1]["total"] == 2
    # and a buyer may not read it; another store's staff does not see the store; a span too long is refused
    assert shop.shopper.get(f"/stores/{shop.store_id}/fans/growth", expect=403)["code"] == "forbidden"
    other = api.post("/stores", {"name": "other", "rulebook": "taobao", "currency": "CNY"}, expect=201)
    stranger = api.as_(api.post("/keys", {"role": "staff", "store_id": other["id"]}, expect=201)["key"])
    assert stranger.get(f"/stores/{shop.store_id}/fans/growth", expect=404)["code"] == "not-found"
    assert shop.staff.get(f"/stores/{shop.store_id}/fans/growth", params={"from": "2026-01-01", "to": "2026-11-01"},
                          expect=422)["code"] == "invalid-input"


def test_a_fans_only_price_is_priced_for_fans_and_explained_to_everyone_else(shop: Shop) -> None:
    """粉丝专享价 through the promotions engine: the audience "fans of this store"."""
    # given a fans-only price on the red tee, and a buyer who does not follow the store
    fan_price(shop)
    cart = cart_of(shop, shop.skus[0], 2)
    # when the buyer prices the cart, then there is no fan price, and the quote says why and what to do
    priced = shop.shopper.post(f"/carts/{cart}/price", {"lang": "en"})
    [verdict] = [p for p in priced["promotions"] if p["name"] == "粉丝专享价"]
    assert (verdict["applied"], verdict["reason"]) == (False, "fans_only")
    assert verdict["message"] == "for the store's fans only: follow the store to get it"
    assert priced["discount"]["minor"] == 0
    assert shop.shopper.post(f"/carts/{cart}/price", {"lang": "zh"})["promotions"][0]["message"] == "店铺粉丝专享，关注店铺即可享受"
    # when they follow the store and check out, then the order takes the fan price
    follow(shop.shopper, shop.store_id)
    order = shop.order((shop.skus[0], 2))
    assert order["discount"]["minor"] == 2 * 1000
    # and once they unfollow, the next order is at the list price again
    unfollow(shop.shopper, shop.store_id)
    assert shop.order((shop.skus[0], 2))["discount"]["minor"] == 0


def test_a_fans_only_coupon_is_claimed_and_used_by_fans_only(shop: Shop, api: Api) -> None:
    # given a fans-only coupon of ¥10 off
    coupon = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "粉丝券", "kind": "cash", "amount_off": "10",
                                          "open_ended": True, "valid_days": 30, "audience": {"fans_only": True}}, expect=201)
    # when a non-fan claims it, then it is refused for what it is
    refused = shop.shopper.post(f"/coupons/{coupon['id']}/claim", expect=409)
    assert refused["code"] == "coupon-unavailable" and "fans_only" in refused["detail"]
    # when they follow, then they may claim it and an order uses it
    follow(shop.shopper, shop.store_id)
    shop.shopper.post(f"/coupons/{coupon['id']}/claim", expect=201)
    unfollow(shop.shopper, shop.store_id)
    # and a coupon held by someone who left the club waits until they come back
    assert shop.order((shop.skus[0], 1))["discount"]["minor"] == 0
    follow(shop.shopper, shop.store_id)
    assert shop.order((shop.skus[0], 1))["discount"]["minor"] == 1000
    # and a platform voucher cannot be for fans: fans are a store's
    refused = api.post("/coupons", {"currency": "CNY", "name": "平台粉丝券", "kind": "cash", "amount_off": "10",
                                    "scope": {"level": "platform"}, "open_ended": True, "valid_days": 30,
                                    "audience": {"fans_only": True}}, expect=422)
    assert refused["code"] == "invalid-input" and "fans are a store's" in refused["detail"]


def test_the_follow_reward_needs_a_real_follow_and_comes_once_per_store(shop: Shop, clock: SimulatedClock) -> None:
    """关注送券 (RULES.md §3.6.2): following the store earns its coupon once, however often the buyer comes back."""
    # given a follow program giving a ¥5 coupon
    coupon = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "关注送5元", "kind": "cash", "amount_off": "5",
                                          "open_ended": True, "valid_days": 30, "per_buyer_limit": 5}, expect=201)
    reward = {"type": "coupon", "template_id": coupon["id"]}
    first = program(shop, "follow", reward=reward)
    # when the buyer claims without following, then nothing is granted
    assert claim(shop, first["id"], expect=409)["code"] == "reward-unavailable"
    # when they follow, then the claim is granted
    follow(shop.shopper, shop.store_id)
    assert claim(shop, first["id"])["trigger"] == "follow"
    # when they unfollow, follow again, and the store starts a second follow program, then neither grants again
    unfollow(shop.shopper, shop.store_id)
    follow(shop.shopper, shop.store_id)
    assert claim(shop, first["id"], expect=409)["code"] == "already-rewarded"
    clock.advance(hours=1)
    second = program(shop, "follow", reward=reward)
    assert claim(shop, second["id"], expect=409)["code"] == "already-rewarded"
    # and a new fan gets the second program's coupon
    _, _, newcomer = shop.new_buyer("newcomer")
    follow(newcomer, shop.store_id)
    assert claim(shop, second["id"], newcomer)["reward_type"] == "coupon"
    assert len(shop.shopper.get("/me/coupons")) == 1
