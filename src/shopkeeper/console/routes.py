"""The console's pages: login, dashboard, order list and order detail (promotions and coupons: `promotion_pages`;
campaigns: `campaign_pages`; after-sales cases and seller metrics: `cases`; group buys, promoters, reward programs and
assists: `group_pages`, `promoter_pages`, `reward_pages`, `assist_pages`).

Routes stay thin: they read through the domains' services and read modules (`orders.order_lists`,
`catalog.labels` ...), turn rows into what a page shows, and render. The only writes are signing in and out (sessions.py),
the marketing pages' status moves (pause / resume / end) and the case forms, through the
same service calls as the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from shopkeeper import events
from shopkeeper.aftersales.cases.rows import CaseFilter, list_cases
from shopkeeper.api.schemas import cut_page
from shopkeeper.auth import Principal, Role, find_key, principal_of
from shopkeeper.catalog.service import get_store, list_stores
from shopkeeper.clock import start_of_local_day
from shopkeeper.console import (
    allocation_pages,
    assist_pages,
    campaign_pages,
    carrier_pages,
    cases,
    community_pages,
    content_pages,
    customs_pages,
    fan_pages,
    filters,
    fulfilment_section,
    group_pages,
    import_pages,
    keys_page,
    packet_pages,
    promoter_pages,
    promotion_pages,
    purchase_pages,
    queries,
    receipt_pages,
    reward_pages,
    shipping_pages,
    supplier_pages,
    timeline,
    warehouse_pages,
    wave_pages,
    webhook_pages,
)
from shopkeeper.console.display import TimeLeft, time_left
from shopkeeper.console.i18n import event_label, translate
from shopkeeper.console.order_pricing import pricing_view, refs_of
from shopkeeper.console.web import (
    SESSION_COOKIE,
    address_of,
    buyer_refused,
    clear_session_cookie,
    detail,
    lang_of,
    refused_cross_origin,
    remember_lang,
    render,
    same_origin,
    set_session_cookie,
    signed_in,
    url_with,
)
from shopkeeper.errors import NotFound, Unauthenticated
from shopkeeper.languages import Lang
from shopkeeper.money import Money
from shopkeeper.orders import order_lists
from shopkeeper.orders.ledger import balances
from shopkeeper.orders.rules import OrderStatus, allowed_actions
from shopkeeper.orders.service import get_order, is_held, list_orders
from shopkeeper.sessions import end_session, policy_of, redeem_link, start_session

if TYPE_CHECKING:
    from shopkeeper.catalog.models import Store
    from shopkeeper.orders.models import Order

router = APIRouter(include_in_schema=False)
# before `/orders/{order_id}` below: `/orders/imports` is the imports page, not an order
router.include_router(import_pages.router)

STATIC = Path(__file__).parent / "static"
AWAITING_SHOWN = 20  # per store on the dashboard; the order list has the rest


# The console's own files, and nothing else: a name not listed here is a 404, never a path into the package.
STATIC_FILES = {"console.css": "text/css", "forms.js": "text/javascript", "countdown.js": "text/javascript"}


@lru_cache(maxsize=len(STATIC_FILES))
def _static_text(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    if name not in STATIC_FILES:
        raise NotFound(f"no such file {name}")
    return Response(_static_text(name), media_type=STATIC_FILES[name], headers={"Cache-Control": "public, max-age=300"})


# --- signing in and out -------------------------------------------------------------------------

@router.get("/login")
def login_page(request: Request) -> Response:
    """The login form. A key in the query string (`/login?key=`, the old one-step link) signs no one in:
    a URL lands in access logs and browser history; `shopkeeper serve` prints a one-time link instead."""
    return render(request, "login.html")


@router.post("/login")
def login(request: Request, key: Annotated[str, Form()] = "") -> Response:
    """Refused from another origin too: a foreign page must not sign this browser in as someone else."""
    if not same_origin(request):
        return refused_cross_origin(request, None)
    key = key.strip()
    address = address_of(request)
    limits = request.app.state.limits
    wait = limits.failed_sign_ins.wait(address)
    if wait:
        return _too_many(request, wait)
    try:
        with request.app.state.db.read() as session:
            principal = principal_of(find_key(session, key))
    except Unauthenticated:
        limits.failed_sign_ins.record(address)
        return render(request, "login.html", status=401, error="login.invalid")
    return _open_session(request, principal)


@router.get("/login/once/{token}")
def login_once(request: Request, token: str) -> Response:
    """A one-time sign-in link (`shopkeeper serve` prints one): works once, within minutes, then never again."""
    address = address_of(request)
    limits = request.app.state.limits
    wait = limits.failed_sign_ins.wait(address)
    if wait:
        return _too_many(request, wait)
    with request.app.state.db.transaction() as session:
        key = redeem_link(session, request.app.state.clock.now(), token, policy_of(request.app.state.settings))
        principal = principal_of(key) if key is not None else None
    if principal is None:
        limits.failed_sign_ins.record(address)
        return render(request, "login.html", status=401, error="login.link_dead")
    return _open_session(request, principal)


def _open_session(request: Request, principal: Principal) -> Response:
    if principal.role is Role.BUYER:
        return buyer_refused(request)
    with request.app.state.db.transaction() as session:
        session_id = start_session(session, request.app.state.clock.now(), principal.key_id,
                                   policy_of(request.app.state.settings))
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(request, response, session_id)
    remember_lang(request, response)
    return response


def _too_many(request: Request, wait: int) -> Response:
    """An address that keeps guessing waits out the minute (ratelimit.py); the form says so."""
    response = render(request, "login.html", status=429, error="login.too_many")
    response.headers["Retry-After"] = str(wait)
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    """Ends the session server-side, so a copied cookie is dead too; refused from another origin like every form."""
    if not same_origin(request):
        return refused_cross_origin(request, None)
    with request.app.state.db.transaction() as session:
        end_session(session, request.app.state.clock.now(), request.cookies.get(SESSION_COOKIE),
                    policy_of(request.app.state.settings))
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(request, response)
    return response


# --- dashboard ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StoreCard:
    store: Store
    today_orders: int
    today_gmv: Money
    escrow: Money
    balance: Money
    awaiting: list[tuple[Order, TimeLeft | None]]
    awaiting_count: int


@router.get("/")
def dashboard(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    now: datetime = request.app.state.clock.now()
    lang = lang_of(request)
    cards = []
    with request.app.state.db.read() as session:
        stores = list_stores(session, who)
        for store in stores:
            today = order_lists.day_totals(session, who, store.id, start_of_local_day(now, store.timezone))
            waiting, count = order_lists.awaiting_shipment(session, who, store.id, AWAITING_SHOWN)
            money = balances(session, store.id, store.currency)
            cards.append(StoreCard(
                store=store, today_orders=today.orders, today_gmv=Money(today.paid_minor, store.currency),
                escrow=money["escrow"], balance=money["store_balance"],
                awaiting=[(order, time_left(order.ship_by, now, lang)) for order in waiting], awaiting_count=count,
            ))
    return render(request, "dashboard.html", principal=who, nav="dashboard", cards=cards, now=now)


# --- orders -------------------------------------------------------------------------------------

@router.get("/orders")
def orders(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    lang = lang_of(request)
    with request.app.state.db.read() as session:
        stores = list_stores(session, who)
        parsed = filters.parse(request.query_params, [s.id for s in stores])
        rows = [] if parsed.problems else list_orders(session, who, parsed.order_filter)
    page, next_cursor = cut_page(rows, filters.PAGE_SIZE)
    messages = [translate(lang, p.key, **p.values, **({"field": translate(lang, p.label)} if p.label else {}))
                for p in parsed.problems]
    return render(
        request, "orders.html", status=400 if messages else 200, principal=who, nav="orders",
        stores=stores, store_names={s.id: s.name for s in stores}, store_zones={s.id: s.timezone for s in stores}, statuses=[s.value for s in OrderStatus],
        orders=page, messages=messages, form=dict(request.query_params),
        next_url=url_with(request, before=str(next_cursor), lang=None) if next_cursor else None,
        first_url=url_with(request, before=None, lang=None) if request.query_params.get("before") else None,
    )


@router.get("/orders/{order_id}")
def order_detail(request: Request, order_id: str) -> Response:
    with detail(request, order_id, "order", get_order) as found:
        if isinstance(found, Response):
            return found
        who, session, order = found.principal, found.session, found.row
        page = _order_page(session, who, order, lang_of(request))
        now = request.app.state.clock.now()
        page["cases"] = _order_cases(session, who, order, now, lang_of(request))
        page.update(receipt_pages.receipt_context(request, session, who, order, now))
        page.update(customs_pages.customs_context(session, who, order.id))
        page.update(fulfilment_section.fulfilment_context(session, who, order, lang_of(request)))
        page["hold"] = group_pages.order_hold(session, who, order.held_for_group, page["store"].timezone, now,
                                              lang_of(request))
        page["pool_hold"] = group_pages.order_pool_hold(session, who, order.held_for_pool, page["store"].timezone, now,
                                                        lang_of(request))
        # the orders domain's own answer: an order its group buy still holds does not ship
        page["actions"] = allowed_actions(order.status, held_for_group=is_held(order))
    return render(request, "order.html", principal=who, nav="orders", order=order, now=now,
                  left=time_left(_active_deadline(order), now, lang_of(request)),
                  words=cases.countdown_words(lang_of(request)), **page)


def _order_page(session: Any, who: Principal, order: Order, lang: Lang) -> dict[str, Any]:
    """Everything the detail page reads, loaded while the session is open."""
    store = get_store(session, who, order.store_id)
    lines = list(order.lines)
    links = queries.pricing_links(session, refs_of(order.pricing, lines))
    history = timeline.lines(events.timeline(session, f"order:{order.id}"), lang, store.timezone, order.currency)
    return {"store": store, "lines": lines, "timeline": history,
            "event_label": event_label, "pricing": pricing_view(order, lines, lang, links)}


def _order_cases(session: Any, who: Principal, order: Order, now: datetime, lang: Lang) -> list[cases.Row]:
    """The order's after-sales cases, newest first, each linking to its page."""
    rows = list_cases(session, who, CaseFilter(order_id=order.id, limit=50))
    return cases.summaries(session, rows, {order.store_id: get_store(session, who, order.store_id)}, now, lang)


def _active_deadline(order: Order) -> datetime | None:
    """The one deadline the order is running against now, if any."""
    return {OrderStatus.AWAITING_PAYMENT.value: order.pay_by, OrderStatus.PAID.value: order.ship_by,
            OrderStatus.SHIPPED.value: order.confirm_by, OrderStatus.DELIVERED.value: order.confirm_by}.get(order.status)


router.include_router(promotion_pages.router)
router.include_router(campaign_pages.router)
router.include_router(cases.router)
router.include_router(keys_page.router)
router.include_router(carrier_pages.router)
router.include_router(receipt_pages.router)
router.include_router(group_pages.router)
router.include_router(content_pages.router)
router.include_router(packet_pages.router)
router.include_router(promoter_pages.router)
router.include_router(reward_pages.router)
router.include_router(assist_pages.router)
router.include_router(fan_pages.router)
router.include_router(community_pages.router)
router.include_router(wave_pages.router)
router.include_router(customs_pages.router)
router.include_router(allocation_pages.router)
router.include_router(webhook_pages.router)
router.include_router(purchase_pages.router)
router.include_router(supplier_pages.router)
router.include_router(shipping_pages.router)
router.include_router(warehouse_pages.router)
