"""Customs routes (RULES.md §5.5, §6): the table's answers for anyone signed in; a store's customs profile and its
SKUs' origins for its staff and the operator; an order's customs view for its buyer and staff; the duty payer, the
commercial invoice and seizures for the store's staff and the operator."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response
from fastapi.responses import JSONResponse

from shopkeeper.api.deps import Ctx, IdPath
from shopkeeper.api.idempotent import run_once
from shopkeeper.crossborder import order_customs, service
from shopkeeper.crossborder.schemas import (
    DestinationOut,
    DutyPayerIn,
    DutyPayerOut,
    HsCodeOut,
    LandedCostOut,
    OrderCustomsOut,
    OriginIn,
    OriginOut,
    ProfileIn,
    ProfileOut,
    SeizureIn,
    SeizureOut,
)

router = APIRouter(tags=["customs"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]
CountryPath = Annotated[str, Path(pattern=r"^[A-Z]{2}$", description="ISO 3166 alpha-2, e.g. TR")]
HsPath = Annotated[str, Path(pattern=r"^[0-9]{10}$", description="a 10-digit HS code (十位HS编码)")]
OnQuery = Annotated[date | None, Query(description="the day whose rules apply; default today (UTC)")]
ChannelQuery = Annotated[str | None, Query(max_length=64, description="a logistics channel, e.g. hk-dhl (香港D记渠道)")]


@router.get("/customs/destinations/{country}")
def get_destination(country: CountryPath, ctx: Ctx, channel: ChannelQuery = None, on: OnQuery = None) -> DestinationOut:
    """What a destination's customs rules are on a day: the de-minimis threshold for the channel and its duty rate,
    what it refuses (Pakistan), whether the duty payer is fixed at pickup (Canada), the delivery-promise cap."""
    return DestinationOut.of(service.destination(country, channel, on or ctx.now().date()))


@router.get("/customs/hs-codes/{code}")
def get_hs_code(code: HsPath, ctx: Ctx, on: OnQuery = None) -> HsCodeOut:
    """An HS code's inspection conditions on a day: A (import) and B (export), after the 2017 adjustment once in
    force. A code the catalogue does not hold is refused (422 `unknown-hs-code`), never assumed free."""
    return HsCodeOut.of(service.hs_code(code, on or ctx.now().date()))


@router.get("/stores/{store_id}/customs-profile")
def get_profile(store_id: IdPath, ctx: Ctx) -> ProfileOut:
    """The store's customs profile: without one the store is domestic."""
    with ctx.read() as session:
        return ProfileOut.of(service.get_profile(session, ctx.actor, store_id))


@router.put("/stores/{store_id}/customs-profile")
def change_profile(store_id: IdPath, body: ProfileIn, ctx: Ctx) -> ProfileOut:
    """Make the store cross-border, or change its home country, usual channel, duty payer, rates and invoice sender."""
    with ctx.transaction() as session:
        return ProfileOut.of(service.change_profile(session, ctx.now(), ctx.actor, store_id, body.home_country, body.channel,
                                                    body.duty_payer, body.rates, body.seller_name, body.seller_address))


@router.put("/skus/{sku_id}/customs-origin")
def change_origin(sku_id: IdPath, body: OriginIn, ctx: Ctx) -> OriginOut:
    """Where the SKU was made (the invoice's origin) and whether it is used goods."""
    with ctx.transaction() as session:
        return OriginOut.of(service.change_sku_origin(session, ctx.now(), ctx.actor, sku_id, body.origin_country, body.used_goods))


@router.get("/orders/{order_id}/customs")
def get_order_customs(order_id: IdPath, ctx: Ctx) -> OrderCustomsOut:
    """The order's landed-cost estimate, duty payer, seizure and invoice link; a domestic order has none of them."""
    with ctx.read() as session:
        view = order_customs.order_customs(session, ctx.actor, order_id)
        staff = ctx.actor.may_see_store(view.order.store_id)
        return OrderCustomsOut(
            order_id=view.order.id, cross_border=view.cross_border,
            landed_cost=LandedCostOut.of(view.estimate, view.order.store_id) if view.estimate else None,
            duty_payer=view.duty_payer, duty_payer_fixed=view.payer_fixed, duty_payer_may_change=view.payer_may_change,
            commercial_invoice=f"/api/v1/orders/{view.order.id}/commercial-invoice.pdf" if view.cross_border and staff else None,
            seizure=SeizureOut.of(view.seizure) if view.seizure else None)


@router.put("/orders/{order_id}/duty-payer")
def set_duty_payer(order_id: IdPath, body: DutyPayerIn, ctx: Ctx) -> DutyPayerOut:
    """Who pays the destination's duties. Canada: once the carrier has picked the parcel up, no change (409)."""
    with ctx.transaction() as session:
        return DutyPayerOut.of(order_customs.set_duty_payer(session, ctx.now(), ctx.actor, order_id, body.duty_payer))


@router.get("/orders/{order_id}/commercial-invoice.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}, "description": "the commercial invoice"}})
def commercial_invoice(order_id: IdPath, ctx: Ctx) -> Response:
    """The commercial invoice: lines with HS code, origin and declared value, totals, who pays duties (and, for
    Canada after pickup, that the payer is fixed); marked ORIGINAL where the destination asks for it (Pakistan)."""
    with ctx.read() as session:
        pdf = order_customs.commercial_invoice(session, ctx.actor, order_id)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="commercial-invoice-{order_id}.pdf"'})


@router.post("/orders/{order_id}/customs-seizure", status_code=201, response_model=SeizureOut)
def report_seizure(order_id: IdPath, body: SeizureIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Customs seized the order's goods (RULES.md §6.3). The reason names who answers: the seller (the buyer gets
    everything back), the buyer (the funds go to the seller), or, unknown, the platform rules later. The money moves
    through an after-sales case. Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        row = order_customs.report_seizure(session, ctx.now(), ctx.actor, order_id,
                                           body.reason.value if body.reason else None, body.note)
        return 201, SeizureOut.of(row).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:customs-seizure:{order_id}", idempotency_key,
                    body.model_dump(mode="json"), use_case)
