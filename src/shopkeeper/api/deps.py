"""What every route gets: the database, the clock and the authenticated principal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal, authenticate
from shopkeeper.clock import Clock, accepted_time
from shopkeeper.db import Database
from shopkeeper.errors import InvalidInput
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
    return Platform(db=state.db, clock=state.clock, settings=state.settings)


# Declared as security schemes, so the API reference offers "Authorize" and clients see how to sign in.
_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer sk_...`")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="or the key alone in `X-API-Key`")


def context(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
    api_key: Annotated[str | None, Security(_api_key)] = None,
) -> Context:
    base = platform(request)
    with base.read() as session:
        actor = authenticate(session, api_key or (bearer.credentials if bearer else None))
    return Context(db=base.db, clock=base.clock, settings=base.settings, actor=actor)


Ctx = Annotated[Context, Depends(context)]
Plat = Annotated[Platform, Depends(platform)]


def query_time(moment: datetime, field: str) -> datetime:
    """A time from a query string in UTC (naive means UTC); one outside the times the engine takes
    (`clock.accepted_time`) is bad input, not a 500."""
    try:
        return accepted_time(moment)
    except ValueError as exc:
        raise InvalidInput(f"{field}: {exc}") from None
