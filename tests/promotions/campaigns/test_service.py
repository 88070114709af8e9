"""What pricing sees: accepted entries become activity-price promotions during the main phase only."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from shopkeeper.db import Database
from shopkeeper.promotions.campaigns.service import live_campaign_promotions
from shopkeeper.promotions.engine.benefits import UnitPrice
from shopkeeper.promotions.engine.terms import Audience, Promotion, Scope
from support import Api, Shop


def utc(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=timezone.utc)


def campaign_body(**overrides: Any) -> dict[str, Any]:
    """Warm-up from 3 Nov, main phase 11–13 Nov, review to 20 Nov (the test clock starts on 2 Nov)."""
    def phase(name: str, start: datetime, end: datetime) -> dict[str, str]:
        return {"name": name, "starts_at": start.isoformat(), "ends_at": end.isoformat()}
    return {"theme": "双十一 Double 11", "starts_at": utc(11, 3).isoformat(), "ends_at": utc(11, 20).isoformat(),
            "phases": [phase("warm_up", utc(11, 3), utc(11, 11)), phase("main", utc(11, 11), utc(11, 13)),
                       phase("review", utc(11, 13), utc(11, 20))],
            "discount": "0.15", "basis": "last_n_days", "basis_days": 30, "earns_points": False,
            "stacking": "coupons_only", "per_account_limit": 2, "stock_check": "lowest_price_sku", "min_stock": 50, **overrides}


def sign_up(who: Api, campaign: dict[str, Any], product_id: int, prices: dict[int, str], tier: str = "main_hit") -> Any:
    skus = [{"sku_id": s, "price": p} for s, p in prices.items()]
    return who.post(f"/campaigns/{campaign['id']}/entries", {"product_id": product_id, "tier": tier, "skus": skus}, expect=201)


def live(db: Database, store_id: int, now: datetime) -> list[Promotion]:
    with db.read() as session:
        return live_campaign_promotions(session, store_id, now)


def test_an_accepted_entry_is_a_promotion_during_the_main_phase_only(shop: Shop, db: Database) -> None:
    red, blue = shop.skus
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, audience={"kind": "min_level", "min_member_level": "silver"}),
                               expect=201)
    entry = sign_up(shop.staff, campaign, shop.product["id"], {red: "50.91", blue: "55.25"}, tier="activity_item")
    assert entry["status"] == "accepted"
    sign_up(shop.staff, campaign, shop.product["id"], {red: "50.00"})  # rejected (already in): never offered

    assert live(db, shop.store_id, utc(11, 10, 23)) == []  # warm-up
    [promo] = live(db, shop.store_id, utc(11, 11))
    assert promo.id == entry["id"] and promo.name == "双十一 Double 11" and promo.kind == "campaign"
    assert promo.benefit == UnitPrice(prices={red: 5091, blue: 5525})
    assert promo.scope == Scope("sku", shop.store_id, frozenset({red, blue}))
    assert promo.audience == Audience(min_member_level="silver")
    assert (promo.stacking, promo.earns_points, promo.allowance) == ("coupons_only", False, 2)
    assert promo.tags == frozenset({"campaign", f"campaign:{campaign['id']}"})
    assert (promo.starts_at, promo.ends_at) == (utc(11, 11), utc(11, 13))
    assert live(db, shop.store_id, utc(11, 12, 23))
    assert live(db, shop.store_id, utc(11, 13)) == []  # review


def test_platform_campaign_entries_go_to_their_own_store_and_stop_when_cancelled(api: Api, shop: Shop, db: Database) -> None:
    other = Shop(api)
    platform = api.post("/campaigns", campaign_body(discount="0", min_stock=0, audience={"kind": "new_customers"}), expect=201)
    mine = sign_up(shop.staff, platform, shop.product["id"], {shop.skus[0]: "49.00"})
    theirs = sign_up(other.staff, platform, other.product["id"], {other.skus[1]: "60.00"})
    assert [p.id for p in live(db, shop.store_id, utc(11, 12))] == [mine["id"]]
    [promo] = live(db, other.store_id, utc(11, 12))
    assert (promo.id, promo.audience, promo.benefit) == (theirs["id"], Audience(customer="new"), UnitPrice(prices={other.skus[1]: 6000}))
    api.post(f"/campaigns/{platform['id']}/cancel")
    assert live(db, shop.store_id, utc(11, 12)) == [] and live(db, other.store_id, utc(11, 12)) == []
