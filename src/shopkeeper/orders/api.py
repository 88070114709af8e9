from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from shopkeeper import events
from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit, Plat, query_time
from shopkeeper.api.idempotent import run_once
from shopkeeper.api.schemas import MoneyOut, cut_page
from shopkeeper.catalog.service import get_store
from shopkeeper.errors import NotFound
from shopkeeper.orders import carts, checkout, ledger, payments, service, shipping_choice
from shopkeeper.orders.rules import OrderStatus
from shopkeeper.orders.schemas import (
    BalanceOut,
    CancelIn,
    CartItemIn,
    CartOut,
    CheckoutIn,
    CheckoutOut,
    EventOut,
    LedgerEntryOut,
    LedgerPage,
    OrderIn,
    OrderOut,
    OrderPage,
    PaymentOut,
    PickupIn,
    QuantityIn,
    ShipmentIn,
    SimulateIn,
)
from shopkeeper.scope import require_store_manager

router = APIRouter(tags=["orders"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key")]


# --- carts ------------------------------------------------------------------------------------

@router.get("/stores/{store_id}/cart")
def get_cart(store_id: IdPath, ctx: Ctx) -> CartOut:
    """The buyer's cart in this store (empty when there is none yet)."""
    with ctx.read() as session:
        return CartOut.of(store_id, carts.get_cart(session, ctx.actor, store_id))


@router.post("/stores/{store_id}/cart/items")
def add_to_cart(store_id: IdPath, body: CartItemIn, ctx: Ctx) -> CartOut:
    """Put a SKU in the cart, adding to the quantity already there."""
    with ctx.transaction() as session:
        return CartOut.of(store_id, carts.add_item(session, ctx.actor, store_id, body.sku_id, body.quantity))


@router.patch("/stores/{store_id}/cart/items/{sku_id}")
def change_cart_quantity(store_id: IdPath, sku_id: IdPath, body: QuantityIn, ctx: Ctx) -> CartOut:
    """Set the quantity of a SKU in the cart; 0 removes it."""
    with ctx.transaction() as session:
        return CartOut.of(store_id, carts.set_quantity(session, ctx.actor, store_id, sku_id, body.quantity))


@router.delete("/stores/{store_id}/cart/items/{sku_id}")
def remove_from_cart(store_id: IdPath, sku_id: IdPath, ctx: Ctx) -> CartOut:
    """Take a SKU out of the cart."""
    with ctx.transaction() as session:
        return CartOut.of(store_id, carts.set_quantity(session, ctx.actor, store_id, sku_id, 0))


# --- orders -----------------------------------------------------------------------------------

@router.post("/orders", status_code=201, response_model=OrderOut)
def place_order(body: OrderIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Check out (the cart, or `lines` to buy now). Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        if body.from_cart:
            order = carts.checkout(session, ctx.now(), ctx.actor, body.store_id, body.address_id, body.coupon_ids, body.codes)
        else:
            order = checkout.place_order(session, ctx.now(), ctx.actor, body.store_id, body.address_id,
                                        [line.request() for line in body.lines or []], body.coupon_ids, body.codes)
        if body.shipping_method:
            shipping_choice.change_shipping_method(order, body.shipping_method)
        return 201, OrderOut.of(order).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:place-order", idempotency_key, body.model_dump(mode="json"), use_case)


@router.post("/checkout", status_code=201, response_model=CheckoutOut)
def checkout_stores(body: CheckoutIn, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """跨店结算: check out the carts of several stores at once, priced together (a cross-store reduction counts them
    all); one order per store, each paid separately. Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        placed = carts.checkout_stores(session, ctx.now(), ctx.actor, body.store_ids, body.address_id, body.coupon_ids, body.codes)
        return 201, CheckoutOut(orders=[OrderOut.of(order) for order in placed]).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:checkout", idempotency_key, body.model_dump(mode="json"), use_case)


@router.get("/orders")
def list_orders(
    ctx: Ctx,
    limit: Limit = 50,
    cursor: IdQuery = None,
    store_id: IdQuery = None,
    status: OrderStatus | None = None,
    buyer_id: IdQuery = None,
    placed_from: datetime | None = None,
    placed_to: datetime | None = None,
    number: Annotated[str | None, Query(max_length=32)] = None,
) -> OrderPage:
    """Newest first; pass `next_cursor` back as `cursor` for the next page."""
    f = service.OrderFilter(store_id=store_id, status=status.value if status else None, buyer_id=buyer_id,
                            placed_from=_aware(placed_from, "placed_from"), placed_to=_aware(placed_to, "placed_to"), number=number,
                            limit=limit + 1, before_id=cursor)
    with ctx.read() as session:
        found, next_cursor = cut_page(service.list_orders(session, ctx.actor, f), limit)
        return OrderPage(items=[OrderOut.of(o) for o in found], next_cursor=next_cursor)


def _aware(moment: datetime | None, field: str) -> datetime | None:
    return query_time(moment, field) if moment else None


@router.get("/orders/{order_id}")
def get_order(order_id: IdPath, ctx: Ctx) -> OrderOut:
    """One order with its lines, amounts and the actions its state allows."""
    with ctx.read() as session:
        return OrderOut.of(service.get_order(session, ctx.actor, order_id))


@router.get("/orders/{order_id}/events")
def order_events(order_id: IdPath, ctx: Ctx) -> list[EventOut]:
    """Everything that happened to an order, oldest first: the audit trail."""
    with ctx.read() as session:
        order = service.get_order(session, ctx.actor, order_id)
        return [EventOut(at=e.at, type=e.type, data=e.data) for e in events.timeline(session, service.subject(order))]


@router.post("/orders/{order_id}/shipment")
def ship(order_id: IdPath, body: ShipmentIn, ctx: Ctx) -> OrderOut:
    """The seller ships a paid order with a carrier and tracking number. A destination that refuses the parcel
    (RULES.md §6.1, Pakistan: no original commercial invoice, used goods) answers 422 `shipment-refused`."""
    with ctx.transaction() as session:
        return OrderOut.of(service.ship(session, ctx.now(), ctx.actor, order_id, body.carrier, body.tracking_number,
                                         body.original_invoice))


@router.post("/orders/{order_id}/pickup")
def record_pickup(order_id: IdPath, ctx: Ctx, body: PickupIn | None = None) -> OrderOut:
    """The carrier's pickup scan (揽件): what "shipped" means on Taobao/Tmall (RULES.md §7.3). A second scan changes nothing."""
    with ctx.transaction() as session:
        return OrderOut.of(service.record_pickup(session, ctx.now(), ctx.actor, order_id, (body or PickupIn()).at))


@router.post("/orders/{order_id}/delivery")
def mark_delivered(order_id: IdPath, ctx: Ctx) -> OrderOut:
    """Record that the carrier delivered the order (store staff or operator)."""
    with ctx.transaction() as session:
        return OrderOut.of(service.mark_delivered(session, ctx.now(), ctx.actor, order_id))


@router.post("/orders/{order_id}/receipt")
def confirm_receipt(order_id: IdPath, ctx: Ctx) -> OrderOut:
    """确认收货: the buyer confirms; escrow is released to the store."""
    with ctx.transaction() as session:
        return OrderOut.of(service.confirm_receipt(session, ctx.now(), ctx.actor, order_id))


@router.post("/orders/{order_id}/cancel")
def cancel(order_id: IdPath, ctx: Ctx, body: CancelIn | None = None) -> OrderOut:
    """Cancel before shipment; a paid order's money goes back to the buyer in full, reserved stock back on sale."""
    with ctx.transaction() as session:
        return OrderOut.of(service.cancel(session, ctx.now(), ctx.actor, order_id, (body or CancelIn()).reason))


# --- payments ---------------------------------------------------------------------------------

@router.post("/orders/{order_id}/payments", status_code=201, response_model=PaymentOut,
             responses={200: {"model": PaymentOut, "description": "The order's payment that was pending already"}})
def start_payment(order_id: IdPath, ctx: Ctx, idempotency_key: IdempotencyKey = None) -> JSONResponse:
    """Start paying an order (201), or get back its pending payment (200): an order never has two pending.
    Send an `Idempotency-Key` to retry safely."""

    def use_case(session):  # type: ignore[no-untyped-def]
        payment, started = payments.open_payment(session, ctx.now(), ctx.actor, order_id, ctx.settings.payment_provider)
        return (201 if started else 200), PaymentOut.of(payment).model_dump(mode="json")

    return run_once(ctx, f"key:{ctx.actor.key_id}:start-payment", idempotency_key, {"order_id": order_id}, use_case)


@router.get("/payments/{payment_id}")
def get_payment(payment_id: IdPath, ctx: Ctx) -> PaymentOut:
    """One payment and its status."""
    with ctx.read() as session:
        return PaymentOut.of(payments.get_payment(session, ctx.actor, payment_id))


# Mounted by the app only with the sandbox provider outside production (`Settings.sandbox_payments`):
# elsewhere the route does not exist (404) and is not in /openapi.json.
sandbox_router = APIRouter(tags=["orders"])


@sandbox_router.post("/payments/{payment_id}/simulate")
def simulate_provider(payment_id: IdPath, ctx: Ctx, body: SimulateIn | None = None) -> PaymentOut:
    """The sandbox provider's pay button, for the order's buyer only: it sends us its signed notification, as a
    real provider would. Only with `SHOPKEEPER_PAYMENT_PROVIDER=sandbox`, never in production."""
    if not ctx.settings.sandbox_payments:
        raise NotFound("no such route")
    with ctx.read() as session:
        payment = payments.simulate_payment(session, ctx.actor, payment_id)
    raw = payments.notification_body(payment, payments.new_reference(), (body or SimulateIn()).outcome)
    header = payments.sign(ctx.settings.payment_secret, raw, int(ctx.now().timestamp()))
    with ctx.transaction() as session:
        notification = payments.verify(ctx.settings.payment_secret, raw, header, ctx.now())
        return PaymentOut.of(payments.handle_notification(session, ctx.now(), notification))


@router.post("/payments/callback", response_model=PaymentOut, tags=["payments"])
async def payment_callback(request: Request, platform: Plat, idempotency_key: IdempotencyKey = None,
                           signature: Annotated[str | None, Header(alias=payments.SIGNATURE_HEADER)] = None) -> JSONResponse:
    """The provider's notification. Signed with HMAC-SHA256 with `SHOPKEEPER_PAYMENT_SECRET`; a replay changes nothing."""
    raw = await request.body()
    notification = payments.verify(payments.callback_secret(platform.settings), raw, signature, platform.now())

    def use_case(session):  # type: ignore[no-untyped-def]
        return 200, PaymentOut.of(payments.handle_notification(session, platform.now(), notification)).model_dump(mode="json")

    # the body had to be read asynchronously; the database work runs in the thread pool like every sync route
    return await run_in_threadpool(run_once, platform, "payment-callback", idempotency_key, raw.decode(errors="replace"), use_case)


# --- settlement -------------------------------------------------------------------------------

@router.get("/stores/{store_id}/balance")
def store_balance(store_id: IdPath, ctx: Ctx) -> BalanceOut:
    """What the store holds in escrow and what has been settled to it."""
    with ctx.read() as session:
        require_store_manager(ctx.actor, store_id)
        store = get_store(session, ctx.actor, store_id)
        sums = ledger.balances(session, store_id, store.currency)
    return BalanceOut(store_id=store_id, escrow=MoneyOut.of(sums[ledger.ESCROW].minor, store.currency),
                      store_balance=MoneyOut.of(sums[ledger.STORE_BALANCE].minor, store.currency))


@router.get("/stores/{store_id}/ledger")
def store_ledger(store_id: IdPath, ctx: Ctx, limit: Limit = 50, cursor: IdQuery = None) -> LedgerPage:
    """Every money movement of the store: payments into escrow, releases to the balance, refunds."""
    with ctx.read() as session:
        require_store_manager(ctx.actor, store_id)
        get_store(session, ctx.actor, store_id)
        rows, next_cursor = cut_page(ledger.entries(session, store_id, limit + 1, cursor), limit)
        return LedgerPage(items=[LedgerEntryOut(id=e.id, at=e.at, transfer=e.transfer, kind=e.kind, account=e.account,
                                                order_id=e.order_id, amount=MoneyOut.of(e.amount_minor, e.currency))
                                 for e in rows], next_cursor=next_cursor)
