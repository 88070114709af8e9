"""After-sales routes: buyers open and escalate cases, sellers answer and perform, the platform rules.

Every call that can move money or stock takes an `Idempotency-Key`; a retry
returns the first answer and changes nothing. Complaints and a store's
metrics have their routes in `complaints.api` and `metrics.api`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Header, Query, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from sqlalchemy.orm import Session

from shopkeeper.aftersales.cases import evidence as case_evidence
from shopkeeper.aftersales.cases import rows as case_rows
from shopkeeper.aftersales.cases import rules, service
from shopkeeper.aftersales.cases.schemas import (
    AnswerIn,
    CaseIn,
    CaseOut,
    CasePage,
    EvidenceOut,
    EvidenceRequestIn,
    MessageIn,
    MessageOut,
    ProblemIn,
    ProposalIn,
    ResponsibilityIn,
    RulingIn,
    ShortageProofIn,
    TimelineOut,
    TrackingIn,
)
from shopkeeper.aftersales.models import CaseRow
from shopkeeper.api.deps import MAX_ID, Context, Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.idempotent import run_once
from shopkeeper.api.schemas import to_minor
from shopkeeper.errors import InvalidInput
from shopkeeper.money import Money
from shopkeeper.orders import service as orders

router = APIRouter(tags=["after-sales"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
Cursor = Annotated[str | None, Query(max_length=42, pattern=r"^[0-9]{1,20}(\.[0-9]{1,20})?$",
                                     description="next_cursor of the page before")]
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _out(view: case_rows.CaseView, ctx: Context) -> CaseOut:
    """A case as the caller sees it, with the moves its party may take now (`moves.MOVES`)."""
    return CaseOut.of(view, case_rows.allowed_actions(view, case_rows.party(ctx.actor)))


def _case_out(row: CaseRow, ctx: Context) -> dict[str, Any]:
    return _out(case_rows.describe(row), ctx).model_dump(mode="json")


def _once(ctx: Context, action: str, key: str | None, request: Any, act: Callable[[Session], CaseRow],
          status: int = 200) -> JSONResponse:
    def use_case(session: Session) -> tuple[int, dict[str, Any]]:
        return status, _case_out(act(session), ctx)

    return run_once(ctx, f"key:{ctx.actor.key_id}:case-{action}", key, request, use_case)


def _proposal(body: ProposalIn | None, currency: str) -> tuple[Any, int] | None:
    return (body.agreement, to_minor(body.refund, currency, "refund")) if body else None


def _currency(session: Session, ctx: Context, case_id: int) -> str:
    return case_rows.get_case(session, ctx.actor, case_id).currency


# --- opening --------------------------------------------------------------------------------

@router.post("/orders/{order_id}/cases", status_code=201, response_model=CaseOut)
def open_case(order_id: IdPath, body: CaseIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Buyer: a refund request before shipment (发货前协议), or an agreement dispute after it (协议纠纷).

    When a case may open after shipment depends on the shipping class of the order's carrier (RULES.md §5.6).
    """

    def act(session: Session) -> CaseRow:
        currency = orders.get_order(session, ctx.actor, order_id).currency
        refund = to_minor(body.refund, currency, "refund") if body.refund is not None else None
        request = service.CaseRequest(body.reason, body.agreement, refund, tuple(body.lines) if body.lines else None, body.message)
        return service.open_case(session, ctx.now(), ctx.actor, order_id, request)

    return _once(ctx, "open", idempotency_key, {"order_id": order_id, **body.model_dump(mode="json")}, act, status=201)


@router.post("/orders/{order_id}/late-shipment-refund", status_code=201, response_model=CaseOut)
def late_shipment_refund(order_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Buyer: "未按约定时间发货". Past the ship-by time, the whole order is refunded at once, without the seller (RULES.md §7.3)."""
    return _once(ctx, "late-refund", idempotency_key, {"order_id": order_id},
                 lambda session: service.take_late_shipment_refund(session, ctx.now(), ctx.actor, order_id), status=201)


# --- reading --------------------------------------------------------------------------------

@router.get("/cases")
def list_cases(
    ctx: Ctx,
    limit: Limit = 50,
    cursor: Cursor = None,
    store_id: IdQuery = None,
    order_id: IdQuery = None,
    status: Literal["open", "closed"] | None = None,
    sort: Literal["newest", "deadline"] = "newest",
) -> CasePage:
    """Buyers see their cases, staff their store's, the operator every store's. `sort=deadline` lists open cases,
    the one due first on top: the after-sales desk's work queue."""
    by_deadline = sort == "deadline"
    after, before_id = _parse_cursor(cursor, by_deadline)
    f = case_rows.CaseFilter(store_id=store_id, order_id=order_id, status=status, by_deadline=by_deadline, limit=limit + 1,
                           after=after, before_id=before_id)
    with ctx.read() as session:
        rows = case_rows.list_cases(session, ctx.actor, f)
        page = rows[:limit]
        next_cursor = _cursor(page[-1], by_deadline) if len(rows) > limit and page else None
        return CasePage(items=[_out(case_rows.describe(row), ctx) for row in page], next_cursor=next_cursor)


def _parse_cursor(cursor: str | None, by_deadline: bool) -> tuple[tuple[datetime, int] | None, int | None]:
    if cursor is None:
        return None, None
    due, _, last = cursor.rpartition(".") if by_deadline else ("", "", cursor)
    if (by_deadline and not due) or (not by_deadline and "." in cursor) or int(last) > MAX_ID:
        raise InvalidInput("cursor is not one this list gave out with this sort")
    if not by_deadline:
        return None, int(last)
    try:
        return (_EPOCH + timedelta(microseconds=int(due)), int(last)), None
    except OverflowError:
        raise InvalidInput("cursor is not one this list gave out with this sort") from None


def _cursor(row: CaseRow, by_deadline: bool) -> str:
    if not by_deadline or row.due_at is None:
        return str(row.id)
    return f"{(row.due_at - _EPOCH) // timedelta(microseconds=1)}.{row.id}"


@router.get("/cases/{case_id}")
def get_case(case_id: IdPath, ctx: Ctx) -> CaseOut:
    """The case with its next deadline: when, who must act, and what happens if they do not."""
    with ctx.read() as session:
        return _out(case_rows.describe(case_rows.get_case(session, ctx.actor, case_id)), ctx)


@router.get("/cases/{case_id}/timeline")
def case_timeline(case_id: IdPath, ctx: Ctx) -> list[TimelineOut]:
    """Everything that happened to the case, oldest first."""
    with ctx.read() as session:
        return [TimelineOut.of(e) for e in case_evidence.timeline(session, ctx.actor, case_id)]


# --- the seller -----------------------------------------------------------------------------

@router.post("/cases/{case_id}/answer", response_model=CaseOut)
def answer(case_id: IdPath, body: AnswerIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Seller: agree to the buyer's request (同意协议), or reject it (拒绝协议), with a counter-proposal if wanted."""

    def act(session: Session) -> CaseRow:
        counter = _proposal(body.counter, _currency(session, ctx, case_id))
        return service.answer(session, ctx.now(), ctx.actor, case_id, body.agree, counter)

    return _once(ctx, "answer", idempotency_key, {"case_id": case_id, **body.model_dump(mode="json")}, act)


@router.post("/cases/{case_id}/accept", response_model=CaseOut)
def accept(case_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Seller: accept the buyer's request. Buyer: accept the seller's counter-proposal. Money-only agreements pay at once."""
    return _once(ctx, "accept", idempotency_key, {"case_id": case_id},
                 lambda session: service.accept(session, ctx.now(), ctx.actor, case_id))


@router.post("/cases/{case_id}/counter", response_model=CaseOut)
def counter(case_id: IdPath, body: ProposalIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Seller: reject the request and put a new proposal on the table (提交新协议)."""

    def act(session: Session) -> CaseRow:
        offer = _proposal(body, _currency(session, ctx, case_id))
        return service.answer(session, ctx.now(), ctx.actor, case_id, False, offer)

    return _once(ctx, "counter", idempotency_key, {"case_id": case_id, **body.model_dump(mode="json")}, act)


@router.post("/cases/{case_id}/prepared", response_model=CaseOut)
def prepared(case_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Seller: "我已备货": the goods are prepared, so the refund is refused and the order ships (DHgate)."""
    return _once(ctx, "prepared", idempotency_key, {"case_id": case_id},
                 lambda session: service.refuse_prepared(session, ctx.now(), ctx.actor, case_id))


@router.post("/cases/{case_id}/tracking", response_model=CaseOut)
def tracking(case_id: IdPath, body: TrackingIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Buyer: the return's tracking number. Seller: the reshipment's. Each starts the next clock."""
    return _once(ctx, "tracking", idempotency_key, {"case_id": case_id, **body.model_dump(mode="json")},
                 lambda session: service.give_tracking(session, ctx.now(), ctx.actor, case_id, body.carrier, body.tracking_number))


@router.post("/cases/{case_id}/received", response_model=CaseOut)
def received(case_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Seller: the return arrived (refund at once, stock back). Buyer: the reshipment arrived (release at once)."""
    return _once(ctx, "received", idempotency_key, {"case_id": case_id},
                 lambda session: service.confirm_received(session, ctx.now(), ctx.actor, case_id))


@router.post("/cases/{case_id}/shortage-proof", response_model=CaseOut)
def shortage_proof(case_id: IdPath, body: ShortageProofIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Seller or operator, short quantity: shipped quantity = ordered (with the seller's waybill on file) and the buyer
    signed on delivery. When 3 days pass without agreement, both → full release to the seller, the buyer responsible;
    otherwise the case goes to the platform (AliExpress, RULES.md §7.2.2)."""
    return _once(ctx, "shortage-proof", idempotency_key, {"case_id": case_id, **body.model_dump(mode="json")},
                 lambda session: service.record_shortage_proof(session, ctx.now(), ctx.actor, case_id,
                                                               body.shipped_quantity_matches, body.buyer_signed))


@router.post("/cases/{case_id}/problem", response_model=CaseOut)
def problem(case_id: IdPath, ctx: Ctx, body: ProblemIn | None = None, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Seller: the return has not arrived (DHgate: from day 25). Buyer: the reshipment has not. A specialist steps in."""
    body = body or ProblemIn()

    def act(session: Session) -> CaseRow:
        proposal = _proposal(body.proposal, _currency(session, ctx, case_id))
        return service.report_problem(session, ctx.now(), ctx.actor, case_id, body.delivered_at, proposal)

    return _once(ctx, "problem", idempotency_key, {"case_id": case_id, **body.model_dump(mode="json")}, act)


# --- the buyer ------------------------------------------------------------------------------

@router.post("/cases/{case_id}/escalate", response_model=CaseOut)
def escalate(case_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Buyer: take the case to the platform (DHgate: VIP buyers after 3 days, others after 5, until day 10)."""
    return _once(ctx, "escalate", idempotency_key, {"case_id": case_id},
                 lambda session: service.escalate(session, ctx.now(), ctx.actor, case_id))


@router.post("/cases/{case_id}/withdraw", response_model=CaseOut)
def withdraw(case_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Buyer: drop the request; the order goes on as it was."""
    return _once(ctx, "withdraw", idempotency_key, {"case_id": case_id},
                 lambda session: service.withdraw(session, ctx.now(), ctx.actor, case_id))


# --- the platform ---------------------------------------------------------------------------

@router.post("/cases/{case_id}/arbitrate", response_model=CaseOut)
def arbitrate(case_id: IdPath, body: RulingIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Operator: rule on a platform dispute: full refund, a partial refund within the allowed range, or release."""

    def act(session: Session) -> CaseRow:
        currency = _currency(session, ctx, case_id)

        def money(amount: Any, field: str) -> Money | None:
            return Money(to_minor(amount, currency, field), currency) if amount is not None else None

        low, high = money(body.allowed_from, "allowed_from"), money(body.allowed_to, "allowed_to")
        if (low is None) != (high is None):
            raise InvalidInput("give both ends of the allowed range, or neither")
        ruling = rules.Ruling(body.decision, body.responsible, money(body.refund, "refund"),
                              (low, high) if low is not None and high is not None else None)
        return service.arbitrate(session, ctx.now(), ctx.actor, case_id, ruling)

    return _once(ctx, "arbitrate", idempotency_key, {"case_id": case_id, **body.model_dump(mode="json")}, act)


@router.post("/cases/{case_id}/responsibility", response_model=CaseOut)
def responsibility(case_id: IdPath, body: ResponsibilityIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Operator: a buyer-side reason filed as the seller's, verified within the negotiation window: the order is
    cancelled on a special application and the refund does not count against the seller (DHgate)."""
    return _once(ctx, "responsibility", idempotency_key, {"case_id": case_id, **body.model_dump(mode="json")},
                 lambda session: service.correct_responsibility(session, ctx.now(), ctx.actor, case_id, body.note))


# --- messages and evidence ------------------------------------------------------------------

@router.post("/cases/{case_id}/messages", status_code=201)
def post_message(case_id: IdPath, body: MessageIn, ctx: Ctx) -> MessageOut:
    """Add a message to a case's conversation (buyer, seller or platform)."""
    with ctx.transaction() as session:
        return MessageOut.of(case_evidence.post_message(session, ctx.now(), ctx.actor, case_id, body.body))


@router.get("/cases/{case_id}/messages")
def list_messages(case_id: IdPath, ctx: Ctx) -> list[MessageOut]:
    """A case's conversation, oldest first."""
    with ctx.read() as session:
        return [MessageOut.of(m) for m in case_evidence.messages(session, ctx.actor, case_id)]


@router.post("/cases/{case_id}/evidence", status_code=201)
def add_evidence(case_id: IdPath, ctx: Ctx,
                 file: Annotated[UploadFile, File(description="a photo (JPEG, PNG, GIF, WebP), a PDF or an mp4 video")]) -> EvidenceOut:
    """Attach a file to the case. Larger than the limit (default 10 MB) → 413; another type → 415; after the party's
    evidence deadline (the case's `evidence_due`, AliExpress RULES.md §7.2.2) → 409 `deadline-passed`."""
    data = file.file.read(ctx.settings.evidence_max_bytes + 1)
    with ctx.transaction() as session:
        return EvidenceOut.of(case_evidence.add_evidence(session, ctx.now(), ctx.actor, case_id, ctx.settings.evidence_dir,
                                                   ctx.settings.evidence_max_bytes, file.filename or "", file.content_type, data))


@router.post("/cases/{case_id}/evidence-request", response_model=CaseOut)
def ask_for_evidence(case_id: IdPath, body: EvidenceRequestIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Operator: a party's evidence is insufficient; they supplement it within 3 days (AliExpress, RULES.md §7.2.2)."""
    return _once(ctx, "evidence-request", idempotency_key, {"case_id": case_id, **body.model_dump(mode="json")},
                 lambda session: case_evidence.ask_for_evidence(session, ctx.now(), ctx.actor, case_id, body.of, body.note))


@router.get("/cases/{case_id}/evidence")
def list_evidence(case_id: IdPath, ctx: Ctx) -> list[EvidenceOut]:
    """The files uploaded to a case as evidence."""
    with ctx.read() as session:
        return [EvidenceOut.of(e) for e in case_evidence.evidence_files(session, ctx.actor, case_id)]


@router.get("/cases/{case_id}/evidence/{evidence_id}", response_class=FileResponse)
def get_evidence(case_id: IdPath, evidence_id: IdPath, ctx: Ctx) -> FileResponse:
    """Download one evidence file, in the type it was uploaded as."""
    with ctx.read() as session:
        evidence, path = case_evidence.evidence_file(session, ctx.actor, case_id, evidence_id, ctx.settings.evidence_dir)
        return FileResponse(path, media_type=evidence.content_type, filename=evidence.filename)
