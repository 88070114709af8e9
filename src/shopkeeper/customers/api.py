from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from shopkeeper.api.deps import Ctx, IdPath
from shopkeeper.auth import Role
from shopkeeper.catalog.service import get_store
from shopkeeper.customers import fan_growth, service
from shopkeeper.customers.schemas import (
    AddressIn,
    AddressOut,
    BuyerIn,
    BuyerOut,
    FanDayOut,
    FanGrowthOut,
    FollowOut,
    PointsIn,
    PointsOut,
    StandingOut,
)
from shopkeeper.scope import require_role

router = APIRouter(tags=["customers"])


@router.post("/buyers", status_code=201)
def create_buyer(body: BuyerIn, ctx: Ctx) -> BuyerOut:
    """Register a buyer (operator only), with a member level."""
    with ctx.transaction() as session:
        return BuyerOut.of(service.create_buyer(session, ctx.now(), ctx.actor, body.name, body.email, body.phone, body.member_level,
                                                 body.birthday))


@router.get("/buyers/{buyer_id}")
def get_buyer(buyer_id: IdPath, ctx: Ctx) -> BuyerOut:
    """One buyer; a buyer key sees only itself."""
    with ctx.read() as session:
        return BuyerOut.of(service.get_buyer(session, ctx.actor, buyer_id))


@router.post("/buyers/{buyer_id}/addresses", status_code=201)
def add_address(buyer_id: IdPath, body: AddressIn, ctx: Ctx) -> AddressOut:
    """Add a delivery address to a buyer; the country is an ISO 3166 alpha-2 code."""
    with ctx.transaction() as session:
        return AddressOut.of(service.add_address(session, ctx.actor, buyer_id, **body.model_dump()))


@router.get("/buyers/{buyer_id}/addresses")
def list_addresses(buyer_id: IdPath, ctx: Ctx) -> list[AddressOut]:
    """A buyer's delivery addresses."""
    with ctx.read() as session:
        return [AddressOut.of(a) for a in service.list_addresses(session, ctx.actor, buyer_id)]


@router.get("/buyers/{buyer_id}/points")
def points(buyer_id: IdPath, ctx: Ctx) -> PointsOut:
    """A buyer's points balance, from the points ledger."""
    with ctx.read() as session:
        service.get_buyer(session, ctx.actor, buyer_id)
        return PointsOut(buyer_id=buyer_id, balance=service.points_balance(session, buyer_id))


@router.post("/buyers/{buyer_id}/points")
def adjust_points(buyer_id: IdPath, body: PointsIn, ctx: Ctx) -> PointsOut:
    """An operator's manual grant or deduction (积分); orders and promotions post their own entries."""
    require_role(ctx.actor, Role.OPERATOR)
    with ctx.transaction() as session:
        service.get_buyer(session, ctx.actor, buyer_id)
        service.record_points(session, ctx.now(), buyer_id, body.delta, body.reason, subject="manual")
        return PointsOut(buyer_id=buyer_id, balance=service.points_balance(session, buyer_id))


# --- the store club: following stores (关注店铺, 粉丝趴) ---

@router.put("/stores/{store_id}/follow")
def follow_store(store_id: IdPath, ctx: Ctx) -> StandingOut:
    """Follow a store (buyers): join its club, and with it its fans-only prices and coupons. Following again changes
    nothing, so a retry is safe."""
    with ctx.transaction() as session:
        return StandingOut.of(service.follow(session, ctx.now(), ctx.actor, store_id))


@router.delete("/stores/{store_id}/follow")
def unfollow_store(store_id: IdPath, ctx: Ctx) -> StandingOut:
    """Unfollow a store (buyers): leave its club; fans-only prices no longer apply. Unfollowing a store not followed
    changes nothing. The store's fan growth keeps the history."""
    with ctx.transaction() as session:
        return StandingOut.of(service.unfollow(session, ctx.now(), ctx.actor, store_id))


@router.get("/stores/{store_id}/follow")
def follow_standing(store_id: IdPath, ctx: Ctx) -> StandingOut:
    """Whether the calling buyer follows this store, since when, and since when first."""
    with ctx.read() as session:
        return StandingOut.of(service.standing(session, ctx.actor, store_id))


@router.get("/me/follows")
def my_follows(ctx: Ctx) -> list[FollowOut]:
    """The stores the calling buyer follows, latest first."""
    with ctx.read() as session:
        return [FollowOut.of(f) for f in service.followed_stores(session, ctx.actor)]


@router.get("/stores/{store_id}/fans/growth")
def store_fan_growth(store_id: IdPath, ctx: Ctx, first: Annotated[date | None, Query(alias="from")] = None,
                     last: Annotated[date | None, Query(alias="to")] = None) -> FanGrowthOut:
    """Fan growth per day on the store's clock (staff of the store, the operator): follows, unfollows, net and fans
    at each day's end. By default the last month up to today; one read covers at most a quarter."""
    with ctx.read() as session:
        days = fan_growth.fan_growth(session, ctx.now(), ctx.actor, store_id, first, last)
        store = get_store(session, ctx.actor, store_id)
        return FanGrowthOut(store_id=store_id, timezone=store.timezone, days=[FanDayOut.of(d) for d in days])
