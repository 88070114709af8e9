"""What moves an assist task: its owner opening it, helpers helping it, and the expiry timer.

A help is taken in one transaction, in one lock order everywhere (the helper's day, then the task):
- the helper's count for the store's day moves by a conditional UPDATE (`helps < cap`), so a helper racing
  themselves across tasks never passes the daily cap;
- the task's helper count moves by one conditional UPDATE (open, time left, below the goal), so concurrent helpers
  queue on the task's row and each gets a distinct count; the help that makes count `n` grants exactly the steps
  needing `n` helpers, and the unique (task, step) reward row says so to the database as well;
- the help row is unique per (task, helper): one help per person per task.
Any refusal raises, and the transaction rolls back whatever it had taken.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks, timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import Clock
from shopkeeper.errors import DomainError, NotAllowedInState
from shopkeeper.orders import quotes
from shopkeeper.promotions import claiming
from shopkeeper.promotions import service as promotions
from shopkeeper.promotions.engine.benefits.reduction import Reduction, Tier
from shopkeeper.promotions.engine.terms import Audience, Scope
from shopkeeper.scope import SYSTEM, require_role
from shopkeeper.social.assists import rules
from shopkeeper.social.assists.models import AssistHelp, AssistHelperDay, AssistOffer, AssistReward, AssistTask
from shopkeeper.social.assists.moves import TaskStatus, next_state
from shopkeeper.social.assists.service import CODE_LETTERS, by_code, facts, get_offer, steps_of, subject

EXPIRE = "assist.expire"
GRANTED, UNAVAILABLE = "granted", "unavailable"


# --- opening a task (the buyer) -----------------------------------------------------------------

def open_task(session: Session, now: datetime, actor: Principal, offer_id: int) -> AssistTask:
    """发起助力: one open task per buyer per offer; its clock starts now. A task whose time ran out before its timer
    fired is expired here first, so the buyer may start again."""
    require_role(actor, Role.BUYER)
    assert actor.buyer_id is not None
    offer = get_offer(session, actor, offer_id)
    if offer.status != "active":
        raise NotAllowedInState("the assist offer has ended; no new task opens on it", current_status=offer.status,
                                action="open")
    slot = f"{offer.id}:{actor.buyer_id}"
    current = session.scalar(select(AssistTask).where(AssistTask.open_for == slot).with_for_update())
    if current is not None and now >= current.expires_at:
        _expire(session, now, current)
    elif current is not None:
        raise rules.TaskAlreadyOpen(f"you have an open task on this offer already ({current.code})", task_code=current.code)
    steps = steps_of(offer)
    task = AssistTask(store_id=offer.store_id, offer_id=offer.id, buyer_id=actor.buyer_id, code=_new_code(session),
                      open_for=slot, helpers=0, goal=rules.goal(steps), status=TaskStatus.OPEN.value, opened_at=now,
                      expires_at=rules.expires_at(now, offer.time_limit_hours))
    try:
        with session.begin_nested():
            session.add(task)
    except IntegrityError:  # the same buyer opened one at the same moment
        raise rules.TaskAlreadyOpen("you have an open task on this offer already") from None
    events.record(session, now, "assist.task_opened", subject(task), task.store_id, offer_id=offer.id, code=task.code,
                  buyer_id=task.buyer_id, goal=task.goal, expires_at=task.expires_at.isoformat())
    timers.schedule(session, EXPIRE, subject(task), task.expires_at, task.store_id, task_id=task.id)
    return task


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_LETTERS) for _ in range(8))
        if session.scalar(select(AssistTask.id).where(AssistTask.code == code)) is None:
            return code


# --- helping (another buyer) --------------------------------------------------------------------

def help_task(session: Session, now: datetime, actor: Principal, code: str) -> tuple[AssistTask, list[AssistReward]]:
    """助力: the helper moves the task one on; the steps that help reaches grant their rewards to the task's owner."""
    require_role(actor, Role.BUYER)
    helper = actor.buyer_id
    assert helper is not None
    task = by_code(session, code)
    rules.check_helpable(facts(task), helper, now)
    offer = session.get(AssistOffer, task.offer_id)
    assert offer is not None
    store = catalog.store_by_id(session, task.store_id)
    if session.scalar(select(AssistHelp.id).where(AssistHelp.task_id == task.id, AssistHelp.helper_buyer_id == helper)):
        raise rules.AlreadyHelped("you have helped this task already")
    if offer.new_users_only:
        paid = quotes.shopper(session, now, helper, [store]).paid_orders_by_store.get(store.id, 0)
        rules.check_new_user(True, paid)
    _take_daily_help(session, store.id, helper, rules.day_of(now, store.timezone),
                     rules.daily_cap(offer.helper_daily_cap, rulebooks.load(store.rulebook).assist))
    reached = _advance(session, now, task)
    try:
        with session.begin_nested():
            session.add(AssistHelp(task_id=task.id, store_id=task.store_id, helper_buyer_id=helper, position=reached,
                                   helped_at=now))
    except IntegrityError:  # the same helper, at the same moment: their other help counted
        raise rules.AlreadyHelped("you have helped this task already") from None
    task = _fresh(session, task.id)
    events.record(session, now, "assist.helped", subject(task), task.store_id, buyer_id=helper, helpers=reached,
                  goal=task.goal)
    steps = steps_of(offer)
    granted = [_grant(session, now, task, offer, n, steps[n - 1].reward) for n in rules.steps_crossed(steps, reached - 1, reached)]
    if task.status == TaskStatus.COMPLETE:
        events.record(session, now, "assist.task_completed", subject(task), task.store_id, helpers=task.helpers,
                      goal=task.goal)
    return task, granted


def _take_daily_help(session: Session, store_id: int, helper: int, day: str, cap: int) -> None:
    """One more help in the store today, below `cap`: a row per helper-day, moved by a conditional UPDATE."""
    key = (AssistHelperDay.store_id == store_id, AssistHelperDay.helper_buyer_id == helper, AssistHelperDay.day == day)
    if session.scalar(select(AssistHelperDay.helps).where(*key)) is None:
        try:
            with session.begin_nested():
                session.add(AssistHelperDay(store_id=store_id, helper_buyer_id=helper, day=day, helps=0))
        except IntegrityError:
            pass  # another help of theirs made the row a moment ago: the UPDATE below counts against it
    taken = session.execute(update(AssistHelperDay).where(*key, AssistHelperDay.helps < cap)
                            .values(helps=AssistHelperDay.helps + 1).execution_options(synchronize_session=False))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise rules.HelperDailyCap(f"a helper may help {cap} tasks of this store a day; you have today", limit=cap)


def _advance(session: Session, now: datetime, task: AssistTask) -> int:
    """The task one helper on, in one conditional UPDATE; the help reaching the goal completes it. Returns the count."""
    done = AssistTask.helpers + 1 >= AssistTask.goal
    complete = next_state(TaskStatus.OPEN, "complete").value
    row = session.execute(
        update(AssistTask).where(AssistTask.id == task.id, AssistTask.status == TaskStatus.OPEN.value,
                                 AssistTask.helpers < AssistTask.goal, AssistTask.expires_at > now)
        .values(helpers=AssistTask.helpers + 1, status=case((done, complete), else_=AssistTask.status),
                open_for=case((done, None), else_=AssistTask.open_for), ended_at=case((done, now), else_=AssistTask.ended_at))
        .returning(AssistTask.helpers).execution_options(synchronize_session=False)).first()
    if row is None:
        seen = _fresh(session, task.id)
        raise rules.AssistNotOpen(f"the assist task is {seen.status}; it takes no more help" if seen.status != TaskStatus.OPEN
                                  else "the assist task's time is up")
    return int(row[0])


def _fresh(session: Session, task_id: int, lock: bool = False) -> AssistTask:
    query = select(AssistTask).where(AssistTask.id == task_id).execution_options(populate_existing=True)
    task = session.scalar(query.with_for_update() if lock else query)
    assert task is not None
    return task


# --- rewards: coupons issued through promotions ---------------------------------------------------

def _grant(session: Session, now: datetime, task: AssistTask, offer: AssistOffer, step: int,
           reward: rules.Reward) -> AssistReward:
    """The step's reward for the owner, once: a coupon from the store's template, or a coupon made for the owner alone
    taking one unit of the SKU to the reward's price (free item: to zero). A coupon that cannot be issued (the
    template ended, sold out, its per-buyer limit) is recorded unavailable with the reason; the step stays reached."""
    coupon_id, reason = None, None
    try:
        with session.begin_nested():
            coupon_id = _issue(session, now, task, offer, step, reward)
    except DomainError as refused:
        reason = str(refused.extra.get("reason") or refused.code)[:40]
    granted = AssistReward(task_id=task.id, store_id=task.store_id, buyer_id=task.buyer_id, step=step, kind=reward.kind,
                           status=GRANTED if coupon_id is not None else UNAVAILABLE, coupon_id=coupon_id, reason=reason,
                           granted_at=now)
    session.add(granted)
    session.flush()
    if coupon_id is not None:
        events.record(session, now, "assist.reward_granted", subject(task), task.store_id, level=step, kind=reward.kind,
                      buyer_id=task.buyer_id, coupon_id=coupon_id)
    else:
        events.record(session, now, "assist.reward_unavailable", subject(task), task.store_id, level=step,
                      kind=reward.kind, buyer_id=task.buyer_id, reason=reason)
    return granted


def _issue(session: Session, now: datetime, task: AssistTask, offer: AssistOffer, step: int, reward: rules.Reward) -> int:
    store = catalog.store_by_id(session, task.store_id)
    shopper = quotes.shopper(session, now, task.buyer_id, [store])
    if reward.kind == "coupon":
        assert reward.template_id is not None
        template = promotions.get_coupon_template(session, SYSTEM, reward.template_id)
    else:
        assert offer.sku_id is not None
        off = rules.amount_off(reward, catalog.sellable_sku(session, offer.store_id, offer.sku_id).price_minor)
        if off <= 0:
            raise claiming.CouponUnavailable("the SKU's price is at or below the reward's price already",
                                             reason="price_at_or_below_reward")
        template = promotions.create_coupon(session, now, SYSTEM, promotions.CouponSpec(
            name=f"{offer.name} · {step}", kind="cash", benefit=Reduction((Tier(0, off),)), claim_from=now,
            claim_until=now + timedelta(days=1), store_id=offer.store_id,
            scope=Scope("sku", offer.store_id, frozenset({offer.sku_id})),
            audience=Audience(buyer_ids=frozenset({task.buyer_id})), total_quantity=1, per_buyer_limit=1,
            valid_days=offer.reward_valid_days))
    return claiming.issue(session, now, template, shopper).id


# --- expiry (the timer) -------------------------------------------------------------------------

def expire(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """Time is up: an open task ends; the rewards its steps granted stay, and nothing more is granted."""
    task = session.get(AssistTask, timer.payload["task_id"])
    if task is None or task.status != TaskStatus.OPEN or clock.now() < task.expires_at:
        return
    _expire(session, clock.now(), _fresh(session, task.id, lock=True))


def _expire(session: Session, now: datetime, task: AssistTask) -> None:
    if task.status != TaskStatus.OPEN:
        return
    task.status, task.open_for, task.ended_at = next_state(task.status, "expire").value, None, now
    session.flush()
    events.record(session, now, "assist.task_expired", subject(task), task.store_id, helpers=task.helpers, goal=task.goal)
