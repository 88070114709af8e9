"""Labels (面单), their PDF with the pick list, the simple parcel's scan, and tracking events (RULES.md §5.1, §5.5).

Staff of the store and the operator; buyers 403, another store's objects 404. Booking, scanning, voiding, shipping
and posting scans take an `Idempotency-Key`: a retry returns the first answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shopkeeper.api.deps import MAX_ID, Ctx, IdPath
from shopkeeper.api.idempotent import run_once
from shopkeeper.api.schemas import In, Moment, stripped
from shopkeeper.fulfillment import label_service, tracking, tracking_service
from shopkeeper.fulfillment.models import ShippingLabel, TrackingEventRow

router = APIRouter(tags=["fulfillment"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
OrderIds = Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(min_length=1, max_length=label_service.MAX_BATCH)]


class BookIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"order_ids": [12, 13]}]})

    order_ids: OrderIds


class ScanIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"sku_code": "TEE-RED-M"}]})

    sku_code: Annotated[str, StringConstraints(min_length=1, max_length=64), stripped(1)] | None = None
    barcode: Annotated[str, StringConstraints(min_length=1, max_length=64), stripped(1)] | None = None

    @model_validator(mode="after")
    def _one_code(self) -> "ScanIn":
        if (self.sku_code is None) == (self.barcode is None):
            raise ValueError("give sku_code or barcode, one of them")
        return self


class LabelOut(BaseModel):
    id: int
    order_id: int
    store_id: int
    parcel: int
    warehouse_code: str
    channel_code: str
    carrier: str
    tracking_number: str
    weight_grams: int
    booked_at: datetime
    voided_at: datetime | None
    printed_count: int
    last_printed_at: datetime | None

    @classmethod
    def of(cls, row: ShippingLabel) -> "LabelOut":
        return cls(id=row.id, order_id=row.order_id, store_id=row.store_id, parcel=row.parcel,
                   warehouse_code=row.warehouse_code, channel_code=row.channel_code, carrier=row.carrier,
                   tracking_number=row.tracking_number, weight_grams=row.weight_grams, booked_at=row.booked_at,
                   voided_at=row.voided_at, printed_count=row.printed_count, last_printed_at=row.last_printed_at)


class LabelledOut(BaseModel):
    order_id: int
    order_number: str
    booked: bool = Field(description="true when this call booked the labels; false when they stood already")
    labels: list[LabelOut]

    @classmethod
    def of(cls, done: label_service.Labelled) -> "LabelledOut":
        return cls(order_id=done.order.id, order_number=done.order.number, booked=done.booked,
                   labels=[LabelOut.of(row) for row in done.labels])


class ScanEventIn(In):
    tracking_number: Annotated[str, StringConstraints(min_length=1, max_length=64), stripped(1)]
    kind: tracking.Kind
    at: Moment = Field(description="the carrier's time of the scan (naive means UTC)")
    location: Annotated[str, StringConstraints(max_length=tracking.MAX_LOCATION), stripped()] = ""


class TrackingIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"events": [
        {"tracking_number": "LX000000013CN", "kind": "picked_up", "at": "2026-12-05T10:00:00+08:00", "location": "Hangzhou"}]}]})

    events: list[ScanEventIn] = Field(min_length=1, max_length=500)


class ScanOut(BaseModel):
    id: int
    order_id: int
    tracking_number: str
    kind: str
    at: datetime
    location: str
    source: str

    @classmethod
    def of(cls, row: TrackingEventRow) -> "ScanOut":
        return cls(id=row.id, order_id=row.order_id, tracking_number=row.tracking_number, kind=row.kind, at=row.at,
                   location=row.location, source=row.source)


class RefusedOut(BaseModel):
    index: int = Field(description="the scan's place in the list, from 1 (a file's line number for imports)")
    tracking_number: str
    code: str
    detail: str


class RecordedOut(BaseModel):
    recorded: list[ScanOut]
    duplicates: int = Field(description="scans recorded before (the same number, kind, time and place): no change")
    unknown: list[RefusedOut] = Field(description="no parcel of the store has the number; nothing recorded for them")
    refused: list[RefusedOut] = Field(description="scans the order refused (e.g. a pickup before payment), with why")

    @classmethod
    def of(cls, done: tracking_service.Recorded) -> "RecordedOut":
        def out(r: tracking_service.Refused) -> RefusedOut:
            return RefusedOut(index=r.index, tracking_number=r.tracking_number, code=r.code, detail=r.detail)
        return cls(recorded=[ScanOut.of(row) for row in done.recorded], duplicates=done.duplicates,
                   unknown=[out(r) for r in done.unknown], refused=[out(r) for r in done.refused])


class TrackingOut(BaseModel):
    order_id: int
    status: str
    carrier: str | None
    tracking_number: str | None
    labels: list[LabelOut]
    events: list[ScanOut]


def _json(model: BaseModel | list[Any]) -> Any:
    if isinstance(model, list):
        return [m.model_dump(mode="json") for m in model]
    return model.model_dump(mode="json")


@router.post("/stores/{store_id}/labels", response_model=list[LabelledOut])
def book(store_id: IdPath, body: BookIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Book a label per parcel for paid, allocated, unshipped orders with each parcel's logistics channel. An order
    that has labels gets them back (`booked: false`). An order not allocated, held, or not waiting to ship answers
    409 with the reason, and nothing is booked."""

    def use_case(session):  # type: ignore[no-untyped-def]
        done = label_service.book_labels(session, ctx.now(), ctx.actor, store_id, body.order_ids)
        return 200, _json([LabelledOut.of(d) for d in done])

    return run_once(ctx, f"key:{ctx.actor.key_id}:book-labels", idempotency_key,
                    {"store_id": store_id, **body.model_dump()}, use_case)


@router.get("/stores/{store_id}/labels.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}, "description": "the pick list, then the labels"}})
def labels_pdf(store_id: IdPath, ctx: Ctx, order_id: Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Query(
        min_length=1, max_length=label_service.MAX_BATCH)], pick_list_only: bool = False) -> Response:
    """One PDF for the orders named: the pick list walked in shelf order, then every label (§5.1: picking information
    is printed with the label). Each order must have its labels booked, unless only the pick list is asked for.
    Printing counts, so a reprint shows."""
    with ctx.transaction() as session:
        pdf = label_service.print_batch(session, ctx.now(), ctx.actor, store_id, order_id, with_labels=not pick_list_only)
    return Response(pdf, media_type="application/pdf")


@router.post("/stores/{store_id}/labels/scan", response_model=LabelledOut)
def scan(store_id: IdPath, body: ScanIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """扫货出面单: the scanned item (SKU code or barcode) labels the oldest allocated one-piece order waiting for it whose
    label is not printed yet; the label counts as printed. None waiting answers 404."""

    def use_case(session):  # type: ignore[no-untyped-def]
        code = body.sku_code or body.barcode or ""
        return 200, _json(LabelledOut.of(label_service.scan_simple_parcel(session, ctx.now(), ctx.actor, store_id, code)))

    return run_once(ctx, f"key:{ctx.actor.key_id}:scan-label", idempotency_key,
                    {"store_id": store_id, **body.model_dump()}, use_case)


@router.post("/labels/{label_id}/void", response_model=LabelOut)
def void(label_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Void a label that has not left with its parcel (409 once it has); the parcel may be booked again."""

    def use_case(session):  # type: ignore[no-untyped-def]
        return 200, _json(LabelOut.of(label_service.void_label(session, ctx.now(), ctx.actor, label_id)))

    return run_once(ctx, f"key:{ctx.actor.key_id}:void-label", idempotency_key, {"label_id": label_id}, use_case)


@router.post("/orders/{order_id}/ship-labelled")
def ship_labelled(order_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """The labelled parcel is handed over: the order ships with its first label's carrier and tracking number."""

    def use_case(session):  # type: ignore[no-untyped-def]
        order = label_service.ship_labelled(session, ctx.now(), ctx.actor, order_id)
        return 200, {"order_id": order.id, "status": order.status, "carrier": order.carrier,
                     "tracking_number": order.tracking_number}

    return run_once(ctx, f"key:{ctx.actor.key_id}:ship-labelled", idempotency_key, {"order_id": order_id}, use_case)


@router.post("/stores/{store_id}/tracking-events", response_model=RecordedOut)
def post_tracking(store_id: IdPath, body: TrackingIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Carrier scans for the store's parcels: a pickup records the carrier's pickup (and ships a labelled order nobody
    shipped), a delivery marks the order delivered; held by customs and returned become events. The same scan again
    changes nothing; unknown numbers and scans an order refuses are listed, the rest recorded."""

    def use_case(session):  # type: ignore[no-untyped-def]
        reports = [(i, tracking.TrackingReport(e.tracking_number, e.kind, e.at, e.location))
                   for i, e in enumerate(body.events, start=1)]
        done = tracking_service.record_tracking_events(session, ctx.now(), ctx.actor, store_id, reports, "api")
        return 200, _json(RecordedOut.of(done))

    return run_once(ctx, f"key:{ctx.actor.key_id}:tracking-events", idempotency_key,
                    {"store_id": store_id, **body.model_dump(mode="json")}, use_case)


@router.get("/orders/{order_id}/tracking")
def get_tracking(order_id: IdPath, ctx: Ctx) -> TrackingOut:
    """The order's labels (voided ones too) and its carrier scans in time order."""
    with ctx.read() as session:
        order, rows, scans = tracking_service.tracking_of(session, ctx.actor, order_id)
        return TrackingOut(order_id=order.id, status=order.status, carrier=order.carrier,
                           tracking_number=order.tracking_number, labels=[LabelOut.of(r) for r in rows],
                           events=[ScanOut.of(s) for s in scans])
