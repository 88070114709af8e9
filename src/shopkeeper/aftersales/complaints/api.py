"""Complaint routes (投诉商家, RULES.md §7.3): the buyer complains about an order, the platform upholds or dismisses.

Opening and deciding take an `Idempotency-Key`: upholding moves money or points, and a retry returns the first answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from shopkeeper.aftersales.complaints import service as complaints
from shopkeeper.aftersales.complaints.schemas import ComplaintIn, ComplaintOut, ComplaintPage, DismissIn, UpholdIn
from shopkeeper.aftersales.models import Complaint
from shopkeeper.api.deps import Context, Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.idempotent import run_once

router = APIRouter(tags=["after-sales"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
Cursor = Annotated[str | None, Query(max_length=20, pattern=r"^[0-9]{1,16}$", description="next_cursor of the page before")]


def _once(ctx: Context, action: str, key: str | None, request: Any, act: Callable[[Session], Complaint],
          status: int = 200) -> JSONResponse:
    def use_case(session: Session) -> tuple[int, dict[str, Any]]:
        return status, ComplaintOut.of(act(session)).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:complaint-{action}", key, request, use_case)


@router.post("/orders/{order_id}/complaints", status_code=201, response_model=ComplaintOut)
def open_complaint(order_id: IdPath, body: ComplaintIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Buyer: complain about the store (投诉商家) within 15 days of the order completing or closing with its refund.

    After the window → 409 `deadline-passed`; on a platform without complaint compensation → 409 `not-allowed-in-state`.
    """
    return _once(ctx, "open", idempotency_key, {"order_id": order_id, **body.model_dump(mode="json")},
                 lambda session: complaints.open_complaint(session, ctx.now(), ctx.actor, order_id, body.reason), status=201)


@router.get("/complaints")
def list_complaints(ctx: Ctx, limit: Limit = 50, cursor: Cursor = None, store_id: IdQuery = None,
                    status: Literal["open", "upheld", "dismissed"] | None = None) -> ComplaintPage:
    """Buyers see their complaints, staff their store's, the operator every store's; newest first."""
    f = complaints.ComplaintFilter(store_id=store_id, status=status, limit=limit + 1,
                                before_id=int(cursor) if cursor is not None else None)
    with ctx.read() as session:
        rows = complaints.list_complaints(session, ctx.actor, f)
        page = rows[:limit]
        return ComplaintPage(items=[ComplaintOut.of(row) for row in page],
                             next_cursor=str(page[-1].id) if len(rows) > limit and page else None)


@router.get("/complaints/{complaint_id}")
def get_complaint(complaint_id: IdPath, ctx: Ctx) -> ComplaintOut:
    """One complaint, its status and any compensation."""
    with ctx.read() as session:
        return ComplaintOut.of(complaints.get_complaint(session, ctx.actor, complaint_id))


@router.post("/complaints/{complaint_id}/uphold", response_model=ComplaintOut)
def uphold(complaint_id: IdPath, ctx: Ctx, body: UpholdIn | None = None, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Operator: the complaint stands; the seller pays 5% of the goods, ¥5–¥30 (¥1 minimum in a special category),
    in cash from the store's balance on Taobao, in points on Tmall (赔付)."""
    body = body or UpholdIn()
    return _once(ctx, "uphold", idempotency_key, {"complaint_id": complaint_id, **body.model_dump(mode="json")},
                 lambda session: complaints.uphold_complaint(session, ctx.now(), ctx.actor, complaint_id, body.special_category,
                                                          body.note))


@router.post("/complaints/{complaint_id}/dismiss", response_model=ComplaintOut)
def dismiss(complaint_id: IdPath, ctx: Ctx, body: DismissIn | None = None, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Operator: the complaint does not stand; nothing is paid."""
    body = body or DismissIn()
    return _once(ctx, "dismiss", idempotency_key, {"complaint_id": complaint_id, **body.model_dump(mode="json")},
                 lambda session: complaints.dismiss_complaint(session, ctx.now(), ctx.actor, complaint_id, body.note))
