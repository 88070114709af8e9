"""Promotions, coupons, a campaign and a discounted order, put in through the REST API.

Shared by the console's HTTP tests (tests/console) and its browser test
(tests/browser/test_console_promotions.py), so both look at what the engine
really wrote. `api` is an operator `Api` over any HTTP client with the app
behind it (a TestClient, or httpx against a live server).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from support import Api, Shop


def at(month: int, day: int, hour: int = 0) -> str:
    return datetime(2026, month, day, hour, tzinfo=timezone.utc).isoformat()


@dataclass(frozen=True)
class Seeded:
    a: Shop
    b: Shop
    reduction: dict[str, Any]    # store A: 满100减10 / 满200减30
    member: dict[str, Any]       # store A: gold member price the buyer does not reach
    second: dict[str, Any]       # store A: 2nd unit half price on the blue tee
    flash: dict[str, Any]        # store A: flash sale with caps, tags and exclusions
    shipping: dict[str, Any]     # store A: free shipping from 2 items
    gift: dict[str, Any]         # store A: spend ¥100, get a blue tee
    platform: dict[str, Any]     # platform: every ¥200 take ¥30, at most ¥90
    b_promo: dict[str, Any]      # store B's own
    coupon: dict[str, Any]       # store A: claimable 满100减20... used by the order
    code: dict[str, Any]         # store A: code coupon KOL2026
    voucher: dict[str, Any]      # platform free-shipping voucher
    b_coupon: dict[str, Any]     # store B's own
    order: dict[str, Any]        # store A, discounted by several promotions, with a gift line
    b_order: dict[str, Any]      # store B, no promotion
    campaign: dict[str, Any]     # store A, Double 11 with phases
    accepted: dict[str, Any]     # its accepted entry
    rejected: dict[str, Any]     # its rejected entry
    platform_campaign: dict[str, Any]
    b_campaign: dict[str, Any]


def seed(api: Api) -> Seeded:
    a, b = Shop(api), Shop(api, rulebook="tmall")
    red, blue = a.skus
    store = a.store_id

    def promo(shop: Shop, body: dict[str, Any]) -> dict[str, Any]:
        return shop.staff.post("/promotions", {"store_id": shop.store_id, **body}, expect=201)

    reduction = promo(a, {"open_ended": True, "name": "满100减10 / 满200减30", "kind": "threshold_reduction", "benefit": {
        "type": "reduction", "tiers": [{"threshold": "100", "amount_off": "10"}, {"threshold": "200", "amount_off": "30"}]}})
    member = promo(a, {"name": "金卡价", "kind": "member_price", "benefit": {"type": "unit_price", "price": "49.90"},
                       "open_ended": True, "scope": {"level": "sku", "ids": [red]}, "audience": {"min_member_level": "gold"}})
    second = promo(a, {"open_ended": True, "name": "第二件半价", "kind": "second_unit", "scope": {"level": "sku", "ids": [blue]},
                       "benefit": {"type": "nth_unit", "every": 2, "percent_off": "0.5"}})
    flash = promo(a, {"name": "限量秒杀", "kind": "flash_sale", "tags": ["flash_sale"], "excludes_tags": ["juhuasuan"],
                      "priority": 5, "stacking": "exclusive", "benefit": {"type": "unit_price", "price": "9.90"},
                      "scope": {"level": "sku", "ids": [red]}, "units_cap": 100, "per_buyer_units": 2, "first_n_buyers": 50,
                      "starts_at": at(11, 11), "ends_at": at(11, 12)})
    shipping = promo(a, {"open_ended": True, "name": "满2件包邮", "kind": "free_shipping",
                         "benefit": {"type": "free_shipping", "threshold": "2", "basis": "quantity"}})
    gift = promo(a, {"open_ended": True, "name": "满100送T恤", "kind": "threshold_gift",
                     "benefit": {"type": "gift", "sku_id": blue, "threshold": "100"}})
    platform = api.post("/promotions", {"name": "跨店每满200减30", "kind": "cross_store_reduction", "currency": "CNY",
                                        "open_ended": True, "scope": {"level": "platform"}, "benefit": {
                                            "type": "reduction", "every": "200", "cap": "90",
                                            "tiers": [{"threshold": "200", "amount_off": "30"}]}}, expect=201)
    b_promo = promo(b, {"open_ended": True, "name": "B店满50减5", "kind": "threshold_reduction",
                        "benefit": {"type": "reduction", "tiers": [{"threshold": "50", "amount_off": "5"}]}})

    coupon = a.staff.post("/coupons", {"store_id": store, "name": "店铺券 满100减20", "kind": "threshold", "threshold": "100",
                                       "open_ended": True,
                                       "amount_off": "20", "total_quantity": 100, "per_buyer_limit": 2, "valid_days": 7},
                          expect=201)
    code = a.staff.post("/coupons", {"store_id": store, "name": "KOL 9折", "kind": "percent", "percent_off": "0.1",
                                     "open_ended": True,
                                     "code": "kol2026", "total_quantity": 2, "valid_until": at(11, 30)}, expect=201)
    voucher = api.post("/coupons", {"open_ended": True, "name": "平台包邮券", "kind": "free_shipping", "currency": "CNY",
                                    "scope": {"level": "platform"}, "valid_days": 3}, expect=201)
    b_coupon = b.staff.post("/coupons", {"store_id": b.store_id, "name": "B店无门槛5元", "kind": "cash", "amount_off": "5",
                                         "open_ended": True, "valid_days": 30}, expect=201)
    a.shopper.post(f"/coupons/{coupon['id']}/claim", expect=201)

    order = a.order((red, 3), (blue, 2))
    b_order = b.order((b.skus[0], 1))

    campaign = a.staff.post("/campaigns", {
        "store_id": store, "theme": "双十一 Double 11", "goals": ["conversion"], "notes": "main items in stock",
        "starts_at": at(11, 3), "ends_at": at(11, 20),
        "phases": [{"name": "warm_up", "starts_at": at(11, 3), "ends_at": at(11, 11)},
                   {"name": "main", "starts_at": at(11, 11), "ends_at": at(11, 13)},
                   {"name": "review", "starts_at": at(11, 13), "ends_at": at(11, 20)}],
        "discount": "0.15", "basis": "last_n_days", "basis_days": 30, "earns_points": False, "stacking": "coupons_only",
        "per_account_limit": 2, "stock_check": "lowest_price_sku", "min_stock": 50}, expect=201)

    def sign_up(prices: dict[int, str]) -> dict[str, Any]:
        return a.staff.post(f"/campaigns/{campaign['id']}/entries", {
            "product_id": a.product["id"], "tier": "main_hit",
            "skus": [{"sku_id": s, "price": p} for s, p in prices.items()]}, expect=201)

    accepted = sign_up({red: "49.90", blue: "55.00"})
    rejected = sign_up({red: "58.00"})
    platform_campaign = api.post("/campaigns", {
        "theme": "Platform week", "starts_at": at(11, 1), "ends_at": at(11, 8), "discount": "0.1",
        "basis": "calendar_year", "earns_points": True, "stacking": "stacks", "per_account_limit": None}, expect=201)
    b_campaign = b.staff.post("/campaigns", {
        "store_id": b.store_id, "theme": "B店周年庆", "starts_at": at(11, 5), "ends_at": at(11, 9), "discount": "0.1",
        "basis": "last_n_days", "basis_days": 7, "earns_points": True, "stacking": "stacks", "per_account_limit": 1},
        expect=201)
    return Seeded(a=a, b=b, reduction=reduction, member=member, second=second, flash=flash, shipping=shipping, gift=gift,
                  platform=platform, b_promo=b_promo, coupon=coupon, code=code, voucher=voucher, b_coupon=b_coupon,
                  order=order, b_order=b_order, campaign=campaign, accepted=accepted, rejected=rejected,
                  platform_campaign=platform_campaign, b_campaign=b_campaign)
