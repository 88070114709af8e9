"""Customs on the order page (RULES.md §6.1, §6.3): the landed-cost estimate, who pays duties (and whether that is
fixed), a seizure, and the commercial invoice for a cross-border order. A domestic order shows none of it.

The invoice is served here too, behind the console's session, since the page's link cannot carry an API key; it is
the same PDF as `GET /api/v1/orders/{id}/commercial-invoice.pdf` (`crossborder.order_customs.commercial_invoice`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal
from shopkeeper.console.web import detail
from shopkeeper.crossborder import order_customs
from shopkeeper.errors import DomainError
from shopkeeper.orders.service import get_order

router = APIRouter(include_in_schema=False)


def customs_context(session: Session, who: Principal, order_id: int) -> dict[str, Any]:
    """What the order page's customs section reads, in the page's open session; `customs` is None for a domestic order."""
    view = order_customs.order_customs(session, who, order_id)
    return {"customs": view if view.cross_border else None}


@router.get("/orders/{order_id}/commercial-invoice.pdf")
def commercial_invoice(request: Request, order_id: str) -> Response:
    with detail(request, order_id, "order", get_order) as found:
        if isinstance(found, Response):
            return found
        try:
            pdf = order_customs.commercial_invoice(found.session, found.principal, found.row.id)
        except DomainError as refused:
            return Response(str(refused), status_code=refused.status, media_type="text/plain; charset=utf-8")
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="commercial-invoice-{found.row.number}.pdf"'})
