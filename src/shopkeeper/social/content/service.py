"""Content and live-stream use cases (RULES.md §4.3): influencers, live sessions, touches through a session's or a
task's code, content tasks from publishing to approval, and what each brought.

Influencers are distribution's promoters of the influencer kind, signed through `distribution.service`; a touch is
distribution's touch naming the session or task, so the order it wins is attributed, frozen, released and clawed
back by `distribution.commissions`, the one commission lifecycle. A task's fee is paid through `distribution.fees`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shopkeeper import events, timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import Clock
from shopkeeper.db import newest_first
from shopkeeper.errors import InvalidInput, NotFound
from shopkeeper.scope import require_role, require_store_manager, scoped
from shopkeeper.social.content import rules
from shopkeeper.social.content.models import ContentTask, LiveSession
from shopkeeper.social.content.moves import SELLING, TaskStatus, next_state
from shopkeeper.social.distribution import fees
from shopkeeper.social.distribution import service as distribution
from shopkeeper.social.distribution.rules import NotAnInfluencer
from shopkeeper.social.distribution.service import CODE_LETTERS, INFLUENCER, Figures

if TYPE_CHECKING:
    from shopkeeper.social.distribution.models import Promoter, Touch

TASK_DEADLINE = "content.task_deadline"


def session_subject(live: LiveSession) -> str:
    return f"live_session:{live.id}"


def task_subject(task: ContentTask) -> str:
    return f"content_task:{task.id}"


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_LETTERS) for _ in range(8))
        taken = session.scalar(select(LiveSession.id).where(LiveSession.code == code)) or session.scalar(
            select(ContentTask.id).where(ContentTask.code == code))
        if taken is None:
            return code


def _percent(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# --- influencers ---------------------------------------------------------------------------------------------

def enroll(session: Session, now: datetime, actor: Principal, promoter_id: int, name: str) -> Promoter:
    """Store staff sign one of their promoters as an influencer (distribution.service.enroll_influencer)."""
    return distribution.enroll_influencer(session, now, actor, promoter_id, name)


def influencers(session: Session, actor: Principal, store_id: int) -> list[Promoter]:
    return distribution.influencers(session, actor, store_id)


def _influencer(session: Session, actor: Principal, store_id: int, promoter_id: int) -> Promoter:
    promoter = distribution.get_promoter(session, actor, promoter_id)
    if promoter.store_id != store_id or promoter.kind != INFLUENCER:
        raise NotAnInfluencer(f"promoter {promoter_id} is not an influencer of store {store_id}")
    return promoter


def _second_level(session: Session, actor: Principal, store_id: int) -> Decimal | None:
    """The program's second-level percentage where it pays a second level (the opt-in RULES.md §17.2 allows)."""
    terms = distribution.get_program(session, actor, store_id)
    return terms.second_level_percent if terms.levels_paid == 2 and terms.second_level_opt_in else None


# --- live sessions -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionSpec:
    store_id: int
    influencer_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    commission_percent: Decimal | None = None


def schedule_session(session: Session, now: datetime, actor: Principal, spec: SessionSpec) -> LiveSession:
    """Store staff schedule an influencer's live session: its own code and link; its own percentage if it has one."""
    require_store_manager(actor, spec.store_id)
    catalog.get_store(session, actor, spec.store_id)
    _influencer(session, actor, spec.store_id, spec.influencer_id)
    rules.check_session(spec.starts_at, spec.ends_at, now)
    rules.check_percent(spec.commission_percent, _second_level(session, actor, spec.store_id))
    live = LiveSession(store_id=spec.store_id, promoter_id=spec.influencer_id, title=spec.title, code=_new_code(session),
                       starts_at=spec.starts_at, ends_at=spec.ends_at, created_at=now,
                       commission_percent=None if spec.commission_percent is None else str(spec.commission_percent))
    session.add(live)
    session.flush()
    events.record(session, now, "content.session_scheduled", session_subject(live), live.store_id, title=live.title,
                  promoter_id=live.promoter_id, code=live.code, starts_at=live.starts_at.isoformat(),
                  ends_at=live.ends_at.isoformat())
    return live


def list_sessions(session: Session, actor: Principal, store_id: int | None, limit: int, before_id: int | None) -> list[LiveSession]:
    """Newest first: a store's for its staff, every store's for the operator (buyers open a session by its code)."""
    require_role(actor, Role.OPERATOR, Role.STAFF)
    query = scoped(newest_first(select(LiveSession), LiveSession.id, limit, before_id), actor, LiveSession.store_id)
    return list(session.scalars(query if store_id is None else query.where(LiveSession.store_id == store_id)))


def get_session(session: Session, actor: Principal, session_id: int) -> LiveSession:
    live = session.get(LiveSession, session_id)
    if live is None or actor.role is Role.BUYER or not actor.may_see_store(live.store_id):
        raise NotFound(f"live session {session_id} does not exist")
    return live


def session_figures(session: Session, store_id: int | None, sessions: list[LiveSession]) -> dict[int, Figures]:
    """Orders, GMV, refunds and commission per session, in one read (only touches made while it was live name it)."""
    return distribution.attributed_figures(session, store_id, "live_session", {s.id: (None, None) for s in sessions})


# --- touches -------------------------------------------------------------------------------------------------

def touch(session: Session, now: datetime, actor: Principal, code: str, source: str) -> Touch:
    """A buyer opened a live session's or a content task's link, or entered its code: a touch of its influencer that
    names the session (while it is live) or the task (from acceptance to the end of its sales window), with their
    percentage. Outside those times the touch still brings the buyer to the influencer, naming nothing."""
    require_role(actor, Role.BUYER)
    wanted = code.strip().upper()
    live = session.scalar(select(LiveSession).where(LiveSession.code == wanted))
    if live is not None:
        promoter = distribution.promoter_by_id(session, live.promoter_id)
        if rules.session_status(live.starts_at, live.ends_at, now) == "live":
            return distribution.touch_promoter(session, now, actor, promoter, source, live_session_id=live.id,
                                               commission_percent=_percent(live.commission_percent))
        return distribution.touch_promoter(session, now, actor, promoter, source)
    task = session.scalar(select(ContentTask).where(ContentTask.code == wanted))
    if task is None or task.promoter_id is None:
        raise rules.UnknownContentCode(f"no live session or content task has the code {wanted}")
    promoter = distribution.promoter_by_id(session, task.promoter_id)
    if rules.task_sells(task.status in SELLING, task.accepted_at, task.sales_until, now):
        return distribution.touch_promoter(session, now, actor, promoter, source, task_id=task.id,
                                           commission_percent=_percent(task.commission_percent))
    return distribution.touch_promoter(session, now, actor, promoter, source)


# --- content tasks -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskSpec:
    store_id: int
    title: str
    brief: str
    product_ids: tuple[int, ...]
    deadline: datetime
    sales_until: datetime
    commission_percent: Decimal | None = None
    fee_minor: int = 0


def publish_task(session: Session, now: datetime, actor: Principal, spec: TaskSpec) -> ContentTask:
    """Store staff publish a task for their influencers: the deadline is a durable timer that expires it undelivered."""
    require_store_manager(actor, spec.store_id)
    store = catalog.get_store(session, actor, spec.store_id)
    for product_id in spec.product_ids:
        if catalog.product_by_id(session, product_id).store_id != spec.store_id:
            raise NotFound(f"product {product_id} does not exist")
    rules.check_task(spec.deadline, spec.sales_until, now, spec.commission_percent, spec.fee_minor,
                     _second_level(session, actor, spec.store_id))
    task = ContentTask(store_id=spec.store_id, title=spec.title, brief=spec.brief, product_ids=list(spec.product_ids),
                       currency=store.currency, fee_minor=spec.fee_minor, deadline=spec.deadline,
                       sales_until=spec.sales_until, status=TaskStatus.PUBLISHED.value, published_at=now,
                       commission_percent=None if spec.commission_percent is None else str(spec.commission_percent))
    session.add(task)
    session.flush()
    timers.schedule(session, TASK_DEADLINE, task_subject(task), task.deadline, task.store_id, task_id=task.id)
    events.record(session, now, "content.task_published", task_subject(task), task.store_id, title=task.title,
                  fee_minor=task.fee_minor, commission_percent=task.commission_percent,
                  deadline=task.deadline.isoformat())
    return task


def list_tasks(session: Session, actor: Principal, store_id: int | None, status: TaskStatus | None, limit: int,
               before_id: int | None) -> list[ContentTask]:
    """Newest first: a store's for its staff (every store's for the operator); for an influencer of `store_id`, the
    store's published tasks and the ones they took; for any other buyer, none."""
    query = newest_first(select(ContentTask), ContentTask.id, limit, before_id)
    if actor.role is Role.BUYER:
        if store_id is None:
            raise InvalidInput("an influencer lists one store's tasks: give store_id")
        try:
            me = distribution.influencer_of(session, actor, store_id)
        except NotAnInfluencer:
            return []  # a buyer the store has not signed sees none of its tasks, as `scoped` shows buyers no store's rows
        query = query.where((ContentTask.status == TaskStatus.PUBLISHED.value) | (ContentTask.promoter_id == me.id))
    else:
        query = scoped(query, actor, ContentTask.store_id)
    if store_id is not None:
        query = query.where(ContentTask.store_id == store_id)
    if status is not None:
        query = query.where(ContentTask.status == status.value)
    return list(session.scalars(query))


def get_task(session: Session, actor: Principal, task_id: int, for_update: bool = False) -> ContentTask:
    """Staff of its store and the operator; an influencer of its store while it is published, or once it is theirs."""
    query = select(ContentTask).where(ContentTask.id == task_id)
    task = session.scalar(query.with_for_update() if for_update else query)
    if task is None:
        raise NotFound(f"content task {task_id} does not exist")
    if actor.role is Role.BUYER:
        try:
            me = distribution.influencer_of(session, actor, task.store_id)
        except NotAnInfluencer:
            raise NotFound(f"content task {task_id} does not exist") from None
        if task.status != TaskStatus.PUBLISHED and task.promoter_id != me.id:
            raise NotFound(f"content task {task_id} does not exist")
    elif not actor.may_see_store(task.store_id):
        raise NotFound(f"content task {task_id} does not exist")
    return task


def accept(session: Session, now: datetime, actor: Principal, task_id: int) -> ContentTask:
    """An influencer of the store takes a published task and gets its code. One conditional UPDATE: of two at once,
    one wins, the other is told `task-taken`."""
    task = get_task(session, actor, task_id)
    me = distribution.influencer_of(session, actor, task.store_id)
    to = next_state(task.status, "accept")
    rules.check_before_deadline(task.deadline, now)
    taken = session.execute(update(ContentTask).where(ContentTask.id == task.id,
                                                      ContentTask.status == TaskStatus.PUBLISHED.value)
                            .values(status=to.value, promoter_id=me.id, code=_new_code(session), accepted_at=now)
                            .execution_options(synchronize_session=False))
    session.refresh(task)
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise rules.TaskTaken(f"content task {task_id} was accepted first by another influencer")
    events.record(session, now, "content.task_accepted", task_subject(task), task.store_id, promoter_id=me.id,
                  name=me.display_name, code=task.code)
    return task


def submit(session: Session, now: datetime, actor: Principal, task_id: int, url: str) -> ContentTask:
    """The influencer who took the task hands in a link to their content, before the deadline (again after a
    rejection)."""
    task = get_task(session, actor, task_id, for_update=True)
    me = distribution.influencer_of(session, actor, task.store_id)
    if task.promoter_id != me.id:
        next_state(task.status, "submit")  # published: not theirs to submit yet
        raise NotFound(f"content task {task_id} does not exist")
    task.status = next_state(task.status, "submit").value
    rules.check_before_deadline(task.deadline, now)
    task.submission_url, task.submitted_at, task.note = url, now, None
    events.record(session, now, "content.task_submitted", task_subject(task), task.store_id, promoter_id=me.id, url=url)
    return task


def decide(session: Session, now: datetime, actor: Principal, task_id: int, approve: bool, note: str | None = None) -> ContentTask:
    """Staff approve the submitted content (its fee, if any, goes to the influencer's balance) or reject it, saying
    why (the influencer may submit again before the deadline)."""
    task = get_task(session, actor, task_id, for_update=True)
    require_store_manager(actor, task.store_id)
    task.status = next_state(task.status, "approve" if approve else "reject").value
    task.decided_at, task.note = now, note
    if approve:
        assert task.promoter_id is not None
        if task.fee_minor > 0:
            fees.pay_fee(session, now, task.promoter_id, task.fee_minor, task_subject(task))
        events.record(session, now, "content.task_approved", task_subject(task), task.store_id,
                      promoter_id=task.promoter_id, fee_minor=task.fee_minor)
    else:
        events.record(session, now, "content.task_rejected", task_subject(task), task.store_id,
                      promoter_id=task.promoter_id, note=note)
    return task


def withdraw(session: Session, now: datetime, actor: Principal, task_id: int) -> ContentTask:
    """Staff take back a task nobody has accepted."""
    task = get_task(session, actor, task_id, for_update=True)
    require_store_manager(actor, task.store_id)
    task.status = next_state(task.status, "withdraw").value
    task.decided_at = now
    events.record(session, now, "content.task_withdrawn", task_subject(task), task.store_id)
    return task


def deadline_passed(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """The deadline timer: a task still published, accepted or rejected expires (its code no longer names it); one
    submitted or approved is left alone, so a stale timer does nothing."""
    now = clock.now()
    task = session.scalar(select(ContentTask).where(ContentTask.id == timer.payload["task_id"]).with_for_update())
    if task is None or task.status not in (TaskStatus.PUBLISHED, TaskStatus.ACCEPTED, TaskStatus.REJECTED) or now < task.deadline:
        return
    task.status = next_state(task.status, "expire").value
    task.decided_at = now
    events.record(session, now, "content.task_expired", task_subject(task), task.store_id, promoter_id=task.promoter_id)


def task_figures(session: Session, store_id: int | None, tasks: list[ContentTask]) -> dict[int, Figures]:
    """The sales each task brought, in one read: orders attributed through its code within its window (from
    acceptance to the end of its sales window), their GMV, refunds and commission."""
    windows = {t.id: (t.accepted_at, t.sales_until) for t in tasks if t.accepted_at is not None}
    found = distribution.attributed_figures(session, store_id, "task", windows)
    return {t.id: found.get(t.id, Figures()) for t in tasks}
