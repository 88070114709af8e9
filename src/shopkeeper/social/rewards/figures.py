"""Reading reward programs: a program's grants, and the figures the console's board shows (budget spent and left,
grants, the buyers who got them, a free trial's applicants).

The use cases that create, claim and earn are `service.py`; this module only reads, through `service.get_program`
for whoever may see a program.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal, Role
from shopkeeper.db import newest_first
from shopkeeper.scope import require_role, require_store_manager, scoped
from shopkeeper.social.rewards import draws
from shopkeeper.social.rewards.models import RewardGrant, RewardProgram
from shopkeeper.social.rewards.service import get_program


def list_grants(session: Session, actor: Principal, program_id: int | None, limit: int,
                before_id: int | None) -> list[RewardGrant]:
    """Newest first: a buyer's own grants, a store's programs' grants, or every grant for the operator."""
    query = scoped(newest_first(select(RewardGrant), RewardGrant.id, limit, before_id), actor, RewardGrant.store_id,
                   RewardGrant.buyer_id)
    if program_id is not None:
        query = query.where(RewardGrant.program_id == program_id)
    return list(session.scalars(query))


@dataclass(frozen=True)
class ProgramFigures:
    """A program on the console's board: its budget spent and left, its grants and the buyers who got them, and (a
    free trial) how many applied."""

    program: RewardProgram
    grants: int
    buyers: int
    count_left: int | None
    money_left: int | None
    applicants: int = 0


def board(session: Session, actor: Principal, store_id: int | None) -> list[ProgramFigures]:
    """The console's reward-program page: a store's programs (its staff) or the platform's (the operator)."""
    if store_id is None:
        require_role(actor, Role.OPERATOR)
    else:
        require_store_manager(actor, store_id)
    owner = RewardProgram.store_id.is_(None) if store_id is None else RewardProgram.store_id == store_id
    return figures_of(session, session.scalars(select(RewardProgram).where(owner).order_by(RewardProgram.id.desc())).all())


def program_figures(session: Session, actor: Principal, program_id: int) -> ProgramFigures:
    """One program's figures, for whoever may see the program (`get_program`): its console page."""
    return figures_of(session, [get_program(session, actor, program_id)])[0]


def figures_of(session: Session, programs: Sequence[RewardProgram]) -> list[ProgramFigures]:
    """The figures of programs the caller already read through a scoped use case, in the order given."""
    counts = {pid: (n, b) for pid, n, b in session.execute(
        select(RewardGrant.program_id, func.count(), func.count(RewardGrant.buyer_id.distinct()))
        .where(RewardGrant.program_id.in_([p.id for p in programs]), RewardGrant.reward_type != "none")
        .group_by(RewardGrant.program_id)).all()}
    applied = {pid: n for pid, n in session.execute(
        select(RewardGrant.program_id, func.count())
        .where(RewardGrant.program_id.in_([p.id for p in programs]), RewardGrant.trigger == draws.APPLY)
        .group_by(RewardGrant.program_id)).all()}
    return [ProgramFigures(p, *counts.get(p.id, (0, 0)),
                           None if p.budget_count is None else p.budget_count - p.spent_count,
                           None if p.budget_minor is None else p.budget_minor - p.spent_minor,
                           applied.get(p.id, 0)) for p in programs]
