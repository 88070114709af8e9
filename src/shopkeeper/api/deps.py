"""What every route gets: the database, the clock and the authenticated principal.

Authentication is also where the limits apply: a client address that sent too
many wrong keys in the last minute is refused before its key is even looked at,
and each key may make so many requests a minute (ratelimit.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal, find_key, note_use, principal_of, use_is_stale
from shopkeeper.clock import Clock, accepted_time
from shopkeeper.db import Database
from shopkeeper.errors import InvalidInput, Unauthenticated
from shopkeeper.proxies import client_address
from shopkeeper.ratelimit import RateLimits, refuse_if_waiting
from shopkeeper.settings import Settings

MAX_ID = 2**53  # ids beyond what JSON numbers carry exactly are refused, not looked up
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=200)]


@dataclass(frozen=True)
class Platform:
    db: Database
    clock: Clock
    settings: Settings
    limits: RateLimits

    def now(self) -> datetime:
        return self.clock.now()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.db.transaction() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.db.read() as session:
            yield session


@dataclass(frozen=True)
class Context(Platform):
    actor: Principal


def platform(request: Request) -> Platform:
    state = request.app.state
    return Platform(db=state.db, clock=state.clock, settings=state.settings, limits=state.limits)


# Declared as security schemes, so the API reference offers "Authorize" and clients see how to sign in.
_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer sk_...`")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="or the key alone in `X-API-Key`")


def context(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    api_key: Annotated[str | None, Security(_api_key)] = None,
) -> Context:
    base = platform(request)
    key = api_key or (bearer.credentials if bearer else None)
    address = client_address(request.client.host if request.client else None, request.headers,
                             base.settings.trusted_proxies)
    if key:  # a request without any key is no guess at one: it gets its 401 unthrottled
        refuse_if_waiting(base.limits.failed_sign_ins.wait(address), "failed sign-ins from this address")
    now = base.now()
    try:
        with base.read() as session:
            row = find_key(session, key)
            actor, stale = principal_of(row), use_is_stale(row, now)
    except Unauthenticated:
        if key:
            base.limits.failed_sign_ins.record(address)
        raise
    refuse_if_waiting(base.limits.api_requests.take(actor.key_id), "requests with this key")
    if stale:
        with base.transaction() as session:
            note_use(session, actor.key_id, now)
    return Context(db=base.db, clock=base.clock, settings=base.settings, limits=base.limits, actor=actor)


Ctx = Annotated[Context, Depends(context)]
Plat = Annotated[Platform, Depends(platform)]


def query_time(moment: datetime, field: str) -> datetime:
    """A time from a query string in UTC (naive means UTC); one outside the times the engine takes
    (`clock.accepted_time`) is bad input, not a 500."""
    try:
        return accepted_time(moment)
    except ValueError as exc:
        raise InvalidInput(f"{field}: {exc}") from None
