"""What store staff and the operator can do to a case from its page: answer, ship, confirm, rule, write.

Each form calls the same service function the REST API does, in one
transaction, so the rules (deadlines, who may do what) are the engine's; a
refusal is shown on the case page with the engine's reason. Forms must come
from the console's own origin (`web.same_origin`), as the marketing forms do.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from shopkeeper.aftersales.cases import evidence as case_evidence
from shopkeeper.aftersales.cases import rows as case_rows
from shopkeeper.aftersales.cases import rules, service
from shopkeeper.aftersales.cases.case import Agreement
from shopkeeper.aftersales.cases.moves import CaseAction
from shopkeeper.aftersales.cases.rows import CaseView
from shopkeeper.api.schemas import AMOUNT_TEXT, to_minor
from shopkeeper.auth import Principal
from shopkeeper.console import case_confirm, filters
from shopkeeper.console.i18n import translate
from shopkeeper.console.web import lang_of, not_found, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, InvalidInput, NotFound
from shopkeeper.languages import Lang
from shopkeeper.money import Money

if TYPE_CHECKING:
    from shopkeeper.aftersales.models import CaseRow

router = APIRouter(include_in_schema=False)

# the table's moves that have a form on the case page, and the form's name (staff act as the seller)
FORMS: dict[CaseAction, str] = {"accept": "accept", "reject": "reject", "refuse_prepared": "prepared",
                                "confirm_received": "received", "give_tracking": "reship", "arbitrate": "arbitrate",
                                "message": "message"}
ACTIONS = tuple(FORMS.values())
AGREEMENTS: tuple[Agreement, ...] = ("refund_only", "return_refund", "reship", "return_reship")
DECISIONS = ("full_refund", "partial_refund", "release_seller")
RESPONSIBLE = ("seller", "buyer", "third_party")
Text = Annotated[str, Form()]


def available(who: Principal, view: CaseView) -> list[str]:
    """The forms the page offers this principal now: its party's moves in the case's table (`moves.MOVES`) that
    have a form here, in the table's order; the service still decides when one is sent."""
    offered = case_rows.allowed_actions(view, case_rows.party(who))
    return [FORMS[action] for action in offered if action in FORMS]


@router.post("/cases/{case_id}/{action}")
def act(request: Request, case_id: str, action: str, agreement: Text = "", amount: Text = "", carrier: Text = "",
        tracking_number: Text = "", body: Text = "", decision: Text = "", responsible: Text = "", confirmed: Text = "",
        expect: Text = "") -> Response:
    """Run one action, then show the case again (303 on success, the page with the refusal otherwise).

    An action that moves money runs only once confirmed: first the page that names the amount
    (`case_confirm`), whose submit sends `confirmed` and the amount it named back here."""
    from shopkeeper.console.cases import case_page

    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    wanted = filters.parse_id(case_id)
    if wanted is None or action not in ACTIONS:
        return not_found(request, who, "case")
    lang = lang_of(request)
    now: datetime = request.app.state.clock.now()
    form = {"agreement": agreement.strip(), "amount": amount.strip(), "carrier": carrier.strip(),
            "tracking_number": tracking_number.strip(), "body": body.strip(), "decision": decision.strip(),
            "responsible": responsible.strip()}
    try:
        with request.app.state.db.read() as session:
            row = case_rows.get_case(session, who, wanted)
            closed = row.closed_at is not None
            asks = action in case_confirm.MONEY_ACTIONS and not closed
            asking = _preview(session, now, who, row, action, form, lang) if asks else None
        if closed:  # said in words, in the page's language, whatever was asked
            return case_page(request, who, case_id, status=409,
                             error=translate(lang, "case.refused", detail=translate(lang, "case.refused.closed")))
        if asking is not None and (not confirmed or expect != asking.expect):
            return render(request, "case_confirm.html", principal=who, nav="cases", case_id=wanted, p=asking, form=form,
                          changed=bool(confirmed))
        with request.app.state.db.transaction() as session:
            _run(session, now, who, wanted, action, form)
    except NotFound:
        return not_found(request, who, "case")
    except DomainError as refused:
        detail = translate(lang, "case.bad_amount") if refused.extra.get("field") == "amount" else refused.detail
        return case_page(request, who, case_id, status=refused.status, error=translate(lang, "case.refused", detail=detail))
    return RedirectResponse(f"/cases/{wanted}?done={action}", status_code=303)


def _preview(session: Session, now: datetime, who: Principal, row: CaseRow, action: str, form: dict[str, str],
             lang: Lang) -> case_confirm.Preview | None:
    """The money the action would move, to ask about first; None where the page does not offer it to this
    principal now (it is sent as it is, and the engine says why it is refused)."""
    view = case_rows.describe(row)
    if action not in available(who, view):
        return None
    ruling = _ruling(session, who, row.id, form) if action == "arbitrate" else None
    return case_confirm.preview(view, action, now, lang, ruling)


def _run(session: Session, now: datetime, who: Principal, case_id: int, action: str, form: dict[str, str]) -> None:
    if action == "accept":
        service.accept(session, now, who, case_id)
    elif action == "reject":
        service.answer(session, now, who, case_id, agree=False, counter=_counter(session, who, case_id, form))
    elif action == "prepared":
        service.refuse_prepared(session, now, who, case_id)
    elif action == "received":
        service.confirm_received(session, now, who, case_id)
    elif action == "reship":
        service.give_tracking(session, now, who, case_id, form["carrier"], form["tracking_number"])
    elif action == "arbitrate":
        service.arbitrate(session, now, who, case_id, _ruling(session, who, case_id, form))
    else:
        case_evidence.post_message(session, now, who, case_id, form["body"][:4000])


def _counter(session: Session, who: Principal, case_id: int, form: dict[str, str]) -> tuple[Agreement, int] | None:
    if not form["agreement"]:
        return None
    chosen = next((a for a in AGREEMENTS if a == form["agreement"]), None)
    if chosen is None:
        raise InvalidInput(f"unknown agreement {form['agreement'][:40]!r}")
    return chosen, _minor(session, who, case_id, form["amount"] or "0")


def _ruling(session: Session, who: Principal, case_id: int, form: dict[str, str]) -> rules.Ruling:
    if form["decision"] not in DECISIONS or form["responsible"] not in RESPONSIBLE:
        raise InvalidInput("choose a decision and who is responsible")
    refund = None
    if form["decision"] == "partial_refund":
        currency = case_rows.get_case(session, who, case_id).currency
        refund = Money(_minor(session, who, case_id, form["amount"]), currency)
    return rules.Ruling(decision=form["decision"], responsible=form["responsible"], refund=refund)  # type: ignore[arg-type]


def _minor(session: Session, who: Principal, case_id: int, text: str) -> int:
    """An amount typed in major units ("12.50", "1,234.50"), exact to the case currency's minor unit.

    ASCII digits only, as in the API (api/schemas.py `AMOUNT_TEXT`): full-width digits are refused, not guessed at.
    """
    currency = case_rows.get_case(session, who, case_id).currency
    typed = text.strip().replace(",", "")
    if not AMOUNT_TEXT.fullmatch(typed):
        raise InvalidInput("the amount is not a number", field="amount")
    amount = Decimal(typed)
    if amount < 0 or amount > Decimal(10) ** 12:
        raise InvalidInput("the amount is not a number", field="amount")
    try:
        return to_minor(amount, currency, "amount")
    except InvalidInput:
        raise InvalidInput("too many decimal places", field="amount") from None
