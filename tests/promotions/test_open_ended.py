"""A promotion or coupon without an end is refused unless it says so (`open_ended`); a read shows which it is."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from shopkeeper import migrate
from shopkeeper.db import Database
from shopkeeper.promotions.models import CouponTemplate, PromotionRow
from support import Shop

MEMBER_PRICE = {"name": "金卡会员价", "kind": "member_price", "benefit": {"type": "unit_price", "percent_off": "0.1"},
                "audience": {"min_member_level": "gold"}}
CASH_COUPON = {"name": "无门槛5元", "kind": "cash", "amount_off": "5", "valid_days": 7}


def _rows(db: Database) -> tuple[int, int]:
    with db.read() as session:
        return (session.scalar(select(func.count()).select_from(PromotionRow)) or 0,
                session.scalar(select(func.count()).select_from(CouponTemplate)) or 0)


def test_a_promotion_without_an_end_is_refused_unless_it_says_open_ended(shop: Shop, db: Database) -> None:
    body = {"store_id": shop.store_id, **MEMBER_PRICE}
    refused = shop.staff.post("/promotions", body, expect=422)
    assert refused["code"] == "invalid-input" and "open_ended" in refused["detail"]
    both = shop.staff.post("/promotions", {**body, "open_ended": True, "ends_at": "2026-12-01T00:00:00Z"}, expect=422)
    assert both["code"] == "invalid-input"
    assert _rows(db) == (0, 0)

    standing = shop.staff.post("/promotions", {**body, "open_ended": True}, expect=201)
    assert (standing["open_ended"], standing["ends_at"]) == (True, None)
    assert shop.staff.get(f"/promotions/{standing['id']}")["open_ended"] is True
    dated = shop.staff.post("/promotions", {**body, "ends_at": "2026-12-01T00:00:00Z"}, expect=201)
    assert shop.staff.get(f"/promotions/{dated['id']}")["open_ended"] is False
    listed = shop.staff.get("/promotions")["items"]
    assert {p["id"]: p["open_ended"] for p in listed} == {standing["id"]: True, dated["id"]: False}


def test_ending_a_standing_promotion_gives_it_an_end(shop: Shop) -> None:
    standing = shop.staff.post("/promotions", {"store_id": shop.store_id, **MEMBER_PRICE, "open_ended": True}, expect=201)
    ended = shop.staff.post(f"/promotions/{standing['id']}/end")
    assert ended["status"] == "ended" and ended["ends_at"] is not None and ended["open_ended"] is True


def test_a_coupon_claimable_without_an_end_must_say_open_ended(shop: Shop, db: Database) -> None:
    body = {"store_id": shop.store_id, **CASH_COUPON}
    refused = shop.staff.post("/coupons", body, expect=422)
    assert refused["code"] == "invalid-input" and "open_ended" in refused["detail"]
    shop.staff.post("/coupons", {**body, "open_ended": True, "claim_until": "2026-12-01T00:00:00Z"}, expect=422)
    assert _rows(db) == (0, 0)

    standing = shop.staff.post("/coupons", {**body, "open_ended": True}, expect=201)
    assert (standing["open_ended"], standing["claim_until"]) == (True, None)
    assert shop.staff.get(f"/coupons/{standing['id']}")["open_ended"] is True
    dated = shop.staff.post("/coupons", {**body, "claim_until": "2026-12-01T00:00:00Z"}, expect=201)
    assert shop.staff.get(f"/coupons/{dated['id']}")["open_ended"] is False
    assert shop.shopper.post(f"/coupons/{standing['id']}/claim", expect=201)["status"] == "available"


def test_the_database_refuses_a_row_with_no_end_that_is_not_open_ended(shop: Shop, db: Database) -> None:
    standing = shop.staff.post("/promotions", {"store_id": shop.store_id, **MEMBER_PRICE, "open_ended": True}, expect=201)
    with pytest.raises(Exception, match="(?i)check"), db.transaction() as session:
        session.execute(text("UPDATE promotions SET open_ended = false WHERE id = :id"), {"id": standing["id"]})


def test_the_migration_keeps_rows_made_without_an_end_as_open_ended(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0007")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO promotions (id, name, kind, status, rule, funder, priority, stacking, tags, excludes_tags,"
                                " earns_points, starts_at, ends_at, units_used, buyers_used, created_at) VALUES"
                                " (1, 'standing', 'member_price', 'active', '{}', 'store', 0, 'stacks', '[]', '[]', 1,"
                                " '2026-11-01 00:00:00', NULL, 0, 0, '2026-11-01 00:00:00'),"
                                " (2, 'dated', 'limited_time', 'active', '{}', 'store', 0, 'stacks', '[]', '[]', 1,"
                                " '2026-11-01 00:00:00', '2026-11-11 00:00:00', 0, 0, '2026-11-01 00:00:00')"))
    migrate.upgrade(url)
    with engine.connect() as connection:
        assert dict(connection.execute(text("SELECT name, open_ended FROM promotions")).all()) == {"standing": 1, "dated": 0}
    engine.dispose()
