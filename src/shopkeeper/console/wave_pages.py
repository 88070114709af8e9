"""The wave board (社区团购 波次): a store's delivery waves, newest first, each with its status, its cut-off on the
store's clock and its orders (how many its buyers collected, how many reached the points and were not collected);
and one wave's pick list (商家配货): its SKU totals, then each leader's share of them for their pickup point.

Reads go through `social.community.waves`, the calls the API makes: `list_waves` narrows to what the principal may
see (staff: their store's; the operator: every store's) and `pick_list` loads one wave (another store's is a 404 like
a missing one). Delivering a wave and handing orders over stay on the leader's page (`community_pages`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal
from shopkeeper.console import filters
from shopkeeper.console.marketing import messages_of, page_of, pager, stores_of
from shopkeeper.console.web import detail, lang_of, render, signed_in
from shopkeeper.social.community import rules, service, waves
from shopkeeper.social.community.moves import WaveStatus

if TYPE_CHECKING:
    from shopkeeper.social.community.models import Leader, PickupPoint, Wave

router = APIRouter(include_in_schema=False)
STATUSES = [s.value for s in WaveStatus]


@dataclass(frozen=True)
class WaveLine:
    wave: Wave
    store: str
    zone: str
    counts: waves.WaveCounts


@router.get("/community/waves")
def board(request: Request) -> Response:
    """The waves the principal may see, newest first, filtered by store and status."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    lang = lang_of(request)
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        parsed = filters.parse_list(request.query_params, list(stores.by_id), STATUSES)
        f = parsed.list_filter
        found = [] if parsed.problems else waves.list_waves(session, who, f.store_id, f.status, filters.PAGE_SIZE + 1,
                                                            f.before_id)
        page, next_cursor = page_of(found)
        counts = waves.counts_of(session, [w.id for w in page])
        lines = [WaveLine(w, stores.owner(w.store_id, lang), stores.zone(w.store_id), counts[w.id]) for w in page]
    messages = messages_of(lang, parsed.problems)
    return render(request, "community_waves.html", status=400 if messages else 200, principal=who, nav="community",
                  stores=list(stores.by_id.values()), statuses=STATUSES, waves=lines, messages=messages,
                  form=dict(request.query_params), **pager(request, next_cursor))


@dataclass(frozen=True)
class LeaderShare:
    """One leader's part of the wave: their point, the SKU totals to pack for it, and how many orders."""

    leader: Leader
    point: PickupPoint
    totals: list[rules.SkuTotal]
    orders: int
    units: int


@dataclass(frozen=True)
class WavePicks:
    wave: Wave
    picks: rules.PickList


def _load(session: Session, who: Principal, wave_id: int) -> WavePicks:
    return WavePicks(*waves.pick_list(session, who, wave_id))


@router.get("/community/waves/{wave_id}")
def pick_list(request: Request, wave_id: str) -> Response:
    """One wave's pick list: the SKU totals for the whole wave, then per leader (their point's share)."""
    with detail(request, wave_id, "wave", _load) as found:
        if isinstance(found, Response):
            return found
        who, session, row = found.principal, found.session, found.row
        lang = lang_of(request)
        stores = stores_of(session, who, request)
        shares = []
        for pick in row.picks.leaders:
            leader = service.get_leader(session, who, pick.leader_id)
            point = service.get_point(session, who, leader.pickup_point_id)
            shares.append(LeaderShare(leader, point, pick.totals, len(pick.orders), sum(t.quantity for t in pick.totals)))
        counts = waves.counts_of(session, [row.wave.id])[row.wave.id]
    return render(request, "community_wave.html", principal=who, nav="community", w=row.wave, counts=counts,
                  store=stores.owner(row.wave.store_id, lang), zone=stores.zone(row.wave.store_id),
                  totals=row.picks.totals, units=sum(t.quantity for t in row.picks.totals), shares=shares)
