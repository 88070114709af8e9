"""Group buying (拼团) routes: offers (store staff), settings, opening and joining (buyers, through checkout), groups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Header, Path
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.idempotent import run_once
from shopkeeper.api.schemas import cut_page
from shopkeeper.auth import Role
from shopkeeper.catalog.service import get_store
from shopkeeper.orders.schemas import OrderOut
from shopkeeper.social.groupbuys import service
from shopkeeper.social.groupbuys.moves import GroupStatus
from shopkeeper.social.groupbuys.schemas import (
    GroupOrderIn,
    GroupOrderOut,
    GroupOut,
    GroupPage,
    OfferIn,
    OfferOut,
    OfferPage,
    SettingsIn,
    SettingsOut,
)

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order
    from shopkeeper.social.groupbuys.models import GroupBuy

router = APIRouter(tags=["group buys"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
Ref = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{1,19}$", description="the group's id (staff, members) or share code")]
ShareCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{4,16}$", description="the group's share code")]


# --- offers -------------------------------------------------------------------------------------

@router.post("/group-buys/offers", status_code=201)
def create_offer(body: OfferIn, ctx: Ctx) -> OfferOut:
    """Offer a SKU in groups (拼团), store staff: group size, group price, the opener's price, hours to fill, the
    per-buyer limit, new customers only. The rulebook bounds size and hours; the group price is below the SKU's."""
    with ctx.transaction() as session:
        spec = body.to_spec(get_store(session, ctx.actor, body.store_id).currency)
        return OfferOut.of(service.create_offer(session, ctx.now(), ctx.actor, spec), manages=True)


@router.get("/group-buys/offers")
def list_offers(ctx: Ctx, store_id: IdQuery = None, status: Literal["active", "ended"] | None = None,
                limit: Limit = 50, cursor: IdQuery = None) -> OfferPage:
    """Group offers, newest first: a store's for its staff, every active one for buyers."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_offers(session, ctx.actor, store_id, status, limit + 1, cursor), limit)
        return OfferPage(items=[OfferOut.of(o, ctx.actor.role is not Role.BUYER) for o in rows], next_cursor=next_cursor)


@router.get("/group-buys/offers/{offer_id}")
def get_offer(offer_id: IdPath, ctx: Ctx) -> OfferOut:
    """One group offer and what its state allows."""
    with ctx.read() as session:
        return OfferOut.of(service.get_offer(session, ctx.actor, offer_id), ctx.actor.role is not Role.BUYER)


@router.post("/group-buys/offers/{offer_id}/end")
def end_offer(offer_id: IdPath, ctx: Ctx) -> OfferOut:
    """End a group offer (store staff): no new group opens on it; open groups run on until they fill or time runs out."""
    with ctx.transaction() as session:
        return OfferOut.of(service.end_offer(session, ctx.now(), ctx.actor, offer_id), manages=True)


@router.post("/group-buys/offers/{offer_id}/open", status_code=201, response_model=GroupOrderOut)
def open_group(offer_id: IdPath, body: GroupOrderIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """开团: place the opener's order at the group's price (the opener's price if the offer has one). The group opens,
    and its time starts, when the order is paid; then share its code. Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        group, order = service.open_group(session, ctx.now(), ctx.actor, offer_id, body.request())
        return 201, _placed(session, ctx, group, order)

    return run_once(ctx, f"key:{ctx.actor.key_id}:open-group", idempotency_key,
                    {"offer_id": offer_id, **body.model_dump(mode="json")}, use_case)


# --- groups -------------------------------------------------------------------------------------

@router.get("/group-buys")
def list_groups(ctx: Ctx, store_id: IdQuery = None, offer_id: IdQuery = None, status: GroupStatus | None = None,
                limit: Limit = 50, cursor: IdQuery = None) -> GroupPage:
    """Groups, newest first, with their fill and expiry: a buyer's own (opened or joined), a store's, or all."""
    f = service.GroupFilter(store_id=store_id, offer_id=offer_id, status=status.value if status else None,
                            limit=limit + 1, before_id=cursor)
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_groups(session, ctx.actor, f), limit)
        return GroupPage(items=[GroupOut.of(service.view(session, ctx.now(), ctx.actor, g)) for g in rows],
                         next_cursor=next_cursor)


@router.get("/group-buys/{ref}")
def get_group(ref: Ref, ctx: Ctx) -> GroupOut:
    """One group by share code (any buyer: the share link) or id: seats taken and left, time left, what you may do."""
    with ctx.read() as session:
        return GroupOut.of(service.view(session, ctx.now(), ctx.actor, service.get_group(session, ctx.actor, ref)))


@router.post("/group-buys/{code}/join", status_code=201, response_model=GroupOrderOut)
def join_group(code: ShareCode, body: GroupOrderIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """参团: place an order in the group at its price. Paying it takes a seat; if the group filled (or its time ran out)
    before the payment arrives, the order is refunded in full at once. Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        group, order = service.join_group(session, ctx.now(), ctx.actor, code, body.request())
        return 201, _placed(session, ctx, group, order)

    return run_once(ctx, f"key:{ctx.actor.key_id}:join-group", idempotency_key,
                    {"code": code, **body.model_dump(mode="json")}, use_case)


def _placed(session: Session, ctx: Ctx, group: GroupBuy, order: Order) -> dict[str, object]:
    view = service.view(session, ctx.now(), ctx.actor, group)
    return GroupOrderOut(group=GroupOut.of(view), order=OrderOut.of(order)).model_dump(mode="json")


# --- a store's settings -------------------------------------------------------------------------

@router.get("/stores/{store_id}/group-buy-settings")
def get_settings(store_id: IdPath, ctx: Ctx) -> SettingsOut:
    """The store's group-buy settings: whether the system fills a nearly full group when time runs out (模拟成团)."""
    with ctx.read() as session:
        return SettingsOut.of(service.get_settings(session, ctx.actor, store_id))


@router.put("/stores/{store_id}/group-buy-settings")
def set_settings(store_id: IdPath, body: SettingsIn, ctx: Ctx) -> SettingsOut:
    """Turn 模拟成团 on or off (store staff): when a group lacks at most `auto_fill_seats` members at expiry, it completes
    anyway, recorded and shown as filled by the system. Off by default; the rulebook bounds the seats."""
    with ctx.transaction() as session:
        return SettingsOut.of(service.set_settings(session, ctx.now(), ctx.actor, store_id, body.auto_fill, body.auto_fill_seats))
