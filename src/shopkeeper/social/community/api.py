"""Community group buying (社区团购) routes: settings, pickup points and leaders (store staff), ordering through a
leader's link (buyers), waves and their pick lists, delivery (staff), pickup by code (the leader or staff)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path
from fastapi.responses import JSONResponse

from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.idempotent import run_once
from shopkeeper.api.schemas import cut_page, to_minor
from shopkeeper.auth import Role
from shopkeeper.orders.schemas import OrderOut
from shopkeeper.social.community import payouts, service, waves
from shopkeeper.social.community.moves import WaveStatus
from shopkeeper.social.community.schemas import (
    CommunityOrderIn,
    CommunityOrderOut,
    LeaderIn,
    LeaderOut,
    LeaderPage,
    LeaderViewOut,
    PickListOut,
    PickupIn,
    PickupOut,
    PointIn,
    PointOut,
    PointPage,
    SettingsIn,
    SettingsOut,
    WaveOut,
    WavePage,
)
from shopkeeper.social.distribution.schemas import DecisionIn, PayoutIn, PayoutOut, PayoutPage

router = APIRouter(tags=["community group buying"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
LeaderRef = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{1,19}$", description="the leader's id (staff, the leader) or link code")]
LeaderCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{4,16}$", description="the leader's link code")]


# --- a store's settings ------------------------------------------------------------------------------

@router.get("/stores/{store_id}/community-settings")
def get_settings(store_id: IdPath, ctx: Ctx) -> SettingsOut:
    """The store's community group buying (store staff): daily cut-offs, pickup deadline and its outcome, leader rate."""
    with ctx.read() as session:
        return SettingsOut.of(service.get_settings(session, ctx.actor, store_id))


@router.put("/stores/{store_id}/community-settings")
def set_settings(store_id: IdPath, body: SettingsIn, ctx: Ctx) -> SettingsOut:
    """Run community group buying (store staff): the daily cut-offs on the store's clock (one delivery wave each), the
    days a delivered order waits at its pickup point, whether it is then refunded (goods stay) or returned (goods back
    in stock), and the leaders' commission rate. The rulebook bounds each."""
    with ctx.transaction() as session:
        return SettingsOut.of(service.set_settings(session, ctx.now(), ctx.actor, store_id, body.terms()))


# --- pickup points -----------------------------------------------------------------------------------

@router.post("/pickup-points", status_code=201)
def create_point(body: PointIn, ctx: Ctx) -> PointOut:
    """Open a pickup point (自提点) in a residential compound (store staff); appoint its leader next."""
    with ctx.transaction() as session:
        return PointOut.of(service.create_point(session, ctx.now(), ctx.actor, body.spec()))


@router.get("/pickup-points")
def list_points(ctx: Ctx, store_id: IdQuery = None, limit: Limit = 50, cursor: IdQuery = None) -> PointPage:
    """Pickup points, newest first: a store's for its staff, open ones for buyers."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_points(session, ctx.actor, store_id, limit + 1, cursor), limit)
        return PointPage(items=[PointOut.of(p) for p in rows], next_cursor=next_cursor)


@router.get("/pickup-points/{point_id}")
def get_point(point_id: IdPath, ctx: Ctx) -> PointOut:
    """One pickup point."""
    with ctx.read() as session:
        return PointOut.of(service.get_point(session, ctx.actor, point_id))


@router.post("/pickup-points/{point_id}/close")
def close_point(point_id: IdPath, ctx: Ctx) -> PointOut:
    """Close a pickup point (store staff): no new order for it; orders on their way are still collected there."""
    with ctx.transaction() as session:
        return PointOut.of(service.close_point(session, ctx.now(), ctx.actor, point_id))


@router.post("/pickup-points/{point_id}/pickups", response_model=PickupOut)
def collect(point_id: IdPath, body: PickupIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """A buyer collects an order (the point's leader, or store staff, enters or scans its pickup code): the order
    completes and the leader's commission is frozen until the after-sales window closes. A wrong code, or one
    collected already, is refused. Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        found = waves.collect(session, ctx.now(), ctx.actor, point_id, body.code)
        return 200, PickupOut.of(found).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:collect", idempotency_key,
                    {"point_id": point_id, **body.model_dump(mode="json")}, use_case)


# --- leaders ---------------------------------------------------------------------------------------

@router.post("/leaders", status_code=201)
def appoint(body: LeaderIn, ctx: Ctx) -> LeaderOut:
    """Appoint a buyer as a pickup point's leader (团长), store staff: one active leader per point, one point per buyer
    in a store. Leading is free: no fee, no purchase. Share the leader's link code with the community."""
    with ctx.transaction() as session:
        return LeaderOut.of(service.appoint(session, ctx.now(), ctx.actor, body.pickup_point_id, body.buyer_id, body.name))


@router.get("/leaders")
def list_leaders(ctx: Ctx, store_id: IdQuery = None, limit: Limit = 50, cursor: IdQuery = None) -> LeaderPage:
    """Leaders, newest first: a store's for its staff, a buyer's own."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_leaders(session, ctx.actor, store_id, limit + 1, cursor), limit)
        return LeaderPage(items=[LeaderOut.of(v) for v in rows], next_cursor=next_cursor)


@router.get("/leaders/{ref}")
def get_leader(ref: LeaderRef, ctx: Ctx) -> LeaderOut:
    """One leader by id (store staff, the leader) or link code (any buyer: the link)."""
    with ctx.read() as session:
        return LeaderOut.of(service.get_leader(session, ctx.actor, int(ref) if ref.isdigit() else ref))


@router.post("/leaders/{leader_id}/suspend")
def suspend(leader_id: IdPath, ctx: Ctx) -> LeaderOut:
    """Suspend a leader (store staff): no new order through their link; orders on their way are still collected."""
    with ctx.transaction() as session:
        return LeaderOut.of(service.suspend(session, ctx.now(), ctx.actor, leader_id))


@router.get("/leaders/{leader_id}/page")
def leader_page(leader_id: IdPath, ctx: Ctx, wave_id: IdQuery = None) -> LeaderViewOut:
    """A leader's page (store staff, the leader): their point, commission frozen / released / clawed back, paid out
    and payable, the waves with orders at their point, and one wave's pick list for them (the newest unless
    `wave_id`)."""
    with ctx.read() as session:
        view = waves.leader_view(session, ctx.actor, leader_id, wave_id)
        return LeaderViewOut.of(view, ctx.actor.role is not Role.BUYER, payouts.balance(session, ctx.actor, leader_id))


# --- a leader's payouts: the leader asks; store staff approve or reject -------------------------------------

@router.post("/leaders/{leader_id}/payouts", status_code=201, response_model=PayoutOut)
def request_payout(leader_id: IdPath, body: PayoutIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Ask for released commission (the leader), at most the balance; store staff approve or reject. Send an
    `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        currency = payouts.payee_of(session, service.get_leader(session, ctx.actor, leader_id)).currency
        payout = payouts.request_payout(session, ctx.now(), ctx.actor, leader_id, to_minor(body.amount, currency))
        return 201, PayoutOut.of(payout, False).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:leader-payout", idempotency_key,
                    {"leader_id": leader_id, **body.model_dump(mode="json")}, use_case)


@router.get("/leaders/{leader_id}/payouts")
def list_payouts(leader_id: IdPath, ctx: Ctx, limit: Limit = 50, cursor: IdQuery = None) -> PayoutPage:
    """A leader's payout requests, newest first: the leader, the store's staff, the operator."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(payouts.list_payouts(session, ctx.actor, leader_id, limit + 1, cursor), limit)
        return PayoutPage(items=[PayoutOut.of(p, ctx.actor.role is not Role.BUYER) for p in rows], next_cursor=next_cursor)


@router.post("/leaders/{leader_id}/payouts/{payout_id}/approve", response_model=PayoutOut)
def approve_payout(leader_id: IdPath, payout_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Approve a leader's payout (store staff): the amount leaves the leader's balance, never more than it holds,
    however many approvals arrive at once. Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        payout = payouts.decide_payout(session, ctx.now(), ctx.actor, leader_id, payout_id, approve=True)
        return 200, PayoutOut.of(payout, True).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:approve-leader-payout", idempotency_key,
                    {"leader_id": leader_id, "payout_id": payout_id}, use_case)


@router.post("/leaders/{leader_id}/payouts/{payout_id}/reject")
def reject_payout(leader_id: IdPath, payout_id: IdPath, body: DecisionIn, ctx: Ctx) -> PayoutOut:
    """Reject a leader's payout (store staff), saying why; the balance stays the leader's."""
    with ctx.transaction() as session:
        return PayoutOut.of(payouts.decide_payout(session, ctx.now(), ctx.actor, leader_id, payout_id, approve=False,
                                                  note=body.note), True)


@router.post("/leaders/{code}/orders", status_code=201, response_model=CommunityOrderOut)
def order_through(code: LeaderCode, body: CommunityOrderIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Order through a leader's link (a buyer): an order of the leader's store for collection at their pickup point.
    Paying it puts it in the wave whose cut-off comes next. Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        found, order = service.order_through(session, ctx.now(), ctx.actor, code, body.request())
        return 201, CommunityOrderOut(pickup=PickupOut.of(found, show_code=True),
                                      order=OrderOut.of(order)).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:community-order", idempotency_key,
                    {"code": code, **body.model_dump(mode="json")}, use_case)


@router.get("/community-orders/{order_id}")
def get_pickup(order_id: IdPath, ctx: Ctx) -> PickupOut:
    """An order's pickup (the buyer, store staff): its wave, its state and, once at the point, the pickup code."""
    with ctx.read() as session:
        return PickupOut.of(service.pickup_of(session, ctx.actor, order_id), show_code=True)


# --- waves -----------------------------------------------------------------------------------------

@router.get("/waves")
def list_waves(ctx: Ctx, store_id: IdQuery = None, status: WaveStatus | None = None, limit: Limit = 50,
               cursor: IdQuery = None) -> WavePage:
    """Delivery waves, newest first (store staff): one per cut-off that had paid orders."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(waves.list_waves(session, ctx.actor, store_id, status.value if status else None,
                                                        limit + 1, cursor), limit)
        return WavePage(items=[WaveOut.of(w) for w in rows], next_cursor=next_cursor)


@router.get("/waves/{wave_id}")
def get_wave(wave_id: IdPath, ctx: Ctx) -> WaveOut:
    """One wave and what its state allows."""
    with ctx.read() as session:
        return WaveOut.of(waves.get_wave(session, ctx.actor, wave_id))


@router.get("/waves/{wave_id}/pick-list")
def pick_list(wave_id: IdPath, ctx: Ctx) -> PickListOut:
    """商家配货: the wave's units per SKU, and per leader the units for their point and each order's lines. The
    leaders' lists add up to the wave's exactly; final once the wave closes at its cut-off."""
    with ctx.read() as session:
        wave, listed = waves.pick_list(session, ctx.actor, wave_id)
        return PickListOut.of(wave, listed)


@router.post("/waves/{wave_id}/delivery", response_model=WaveOut)
def deliver(wave_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """The closed wave's goods reached the pickup points (store staff): its orders are delivered, each gets a pickup
    code, and the pickup deadline starts. Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        return 200, WaveOut.of(waves.deliver_wave(session, ctx.now(), ctx.actor, wave_id)).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:deliver-wave", idempotency_key, {"wave_id": wave_id}, use_case)
