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
    """The shop's product signs up to the campaign as its main hit, at these SKU prices."""
    skus = [{"sku_id": s, "price": p} for s, p in prices.items()]
    return shop.staff.post(f"/campaigns/{campaign['id']}/entries",
                           {"product_id": shop.product["id"], "tier": "main_hit", "skus": skus}, expect=201)


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_an_order_with_a_campaign_price_ships_within_the_campaigns_hours(shop: Shop, clock: SimulatedClock) -> None:
    # given a Taobao store's campaign promising shipping within 24 hours, one SKU signed up at 49.90
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, ship_within_hours=24), expect=201)
    assert campaign["ship_within_hours"] == 24
    entry = sign_up(shop, campaign, {shop.skus[0]: "49.90"})
    assert entry["status"] == "accepted", entry
    # when, on 3 Nov 10:00 while the campaign runs, a buyer orders that SKU with another and pays
    clock.advance(days=1, hours=1)
    order = shop.order((shop.skus[0], 1), (shop.skus[1], 1))
    assert any(d["promotion"] == f"campaign-entry:{entry['id']}" for d in order["lines"][0]["discounts"]), order["lines"]
    shop.pay(order)
    # then the order must ship within the campaign's 24 hours, not Taobao's 72
    paid = shop.staff.get(f"/orders/{order['id']}")
    assert when(paid["ship_by"]) == when(paid["paid_at"]) + 24 * HOUR

    # when the other SKU is ordered alone, carrying no campaign price
    plain = shop.order((shop.skus[1], 1))
    shop.pay(plain)
    # then the rulebook's 72 hours stand
    plain = shop.staff.get(f"/orders/{plain['id']}")
    assert when(plain["ship_by"]) == when(plain["paid_at"]) + 72 * HOUR


def test_ship_within_hours_is_optional_and_positive(shop: Shop) -> None:
    # given a campaign set up without ship-by hours, then it has none and the rulebook decides
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id), expect=201)
    assert campaign["ship_within_hours"] is None
    # when a campaign asks orders to ship within 0 hours, then it is refused as invalid input
    refused = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, ship_within_hours=0), expect=422)
    assert refused["status"] == 422
