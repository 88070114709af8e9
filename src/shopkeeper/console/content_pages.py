"""The content and live page (RULES.md §4.3): per store, its influencers' live sessions with the orders, GMV, refunds
and commission each brought, and its content tasks as a board by status, with the sales each brought; staff approve or
reject submitted content from the board.

Reads and writes go through `social.content.service`, the calls the API makes: sessions and tasks are what
`list_sessions` and `list_tasks` let the principal see (staff: their store's; the operator: every store's); the
figures are one read per page (`session_figures`, `task_figures`). The two writes are POST forms that must come from
the console's own origin. Times are on the store's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from shopkeeper.api import problem_text
from shopkeeper.auth import Principal
from shopkeeper.console import filters
from shopkeeper.console.marketing import stores_of
from shopkeeper.console.web import lang_of, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, NotFound
from shopkeeper.social.content import service
from shopkeeper.social.content.moves import TaskStatus, allowed_actions
from shopkeeper.social.content.rules import session_status
from shopkeeper.social.distribution.service import Figures

if TYPE_CHECKING:
    from shopkeeper.social.content.models import ContentTask, LiveSession

router = APIRouter(include_in_schema=False)

COLUMNS = [s.value for s in TaskStatus]
DONE = ("approved", "rejected")


@dataclass(frozen=True)
class SessionLine:
    live: LiveSession
    influencer: str
    status: str
    zone: str
    figures: Figures


@dataclass(frozen=True)
class TaskCard:
    task: ContentTask
    influencer: str
    zone: str
    figures: Figures
    actions: list[str]


@dataclass(frozen=True)
class StorePanel:
    store_id: int
    name: str
    currency: str
    sessions: list[SessionLine]
    columns: list[tuple[str, list[TaskCard]]]  # status → its cards, in the lifecycle's order


@router.get("/content")
def content_page(request: Request) -> Response:
    return _page(request, None)


def _page(request: Request, who: Principal | None, status: int = 200, error: str | None = None) -> Response:
    if who is None:
        signed = signed_in(request)
        if isinstance(signed, Response):
            return signed
        who = signed
    lang = lang_of(request)
    now: datetime = request.app.state.clock.now()
    done = request.query_params.get("done")
    wanted = filters.parse_id(request.query_params.get("store", ""))
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        shown = [wanted] if wanted in stores.by_id else list(stores.by_id)
        panels = []
        for store_id in shown:
            names = {p.id: p.display_name or p.code for p in service.influencers(session, who, store_id)}
            lives = service.list_sessions(session, who, store_id, filters.PAGE_SIZE, None)
            tasks = service.list_tasks(session, who, store_id, None, filters.PAGE_SIZE, None)
            live_figures = service.session_figures(session, store_id, lives)
            task_figures = service.task_figures(session, store_id, tasks)
            zone = stores.zone(store_id)
            lines = [SessionLine(s, names.get(s.promoter_id, f"#{s.promoter_id}"), session_status(s.starts_at, s.ends_at, now),
                                 zone, live_figures[s.id]) for s in lives]
            cards = [TaskCard(t, names.get(t.promoter_id, f"#{t.promoter_id}") if t.promoter_id else "", zone,
                              task_figures[t.id], [str(a) for a in allowed_actions(t.status, "staff")] if stores.may_manage(store_id) else [])
                     for t in tasks]
            columns = [(c, [card for card in cards if card.task.status == c]) for c in COLUMNS]
            panels.append(StorePanel(store_id, stores.owner(store_id, lang), stores.by_id[store_id].currency, lines,
                                     [(c, found) for c, found in columns if found or c in ("published", "submitted")]))
    return render(request, "content.html", status=status, principal=who, nav="content", panels=panels, error=error,
                  notice=f"ct.done.{done}" if done in DONE else None)


@router.post("/content-tasks/{task_id}/decide")
def decide(request: Request, task_id: str, decision: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "") -> Response:
    """Approve (the fee, if any, is paid) or reject with a note: service.decide, as the API does."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    wanted = filters.parse_id(task_id)
    if wanted is None or decision not in ("approve", "reject"):
        return _not_found(request, who)
    try:
        with request.app.state.db.transaction() as session:
            task = service.decide(session, request.app.state.clock.now(), who, wanted, approve=decision == "approve",
                                  note=note.strip()[:200] or None)
            store_id = task.store_id
    except NotFound:
        return _not_found(request, who)
    except DomainError as refused:
        return _page(request, who, status=refused.status, error=problem_text.detail(refused.detail, lang_of(request)))
    return RedirectResponse(f"/content?store={store_id}&done={'approved' if decision == 'approve' else 'rejected'}",
                            status_code=303)


def _not_found(request: Request, who: Principal) -> HTMLResponse:
    return render(request, "not_found.html", status=404, principal=who, body_key="error.not_found.content_task",
                  back_url="/content", back_key="ct.back")
