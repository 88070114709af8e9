"""Community group buying (社区团购) pages: a store's leaders, and a leader's page with their point, their commission
and a delivery wave's pick list for their point (商家配货), SKU totals first, then each order's lines. Store staff
mark the shown wave delivered to the points, and enter a buyer's pickup code, from POST forms that must come from
the console's own origin.

Reads go through `social.community.service`, the calls the API makes: `list_leaders` narrows to what the principal
may see (staff: their store's; the operator: every store's) and `leader_view` loads one leader (another store's is a
404 like a missing one). Times are on the store's clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from shopkeeper.api import problem_text
from shopkeeper.auth import Principal
from shopkeeper.console import filters
from shopkeeper.console.marketing import stores_of
from shopkeeper.console.web import detail, lang_of, not_found, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, NotFound
from shopkeeper.orders.order_lists import order_facts
from shopkeeper.social.community import payouts, rules, service, waves
from shopkeeper.social.community.moves import WaveStatus
from shopkeeper.social.distribution.moves import PayoutStatus

router = APIRouter(include_in_schema=False)
DONE = ("delivered", "collected", "approved", "rejected")
NOTE_LENGTH = 200  # Payout.note's column


@router.get("/community/leaders")
def leaders(request: Request) -> Response:
    """Every leader the principal may see, newest first, with their point."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        rows = service.list_leaders(session, who, None, filters.PAGE_SIZE, None)
        points = {p.id: p for sid in stores.by_id for p in service.list_points(session, who, sid, 500, None)}
        listed = [(v, points.get(v.pickup_point_id), stores.owner(v.store_id, lang_of(request))) for v in rows]
    return render(request, "community_leaders.html", principal=who, nav="community", leaders=listed)


@dataclass(frozen=True)
class OrderLine:
    order_id: int
    number: str
    order_status: str
    pickup_status: str
    lines: list[tuple[str, str, int]]  # sku code, title, quantity


def _load(session: Session, who: Principal, leader_id: int) -> waves.LeaderView:
    return waves.leader_view(session, who, leader_id)


@router.get("/community/leaders/{leader_id}")
def leader_page(request: Request, leader_id: str) -> Response:
    done = request.query_params.get("done")
    return _page(request, leader_id, notice=f"cm.done.{done}" if done in DONE else None)


def _page(request: Request, leader_id: str, principal: Principal | None = None, status: int = 200,
          error: str | None = None, notice: str | None = None) -> Response:
    wave_raw = request.query_params.get("wave")
    wave_id = filters.parse_id(wave_raw) if wave_raw else None
    with detail(request, leader_id, "leader", _load, principal) as found:
        if isinstance(found, Response):
            return found
        who, session, view = found.principal, found.session, found.row
        if wave_raw:
            try:
                view = waves.leader_view(session, who, view.leader.id, wave_id or 0)
            except NotFound:
                return _not_found(request, who)
        stores = stores_of(session, who, request)
        zone = stores.zone(view.leader.store_id)
        facts = order_facts(session, [o.order_id for o in view.orders])
        orders = [OrderLine(o.order_id, *facts.get(o.order_id, (f"#{o.order_id}", "")), o.status,
                            [(str(x["sku_code"]), str(x["title"]), int(x["quantity"])) for x in o.lines]) for o in view.orders]
        mine = view.picks.leaders[0] if view.picks and view.picks.leaders else None
        manages = stores.may_manage(view.leader.store_id)
        balance = payouts.balance(session, who, view.leader.id)
        asked = [(p, manages and p.status == PayoutStatus.REQUESTED)
                 for p in payouts.list_payouts(session, who, view.leader.id, filters.PAGE_SIZE, None)]
    return render(request, "community_leader.html", status=status, principal=who, nav="community", v=view, zone=zone,
                  totals=mine.totals if mine else [], orders=orders, units=sum(t.quantity for t in mine.totals) if mine else 0,
                  manages=manages, may_deliver=manages and view.wave is not None and view.wave.status == WaveStatus.CLOSED,
                  balance=balance, payouts=asked, note_length=NOTE_LENGTH, error=error, notice=notice)


# --- the two writes: the wave reached the points; a buyer collects with their code -----------------------

@router.post("/community/leaders/{leader_id}/delivery")
def deliver(request: Request, leader_id: str, wave: Annotated[str, Form()] = "") -> Response:
    """The shown wave reached the pickup points (waves.deliver_wave): its orders get their pickup codes."""
    return _write(request, leader_id, "delivered", lambda session, now, who: waves.deliver_wave(
        session, now, who, filters.parse_id(wave) or 0), wave)


@router.post("/community/leaders/{leader_id}/pickups")
def collect(request: Request, leader_id: str, code: Annotated[str, Form()] = "") -> Response:
    """A buyer shows their pickup code at the leader's point; staff enter it (waves.collect)."""
    def use_case(session: Session, now: datetime, who: Principal) -> object:
        leader = service.get_leader(session, who, filters.parse_id(leader_id) or 0)
        return waves.collect(session, now, who, leader.pickup_point_id, code[:16])
    return _write(request, leader_id, "collected", use_case, request.query_params.get("wave"))


@router.post("/community/leaders/{leader_id}/payouts/{payout_id}/{decision}")
def decide(request: Request, leader_id: str, payout_id: str, decision: str, note: Annotated[str, Form()] = "") -> Response:
    """Approve (the money leaves the leader's balance) or reject the leader's payout request (payouts.decide_payout)."""
    def use_case(session: Session, now: datetime, who: Principal) -> object:
        payout = filters.parse_id(payout_id)
        if payout is None or decision not in ("approve", "reject"):
            raise NotFound(f"payout {payout_id} does not exist")
        return payouts.decide_payout(session, now, who, filters.parse_id(leader_id) or 0, payout,
                                     approve=decision == "approve", note=note.strip()[:NOTE_LENGTH] or None)
    return _write(request, leader_id, "approved" if decision == "approve" else "rejected", use_case, None)


def _write(request: Request, leader_id: str, done: str, use_case: Callable[[Session, datetime, Principal], object],
           wave: str | None) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    wanted = filters.parse_id(leader_id)
    if wanted is None:
        return _not_found(request, who)
    try:
        with request.app.state.db.transaction() as session:
            service.get_leader(session, who, wanted)
            use_case(session, request.app.state.clock.now(), who)
    except NotFound as missing:
        if isinstance(missing, rules.PickupCodeUnknown):
            return _page(request, leader_id, who, status=missing.status, error=problem_text.detail(missing.detail, lang_of(request)))
        return _not_found(request, who)
    except DomainError as refused:
        return _page(request, leader_id, who, status=refused.status, error=problem_text.detail(refused.detail, lang_of(request)))
    wave_part = f"wave={filters.parse_id(wave)}&" if wave and filters.parse_id(wave) else ""
    return RedirectResponse(f"/community/leaders/{wanted}?{wave_part}done={done}", status_code=303)


def _not_found(request: Request, who: Principal) -> HTMLResponse:
    return not_found(request, who, "leader")
