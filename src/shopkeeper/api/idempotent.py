"""Run a use case under an `Idempotency-Key`: a retry gets the first response back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopkeeper import idempotency
from shopkeeper.api.deps import Platform

UseCase = Callable[[Session], tuple[int, dict[str, Any]]]


def run_once(platform: Platform, scope: str, key: str | None, request: Any, use_case: UseCase) -> JSONResponse:
    if key is None:
        with platform.transaction() as session:
            status, body = use_case(session)
        return JSONResponse(body, status_code=status)
    idempotency.check_key(key)
    fingerprint = idempotency.fingerprint(request)
    try:
        with platform.transaction() as session:
            stored = idempotency.replay(session, scope, key, fingerprint)
            if stored is not None:
                return _replayed(stored.status, stored.body)
            status, body = use_case(session)
            idempotency.remember(session, scope, key, fingerprint, status, body, platform.now())
    except IntegrityError:
        # A concurrent request with the same key committed first; everything here was rolled back.
        with platform.read() as session:
            stored = idempotency.replay(session, scope, key, fingerprint)
        if stored is None:
            raise
        return _replayed(stored.status, stored.body)
    return JSONResponse(body, status_code=status)


def _replayed(status: int, body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"Idempotent-Replayed": "true"})
