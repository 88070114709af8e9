"""Tenant scoping shared by every service: another tenant's object is "not found".

The security rule lives here once: a buyer sees their own rows, store staff their store's, the operator all.
A service narrows a query with `scoped` and checks one row with `may_see`; it never writes the rule again.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar, Unpack

from sqlalchemy import Select, false
from sqlalchemy.orm import InstrumentedAttribute, Session

from shopkeeper.auth import Principal, Role
from shopkeeper.errors import Forbidden, NotFound

T = TypeVar("T")
Q = TypeVar("Q", bound=Select[Unpack[tuple[Any, ...]]])  # a query of rows or of columns


class Tenanted(Protocol):
    """A row that belongs to a store and, for buyers' rows, to a buyer (orders, cases, complaints...)."""

    store_id: Any
    buyer_id: Any


def may_see(actor: Principal, row: Tenanted) -> bool:
    """Whether the caller may see this row: the buyer it belongs to, the staff of its store, the operator."""
    if actor.role is Role.BUYER:
        return row.buyer_id is not None and row.buyer_id == actor.buyer_id
    return actor.may_see_store(row.store_id)


def scoped(query: Q, actor: Principal, store_id: InstrumentedAttribute[Any],
           buyer_id: InstrumentedAttribute[Any] | None = None) -> Q:
    """The query narrowed to the rows the caller may see (`may_see`, in SQL). Without a buyer column a buyer sees
    nothing: rows that are no buyer's belong to a store."""
    if actor.role is Role.BUYER:
        return query.where(buyer_id == actor.buyer_id) if buyer_id is not None else query.where(false())
    if actor.role is Role.STAFF:
        return query.where(store_id == actor.store_id)
    return query


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
