"""Granting: the budget, the per-person cap, the grant row, and the reward itself, in one transaction.

Order of steps, each a guard the database enforces: the grant row first (unique per program, buyer and trigger:
a repeated trigger finds it and grants nothing more), then the per-person tally (`granted < limit`), then the
budget (`spent + x <= budget`), each one conditional UPDATE; only then the coupon, points or credit. A refusal
raises, and the caller's transaction (or savepoint) rolls every step back together.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.customers.service import record_points
from shopkeeper.money import Money
from shopkeeper.orders import ledger
from shopkeeper.promotions import claiming
from shopkeeper.promotions import service as promotions
from shopkeeper.promotions.engine.terms import Shopper
from shopkeeper.scope import SYSTEM
from shopkeeper.social.rewards import rules
from shopkeeper.social.rewards.models import RewardGrant, RewardProgram, RewardTally


def subject(program: RewardProgram) -> str:
    return f"reward_program:{program.id}"


def existing(session: Session, program_id: int, buyer_id: int, trigger: str) -> RewardGrant | None:
    return session.scalar(select(RewardGrant).where(RewardGrant.program_id == program_id, RewardGrant.buyer_id == buyer_id,
                                                    RewardGrant.trigger == trigger))


def claim_trigger(session: Session, now: datetime, program: RewardProgram, buyer_id: int, trigger: str,
                  order_id: int | None = None) -> RewardGrant:
    """The grant row, holding the trigger: `AlreadyRewarded` when this buyer's trigger holds one already (a racing
    twin waits on the unique index, then finds it)."""
    if existing(session, program.id, buyer_id, trigger) is not None:
        raise rules.AlreadyRewarded(f"this was rewarded already ({trigger})")
    grant = RewardGrant(program_id=program.id, store_id=program.store_id, buyer_id=buyer_id, trigger=trigger,
                        reward_type="none", currency=program.currency, order_id=order_id, at=now)
    try:
        with session.begin_nested():
            session.add(grant)
    except IntegrityError:
        raise rules.AlreadyRewarded(f"this was rewarded already ({trigger})") from None
    return grant


def take_tally(session: Session, program: RewardProgram, buyer_id: int) -> None:
    """One more grant for this buyer, within the program's per-person limit."""
    if program.per_person_limit is None:
        return
    if session.get(RewardTally, (program.id, buyer_id)) is None:
        try:
            with session.begin_nested():
                session.add(RewardTally(program_id=program.id, buyer_id=buyer_id, granted=0))
        except IntegrityError:
            pass  # a concurrent first grant made the row; the UPDATE below queues on it
    taken = session.execute(update(RewardTally).where(
        RewardTally.program_id == program.id, RewardTally.buyer_id == buyer_id,
        RewardTally.granted < program.per_person_limit).values(granted=RewardTally.granted + 1)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise rules.RewardLimitReached(f"one buyer gets at most {program.per_person_limit} reward(s) from this program",
                                       limit=program.per_person_limit)


def take_budget(session: Session, program: RewardProgram, minor: int) -> int:
    """One grant worth `minor` out of the budget, by one conditional UPDATE; returns the grants taken so far
    (the taker's place in line: a red packet's number). `RewardBudgetSpent` when it does not fit."""
    taken = session.execute(update(RewardProgram).where(
        RewardProgram.id == program.id, RewardProgram.status == "active",
        (RewardProgram.budget_count.is_(None)) | (RewardProgram.spent_count + 1 <= RewardProgram.budget_count),
        (RewardProgram.budget_minor.is_(None)) | (RewardProgram.spent_minor + minor <= RewardProgram.budget_minor),
    ).values(spent_count=RewardProgram.spent_count + 1, spent_minor=RewardProgram.spent_minor + minor)
        .returning(RewardProgram.spent_count).execution_options(synchronize_session=False)).first()
    if taken is None:
        raise rules.RewardBudgetSpent("the program's budget is spent")
    return int(taken[0])


def deliver(session: Session, now: datetime, program: RewardProgram, grant: RewardGrant, reward: rules.Reward,
            store_id: int | None) -> RewardGrant:
    """Give the reward: a coupon from its template (promotions), points (customers), or money out of the funder's
    account to the buyer (orders' ledger, balanced). `store_id`: the store a platform program's credit books on."""
    grant.reward_type = reward.type
    if reward.type == "coupon":
        assert reward.template_id is not None
        template = promotions.get_coupon_template(session, SYSTEM, reward.template_id)
        grant.coupon_id = claiming.issue(session, now, template, Shopper(buyer_id=grant.buyer_id)).id
    elif reward.type == "points":
        grant.points = reward.points
        record_points(session, now, grant.buyer_id, reward.points, "reward", subject(program))
    else:
        book_on = program.store_id if program.store_id is not None else store_id
        if book_on is None:
            raise rules.RewardUnavailable("a platform program pays money only on an order's store")
        grant.amount_minor = reward.amount_minor
        grant.ledger_transfer = ledger.pay_reward(session, now, book_on, grant.order_id,
                                                  Money(reward.amount_minor, program.currency),
                                                  platform_funded=program.store_id is None)
    session.flush()
    events.record(session, now, "reward.granted", subject(program), program.store_id, grant_id=grant.id,
                  buyer_id=grant.buyer_id, trigger=grant.trigger, reward=reward.type, points=grant.points or None,
                  amount_minor=grant.amount_minor or None, coupon_id=grant.coupon_id, currency=program.currency)
    return grant


def grant(session: Session, now: datetime, program: RewardProgram, buyer_id: int, trigger: str, reward: rules.Reward,
          order_id: int | None = None, store_id: int | None = None) -> RewardGrant:
    """The whole of one grant: trigger, tally, budget, reward. Raises (and grants nothing) when any refuses."""
    row = claim_trigger(session, now, program, buyer_id, trigger, order_id)
    take_tally(session, program, buyer_id)
    take_budget(session, program, reward.money)
    return deliver(session, now, program, row, reward, store_id)
