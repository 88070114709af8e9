"""What every console page shares: the signed-in principal, the language, rendering.

The console signs in with the same API keys as the REST API, posted once in the
login form (never in a URL, which access logs and browser history keep) or
through a one-time sign-in link. The cookie then carries only a random session
id, kept server-side (sessions.py): revocable, with idle and absolute expiry.
It is httponly so page scripts can never read it, SameSite=Lax so other sites
cannot post forms with it, and Secure when the browser came over TLS (ours, or
a trusted proxy's, see proxies.py). Forms that change something (pause a
promotion, log out, ...) also check that the browser says the form came from
this origin (`same_origin`), which covers sibling sites SameSite does not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal, Role
from shopkeeper.console import display, filters
from shopkeeper.console.i18n import translate
from shopkeeper.errors import NotFound
from shopkeeper.languages import LANGS, Lang, pick_lang
from shopkeeper.proxies import client_address, over_tls
from shopkeeper.sessions import policy_of, resume, touch
from shopkeeper.settings import Settings

SESSION_COOKIE = "shopkeeper_session"
OLD_KEY_COOKIE = "shopkeeper_key"  # before sessions the cookie held the key itself; cleared wherever seen
LANG_COOKIE = "shopkeeper_lang"
LANG_MAX_AGE = 365 * 24 * 3600

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.filters.update(when=display.when, pairs=display.pairs)
templates.env.globals.update(money=display.money)

CROSS_SITE = {"cross-site", "same-site"}  # Sec-Fetch-Site values of a form from elsewhere


def lang_of(request: Request) -> Lang:
    return pick_lang(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                     request.headers.get("accept-language"))


def url_with(request: Request, **changes: str | None) -> str:
    """This page's URL with some query parameters replaced (None drops one)."""
    params = {k: v for k, v in request.query_params.items() if k not in changes}
    params.update({k: v for k, v in changes.items() if v is not None})
    return request.url.path + (f"?{urlencode(params)}" if params else "")


def switch_url(request: Request, lang: Lang, canonical: str | None = None) -> str:
    """Where the language switch goes: this page in `lang`, always a page a GET can open.

    A form answered with a page (a refusal, a 409) was a POST: a link to its URL would answer 405. Such a page's
    switch goes to the page's canonical GET URL when the route names one, else the console page the form was posted
    from (the Referer, only if it is ours), else the dashboard."""
    if request.method in ("GET", "HEAD"):
        return url_with(request, lang=lang)
    target = urlsplit(canonical or _our_referer(request) or "/")
    params = [(k, v) for k, v in parse_qsl(target.query, keep_blank_values=True) if k != "lang"] + [("lang", lang)]
    return f"{target.path or '/'}?{urlencode(params)}"


def _our_referer(request: Request) -> str | None:
    """The page a form was posted from, as a path on this console; None for another site's or a missing one."""
    referer = urlsplit(request.headers.get("referer", ""))
    host = request.headers.get("host", "").lower()
    if not host or referer.netloc.lower() != host or not referer.path.startswith("/") or referer.path.startswith("//"):
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


def render(request: Request, template: str, status: int = 200, principal: Principal | None = None,
           **context: Any) -> HTMLResponse:
    """A console page; a page answering a form may name its GET page as `canonical_url` for the language switch."""
    lang = lang_of(request)
    other: Lang = "en" if lang == "zh" else "zh"
    response = templates.TemplateResponse(request, template, {
        "t": partial(translate, lang), "lang": lang, "principal": principal,
        "switch_url": switch_url(request, other, context.pop("canonical_url", None)), **context,
    }, status_code=status)
    remember_lang(request, response)
    return response


def remember_lang(request: Request, response: Response) -> None:
    chosen = request.query_params.get("lang")
    if chosen in LANGS:
        response.set_cookie(LANG_COOKIE, chosen, max_age=LANG_MAX_AGE, samesite="lax", secure=tls(request))


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def tls(request: Request) -> bool:
    """Whether the browser reached us over https (directly, or via a trusted proxy that says so)."""
    return over_tls(request.url.scheme, request.client.host if request.client else None, request.headers,
                    settings_of(request).trusted_proxies)


def address_of(request: Request) -> str:
    return client_address(request.client.host if request.client else None, request.headers,
                          settings_of(request).trusted_proxies)


def set_session_cookie(request: Request, response: Response, session_id: str) -> None:
    max_age = settings_of(request).session_max_hours * 3600  # the browser may forget it when the server would
    response.set_cookie(SESSION_COOKIE, session_id, max_age=max_age, httponly=True, samesite="lax",
                        secure=tls(request))
    if OLD_KEY_COOKIE in request.cookies:
        response.delete_cookie(OLD_KEY_COOKIE, httponly=True, samesite="lax")


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=tls(request))
    if OLD_KEY_COOKIE in request.cookies:
        response.delete_cookie(OLD_KEY_COOKIE, httponly=True, samesite="lax")


def to_login() -> RedirectResponse:
    return RedirectResponse("/login", status_code=303)


def buyer_refused(request: Request) -> HTMLResponse:
    return render(request, "refused.html", status=403)


def signed_in(request: Request) -> Principal | Response:
    """The principal behind the session cookie, or the page to show instead (login, or a refusal)."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return to_login()
    now = request.app.state.clock.now()
    with request.app.state.db.read() as session:
        resumed = resume(session, now, session_id, policy_of(settings_of(request)))
    if resumed is None:
        return to_login()
    if resumed.stale:  # the idle clock restarts; written at most once a minute per session
        with request.app.state.db.transaction() as session:
            touch(session, now, resumed.session_id)
    principal = resumed.principal
    if principal.role is Role.BUYER:  # a session is never opened for a buyer key; kept as a second lock
        return buyer_refused(request)
    return principal


def not_found(request: Request, principal: Principal, what: str = "order") -> HTMLResponse:
    """Missing and another tenant's look the same: a 404 that names what was looked for."""
    back = {"order": ("/orders", "order.back"), "promotion": ("/promotions", "promo.back"),
            "coupon": ("/coupons", "coupon.back"), "campaign": ("/campaigns", "campaign.back"),
            "case": ("/cases", "case.back"), "group": ("/group-buys", "gb.back"),
            "packets": ("/platform-packets", "pk.back"), "promoter": ("/promoters", "dist.back"),
            "reward": ("/rewards", "rw.back"), "assist": ("/assists", "as.back"),
            "leader": ("/community/leaders", "cm.back"), "wave": ("/community/waves", "wv.back"),
            "import": ("/orders/imports", "im.back"),
            "purchase_order": ("/purchasing/orders", "po.back"), "purchasing": ("/purchasing/replenishment", "po.back_plan"),
            "supplier": ("/purchasing/suppliers", "su.back"),
            "stocktake": ("/warehouse/stocktakes", "wh.back")}[what]
    body = "error.not_found.body" if what == "order" else f"error.not_found.{what}"
    return render(request, "not_found.html", status=404, principal=principal, body_key=body, back_url=back[0],
                  back_key=back[1])


Row = TypeVar("Row")
Loader = Callable[[Session, Principal, int], Row]  # a service's `get_…`: raises NotFound for missing and another tenant's


@dataclass(frozen=True)
class Detail(Generic[Row]):
    """What a detail page has once the skeleton's steps passed: who asks, the open read session, the row."""

    principal: Principal
    session: Session
    row: Row


@contextmanager
def detail(request: Request, raw_id: str, what: str, load: Loader[Row],
           principal: Principal | None = None) -> Iterator[Detail[Row] | Response]:
    """The steps every detail page (order, promotion, coupon, campaign, case) takes before its own.

    Sign in (a signed-out browser goes to /login), parse the id from the path, load the row
    through its service, and answer one 404 page for a malformed id, a missing row and another
    tenant's alike, so a page never tells "not yours" from "not there". It yields the Response to
    send instead, or the row with its read session still open: pages go on reading (lines,
    timelines, labels) in the same session. A page re-shown after a form (403/409) passes the
    `principal` it already has, and is not signed in twice.
    """
    if principal is None:
        signed = signed_in(request)
        if isinstance(signed, Response):
            yield signed
            return
        principal = signed
    wanted = filters.parse_id(raw_id)
    with request.app.state.db.read() as session:
        try:
            row = load(session, principal, wanted) if wanted is not None else None
        except NotFound:
            row = None
        yield not_found(request, principal, what) if row is None else Detail(principal, session, row)


def same_origin(request: Request) -> bool:
    """Whether a state-changing form was sent from the console itself.

    Browsers send `Origin` (and `Sec-Fetch-Site`) with every POST; a form posted from another
    origin is refused. A client that sends neither (curl, tests) is not a browser that could
    be tricked into posting, and holds the key anyway, so it passes.
    """
    if request.headers.get("sec-fetch-site", "").lower() in CROSS_SITE:
        return False
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin is None:
        return True
    host = request.headers.get("host", "").lower()
    return bool(host) and urlsplit(origin).netloc.lower() == host


def refused_cross_origin(request: Request, principal: Principal | None) -> HTMLResponse:
    return render(request, "cross_origin.html", status=403, principal=principal)
