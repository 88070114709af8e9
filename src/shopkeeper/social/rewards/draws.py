"""Lottery draws (满就抽奖, 签到抽奖) and free-trial draws (免费试用): seeded, recorded before they are rolled,
replayable from the record.

A draw's seed is random (`secrets.token_hex`) and stored with it; `rules.draw(seed, odds)` turns it into the roll,
so anyone holding the record (`GET /rewards/draws/{id}`) can replay it. The prize's stock and the program's budget
are then taken as every grant takes them (`grants.py`); either gone, the draw falls to no prize.

A free trial draws once, when its window ends (`close_trial`, a durable timer): each applicant gets a draw row with
its own seed and roll (no odds: `rules.draw(seed, [])`), and the `units` lowest rolls win (`rules.trial_winners`);
one whose grant is refused (their coupon cannot be issued) is recorded so, and the unit goes to the next roll.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopkeeper import events, timers
from shopkeeper.auth import Principal, Role
from shopkeeper.clock import Clock
from shopkeeper.db import newest_first
from shopkeeper.errors import DomainError, NotFound
from shopkeeper.scope import scoped
from shopkeeper.social.rewards import grants, rules
from shopkeeper.social.rewards.grants import subject
from shopkeeper.social.rewards.models import LotteryDraw, RewardGrant, RewardPrize, RewardProgram

TRIAL_DRAW = "reward.trial_draw"  # timer: a free trial's window ended, draw its winners
APPLY = "apply"  # the trigger of a free-trial application (a grant row that grants nothing: reward_type none)


def prizes_of(session: Session, program_id: int) -> list[RewardPrize]:
    return list(session.scalars(select(RewardPrize).where(RewardPrize.program_id == program_id).order_by(RewardPrize.id)))


def draw(session: Session, now: datetime, program: RewardProgram, buyer_id: int, trigger: str,
         store_id: int | None = None, order_id: int | None = None, seed: str | None = None) -> LotteryDraw:
    """One draw, recorded before it is rolled: its seed (`random.Random(seed)`), the odds as they stand, the roll.
    A prize whose stock is gone, or a grant the budget or the buyer's limit refuses, falls to no prize."""
    prizes = {p.id: p for p in prizes_of(session, program.id)}
    row = LotteryDraw(program_id=program.id, store_id=program.store_id, buyer_id=buyer_id, trigger=trigger,
                      seed=seed or secrets.token_hex(16), odds=[[p.id, p.odds_ppm] for p in prizes.values()], roll=0,
                      outcome="no_prize", at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise rules.AlreadyRewarded(f"this earned its draw already ({trigger})") from None
    row.roll, row.drawn_prize_id = rules.draw(row.seed, [rules.Odds(pid, ppm) for pid, ppm in row.odds])
    if row.drawn_prize_id is not None:
        prize = prizes[row.drawn_prize_id]
        try:
            with session.begin_nested():
                stocked = session.execute(update(RewardPrize).where(RewardPrize.id == prize.id,
                                                                     RewardPrize.awarded < RewardPrize.stock)
                                          .values(awarded=RewardPrize.awarded + 1).execution_options(synchronize_session=False))
                if stocked.rowcount != 1:  # type: ignore[attr-defined]
                    raise rules.RewardUnavailable("the prize is gone")
                won = grants.grant(session, now, program, buyer_id, f"draw:{row.id}", rules.reward_of(prize.reward),
                                   order_id=order_id, store_id=store_id)
            row.prize_id, row.grant_id, row.outcome = prize.id, won.id, "won"
        except rules.RewardUnavailable:
            row.outcome = "out_of_stock"
        except rules.RewardBudgetSpent:
            row.outcome = "budget_spent"
        except rules.RewardLimitReached:
            row.outcome = "limit_reached"
    events.record(session, now, "reward.drawn", subject(program), program.store_id, draw_id=row.id, buyer_id=buyer_id,
                  roll=row.roll, outcome=row.outcome, prize_id=row.prize_id)
    return row


def schedule_trial(session: Session, program: RewardProgram) -> None:
    """免费试用: the draw is due when the window ends (a durable timer, written with the program)."""
    assert program.ends_at is not None
    timers.schedule(session, TRIAL_DRAW, subject(program), program.ends_at, program.store_id, program_id=program.id)


def close_trial(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """免费试用, the window ended: draw up to `units` winners among the applicants, grant each the program's coupon (one
    free unit at checkout) and ask them for a review; the program ends. A stale timer (the program ended early, or
    drawn already) does nothing."""
    now = clock.now()
    program = session.scalar(select(RewardProgram).where(RewardProgram.id == timer.payload["program_id"]).with_for_update())
    if program is None or program.status != "active" or program.ends_at is None or now < program.ends_at:
        return
    applicants = session.scalars(select(RewardGrant.buyer_id).where(
        RewardGrant.program_id == program.id, RewardGrant.trigger == APPLY).order_by(RewardGrant.buyer_id)).all()
    rows: dict[int, LotteryDraw] = {}
    for buyer_id in applicants:
        seed = secrets.token_hex(16)
        row = LotteryDraw(program_id=program.id, store_id=program.store_id, buyer_id=buyer_id, trigger="trial",
                          seed=seed, odds=[], roll=rules.draw(seed, [])[0], outcome="no_prize", at=now)
        session.add(row)
        rows[buyer_id] = row
    session.flush()
    assert program.reward is not None
    units, won_count = int(program.terms["units"]), 0
    # lowest roll first; a winner the grant refuses (their coupon cannot be issued) passes the unit to the next roll
    for buyer_id in rules.trial_winners({buyer: row.roll for buyer, row in rows.items()}, len(rows)):
        if won_count == units:
            break
        row = rows[buyer_id]
        try:
            with session.begin_nested():
                won = grants.grant(session, now, program, buyer_id, f"draw:{row.id}", rules.reward_of(program.reward))
            row.grant_id, row.outcome = won.id, "won"
            won_count += 1
            events.record(session, now, "reward.review_asked", subject(program), program.store_id, buyer_id=buyer_id,
                          sku_id=program.terms["sku_id"], grant_id=won.id)
        except rules.RewardBudgetSpent:
            row.outcome = "budget_spent"
            break
        except rules.RewardLimitReached:
            row.outcome = "limit_reached"
        except DomainError:
            row.outcome = "out_of_stock"  # the coupon could not be issued (its template is spent or stopped)
    program.status, program.ended_at = "ended", now
    events.record(session, now, "reward.trial_drawn", subject(program), program.store_id, applicants=len(applicants),
                  winners=won_count, units=units)


def get_draw(session: Session, actor: Principal, draw_id: int) -> LotteryDraw:
    """The buyer who drew, the program's store staff and the operator see a draw."""
    row = session.get(LotteryDraw, draw_id)
    visible = row is not None and (row.buyer_id == actor.buyer_id if actor.role is Role.BUYER else
                                   actor.is_operator or (row.store_id is not None and actor.may_see_store(row.store_id)))
    if row is None or not visible:
        raise NotFound(f"draw {draw_id} does not exist")
    return row


def list_draws(session: Session, actor: Principal, program_id: int | None, limit: int,
               before_id: int | None) -> list[LotteryDraw]:
    """Newest first: a buyer's own draws, a store's programs' draws, or every draw for the operator."""
    query = scoped(newest_first(select(LotteryDraw), LotteryDraw.id, limit, before_id), actor, LotteryDraw.store_id,
                   LotteryDraw.buyer_id)
    if program_id is not None:
        query = query.where(LotteryDraw.program_id == program_id)
    return list(session.scalars(query))
