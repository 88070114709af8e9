"""The awaiting-shipment queue (待发货, RULES.md §5.1 打单配货, §5.7 ship-by): paid, unshipped orders of the stores the
principal may see, soonest ship-by first, overdue ones flagged, each with its allocation (warehouse, channel, rule,
or why it is held) and its label; tick orders and "book & print labels" answers one PDF (the pick list walked in
shelf order, then the labels), "pick list" the pick list alone.

Everything goes through `fulfillment.label_service`, the calls the API makes: booking refuses an order that is not
allocated (the page says which and why, nothing is booked) and a batch spans one store, since its labels carry that
store's sender and its pick list that store's shelves.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response

from shopkeeper.api import problem_text
from shopkeeper.auth import Principal
from shopkeeper.console.i18n import translate
from shopkeeper.console.marketing import stores_of
from shopkeeper.console.web import lang_of, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError
from shopkeeper.fulfillment import label_service

router = APIRouter(include_in_schema=False)
MAX_ID = 2**53


def _queue(request: Request, who: Principal, status: int = 200, error: str | None = None,
           chosen: Sequence[int] = ()) -> Response:
    now: datetime = request.app.state.clock.now()
    lang = lang_of(request)
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        waiting = label_service.awaiting_queue(session, who, list(stores.by_id))
        rows = [{"w": w, "store": stores.owner(w.order.store_id, lang), "zone": stores.zone(w.order.store_id),
                 "overdue": w.order.ship_by is not None and w.order.ship_by < now,
                 "parcels": (w.allocation.outcome.get("parcels", []) if w.allocation else [])} for w in waiting]
    return render(request, "fulfillment_queue.html", status=status, principal=who, nav="queue", rows=rows,
                  error=error, chosen=set(chosen), canonical_url="/fulfillment/queue")


@router.get("/fulfillment/queue")
def queue(request: Request) -> Response:
    """The queue: every paid, unshipped order the principal may see, soonest ship-by first."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    return _queue(request, who)


def _ids(raw: Sequence[str]) -> list[int] | None:
    ids = [int(r) for r in raw if r.strip().isdigit() and 0 < int(r) <= MAX_ID]
    return ids if ids and len(ids) == len(raw) else None


def _pdf(pdf: bytes, name: str) -> Response:
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})


def _one_store(request: Request, who: Principal, raw: Sequence[str]) -> tuple[int, list[int]] | Response:
    lang = lang_of(request)
    ids = _ids(raw)
    if ids is None or len(ids) > label_service.MAX_BATCH:
        return _queue(request, who, 400, translate(lang, "sq.choose", n=label_service.MAX_BATCH))
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        waiting = {w.order.id: w.order.store_id for w in label_service.awaiting_queue(session, who, list(stores.by_id))}
    owners = {waiting.get(i) for i in ids}
    if None in owners:
        return _queue(request, who, 409, translate(lang, "sq.gone"), ids)
    if len(owners) > 1:
        return _queue(request, who, 400, translate(lang, "sq.one_store"), ids)
    return int(owners.pop() or 0), ids


@router.post("/fulfillment/queue/labels")
def book_and_print(request: Request, order_id: Annotated[list[str], Form()] = []) -> Response:  # noqa: B006
    """Book labels for the ticked orders (those booked already keep theirs) and answer the one PDF to print."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    chosen = _one_store(request, who, order_id)
    if isinstance(chosen, Response):
        return chosen
    store_id, ids = chosen
    now = request.app.state.clock.now()
    try:
        with request.app.state.db.transaction() as session:
            label_service.book_labels(session, now, who, store_id, ids)
            pdf = label_service.print_batch(session, now, who, store_id, ids)
    except DomainError as refused:
        return _queue(request, who, refused.status, problem_text.detail(refused.detail, lang_of(request)), ids)
    return _pdf(pdf, f"labels-{now:%Y%m%d-%H%M}")


@router.get("/fulfillment/queue/pick-list")
def pick_list(request: Request, order_id: Annotated[list[str], Query()] = []) -> Response:  # noqa: B006
    """The ticked orders' pick list alone, walked in shelf order; it books and prints no label."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    chosen = _one_store(request, who, order_id)
    if isinstance(chosen, Response):
        return chosen
    store_id, ids = chosen
    now = request.app.state.clock.now()
    try:
        with request.app.state.db.read() as session:
            pdf = label_service.print_batch(session, now, who, store_id, ids, with_labels=False)
    except DomainError as refused:
        return _queue(request, who, refused.status, problem_text.detail(refused.detail, lang_of(request)), ids)
    return _pdf(pdf, f"pick-list-{now:%Y%m%d-%H%M}")
