from __future__ import annotations

from fastapi import APIRouter

from shopkeeper.api.deps import Ctx, IdPath
from shopkeeper.auth import Role
from shopkeeper.customers import service
from shopkeeper.customers.schemas import AddressIn, AddressOut, BuyerIn, BuyerOut, PointsIn, PointsOut
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
