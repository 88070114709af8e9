"""The carriers a store files, beside its rulebook's list (RULES.md §5.5, §5.6, §15 #6, §17.1).

A shipment's class (express, standard, post) sets when its receipt confirms itself and when its buyer
may open a case; a carrier's name decides the class, the store's own entries first, then the
rulebook's. This page shows both lists in that order, and lets staff of the store and the operator
file, change and remove the store's entries through `fulfillment.carrier_service`, the API's calls.
The service's refusals (a name already used, a class the rulebook lacks) show in the page's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from shopkeeper import rulebooks
from shopkeeper.api import problem_text
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog.service import get_store, list_stores
from shopkeeper.console import filters
from shopkeeper.console.web import lang_of, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, NotFound
from shopkeeper.fulfillment import carrier_service
from shopkeeper.rulebooks.carriers import Carrier, normalise

router = APIRouter(include_in_schema=False)

DONE = ("filed", "changed", "removed")
ALIAS_SEPARATORS = re.compile(r"[,，、;；\n]")  # what people type between names, in English and Chinese


@dataclass(frozen=True)
class BookEntry:
    """A carrier of the rulebook's list, and the store's entry that comes before it (sharing a name), if any."""

    carrier: Carrier
    superseded_by: str | None


@router.get("/carriers")
def carriers_index(request: Request) -> Response:
    """Staff go straight to their store's carriers; the operator picks a store."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if who.role is Role.STAFF:
        return RedirectResponse(f"/stores/{who.store_id}/carriers", status_code=303)
    with request.app.state.db.read() as session:
        stores = [(s, rulebooks.load(s.rulebook).title, len(carrier_service.list_carriers(session, who, s.id)))
                  for s in list_stores(session, who)]
    return render(request, "carrier_stores.html", principal=who, nav="carriers", stores=stores)


@router.get("/stores/{store_id}/carriers")
def carriers(request: Request, store_id: str) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    done = request.query_params.get("done")
    return _page(request, who, store_id, notice=f"carriers.done.{done}" if done in DONE else None)


def _page(request: Request, who: Principal, store_id: str, status: int = 200, notice: str | None = None,
          error: str | None = None, form: dict[str, Any] | None = None) -> HTMLResponse:
    """The store's page; `form` keeps what was typed when a form is refused (`editing`: which entry's form)."""
    wanted = filters.parse_id(store_id)
    with request.app.state.db.read() as session:
        try:
            if wanted is None:
                raise NotFound(f"store {store_id} does not exist")
            store = get_store(session, who, wanted)
            filed = carrier_service.list_carriers(session, who, wanted)
        except NotFound:
            return _not_found(request, who)
        book = rulebooks.load(store.rulebook)
        mine = {normalise(n): row.name for row in filed for n in (row.name, *row.aliases)}
        listed = [BookEntry(c, next((mine[normalise(n)] for n in c.names() if normalise(n) in mine), None))
                  for c in book.carriers.known]
        return render(request, "carriers.html", status=status, principal=who, nav="carriers", store=store, book=book,
                      filed=filed, listed=listed, classes=list(book.aftersales.opening), notice=notice, error=error,
                      form=form or {})


def _not_found(request: Request, who: Principal) -> HTMLResponse:
    return render(request, "not_found.html", status=404, principal=who, body_key="error.not_found.store",
                  back_url="/carriers", back_key="carriers.back")


def _entry(name: str, aliases: str, shipping_class: str) -> carrier_service.CarrierEntry:
    names = tuple(a.strip() for a in ALIAS_SEPARATORS.split(aliases) if a.strip())
    return carrier_service.CarrierEntry(name.strip(), names, shipping_class.strip())


Field = Annotated[str, Form()]


@router.post("/stores/{store_id}/carriers")
def file_carrier(request: Request, store_id: str, name: Field = "", aliases: Field = "",
                 shipping_class: Field = "") -> Response:
    form = {"name": name, "aliases": aliases, "shipping_class": shipping_class}
    return _write(request, store_id, None, "filed", form)


@router.post("/stores/{store_id}/carriers/{carrier_id}")
def change_carrier(request: Request, store_id: str, carrier_id: str, name: Field = "", aliases: Field = "",
                   shipping_class: Field = "") -> Response:
    form = {"name": name, "aliases": aliases, "shipping_class": shipping_class}
    return _write(request, store_id, carrier_id, "changed", form)


@router.post("/stores/{store_id}/carriers/{carrier_id}/delete")
def remove_carrier(request: Request, store_id: str, carrier_id: str) -> Response:
    return _write(request, store_id, carrier_id, "removed", {})


def _write(request: Request, store_id: str, carrier_id: str | None, move: str, form: dict[str, str]) -> Response:
    """File, change or remove one entry, then show the page again (303 on success, the refusal otherwise)."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    store = filters.parse_id(store_id)
    entry_id = filters.parse_id(carrier_id) if carrier_id is not None else None
    if store is None or (carrier_id is not None and entry_id is None):
        return _not_found(request, who)
    now = request.app.state.clock.now()
    try:
        with request.app.state.db.transaction() as session:
            if move == "filed":
                carrier_service.file_carrier(session, now, who, store, _entry(**form))
            elif move == "changed" and entry_id is not None:
                carrier_service.change_carrier(session, now, who, store, entry_id, _entry(**form))
            elif entry_id is not None:
                carrier_service.remove_carrier(session, now, who, store, entry_id)
    except NotFound as missing:
        if carrier_id is None or not _sees(request, who, store):
            return _not_found(request, who)
        return _page(request, who, store_id, status=404, error=problem_text.detail(missing.detail, lang_of(request)))
    except DomainError as refused:
        return _page(request, who, store_id, status=refused.status, error=problem_text.detail(refused.detail, lang_of(request)),
                     form={**form, "editing": entry_id})
    return RedirectResponse(f"/stores/{store}/carriers?done={move}", status_code=303)


def _sees(request: Request, who: Principal, store_id: int) -> bool:
    with request.app.state.db.read() as session:
        try:
            get_store(session, who, store_id)
        except NotFound:
            return False
    return who.may_see_store(store_id)
