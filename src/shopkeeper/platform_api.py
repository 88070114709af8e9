"""Platform endpoints: API keys, the event feed, the timer queue, health."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from shopkeeper import events, timers
from shopkeeper.api.deps import MAX_ID, Ctx, IdPath, IdQuery, Limit, Plat
from shopkeeper.api.schemas import Id, In, cut_page
from shopkeeper.auth import KEY_PREFIX, ApiKey, Role, create_key, find_key, list_keys
from shopkeeper.catalog.service import get_store
from shopkeeper.customers.service import get_buyer
from shopkeeper.errors import Conflict
from shopkeeper.scope import require_role
from shopkeeper.sessions import revoke_key

router = APIRouter(tags=["platform"])


class KeyIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"role": "staff", "store_id": 1, "name": "warehouse tablet"}]})

    role: Literal["operator", "staff", "buyer"]
    store_id: Id | None = None
    buyer_id: Id | None = None
    name: str = Field("", validation_alias=AliasChoices("name", "label"),
                      description="what the key is for, e.g. 'warehouse scanner' (`label` is still accepted)")


class KeyInfo(BaseModel):
    """A key as listed: never its secret, only the public prefix it starts with (`sk_<prefix>_...`)."""

    id: int
    prefix: str
    name: str
    role: str
    store_id: int | None
    buyer_id: int | None
    created_at: datetime
    last_used_at: datetime | None = Field(description="to the minute: written at most once a minute")
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: ApiKey) -> KeyInfo:
        return cls(id=row.id, prefix=f"{KEY_PREFIX}{row.prefix}", name=row.name, role=row.role, store_id=row.store_id,
                   buyer_id=row.buyer_id, created_at=row.created_at, last_used_at=row.last_used_at,
                   revoked_at=row.revoked_at)


class KeyOut(KeyInfo):
    key: str = Field(description="the secret: shown this once, only its hash is kept")


class KeyPage(BaseModel):
    items: list[KeyInfo]
    next_cursor: int | None = Field(description="pass back as `cursor` for the next page; null on the last")


@router.post("/keys", status_code=201)
def issue_key(body: KeyIn, ctx: Ctx) -> KeyOut:
    """The key is shown once; only its hash is kept."""
    require_role(ctx.actor, Role.OPERATOR)
    with ctx.transaction() as session:
        if body.store_id is not None:  # the operator sees every store and every buyer: a missing one is a 404
            get_store(session, ctx.actor, body.store_id)
        if body.buyer_id is not None:
            get_buyer(session, ctx.actor, body.buyer_id)
        key = create_key(session, ctx.now(), Role(body.role), body.store_id, body.buyer_id, body.name)
        row = find_key(session, key)
        return KeyOut(key=key, **KeyInfo.of(row).model_dump())


@router.get("/keys")
def keys(ctx: Ctx, limit: Limit = 50, cursor: IdQuery = None) -> KeyPage:
    """Every key, newest first, revoked ones included; secrets are never shown again, only prefixes."""
    require_role(ctx.actor, Role.OPERATOR)
    with ctx.read() as session:
        page, next_cursor = cut_page(list_keys(session, limit, cursor), limit)
        return KeyPage(items=[KeyInfo.of(row) for row in page], next_cursor=next_cursor)


@router.post("/keys/{key_id}/revoke")
def revoke(key_id: IdPath, ctx: Ctx) -> KeyInfo:
    """The key stops working at once, for the API and the console (its sessions end too). Revoking twice is harmless."""
    require_role(ctx.actor, Role.OPERATOR)
    if key_id == ctx.actor.key_id:  # locking oneself out by a slip: another operator key or the CLI can do it
        raise Conflict("a key cannot revoke itself: use another operator key, or `shopkeeper keys revoke`")
    with ctx.transaction() as session:
        return KeyInfo.of(revoke_key(session, ctx.now(), key_id))


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
