"""What the back-office pages (allocation, imports, webhooks) share: whose store a page is about, and words for
the engine's refusals.

Staff see their own store; the operator sees every store and picks one (`?store=`, else the first). A store the
principal may not see answers the console's 404, like a missing one. The engine's refusals are the API's
problem details, said in the page's language by the API's own catalog (api/problem_text.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from shopkeeper.api import problem_text
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog.service import list_stores
from shopkeeper.console import filters
from shopkeeper.console.web import lang_of, render
from shopkeeper.errors import DomainError

if TYPE_CHECKING:
    from shopkeeper.catalog.models import Store


@dataclass(frozen=True)
class StoreChoice:
    """The stores the principal may pick from (staff: theirs alone) and the one the page shows."""

    stores: list[Store]
    store: Store


def choose_store(session: Session, who: Principal, wanted: str | None) -> StoreChoice | None:
    """The store the page is about, or None when `wanted` names none the principal may see (or they see none)."""
    stores = list_stores(session, who)
    if who.role is Role.STAFF:
        stores = [s for s in stores if s.id == who.store_id]
    if not stores:
        return None
    if wanted in (None, ""):
        return StoreChoice(stores, stores[0])
    store_id = filters.parse_id(wanted or "")
    chosen = next((s for s in stores if s.id == store_id), None)
    return StoreChoice(stores, chosen) if chosen is not None else None


def store_not_found(request: Request, who: Principal, back_url: str, back_key: str) -> HTMLResponse:
    return render(request, "not_found.html", status=404, principal=who, body_key="error.not_found.store",
                  back_url=back_url, back_key=back_key)


def said(request: Request, refused: DomainError) -> str:
    """The engine's refusal in the page's language."""
    return problem_text.detail(refused.detail, lang_of(request))
