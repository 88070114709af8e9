"""Caps hold under 100 concurrent requests, on SQLite and PostgreSQL: coupon totals, per-buyer limits, first-N buyers."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select, update

from shopkeeper.db import Database
from shopkeeper.promotions.models import Coupon, CouponTemplate, PromotionRow, PromotionUse
from shopkeeper.settings import Settings
from support import Api, Shop

REQUESTS = 100


@pytest.fixture
def settings(db: Database) -> Settings:
    """These races test the database's exactness, not the claims-per-minute limit in front of it (test_rate_limits.py)."""
    return Settings(database_url=db.url, coupon_claims_per_minute=10 * REQUESTS)


def race(calls: list[tuple[Api, str, dict[str, Any] | None]]) -> Counter[tuple[int, str]]:
    def attempt(call: tuple[Api, str, dict[str, Any] | None]) -> tuple[int, str]:
        who, path, body = call
        response = who.client.post(f"/api/v1{path}", headers={"Authorization": f"Bearer {who.key}"}, json=body)
        return response.status_code, response.json().get("code", "")

    with ThreadPoolExecutor(max_workers=32) as pool:
        return Counter(pool.map(attempt, calls))


def test_100_buyers_racing_for_10_coupons_get_exactly_10(shop: Shop, db: Database) -> None:
    coupon = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "限量10张", "kind": "cash", "amount_off": "5",
                                          "open_ended": True, "total_quantity": 10, "valid_days": 3}, expect=201)
    buyers = [shop.new_buyer(f"buyer {n}")[2] for n in range(25)]
    outcomes = race([(buyers[n % len(buyers)], f"/coupons/{coupon['id']}/claim", None) for n in range(REQUESTS)])
    assert outcomes[(201, "")] == 10
    assert sum(n for (status, _), n in outcomes.items() if status == 409) == REQUESTS - 10
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Coupon)) == 10
        assert session.scalar(select(CouponTemplate.issued)) == 10


def test_one_buyer_sending_100_claims_gets_the_per_buyer_limit(shop: Shop, db: Database) -> None:
    coupon = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "每人限2张", "kind": "cash", "amount_off": "5",
                                          "open_ended": True, "per_buyer_limit": 2, "valid_days": 3}, expect=201)
    outcomes = race([(shop.shopper, f"/coupons/{coupon['id']}/claim", None)] * REQUESTS)
    assert outcomes == {(201, ""): 2, (409, "coupon-limit-reached"): REQUESTS - 2}
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Coupon)) == 2
        assert session.scalar(select(CouponTemplate.issued)) == 2  # refused claims rolled back their count


def test_first_5_buyers_half_price_exact_under_100_concurrent_orders(shop: Shop, db: Database) -> None:
    """前N名半价 (RULES.md §3.6.1, family 1): the first 5 buyers, one unit each, and nobody else."""
    promo = shop.staff.post("/promotions", {"store_id": shop.store_id, "name": "前5名半价", "kind": "first_n_price",
                                            "open_ended": True, "benefit": {"type": "unit_price", "percent_off": "0.5"},
                                            "scope": {"level": "sku", "ids": [shop.skus[1]]},
                                            "first_n_buyers": 5, "per_buyer_units": 1}, expect=201)
    buyers = [shop.new_buyer(f"buyer {n}") for n in range(REQUESTS)]
    calls = [(who, "/orders", {"store_id": shop.store_id, "address_id": address["id"],
                               "lines": [{"sku_id": shop.skus[1], "quantity": 1}]}) for _, address, who in buyers]
    outcomes = race(calls)
    assert outcomes == {(201, ""): REQUESTS}
    orders = shop.operator.get(f"/orders?store_id={shop.store_id}&limit=200")["items"]
    half_price = [o for o in orders if o["lines"][0]["payable"]["minor"] == 3250]
    assert len(half_price) == 5
    assert all(o["lines"][0]["payable"]["minor"] == 6500 for o in orders if o not in half_price)
    assert len({o["buyer_id"] for o in half_price}) == 5
    with db.read() as session:
        assert session.scalar(select(PromotionRow.buyers_used).where(PromotionRow.id == promo["id"])) == 5
        assert session.scalar(select(func.count()).select_from(PromotionUse)) == 5


def test_one_buyer_racing_for_a_per_buyer_limit_never_exceeds_it(shop: Shop, db: Database) -> None:
    """限购2件: 100 concurrent orders from one buyer take the promotion price on 2 units in all."""
    promo = shop.staff.post("/promotions", {"open_ended": True, "store_id": shop.store_id, "name": "限购2件", "kind": "limited_time",
                                            "benefit": {"type": "unit_price", "price": "19.90"},
                                            "scope": {"level": "sku", "ids": [shop.skus[0]]}, "per_buyer_units": 2}, expect=201)
    body = {"store_id": shop.store_id, "address_id": shop.address["id"], "lines": [{"sku_id": shop.skus[0], "quantity": 1}]}
    assert race([(shop.shopper, "/orders", body)] * REQUESTS) == {(201, ""): REQUESTS}
    with db.read() as session:
        taken = session.scalar(select(func.sum(PromotionUse.units)).where(PromotionUse.promotion_id == promo["id"]))
    assert taken == 2
    orders = shop.shopper.get(f"/orders?store_id={shop.store_id}&limit=200")["items"]
    assert sorted(o["lines"][0]["payable"]["minor"] for o in orders)[:3] == [1990, 1990, 5990]


def test_a_checkout_never_waits_on_an_uncapped_promotions_row(shop: Shop, db: Database) -> None:
    """A store-wide 满减 has no cap to check: each checkout counts it in a row of its own, so none queues behind
    another on the promotion (a hot row under a peak-day crowd)."""
    if not db.url.startswith("postgresql"):
        pytest.skip("SQLite locks the whole database for each writer; row locks are PostgreSQL's")
    promo = shop.staff.post("/promotions", {"store_id": shop.store_id, "name": "满1减1", "kind": "threshold_reduction",
                                            "open_ended": True, "benefit": {"type": "reduction", "tiers": [
                                                {"threshold": "1", "amount_off": "1"}]}}, expect=201)
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        # given another transaction that has updated the promotion's row and not yet committed
        with db.transaction() as session:
            session.execute(update(PromotionRow).where(PromotionRow.id == promo["id"]).values(priority=PromotionRow.priority))
            # when a buyer checks out with the 满减 meanwhile, then the order is placed without waiting for it
            order = pool.submit(shop.order, (shop.skus[0], 2)).result(timeout=30)
    finally:
        pool.shutdown(wait=True)
    assert order["discount"]["minor"] == 100
    # and the promotion counts the 2 units it sold
    assert shop.staff.get(f"/promotions/{promo['id']}")["units_used"] == 2
