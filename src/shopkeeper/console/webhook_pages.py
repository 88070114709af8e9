"""The webhooks page: a store's subscriptions (add with event types, pause and resume, ping), and its delivery log
(status, attempts, the next retry, the receiver's last answer) filtered by status, with a resend per failed delivery.

Every form calls `webhooks.service`, the calls the API makes, in one transaction; the engine's refusals (a URL that
is not https, or in production leads to a non-public address; a bad event type prefix; a paused subscription)
show on the page in its language. A new subscription's secret is shown once, on the answer to the form that made
it, as the API shows it once. Forms must come from the console's own origin (`web.same_origin`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal
from shopkeeper.console import filters
from shopkeeper.console.backoffice import choose_store, said, store_not_found
from shopkeeper.console.marketing import page_of, pager
from shopkeeper.console.web import refused_cross_origin, render, same_origin, settings_of, signed_in
from shopkeeper.errors import DomainError, NotFound
from shopkeeper.webhooks import service

if TYPE_CHECKING:
    from shopkeeper.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

router = APIRouter(include_in_schema=False)
PAGE = "/webhooks"
STATUSES = ("pending", "delivered", "failed", "cancelled")
DONE = ("paused", "resumed", "pinged", "resent", "deleted")
MOVES = {"pause": "paused", "resume": "resumed", "ping": "pinged", "delete": "deleted"}
Text = Annotated[str, Form()]


@dataclass(frozen=True)
class LogLine:
    delivery: WebhookDelivery
    url: str
    last: WebhookAttempt | None


@router.get(PAGE)
def webhooks(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    done = request.query_params.get("done")
    return _page(request, who, request.query_params.get("store"), notice=f"wh.done.{done}" if done in DONE else None)


def _page(request: Request, who: Principal, wanted: str | None, status: int = 200, notice: str | None = None,
          error: str | None = None, form: dict[str, str] | None = None,
          created: WebhookSubscription | None = None) -> HTMLResponse:
    shown = request.query_params.get("status") or None
    before_text = request.query_params.get("before")
    before = filters.parse_id(before_text) if before_text else None
    with request.app.state.db.read() as session:
        chosen = choose_store(session, who, wanted)
        if chosen is None:
            return store_not_found(request, who, PAGE, "wh.back")
        hooks = service.list_subscriptions(session, who, chosen.store.id, 200, None)
        log, next_cursor = _log(session, who, chosen.store.id, shown if shown in STATUSES else None, before,
                                {h.id: h.url for h in hooks})
    return render(request, "webhooks.html", status=status, principal=who, nav="webhooks", stores=chosen.stores,
                  store=chosen.store, hooks=hooks, log=log, statuses=STATUSES, shown=shown, notice=notice, error=error,
                  form=form or {}, created=created, **pager(request, next_cursor))


def _log(session: Session, who: Principal, store_id: int, status: str | None, before: int | None,
         urls: dict[int, str]) -> tuple[list[LogLine], int | None]:
    found = service.store_deliveries(session, who, store_id, status, filters.PAGE_SIZE + 1, before)
    rows, next_cursor = page_of(found)
    attempts = service.attempts_of(session, rows)
    lines = [LogLine(d, urls.get(d.subscription_id, f"#{d.subscription_id}"),
                     attempts[d.id][-1] if attempts[d.id] else None) for d in rows]
    return lines, next_cursor


@router.post(PAGE)
def subscribe(request: Request, store: str = "", url: Text = "", event_types: Text = "",
              description: Text = "") -> Response:
    """A new subscription; the answer is the page itself, showing the secret this once."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    form = {"url": url.strip()[:500], "event_types": event_types, "description": description.strip()[:200]}
    prefixes = [p.strip() for p in event_types.replace("，", ",").replace(" ", ",").split(",") if p.strip()]
    development = not settings_of(request).production
    try:
        with request.app.state.db.transaction() as session:
            chosen = choose_store(session, who, store)
            if chosen is None:
                raise NotFound(f"store {store} does not exist")
            spec = service.SubscriptionSpec(form["url"], prefixes, form["description"])
            created = service.create_subscription(session, request.app.state.clock.now(), who, chosen.store.id, spec,
                                                  development=development)
    except NotFound:
        return store_not_found(request, who, PAGE, "wh.back")
    except DomainError as refused:
        return _page(request, who, store, status=refused.status, error=said(request, refused), form=form)
    return _page(request, who, str(created.store_id), status=201, notice="wh.done.created", created=created)


@router.post(PAGE + "/{hook_id}/{move}")
def act(request: Request, hook_id: str, move: str) -> Response:
    """Pause, resume, ping or delete one subscription."""
    return _write(request, hook_id, move, _hook_move)


@router.post(PAGE + "/deliveries/{delivery_id}/resend")
def resend(request: Request, delivery_id: str) -> Response:
    return _write(request, delivery_id, "resend", _resend)


def _hook_move(session: Session, now: datetime, who: Principal, hook_id: int, move: str, development: bool) -> int:
    hook = service.get_subscription(session, who, hook_id)
    if move == "ping":
        service.ping(session, now, who, hook_id)
    elif move == "delete":
        service.delete_subscription(session, now, who, hook_id)
    else:
        status = "paused" if move == "pause" else "active"
        service.change_subscription(session, now, who, hook_id, service.SubscriptionChange(status=status),
                                    development=development)
    return hook.store_id


def _resend(session: Session, now: datetime, who: Principal, delivery_id: int, _: str, __: bool) -> int:
    return service.resend(session, now, who, delivery_id).store_id


def _write(request: Request, raw_id: str, move: str, run: Any) -> Response:
    """One change in one transaction, then the page again (303 on success; the refusal, in words, otherwise)."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    wanted = filters.parse_id(raw_id)
    if wanted is None or (move != "resend" and move not in MOVES):
        return store_not_found(request, who, PAGE, "wh.back")
    development = not settings_of(request).production
    try:
        with request.app.state.db.transaction() as session:
            store_id = run(session, request.app.state.clock.now(), who, wanted, move, development)
    except NotFound:
        return store_not_found(request, who, PAGE, "wh.back")
    except DomainError as refused:
        return _page(request, who, request.query_params.get("store"), status=refused.status,
                     error=said(request, refused))
    done = "resent" if move == "resend" else MOVES[move]
    return RedirectResponse(f"{PAGE}?store={store_id}&done={done}", status_code=303)
