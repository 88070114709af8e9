"""Distribution (分销) use cases: a store's program, promoters joining and being touched, statements, influencers.

What moves commission (a paid order freezes it, the after-sales window releases it, a refund claws it back) is in
`commissions.py`, heard from orders through the composition root's listeners; payouts are `payouts.py`.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.db import newest_first
from shopkeeper.errors import InvalidInput, NotFound
from shopkeeper.scope import require_role, require_store_manager, scoped
from shopkeeper.social.distribution import rules
from shopkeeper.social.distribution.models import (
    Attribution,
    Commission,
    DistributionProgram,
    Payout,
    Promoter,
    PromoterEntry,
    Touch,
)
from shopkeeper.social.distribution.moves import PayoutStatus

CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from a poster


def subject(promoter: Promoter) -> str:
    return f"promoter:{promoter.id}"


# --- a store's program (store staff) ----------------------------------------------------------------------

def terms_of(program: DistributionProgram | None) -> rules.ProgramTerms:
    """The stored program as the pure rules read it; a store without one runs none."""
    if program is None:
        return rules.ProgramTerms(enabled=False, attribution_days=7, rules=())
    return rules.ProgramTerms(
        enabled=program.enabled, attribution_days=program.attribution_days,
        rules=tuple(rules.CommissionRule(r["scope"], r.get("target_id"), None if r.get("percent") is None else Decimal(r["percent"]),
                                         r.get("fixed_minor")) for r in program.rules),
        levels=tuple(rules.Level(v["name"], v["min_sales_minor"], Decimal(v.get("bonus_percent", "0"))) for v in program.levels),
        levels_paid=program.levels_paid, second_level_opt_in=program.second_level_opt_in,
        acknowledged_warning=program.acknowledged_warning, second_level_percent=Decimal(program.second_level_percent),
        excluded_promotions=tuple(program.excluded_promotions),
    )


def program_of(session: Session, store_id: int) -> DistributionProgram | None:
    return session.get(DistributionProgram, store_id)


def get_program(session: Session, actor: Principal, store_id: int) -> rules.ProgramTerms:
    """Store staff and the operator see their store's program; buyers see a running program's terms (to join)."""
    if actor.role is not Role.BUYER:
        require_store_manager(actor, store_id)
    catalog.store_by_id(session, store_id)
    terms = terms_of(program_of(session, store_id))
    if actor.role is Role.BUYER and not terms.enabled:
        raise NotFound(f"distribution program {store_id} does not exist")
    return terms


def set_program(session: Session, now: datetime, actor: Principal, store_id: int, terms: rules.ProgramTerms) -> rules.ProgramTerms:
    """Put a store's program. A configuration the law forbids is refused naming the rule (`pyramid-rule`)."""
    require_store_manager(actor, store_id)
    store = catalog.get_store(session, actor, store_id)
    rules.check_program(terms, rulebooks.load(store.rulebook).distribution)
    program = program_of(session, store_id)
    if program is None:
        program = DistributionProgram(store_id=store_id)
        session.add(program)
    program.enabled, program.attribution_days = terms.enabled, terms.attribution_days
    program.rules = [{"scope": r.scope, "target_id": r.target_id, "percent": None if r.percent is None else str(r.percent),
                      "fixed_minor": r.fixed_minor} for r in terms.rules]
    program.levels = [{"name": v.name, "min_sales_minor": v.min_sales_minor, "bonus_percent": str(v.bonus_percent)}
                      for v in terms.levels]
    program.levels_paid, program.second_level_opt_in = terms.levels_paid, terms.second_level_opt_in
    program.acknowledged_warning, program.second_level_percent = terms.acknowledged_warning, str(terms.second_level_percent)
    program.excluded_promotions, program.updated_at = list(terms.excluded_promotions), now
    events.record(session, now, "distribution.program_changed", f"store:{store_id}", store_id, enabled=terms.enabled,
                  attribution_days=terms.attribution_days, levels_paid=terms.levels_paid)
    return terms_of(program)


# --- promoters -------------------------------------------------------------------------------------------

def join(session: Session, now: datetime, actor: Principal, store_id: int, recruiter_code: str | None = None) -> tuple[Promoter, bool]:
    """A buyer becomes a promoter of a store, for free and with no purchase (RULES.md §17.2 form 2). Joining again
    returns the same promoter. A recruiter's code only records who invited them; nobody is paid for it (form 1)."""
    require_role(actor, Role.BUYER)
    assert actor.buyer_id is not None
    store = catalog.store_by_id(session, store_id)
    if not terms_of(program_of(session, store_id)).enabled:
        raise rules.ProgramClosed(f"store {store_id} runs no distribution program")
    found = session.scalar(select(Promoter).where(Promoter.store_id == store_id, Promoter.buyer_id == actor.buyer_id))
    if found is not None:
        return found, False
    recruiter = by_code(session, recruiter_code, store_id) if recruiter_code else None
    promoter = Promoter(store_id=store_id, buyer_id=actor.buyer_id, code=_new_code(session), currency=store.currency,
                        recruiter_id=recruiter.id if recruiter else None, joined_at=now)
    session.add(promoter)
    session.flush()
    events.record(session, now, "distribution.promoter_joined", subject(promoter), store_id, buyer_id=actor.buyer_id,
                  code=promoter.code, recruiter_id=promoter.recruiter_id)
    return promoter, True


def by_code(session: Session, code: str, store_id: int | None = None) -> Promoter:
    query = select(Promoter).where(Promoter.code == code.strip().upper())
    found = session.scalar(query if store_id is None else query.where(Promoter.store_id == store_id))
    if found is None:
        raise rules.NotAPromoter(f"no promoter has the code {code.strip().upper()}")
    return found


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_LETTERS) for _ in range(8))
        if session.scalar(select(Promoter.id).where(Promoter.code == code)) is None:
            return code


def touch(session: Session, now: datetime, actor: Principal, code: str, source: str = "code") -> Touch:
    """A buyer opened a promoter's share link or entered their code. The last touch within the store's window
    wins the buyer's next paid order there. A promoter's own code never attributes their own orders."""
    require_role(actor, Role.BUYER)
    return touch_promoter(session, now, actor, by_code(session, code), source)


def touch_promoter(session: Session, now: datetime, actor: Principal, promoter: Promoter, source: str,
                   live_session_id: int | None = None, task_id: int | None = None,
                   commission_percent: Decimal | None = None) -> Touch:
    """A buyer's touch of a promoter, naming (for the content domain) the live session or content task that brought
    them and the commission percent its terms set; the program's rules otherwise."""
    require_role(actor, Role.BUYER)
    if not terms_of(program_of(session, promoter.store_id)).enabled:
        raise rules.ProgramClosed(f"store {promoter.store_id} runs no distribution program")
    if promoter.buyer_id == actor.buyer_id:
        raise InvalidInput("a promoter's own code does not count for their own orders")
    assert actor.buyer_id is not None
    found = Touch(store_id=promoter.store_id, buyer_id=actor.buyer_id, promoter_id=promoter.id, source=source, at=now,
                  live_session_id=live_session_id, task_id=task_id,
                  commission_percent=None if commission_percent is None else str(commission_percent))
    session.add(found)
    session.flush()
    return found


def get_promoter(session: Session, actor: Principal, promoter_id: int) -> Promoter:
    """The promoter themselves, their store's staff, the operator; anyone else is answered 404."""
    promoter = session.get(Promoter, promoter_id)
    visible = promoter is not None and (promoter.buyer_id == actor.buyer_id if actor.role is Role.BUYER
                                        else actor.may_see_store(promoter.store_id))
    if promoter is None or not visible:
        raise NotFound(f"promoter {promoter_id} does not exist")
    return promoter


def list_promoters(session: Session, actor: Principal, store_id: int | None, limit: int, before_id: int | None) -> list[Promoter]:
    """Newest first: a buyer's own memberships, a store's promoters for its staff, all for the operator."""
    query = scoped(newest_first(select(Promoter), Promoter.id, limit, before_id), actor, Promoter.store_id, Promoter.buyer_id)
    return list(session.scalars(query if store_id is None else query.where(Promoter.store_id == store_id)))


@dataclass(frozen=True)
class Statement:
    promoter: Promoter
    entries: list[PromoterEntry]


def statement(session: Session, actor: Principal, promoter_id: int, limit: int, before_id: int | None) -> Statement:
    """A promoter's balances (frozen / released / clawed back / paid out / payable) and entries, newest first."""
    promoter = get_promoter(session, actor, promoter_id)
    query = newest_first(select(PromoterEntry).where(PromoterEntry.promoter_id == promoter.id), PromoterEntry.id, limit, before_id)
    return Statement(promoter, list(session.scalars(query)))


def board(session: Session, actor: Principal, store_id: int) -> list[dict[str, Any]]:
    """The console's promoter page: per promoter, its level and frozen / released / clawed back / paid out / payable,
    and how many of its payout requests wait for staff."""
    require_store_manager(actor, store_id)
    rows = session.scalars(select(Promoter).where(Promoter.store_id == store_id).order_by(Promoter.id))
    waiting = {promoter_id: int(n) for promoter_id, n in session.execute(select(Payout.promoter_id, func.count()).where(
        Payout.store_id == store_id, Payout.promoter_id.is_not(None), Payout.status == PayoutStatus.REQUESTED.value)
        .group_by(Payout.promoter_id))}
    return [{"promoter_id": p.id, "buyer_id": p.buyer_id, "code": p.code, "level": p.level, "joined_at": p.joined_at,
             "released_sales_minor": p.released_sales_minor, "frozen_minor": p.frozen_minor,
             "released_minor": p.released_minor, "clawed_back_minor": p.clawed_back_minor,
             "paid_out_minor": p.paid_out_minor, "balance_minor": p.balance_minor, "currency": p.currency,
             "payouts_requested": waiting.get(p.id, 0)} for p in rows]


def list_commissions(session: Session, actor: Principal, promoter_id: int, limit: int,
                     before_id: int | None) -> list[Commission]:
    """A promoter's commissions, newest first (order, tier, status, when each is released): the promoter, the store's
    staff, the operator."""
    promoter = get_promoter(session, actor, promoter_id)
    query = newest_first(select(Commission).where(Commission.promoter_id == promoter.id), Commission.id, limit, before_id)
    return list(session.scalars(query))


# --- influencers (达人, KOL: RULES.md §4.3) ---------------------------------------------------------------

INFLUENCER = "influencer"


def enroll_influencer(session: Session, now: datetime, actor: Principal, promoter_id: int, name: str) -> Promoter:
    """Store staff sign one of their promoters as an influencer (达人) by name: the buyer joined the program (free, as
    anyone does), the store names them. Their code, balances and statement stay; the same commission lifecycle pays
    them. Signing again renames them."""
    promoter = get_promoter(session, actor, promoter_id)
    require_store_manager(actor, promoter.store_id)
    if not terms_of(program_of(session, promoter.store_id)).enabled:
        raise rules.ProgramClosed(f"store {promoter.store_id} runs no distribution program")
    promoter.kind, promoter.display_name = INFLUENCER, name
    session.flush()
    events.record(session, now, "distribution.influencer_enrolled", subject(promoter), promoter.store_id,
                  buyer_id=promoter.buyer_id, name=name, code=promoter.code)
    return promoter


def influencers(session: Session, actor: Principal, store_id: int) -> list[Promoter]:
    """A store's influencers, oldest first: its staff and the operator."""
    require_store_manager(actor, store_id)
    return list(session.scalars(select(Promoter).where(Promoter.store_id == store_id, Promoter.kind == INFLUENCER)
                                .order_by(Promoter.id)))


def influencer_of(session: Session, actor: Principal, store_id: int) -> Promoter:
    """The calling buyer as an influencer of the store; `NotAnInfluencer` when the store has not signed them."""
    require_role(actor, Role.BUYER)
    found = session.scalar(select(Promoter).where(Promoter.store_id == store_id, Promoter.buyer_id == actor.buyer_id,
                                                  Promoter.kind == INFLUENCER))
    if found is None:
        raise rules.NotAnInfluencer(f"you are not an influencer of store {store_id}")
    return found


def promoter_by_id(session: Session, promoter_id: int) -> Promoter:
    """A promoter by id, for a domain that already checked who may see it (the content domain's sessions, tasks)."""
    found = session.get(Promoter, promoter_id)
    if found is None:
        raise NotFound(f"promoter {promoter_id} does not exist")
    return found


@dataclass(frozen=True)
class Figures:
    """What a live session or content task brought: orders attributed to it, what they paid (GMV), what has been
    refunded of it, and the commission they carry now (frozen or released, less claw-backs, both levels)."""

    orders: int = 0
    gmv_minor: int = 0
    refunded_minor: int = 0
    commission_minor: int = 0


Window = tuple[datetime | None, datetime | None]


def attributed_figures(session: Session, store_id: int | None, by: Literal["live_session", "task"],
                       windows: Mapping[int, Window]) -> dict[int, Figures]:
    """Per live session or content task, in one read: the orders attributed to it whose payment falls in its window
    (None: open-ended), what they paid, what was refunded, and their commission net of claw-backs."""
    if not windows:
        return {}
    column = Attribution.live_session_id if by == "live_session" else Attribution.task_id
    within = [and_(column == key, *([Attribution.at >= start] if start else []), *([Attribution.at <= end] if end else []))
              for key, (start, end) in windows.items()]
    net = (select(Commission.order_id, func.sum(Commission.amount_minor - Commission.clawed_back_minor).label("net"))
           .where(*([Commission.store_id == store_id] if store_id is not None else [])).group_by(Commission.order_id)
           .subquery())
    rows = session.execute(
        select(column, func.count(Attribution.id), func.sum(Attribution.paid_minor), func.sum(Attribution.refunded_minor),
               func.sum(case((net.c.net.is_(None), 0), else_=net.c.net)))
        .outerjoin(net, net.c.order_id == Attribution.order_id)
        .where(*([Attribution.store_id == store_id] if store_id is not None else []), or_(false(), *within))
        .group_by(column))
    found = {int(key): Figures(int(n), int(gmv or 0), int(refunded or 0), int(commission or 0))
             for key, n, gmv, refunded, commission in rows}
    return {key: found.get(key, Figures()) for key in windows}
