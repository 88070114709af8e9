"""The group-buy board (拼团): a store's groups filling up against their clocks, one group's members and history,
the store's offers and its 模拟成团 setting; and, in each store's panel, its pools (拼单): the shared baskets filling
up against their thresholds and clocks, and its pool offers (read through `social.pools.service`).

Reads and writes go through `social.groupbuys.service`, the calls the API makes: the board lists what
`list_groups` lets the principal see (staff: their store's; the operator: every store's), a group is loaded by
`get_group` (another store's is a 404 like a missing one), and the two writes, ending an offer and the store's
settings, are `end_offer` and `set_settings`, from POST forms that must come from the console's own origin.
Countdowns are written here, on the server, in the page's language; times are on the store's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.api import problem_text
from shopkeeper.auth import Principal
from shopkeeper.catalog.service import skus_with_products
from shopkeeper.console import filters, timeline
from shopkeeper.console.display import TimeLeft, money, time_left, when
from shopkeeper.console.i18n import event_label, translate
from shopkeeper.console.marketing import Stores, messages_of, page_of, pager, stores_of
from shopkeeper.console.web import detail, lang_of, not_found, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, NotFound
from shopkeeper.languages import Lang
from shopkeeper.orders.order_lists import order_facts
from shopkeeper.social.groupbuys import service
from shopkeeper.social.groupbuys.moves import GroupStatus
from shopkeeper.social.pools import service as pools

if TYPE_CHECKING:
    from shopkeeper.social.groupbuys.models import GroupBuy, GroupBuyMember, GroupBuyOffer, GroupBuySettings
    from shopkeeper.social.pools.models import Pool, PoolOffer

router = APIRouter(include_in_schema=False)

STATUSES = [s.value for s in GroupStatus]
DONE = ("settings", "ended")


@dataclass(frozen=True)
class OfferLine:
    """An offer as the board shows it: its SKU by name, the group price beside the SKU's own."""

    offer: GroupBuyOffer
    sku: str
    list_price_minor: int | None


@dataclass(frozen=True)
class GroupLine:
    group: GroupBuy
    offer: OfferLine
    store: str
    zone: str
    paid: int  # seats taken (auto-filled ones included once the group completes that way)
    size: int
    left: TimeLeft | None  # open groups only: the countdown to expiry


@dataclass(frozen=True)
class PoolLine:
    """A pool (拼单) as the board shows it: its basket and threshold in words (money or items), and its clock."""

    pool: Pool
    offer: PoolOffer
    achieved: str
    threshold: str
    achieved_units: int  # for the progress bar: in the threshold's unit
    threshold_units: int
    left: TimeLeft | None
    percent: str  # "10", "12.5": the discount as people write it


@dataclass(frozen=True)
class PoolOfferLine:
    offer: PoolOffer
    threshold: str
    percent: str


@dataclass(frozen=True)
class StorePanel:
    """One store's group-buy setup on the board: its 模拟成团 setting and its offers; its pools and pool offers."""

    store_id: int
    name: str
    zone: str
    settings: GroupBuySettings
    offers: list[OfferLine]
    may_manage: bool
    pools: list[PoolLine]
    pool_offers: list[PoolOfferLine]


def _percent(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _measure(basis: str, value: int, currency: str, lang: Lang) -> str:
    return money(value, currency) if basis == "amount" else translate(lang, "pool.items", n=value)


def _pool_panel(session: Session, who: Principal, store_id: int, now: datetime,
                lang: Lang) -> tuple[list[PoolLine], list[PoolOfferLine]]:
    lines = [PoolLine(pool, offer, _measure(pool.basis, progress.achieved, offer.currency, lang),
                      _measure(pool.basis, pool.threshold, offer.currency, lang), progress.achieved, pool.threshold,
                      time_left(pool.expires_at, now, lang) if pool.status == "open" and pool.expires_at else None,
                      _percent(offer.percent_off))
             for pool, offer, progress in pools.store_board(session, now, who, store_id, limit=filters.PAGE_SIZE)]
    offers = [PoolOfferLine(o, _measure(o.basis, o.threshold, o.currency, lang), _percent(o.percent_off))
              for o in pools.list_offers(session, who, store_id, None, filters.PAGE_SIZE, None)]
    return lines, offers


def _offer_lines(session: Session, offers: list[GroupBuyOffer], lang: Lang) -> dict[int, OfferLine]:
    skus, products = skus_with_products(session, sorted({o.sku_id for o in offers}))
    lines = {}
    for o in offers:
        sku = skus.get(o.sku_id)
        product = products.get(sku.product_id) if sku is not None else None
        title = (product.title_en or product.title if lang == "en" else product.title) if product is not None else ""
        name = f"{title} · {sku.code}" if sku is not None else f"SKU #{o.sku_id}"
        lines[o.id] = OfferLine(o, name, sku.price_minor if sku is not None else None)
    return lines


def _line(group: GroupBuy, offer: OfferLine, stores: Stores, now: datetime, lang: Lang) -> GroupLine:
    left = time_left(group.expires_at, now, lang) if group.status == GroupStatus.OPEN and group.expires_at else None
    return GroupLine(group, offer, stores.owner(group.store_id, lang), stores.zone(group.store_id),
                     min(group.paid_members, group.size), group.size, left)


@router.get("/group-buys")
def board(request: Request) -> Response:
    return _board(request, None)


def _board(request: Request, who: Principal | None, status: int = 200, error: str | None = None) -> Response:
    if who is None:
        signed = signed_in(request)
        if isinstance(signed, Response):
            return signed
        who = signed
    lang = lang_of(request)
    now: datetime = request.app.state.clock.now()
    done = request.query_params.get("done")
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        parsed = filters.parse_list(request.query_params, list(stores.by_id), STATUSES)
        f = parsed.list_filter
        rows = [] if parsed.problems else service.list_groups(session, who, service.GroupFilter(
            store_id=f.store_id, status=f.status, limit=filters.PAGE_SIZE + 1, before_id=f.before_id))
        page, next_cursor = page_of(rows)
        shown = [] if parsed.problems else [f.store_id] if f.store_id is not None else list(stores.by_id)
        offers = [o for sid in shown for o in service.list_offers(session, who, sid, None, filters.PAGE_SIZE, None)]
        offers += [service.get_offer(session, who, oid) for oid in {g.offer_id for g in page} - {o.id for o in offers}]
        described = _offer_lines(session, offers, lang)
        groups = [_line(g, described[g.offer_id], stores, now, lang) for g in page]
        panels = [StorePanel(sid, stores.owner(sid, lang), stores.zone(sid), service.get_settings(session, who, sid),
                             [described[o.id] for o in offers if o.store_id == sid], stores.may_manage(sid),
                             *_pool_panel(session, who, sid, now, lang))
                  for sid in shown]
    messages = messages_of(lang, parsed.problems)
    return render(request, "group_board.html", status=status if not messages else 400, principal=who, nav="group_buys",
                  stores=list(stores.by_id.values()), statuses=STATUSES, groups=groups, panels=panels,
                  messages=messages, form=dict(request.query_params), error=error,
                  notice=f"gb.done.{done}" if done in DONE else None, **pager(request, next_cursor))


# --- one group ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MemberLine:
    member: GroupBuyMember
    paid: bool
    order_number: str
    order_status: str


def _by_id(session: Session, who: Principal, group_id: int) -> GroupBuy:
    return service.get_group(session, who, str(group_id))


@router.get("/group-buys/{group_id}")
def group_detail(request: Request, group_id: str) -> Response:
    with detail(request, group_id, "group", _by_id) as found:
        if isinstance(found, Response):
            return found
        who, session, group = found.principal, found.session, found.row
        lang = lang_of(request)
        now: datetime = request.app.state.clock.now()
        stores = stores_of(session, who, request)
        seen = service.view(session, now, who, group)
        offer = _offer_lines(session, [seen.offer], lang)[seen.offer.id]
        members = seen.members or []
        facts = order_facts(session, [m.order_id for m in members])
        lines = [MemberLine(m, m.paid_at is not None, *facts.get(m.order_id, (f"#{m.order_id}", "")))
                 for m in members]
        zone = stores.zone(group.store_id)
        history = timeline.lines(events.timeline(session, service.subject(group)), lang, zone, seen.offer.currency)
        line = _line(group, offer, stores, now, lang)
    return render(request, "group.html", principal=who, nav="group_buys", g=line, members=lines, timeline=history,
                  event_label=event_label)


# --- the two writes -----------------------------------------------------------------------------------

@router.post("/group-buys/offers/{offer_id}/end")
def end_offer(request: Request, offer_id: str) -> Response:
    """No new group opens on the offer; its open groups run on (service.end_offer)."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    wanted = filters.parse_id(offer_id)
    if wanted is None:
        return _not_found(request, who)
    try:
        with request.app.state.db.transaction() as session:
            store_id = service.end_offer(session, request.app.state.clock.now(), who, wanted).store_id
    except NotFound:
        return _not_found(request, who)
    except DomainError as refused:
        return _board(request, who, status=refused.status, error=problem_text.detail(refused.detail, lang_of(request)))
    return RedirectResponse(f"/group-buys?store={store_id}&done=ended", status_code=303)


@router.post("/stores/{store_id}/group-buy-settings")
def save_settings(request: Request, store_id: str, auto_fill: Annotated[str, Form()] = "",
                  auto_fill_seats: Annotated[str, Form()] = "1") -> Response:
    """模拟成团 on or off and how many missing seats it may fill (service.set_settings; the rulebook bounds them)."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    wanted = filters.parse_id(store_id)
    seats = filters.parse_id(auto_fill_seats.strip())
    if wanted is None:
        return _not_found(request, who)
    lang = lang_of(request)
    if seats is None:
        return _board(request, who, status=400, error=translate(lang, "gb.bad_seats", value=auto_fill_seats[:20]))
    try:
        with request.app.state.db.transaction() as session:
            service.set_settings(session, request.app.state.clock.now(), who, wanted, auto_fill == "on", seats)
    except NotFound:
        return _not_found(request, who)
    except DomainError as refused:
        return _board(request, who, status=refused.status, error=problem_text.detail(refused.detail, lang))
    return RedirectResponse(f"/group-buys?store={wanted}&done=settings", status_code=303)


def _not_found(request: Request, who: Principal) -> HTMLResponse:
    return not_found(request, who, "group")


# --- the order page: an order held for its group --------------------------------------------------------

@dataclass(frozen=True)
class Hold:
    """What the order page says of an order its group still holds: the group, its fill, and when it ends."""

    group_id: int
    status: str
    paid: int
    size: int
    ends: str
    left: TimeLeft | None


@dataclass(frozen=True)
class PoolHold:
    """What the order page says of an order its pool still holds: the pool, its basket against the threshold, its end."""

    pool_id: int
    status: str
    achieved: str
    threshold: str
    ends: str
    left: TimeLeft | None


def order_pool_hold(session: Session, who: Principal, pool_id: int | None, zone: str, now: datetime,
                    lang: Lang) -> PoolHold | None:
    """None when the order is held for no pool (or one this principal cannot see)."""
    if pool_id is None:
        return None
    try:
        pool = pools.get_pool(session, who, str(pool_id))
    except NotFound:
        return None
    seen = pools.view(session, now, who, pool)
    progress, currency = seen.progress, seen.offer.currency
    left = time_left(progress.expires_at, now, lang) if pool.status == "open" else None
    return PoolHold(pool.id, pool.status, _measure(pool.basis, progress.achieved, currency, lang),
                    _measure(pool.basis, pool.threshold, currency, lang), when(progress.expires_at, zone), left)


def order_hold(session: Session, who: Principal, group_id: int | None, zone: str, now: datetime, lang: Lang) -> Hold | None:
    """None when the order is held for no group (or, never expected, one this principal cannot see)."""
    if group_id is None:
        return None
    try:
        group = service.get_group(session, who, str(group_id))
    except NotFound:
        return None
    progress = service.view(session, now, who, group).progress
    left = time_left(progress.expires_at, now, lang) if group.status == GroupStatus.OPEN else None
    return Hold(group.id, group.status, min(progress.paid_members, progress.size), progress.size,
                when(progress.expires_at, zone), left)
