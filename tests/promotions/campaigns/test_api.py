"""Campaigns through the API, on SQLite and PostgreSQL: creating, signing up (报名), cancelling, listing."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any

import pytest
from sqlalchemy import func, select

from shopkeeper.db import Database
from shopkeeper.events import Event
from shopkeeper.promotions.campaigns.models import Campaign, CampaignEntry, CampaignEntrySku, CampaignPhase
from support import Api, Shop


def at(month: int, day: int, hour: int = 0, year: int = 2026) -> str:
    return datetime(year, month, day, hour, tzinfo=timezone.utc).isoformat()


def campaign_body(**overrides: Any) -> dict[str, Any]:
    """Double 11 on the test clock (it starts at 2 Nov 09:00 UTC): warm-up from 3 Nov, main 11–13 Nov, review to 20 Nov."""
    body: dict[str, Any] = {
        "theme": "双十一 Double 11", "goals": ["conversion", "average_order_value"], "notes": "main items in stock",
        "starts_at": at(11, 3), "ends_at": at(11, 20),
        "phases": [{"name": "warm_up", "starts_at": at(11, 3), "ends_at": at(11, 11)},
                   {"name": "main", "starts_at": at(11, 11), "ends_at": at(11, 13)},
                   {"name": "review", "starts_at": at(11, 13), "ends_at": at(11, 20)}],
        "discount": "0.15", "basis": "last_n_days", "basis_days": 30,
        "earns_points": False, "stacking": "coupons_only", "per_account_limit": 2,
        "stock_check": "lowest_price_sku", "min_stock": 50,
    }
    body.update(overrides)
    return body


def sign_up(who: Api, campaign: dict[str, Any], product_id: int, prices: dict[int, str], tier: str = "main_hit", expect: int = 201) -> Any:
    skus = [{"sku_id": s, "price": p} for s, p in prices.items()]
    return who.post(f"/campaigns/{campaign['id']}/entries", {"product_id": product_id, "tier": tier, "skus": skus}, expect=expect)


def checks(entry: dict[str, Any]) -> dict[tuple[str, int | None], dict[str, Any]]:
    return {(c["name"], c["sku_id"] if c["name"] == "threshold_price" else None): c for c in entry["checks"]}


def counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0
                for m in (Campaign, CampaignPhase, CampaignEntry, CampaignEntrySku, Event)}


def test_a_store_campaign_with_double_11_phases(shop: Shop) -> None:
    created = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id), expect=201)
    assert created["status"] == "upcoming" and created["store_id"] == shop.store_id
    assert [p["name"] for p in created["phases"]] == ["warm_up", "main", "review"]
    assert (created["discount"], created["basis"], created["basis_days"], created["per_account_limit"]) == ("0.15", "last_n_days", 30, 2)
    assert created["goals"] == ["conversion", "average_order_value"] and created["audience"] == {"kind": "all_members", "min_member_level": None}
    assert shop.staff.get(f"/campaigns/{created['id']}") == created


def test_without_phases_the_window_is_the_main_phase(shop: Shop) -> None:
    created = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, phases=[], starts_at=at(11, 2, 8)), expect=201)
    assert created["phases"] == [{"name": "main", "starts_at": "2026-11-02T08:00:00Z", "ends_at": "2026-11-20T00:00:00Z"}]
    assert created["status"] == "main"


def test_threshold_prices_from_the_last_30_days_with_exact_money(shop: Shop, clock) -> None:
    """RULES.md §3.2, §3.5: every activity price at or below basis × (1 − discount), rounded down; all reasons at once."""
    red, blue = shop.skus
    clock.advance(hours=1)
    shop.staff.call("PUT", f"/skus/{red}/price", json={"price": "54.90"})  # a short dip: the basis for red is now 54.90
    clock.advance(hours=1)
    shop.staff.call("PUT", f"/skus/{red}/price", json={"price": "59.90"})
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id), expect=201)

    refused = sign_up(shop.staff, campaign, shop.product["id"], {red: "46.67", blue: "55.26"})
    assert refused["status"] == "rejected"
    found = checks(refused)
    assert {k: v["money"]["threshold"]["amount"] for k, v in found.items() if k[0] == "threshold_price"} == {
        ("threshold_price", red): "46.66",  # 54.90 × 0.85 = 46.665 → 46.66
        ("threshold_price", blue): "55.25",  # 65.00 × 0.85
    }
    assert found[("threshold_price", red)]["money"]["basis"] == {"amount": "54.90", "currency": "CNY", "minor": 5490}
    assert [c["name"] for c in refused["checks"] if not c["passed"]] == ["threshold_price", "threshold_price"]
    assert all(c["passed"] for c in refused["checks"] if c["name"] != "threshold_price")

    accepted = sign_up(shop.staff, campaign, shop.product["id"], {red: "46.66", blue: "55.25"})
    assert accepted["status"] == "accepted" and accepted["tier_enters"] == ["premium_slots", "brand_flash_sale", "main_push"]
    assert [(s["sku_id"], s["price"]["minor"]) for s in accepted["skus"]] == [(red, 4666), (blue, 5525)]

    again = sign_up(shop.staff, campaign, shop.product["id"], {red: "40.00"})
    assert again["status"] == "rejected"
    assert [c["facts"] for c in again["checks"] if not c["passed"]] == [{"entry_id": accepted["id"]}]
    page = shop.staff.get(f"/campaigns/{campaign['id']}/entries")
    assert [e["status"] for e in page["items"]] == ["rejected", "accepted", "rejected"]


def test_calendar_year_basis_against_last_n_days(api: Api, shop: Shop, clock) -> None:
    """AliExpress (RULES.md §3.2): the lowest price since 1 January, not just the last weeks."""
    clock.set(datetime(2026, 2, 1, tzinfo=timezone.utc))
    mug = shop.staff.post(f"/stores/{shop.store_id}/products", {"title": "Mug", "skus": [{"code": "MUG", "price": "80.00"}]}, expect=201)
    sku = mug["skus"][0]["id"]
    clock.set(datetime(2026, 3, 1, tzinfo=timezone.utc))
    shop.staff.call("PUT", f"/skus/{sku}/price", json={"price": "60.00"})
    clock.set(datetime(2026, 4, 1, tzinfo=timezone.utc))
    shop.staff.call("PUT", f"/skus/{sku}/price", json={"price": "90.00"})
    clock.set(datetime(2026, 11, 2, 9, tzinfo=timezone.utc))
    common = {"store_id": shop.store_id, "discount": "0.10", "min_stock": 0}
    yearly = api.post("/campaigns", campaign_body(basis="calendar_year", basis_days=None, **common), expect=201)
    monthly = api.post("/campaigns", campaign_body(**common), expect=201)

    by_year = checks(sign_up(shop.staff, yearly, mug["id"], {sku: "54.01"}))[("threshold_price", sku)]
    by_month = checks(sign_up(shop.staff, monthly, mug["id"], {sku: "54.01"}))[("threshold_price", sku)]
    assert (by_year["money"]["basis"]["amount"], by_year["money"]["threshold"]["amount"], by_year["passed"]) == ("60.00", "54.00", False)
    assert (by_month["money"]["basis"]["amount"], by_month["money"]["threshold"]["amount"], by_month["passed"]) == ("90.00", "81.00", True)
    assert by_year["facts"]["basis_since"] == "2025-12-31T16:00:00+00:00"  # 1 January on the store's clock (Asia/Shanghai)


def _sized_tee(shop: Shop, stock: dict[str, int]) -> tuple[dict[str, Any], dict[str, int]]:
    prices = {"S": "49.00", "M": "49.00", "L": "59.00"}
    product = shop.staff.post(f"/stores/{shop.store_id}/products", {"title": "Sized tee", "skus": [
        {"code": f"TEE2-{size}", "price": price, "options": {"size": size}} for size, price in prices.items()]}, expect=201)
    ids = {s["options"]["size"]: s["id"] for s in product["skus"]}
    for size, units in stock.items():
        shop.staff.post(f"/skus/{ids[size]}/stock", {"warehouse_id": shop.warehouse["id"], "quantity": units})
    return product, ids


def test_stock_by_lowest_priced_sku_where_any_of_a_tie_suffices(shop: Shop) -> None:
    """RULES.md §3.5 dimension 1: S and M share the lowest price; M alone holds enough."""
    product, ids = _sized_tee(shop, {"S": 5, "M": 60, "L": 200})
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, discount="0", min_stock=50), expect=201)
    prices = {ids["S"]: "49.00", ids["M"]: "49.00", ids["L"]: "59.00"}
    entry = sign_up(shop.staff, campaign, product["id"], prices, tier="volume_item")
    stock = checks(entry)[("stock", None)]
    assert (entry["status"], stock["passed"], stock["sku_id"], stock["facts"]["counted"]) == ("accepted", True, ids["M"], 60)

    strict = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, discount="0", min_stock=61), expect=201)
    refused = sign_up(shop.staff, strict, product["id"], prices)
    assert refused["status"] == "rejected" and not checks(refused)[("stock", None)]["passed"]  # L's 200 units do not count


def test_stock_by_product_adds_up_the_ticked_skus(shop: Shop) -> None:
    """RULES.md §3.5 dimension 2."""
    product, ids = _sized_tee(shop, {"S": 5, "M": 60, "L": 200})
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, discount="0", stock_check="product",
                                                           min_stock=265), expect=201)
    every = {ids["S"]: "49.00", ids["M"]: "49.00", ids["L"]: "59.00"}
    assert sign_up(shop.staff, campaign, product["id"], every)["status"] == "accepted"
    refused = sign_up(shop.staff, campaign, product["id"], {ids["M"]: "49.00", ids["L"]: "59.00"})  # 260 units
    assert checks(refused)[("stock", None)]["facts"]["counted"] == 260


def test_sign_up_closes_when_the_main_phase_starts(shop: Shop, clock) -> None:
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, discount="0", min_stock=0), expect=201)
    clock.set(datetime(2026, 11, 11, tzinfo=timezone.utc))
    late = sign_up(shop.staff, campaign, shop.product["id"], {shop.skus[0]: "59.90"})
    window = checks(late)[("registration_window", None)]
    assert (late["status"], window["passed"], window["facts"]["closes_at"]) == ("rejected", False, "2026-11-11T00:00:00+00:00")
    assert shop.staff.get(f"/campaigns/{campaign['id']}")["status"] == "main"


def test_products_outside_the_scope_are_rejected(shop: Shop) -> None:
    red, blue = shop.skus
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, discount="0", min_stock=0,
                                                           products={"scope": "sku", "ids": [red]}), expect=201)
    entry = sign_up(shop.staff, campaign, shop.product["id"], {red: "50.00", blue: "50.00"})
    scope = checks(entry)[("product_scope", None)]
    assert (entry["status"], scope["facts"]["outside"]) == ("rejected", [blue])


def test_a_delisted_product_is_rejected(shop: Shop) -> None:
    """RULES.md §3.3: main items must be in the warehouse and listed for sale."""
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, discount="0", min_stock=0), expect=201)
    shop.staff.call("PUT", f"/products/{shop.product['id']}/status", json={"status": "delisted"})
    entry = sign_up(shop.staff, campaign, shop.product["id"], {shop.skus[0]: "59.90"})
    assert entry["status"] == "rejected" and [c["name"] for c in entry["checks"] if not c["passed"]] == ["product_listed"]


def test_a_category_takes_its_sub_categories(shop: Shop) -> None:
    clothes = shop.staff.post(f"/stores/{shop.store_id}/categories", {"name": "服装"}, expect=201)
    tops = shop.staff.post(f"/stores/{shop.store_id}/categories", {"name": "上衣", "parent_id": clothes["id"]}, expect=201)
    toys = shop.staff.post(f"/stores/{shop.store_id}/categories", {"name": "玩具"}, expect=201)
    shirt = shop.staff.post(f"/stores/{shop.store_id}/products", {"title": "Shirt", "category_id": tops["id"],
                                                                   "skus": [{"code": "SH", "price": "30.00"}]}, expect=201)
    body = campaign_body(store_id=shop.store_id, discount="0", min_stock=0)
    wanted = shop.staff.post("/campaigns", {**body, "products": {"scope": "category", "ids": [clothes["id"]]}}, expect=201)
    other = shop.staff.post("/campaigns", {**body, "products": {"scope": "category", "ids": [toys["id"]]}}, expect=201)
    assert sign_up(shop.staff, wanted, shirt["id"], {shirt["skus"][0]["id"]: "30.00"})["status"] == "accepted"
    assert sign_up(shop.staff, other, shirt["id"], {shirt["skus"][0]["id"]: "30.00"})["status"] == "rejected"


def test_who_may_do_what(api: Api, shop: Shop) -> None:
    other = Shop(api)
    mine = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, discount="0", min_stock=0), expect=201)
    # another store's staff neither see nor touch it; buyers see no campaigns at all
    other.staff.get(f"/campaigns/{mine['id']}", expect=404)
    other.staff.post(f"/campaigns/{mine['id']}/cancel", expect=404)
    sign_up(other.staff, mine, other.product["id"], {other.skus[0]: "1.00"}, expect=404)
    shop.staff.post("/campaigns", campaign_body(store_id=other.store_id), expect=404)
    shop.shopper.get("/campaigns", expect=403)
    shop.shopper.get(f"/campaigns/{mine['id']}", expect=403)
    shop.shopper.post("/campaigns", campaign_body(store_id=shop.store_id), expect=403)
    # platform campaigns: the operator creates them, every store's staff sign their own products up
    shop.staff.post("/campaigns", campaign_body(), expect=403)
    platform = api.post("/campaigns", campaign_body(discount="0", min_stock=0), expect=201)
    assert platform["store_id"] is None
    sign_up(shop.staff, platform, other.product["id"], {other.skus[0]: "1.00"}, expect=404)
    assert sign_up(shop.staff, platform, shop.product["id"], {shop.skus[0]: "50.00"})["status"] == "accepted"
    assert sign_up(api, platform, other.product["id"], {other.skus[0]: "50.00"})["status"] == "accepted"
    # staff see their own entries; the operator sees all
    assert [e["store_id"] for e in shop.staff.get(f"/campaigns/{platform['id']}/entries")["items"]] == [shop.store_id]
    assert len(api.get(f"/campaigns/{platform['id']}/entries")["items"]) == 2
    shop.staff.post(f"/campaigns/{platform['id']}/cancel", expect=403)
    # a store campaign takes only that store's products, even from the operator
    foreign = sign_up(api, mine, other.product["id"], {other.skus[0]: "50.00"})
    assert foreign["status"] == "rejected" and not checks(foreign)[("product_scope", None)]["passed"]


def test_cancelling_stops_sign_up(shop: Shop, db: Database) -> None:
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id), expect=201)
    cancelled = shop.staff.post(f"/campaigns/{campaign['id']}/cancel", {"reason": "stock not ready"})
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "stock not ready")
    before = counts(db)
    assert shop.staff.post(f"/campaigns/{campaign['id']}/cancel", expect=409)["code"] == "not-allowed-in-state"
    assert sign_up(shop.staff, campaign, shop.product["id"], {shop.skus[0]: "1.00"}, expect=409)["code"] == "not-allowed-in-state"
    assert counts(db) == before


def test_racing_sign_ups_of_one_product_accept_exactly_one(shop: Shop, db: Database) -> None:
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, discount="0", min_stock=0), expect=201)
    body = {"product_id": shop.product["id"], "tier": "main_hit", "skus": [{"sku_id": shop.skus[0], "price": "59.90"}]}

    def attempt(_: int) -> tuple[int, str]:
        response = shop.staff.client.post(f"/api/v1/campaigns/{campaign['id']}/entries", json=body,
                                          headers={"Authorization": f"Bearer {shop.staff.key}"})
        answer = response.json()
        return response.status_code, answer["status"] if response.status_code == 201 else answer["code"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = Counter(pool.map(attempt, range(16)))
    # the check refuses those that come after; the unique index refuses (409) those that raced past it
    assert outcomes[(201, "accepted")] == 1 and set(outcomes) <= {(201, "accepted"), (201, "rejected"), (409, "conflict")}
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(CampaignEntry).where(CampaignEntry.status == "accepted")) == 1


def test_events_are_written_with_each_change(api: Api, shop: Shop) -> None:
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, discount="0", min_stock=0), expect=201)
    sign_up(shop.staff, campaign, shop.product["id"], {shop.skus[0]: "59.90"})
    sign_up(shop.staff, campaign, shop.product["id"], {shop.skus[0]: "59.90"})
    shop.staff.post(f"/campaigns/{campaign['id']}/cancel")
    feed = shop.staff.get("/events?type=campaign.")["items"]
    assert [e["type"] for e in feed] == ["campaign.created", "campaign.entry_accepted", "campaign.entry_rejected", "campaign.cancelled"]
    assert {e["subject"] for e in feed} == {f"campaign:{campaign['id']}"} and feed[2]["data"]["failed"] == ["one_entry"]


def test_campaigns_are_listed_newest_first_by_cursor_and_status(api: Api, shop: Shop, clock) -> None:
    other = Shop(api)
    made = [shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, theme=f"C{n}"), expect=201)["id"] for n in range(3)]
    now_on = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id, theme="now", phases=[],
                                                          starts_at=at(11, 1)), expect=201)["id"]
    platform = api.post("/campaigns", campaign_body(theme="platform"), expect=201)["id"]
    theirs = other.staff.post("/campaigns", campaign_body(store_id=other.store_id, theme="theirs"), expect=201)["id"]
    shop.staff.post(f"/campaigns/{made[0]}/cancel")

    first = shop.staff.get("/campaigns?limit=2")
    rest = shop.staff.get(f"/campaigns?limit=10&cursor={first['next_cursor']}")
    assert [c["id"] for c in first["items"] + rest["items"]] == [platform, now_on, *reversed(made)] and rest["next_cursor"] is None
    assert [c["id"] for c in shop.staff.get(f"/campaigns?store_id={shop.store_id}")["items"]] == [now_on, *reversed(made)]
    assert [c["id"] for c in api.get("/campaigns?status=main")["items"]] == [now_on]
    assert [c["id"] for c in api.get("/campaigns?status=live")["items"]] == [now_on]
    assert [c["id"] for c in api.get("/campaigns?status=cancelled")["items"]] == [made[0]]
    assert [c["id"] for c in api.get("/campaigns?status=upcoming")["items"]] == [theirs, platform, made[2], made[1]]
    shop.staff.get(f"/campaigns?store_id={other.store_id}", expect=404)
    clock.set(datetime(2026, 11, 21, tzinfo=timezone.utc))
    assert [c["status"] for c in shop.staff.get("/campaigns")["items"]] == ["ended"] * 4 + ["cancelled"]
    assert len(api.get("/campaigns?status=ended")["items"]) == 5


@pytest.mark.parametrize("change", [
    {"theme": ""}, {"theme": "   "}, {"theme": None}, {"starts_at": None}, {"ends_at": None},
    {"ends_at": at(11, 2, 10), "phases": []},  # ends before it starts
    {"ends_at": at(2, 2, 0, year=2027), "phases": []},  # 91 days
    {"starts_at": at(10, 1), "ends_at": at(10, 20), "phases": []},  # already over
    {"phases": [{"name": "main", "starts_at": at(11, 11), "ends_at": at(11, 13)},
                {"name": "review", "starts_at": at(11, 12), "ends_at": at(11, 20)}]},  # overlapping
    {"phases": [{"name": "main", "starts_at": at(11, 11), "ends_at": at(11, 25)}]},  # outside the window
    {"phases": [{"name": "warm_up", "starts_at": at(11, 3), "ends_at": at(11, 11)}]},  # no main phase
    {"phases": [{"name": "heating", "starts_at": at(11, 3), "ends_at": at(11, 11)}]},
    {"goals": ["fame"]}, {"discount": "1"}, {"discount": "-0.1"}, {"discount": "0.123456"}, {"discount": "NaN"},
    {"basis": "forever"}, {"basis_days": None}, {"basis_days": 0},
    {"audience": {"kind": "min_level"}}, {"audience": {"kind": "all_members", "min_member_level": "gold"}},
    {"audience": {"kind": "min_level", "min_member_level": "diamond"}},
    {"products": {"scope": "category", "ids": []}}, {"products": {"scope": "sku", "ids": [999999]}},
    {"products": {"scope": "store", "ids": [1]}},
    {"earns_points": None}, {"stacking": "sometimes"}, {"per_account_limit": 0}, {"min_stock": -1},
    {"stock_check": "by_colour"}, {"store_id": 999999}, {"surprise": 1},
    {"starts_at": "9999-12-31T23:59:59-23:59"}, {"starts_at": "yesterday"},
])
def test_bad_campaigns_are_refused_with_problem_json_and_write_nothing(shop: Shop, db: Database, change: dict[str, Any]) -> None:
    body = campaign_body(store_id=shop.store_id)
    for key, value in change.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    before = counts(db)
    response = shop.staff.client.post("/api/v1/campaigns", json=body, headers={"Authorization": f"Bearer {shop.staff.key}"})
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert counts(db) == before


def test_a_missing_per_account_limit_must_be_said_explicitly(shop: Shop) -> None:
    """RULES.md §3.2: limit, points and stacking are decided per campaign; the sources give no default."""
    body = campaign_body(store_id=shop.store_id)
    for field in ("per_account_limit", "earns_points", "stacking"):
        assert shop.staff.post("/campaigns", {k: v for k, v in body.items() if k != field}, expect=422)["code"] == "invalid-request"
    assert shop.staff.post("/campaigns", {**body, "per_account_limit": None}, expect=201)["per_account_limit"] is None


@pytest.mark.parametrize("body", [
    {}, {"product_id": 1}, {"product_id": 1, "tier": "main_hit", "skus": []},
    {"product_id": 1, "tier": "bestseller", "skus": [{"sku_id": 1, "price": "1.00"}]},
    {"product_id": 1, "tier": "main_hit", "skus": [{"sku_id": 1, "price": "1.001"}]},
    {"product_id": 1, "tier": "main_hit", "skus": [{"sku_id": 1, "price": "-1"}]},
    {"product_id": 1, "tier": "main_hit", "skus": [{"sku_id": 1, "price": "1.00"}, {"sku_id": 1, "price": "2.00"}]},
    {"product_id": 1, "tier": "main_hit", "skus": [{"sku_id": 999999, "price": "1.00"}]},
    {"product_id": 999999, "tier": "main_hit", "skus": [{"sku_id": 1, "price": "1.00"}]},
    {"product_id": 1, "tier": "main_hit", "skus": [{"sku_id": 1, "price": "1.00"}], "note": "x"},
])
def test_bad_sign_ups_are_refused_with_problem_json_and_write_nothing(shop: Shop, db: Database, body: dict[str, Any]) -> None:
    campaign = shop.staff.post("/campaigns", campaign_body(store_id=shop.store_id), expect=201)
    body = {k: ([{**s, "sku_id": shop.skus[0] if s["sku_id"] == 1 else s["sku_id"]} for s in v] if k == "skus" else
                shop.product["id"] if (k, v) == ("product_id", 1) else v) for k, v in body.items()}
    before = counts(db)
    response = shop.staff.client.post(f"/api/v1/campaigns/{campaign['id']}/entries", json=body,
                                      headers={"Authorization": f"Bearer {shop.staff.key}"})
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert counts(db) == before
