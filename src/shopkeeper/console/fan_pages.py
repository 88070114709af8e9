"""The store club page (粉丝趴, RULES.md §4.3): a store's fans now and their growth day by day on its clock.

Read only. The figures are `customers.fan_growth.fan_growth`, the read the API's `GET /stores/{id}/fans/growth` makes:
staff see their own store, the operator picks one. The days asked for come from the query string, typed by a person,
so a bad date is a message above the form, not an error page; a span the read refuses is shown in the page's
language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fastapi import APIRouter, Request, Response

from shopkeeper.api import problem_text
from shopkeeper.console import filters
from shopkeeper.console.i18n import translate
from shopkeeper.console.marketing import stores_of
from shopkeeper.console.web import lang_of, render, signed_in
from shopkeeper.customers import fan_growth
from shopkeeper.customers.rules import FanDay
from shopkeeper.errors import DomainError

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Summary:
    """The span at a glance: fans at its end, gained, lost and net over it."""

    fans: int
    new: int
    lost: int

    @property
    def net(self) -> int:
        return self.new - self.lost


def _summary(days: list[FanDay]) -> Summary:
    return Summary(days[-1].total if days else 0, sum(d.new for d in days), sum(d.lost for d in days))


@router.get("/fans")
def club(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    lang = lang_of(request)
    now: datetime = request.app.state.clock.now()
    params = request.query_params
    problems: list[filters.Problem] = []
    first = _day(params.get("from", ""), "fans.f.from", problems)
    last = _day(params.get("to", ""), "fans.f.to", problems)
    error: str | None = None
    days: list[FanDay] = []
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        wanted = params.get("store", "").strip()
        store_id = filters.parse_id(wanted) if wanted else next(iter(stores.by_id), None)
        if wanted and store_id not in stores.by_id:
            problems.append(filters.Problem("list.bad.store", {"value": wanted}))
            store_id = None
        if store_id is not None and not problems:
            try:
                days = fan_growth.fan_growth(session, now, who, store_id, first, last)
            except DomainError as refused:
                error = problem_text.detail(refused.detail, lang)
    messages = [translate(lang, p.key, **p.values, **({"field": translate(lang, p.label)} if p.label else {}))
                for p in problems]
    status = 400 if messages else 422 if error else 200
    return render(request, "fans.html", status=status, principal=who, nav="fans", stores=list(stores.by_id.values()),
                  store=stores.by_id.get(store_id) if store_id is not None else None, days=days,
                  summary=_summary(days), messages=messages, error=error, form=dict(params))


def _day(text: str, label: str, problems: list[filters.Problem]) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(filters.Problem("orders.bad.date", {"value": text[:20]}, label=label))
        return None
