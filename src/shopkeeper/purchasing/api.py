"""Replenishment and purchasing (采购建议, 采购单, RULES.md §5.1) routes: suggestions and their exports, suppliers and
what each SKU is bought at, purchase orders and deliveries, supplier payment requests. Store staff and the operator
only (buyers 403, another store 404)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit, query_time
from shopkeeper.api.idempotent import run_once
from shopkeeper.api.problem_text import language
from shopkeeper.api.schemas import cut_page
from shopkeeper.purchasing import exports, replenishment, service
from shopkeeper.purchasing.models import PurchaseOrder
from shopkeeper.purchasing.moves import OrderStatus, PaymentStatus
from shopkeeper.purchasing.rules import Flag
from shopkeeper.purchasing.schemas import (
    DecisionIn,
    FromSuggestionsIn,
    OrderDetailOut,
    OrderIn,
    OrderOut,
    OrderPage,
    PaymentPage,
    PaymentRequestOut,
    ReceiptOut,
    ReceiveIn,
    SuggestionOut,
    SupplierIn,
    SupplierOut,
    SupplyIn,
    SupplyOut,
)

router = APIRouter(tags=["purchasing"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _request(window_days: int, campaign_start: datetime | None, surge_factor: Decimal, show: Literal["all", "due"],
             supplier_id: int | None, flag: Flag | None, q: str,
             campaign: replenishment.CampaignMode = "auto") -> replenishment.Request:
    start = None if campaign_start is None else query_time(campaign_start, "campaign_start")
    return replenishment.Request(window_days, start, surge_factor, show, supplier_id, flag, q, campaign)


WindowDays = Annotated[int, Query(ge=1, le=90, description="days of sales the average is over (whole days before today)")]
CampaignStart = Annotated[datetime | None, Query(description="a campaign's start (RULES.md §3.3): turns on the half-sold and surge triggers")]
CampaignQuery = Annotated[replenishment.CampaignMode, Query(
    description="auto: without a campaign_start, the store's signed-up campaign whose official phase runs now or opens "
                "within 7 days turns the §3.3 triggers on; none: no campaign")]
SurgeFactor = Annotated[Decimal, Query(ge=1, le=100, description="the last day above this × the average is a surge")]
Show = Annotated[Literal["all", "due"], Query(description="every SKU, or only those due for purchase")]
FlagQuery = Annotated[Flag | None, Query()]
Search = Annotated[str, Query(max_length=64, description="part of a SKU code or product title")]


@router.get("/stores/{store_id}/replenishment")
def list_suggestions(store_id: IdPath, ctx: Ctx, window_days: WindowDays = 14, campaign_start: CampaignStart = None,
                     surge_factor: SurgeFactor = Decimal(2), show: Show = "all", supplier_id: IdQuery = None,
                     flag: FlagQuery = None, q: Search = "", campaign: CampaignQuery = "auto") -> list[SuggestionOut]:
    """Purchase suggestions (采购建议) per SKU with every input of the formula: units on sale, in transit, sold in the
    window, average daily sales (stock-out days left out), lead, safety and review days, reorder point, target, the
    §3.3 flags, and the quantity in whole packs at least the MOQ. Each row names the campaign that turned the §3.3
    triggers on (the caller's `campaign_start`, else the store's signed-up campaign, unless `campaign=none`)."""
    request = _request(window_days, campaign_start, surge_factor, show, supplier_id, flag, q, campaign)
    with ctx.read() as session:
        return [SuggestionOut.of(r) for r in replenishment.suggestions(session, ctx.now(), ctx.actor, store_id, request)]


def _export(ctx: Ctx, store_id: int, request: replenishment.Request) -> list[replenishment.Row]:
    with ctx.read() as session:
        return replenishment.suggestions(session, ctx.now(), ctx.actor, store_id, request)


@router.get("/stores/{store_id}/replenishment.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "one header row, then a row per SKU"}})
def export_csv(store_id: IdPath, ctx: Ctx, http: Request, window_days: WindowDays = 14,
               campaign_start: CampaignStart = None, surge_factor: SurgeFactor = Decimal(2), show: Show = "all",
               supplier_id: IdQuery = None, flag: FlagQuery = None, q: Search = "",
               campaign: CampaignQuery = "auto") -> Response:
    """The suggestions as CSV (UTF-8 with a BOM), headers in Chinese or English by Accept-Language."""
    rows = _export(ctx, store_id, _request(window_days, campaign_start, surge_factor, show, supplier_id, flag, q,
                                          campaign))
    body = exports.to_csv(rows, language(http.headers.get("accept-language")))
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="replenishment-{store_id}.csv"'})


@router.get("/stores/{store_id}/replenishment.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "one sheet: a header row, then a row per SKU"}})
def export_xlsx(store_id: IdPath, ctx: Ctx, http: Request, window_days: WindowDays = 14,
                campaign_start: CampaignStart = None, surge_factor: SurgeFactor = Decimal(2), show: Show = "all",
                supplier_id: IdQuery = None, flag: FlagQuery = None, q: Search = "",
                campaign: CampaignQuery = "auto") -> Response:
    """The suggestions as an Excel workbook, numbers stored as numbers, headers by Accept-Language."""
    rows = _export(ctx, store_id, _request(window_days, campaign_start, surge_factor, show, supplier_id, flag, q,
                                          campaign))
    body = exports.to_xlsx(rows, language(http.headers.get("accept-language")))
    return Response(body, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="replenishment-{store_id}.xlsx"'})


# --- suppliers --------------------------------------------------------------------------------------

@router.post("/stores/{store_id}/suppliers", status_code=201)
def create_supplier(store_id: IdPath, body: SupplierIn, ctx: Ctx) -> SupplierOut:
    """Add a supplier: its lead days (the purchase cycle), packs, minimum order, currency, prepayment."""
    with ctx.transaction() as session:
        return SupplierOut.of(service.create_supplier(session, ctx.now(), ctx.actor, store_id, body.spec()))


@router.get("/stores/{store_id}/suppliers")
def list_suppliers(store_id: IdPath, ctx: Ctx) -> list[SupplierOut]:
    """The store's suppliers by name, inactive ones included."""
    with ctx.read() as session:
        return [SupplierOut.of(s) for s in service.list_suppliers(session, ctx.actor, store_id)]


@router.get("/suppliers/{supplier_id}")
def get_supplier(supplier_id: IdPath, ctx: Ctx) -> SupplierOut:
    """One supplier."""
    with ctx.read() as session:
        return SupplierOut.of(service.get_supplier(session, ctx.actor, supplier_id))


@router.put("/suppliers/{supplier_id}")
def change_supplier(supplier_id: IdPath, body: SupplierIn, ctx: Ctx) -> SupplierOut:
    """Change a supplier's terms, or deactivate it (`active: false`); orders placed keep theirs."""
    with ctx.transaction() as session:
        return SupplierOut.of(service.change_supplier(session, ctx.now(), ctx.actor, supplier_id, body.spec()))


@router.put("/skus/{sku_id}/supply")
def set_supply(sku_id: IdPath, body: SupplyIn, ctx: Ctx) -> SupplyOut:
    """Link a SKU to its supplier at a unit cost; lead, safety and review days and packs given here override the
    supplier's and the defaults (7, 3, 7)."""
    with ctx.transaction() as session:
        currency = service.get_supplier(session, ctx.actor, body.supplier_id).currency
        return SupplyOut.of(service.set_supply(session, ctx.now(), ctx.actor, sku_id, body.spec(currency)), currency)


@router.get("/skus/{sku_id}/supply")
def get_supply(sku_id: IdPath, ctx: Ctx) -> SupplyOut:
    """Who the SKU is bought from and at what; 404 when it has no supplier."""
    with ctx.read() as session:
        supply = service.get_supply(session, ctx.actor, sku_id)
        return SupplyOut.of(supply, service.get_supplier(session, ctx.actor, supply.supplier_id).currency)


# --- purchase orders --------------------------------------------------------------------------------

@router.post("/stores/{store_id}/purchase-orders", status_code=201)
def draft_order(store_id: IdPath, body: OrderIn, ctx: Ctx) -> OrderOut:
    """Draft a purchase order by hand: one supplier, one warehouse it arrives in, a line per SKU."""
    with ctx.transaction() as session:
        currency = service.get_supplier(session, ctx.actor, body.supplier_id).currency
        return OrderOut.of(service.draft_order(session, ctx.now(), ctx.actor, store_id, body.supplier_id,
                                               body.warehouse_id, body.specs(currency), body.note))


@router.post("/stores/{store_id}/purchase-orders/from-suggestions", status_code=201)
def draft_from_suggestions(store_id: IdPath, body: FromSuggestionsIn, ctx: Ctx) -> list[OrderOut]:
    """Draft purchase orders from the chosen SKUs' suggestions (default window): one per supplier, each line the
    suggested quantity at the SKU's cost."""
    with ctx.transaction() as session:
        return [OrderOut.of(o) for o in replenishment.draft_from_suggestions(
            session, ctx.now(), ctx.actor, store_id, body.sku_ids, body.warehouse_id)]


@router.get("/stores/{store_id}/purchase-orders")
def list_orders(store_id: IdPath, ctx: Ctx, status: Annotated[OrderStatus | None, Query()] = None, limit: Limit = 50,
                cursor: IdQuery = None) -> OrderPage:
    """The store's purchase orders, newest first."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_orders(session, ctx.actor, store_id, status, limit + 1, cursor), limit)
        return OrderPage(items=[OrderOut.of(o) for o in rows], next_cursor=next_cursor)


@router.get("/purchase-orders/{order_id}")
def get_order(order_id: IdPath, ctx: Ctx) -> OrderDetailOut:
    """A purchase order with its lines, deliveries and payment requests."""
    with ctx.read() as session:
        return _detail(session, service.get_order(session, ctx.actor, order_id))


def _detail(session: Session, order: PurchaseOrder) -> OrderDetailOut:
    return OrderDetailOut(**OrderOut.of(order).model_dump(),
                          receipts=[ReceiptOut.of(r, order.currency) for r in service.receipts_of(session, order.id)],
                          payment_requests=[PaymentRequestOut.of(p) for p in service.payment_requests_of(session, order.id)])


@router.post("/purchase-orders/{order_id}/place")
def place_order(order_id: IdPath, ctx: Ctx) -> OrderOut:
    """Place a draft with its supplier: from now its lines count as in transit, expected after the lead days."""
    with ctx.transaction() as session:
        return OrderOut.of(service.place(session, ctx.now(), ctx.actor, order_id))


@router.post("/purchase-orders/{order_id}/receive", status_code=201, response_model=ReceiptOut)
def receive(order_id: IdPath, body: ReceiveIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Receive a delivery against the order's lines into its warehouse (or the one named): the units go on sale, a
    stock movement each, and a supplier payment request is written for what came. More than a line has open answers
    409 `over-receipt`. Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        receipt = service.receive(session, ctx.now(), ctx.actor, order_id, body.received(), body.warehouse_id)
        order = service.get_order(session, ctx.actor, order_id)
        return 201, ReceiptOut.of(receipt, order.currency).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:purchase-receive", idempotency_key,
                    {"order_id": order_id, **body.model_dump(mode="json")}, use_case)


@router.post("/purchase-orders/{order_id}/close")
def close_order(order_id: IdPath, ctx: Ctx) -> OrderOut:
    """Close the order: what never came stops counting as in transit."""
    with ctx.transaction() as session:
        return OrderOut.of(service.close(session, ctx.now(), ctx.actor, order_id))


@router.post("/purchase-orders/{order_id}/cancel")
def cancel_order(order_id: IdPath, ctx: Ctx) -> OrderOut:
    """Cancel a draft, or a placed order nothing has arrived for."""
    with ctx.transaction() as session:
        return OrderOut.of(service.cancel(session, ctx.now(), ctx.actor, order_id))


# --- supplier payment requests ----------------------------------------------------------------------

@router.get("/stores/{store_id}/supplier-payments")
def list_payment_requests(store_id: IdPath, ctx: Ctx, status: Annotated[PaymentStatus | None, Query()] = None,
                          limit: Limit = 50, cursor: IdQuery = None) -> PaymentPage:
    """Supplier payment requests, newest first: one per delivery, or one per prepaid order."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_payment_requests(session, ctx.actor, store_id, status, limit + 1,
                                                                   cursor), limit)
        return PaymentPage(items=[PaymentRequestOut.of(p) for p in rows], next_cursor=next_cursor)


@router.post("/supplier-payments/{request_id}/approve")
def approve_payment(request_id: IdPath, ctx: Ctx) -> PaymentRequestOut:
    """Approve a supplier payment request (store staff). No money moves yet: paying is the back office's."""
    with ctx.transaction() as session:
        return PaymentRequestOut.of(service.decide_payment(session, ctx.now(), ctx.actor, request_id, approve=True))


@router.post("/supplier-payments/{request_id}/reject")
def reject_payment(request_id: IdPath, body: DecisionIn, ctx: Ctx) -> PaymentRequestOut:
    """Reject a supplier payment request, saying why."""
    with ctx.transaction() as session:
        return PaymentRequestOut.of(service.decide_payment(session, ctx.now(), ctx.actor, request_id, approve=False,
                                                           note=body.note))
