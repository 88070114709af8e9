"""Transfers between two warehouses of one store (货品调拨, RULES.md §5.2 "transfer"; §3.3's review period).

Created, then shipped (the units leave the source's available stock, `transfer_out`), then received at the
destination (`transfer_in`, what arrived; a short receipt is recorded with what is missing). Between ship and receive
the units are in transit: on neither warehouse's shelf, visible on the transfer and in `in_transit`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.db import matching, newest_first
from shopkeeper.errors import InvalidInput, NotAllowedInState, NotFound
from shopkeeper.inventory import service as inventory
from shopkeeper.scope import require_role, scoped
from shopkeeper.warehouse.models import Transfer, TransferLine
from shopkeeper.warehouse.rules import ScanKind, ScanResult
from shopkeeper.warehouse.service import get_warehouse, record_scan

MAX_LINES = 500


def create(session: Session, now: datetime, actor: Principal, from_warehouse_id: int, to_warehouse_id: int,
           lines: Sequence[tuple[int, int]], note: str = "") -> Transfer:
    """A transfer of (SKU, quantity) lines from one warehouse to another of the same store."""
    source = get_warehouse(session, actor, from_warehouse_id)
    destination = get_warehouse(session, actor, to_warehouse_id)
    if source.id == destination.id:
        raise InvalidInput("a transfer goes to another warehouse", field="to_warehouse_id")
    if source.store_id != destination.store_id:
        raise NotFound(f"warehouse {to_warehouse_id} does not exist")
    if not lines or len(lines) > MAX_LINES:
        raise InvalidInput(f"a transfer has 1 to {MAX_LINES} lines", field="lines")
    sku_ids = [sku_id for sku_id, _ in lines]
    if len(set(sku_ids)) != len(sku_ids):
        raise InvalidInput("each SKU appears once on a transfer", field="lines")
    if any(quantity <= 0 for _, quantity in lines):
        raise InvalidInput("quantities are positive", field="lines")
    skus, _ = catalog.skus_with_products(session, sku_ids)
    if any(sku_id not in skus or skus[sku_id].store_id != source.store_id for sku_id in sku_ids):
        raise NotFound("a SKU of the transfer does not exist")
    transfer = Transfer(store_id=source.store_id, from_warehouse_id=source.id, to_warehouse_id=destination.id,
                        status="created", note=note, created_at=now)
    session.add(transfer)
    session.flush()
    session.add_all(TransferLine(transfer_id=transfer.id, sku_id=s, quantity=q, received=0) for s, q in lines)
    session.flush()
    events.record(session, now, "transfer.created", f"transfer:{transfer.id}", transfer.store_id,
                  from_warehouse_id=source.id, to_warehouse_id=destination.id, lines=[[s, q] for s, q in lines])
    return transfer


def get(session: Session, actor: Principal, transfer_id: int, for_update: bool = False) -> Transfer:
    require_role(actor, Role.OPERATOR, Role.STAFF)
    query = scoped(select(Transfer).where(Transfer.id == transfer_id), actor, Transfer.store_id)
    transfer = session.scalar(query.with_for_update() if for_update else query)
    if transfer is None:
        raise NotFound(f"transfer {transfer_id} does not exist")
    return transfer


def lines_of(session: Session, transfer_id: int) -> list[TransferLine]:
    return list(session.scalars(select(TransferLine).where(TransferLine.transfer_id == transfer_id).order_by(TransferLine.id)))


def list_transfers(session: Session, actor: Principal, store_id: int | None, status: str | None, limit: int,
                   before_id: int | None) -> list[Transfer]:
    require_role(actor, Role.OPERATOR, Role.STAFF)
    query = scoped(select(Transfer), actor, Transfer.store_id)
    query = matching(query, (Transfer.store_id, store_id), (Transfer.status, status))
    return list(session.scalars(newest_first(query, Transfer.id, limit, before_id)))


def ship(session: Session, now: datetime, actor: Principal, transfer_id: int) -> Transfer:
    """The goods leave the source: its available stock drops by every line, or nothing moves (out of stock, 409)."""
    transfer = get(session, actor, transfer_id, for_update=True)
    if transfer.status != "created":
        raise NotAllowedInState(f"transfer {transfer.id} is {transfer.status}: only a created one ships")
    source = get_warehouse(session, actor, transfer.from_warehouse_id)
    for line in lines_of(session, transfer.id):
        inventory.transfer_out(session, now, transfer.store_id, line.sku_id, source.id, line.quantity,
                               f"transfer {transfer.id}")
        record_scan(session, now, actor, source, ScanKind.TRANSFER_OUT, sku_id=line.sku_id, quantity=line.quantity,
                    transfer_id=transfer.id)
    transfer.status, transfer.shipped_at = "in_transit", now
    events.record(session, now, "transfer.shipped", f"transfer:{transfer.id}", transfer.store_id,
                  from_warehouse_id=source.id, to_warehouse_id=transfer.to_warehouse_id)
    return transfer


def receive(session: Session, now: datetime, actor: Principal, transfer_id: int,
            received: Mapping[int, int] | None = None) -> Transfer:
    """The goods arrive: `received` per SKU (all of every line when None). Fewer than shipped is a short receipt,
    recorded on the line and in the event; more than shipped is refused."""
    transfer = get(session, actor, transfer_id, for_update=True)
    if transfer.status != "in_transit":
        raise NotAllowedInState(f"transfer {transfer.id} is {transfer.status}: only one in transit is received")
    destination = get_warehouse(session, actor, transfer.to_warehouse_id)
    lines = lines_of(session, transfer.id)
    counts = dict(received) if received is not None else {line.sku_id: line.quantity for line in lines}
    by_sku = {line.sku_id: line for line in lines}
    if set(counts) - set(by_sku):
        raise InvalidInput("a received SKU is not on the transfer", field="lines")
    if any(q < 0 or q > by_sku[s].quantity for s, q in counts.items()):
        raise InvalidInput("received quantities are between 0 and what was shipped", field="lines")
    short: list[list[int]] = []
    for line in lines:
        line.received = counts.get(line.sku_id, 0)
        if line.received:
            inventory.transfer_in(session, now, transfer.store_id, line.sku_id, destination.id, line.received,
                                  f"transfer {transfer.id}")
        result: ScanResult = "ok" if line.received == line.quantity else "flagged"
        record_scan(session, now, actor, destination, ScanKind.TRANSFER_IN, result, sku_id=line.sku_id,
                    quantity=line.received, reason="" if result == "ok" else "short-receipt", transfer_id=transfer.id,
                    shipped=line.quantity)
        if line.received < line.quantity:
            short.append([line.sku_id, line.quantity - line.received])
    transfer.status, transfer.received_at = "received", now
    events.record(session, now, "transfer.received", f"transfer:{transfer.id}", transfer.store_id,
                  to_warehouse_id=destination.id, short=short)
    return transfer


def in_transit(session: Session, actor: Principal, store_id: int) -> dict[int, int]:
    """Units per SKU shipped and not yet received, over the store's transfers."""
    require_role(actor, Role.OPERATOR, Role.STAFF)
    query = scoped(select(TransferLine.sku_id, func.sum(TransferLine.quantity)).join(
        Transfer, Transfer.id == TransferLine.transfer_id), actor, Transfer.store_id).where(
        Transfer.store_id == store_id, Transfer.status == "in_transit").group_by(TransferLine.sku_id)
    return {int(sku_id): int(total) for sku_id, total in session.execute(query)}
