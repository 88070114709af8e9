"""Community group buying (社区团购) pages: a store's leaders, and a leader's page with their point, their commission
and a delivery wave's pick list for their point (商家配货), SKU totals first, then each order's lines.

Reads go through `social.community.service`, the calls the API makes: `list_leaders` narrows to what the principal
may see (staff: their store's; the operator: every store's) and `leader_view` loads one leader (another store's is a
404 like a missing one). Times are on the store's clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal
from shopkeeper.console import filters
from shopkeeper.console.marketing import stores_of
from shopkeeper.console.web import detail, lang_of, not_found, render, signed_in
from shopkeeper.errors import NotFound
from shopkeeper.orders.order_lists import order_facts
from shopkeeper.social.community import service

router = APIRouter(include_in_schema=False)


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


def _load(session: Session, who: Principal, leader_id: int) -> service.LeaderView:
    return service.leader_view(session, who, leader_id)


@router.get("/community/leaders/{leader_id}")
def leader_page(request: Request, leader_id: str) -> Response:
    wave_raw = request.query_params.get("wave")
    wave_id = filters.parse_id(wave_raw) if wave_raw else None
    with detail(request, leader_id, "leader", _load) as found:
        if isinstance(found, Response):
            return found
        who, session, view = found.principal, found.session, found.row
        if wave_raw:
            try:
                view = service.leader_view(session, who, view.leader.id, wave_id or 0)
            except NotFound:
                return _not_found(request, who)
        stores = stores_of(session, who, request)
        zone = stores.zone(view.leader.store_id)
        facts = order_facts(session, [o.order_id for o in view.orders])
        orders = [OrderLine(o.order_id, *facts.get(o.order_id, (f"#{o.order_id}", "")), o.status,
                            [(str(x["sku_code"]), str(x["title"]), int(x["quantity"])) for x in o.lines]) for o in view.orders]
        mine = view.picks.leaders[0] if view.picks and view.picks.leaders else None
    return render(request, "community_leader.html", principal=who, nav="community", v=view, zone=zone,
                  totals=mine.totals if mine else [], orders=orders, units=sum(t.quantity for t in mine.totals) if mine else 0)


def _not_found(request: Request, who: Principal) -> HTMLResponse:
    return not_found(request, who, "leader")
