"""Pool buying (拼单) routes: offers (store staff), opening and adding to a shared basket (buyers, through checkout),
pools."""

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
from shopkeeper.social.pools import service
from shopkeeper.social.pools.moves import PoolStatus
from shopkeeper.social.pools.schemas import OfferIn, OfferOut, OfferPage, PoolOrderIn, PoolOrderOut, PoolOut, PoolPage

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order
    from shopkeeper.social.pools.models import Pool

router = APIRouter(tags=["pools"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
Ref = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{1,19}$", description="the pool's id (staff, members) or share code")]
ShareCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{4,16}$", description="the pool's share code")]


# --- offers -------------------------------------------------------------------------------------

@router.post("/pools/offers", status_code=201)
def create_offer(body: OfferIn, ctx: Ctx) -> OfferOut:
    """Offer pool buying (拼单), store staff: the shared basket's threshold (an amount at the SKUs' own prices, or a
    count of items), the percent off it unlocks for every order in it, the hours to reach it, and which SKUs it holds.
    The rulebook's group-buy window bounds the hours."""
    with ctx.transaction() as session:
        spec = body.to_spec(get_store(session, ctx.actor, body.store_id).currency)
        return OfferOut.of(service.create_offer(session, ctx.now(), ctx.actor, spec), manages=True)


@router.get("/pools/offers")
def list_offers(ctx: Ctx, store_id: IdQuery = None, status: Literal["active", "ended"] | None = None,
                limit: Limit = 50, cursor: IdQuery = None) -> OfferPage:
    """Pool offers, newest first: a store's for its staff, every active one for buyers."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_offers(session, ctx.actor, store_id, status, limit + 1, cursor), limit)
        return OfferPage(items=[OfferOut.of(o, ctx.actor.role is not Role.BUYER) for o in rows], next_cursor=next_cursor)


@router.get("/pools/offers/{offer_id}")
def get_offer(offer_id: IdPath, ctx: Ctx) -> OfferOut:
    """One pool offer and what its state allows."""
    with ctx.read() as session:
        return OfferOut.of(service.get_offer(session, ctx.actor, offer_id), ctx.actor.role is not Role.BUYER)


@router.post("/pools/offers/{offer_id}/end")
def end_offer(offer_id: IdPath, ctx: Ctx) -> OfferOut:
    """End a pool offer (store staff): no new pool opens on it; open pools run on until complete or out of time."""
    with ctx.transaction() as session:
        return OfferOut.of(service.end_offer(session, ctx.now(), ctx.actor, offer_id), manages=True)


@router.post("/pools/offers/{offer_id}/open", status_code=201, response_model=PoolOrderOut)
def open_pool(offer_id: IdPath, body: PoolOrderIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """开拼单: place the opener's order at the pool's price. The pool opens, and its time starts, when the order is
    paid; then share its code. Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        pool, order = service.open_pool(session, ctx.now(), ctx.actor, offer_id, body.request())
        return 201, _placed(session, ctx, pool, order)

    return run_once(ctx, f"key:{ctx.actor.key_id}:open-pool", idempotency_key,
                    {"offer_id": offer_id, **body.model_dump(mode="json")}, use_case)


# --- pools --------------------------------------------------------------------------------------

@router.get("/pools")
def list_pools(ctx: Ctx, store_id: IdQuery = None, offer_id: IdQuery = None, status: PoolStatus | None = None,
               limit: Limit = 50, cursor: IdQuery = None) -> PoolPage:
    """Pools, newest first, with their basket against the threshold: a buyer's own (opened or joined), a store's, or all."""
    f = service.PoolFilter(store_id=store_id, offer_id=offer_id, status=status.value if status else None,
                           limit=limit + 1, before_id=cursor)
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_pools(session, ctx.actor, f), limit)
        return PoolPage(items=[PoolOut.of(service.view(session, ctx.now(), ctx.actor, p)) for p in rows],
                        next_cursor=next_cursor)


@router.get("/pools/{ref}")
def get_pool(ref: Ref, ctx: Ctx) -> PoolOut:
    """One pool by share code (any buyer: the share link) or id: the paid basket, what it lacks, time left."""
    with ctx.read() as session:
        return PoolOut.of(service.view(session, ctx.now(), ctx.actor, service.get_pool(session, ctx.actor, ref)))


@router.post("/pools/{code}/join", status_code=201, response_model=PoolOrderOut)
def join_pool(code: ShareCode, body: PoolOrderIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Add your own order to the shared basket at the pool's price. Paying it counts its items toward the threshold;
    if the pool ended (or its time ran out) before the payment arrives, the order is refunded in full at once. Send an
    `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        pool, order = service.join_pool(session, ctx.now(), ctx.actor, code, body.request())
        return 201, _placed(session, ctx, pool, order)

    return run_once(ctx, f"key:{ctx.actor.key_id}:join-pool", idempotency_key,
                    {"code": code, **body.model_dump(mode="json")}, use_case)


def _placed(session: Session, ctx: Ctx, pool: Pool, order: Order) -> dict[str, object]:
    view = service.view(session, ctx.now(), ctx.actor, pool)
    return PoolOrderOut(pool=PoolOut.of(view), order=OrderOut.of(order)).model_dump(mode="json")
