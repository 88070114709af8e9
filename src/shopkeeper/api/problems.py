"""RFC 9457 problem details for every error the API can give."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shopkeeper.errors import DomainError, RateLimited

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"


def problem(request: Request, status: int, code: str, title: str, detail: str, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    body = {**extra, "type": f"/problems/{code}", "title": title, "status": status, "detail": detail, "code": code,
            "instance": request.url.path}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def on_domain_error(request: Request, exc: DomainError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return problem(request, exc.status, exc.code, exc.title, exc.detail, headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))} for e in exc.errors()]
        first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
        detail = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
        return problem(request, 422, "invalid-request", "The request is malformed", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not-found", 405: "method-not-allowed", 401: "unauthenticated"}.get(exc.status_code, "http-error")
        response = problem(request, exc.status_code, code, str(exc.detail), str(exc.detail))
        response.headers.update(exc.headers or {})  # a 405 keeps its Allow header (RFC 9110 §15.5.6)
        return response

    @app.exception_handler(IntegrityError)
    async def on_integrity_error(request: Request, exc: IntegrityError) -> JSONResponse:
        # A constraint caught what a check should have: refuse, and the transaction was rolled back.
        log.warning("integrity error on %s: %s", request.url.path, exc.orig)
        return problem(request, 409, "conflict", "The request conflicts with existing data", "a database constraint refused the change")

    @app.exception_handler(OperationalError)
    async def on_busy(request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database busy on %s: %s", request.url.path, exc.orig)
        return problem(request, 503, "busy", "The database is busy", "try again shortly")

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return problem(request, 500, "internal-error", "Internal error", "an unexpected error; it has been logged")
