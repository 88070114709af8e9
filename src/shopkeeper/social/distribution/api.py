"""Distribution (分销) routes: a store's program (staff), promoters (buyers join free; staff list), touches (buyers),
statements, payouts (the promoter asks; staff approve or reject)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse

from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.idempotent import run_once
from shopkeeper.api.schemas import cut_page, to_minor
from shopkeeper.auth import Role
from shopkeeper.catalog.service import get_store, store_by_id
from shopkeeper.social.distribution import payouts, service
from shopkeeper.social.distribution.schemas import (
    DecisionIn,
    EntryOut,
    JoinIn,
    PayoutIn,
    PayoutOut,
    PayoutPage,
    ProgramIn,
    ProgramOut,
    PromoterOut,
    PromoterPage,
    StatementOut,
    TouchIn,
    TouchOut,
)

router = APIRouter(tags=["distribution"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


# --- programs ---------------------------------------------------------------------------------------------

@router.get("/distribution/programs/{store_id}")
def get_program(store_id: IdPath, ctx: Ctx) -> ProgramOut:
    """A store's distribution program: store staff and the operator; buyers see a running program's terms."""
    with ctx.read() as session:
        terms = service.get_program(session, ctx.actor, store_id)
        return ProgramOut.of(store_id, terms, store_by_id(session, store_id).currency)


@router.put("/distribution/programs/{store_id}")
def put_program(store_id: IdPath, body: ProgramIn, ctx: Ctx) -> ProgramOut:
    """Set a store's program (store staff): commission per product, category or store (percent of what the line
    paid, or fixed per unit), the attribution window, levels by sales, campaigns that earn nothing. The law is a rule
    (RULES.md §17.2): an entry fee, a required purchase, pay per recruit, levels by recruits, more than 2 paid levels,
    or a second level without the warned opt-in is refused with `pyramid-rule`, citing 禁止传销条例 Art. 7."""
    with ctx.transaction() as session:
        currency = get_store(session, ctx.actor, store_id).currency
        return ProgramOut.of(store_id, service.set_program(session, ctx.now(), ctx.actor, store_id, body.terms(currency)), currency)


# --- promoters --------------------------------------------------------------------------------------------

@router.post("/promoters", status_code=201, response_model=PromoterOut)
def join(body: JoinIn, ctx: Ctx) -> JSONResponse:
    """Become a store's promoter (a buyer): free, no purchase needed. You get a code to share. Joining again returns
    your promoter (200)."""
    with ctx.transaction() as session:
        promoter, created = service.join(session, ctx.now(), ctx.actor, body.store_id, body.recruiter_code)
        return JSONResponse(PromoterOut.of(promoter).model_dump(mode="json"), status_code=201 if created else 200)


@router.get("/promoters")
def list_promoters(ctx: Ctx, store_id: IdQuery = None, limit: Limit = 50, cursor: IdQuery = None) -> PromoterPage:
    """Promoters, newest first: a store's for its staff, all for the operator, a buyer's own memberships."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_promoters(session, ctx.actor, store_id, limit + 1, cursor), limit)
        return PromoterPage(items=[PromoterOut.of(p) for p in rows], next_cursor=next_cursor)


@router.post("/promoters/touch")
def touch(body: TouchIn, ctx: Ctx) -> TouchOut:
    """A buyer entered a promoter's code or opened their share link (`?ref=CODE`): the last touch within the store's
    attribution window wins the buyer's next paid order in that store."""
    with ctx.transaction() as session:
        found = service.touch(session, ctx.now(), ctx.actor, body.code, body.source)
        return TouchOut(promoter_id=found.promoter_id, store_id=found.store_id, source=found.source, at=found.at)


@router.get("/promoters/{promoter_id}")
def get_promoter(promoter_id: IdPath, ctx: Ctx) -> PromoterOut:
    """One promoter with its balances: the promoter, the store's staff, the operator."""
    with ctx.read() as session:
        return PromoterOut.of(service.get_promoter(session, ctx.actor, promoter_id))


@router.get("/promoters/{promoter_id}/statement")
def statement(promoter_id: IdPath, ctx: Ctx, limit: Limit = 50, cursor: IdQuery = None) -> StatementOut:
    """A promoter's statement: balances (frozen, released, clawed back, paid out, payable) and entries, newest first."""
    with ctx.read() as session:
        found = service.statement(session, ctx.actor, promoter_id, limit + 1, cursor)
        rows, next_cursor = cut_page(found.entries, limit)
        return StatementOut(promoter=PromoterOut.of(found.promoter), entries=[EntryOut.of(e) for e in rows],
                            next_cursor=next_cursor)


# --- payouts ----------------------------------------------------------------------------------------------

@router.post("/promoters/{promoter_id}/payouts", status_code=201, response_model=PayoutOut)
def request_payout(promoter_id: IdPath, body: PayoutIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Ask for released commission (the promoter), at most the balance; store staff approve or reject. Send an
    `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        promoter = service.get_promoter(session, ctx.actor, promoter_id)
        amount = to_minor(body.amount, promoter.currency)
        return 201, PayoutOut.of(payouts.request_payout(session, ctx.now(), ctx.actor, promoter_id, amount), False).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:payout", idempotency_key,
                    {"promoter_id": promoter_id, **body.model_dump(mode="json")}, use_case)


@router.get("/promoters/{promoter_id}/payouts")
def list_payouts(promoter_id: IdPath, ctx: Ctx, limit: Limit = 50, cursor: IdQuery = None) -> PayoutPage:
    """A promoter's payout requests, newest first: the promoter, the store's staff, the operator."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(payouts.list_payouts(session, ctx.actor, promoter_id, limit + 1, cursor), limit)
        return PayoutPage(items=[PayoutOut.of(p, ctx.actor.role is not Role.BUYER) for p in rows], next_cursor=next_cursor)


@router.post("/promoters/{promoter_id}/payouts/{payout_id}/approve", response_model=PayoutOut)
def approve_payout(promoter_id: IdPath, payout_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Approve a payout (store staff): the amount leaves the promoter's balance, never more than it holds, however
    many approvals arrive at once. Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        payout = payouts.decide_payout(session, ctx.now(), ctx.actor, promoter_id, payout_id, approve=True)
        return 200, PayoutOut.of(payout, True).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:approve-payout", idempotency_key,
                    {"promoter_id": promoter_id, "payout_id": payout_id}, use_case)


@router.post("/promoters/{promoter_id}/payouts/{payout_id}/reject")
def reject_payout(promoter_id: IdPath, payout_id: IdPath, body: DecisionIn, ctx: Ctx) -> PayoutOut:
    """Reject a payout (store staff), saying why; the balance stays the promoter's."""
    with ctx.transaction() as session:
        return PayoutOut.of(payouts.decide_payout(session, ctx.now(), ctx.actor, promoter_id, payout_id, approve=False,
                                                  note=body.note), True)
