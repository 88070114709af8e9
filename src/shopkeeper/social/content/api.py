"""Content and live-stream routes (RULES.md §4.3): influencers (store staff sign their promoters), live sessions
(staff schedule; buyers open them by code), content tasks (staff publish, approve, reject, withdraw; influencers
accept and submit), and what each brought."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from shopkeeper.api.deps import MAX_ID, Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.idempotent import run_once
from shopkeeper.api.schemas import cut_page
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog.service import get_store, store_by_id
from shopkeeper.social.content import service
from shopkeeper.social.content.models import ContentTask, LiveSession
from shopkeeper.social.content.moves import TaskStatus
from shopkeeper.social.content.schemas import (
    ContentTouchIn,
    ContentTouchOut,
    InfluencerIn,
    InfluencerList,
    InfluencerOut,
    RejectIn,
    SessionIn,
    SessionOut,
    SessionPage,
    SubmitIn,
    TaskIn,
    TaskOut,
    TaskPage,
)

router = APIRouter(tags=["content and live"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
StoreQuery = Annotated[int, Query(ge=1, le=MAX_ID, description="the store")]


def _sessions_out(session: Session, ctx: Ctx, rows: list[LiveSession]) -> list[SessionOut]:
    figures = service.session_figures(session, None, rows)
    now = ctx.now()
    return [SessionOut.of(s, now, figures[s.id], store_by_id(session, s.store_id).currency) for s in rows]


def _tasks_out(session: Session, actor: Principal, rows: list[ContentTask]) -> list[TaskOut]:
    staff = actor.role is not Role.BUYER
    figures = service.task_figures(session, None, rows) if staff else {}
    return [TaskOut.of(t, "staff" if staff else "influencer", figures.get(t.id)) for t in rows]


# --- influencers -------------------------------------------------------------------------------------------

@router.post("/influencers")
def enroll(body: InfluencerIn, ctx: Ctx) -> InfluencerOut:
    """Sign one of the store's promoters as an influencer (达人, KOL), by name (store staff). The buyer joined the
    program themselves, free; their code, balances and statement stay, and the same commission lifecycle pays them."""
    with ctx.transaction() as session:
        return InfluencerOut.of(service.enroll(session, ctx.now(), ctx.actor, body.promoter_id, body.name))


@router.get("/influencers")
def list_influencers(store_id: StoreQuery, ctx: Ctx) -> InfluencerList:
    """A store's influencers, oldest first (store staff, the operator)."""
    with ctx.read() as session:
        return InfluencerList(items=[InfluencerOut.of(p) for p in service.influencers(session, ctx.actor, store_id)])


# --- live sessions -----------------------------------------------------------------------------------------

@router.post("/live-sessions", status_code=201)
def schedule_session(body: SessionIn, ctx: Ctx) -> SessionOut:
    """Schedule an influencer's live session (直播, store staff): start, end, its own code and link, and its own
    commission rate if it has one. A buyer who opens the link while the session is live is attributed to it."""
    with ctx.transaction() as session:
        return _sessions_out(session, ctx, [service.schedule_session(session, ctx.now(), ctx.actor, body.spec())])[0]


@router.get("/live-sessions")
def list_sessions(ctx: Ctx, store_id: IdQuery = None, limit: Limit = 50, cursor: IdQuery = None) -> SessionPage:
    """Live sessions, newest first, each with what it brought: orders, GMV, refunds, commission (store staff, the
    operator)."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_sessions(session, ctx.actor, store_id, limit + 1, cursor), limit)
        return SessionPage(items=_sessions_out(session, ctx, rows), next_cursor=next_cursor)


@router.get("/live-sessions/{session_id}")
def get_session(session_id: IdPath, ctx: Ctx) -> SessionOut:
    """One live session and what it brought (store staff, the operator)."""
    with ctx.read() as session:
        return _sessions_out(session, ctx, [service.get_session(session, ctx.actor, session_id)])[0]


@router.post("/content/touch")
def touch(body: ContentTouchIn, ctx: Ctx) -> ContentTouchOut:
    """A buyer opened a live session's or a content task's link (`?live=CODE`), or entered its code: a touch of its
    influencer naming the session while it is live, or the task within its sales window. The last touch within the
    store's attribution window wins the buyer's next paid order, at the session's or task's own rate if it has one."""
    with ctx.transaction() as session:
        found = service.touch(session, ctx.now(), ctx.actor, body.code, body.source)
        return ContentTouchOut(promoter_id=found.promoter_id, store_id=found.store_id,
                               live_session_id=found.live_session_id, task_id=found.task_id, at=found.at)


# --- content tasks -----------------------------------------------------------------------------------------

@router.post("/content-tasks", status_code=201)
def publish_task(body: TaskIn, ctx: Ctx) -> TaskOut:
    """Publish a content task (内容任务, store staff): a brief, the products, a commission rate on the sales its code
    brings and/or a fee for the content, a deadline (the task expires undelivered then) and a sales window."""
    with ctx.transaction() as session:
        currency = get_store(session, ctx.actor, body.store_id).currency
        return _tasks_out(session, ctx.actor, [service.publish_task(session, ctx.now(), ctx.actor, body.spec(currency))])[0]


@router.get("/content-tasks")
def list_tasks(ctx: Ctx, store_id: IdQuery = None, status: TaskStatus | None = None, limit: Limit = 50,
               cursor: IdQuery = None) -> TaskPage:
    """Content tasks, newest first: a store's for its staff, with the sales each brought; for an influencer (give
    `store_id`), the store's published tasks and the ones they took."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_tasks(session, ctx.actor, store_id, status, limit + 1, cursor), limit)
        return TaskPage(items=_tasks_out(session, ctx.actor, rows), next_cursor=next_cursor)


@router.get("/content-tasks/{task_id}")
def get_task(task_id: IdPath, ctx: Ctx) -> TaskOut:
    """One content task and what its state allows the caller; for staff, the sales it brought."""
    with ctx.read() as session:
        return _tasks_out(session, ctx.actor, [service.get_task(session, ctx.actor, task_id)])[0]


@router.post("/content-tasks/{task_id}/accept")
def accept_task(task_id: IdPath, ctx: Ctx) -> TaskOut:
    """Accept a published task (an influencer of the store) and get its code; the first to accept takes it."""
    with ctx.transaction() as session:
        return _tasks_out(session, ctx.actor, [service.accept(session, ctx.now(), ctx.actor, task_id)])[0]


@router.post("/content-tasks/{task_id}/submit")
def submit_task(task_id: IdPath, body: SubmitIn, ctx: Ctx) -> TaskOut:
    """Hand in a link to the content (the influencer who accepted), before the deadline; again after a rejection."""
    with ctx.transaction() as session:
        return _tasks_out(session, ctx.actor, [service.submit(session, ctx.now(), ctx.actor, task_id, body.url)])[0]


@router.post("/content-tasks/{task_id}/approve", response_model=TaskOut)
def approve_task(task_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Approve the submitted content (store staff): the task's fee, if any, goes to the influencer's balance. Send an
    `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        task = service.decide(session, ctx.now(), ctx.actor, task_id, approve=True)
        return 200, _tasks_out(session, ctx.actor, [task])[0].model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:approve-content-task", idempotency_key, {"task_id": task_id}, use_case)


@router.post("/content-tasks/{task_id}/reject")
def reject_task(task_id: IdPath, body: RejectIn, ctx: Ctx) -> TaskOut:
    """Reject the submitted content (store staff), saying what to change; the influencer may submit again before the
    deadline."""
    with ctx.transaction() as session:
        return _tasks_out(session, ctx.actor, [service.decide(session, ctx.now(), ctx.actor, task_id, approve=False,
                                                              note=body.note)])[0]


@router.post("/content-tasks/{task_id}/withdraw")
def withdraw_task(task_id: IdPath, ctx: Ctx) -> TaskOut:
    """Take back a task nobody has accepted (store staff)."""
    with ctx.transaction() as session:
        return _tasks_out(session, ctx.actor, [service.withdraw(session, ctx.now(), ctx.actor, task_id)])[0]
