"""Promotions and coupons through the API: the priced cart, checkout, and what an order takes and gives back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from shopkeeper.db import Database
from shopkeeper.money import largest_remainder_allocate
from shopkeeper.promotions.models import PromotionRow
from support import START, Api, Shop


def cart_of(shop: Shop, *lines: tuple[int, int]) -> int:
    cart = {}
    for sku, quantity in lines:
        cart = shop.shopper.post(f"/stores/{shop.store_id}/cart/items", {"sku_id": sku, "quantity": quantity})
    return int(cart["id"])


def reduction(shop: Shop, tiers: list[tuple[str, str]], **extra: object) -> dict:
    return shop.staff.post("/promotions", {
        "open_ended": "ends_at" not in extra, "store_id": shop.store_id, "name": "满100减10 / 满200减30", "kind": "threshold_reduction",
        "benefit": {"type": "reduction", "tiers": [{"threshold": t, "amount_off": a} for t, a in tiers]}, **extra}, expect=201)


def test_priced_cart_explains_every_promotion_and_hints_the_next_threshold(shop: Shop) -> None:
    """RULES.md §3.6 满减 (family 8): 满100减10 / 满200减30, with the 凑单 hint."""
    # given 满100减10 / 满200减30 and a member price the buyer's level does not reach
    reduction(shop, [("100", "10"), ("200", "30")])
    shop.staff.post("/promotions", {"open_ended": True, "store_id": shop.store_id, "name": "金卡价", "kind": "member_price",
                                    "benefit": {"type": "unit_price", "price": "49.90"},
                                    "scope": {"level": "sku", "ids": [shop.skus[0]]},
                                    "audience": {"min_member_level": "gold"}}, expect=201)
    # when the cart holds ¥59.90 × 2 + ¥65.00 = ¥184.80
    cart = cart_of(shop, (shop.skus[0], 2), (shop.skus[1], 1))
    priced = shop.shopper.post(f"/carts/{cart}/price", {"lang": "en"})
    # then ¥10 comes off, the member price is refused with its reason, and ¥15.20 more would save ¥20 more
    assert priced["goods"]["amount"] == "184.80"
    assert priced["discount"]["amount"] == "10.00"
    by_name = {p["name"]: p for p in priced["promotions"]}
    assert by_name["满100减10 / 满200减30"]["applied"] and by_name["满100减10 / 满200减30"]["amount"]["minor"] == 1000
    assert by_name["金卡价"]["reason"] == "member_level_too_low"
    assert "member level too low" in by_name["金卡价"]["message"]
    assert priced["hint"]["short"] == 1520 and priced["hint"]["saves"]["minor"] == 2000
    assert priced["hint"]["message"] == "Add ¥15.20 to save ¥20.00 more"
    # and each line carries its largest-remainder share, summing to the discount
    assert sum(a["amount"]["minor"] for line in priced["lines"] for a in line["discounts"]) == 1000
    assert priced["payable"]["minor"] == 18480 - 1000 + sum(s["payable"]["minor"] for s in priced["shipping"])


def test_checkout_stores_the_engine_decision_and_line_amounts(shop: Shop) -> None:
    reduction(shop, [("100", "10")])
    order = shop.order((shop.skus[0], 2))  # ¥119.80 → ¥10 off
    assert order["discount"]["minor"] == 1000
    assert order["total"]["minor"] == 11980 - 1000 + order["shipping"]["minor"]
    line = order["lines"][0]
    assert (line["line_total"]["minor"], line["discount"]["minor"], line["payable"]["minor"]) == (11980, 1000, 10980)
    assert line["discounts"] == [{"promotion": line["discounts"][0]["promotion"], "funder": "store", "minor": 1000}]
    applied = [v for v in order["pricing"]["verdicts"] if v["applied"]]
    assert [v["name"] for v in applied] == ["满100减10 / 满200减30"]
    assert shop.shopper.get(f"/orders/{order['id']}")["pricing"] == order["pricing"]


def test_claimed_coupon_is_locked_by_an_order_and_comes_back_when_it_closes_unpaid(shop: Shop, api: Api, client, clock) -> None:
    """A cancelled unpaid order gives its coupon back (issue: coupons)."""
    coupon = shop.staff.post("/coupons", {"open_ended": True, "store_id": shop.store_id, "name": "满100减20", "kind": "threshold",
                                          "threshold": "100", "amount_off": "20", "valid_days": 7}, expect=201)
    held = shop.shopper.post(f"/coupons/{coupon['id']}/claim", expect=201)
    assert held["status"] == "available" and held["valid_until"].startswith((START + timedelta(days=7)).date().isoformat())

    order = shop.order((shop.skus[1], 2))  # ¥130.00: the coupon applies
    assert order["discount"]["minor"] == 2000
    assert shop.shopper.get("/me/coupons")[0]["status"] == "locked"

    # when the payment window passes
    clock.advance(timedelta(days=2))
    api.post("/timers/run")
    # then the order is closed and the coupon is back in the wallet
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "closed"
    wallet = shop.shopper.get("/me/coupons")
    assert [(c["id"], c["status"], c["order_id"]) for c in wallet] == [(held["id"], "available", None)]


def test_a_paid_order_spends_its_coupon(shop: Shop) -> None:
    coupon = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "无门槛5元", "kind": "cash", "amount_off": "5",
                                          "open_ended": True, "valid_days": 30}, expect=201)
    shop.shopper.post(f"/coupons/{coupon['id']}/claim", expect=201)
    order = shop.order((shop.skus[0], 1))
    shop.pay(order)
    assert shop.shopper.get("/me/coupons")[0]["status"] == "used"


def test_code_coupon_is_claimed_at_checkout_and_counts_against_its_total(shop: Shop) -> None:
    """达人推广码: an influencer code, 10% off, 2 uses in all."""
    shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "KOL 9折", "kind": "percent", "percent_off": "0.1",
                                 "open_ended": True, "code": "kol2026", "total_quantity": 2, "valid_days": 1}, expect=201)
    body = {"store_id": shop.store_id, "address_id": shop.address["id"], "lines": [{"sku_id": shop.skus[1], "quantity": 1}],
            "codes": ["KOL2026"]}
    order = shop.shopper.post("/orders", body, expect=201)
    assert order["discount"]["minor"] == 650  # 10% of ¥65.00
    _, address, other = shop.new_buyer("Han Meimei")
    other.post("/orders", {**body, "address_id": address["id"]}, expect=201)
    _, address, third = shop.new_buyer("Wei Hua")
    refused = third.post("/orders", {**body, "address_id": address["id"]}, expect=409)
    assert refused["code"] == "coupon-unavailable" and "used up" in refused["detail"]


def test_threshold_gift_reserves_the_gift_stock(shop: Shop) -> None:
    """满送: spend ¥100, get the blue tee free; the gift is an order line at zero that reserves stock."""
    shop.staff.post("/promotions", {"open_ended": True, "store_id": shop.store_id, "name": "满100送T恤", "kind": "threshold_gift",
                                    "benefit": {"type": "gift", "sku_id": shop.skus[1], "threshold": "100"}}, expect=201)
    order = shop.order((shop.skus[0], 2))
    gift = [line for line in order["lines"] if line["gift"]]
    assert len(gift) == 1 and gift[0]["sku_id"] == shop.skus[1] and gift[0]["payable"]["minor"] == 0
    assert order["total"]["minor"] == 11980 + order["shipping"]["minor"]
    assert shop.stock(shop.skus[1])["reserved"] == 1


def test_flash_sale_cap_prices_only_the_capped_units(shop: Shop, db: Database) -> None:
    """限量秒杀: 3 units at ¥9.90; a buyer asking for 5 pays the flash price on the units left."""
    flash = shop.staff.post("/promotions", {"store_id": shop.store_id, "name": "秒杀", "kind": "flash_sale", "tags": ["flash_sale"],
                                            "open_ended": True, "benefit": {"type": "unit_price", "price": "9.90"},
                                            "scope": {"level": "sku", "ids": [shop.skus[0]]}, "units_cap": 3}, expect=201)
    first = shop.order((shop.skus[0], 2))
    assert first["lines"][0]["payable"]["minor"] == 2 * 990
    _, address, other = shop.new_buyer("Han Meimei")
    second = shop.order((shop.skus[0], 5), shopper=other, address=address)
    assert second["lines"][0]["payable"]["minor"] == 990 + 4 * 5990  # one flash unit left, four at list
    assert shop.staff.get(f"/promotions/{flash['id']}")["units_used"] == 3
    with db.read() as session:
        assert session.scalar(select(PromotionRow.units_used).where(PromotionRow.id == flash["id"])) == 3


def test_platform_funded_discount_is_paid_back_to_the_store_on_completion(shop: Shop, api: Api) -> None:
    """跨店满减: funded by the platform, so the store's balance receives the list price."""
    api.post("/promotions", {"open_ended": True, "name": "跨店每满200减30", "kind": "cross_store_reduction", "currency": "CNY",
                             "scope": {"level": "platform"},
                             "benefit": {"type": "reduction", "every": "200", "tiers": [{"threshold": "200", "amount_off": "30"}]}},
             expect=201)
    order = shop.order((shop.skus[1], 4))  # ¥260.00 → ¥30 off, platform-funded
    assert order["discount"]["minor"] == 3000
    assert {a["funder"] for line in order["lines"] for a in line["discounts"]} == {"platform"}
    shop.pay(order)
    shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "SF", "tracking_number": "SF1"})
    shop.shopper.post(f"/orders/{order['id']}/receipt")
    balance = shop.staff.get(f"/stores/{shop.store_id}/balance")
    assert balance["store_balance"]["minor"] == order["total"]["minor"] + 3000


def test_points_plus_cash_spends_points_and_a_closed_order_returns_them(shop: Shop, api: Api, clock) -> None:
    """淘金币价: ¥39.90 + 100 points."""
    api.post(f"/buyers/{shop.buyer['id']}/points", {"delta": 250, "reason": "gift"})
    shop.staff.post("/promotions", {"open_ended": True, "store_id": shop.store_id, "name": "金币价", "kind": "points_price",
                                    "benefit": {"type": "points_price", "cash": "39.90", "points": 100},
                                    "scope": {"level": "sku", "ids": [shop.skus[0]]}}, expect=201)
    order = shop.order((shop.skus[0], 3))  # points for two units only
    assert order["points_spent"] == 200
    assert order["lines"][0]["payable"]["minor"] == 2 * 3990 + 5990
    assert shop.shopper.get(f"/buyers/{shop.buyer['id']}/points")["balance"] == 50
    shop.shopper.post(f"/orders/{order['id']}/cancel")
    assert shop.shopper.get(f"/buyers/{shop.buyer['id']}/points")["balance"] == 250


def test_points_earned_are_credited_when_the_order_completes(shop: Shop) -> None:
    order = shop.order((shop.skus[1], 1))
    assert order["points_earned"] == (6500 + order["shipping"]["minor"] * 0) // 100  # goods paid, 1 point per yuan
    shop.pay(order)
    shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "SF", "tracking_number": "SF2"})
    shop.shopper.post(f"/orders/{order['id']}/receipt")
    assert shop.shopper.get(f"/buyers/{shop.buyer['id']}/points")["balance"] == 65


def test_pause_resume_end(shop: Shop) -> None:
    promo = reduction(shop, [("100", "10")])
    assert shop.staff.post(f"/promotions/{promo['id']}/pause")["status"] == "paused"
    assert shop.order((shop.skus[0], 2))["discount"]["minor"] == 0
    assert shop.staff.post(f"/promotions/{promo['id']}/resume")["status"] == "active"
    assert shop.staff.post(f"/promotions/{promo['id']}/end")["status"] == "ended"
    refused = shop.staff.post(f"/promotions/{promo['id']}/resume", expect=409)
    assert refused["code"] == "not-allowed-in-state"
    listed = shop.staff.get(f"/promotions?store_id={shop.store_id}")
    assert [p["id"] for p in listed["items"]] == [promo["id"]]


def test_bad_promotions_are_refused_and_nothing_is_written(shop: Shop, api: Api, db: Database) -> None:
    other = api.post("/stores", {"name": "other", "rulebook": "taobao", "currency": "CNY"}, expect=201)
    cases = [
        ({"benefit": {"type": "unit_price", "price": "1"}, "scope": {"level": "sku", "ids": [10**9]}}, 422),
        ({"benefit": {"type": "unit_price"}}, 422),
        ({"benefit": {"type": "reduction", "tiers": [{"threshold": "100", "amount_off": "10.001"}]}}, 422),
        ({"benefit": {"type": "nth_unit", "every": 1, "percent_off": "0.5"}}, 422),
        ({"benefit": {"type": "unit_price", "percent_off": "1.5"}}, 422),
        ({"benefit": {"type": "gift", "sku_id": shop.skus[0]}, "store_id": other["id"]}, 404),
        ({"benefit": {"type": "reduction", "tiers": [{"threshold": "1", "amount_off": "1"}]},
          "starts_at": "2026-12-01T00:00:00Z", "ends_at": "2026-11-01T00:00:00Z"}, 422),
    ]
    for extra, status in cases:
        body = {"store_id": shop.store_id, "name": "bad", "open_ended": "ends_at" not in extra, **extra}
        problem = shop.staff.post("/promotions", body, expect=status)
        assert problem["status"] == status
    shop.shopper.post("/promotions", {"store_id": shop.store_id, "name": "mine", "benefit": {"type": "free_shipping"},
                                      "open_ended": True}, expect=403)
    with db.read() as session:
        assert session.scalars(select(PromotionRow)).all() == []


def test_a_category_promotion_covers_its_subcategories(shop: Shop) -> None:
    tea = shop.staff.post(f"/stores/{shop.store_id}/categories", {"name": "茶叶", "name_en": "Tea"}, expect=201)
    green = shop.staff.post(f"/stores/{shop.store_id}/categories", {"name": "绿茶", "name_en": "Green tea", "parent_id": tea["id"]},
                            expect=201)
    product = shop.staff.post(f"/stores/{shop.store_id}/products", {
        "title": "龙井", "category_id": green["id"], "skus": [{"code": "LJ-50", "price": "100.00"}]}, expect=201)
    sku = product["skus"][0]["id"]
    shop.staff.post(f"/skus/{sku}/stock", {"warehouse_id": shop.warehouse["id"], "quantity": 5})
    shop.staff.post("/promotions", {"open_ended": True, "store_id": shop.store_id, "name": "茶叶8折", "kind": "discount",
                                    "benefit": {"type": "unit_price", "percent_off": "0.2"},
                                    "scope": {"level": "category", "ids": [tea["id"]]}}, expect=201)
    order = shop.order((sku, 1), (shop.skus[0], 1))
    assert [line["discount"]["minor"] for line in order["lines"] if line["sku_id"] == sku] == [2000]
    assert order["discount"]["minor"] == 2000  # the tee is not tea


def test_campaign_price_applies_in_the_main_phase_within_the_per_account_limit(shop: Shop, clock) -> None:
    """RULES.md §3.1 #6: activity price, no points, a purchase cap per account (here 2 units)."""
    def at(day: int) -> str:
        return f"2026-11-{day:02d}T00:00:00Z"

    campaign = shop.staff.post("/campaigns", {
        "store_id": shop.store_id, "theme": "双十一", "goals": ["conversion"], "starts_at": at(3), "ends_at": at(20),
        "phases": [{"name": "warm_up", "starts_at": at(3), "ends_at": at(11)}, {"name": "main", "starts_at": at(11), "ends_at": at(13)}],
        "discount": "0.1", "basis": "last_n_days", "basis_days": 30, "earns_points": False, "stacking": "stacks",
        "per_account_limit": 2, "stock_check": "product", "min_stock": 10}, expect=201)
    entry = shop.staff.post(f"/campaigns/{campaign['id']}/entries", {
        "product_id": shop.product["id"], "tier": "main_hit", "skus": [{"sku_id": shop.skus[1], "price": "49.00"}]}, expect=201)
    assert entry["status"] == "accepted"
    assert shop.order((shop.skus[1], 1))["discount"]["minor"] == 0  # warm-up: not yet
    clock.set(clock.now().replace(month=11, day=11, hour=1))
    first = shop.order((shop.skus[1], 3))
    assert first["lines"][0]["payable"]["minor"] == 2 * 4900 + 6500  # two units at the activity price, the third at list
    assert first["points_earned"] == 0  # the campaign earns no points
    second = shop.order((shop.skus[1], 1))
    assert second["discount"]["minor"] == 0  # the account's two units are used
    shop.shopper.post(f"/orders/{first['id']}/cancel")
    assert shop.order((shop.skus[1], 1))["discount"]["minor"] == 1600  # given back by the cancelled unpaid order


def test_cross_store_checkout_prices_both_carts_together(shop: Shop, api: Api) -> None:
    """跨店满减 (RULES.md §3.6.2, Tmall 2016 Double 11): each store alone is under ¥200, together they reach it."""
    other = Shop(api)  # a second store, with its own buyer we do not use
    api.post("/promotions", {"open_ended": True, "name": "跨店满200减30", "kind": "cross_store_reduction", "currency": "CNY",
                             "scope": {"level": "platform"},
                             "benefit": {"type": "reduction", "tiers": [{"threshold": "200", "amount_off": "30"}]}}, expect=201)
    other.staff.post("/promotions", {"store_id": other.store_id, "name": "店铺满100减5", "kind": "threshold_reduction",
                                     "open_ended": True,
                                     "benefit": {"type": "reduction", "tiers": [{"threshold": "100", "amount_off": "5"}]}},
                     expect=201)
    shop.shopper.post(f"/stores/{shop.store_id}/cart/items", {"sku_id": shop.skus[1], "quantity": 2})  # ¥130.00
    shop.shopper.post(f"/stores/{other.store_id}/cart/items", {"sku_id": other.skus[0], "quantity": 2})  # ¥119.80

    priced = shop.shopper.post("/carts/price", {"store_ids": [shop.store_id, other.store_id], "lang": "en"})
    by_name = {p["name"]: p for p in priced["promotions"]}
    assert by_name["跨店满200减30"]["amount"]["minor"] == 3000  # on ¥130.00 + ¥114.80 = ¥244.80
    assert by_name["店铺满100减5"]["amount"]["minor"] == 500

    placed = shop.shopper.post("/checkout", {"store_ids": [shop.store_id, other.store_id], "address_id": shop.address["id"]},
                               expect=201)["orders"]
    assert [o["store_id"] for o in placed] == sorted([shop.store_id, other.store_id])
    mine, theirs = (placed[0], placed[1]) if placed[0]["store_id"] == shop.store_id else (placed[1], placed[0])
    platform = {o["store_id"]: sum(a["minor"] for line in o["lines"] for a in line["discounts"] if a["funder"] == "platform")
                for o in placed}
    assert sum(platform.values()) == 3000  # split over both stores' lines by largest remainder
    assert [platform[shop.store_id], platform[other.store_id]] == largest_remainder_allocate(3000, [13000, 11480])
    assert theirs["discount"]["minor"] == 500 + platform[other.store_id]
    assert mine["pricing"]["stores"] == sorted([shop.store_id, other.store_id])
    assert shop.shopper.get(f"/stores/{shop.store_id}/cart")["items"] == []
    # one cart missing: refused, nothing ordered
    refused = shop.shopper.post("/checkout", {"store_ids": [shop.store_id], "address_id": shop.address["id"]}, expect=422)
    assert refused["code"] == "invalid-input"


def test_a_higher_tier_must_give_more(shop: Shop) -> None:
    problem = shop.staff.post("/promotions", {"open_ended": True, "store_id": shop.store_id, "name": "backwards", "benefit": {
        "type": "reduction", "tiers": [{"threshold": "100", "amount_off": "20"}, {"threshold": "200", "amount_off": "10"}]}},
        expect=422)
    assert "higher tier" in problem["detail"]


def test_every_promotion_counts_its_units_sold_and_gives_them_back_when_an_order_closes_unpaid(shop: Shop, api: Api,
                                                                                            clock) -> None:
    """Units sold are counted for uncapped promotions too: a price counts its units, a 满减 the units it lowered."""
    # given an uncapped member-free price on the red tee and an uncapped 满100减10
    price = shop.staff.post("/promotions", {"store_id": shop.store_id, "name": "活动价", "kind": "limited_time",
                                            "open_ended": True, "benefit": {"type": "unit_price", "price": "49.90"},
                                            "scope": {"level": "sku", "ids": [shop.skus[0]]}}, expect=201)
    threshold = reduction(shop, [("100", "10")])
    # when one order takes 3 red tees and 1 blue tee (paid), and another 3 red tees
    first = shop.order((shop.skus[0], 3), (shop.skus[1], 1))
    shop.pay(first)
    _, address, other = shop.new_buyer("Han Meimei")
    shop.order((shop.skus[0], 3), shopper=other, address=address)
    # then the price sold 3 + 3 units and the 满减 the 4 + 3 units of the lines it lowered
    assert shop.staff.get(f"/promotions/{price['id']}")["units_used"] == 6
    assert shop.staff.get(f"/promotions/{threshold['id']}")["units_used"] == 7
    # and when the unpaid second order closes, its units are no longer sold
    clock.advance(timedelta(days=2))
    api.post("/timers/run")
    assert shop.staff.get(f"/promotions/{price['id']}")["units_used"] == 3
    assert shop.staff.get(f"/promotions/{threshold['id']}")["units_used"] == 4


def test_a_promotion_past_its_end_is_ended_and_the_ended_filter_finds_it(shop: Shop, clock) -> None:
    """Nobody pressed End: the window closed it. Lists, the filter and the moves all read it as ended."""
    ends = (clock.now() + timedelta(days=1)).isoformat()
    lapsing = reduction(shop, [("100", "10")], ends_at=ends)
    open_ended = reduction(shop, [("200", "30")])
    assert lapsing["status"] == "active"
    clock.advance(timedelta(days=1, minutes=1))
    assert shop.staff.get(f"/promotions/{lapsing['id']}")["status"] == "ended"
    ended = shop.staff.get(f"/promotions?store_id={shop.store_id}&status=ended")["items"]
    active = shop.staff.get(f"/promotions?store_id={shop.store_id}&status=active")["items"]
    assert [p["id"] for p in ended] == [lapsing["id"]]
    assert [p["id"] for p in active] == [open_ended["id"]]
    refused = shop.staff.post(f"/promotions/{lapsing['id']}/pause", expect=409)
    assert refused["code"] == "not-allowed-in-state"
