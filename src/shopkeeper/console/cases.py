"""The console's after-sales pages: the case list by nearest deadline, a case with its live countdown, seller metrics.

Reads go through `aftersales.cases.service`, which scopes cases to the principal:
staff see their store's, the operator every store's, and another store's case
answers 404 like a missing one. A deadline is shown twice over: as text the
server writes (so the page reads right without scripts) and as seconds a small
script counts down from, so the page stays right while it is open. The forms
that act on a case are in `case_actions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session

from shopkeeper import rulebooks
from shopkeeper.aftersales.cases import evidence as case_evidence
from shopkeeper.aftersales.cases import rows as case_rows
from shopkeeper.aftersales.cases.case_lists import case_queue
from shopkeeper.auth import Principal
from shopkeeper.catalog.service import get_store, list_stores
from shopkeeper.console import case_actions, case_metrics, filters, timeline
from shopkeeper.console.case_view import STATUSES, CaseSummary, proposal_text, summary
from shopkeeper.console.i18n import event_label, translate
from shopkeeper.console.web import detail, lang_of, not_found, render, signed_in, url_with
from shopkeeper.errors import NotFound
from shopkeeper.languages import Lang
from shopkeeper.orders.order_lists import order_facts
from shopkeeper.orders.service import get_order

if TYPE_CHECKING:
    from shopkeeper.aftersales.models import CaseRow
    from shopkeeper.catalog.models import Store
    from shopkeeper.orders.models import Order

router = APIRouter(include_in_schema=False)
router.include_router(case_actions.router)

def countdown_words(lang: Lang) -> dict[str, str]:
    """What the script needs to write a countdown in the page's language."""
    keys = {"left": "dur.left", "overdue": "dur.overdue", "d": "dur.d", "h": "dur.h", "m": "dur.m", "s": "dur.s",
            "sep": "dur.sep", "due_now": "case.due_now"}
    return {name: translate(lang, key) for name, key in keys.items()}


# --- the list -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    case: CaseSummary
    order_number: str
    store: str
    zone: str


def summaries(session: Session, rows: list[CaseRow], stores: dict[int, Store], now: datetime, lang: Lang) -> list[Row]:
    orders = order_facts(session, [r.order_id for r in rows])
    found = []
    for row in rows:
        number, status = orders.get(row.order_id, (f"#{row.order_id}", ""))
        store = stores.get(row.store_id)
        found.append(Row(summary(case_rows.describe(row), now, lang, status), number, store.name if store else f"#{row.store_id}",
                         store.timezone if store else "UTC"))
    return found


@router.get("/cases")
def case_list(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    lang = lang_of(request)
    now: datetime = request.app.state.clock.now()
    params = request.query_params
    with request.app.state.db.read() as session:
        stores = {s.id: s for s in list_stores(session, who)}
        problems = []
        store_text, status = params.get("store", "").strip(), params.get("status", "").strip() or "open"
        store_id = filters.parse_id(store_text)
        if store_text and store_id not in stores:
            problems.append(translate(lang, "list.bad.store", value=store_text))
        if status not in STATUSES:
            problems.append(translate(lang, "cases.bad.status", value=status))
        after_text = params.get("after", "").strip()
        after = filters.parse_id(after_text)
        if after_text and after is None:
            problems.append(translate(lang, "list.bad.before", value=after_text))
        found = [] if problems else case_queue(session, who, store_id, status, filters.PAGE_SIZE + 1, after)
        page = found[:filters.PAGE_SIZE]
        rows = summaries(session, page, stores, now, lang)
    more = len(found) > filters.PAGE_SIZE and page
    return render(request, "cases.html", status=400 if problems else 200, principal=who, nav="cases",
                  stores=list(stores.values()), statuses=STATUSES, chosen=status, rows=rows, messages=problems,
                  form=dict(params), by_deadline=status not in ("closed", "all"),
                  next_url=url_with(request, after=str(page[-1].id), lang=None) if more else None,
                  first_url=url_with(request, after=None, lang=None) if after_text else None,
                  words=countdown_words(lang))


# --- one case -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LineView:
    title: str
    sku_code: str
    options: dict[str, Any]
    quantity: int
    paid_minor: int
    refunded_minor: int


@router.get("/cases/{case_id}")
def case_detail(request: Request, case_id: str) -> Response:
    done = request.query_params.get("done")
    return case_page(request, None, case_id, notice=f"done.{done}" if done in case_actions.ACTIONS else None)


def case_page(request: Request, who: Principal | None, case_id: str, status: int = 200, notice: str | None = None,
              error: str | None = None) -> Response:
    """A case's page; `who` is None on a plain visit (signed in here), the principal when re-shown after a form."""
    with detail(request, case_id, "case", case_rows.get_case, who) as found:
        if isinstance(found, Response):
            return found
        who, session, row = found.principal, found.session, found.row
        lang = lang_of(request)
        now: datetime = request.app.state.clock.now()
        order = get_order(session, who, row.order_id)
        store = get_store(session, who, row.store_id)
        view = case_rows.describe(row)
        case = summary(view, now, lang, order.status)
        page = {
            "lines": _lines(row, order), "timeline": _timeline(session, who, row, store, lang),
            "messages": case_evidence.messages(session, who, row.id), "evidence": case_evidence.evidence_files(session, who, row.id),
            "reminders": [(moment, moment <= now) for moment in view.reminders],
            "proposals": _proposals(view, lang), "actions": case_actions.available(who, view),
        }
    return render(request, "case.html", status=status, principal=who, nav="cases", c=case, row=row, order=order,
                  store=store, now=now, notice=notice, error=error, event_label=event_label, words=countdown_words(lang),
                  **page)


def _timeline(session: Session, who: Principal, row: CaseRow, store: Store, lang: Lang) -> list[timeline.Line]:
    """The case's events in words, on the store's clock, its reason as the case's rulebook words it."""
    book = rulebooks.load(row.rulebook)

    def reason_words(code: str) -> str | None:
        reason = book.aftersales.reason(code)
        return None if reason is None else reason.zh if lang == "zh" else reason.en

    return timeline.lines(case_evidence.timeline(session, who, row.id), lang, store.timezone, store.currency, reason_words)


def _lines(row: CaseRow, order: Order) -> list[LineView]:
    ordered = {line.id: line for line in order.lines}
    views = []
    for line in row.lines:
        bought = ordered.get(line.order_line_id)
        views.append(LineView(bought.title if bought else f"#{line.order_line_id}", bought.sku_code if bought else "",
                              bought.options if bought else {}, line.quantity, line.paid_minor, line.refunded_minor))
    return views


def _proposals(view: case_rows.CaseView, lang: Lang) -> list[tuple[str, str]]:
    case = view.case
    shown = [("f.buyer_proposal", proposal_text(case.buyer_proposal, lang))]
    if case.on_table != case.buyer_proposal:
        shown.append(("f.on_table", proposal_text(case.on_table, lang)))
    if case.agreed is not None:
        shown.append(("f.agreed", proposal_text(case.agreed, lang)))
    return shown


@router.get("/cases/{case_id}/evidence/{evidence_id}")
def evidence(request: Request, case_id: str, evidence_id: str) -> Response:
    """An evidence file, to whoever may see the case; served as a download, never rendered in the console's origin."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    wanted, file_id = filters.parse_id(case_id), filters.parse_id(evidence_id)
    try:
        if wanted is None or file_id is None:
            raise NotFound("no such evidence")
        with request.app.state.db.read() as session:
            found, path = case_evidence.evidence_file(session, who, wanted, file_id, request.app.state.settings.evidence_dir)
    except NotFound:
        return not_found(request, who, "case")
    return FileResponse(path, media_type=found.content_type, filename=found.filename, content_disposition_type="attachment",
                        headers={"X-Content-Type-Options": "nosniff"})


# --- seller metrics -------------------------------------------------------------------------------

@router.get("/metrics")
def metrics(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    lang = lang_of(request)
    now: datetime = request.app.state.clock.now()
    params = request.query_params
    with request.app.state.db.read() as session:
        stores = list_stores(session, who)
        store_text = params.get("store", "").strip()
        store_id = filters.parse_id(store_text)
        period, problems = case_metrics.parse_period(params)
        messages = [translate(lang, p.key, **p.values, **({"field": translate(lang, p.label)} if p.label else {}))
                    for p in problems]
        if store_text and store_id not in {s.id for s in stores}:
            messages.append(translate(lang, "list.bad.store", value=store_text))
        shown = [s for s in stores if store_id is None or s.id == store_id]
        cards = [] if messages else [case_metrics.store_figures(session, s, period, now, lang) for s in shown]
    return render(request, "metrics.html", status=400 if messages else 200, principal=who, nav="metrics", stores=stores,
                  cards=cards, period=period, messages=messages, form=dict(params))
