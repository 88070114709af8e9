"""The §3.3 trigger (RULES.md §3.3: "replenish when stock is more than half sold or sales surge") from the campaigns a
store is signed up to: without a `campaign_start`, a campaign it has an accepted entry in whose official phase runs
now or opens within 7 days turns the trigger on; the caller's start wins, `campaign=none` turns it off. On SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from promotions.campaigns.test_api import campaign_body, sign_up
from purchasing.test_purchasing_api import _rows, _sell
from shopkeeper.clock import SimulatedClock
from support import START, Api, Shop


def _double_11(api: Api, main_day: int, **overrides: Any) -> dict[str, Any]:
    """A platform campaign: warm-up from 2 Nov 00:00 UTC, the official phase from `main_day` for three days."""
    def at(day: int) -> str:
        return f"2026-11-{day:02d}T00:00:00Z"

    return dict(api.post("/campaigns", campaign_body(**{
        "starts_at": at(2), "ends_at": at(main_day + 5), "discount": "0", "min_stock": 0, **overrides},
        phases=[{"name": "warm_up", "starts_at": at(2), "ends_at": at(main_day)},
                {"name": "main", "starts_at": at(main_day), "ends_at": at(main_day + 3)}]), expect=201))


def test_a_signed_up_store_gets_the_half_sold_flag_without_a_start(api: Api, shop: Shop, clock: SimulatedClock) -> None:
    red, blue = shop.skus
    campaign = _double_11(api, 3, theme="双十一 Double 11")
    assert sign_up(shop.staff, campaign, shop.product["id"], {red: "50.00"})["status"] == "accepted"
    other = Shop(api)  # sells the same, signed up to nothing
    _sell(shop, clock)
    clock.set(START)
    _sell(other, clock)

    # the official phase opened 3 Nov 00:00: blue sold 60 of the 100 it had then (more than half); red 6 of 96, not due
    rows = _rows(shop)
    assert rows[blue]["flags"] == ["below-reorder-point", "half-sold"] and rows[red]["flags"] == []
    assert rows[blue]["campaign"] == {"id": campaign["id"], "name": "双十一 Double 11",
                                      "starts_at": "2026-11-03T00:00:00Z", "counted_from": "2026-11-03T00:00:00Z"}
    assert rows[red]["campaign"] == rows[blue]["campaign"]
    # a store signed up to nothing: no campaign, no §3.3 flag, though the platform's campaign runs
    theirs = {r["sku_id"]: r for r in other.staff.get(f"/stores/{other.store_id}/replenishment")}
    assert {r["campaign"] is None for r in theirs.values()} == {True}
    assert theirs[other.skus[1]]["flags"] == ["below-reorder-point"]
    # turned off: the same figures without the trigger
    off = _rows(shop, "?campaign=none")
    assert off[blue]["flags"] == ["below-reorder-point"] and off[blue]["campaign"] is None
    # the caller's start wins: from just before Nov 3 09:00, blue's 60 of 100 still count, nobody's campaign is named
    start = (START + timedelta(hours=23, minutes=59)).isoformat().replace("+00:00", "Z")
    given = _rows(shop, f"?campaign_start={start}")
    assert given[blue]["flags"] == ["below-reorder-point", "half-sold"]
    assert given[blue]["campaign"] == {"id": None, "name": None, "starts_at": start, "counted_from": start}
    # the exports take the same switch
    auth = {"Authorization": f"Bearer {shop.staff.key}"}
    exported = shop.staff.client.get(f"/api/v1/stores/{shop.store_id}/replenishment.csv?campaign=none", headers=auth)
    assert exported.status_code == 200 and "half-sold" not in exported.text
    shop.staff.get(f"/stores/{shop.store_id}/replenishment?campaign=maybe", expect=422)


def test_a_campaign_counts_from_seven_days_before_its_official_phase(api: Api, shop: Shop, clock: SimulatedClock) -> None:
    campaign = _double_11(api, 12)
    sign_up(shop.staff, campaign, shop.product["id"], {shop.skus[0]: "50.00"})
    rejected = _double_11(api, 10, min_stock=1_000_000, theme="out of stock")
    assert sign_up(shop.staff, rejected, shop.product["id"], {shop.skus[0]: "50.00"})["status"] == "rejected"
    # 2 Nov 09:00: the official day is ten days off, and a rejected entry signs the store up to nothing
    assert {r["campaign"] is None for r in _rows(shop).values()} == {True}
    # 5 Nov 09:00: within seven days of 12 Nov; counted from the warm-up's start (2 Nov), which has begun
    clock.advance(days=3)
    [force] = {str(r["campaign"]) for r in _rows(shop).values()}
    assert force == str({"id": campaign["id"], "name": "双十一 Double 11", "starts_at": "2026-11-12T00:00:00Z",
                         "counted_from": "2026-11-02T00:00:00Z"})
    # a cancelled campaign turns nothing on
    api.post(f"/campaigns/{campaign['id']}/cancel", {"reason": "called off"})
    assert {r["campaign"] is None for r in _rows(shop).values()} == {True}
