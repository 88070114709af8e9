"""Assist (邀请助力, 分享互惠) routes: offers (store staff), tasks (buyers open them, friends help them by code)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.idempotent import run_once
from shopkeeper.api.schemas import cut_page
from shopkeeper.auth import Role
from shopkeeper.catalog.service import get_store
from shopkeeper.social.assists import helping, service
from shopkeeper.social.assists.moves import TaskStatus
from shopkeeper.social.assists.schemas import GrantedOut, HelpOut, OfferIn, OfferOut, OfferPage, TaskOut, TaskPage

router = APIRouter(tags=["assists"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
Ref = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{1,19}$", description="the task's id (staff, its owner) or share code")]
ShareCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{4,16}$", description="the task's share code")]


# --- offers -------------------------------------------------------------------------------------

@router.post("/assists/offers", status_code=201)
def create_offer(body: OfferIn, ctx: Ctx) -> OfferOut:
    """Publish an assist offer (store staff): boost (邀请助力) or share (分享互惠) for a SKU or the whole store, steps of
    helpers each unlocking a reward (a coupon of the store's, one unit at a price, one unit free), hours to gather
    them, new customers only, and a helper's daily cap. The rulebook bounds steps, hours and the cap."""
    with ctx.transaction() as session:
        spec = body.to_spec(get_store(session, ctx.actor, body.store_id).currency)
        return OfferOut.of(service.create_offer(session, ctx.now(), ctx.actor, spec), manages=True)


@router.get("/assists/offers")
def list_offers(ctx: Ctx, store_id: IdQuery = None, status: Literal["active", "ended"] | None = None,
                limit: Limit = 50, cursor: IdQuery = None) -> OfferPage:
    """Assist offers, newest first: a store's for its staff, every active one for buyers."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_offers(session, ctx.actor, store_id, status, limit + 1, cursor), limit)
        return OfferPage(items=[OfferOut.of(o, ctx.actor.role is not Role.BUYER) for o in rows], next_cursor=next_cursor)


@router.get("/assists/offers/{offer_id}")
def get_offer(offer_id: IdPath, ctx: Ctx) -> OfferOut:
    """One assist offer, its steps and rewards, and what its state allows."""
    with ctx.read() as session:
        return OfferOut.of(service.get_offer(session, ctx.actor, offer_id), ctx.actor.role is not Role.BUYER)


@router.post("/assists/offers/{offer_id}/end")
def end_offer(offer_id: IdPath, ctx: Ctx) -> OfferOut:
    """End an assist offer (store staff): no new task opens on it; open tasks run on until they complete or expire."""
    with ctx.transaction() as session:
        return OfferOut.of(service.end_offer(session, ctx.now(), ctx.actor, offer_id), manages=True)


@router.post("/assists/offers/{offer_id}/tasks", status_code=201)
def open_task(offer_id: IdPath, ctx: Ctx) -> TaskOut:
    """发起助力 (buyers): open a task on the offer and share its code; its time starts now. One open task per buyer
    per offer."""
    with ctx.transaction() as session:
        task = helping.open_task(session, ctx.now(), ctx.actor, offer_id)
        return TaskOut.of(service.view(session, ctx.now(), ctx.actor, task))


# --- tasks --------------------------------------------------------------------------------------

@router.get("/assists/tasks")
def list_tasks(ctx: Ctx, store_id: IdQuery = None, offer_id: IdQuery = None, status: TaskStatus | None = None,
               limit: Limit = 50, cursor: IdQuery = None) -> TaskPage:
    """Assist tasks, newest first, with their helpers, steps reached and time left: a buyer's own, a store's, or all."""
    f = service.TaskFilter(store_id=store_id, offer_id=offer_id, status=status.value if status else None,
                           limit=limit + 1, before_id=cursor)
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_tasks(session, ctx.actor, f), limit)
        return TaskPage(items=[TaskOut.of(service.view(session, ctx.now(), ctx.actor, t)) for t in rows],
                        next_cursor=next_cursor)


@router.get("/assists/{ref}")
def get_task(ref: Ref, ctx: Ctx) -> TaskOut:
    """One task by share code (any buyer: the share link) or id: helpers, steps reached, time left, what you may do."""
    with ctx.read() as session:
        return TaskOut.of(service.view(session, ctx.now(), ctx.actor, service.get_task(session, ctx.actor, ref)))


@router.post("/assists/{code}/help", response_model=HelpOut)
def help_task(code: ShareCode, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """助力 (buyers other than the owner): move the task one helper on, once per person per task, within the helper's
    daily cap (and, on a new-customers offer, only as a new customer of the store). A step it reaches grants its
    reward to the task's owner, exactly once. Send an `Idempotency-Key` to retry safely."""

    def use_case(session: Session) -> tuple[int, dict[str, object]]:
        task, granted = helping.help_task(session, ctx.now(), ctx.actor, code)
        view = service.view(session, ctx.now(), ctx.actor, task)
        return 200, HelpOut(task=TaskOut.of(view), granted=[GrantedOut.of(g, owner=False) for g in granted]).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:assist-help", idempotency_key, {"code": code}, use_case)
