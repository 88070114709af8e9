"""Operator-only endpoints: API keys, the timer queue, health."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from shopkeeper import timers
from shopkeeper.api.deps import Ctx, Plat
from shopkeeper.api.schemas import Id, In
from shopkeeper.auth import Role, create_key
from shopkeeper.catalog.models import Store
from shopkeeper.customers.models import Buyer
from shopkeeper.scope import get_or_404, require_role

router = APIRouter(tags=["platform"])


class KeyIn(In):
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


class TimerRun(BaseModel):
    fired: int


@router.post("/timers/run")
def run_timers(ctx: Ctx) -> TimerRun:
    """Fire every timer that is due now (the worker does this continuously)."""
    require_role(ctx.actor, Role.OPERATOR)
    return TimerRun(fired=timers.run_due_timers(ctx.db, ctx.clock))


@router.get("/health")
def health(platform: Plat) -> dict[str, str]:
    return {"status": "ok", "time": platform.now().isoformat()}
