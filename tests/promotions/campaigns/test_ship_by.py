"""A campaign period may set its own ship-by time (RULES.md §7.3: big promotions' special pickup rules)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from shopkeeper.clock import SimulatedClock
from support import Shop

HOUR = timedelta(hours=1)


def at(month: int, day: int, hour: int = 0) -> str:
    return datetime(2026, month, day, hour, tzinfo=timezone.utc).isoformat()


def campaign_body(**overrides: Any) -> dict[str, Any]:
    """A store campaign 3–5 Nov on the test clock (which starts at 2 Nov 09:00 UTC), the whole window its main phase."""
    body: dict[str, Any] = {
        "theme": "双十一 Double 11", "starts_at": at(11, 3), "ends_at": at(11, 5), "phases": [],
        "discount": "0", "basis": "last_n_days", "basis_days": 30, "earns_points": False, "stacking": "coupons_only",
        "per_account_limit": None, "stock_check": "product", "min_stock": 0,
    }
    body.update(overrides)
    return body


def sign_up(shop: Shop, campaign: dict[str, Any], prices: dict[int, str]) -> Any:
    skus = [{"sku_id": s, "price": p} for s, p in prices.items()]
    return shop.staff.post(f"/campaigns/{campaign['id']}/entries",
                           {"product_id": shop.product["id"], "tier": "main_hit", "skus": skus}, expect=201)


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_an_order_with_a_campaign_price_ships_within_the_campaigns_hours(shop: Shop, clock: SimulatedClock) -> None:
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, ship_within_hours=24), expect=201)
    assert campaign["ship_within_hours"] == 24
    entry = sign_up(shop, campaign, {shop.skus[0]: "49.90"})
    assert entry["status"] == "accepted", entry
    clock.advance(days=1, hours=1)  # 3 Nov 10:00: the campaign runs
    order = shop.order((shop.skus[0], 1), (shop.skus[1], 1))
    assert any(d["promotion"] == f"campaign-entry:{entry['id']}" for d in order["lines"][0]["discounts"]), order["lines"]
    shop.pay(order)
    paid = shop.staff.get(f"/orders/{order['id']}")
    assert when(paid["ship_by"]) == when(paid["paid_at"]) + 24 * HOUR  # not Taobao's 72 h

    # the other SKU alone carries no campaign price: the rulebook's 72 h
    plain = shop.order((shop.skus[1], 1))
    shop.pay(plain)
    plain = shop.staff.get(f"/orders/{plain['id']}")
    assert when(plain["ship_by"]) == when(plain["paid_at"]) + 72 * HOUR


def test_ship_within_hours_is_optional_and_positive(shop: Shop) -> None:
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id), expect=201)
    assert campaign["ship_within_hours"] is None
    refused = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, ship_within_hours=0), expect=422)
    assert refused["status"] == 422
