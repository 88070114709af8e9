"""What every route gets: the database, the clock and the authenticated principal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal, authenticate
from shopkeeper.clock import Clock
from shopkeeper.db import Database
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


def bearer_key(authorization: str | None, api_key: str | None) -> str | None:
    if api_key:
        return api_key
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def context(
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Context:
    base = platform(request)
    with base.read() as session:
        actor = authenticate(session, bearer_key(authorization, x_api_key))
    return Context(db=base.db, clock=base.clock, settings=base.settings, actor=actor)


Ctx = Annotated[Context, Depends(context)]
Plat = Annotated[Platform, Depends(platform)]
