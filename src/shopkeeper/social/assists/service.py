"""Assist (邀请助力, 分享互惠) use cases: offers (store staff), reading tasks, and the console's board.

Opening a task, helping it, granting its rewards and expiring it: `helping.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.db import matching, newest_first
from shopkeeper.errors import InvalidInput, NotAllowedInState, NotFound
from shopkeeper.promotions import service as promotions
from shopkeeper.scope import require_store_manager, scoped
from shopkeeper.social.assists import moves, rules
from shopkeeper.social.assists.models import AssistHelp, AssistOffer, AssistReward, AssistTask
from shopkeeper.social.assists.moves import TaskStatus

CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: a code read aloud or typed from a picture


def subject(task: AssistTask) -> str:
    return f"assist_task:{task.id}"


def facts(task: AssistTask) -> rules.TaskFacts:
    return rules.TaskFacts(task.status, task.buyer_id, task.helpers, task.goal, task.expires_at)


def steps_of(offer: AssistOffer) -> tuple[rules.Step, ...]:
    return rules.decode_steps(offer.steps)


# --- offers (store staff) -----------------------------------------------------------------------

@dataclass(frozen=True)
class OfferSpec:
    store_id: int
    kind: str  # boost | share (pool: a pool offer of its own, social.pools)
    name: str
    steps: tuple[rules.Step, ...]
    time_limit_hours: int
    helper_daily_cap: int
    sku_id: int | None = None
    new_users_only: bool = False
    reward_valid_days: int = 7


def create_offer(session: Session, now: datetime, actor: Principal, spec: OfferSpec) -> AssistOffer:
    require_store_manager(actor, spec.store_id)
    store = catalog.get_store(session, actor, spec.store_id)
    list_price = catalog.sellable_sku(session, spec.store_id, spec.sku_id).price_minor if spec.sku_id is not None else None
    rules.check_offer(rules.OfferTerms(kind=spec.kind, list_price=list_price, steps=spec.steps,
                                       time_limit_hours=spec.time_limit_hours, helper_daily_cap=spec.helper_daily_cap),
                      rulebooks.load(store.rulebook).assist)
    for step in spec.steps:
        if step.reward.template_id is not None:
            template = promotions.get_coupon_template(session, actor, step.reward.template_id)
            if template.store_id != spec.store_id:
                raise InvalidInput(f"coupon {template.id} is not this store's coupon")
    offer = AssistOffer(store_id=spec.store_id, sku_id=spec.sku_id, kind=spec.kind, name=spec.name, currency=store.currency,
                        steps=rules.encode_steps(spec.steps), time_limit_hours=spec.time_limit_hours,
                        new_users_only=spec.new_users_only, helper_daily_cap=spec.helper_daily_cap,
                        reward_valid_days=spec.reward_valid_days, status="active", created_at=now)
    session.add(offer)
    session.flush()
    events.record(session, now, "assist.offer_created", f"assist_offer:{offer.id}", offer.store_id, name=offer.name,
                  kind=offer.kind, steps=len(spec.steps), goal=rules.goal(spec.steps), time_limit_hours=offer.time_limit_hours)
    return offer


def end_offer(session: Session, now: datetime, actor: Principal, offer_id: int) -> AssistOffer:
    """No new task opens on an ended offer; open tasks run on until they complete or their time is up."""
    offer = get_offer(session, actor, offer_id)
    require_store_manager(actor, offer.store_id)
    if offer.status != "active":
        raise NotAllowedInState(f"cannot end an assist offer that is {offer.status}", current_status=offer.status,
                                action="end")
    offer.status, offer.ended_at = "ended", now
    events.record(session, now, "assist.offer_ended", f"assist_offer:{offer.id}", offer.store_id)
    return offer


def get_offer(session: Session, actor: Principal, offer_id: int) -> AssistOffer:
    """Buyers see every store's active offers (they open tasks on them); staff their store's; the operator all."""
    offer = session.get(AssistOffer, offer_id)
    visible = offer is not None and (offer.status == "active" if actor.role is Role.BUYER else actor.may_see_store(offer.store_id))
    if offer is None or not visible:
        raise NotFound(f"assist offer {offer_id} does not exist")
    return offer


def list_offers(session: Session, actor: Principal, store_id: int | None, status: str | None, limit: int,
                before_id: int | None) -> list[AssistOffer]:
    query = newest_first(select(AssistOffer), AssistOffer.id, limit, before_id)
    if actor.role is Role.BUYER:
        query = query.where(AssistOffer.status == "active")
    else:
        query = scoped(query, actor, AssistOffer.store_id)
    query = matching(query, (AssistOffer.store_id, store_id), (AssistOffer.status, status))
    return list(session.scalars(query))


# --- reading tasks ------------------------------------------------------------------------------

def by_code(session: Session, code: str) -> AssistTask:
    task = session.scalar(select(AssistTask).where(AssistTask.code == code.strip().upper()))
    if task is None:
        raise NotFound(f"assist task {code} does not exist")
    return task


def get_task(session: Session, actor: Principal, ref: str) -> AssistTask:
    """By share code: any buyer (the link is for sharing), the store's staff, the operator. By id: the store's staff,
    the operator, and the buyer who opened it. Another store's task answers 404 like a missing one."""
    if ref.isdigit():
        task = session.get(AssistTask, int(ref))
        visible = task is not None and (task.buyer_id == actor.buyer_id if actor.role is Role.BUYER
                                        else actor.may_see_store(task.store_id))
    else:
        task = session.scalar(select(AssistTask).where(AssistTask.code == ref.strip().upper()))
        visible = task is not None and (actor.role is Role.BUYER or actor.may_see_store(task.store_id))
    if task is None or not visible:
        raise NotFound(f"assist task {ref} does not exist")
    return task


@dataclass(frozen=True)
class TaskFilter:
    store_id: int | None = None
    offer_id: int | None = None
    status: str | None = None
    limit: int = 50
    before_id: int | None = None


def list_tasks(session: Session, actor: Principal, f: TaskFilter) -> list[AssistTask]:
    """Newest first: a buyer's own tasks, a store's, or every task for the operator."""
    query = scoped(newest_first(select(AssistTask), AssistTask.id, f.limit, f.before_id), actor, AssistTask.store_id,
                   AssistTask.buyer_id)
    query = matching(query, (AssistTask.store_id, f.store_id), (AssistTask.offer_id, f.offer_id))
    if f.status is not None:
        query = query.where(AssistTask.status == TaskStatus(f.status).value)
    return list(session.scalars(query))


def rewards_of(session: Session, task_id: int) -> list[AssistReward]:
    return list(session.scalars(select(AssistReward).where(AssistReward.task_id == task_id).order_by(AssistReward.step)))


def helped_by(session: Session, task_id: int, buyer_id: int | None) -> bool:
    return session.scalar(select(AssistHelp.id).where(AssistHelp.task_id == task_id,
                                                      AssistHelp.helper_buyer_id == buyer_id)) is not None


@dataclass(frozen=True)
class TaskView:
    """A task as one caller sees it: its offer, progress, the rewards granted (its owner, staff and operator), whether
    the caller helped, and the moves offered to the caller."""

    task: AssistTask
    offer: AssistOffer
    progress: rules.Progress
    rewards: list[AssistReward] | None
    helped: bool
    allowed_actions: list[moves.TaskAction]


def view(session: Session, now: datetime, actor: Principal, task: AssistTask) -> TaskView:
    offer = session.get(AssistOffer, task.offer_id)
    assert offer is not None
    owner = actor.role is Role.BUYER and actor.buyer_id == task.buyer_id
    helped = actor.role is Role.BUYER and not owner and helped_by(session, task.id, actor.buyer_id)
    offered: list[moves.TaskAction] = []
    if actor.role is Role.BUYER and not helped:
        offered = moves.allowed_actions(task.status, "owner" if owner else "buyer")
        if "help" in offered and now >= task.expires_at:
            offered.remove("help")
    rewards = rewards_of(session, task.id) if owner or actor.role is not Role.BUYER else None
    return TaskView(task, offer, rules.progress(facts(task), steps_of(offer), now), rewards, helped, offered)


@dataclass(frozen=True)
class BoardRow:
    task: AssistTask
    progress: rules.Progress
    rewards_granted: int


def offer_board(session: Session, now: datetime, actor: Principal, offer_id: int,
                statuses: Sequence[str] = (TaskStatus.OPEN.value,), limit: int | None = None) -> tuple[AssistOffer, list[BoardRow]]:
    """An offer's tasks in these states, soonest expiry first (the first `limit` of them), with their helpers, steps
    reached and time left, and the rewards each granted: the console's assist board."""
    offer = get_offer(session, actor, offer_id)
    require_store_manager(actor, offer.store_id)
    steps = steps_of(offer)
    tasks = list(session.scalars(select(AssistTask).where(AssistTask.offer_id == offer.id, AssistTask.status.in_(statuses))
                                 .order_by(AssistTask.expires_at, AssistTask.id).limit(limit)))
    granted: dict[int, int] = {}
    for reward in session.scalars(select(AssistReward).where(AssistReward.task_id.in_([t.id for t in tasks]),
                                                             AssistReward.status == "granted")):
        granted[reward.task_id] = granted.get(reward.task_id, 0) + 1
    return offer, [BoardRow(t, rules.progress(facts(t), steps, now), granted.get(t.id, 0)) for t in tasks]


@dataclass(frozen=True)
class OfferFigures:
    """An offer's totals on the console: tasks opened, helps given, step rewards unlocked, tasks complete and expired."""

    opened: int = 0
    helped: int = 0
    unlocked: int = 0
    complete: int = 0
    expired: int = 0


def figures_of(session: Session, offers: Sequence[AssistOffer]) -> dict[int, OfferFigures]:
    """The totals of offers the caller already read through a scoped use case (`list_offers`, `get_offer`)."""
    wanted = [o.id for o in offers]
    counted: dict[int, dict[str, tuple[int, int]]] = {}  # offer → status → (tasks, helps)
    for offer_id, status, tasks, helps in session.execute(
            select(AssistTask.offer_id, AssistTask.status, func.count(), func.coalesce(func.sum(AssistTask.helpers), 0))
            .where(AssistTask.offer_id.in_(wanted)).group_by(AssistTask.offer_id, AssistTask.status)):
        counted.setdefault(offer_id, {})[status] = (int(tasks), int(helps))
    unlocked = {offer_id: int(n) for offer_id, n in session.execute(
        select(AssistTask.offer_id, func.count()).join(AssistReward, AssistReward.task_id == AssistTask.id)
        .where(AssistTask.offer_id.in_(wanted), AssistReward.status == "granted").group_by(AssistTask.offer_id))}

    def figures(offer_id: int) -> OfferFigures:
        mine = counted.get(offer_id, {})
        return OfferFigures(opened=sum(t for t, _ in mine.values()), helped=sum(h for _, h in mine.values()),
                            unlocked=unlocked.get(offer_id, 0), complete=mine.get(TaskStatus.COMPLETE, (0, 0))[0],
                            expired=mine.get(TaskStatus.EXPIRED, (0, 0))[0])

    return {o.id: figures(o.id) for o in offers}
