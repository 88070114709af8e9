"""What every console page shares: the signed-in principal, the language, rendering.

The console authenticates with the same API keys as the REST API, kept in an
httponly cookie so page scripts can never read it; SameSite=Lax keeps other
sites from posting forms with it.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from shopkeeper.auth import Principal, Role, authenticate
from shopkeeper.console import display
from shopkeeper.console.i18n import LANGS, Lang, pick_lang, translate
from shopkeeper.errors import Unauthenticated

KEY_COOKIE = "shopkeeper_key"
LANG_COOKIE = "shopkeeper_lang"
KEY_MAX_AGE = 7 * 24 * 3600
LANG_MAX_AGE = 365 * 24 * 3600

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters.update(when=display.when, pairs=display.pairs)
templates.env.globals.update(money=display.money)


def lang_of(request: Request) -> Lang:
    return pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                     request.headers.get("accept-language"))


def url_with(request: Request, **changes: str | None) -> str:
    """This page's URL with some query parameters replaced (None drops one)."""
    params = {k: v for k, v in request.query_params.items() if k not in changes}
    params.update({k: v for k, v in changes.items() if v is not None})
    return request.url.path + (f"?{urlencode(params)}" if params else "")


def render(request: Request, template: str, status: int = 200, principal: Principal | None = None,
           **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    other = "en" if lang == "zh" else "zh"
    response = templates.TemplateResponse(request, template, {
        "t": partial(translate, lang), "lang": lang, "principal": principal,
        "switch_url": url_with(request, lang=other), **context,
    }, status_code=status)
    remember_lang(request, response)
    return response


def remember_lang(request: Request, response: Response) -> None:
    chosen = request.query_params.get("lang")
    if chosen in LANGS:
        response.set_cookie(LANG_COOKIE, chosen, max_age=LANG_MAX_AGE, samesite="lax",
                            secure=request.url.scheme == "https")


def set_key_cookie(request: Request, response: Response, key: str) -> None:
    response.set_cookie(KEY_COOKIE, key, max_age=KEY_MAX_AGE, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")


def to_login() -> RedirectResponse:
    return RedirectResponse("/login", status_code=303)


def buyer_refused(request: Request) -> HTMLResponse:
    return render(request, "refused.html", status=403)


def signed_in(request: Request) -> Principal | Response:
    """The principal behind the cookie, or the page to show instead (login, or a refusal)."""
    key = request.cookies.get(KEY_COOKIE)
    if not key:
        return to_login()
    try:
        with request.app.state.db.read() as session:
            principal: Principal = authenticate(session, key)
    except Unauthenticated:
        return to_login()
    if principal.role is Role.BUYER:
        return buyer_refused(request)
    return principal
