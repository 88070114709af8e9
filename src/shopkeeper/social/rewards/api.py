"""Reward-program routes: programs (store staff, the operator), claims (buyers), grants, lottery draws."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.idempotent import run_once
from shopkeeper.api.schemas import cut_page
from shopkeeper.auth import Principal, Role
from shopkeeper.social.rewards import draws, figures, kinds, rules, service
from shopkeeper.social.rewards.models import RewardProgram
from shopkeeper.social.rewards.schemas import (
    ClaimIn,
    DrawOut,
    DrawPage,
    GrantOut,
    GrantPage,
    InvitationIn,
    InvitationOut,
    ProgramIn,
    ProgramOut,
    ProgramPage,
)

router = APIRouter(tags=["rewards"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


def _out(session: Session, ctx: Ctx, program: RewardProgram) -> ProgramOut:
    return ProgramOut.of(program, draws.prizes_of(session, program.id), _actions(ctx, program))


def _actions(ctx: Ctx, program: RewardProgram) -> list[str]:
    actor: Principal = ctx.actor
    live = rules.is_live(program.status, program.starts_at, program.ends_at, ctx.now())
    if actor.role is Role.BUYER:
        kind = kinds.kind_of(program.kind)
        if not live or kind.trigger != "claim":
            return []
        return ["draw"] if kind.grants == "draw" else ["claim"]
    owns = actor.is_operator if program.store_id is None else actor.role is Role.STAFF and actor.store_id == program.store_id
    return ["end"] if owns and program.status == "active" else []


@router.post("/rewards/programs", status_code=201)
def create_program(body: ProgramIn, ctx: Ctx) -> ProgramOut:
    """Start a reward program: a store's (its staff) or the platform's (the operator). Its kind says what earns it
    (a claim: check-in, follow, favourite, red packet, card, trial application; a check-in draw; an order paid:
    lottery; completed: cash back, free order) and what it grants; a free trial draws its winners when it ends; the budget (count and/or money) and the per-person limit are never exceeded."""
    with ctx.transaction() as session:
        return _out(session, ctx, service.create_program(session, ctx.now(), ctx.actor, body.to_spec()))


@router.get("/rewards/programs")
def list_programs(ctx: Ctx, store_id: IdQuery = None, status: Literal["active", "ended"] | None = None,
                  limit: Limit = 50, cursor: IdQuery = None) -> ProgramPage:
    """Reward programs, newest first: a store's and the platform's for its staff, every active one for buyers."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_programs(session, ctx.actor, store_id, status, limit + 1, cursor), limit)
        return ProgramPage(items=[_out(session, ctx, p) for p in rows], next_cursor=next_cursor)


@router.get("/rewards/programs/{program_id}")
def get_program(program_id: IdPath, ctx: Ctx) -> ProgramOut:
    """One reward program: its terms, its budget spent, its prizes (a lottery), and what you may do."""
    with ctx.read() as session:
        return _out(session, ctx, service.get_program(session, ctx.actor, program_id))


@router.post("/rewards/programs/{program_id}/end")
def end_program(program_id: IdPath, ctx: Ctx) -> ProgramOut:
    """End a program (its owner): nothing more is granted; what was granted stays."""
    with ctx.transaction() as session:
        return _out(session, ctx, service.end_program(session, ctx.now(), ctx.actor, program_id))


@router.post("/rewards/programs/{program_id}/claim", status_code=201, response_model=GrantOut)
def claim(program_id: IdPath, body: ClaimIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """A buyer's action the program rewards: check in (once a day, the store's day), follow the store (while
    following it, through `PUT /stores/{id}/follow`; once per store, however often the buyer comes back), favourite a product (once per product), review a line of a completed order (once per line), grab a red packet
    (once), claim a store's card (once; its coupon prices your later orders), apply for a free trial (once; the
    grant row holds no reward until the draw at the trial's end). The grant is a coupon, points or money.
    Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        grant = service.claim(session, ctx.now(), ctx.actor, program_id, body.request())
        return 201, GrantOut.of(grant).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:reward-claim", idempotency_key,
                    {"program_id": program_id, **body.model_dump(mode="json")}, use_case)


@router.post("/rewards/programs/{program_id}/draw", status_code=201, response_model=DrawOut)
def claim_draw(program_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """签到抽奖, a buyer: check in and draw once from the prize pool, once per store day. The draw is recorded with
    its seed; the prize (if any) is granted within its stock and the program's budget.
    Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        return 201, DrawOut.of(service.claim_draw(session, ctx.now(), ctx.actor, program_id)).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:reward-draw", idempotency_key, {"program_id": program_id}, use_case)


@router.post("/rewards/programs/{program_id}/invitations", status_code=201)
def accept_invitation(program_id: IdPath, body: InvitationIn, ctx: Ctx) -> InvitationOut:
    """邀请有礼, the invitee (a buyer): say who invited you, once per program. Your first paid order in the store
    over the program's threshold earns them the reward."""
    with ctx.transaction() as session:
        return InvitationOut.of(service.accept_invitation(session, ctx.now(), ctx.actor, program_id, body.inviter_id))


@router.get("/rewards/grants")
def list_grants(ctx: Ctx, program_id: IdQuery = None, limit: Limit = 50, cursor: IdQuery = None) -> GrantPage:
    """Rewards granted, newest first, with why: a buyer's own, a store's programs', or all for the operator."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(figures.list_grants(session, ctx.actor, program_id, limit + 1, cursor), limit)
        return GrantPage(items=[GrantOut.of(g) for g in rows], next_cursor=next_cursor)


@router.get("/rewards/draws")
def list_draws(ctx: Ctx, program_id: IdQuery = None, limit: Limit = 50, cursor: IdQuery = None) -> DrawPage:
    """Lottery draws, newest first: a buyer's own (each paid order over the threshold earns one), a store's, or all."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(draws.list_draws(session, ctx.actor, program_id, limit + 1, cursor), limit)
        return DrawPage(items=[DrawOut.of(d) for d in rows], next_cursor=next_cursor)


@router.get("/rewards/draws/{draw_id}")
def get_draw(draw_id: IdPath, ctx: Ctx) -> DrawOut:
    """One lottery draw, auditable: its seed, the odds it was drawn against, the roll, the prize (or why none)."""
    with ctx.read() as session:
        return DrawOut.of(draws.get_draw(session, ctx.actor, draw_id))
