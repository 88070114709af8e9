"""The assist pages (邀请助力, 分享互惠): each offer with its steps and what came of it (tasks opened, helps given,
step rewards unlocked, tasks complete and expired), one offer's tasks against their clocks.

Reads go through `social.assists.service`: `list_offers` (staff: their store's; the operator: every store's) and
`figures_of` over the offers read, one offer's tasks by `offer_board` (another store's offer is a 404 like a missing
one). The one write, ending an offer, is `end_offer`, from a POST form that must come from the console's own origin.
Countdowns are written here, on the server, in the page's language; times are on the store's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.api import problem_text
from shopkeeper.auth import Principal
from shopkeeper.catalog.service import skus_with_products
from shopkeeper.console import filters, timeline
from shopkeeper.console.display import TimeLeft, money, time_left
from shopkeeper.console.i18n import event_label, translate
from shopkeeper.console.marketing import Stores, messages_of, page_of, pager, stores_of
from shopkeeper.console.web import detail, lang_of, not_found, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, NotFound
from shopkeeper.languages import Lang
from shopkeeper.promotions.service import get_coupon_template
from shopkeeper.social.assists import service
from shopkeeper.social.assists.moves import TaskStatus

if TYPE_CHECKING:
    from shopkeeper.social.assists.models import AssistOffer

router = APIRouter(include_in_schema=False)

STATUSES = ["active", "ended"]
TASKS_SHOWN = 200  # an offer page's tasks, soonest expiry first; the API pages through the rest


@dataclass(frozen=True)
class StepLine:
    helpers: int
    reward: str


@dataclass(frozen=True)
class OfferLine:
    offer: AssistOffer
    store: str
    zone: str
    target: str  # the SKU by name, or the whole store
    steps: list[StepLine]
    figures: service.OfferFigures
    may_manage: bool


def _targets(session: Session, offers: list[AssistOffer], lang: Lang) -> dict[int, str]:
    skus, products = skus_with_products(session, sorted({o.sku_id for o in offers if o.sku_id is not None}))
    names = {}
    for sku_id, sku in skus.items():
        product = products.get(sku.product_id)
        title = (product.title_en or product.title if lang == "en" else product.title) if product is not None else ""
        names[sku_id] = f"{title} · {sku.code}"
    return {o.id: names.get(o.sku_id, f"SKU #{o.sku_id}") if o.sku_id is not None else translate(lang, "as.whole_store")
            for o in offers}


def _steps(session: Session, who: Principal, offer: AssistOffer, lang: Lang) -> list[StepLine]:
    lines = []
    for step in service.steps_of(offer):
        reward = step.reward
        if reward.kind == "coupon" and reward.template_id is not None:
            try:
                name = get_coupon_template(session, who, reward.template_id).name
            except NotFound:
                name = f"#{reward.template_id}"
            text = translate(lang, "as.reward.coupon", name=name)
        elif reward.kind == "price":
            text = translate(lang, "as.reward.price", price=money(reward.price_minor, offer.currency))
        else:
            text = translate(lang, "as.reward.free_item")
        lines.append(StepLine(step.helpers, text))
    return lines


def _lines(session: Session, who: Principal, stores: Stores, offers: list[AssistOffer], lang: Lang) -> list[OfferLine]:
    targets = _targets(session, offers, lang)
    figures = service.figures_of(session, offers)
    return [OfferLine(o, stores.owner(o.store_id, lang), stores.zone(o.store_id), targets[o.id],
                      _steps(session, who, o, lang), figures[o.id], stores.may_manage(o.store_id)) for o in offers]


@router.get("/assists")
def offers(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    lang = lang_of(request)
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        parsed = filters.parse_list(request.query_params, list(stores.by_id), STATUSES)
        f = parsed.list_filter
        rows = [] if parsed.problems else service.list_offers(session, who, f.store_id, f.status, filters.PAGE_SIZE + 1,
                                                              f.before_id)
        page, next_cursor = page_of(rows)
        lines = _lines(session, who, stores, page, lang)
    messages = messages_of(lang, parsed.problems)
    done = request.query_params.get("done")
    return render(request, "assists.html", status=400 if messages else 200, principal=who, nav="assists",
                  stores=list(stores.by_id.values()), statuses=STATUSES, offers=lines, messages=messages,
                  form=dict(request.query_params), notice="as.done.ended" if done == "ended" else None,
                  **pager(request, next_cursor))


# --- one offer ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskLine:
    row: service.BoardRow
    left: TimeLeft | None  # open tasks: the countdown to expiry


def _page(request: Request, who: Principal, raw_id: str, status: int = 200, error: str | None = None) -> Response:
    lang = lang_of(request)
    now: datetime = request.app.state.clock.now()
    with detail(request, raw_id, "assist", service.get_offer, principal=who) as found:
        if isinstance(found, Response):
            return found
        session = found.session
        stores = stores_of(session, who, request)
        # the open tasks first, soonest expiry first; then those that ended
        offer, running = service.offer_board(session, now, who, found.row.id, [TaskStatus.OPEN.value], TASKS_SHOWN)
        _, ended = service.offer_board(session, now, who, offer.id, [TaskStatus.COMPLETE.value, TaskStatus.EXPIRED.value],
                                       TASKS_SHOWN)
        line = _lines(session, who, stores, [offer], lang)[0]
        tasks = [TaskLine(r, time_left(r.task.expires_at, now, lang) if r.task.status == TaskStatus.OPEN else None)
                 for r in running + ended]
        history = timeline.lines(events.timeline(session, f"assist_offer:{offer.id}"), lang, line.zone, offer.currency)
    done = request.query_params.get("done")
    return render(request, "assist.html", status=status, principal=who, nav="assists", o=line, tasks=tasks,
                  timeline=history, event_label=event_label, error=error, shown=TASKS_SHOWN,
                  notice="as.done.ended" if done == "ended" else None)


@router.get("/assists/{offer_id}")
def offer_detail(request: Request, offer_id: str) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    return _page(request, who, offer_id)


@router.post("/assists/{offer_id}/end")
def end_offer(request: Request, offer_id: str) -> Response:
    """No new task opens on the offer; open tasks run on until they complete or their time is up (service.end_offer)."""
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
            service.end_offer(session, request.app.state.clock.now(), who, wanted)
    except NotFound:
        return _not_found(request, who)
    except DomainError as refused:
        return _page(request, who, offer_id, status=refused.status,
                     error=problem_text.detail(refused.detail, lang_of(request)))
    return RedirectResponse(f"/assists/{wanted}?done=ended", status_code=303)


def _not_found(request: Request, who: Principal) -> HTMLResponse:
    return not_found(request, who, "assist")
