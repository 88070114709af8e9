"""Platform red-packet routes: programs (the operator), stores taking part (their staff, the operator), ad views,
grabs, the buyer's packets and checkout with them (buyers)."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Literal

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.idempotent import run_once
from shopkeeper.api.schemas import MoneyOut, cut_page
from shopkeeper.auth import Role
from shopkeeper.social.packets import rules, service, spending
from shopkeeper.social.packets.models import PacketProgram
from shopkeeper.social.packets.schemas import (
    AdViewOut,
    CheckoutIn,
    CheckoutOut,
    GrabIn,
    JoinIn,
    JoinOut,
    PacketOut,
    PlacedOut,
    ProgramIn,
    ProgramOut,
    ProgramPage,
    WalletOut,
)

router = APIRouter(tags=["platform red packets"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


def _out(session: Session, ctx: Ctx, program: PacketProgram) -> ProgramOut:
    stores = service.stores_of(session, program.id)
    return ProgramOut.of(program, stores, _actions(ctx, program, stores))


def _actions(ctx: Ctx, program: PacketProgram, stores: list[int]) -> list[str]:
    actor = ctx.actor
    if program.status != "active":
        return []
    if actor.role is Role.BUYER:
        if not rules.is_live(program.status, program.starts_at, program.ends_at, ctx.now()):
            return []
        return ["ad_view", "grab"] if program.mode == "ad" else ["grab"]
    if actor.role is Role.STAFF:
        return [] if actor.store_id in stores else ["join"]
    return ["join", "end"]


@router.post("/platform-packets/programs", status_code=201)
def create_program(body: ProgramIn, ctx: Ctx) -> ProgramOut:
    """Start a platform red-packet program (跨店铺红包; the operator): a pool the platform funds, split into packets
    now, grabbed by buyers (or, 看广告抢红包, after watching an ad) and spent in any store taking part."""
    with ctx.transaction() as session:
        return _out(session, ctx, service.create_program(session, ctx.now(), ctx.actor, body.to_spec()))


@router.get("/platform-packets/programs")
def list_programs(ctx: Ctx, status: Literal["active", "ended"] | None = None, limit: Limit = 50,
                  cursor: IdQuery = None) -> ProgramPage:
    """Platform red-packet programs, newest first: every active one for buyers, all for staff and the operator."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_programs(session, ctx.actor, status, limit + 1, cursor), limit)
        return ProgramPage(items=[_out(session, ctx, p) for p in rows], next_cursor=next_cursor)


@router.get("/platform-packets/programs/{program_id}")
def get_program(program_id: IdPath, ctx: Ctx) -> ProgramOut:
    """One platform red-packet program: its pool grabbed and left, its stores, and what you may do."""
    with ctx.read() as session:
        return _out(session, ctx, service.get_program(session, ctx.actor, program_id))


@router.post("/platform-packets/programs/{program_id}/end")
def end_program(program_id: IdPath, ctx: Ctx) -> ProgramOut:
    """End a program (the operator): no more grabs; packets grabbed stay usable until they expire."""
    with ctx.transaction() as session:
        return _out(session, ctx, service.end_program(session, ctx.now(), ctx.actor, program_id))


@router.post("/platform-packets/programs/{program_id}/stores", status_code=201)
def join(program_id: IdPath, body: JoinIn, ctx: Ctx) -> JoinOut:
    """A store takes part: its staff opt in, or the operator names it. Its buyers' packets then pay in it, and the
    platform pays the store what they paid when each order completes."""
    with ctx.transaction() as session:
        row = service.join(session, ctx.now(), ctx.actor, program_id, body.store_id)
        return JoinOut(program_id=row.program_id, store_id=row.store_id, joined_by=row.joined_by, joined_at=row.joined_at)


@router.post("/platform-packets/programs/{program_id}/ad-views", status_code=201)
def start_ad_view(program_id: IdPath, ctx: Ctx) -> AdViewOut:
    """看广告 (a buyer, an ad program): the ad starts; its token allows one grab once it has played long enough."""
    with ctx.transaction() as session:
        view = service.start_ad_view(session, ctx.now(), ctx.actor, program_id)
        return AdViewOut.of(view, service.get_program(session, ctx.actor, program_id))


@router.post("/platform-packets/programs/{program_id}/grab", status_code=201, response_model=PacketOut)
def grab(program_id: IdPath, body: GrabIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """抢红包 (a buyer): take the next packet of the pool as platform credit, within the per-person and per-day caps;
    an ad program needs a watched ad view's token, used once. Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        packet = service.grab(session, ctx.now(), ctx.actor, program_id, body.ad_view_token)
        program = service.get_program(session, ctx.actor, program_id)
        return 201, PacketOut.of(packet, program.currency).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:packet-grab", idempotency_key,
                    {"program_id": program_id, **body.model_dump(mode="json")}, use_case)


@router.get("/platform-packets/mine")
def wallet(ctx: Ctx, live: bool = False) -> WalletOut:
    """A buyer's platform red packets, soonest to expire first, and the credit the live ones hold (`live`: only those)."""
    with ctx.read() as session:
        now = ctx.now()
        packets = service.wallet(session, ctx.actor, now if live else None)
        currencies = {p.program_id: service.currency_of(session, p.program_id) for p in packets}
        credit: dict[str, int] = defaultdict(int)
        for p in packets:
            if p.left_minor and p.expires_at is not None and p.expires_at > now:
                credit[currencies[p.program_id]] += p.left_minor
        return WalletOut(items=[PacketOut.of(p, currencies[p.program_id]) for p in packets],
                         credit=[MoneyOut.of(minor, c) for c, minor in sorted(credit.items())])


@router.post("/platform-packets/checkout", status_code=201, response_model=CheckoutOut)
def checkout(body: CheckoutIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Check out one store or several (跨店) paying with your platform red packets: they take off what they hold
    from the participating stores' goods, priced after every other promotion; one order per store, each paid
    separately. Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        placed = spending.checkout(session, ctx.now(), ctx.actor,
                                  [(b.store_id, [line.request() for line in b.lines]) for b in body.baskets],
                                  body.address_id, body.coupon_ids, body.codes)
        return 201, CheckoutOut(orders=[PlacedOut.of(p) for p in placed]).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:packet-checkout", idempotency_key, body.model_dump(mode="json"), use_case)
