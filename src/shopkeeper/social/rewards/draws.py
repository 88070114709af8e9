"""Lottery draws (满就抽奖): seeded, recorded before they are rolled, replayable from the record.

A draw's seed is random (`secrets.token_hex`) and stored with it; `rules.draw(seed, odds)` turns it into the roll,
so anyone holding the record (`GET /rewards/draws/{id}`) can replay it. The prize's stock and the program's budget
are then taken as every grant takes them (`grants.py`); either gone, the draw falls to no prize.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.db import newest_first
from shopkeeper.errors import NotFound
from shopkeeper.scope import scoped
from shopkeeper.social.rewards import grants, rules
from shopkeeper.social.rewards.grants import subject
from shopkeeper.social.rewards.models import LotteryDraw, RewardPrize, RewardProgram


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
