"""The distribution (分销) pages: each store's program and its promoters' balances, one promoter's commissions and
payouts, and staff deciding payout requests.

Reads go through `social.distribution.service`: a store's program (`get_program`) and promoters (`board`) for each
store the principal may see (staff: theirs; the operator: every store), one promoter by `get_promoter` (another
store's is a 404 like a missing one), its commissions (`list_commissions`) and payouts (`payouts.list_payouts`). The
one write, approving or rejecting a payout request, is `payouts.decide_payout`, from POST forms that must come from the console's own
origin; a decision taken twice is refused by the payout's own moves (it is no longer `requested`), so a form sent
twice pays nothing twice. Times and release countdowns are on the store's clock, written here in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.api import problem_text
from shopkeeper.auth import Principal
from shopkeeper.console import filters, timeline
from shopkeeper.console.display import TimeLeft, time_left
from shopkeeper.console.i18n import event_label
from shopkeeper.console.marketing import Stores, messages_of, page_of, pager, stores_of
from shopkeeper.console.web import detail, lang_of, not_found, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, NotFound
from shopkeeper.languages import Lang
from shopkeeper.orders.order_lists import order_facts
from shopkeeper.social.distribution import payouts as distribution_payouts
from shopkeeper.social.distribution import rules, service
from shopkeeper.social.distribution.moves import CommissionStatus, PayoutStatus

if TYPE_CHECKING:
    from shopkeeper.social.distribution.models import Commission, Payout

router = APIRouter(include_in_schema=False)

DONE = ("approved", "rejected")
NOTE_LENGTH = 200  # Payout.note's column


@dataclass(frozen=True)
class ProgramPanel:
    """One store's distribution program and its promoters, as the page shows them."""

    store_id: int
    name: str
    zone: str
    currency: str
    terms: rules.ProgramTerms
    runs: bool  # the store has a program row at all (a store without one runs none)
    promoters: list[dict[str, Any]]
    level_names: dict[int, str]


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def _panel(session: Session, who: Principal, stores: Stores, store_id: int, lang: Lang) -> ProgramPanel:
    terms = service.get_program(session, who, store_id)
    store = stores.by_id[store_id]
    return ProgramPanel(store_id, stores.owner(store_id, lang), stores.zone(store_id), store.currency, terms,
                        service.program_of(session, store_id) is not None, service.board(session, who, store_id),
                        {n: level.name for n, level in enumerate(terms.levels, start=1)})


@router.get("/promoters")
def promoters(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    lang = lang_of(request)
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        parsed = filters.parse_list(request.query_params, list(stores.by_id), [])
        wanted = parsed.list_filter.store_id
        shown = [] if parsed.problems else [wanted] if wanted is not None else list(stores.by_id)
        panels = [_panel(session, who, stores, sid, lang) for sid in shown]
    messages = messages_of(lang, parsed.problems)
    return render(request, "promoters.html", status=400 if messages else 200, principal=who, nav="promoters",
                  stores=list(stores.by_id.values()), panels=panels, messages=messages, form=dict(request.query_params),
                  percent=_percent)


# --- one promoter -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommissionLine:
    commission: Commission
    order_number: str
    left: TimeLeft | None  # frozen with a release date: the countdown to it


@dataclass(frozen=True)
class PayoutLine:
    payout: Payout
    decidable: bool  # still requested, and the principal may decide it


def _page(request: Request, who: Principal, raw_id: str, status: int = 200, error: str | None = None) -> Response:
    lang = lang_of(request)
    now: datetime = request.app.state.clock.now()
    with detail(request, raw_id, "promoter", service.get_promoter, principal=who) as found:
        if isinstance(found, Response):
            return found
        session, promoter = found.session, found.row
        stores = stores_of(session, who, request)
        terms = service.get_program(session, who, promoter.store_id)
        before = filters.parse_id(request.query_params.get("before", ""))
        rows, next_cursor = page_of(service.list_commissions(session, who, promoter.id, filters.PAGE_SIZE + 1, before))
        facts = order_facts(session, [c.order_id for c in rows])
        commissions = [CommissionLine(c, facts.get(c.order_id, (f"#{c.order_id}", ""))[0],
                                      time_left(c.release_at, now, lang)
                                      if c.status == CommissionStatus.FROZEN and c.release_at else None) for c in rows]
        may_decide = stores.may_manage(promoter.store_id)
        payouts = [PayoutLine(p, may_decide and p.status == PayoutStatus.REQUESTED)
                   for p in distribution_payouts.list_payouts(session, who, promoter.id, filters.PAGE_SIZE, None)]
        recruiter = service.get_promoter(session, who, promoter.recruiter_id) if promoter.recruiter_id else None
        zone = stores.zone(promoter.store_id)
        history = timeline.lines(events.timeline(session, service.subject(promoter)), lang, zone, promoter.currency)
        level = terms.levels[promoter.level - 1].name if 1 <= promoter.level <= len(terms.levels) else None
        store = stores.owner(promoter.store_id, lang)
    done = request.query_params.get("done")
    return render(request, "promoter.html", status=status, principal=who, nav="promoters", p=promoter, store=store,
                  zone=zone, level=level, recruiter=recruiter, commissions=commissions, payouts=payouts,
                  timeline=history, event_label=event_label, error=error, note_length=NOTE_LENGTH,
                  notice=f"dist.done.{done}" if done in DONE else None, **pager(request, next_cursor))


@router.get("/promoters/{promoter_id}")
def promoter_detail(request: Request, promoter_id: str) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    return _page(request, who, promoter_id)


@router.post("/promoters/{promoter_id}/payouts/{payout_id}/{decision}")
def decide(request: Request, promoter_id: str, payout_id: str, decision: str,
           note: Annotated[str, Form()] = "") -> Response:
    """Approve (the money leaves the promoter's balance) or reject a payout request (payouts.decide_payout)."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    promoter, payout = filters.parse_id(promoter_id), filters.parse_id(payout_id)
    if promoter is None or payout is None or decision not in ("approve", "reject"):
        return _not_found(request, who)
    try:
        with request.app.state.db.transaction() as session:
            distribution_payouts.decide_payout(session, request.app.state.clock.now(), who, promoter, payout,
                                               approve=decision == "approve", note=note.strip()[:NOTE_LENGTH] or None)
    except NotFound:
        return _not_found(request, who)
    except DomainError as refused:
        return _page(request, who, promoter_id, status=refused.status,
                     error=problem_text.detail(refused.detail, lang_of(request)))
    done = "approved" if decision == "approve" else "rejected"
    return RedirectResponse(f"/promoters/{promoter}?done={done}", status_code=303)


def _not_found(request: Request, who: Principal) -> HTMLResponse:
    return not_found(request, who, "promoter")
