"""Purchasing use cases: suppliers and what each SKU is bought at, purchase orders from draft to closed, deliveries
received into a warehouse (through `inventory.service.receive`, the one way stock comes in), and the supplier
payment requests they leave for the back office.

Staff of the store and the operator; everyone else 404 (another store's) or 403 (a buyer). Every change records an
event. The lifecycles are `moves.py`; the suggestion read is `replenishment.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.db import newest_first
from shopkeeper.errors import Conflict, InvalidInput, NotFound
from shopkeeper.inventory import service as inventory
from shopkeeper.money import valid_currency
from shopkeeper.purchasing import moves
from shopkeeper.purchasing.models import (
    PurchaseLine,
    PurchaseOrder,
    PurchaseReceipt,
    SkuSupply,
    Supplier,
    SupplierPaymentRequest,
)
from shopkeeper.purchasing.moves import OrderStatus, PaymentStatus
from shopkeeper.scope import require_role, require_store_manager, scoped


@dataclass(frozen=True)
class SupplierSpec:
    name: str
    lead_days: int
    currency: str
    pack_size: int = 1
    moq: int = 1
    prepay: bool = False
    active: bool = True


@dataclass(frozen=True)
class SupplySpec:
    supplier_id: int
    unit_cost_minor: int
    lead_days: int | None = None
    safety_days: int | None = None
    review_days: int | None = None
    pack_size: int | None = None
    moq: int | None = None


@dataclass(frozen=True)
class LineSpec:
    sku_id: int
    quantity: int
    unit_cost_minor: int | None = None  # the SKU's supply cost when not given


# --- suppliers --------------------------------------------------------------------------------------

def _check_supplier(spec: SupplierSpec) -> None:
    if not valid_currency(spec.currency):
        raise InvalidInput(f"{spec.currency} is not a currency code", field="currency")


def create_supplier(session: Session, now: datetime, actor: Principal, store_id: int, spec: SupplierSpec) -> Supplier:
    require_store_manager(actor, store_id)
    catalog.get_store(session, actor, store_id)
    _check_supplier(spec)
    _name_free(session, store_id, spec.name, None)
    supplier = Supplier(store_id=store_id, name=spec.name, name_key=spec.name.casefold(), lead_days=spec.lead_days,
                        pack_size=spec.pack_size, moq=spec.moq, currency=spec.currency, prepay=spec.prepay,
                        active=spec.active, created_at=now)
    session.add(supplier)
    session.flush()
    events.record(session, now, "supplier.created", f"supplier:{supplier.id}", store_id, name=spec.name)
    return supplier


def _name_free(session: Session, store_id: int, name: str, except_id: int | None) -> None:
    found = session.scalar(select(Supplier.id).where(Supplier.store_id == store_id, Supplier.name_key == name.casefold()))
    if found is not None and found != except_id:
        raise Conflict(f"a supplier named {name} exists already")


def list_suppliers(session: Session, actor: Principal, store_id: int) -> list[Supplier]:
    require_store_manager(actor, store_id)
    catalog.get_store(session, actor, store_id)
    return list(session.scalars(select(Supplier).where(Supplier.store_id == store_id).order_by(Supplier.name_key)))


def get_supplier(session: Session, actor: Principal, supplier_id: int) -> Supplier:
    require_role(actor, Role.OPERATOR, Role.STAFF)
    supplier = session.scalar(scoped(select(Supplier).where(Supplier.id == supplier_id), actor, Supplier.store_id))
    if supplier is None:
        raise NotFound(f"supplier {supplier_id} does not exist")
    return supplier


def change_supplier(session: Session, now: datetime, actor: Principal, supplier_id: int, spec: SupplierSpec) -> Supplier:
    """Change a supplier's terms; orders placed already keep theirs. Deactivating keeps its history."""
    supplier = get_supplier(session, actor, supplier_id)
    _check_supplier(spec)
    _name_free(session, supplier.store_id, spec.name, supplier.id)
    if spec.currency != supplier.currency and session.scalar(
            select(func.count()).select_from(SkuSupply).where(SkuSupply.supplier_id == supplier.id)):
        raise Conflict(f"supplier {supplier.id} has SKU costs in {supplier.currency}; link them anew to change currency")
    for field in ("name", "lead_days", "pack_size", "moq", "currency", "prepay", "active"):
        setattr(supplier, field, getattr(spec, field))
    supplier.name_key = spec.name.casefold()
    events.record(session, now, "supplier.changed", f"supplier:{supplier.id}", supplier.store_id, name=spec.name,
                  active=spec.active)
    return supplier


def set_supply(session: Session, now: datetime, actor: Principal, sku_id: int, spec: SupplySpec) -> SkuSupply:
    """Who the SKU is bought from, at what cost, and the lead, safety and review days and packs that differ."""
    sku = catalog.sku_by_id(session, sku_id)
    require_store_manager(actor, sku.store_id)
    supplier = get_supplier(session, actor, spec.supplier_id)
    if supplier.store_id != sku.store_id:
        raise NotFound(f"supplier {spec.supplier_id} does not exist")
    supply = session.get(SkuSupply, sku_id)
    if supply is None:
        supply = SkuSupply(sku_id=sku_id, store_id=sku.store_id, supplier_id=supplier.id, unit_cost_minor=0,
                           updated_at=now)
        session.add(supply)
    for field in ("supplier_id", "unit_cost_minor", "lead_days", "safety_days", "review_days", "pack_size", "moq"):
        setattr(supply, field, getattr(spec, field))
    supply.updated_at = now
    session.flush()
    events.record(session, now, "sku.supply_set", f"sku:{sku_id}", sku.store_id, supplier_id=supplier.id,
                  unit_cost_minor=spec.unit_cost_minor)
    return supply


def get_supply(session: Session, actor: Principal, sku_id: int) -> SkuSupply:
    sku = catalog.sku_by_id(session, sku_id)
    require_store_manager(actor, sku.store_id)
    supply = session.get(SkuSupply, sku_id)
    if supply is None:
        raise NotFound(f"SKU {sku_id} has no supplier")
    return supply


def supplies_of(session: Session, store_id: int) -> dict[int, tuple[SkuSupply, Supplier]]:
    """Each linked SKU of a store → its supply and supplier, in one statement (for the suggestion read)."""
    rows = session.execute(select(SkuSupply, Supplier).join(Supplier, Supplier.id == SkuSupply.supplier_id)
                           .where(SkuSupply.store_id == store_id))
    return {supply.sku_id: (supply, supplier) for supply, supplier in rows}


def in_transit(session: Session, store_id: int) -> dict[int, int]:
    """SKU → units on placed purchase orders not received yet (closing or cancelling an order drops its rest)."""
    rows = session.execute(select(PurchaseLine.sku_id, func.sum(PurchaseLine.quantity - PurchaseLine.received))
                           .join(PurchaseOrder, PurchaseOrder.id == PurchaseLine.order_id)
                           .where(PurchaseOrder.store_id == store_id,
                                  PurchaseOrder.status.in_([s.value for s in moves.IN_TRANSIT]))
                           .group_by(PurchaseLine.sku_id))
    return {int(sku_id): int(open_units) for sku_id, open_units in rows if open_units}


# --- purchase orders --------------------------------------------------------------------------------

def draft_order(session: Session, now: datetime, actor: Principal, store_id: int, supplier_id: int, warehouse_id: int,
                lines: Sequence[LineSpec], note: str = "") -> PurchaseOrder:
    """A draft purchase order to one supplier, arriving in one of the store's warehouses."""
    require_store_manager(actor, store_id)
    catalog.get_store(session, actor, store_id)
    supplier = get_supplier(session, actor, supplier_id)
    if supplier.store_id != store_id:
        raise NotFound(f"supplier {supplier_id} does not exist")
    if not supplier.active:
        raise Conflict(f"supplier {supplier.id} is inactive")
    if warehouse_id not in {w.id for w in inventory.list_warehouses(session, store_id)}:
        raise NotFound(f"warehouse {warehouse_id} does not exist")
    if not lines:
        raise InvalidInput("a purchase order needs at least one line", field="lines")
    sku_ids = [line.sku_id for line in lines]
    if len(set(sku_ids)) != len(sku_ids):
        raise InvalidInput("a purchase order names each SKU once", field="lines")
    missing = sorted(set(sku_ids) - catalog.existing_ids(session, "sku", set(sku_ids), store_id))
    if missing:
        raise NotFound(f"SKU {missing[0]} is not sold by store {store_id}")
    catalog.lock_store(session, store_id)  # numbers are per store and in sequence
    count = session.scalar(select(func.count()).select_from(PurchaseOrder).where(PurchaseOrder.store_id == store_id))
    order = PurchaseOrder(store_id=store_id, supplier_id=supplier.id, number=f"PO-{store_id}-{(count or 0) + 1:05d}",
                          status=OrderStatus.DRAFT.value, currency=supplier.currency, warehouse_id=warehouse_id,
                          note=note, created_at=now)
    for line in lines:
        cost = line.unit_cost_minor
        if cost is None:
            supply = session.get(SkuSupply, line.sku_id)
            if supply is None or supply.supplier_id != supplier.id:
                raise InvalidInput(f"SKU {line.sku_id} has no cost from supplier {supplier.id}; give unit_cost",
                                   field="lines")
            cost = supply.unit_cost_minor
        order.lines.append(PurchaseLine(store_id=store_id, sku_id=line.sku_id, quantity=line.quantity,
                                        unit_cost_minor=cost))
    session.add(order)
    session.flush()
    events.record(session, now, "purchase_order.drafted", subject(order), store_id, number=order.number,
                  supplier_id=supplier.id, lines=len(lines), amount_minor=order_amount(order))
    return order


def subject(order: PurchaseOrder) -> str:
    return f"purchase_order:{order.id}"


def order_amount(order: PurchaseOrder) -> int:
    return sum(line.quantity * line.unit_cost_minor for line in order.lines)


def get_order(session: Session, actor: Principal, order_id: int, for_update: bool = False) -> PurchaseOrder:
    require_role(actor, Role.OPERATOR, Role.STAFF)
    query = scoped(select(PurchaseOrder).where(PurchaseOrder.id == order_id), actor, PurchaseOrder.store_id)
    order = session.scalar(query.with_for_update() if for_update else query)
    if order is None:
        raise NotFound(f"purchase order {order_id} does not exist")
    return order


def list_orders(session: Session, actor: Principal, store_id: int, status: str | None, limit: int,
                before_id: int | None) -> list[PurchaseOrder]:
    require_store_manager(actor, store_id)
    query = select(PurchaseOrder).where(PurchaseOrder.store_id == store_id)
    if status is not None:
        query = query.where(PurchaseOrder.status == status)
    return list(session.scalars(newest_first(query, PurchaseOrder.id, limit, before_id)))


def place(session: Session, now: datetime, actor: Principal, order_id: int) -> PurchaseOrder:
    """Send the order to its supplier: its lines are in transit from now, expected after the supplier's lead days.
    A supplier paid in advance gets its payment request for the whole order now."""
    order = get_order(session, actor, order_id, for_update=True)
    order.status = moves.next_status(order.status, "place", order.number).value
    supplier = session.get(Supplier, order.supplier_id)
    assert supplier is not None
    order.placed_at, order.expected_at = now, now + timedelta(days=supplier.lead_days)
    events.record(session, now, "purchase_order.placed", subject(order), order.store_id, number=order.number,
                  expected_at=order.expected_at.isoformat(), amount_minor=order_amount(order))
    if supplier.prepay:
        _request_payment(session, now, order, None, order_amount(order), "prepayment")
    return order


def receive(session: Session, now: datetime, actor: Principal, order_id: int, received: dict[int, int],
            warehouse_id: int | None = None) -> PurchaseReceipt:
    """A delivery against the order's lines (line id → units), into its warehouse unless another is named: each
    line's units go on sale through inventory (a `receive` movement each); more than a line has open is refused."""
    order = get_order(session, actor, order_id, for_update=True)
    moves.next_status(order.status, "receive", order.number)
    if not received or any(q <= 0 for q in received.values()):
        raise InvalidInput("name each received line with a positive quantity", field="lines")
    by_id = {line.id: line for line in order.lines}
    moves.check_receipt({i: line.quantity - line.received for i, line in by_id.items()}, received, order.number)
    into = order.warehouse_id if warehouse_id is None else warehouse_id
    for line_id, quantity in sorted(received.items()):
        line = by_id[line_id]
        # the guard holds even against a concurrent delivery the lock did not see (SQLite has no FOR UPDATE)
        changed = session.execute(update(PurchaseLine).where(PurchaseLine.id == line_id,
                                                             PurchaseLine.received + quantity <= PurchaseLine.quantity)
                                  .values(received=PurchaseLine.received + quantity)
                                  .execution_options(synchronize_session=False))
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            raise moves.OverReceipt(f"line {line_id} of purchase order {order.number} has less open than {quantity}")
        inventory.receive(session, now, actor, line.sku_id, into, quantity, f"{order.number} line {line_id}")
    for line in order.lines:
        session.refresh(line)
    amount = sum(by_id[i].unit_cost_minor * q for i, q in received.items())
    receipt = PurchaseReceipt(order_id=order.id, store_id=order.store_id, warehouse_id=into, received_at=now,
                              lines={str(i): q for i, q in sorted(received.items())}, amount_minor=amount)
    session.add(receipt)
    session.flush()
    order.status = moves.after_receipt(sum(line.quantity - line.received for line in order.lines)).value
    events.record(session, now, "purchase_order.received", subject(order), order.store_id, number=order.number,
                  receipt_id=receipt.id, warehouse_id=into, units=sum(received.values()), amount_minor=amount,
                  status=order.status)
    supplier = session.get(Supplier, order.supplier_id)
    if supplier is not None and not supplier.prepay:
        _request_payment(session, now, order, receipt.id, amount, f"receipt {receipt.id}")
    return receipt


def close(session: Session, now: datetime, actor: Principal, order_id: int) -> PurchaseOrder:
    """Done with the order: what never came stops counting as in transit."""
    order = get_order(session, actor, order_id, for_update=True)
    order.status = moves.next_status(order.status, "close", order.number).value
    order.closed_at = now
    events.record(session, now, "purchase_order.closed", subject(order), order.store_id, number=order.number,
                  never_received=sum(line.quantity - line.received for line in order.lines))
    return order


def cancel(session: Session, now: datetime, actor: Principal, order_id: int) -> PurchaseOrder:
    order = get_order(session, actor, order_id, for_update=True)
    order.status = moves.next_status(order.status, "cancel", order.number).value
    order.closed_at = now
    events.record(session, now, "purchase_order.cancelled", subject(order), order.store_id, number=order.number)
    return order


def receipts_of(session: Session, order_id: int) -> list[PurchaseReceipt]:
    return list(session.scalars(select(PurchaseReceipt).where(PurchaseReceipt.order_id == order_id)
                                .order_by(PurchaseReceipt.id)))


# --- supplier payment requests ----------------------------------------------------------------------

def _request_payment(session: Session, now: datetime, order: PurchaseOrder, receipt_id: int | None, amount: int,
                     note: str) -> SupplierPaymentRequest:
    request = SupplierPaymentRequest(store_id=order.store_id, supplier_id=order.supplier_id, order_id=order.id,
                                     receipt_id=receipt_id, amount_minor=amount, currency=order.currency,
                                     status=PaymentStatus.PENDING_APPROVAL.value, created_at=now, note=note)
    session.add(request)
    session.flush()
    events.record(session, now, "supplier_payment.requested", subject(order), order.store_id,
                  request_id=request.id, amount_minor=amount, currency=order.currency)
    return request


def list_payment_requests(session: Session, actor: Principal, store_id: int, status: str | None, limit: int,
                          before_id: int | None) -> list[SupplierPaymentRequest]:
    require_store_manager(actor, store_id)
    query = select(SupplierPaymentRequest).where(SupplierPaymentRequest.store_id == store_id)
    if status is not None:
        query = query.where(SupplierPaymentRequest.status == status)
    return list(session.scalars(newest_first(query, SupplierPaymentRequest.id, limit, before_id)))


def payment_requests_of(session: Session, order_id: int) -> list[SupplierPaymentRequest]:
    return list(session.scalars(select(SupplierPaymentRequest).where(SupplierPaymentRequest.order_id == order_id)
                                .order_by(SupplierPaymentRequest.id)))


def decide_payment(session: Session, now: datetime, actor: Principal, request_id: int, approve: bool,
                   note: str = "") -> SupplierPaymentRequest:
    """The store's manager approves or rejects a supplier payment request. Approving moves no money yet: paying is
    the back office's (RULES.md §2.1's chain)."""
    require_role(actor, Role.OPERATOR, Role.STAFF)
    request = session.scalar(scoped(select(SupplierPaymentRequest).where(SupplierPaymentRequest.id == request_id),
                                    actor, SupplierPaymentRequest.store_id).with_for_update())
    if request is None:
        raise NotFound(f"supplier payment request {request_id} does not exist")
    action: moves.PaymentAction = "approve" if approve else "reject"
    request.status = moves.next_payment_status(request.status, action, request.id).value
    request.decided_at = now
    if note:
        request.note = note
    events.record(session, now, f"supplier_payment.{request.status}", f"purchase_order:{request.order_id}",
                  request.store_id, request_id=request.id, amount_minor=request.amount_minor, currency=request.currency)
    return request
