"""Platform endpoints: API keys, the event feed, the timer queue, health."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from shopkeeper import events, timers
from shopkeeper.api.deps import MAX_ID, Ctx, Limit, Plat
from shopkeeper.api.schemas import Id, In
from shopkeeper.auth import Role, create_key
from shopkeeper.catalog.models import Store
from shopkeeper.customers.models import Buyer
from shopkeeper.scope import get_or_404, require_role

router = APIRouter(tags=["platform"])


class KeyIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"role": "staff", "store_id": 1, "label": "warehouse tablet"}]})

    role: Literal["operator", "staff", "buyer"]
    store_id: Id | None = None
    buyer_id: Id | None = None
    label: str = ""


class KeyOut(BaseModel):
    key: str
    role: str
    store_id: int | None
    buyer_id: int | None


@router.post("/keys", status_code=201)
def issue_key(body: KeyIn, ctx: Ctx) -> KeyOut:
    """The key is shown once; only its hash is kept."""
    require_role(ctx.actor, Role.OPERATOR)
    with ctx.transaction() as session:
        if body.store_id is not None:
            get_or_404(session, Store, body.store_id, "store")
        if body.buyer_id is not None:
            get_or_404(session, Buyer, body.buyer_id, "buyer")
        key = create_key(session, ctx.now(), Role(body.role), body.store_id, body.buyer_id, body.label[:100])
    return KeyOut(key=key, role=body.role, store_id=body.store_id, buyer_id=body.buyer_id)


class FeedEvent(BaseModel):
    id: int
    at: datetime
    type: str
    store_id: int | None
    subject: str
    data: dict[str, Any]


class EventFeed(BaseModel):
    items: list[FeedEvent]
    next_after: int = Field(description="pass as `after` to continue; unchanged when nothing new has happened")


@router.get("/events")
def event_feed(
    ctx: Ctx,
    after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Limit = 100,
    type: Annotated[str | None, Query(max_length=64, description="prefix, e.g. 'order.'")] = None,
) -> EventFeed:
    """Everything that happened, oldest first: poll with `after` to keep a system in sync.

    Staff see their own store's events; the operator sees every store's and the platform's.
    """
    require_role(ctx.actor, Role.OPERATOR, Role.STAFF)
    with ctx.read() as session:
        rows = events.feed(session, None if ctx.actor.is_operator else ctx.actor.store_id, after, limit, type)
        items = [FeedEvent(id=e.id, at=e.at, type=e.type, store_id=e.store_id, subject=e.subject, data=e.data) for e in rows]
    return EventFeed(items=items, next_after=items[-1].id if items else after)


class TimerRun(BaseModel):
    fired: int


@router.post("/timers/run")
def run_timers(ctx: Ctx) -> TimerRun:
    """Fire every timer that is due now (the worker does this continuously)."""
    require_role(ctx.actor, Role.OPERATOR)
    return TimerRun(fired=timers.run_due_timers(ctx.db, ctx.clock))


@router.get("/health")
def health(platform: Plat) -> dict[str, str]:
    """Liveness: answers while the process runs, with the server's time. Needs no key."""
    return {"status": "ok", "time": platform.now().isoformat()}
