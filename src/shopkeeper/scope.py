"""Tenant scoping shared by every service: another tenant's object is "not found"."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.orm import Session

from shopkeeper.auth import Principal, Role
from shopkeeper.errors import Forbidden, NotFound

T = TypeVar("T")


def get_or_404(session: Session, model: type[T], object_id: int, what: str) -> T:
    row = session.get(model, object_id)
    if row is None:
        raise NotFound(f"{what} {object_id} does not exist")
    return row


def require_role(actor: Principal, *roles: Role) -> None:
    if actor.role not in roles:
        allowed = ", ".join(r.value for r in roles)
        raise Forbidden(f"only {allowed} keys may do this")


def require_store_manager(actor: Principal, store_id: int) -> None:
    """The operator, or staff of this very store."""
    require_role(actor, Role.OPERATOR, Role.STAFF)
    if not actor.may_see_store(store_id):
        raise NotFound(f"store {store_id} does not exist")


SYSTEM = Principal(role=Role.OPERATOR, key_id=0)
"""The engine itself acting (timers, demo): sees everything."""
