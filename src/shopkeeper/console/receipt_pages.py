"""延长收货 on the order page: when receipt was put off and by whom, and the seller's form (RULES.md §17.1).

Staff of the order's store see "Extend receipt time" with the rulebook's day choices while the
seller may still extend (`orders.receipt.seller_extension_days`, the same checks as the use case);
the operator sees the same facts read-only. The form posts to the use case the API calls,
`orders.receipt.extend_receipt`; a refusal shows the engine's reason in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from shopkeeper.api import problem_text
from shopkeeper.auth import Principal, Role
from shopkeeper.console import filters
from shopkeeper.console.i18n import translate
from shopkeeper.console.web import lang_of, not_found, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, NotFound
from shopkeeper.orders import receipt

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Extension:
    at: datetime
    by: str  # buyer | seller
    days: int
    before: datetime
    after: datetime


def receipt_context(request: Request, session: Session, who: Principal, order: Order, now: datetime) -> dict[str, Any]:
    """What the order page's receipt section shows, read in the page's open session."""
    extended = filters.parse_id(request.query_params.get("extended", ""))
    return {
        "extensions": [Extension(r.at, r.by, r.days, r.confirm_by_before, r.confirm_by_after)
                       for r in receipt.extensions_of(session, who, order.id)],
        "extend_days": receipt.seller_extension_days(session, now, order),
        "may_extend": who.role is Role.STAFF and who.store_id == order.store_id,
        "extended_notice": extended,
    }


@router.post("/orders/{order_id}/receipt-extension")
def extend_receipt(request: Request, order_id: str, days: Annotated[str, Form()] = "") -> Response:
    """The seller puts the automatic receipt confirmation off by one of the rulebook's choices."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    wanted = filters.parse_id(order_id)
    if wanted is None:
        return not_found(request, who)
    lang = lang_of(request)
    if who.role is not Role.STAFF:  # the operator watches; the store's staff decide (the page says so)
        return _refused(request, who, wanted, 403, translate(lang, "receipt.operator_read_only"))
    chosen = filters.parse_id(days.strip())
    if chosen is None:
        return _refused(request, who, wanted, 422, translate(lang, "receipt.pick_days"))
    try:
        with request.app.state.db.transaction() as session:
            receipt.extend_receipt(session, request.app.state.clock.now(), who, wanted, chosen)
    except NotFound:
        return not_found(request, who)
    except DomainError as refused:
        return _refused(request, who, wanted, refused.status, problem_text.detail(refused.detail, lang))
    return RedirectResponse(f"/orders/{wanted}?extended={chosen}", status_code=303)


def _refused(request: Request, who: Principal, order_id: int, status: int, reason: str) -> Response:
    return render(request, "receipt_refused.html", status=status, principal=who, nav="orders", order_id=order_id,
                  reason=reason)
