"""The operator's API keys page: every key, revoked ones too, with Revoke, and a form to issue one.

The same calls as `platform_api`'s `/keys`: `auth.create_key` and `auth.list_keys`, and
`sessions.revoke_key`, which also ends the key's console sessions. A new key's secret is in
the answer to the form's POST and nowhere else: not in a URL (no redirect carries it), not in a
log, not in a cache (`no-store`); only its hash is kept. Staff get the 403 page. Unlike the API,
which refuses a key revoking itself, the console lets an operator revoke the key they signed in
with, after a warning: the session ends with it and the browser goes to /login.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from shopkeeper.api import problem_text
from shopkeeper.api.schemas import cut_page
from shopkeeper.auth import KEY_PREFIX, ApiKey, Principal, Role, create_key, list_keys
from shopkeeper.catalog.service import get_store, list_stores
from shopkeeper.console import filters
from shopkeeper.console.i18n import translate
from shopkeeper.console.web import (
    clear_session_cookie,
    lang_of,
    refused_cross_origin,
    render,
    same_origin,
    signed_in,
    url_with,
)
from shopkeeper.customers.service import get_buyer
from shopkeeper.errors import DomainError, NotFound
from shopkeeper.sessions import revoke_key

router = APIRouter(include_in_schema=False)

ROLES = [r.value for r in Role]


@dataclass(frozen=True)
class KeyRow:
    """A key as the list shows it: never its secret, only the public prefix it starts with."""

    id: int
    name: str
    role: str
    holder: str  # the store's name, or the buyer's number; empty for an operator key
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    yours: bool  # the key this browser signed in with


def _operator(request: Request) -> Principal | Response:
    """The signed-in operator, or the page to show instead: /login, or 403 for staff."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not who.is_operator:
        return render(request, "operator_only.html", status=403, principal=who)
    return who


@router.get("/keys")
def keys(request: Request) -> Response:
    who = _operator(request)
    if isinstance(who, Response):
        return who
    revoked = filters.parse_id(request.query_params.get("revoked", ""))
    return _keys_page(request, who, notice=("keys.revoked", {"id": revoked}) if revoked else None)


def _keys_page(request: Request, who: Principal, status: int = 200, notice: tuple[str, dict[str, int]] | None = None,
               error: str | None = None, form: dict[str, str] | None = None) -> HTMLResponse:
    raw_before = request.query_params.get("before")
    before = filters.parse_id(raw_before) if raw_before else None
    with request.app.state.db.read() as session:
        stores = list_stores(session, who)
        rows = list_keys(session, filters.PAGE_SIZE, before) if raw_before is None or before else []
    page, next_cursor = cut_page(rows, filters.PAGE_SIZE)
    names = {s.id: s.name for s in stores}
    return render(
        request, "keys.html", status=status, principal=who, nav="keys", keys=[_row(k, who, names) for k in page],
        stores=stores, roles=ROLES, notice=notice, error=error, form=form or {},
        zone=request.app.state.settings.platform_timezone,
        next_url=url_with(request, before=str(next_cursor), revoked=None, lang=None) if next_cursor else None,
        first_url=url_with(request, before=None, revoked=None, lang=None) if raw_before else None,
    )


def _row(key: ApiKey, who: Principal, store_names: dict[int, str]) -> KeyRow:
    if key.store_id is not None:
        holder = f"{store_names.get(key.store_id, '')} #{key.store_id}".strip()
    else:
        holder = f"#{key.buyer_id}" if key.buyer_id is not None else ""
    return KeyRow(id=key.id, name=key.name, role=key.role, holder=holder, prefix=f"{KEY_PREFIX}{key.prefix}",
                  created_at=key.created_at, last_used_at=key.last_used_at, revoked_at=key.revoked_at,
                  yours=key.id == who.key_id)


@router.post("/keys")
def issue(request: Request, role: Annotated[str, Form()] = "", store_id: Annotated[str, Form()] = "",
          buyer_id: Annotated[str, Form()] = "", name: Annotated[str, Form()] = "") -> Response:
    """Issue a key and show its secret this once. Only the holder the role needs is read: a staff key's store,
    a buyer key's buyer; the other field, left filled in from an earlier choice, is ignored."""
    who = _operator(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    lang = lang_of(request)
    form = {"role": role, "store_id": store_id, "buyer_id": buyer_id, "name": name}
    if role not in ROLES:
        return _keys_page(request, who, status=422, error=translate(lang, "keys.error.role"), form=form)
    store = filters.parse_id(store_id.strip()) if role == Role.STAFF else None
    buyer = filters.parse_id(buyer_id.strip()) if role == Role.BUYER else None
    if role == Role.BUYER and buyer_id.strip() and buyer is None:
        return _keys_page(request, who, status=422, error=translate(lang, "keys.error.buyer_id"), form=form)
    now = request.app.state.clock.now()
    try:
        with request.app.state.db.transaction() as session:
            if store is not None:
                get_store(session, who, store)
            if buyer is not None:
                get_buyer(session, who, buyer)
            secret = create_key(session, now, Role(role), store, buyer, name.strip())
    except DomainError as refused:  # the service's words (a missing store or buyer, a role without its holder)
        return _keys_page(request, who, status=refused.status, error=problem_text.detail(refused.detail, lang), form=form)
    response = render(request, "key_issued.html", status=201, principal=who, nav="keys", secret=secret, role=role,
                      name=name.strip(), store_id=store, buyer_id=buyer)
    response.headers["Cache-Control"] = "no-store"  # the secret must not outlive this page in any cache
    return response


@router.post("/keys/{key_id}/revoke")
def revoke(request: Request, key_id: str) -> Response:
    """Revoke a key: it stops working at once, for the API and the console; its sessions end. Revoking the key
    this browser signed in with signs it out too."""
    who = _operator(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    wanted = filters.parse_id(key_id)
    try:
        if wanted is None:
            raise NotFound(f"key {key_id} does not exist")
        with request.app.state.db.transaction() as session:
            revoke_key(session, request.app.state.clock.now(), wanted)
    except NotFound:
        return render(request, "not_found.html", status=404, principal=who, body_key="error.not_found.key",
                      back_url="/keys", back_key="keys.back")
    if wanted == who.key_id:
        response = RedirectResponse("/login", status_code=303)
        clear_session_cookie(request, response)
        return response
    return RedirectResponse(f"/keys?revoked={wanted}", status_code=303)
