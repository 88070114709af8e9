"""RFC 9457 problem details for every error the API can give, in English or Chinese (Accept-Language)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shopkeeper.api import problem_text
from shopkeeper.api.problem_text import TITLES_EN
from shopkeeper.errors import DomainError, InvalidInput, RateLimited

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"


def problem(request: Request, status: int, code: str, title: str, detail: str, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    """The problem in the language the client prefers; `title` and `detail` are the English message ids."""
    lang = problem_text.language(request.headers.get("accept-language"))
    said = problem_text.title(code, title, lang)
    # an error raised without a detail repeats its title (errors.DomainError), in either language
    body = {**extra, "type": f"/problems/{code}", "title": said, "status": status,
            "detail": said if detail == title else problem_text.detail(detail, lang), "code": code, "instance": request.url.path}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers={**(headers or {}), "Content-Language": lang})


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def on_domain_error(request: Request, exc: DomainError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return problem(request, exc.status, exc.code, exc.title, exc.detail, headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # an error raised for a named field by a model-level check (schemas.In) is located at that field
        raw = [{**e, "loc": (*e["loc"], e["ctx"]["field"])} if "field" in (e.get("ctx") or {}) else e for e in exc.errors()]
        errors = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))} for e in raw]
        lang = problem_text.language(request.headers.get("accept-language"))
        detail = problem_text.validation_detail(raw[0], lang) if raw else "invalid request"
        # the detail is already in the client's language; an English id would be translated a second time
        body = {"type": "/problems/invalid-request", "title": problem_text.title("invalid-request", TITLES_EN["invalid-request"], lang),
                "status": 422, "detail": detail, "code": "invalid-request", "instance": request.url.path, "errors": errors}
        return JSONResponse(body, status_code=422, media_type=MEDIA_TYPE, headers={"Content-Language": lang})

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not-found", 405: "method-not-allowed", 401: "unauthenticated"}.get(exc.status_code, "http-error")
        response = problem(request, exc.status_code, code, TITLES_EN.get(code, str(exc.detail)), str(exc.detail))
        response.headers.update(exc.headers or {})  # a 405 keeps its Allow header (RFC 9110 §15.5.6)
        return response

    @app.exception_handler(IntegrityError)
    async def on_integrity_error(request: Request, exc: IntegrityError) -> JSONResponse:
        # A constraint caught what a check should have: refuse, and the transaction was rolled back.
        log.warning("integrity error on %s: %s", request.url.path, exc.orig)
        return problem(request, 409, "conflict", TITLES_EN["conflict"], "a database constraint refused the change")

    @app.exception_handler(DataError)
    async def on_data_error(request: Request, exc: DataError) -> JSONResponse:
        # Request bodies refuse U+0000 (schemas.In); a query or form value that carries one reaches PostgreSQL, whose
        # text cannot hold it: the transaction was rolled back, and it is the caller's input, not our bug.
        if "NUL" in str(exc.orig):
            refused = InvalidInput("text must not contain the NUL character (U+0000)")
            return problem(request, refused.status, refused.code, refused.title, refused.detail)
        return await on_bug(request, exc)

    @app.exception_handler(OperationalError)
    async def on_busy(request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database busy on %s: %s", request.url.path, exc.orig)
        return problem(request, 503, "busy", TITLES_EN["busy"], "try again shortly")

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return problem(request, 500, "internal-error", TITLES_EN["internal-error"], "an unexpected error; it has been logged")
