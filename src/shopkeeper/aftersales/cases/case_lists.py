"""The after-sales desk's list of cases, as the console shows it: by nearest deadline, or newest first.

Read-only, one SQL statement per page (a page lists up to 50 cases, their lines loaded with them);
only cases of stores the principal may see.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from shopkeeper.aftersales.models import CaseRow
from shopkeeper.auth import Principal
from shopkeeper.scope import scoped


def case_queue(session: Session, actor: Principal, store_id: int | None, status: str, limit: int,
               after_id: int | None) -> list[CaseRow]:
    """Open cases (or one stage of them) by nearest deadline, else newest first.

    `status` is "open", "closed", "all" or a stage. `after_id` is the last case of the page before; by deadline
    the next page starts after that case's deadline, so a case whose deadline moved may show twice.
    """
    query = scoped(select(CaseRow).options(selectinload(CaseRow.lines)), actor, CaseRow.store_id)
    if store_id is not None:
        query = query.where(CaseRow.store_id == store_id)
    if status == "closed":
        query = query.where(CaseRow.closed_at.is_not(None))
    elif status != "all":
        query = query.where(CaseRow.closed_at.is_(None))
        if status != "open":
            query = query.where(CaseRow.stage == status)
    if status in ("closed", "all"):
        if after_id is not None:
            query = query.where(CaseRow.id < after_id)
        return list(session.scalars(query.order_by(CaseRow.id.desc()).limit(limit)))
    last = session.get(CaseRow, after_id) if after_id is not None else None
    if last is not None and last.due_at is not None and actor.may_see_store(last.store_id):
        query = query.where(or_(CaseRow.due_at > last.due_at, and_(CaseRow.due_at == last.due_at, CaseRow.id > last.id)))
    elif after_id is not None:
        query = query.where(CaseRow.id > after_id)
    return list(session.scalars(query.order_by(CaseRow.due_at, CaseRow.id).limit(limit)))
