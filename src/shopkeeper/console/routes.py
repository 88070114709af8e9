"""The console's pages: login, dashboard, order list and order detail (promotions, coupons, campaigns: `marketing`;
after-sales cases and seller metrics: `cases`).

Routes stay thin: they read through services and `queries`, turn rows into
what a page shows, and render. The only writes are the marketing pages' status
moves (pause / resume / end) and the case forms, through the same service calls as the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from shopkeeper import events
from shopkeeper.aftersales.service import CaseFilter, list_cases
from shopkeeper.api.schemas import cut_page
from shopkeeper.auth import Principal, Role, authenticate
from shopkeeper.catalog.models import Store
from shopkeeper.catalog.service import list_stores
from shopkeeper.clock import start_of_local_day
from shopkeeper.console import cases, filters, marketing, queries, timeline
from shopkeeper.console.display import TimeLeft, time_left
from shopkeeper.console.i18n import Lang, event_label, translate
from shopkeeper.console.order_pricing import pricing_view, refs_of
from shopkeeper.console.web import (
    KEY_COOKIE,
    buyer_refused,
    lang_of,
    not_found,
    remember_lang,
    render,
    set_key_cookie,
    signed_in,
    url_with,
)
from shopkeeper.errors import NotFound, Unauthenticated
from shopkeeper.money import Money
from shopkeeper.orders.ledger import balances
from shopkeeper.orders.models import Order, OrderStatus
from shopkeeper.orders.service import get_order, list_orders

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).parent / "static"
AWAITING_SHOWN = 20  # per store on the dashboard; the order list has the rest
MAX_KEY_LENGTH = 256


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    return (STATIC / "console.css").read_text(encoding="utf-8")


@router.get("/static/console.css")
def stylesheet() -> Response:
    return Response(_stylesheet(), media_type="text/css", headers={"Cache-Control": "public, max-age=300"})


# --- signing in and out -------------------------------------------------------------------------

@router.get("/login")
def login_page(request: Request, key: str | None = None) -> Response:
    """`/login?key=...` signs in in one step: the launcher prints such a link."""
    if key:
        return _sign_in(request, key)
    return render(request, "login.html")


@router.post("/login")
def login(request: Request, key: Annotated[str, Form()] = "") -> Response:
    return _sign_in(request, key)


def _sign_in(request: Request, key: str) -> Response:
    key = key.strip()
    try:
        if len(key) > MAX_KEY_LENGTH:
            raise Unauthenticated()
        with request.app.state.db.read() as session:
            principal = authenticate(session, key)
    except Unauthenticated:
        return render(request, "login.html", status=401, error=True)
    if principal.role is Role.BUYER:
        return buyer_refused(request)
    response = RedirectResponse("/", status_code=303)
    set_key_cookie(request, response, key)
    remember_lang(request, response)
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(KEY_COOKIE, httponly=True, samesite="lax")
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
            today = queries.day_totals(session, who, store.id, start_of_local_day(now, store.timezone))
            waiting, count = queries.awaiting_shipment(session, who, store.id, AWAITING_SHOWN)
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
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    wanted = filters.parse_id(order_id)
    with request.app.state.db.read() as session:
        try:
            order = get_order(session, who, wanted) if wanted is not None else None
        except NotFound:
            order = None
        if order is None:
            return not_found(request, who)
        detail = _order_page(session, order, lang_of(request))
        now = request.app.state.clock.now()
        detail["cases"] = _order_cases(session, who, order, now, lang_of(request))
    return render(request, "order.html", principal=who, nav="orders", order=order, now=now,
                  left=time_left(_active_deadline(order), now, lang_of(request)),
                  words=cases.countdown_words(lang_of(request)), **detail)


def _order_page(session: Any, order: Order, lang: Lang) -> dict[str, Any]:
    """Everything the detail page reads, loaded while the session is open."""
    store = session.get(Store, order.store_id)
    lines = list(order.lines)
    links = queries.pricing_links(session, refs_of(order.pricing, lines))
    history = timeline.lines(events.timeline(session, f"order:{order.id}"), lang, store.timezone, order.currency)
    return {"store": store, "lines": lines, "timeline": history,
            "event_label": event_label, "pricing": pricing_view(order, lines, lang, links)}


def _order_cases(session: Any, who: Principal, order: Order, now: datetime, lang: Lang) -> list[cases.Row]:
    """The order's after-sales cases, newest first, each linking to its page."""
    rows = list_cases(session, who, CaseFilter(order_id=order.id, limit=50))
    return cases.summaries(session, rows, {order.store_id: session.get(Store, order.store_id)}, now, lang)


def _active_deadline(order: Order) -> datetime | None:
    """The one deadline the order is running against now, if any."""
    return {OrderStatus.AWAITING_PAYMENT.value: order.pay_by, OrderStatus.PAID.value: order.ship_by,
            OrderStatus.SHIPPED.value: order.confirm_by, OrderStatus.DELIVERED.value: order.confirm_by}.get(order.status)


router.include_router(marketing.router)
router.include_router(cases.router)
