"""Scans on the floor (RULES.md §5.2): goods in (入库), weight check (核重), packing (装箱), outbound verification
(出库核验), picking time; and returns received into an overseas warehouse, which count as imports (§5.3).

Every scan is one row of `warehouse_scans`, the refused ones too: a blocked item scan is recorded and committed, and
the route then answers 409 (`scan-blocked`), so the log shows what the packer tried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal
from shopkeeper.catalog import service as catalog
from shopkeeper.errors import InvalidInput, NotAllowedInState, NotFound
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import service as orders
from shopkeeper.orders.rules import OrderStatus
from shopkeeper.warehouse import rules, shelves
from shopkeeper.warehouse.models import WarehouseScan
from shopkeeper.warehouse.rules import ItemKind, ScanKind
from shopkeeper.warehouse.service import assign_shelf, get_warehouse, home_country, record_scan, sku_of_code

if TYPE_CHECKING:
    from shopkeeper.inventory.models import Warehouse
    from shopkeeper.orders.models import Order


@dataclass(frozen=True)
class Receipt:
    scan: WarehouseScan
    level: inventory.Level


def receive(session: Session, now: datetime, actor: Principal, warehouse_id: int, code: str, quantity: int,
            shelf: str | None = None, is_return: bool = False, note: str = "") -> Receipt:
    """Goods in by scan: the SKU's code and the count, optionally the shelf it goes to (its home location). A return
    received into a warehouse outside the store's home country counts as an import (§5.3: re-import duty may apply):
    the scan is flagged with reason `return-counts-as-import` and an event `warehouse.return_imported` is recorded."""
    warehouse = get_warehouse(session, actor, warehouse_id)
    sku = sku_of_code(session, warehouse.store_id, code)
    if sku is None:
        raise InvalidInput(f"no SKU of this store has the code {code!r}", field="code")
    if quantity <= 0:
        raise InvalidInput("quantity received must be positive", field="quantity")
    if shelf is not None:
        shelves.shelf_code(warehouse.shelf_scheme, shelf, field="shelf")
    level = inventory.receive(session, now, actor, sku.id, warehouse.id, quantity,
                              note or ("scanned return" if is_return else "scanned in"))
    if shelf is not None:
        assign_shelf(session, now, actor, warehouse.id, sku.id, shelf)
    home = home_country(session, warehouse.store_id)
    imported = is_return and warehouse.country != home
    scan = record_scan(session, now, actor, warehouse, ScanKind.RECEIVE, "flagged" if imported else "ok", sku_id=sku.id,
                       quantity=quantity, code=code,
                       reason="return-counts-as-import" if imported else ("return" if is_return else ""),
                       is_return=is_return, counts_as_import=imported, shelf=shelf)
    if imported:
        events.record(session, now, "warehouse.return_imported", f"sku:{sku.id}", warehouse.store_id,
                      warehouse_id=warehouse.id, country=warehouse.country, home_country=home, quantity=quantity,
                      scan_id=scan.id)
    return Receipt(scan, level)


def _order_at(session: Session, actor: Principal, warehouse: Warehouse, order_id: int) -> Order:
    order = orders.get_order(session, actor, order_id, for_update=True)  # one scanner at a time per order: no over-count
    if order.store_id != warehouse.store_id:
        raise NotFound(f"order {order_id} does not exist")
    if order.status != OrderStatus.PAID.value:
        raise NotAllowedInState(f"order {order.id} is {order.status}: only paid orders are picked, packed and verified")
    if not any(line.warehouse_id == warehouse.id for line in order.lines):
        raise InvalidInput(f"order {order.id} has nothing to ship from warehouse {warehouse.code}", field="order_id")
    return order


def ordered_here(order: Order, warehouse_id: int) -> dict[int, int]:
    return rules.tally((line.sku_id, line.quantity) for line in order.lines if line.warehouse_id == warehouse_id)


def weigh(session: Session, now: datetime, actor: Principal, warehouse_id: int, order_id: int,
          measured_grams: int) -> tuple[WarehouseScan, rules.WeightCheck]:
    """The parcel on the scale against what its goods weigh (§5.2 核重); outside the tolerance it is flagged."""
    warehouse = get_warehouse(session, actor, warehouse_id)
    order = _order_at(session, actor, warehouse, order_id)
    if measured_grams <= 0:
        raise InvalidInput("measured_grams must be positive", field="measured_grams")
    ordered = ordered_here(order, warehouse.id)
    expected = rules.expected_grams((catalog.sku_by_id(session, sku_id).weight_grams, q) for sku_id, q in ordered.items())
    check = rules.check_weight(expected, measured_grams)
    scan = record_scan(session, now, actor, warehouse, ScanKind.WEIGH, "ok" if check.within else "flagged",
                       order_id=order.id, quantity=measured_grams, reason="" if check.within else "weight-off",
                       expected_grams=check.expected_grams, measured_grams=measured_grams,
                       difference_grams=check.difference_grams, tolerance_grams=check.tolerance_grams)
    return scan, check


def scanned_items(session: Session, warehouse_id: int, order_id: int, kind: ItemKind) -> dict[int, int]:
    rows = session.execute(select(WarehouseScan.sku_id, WarehouseScan.quantity).where(
        WarehouseScan.warehouse_id == warehouse_id, WarehouseScan.order_id == order_id, WarehouseScan.kind == kind,
        WarehouseScan.result == "ok", WarehouseScan.sku_id.is_not(None)))
    return rules.tally((sku_id, quantity) for sku_id, quantity in rows if sku_id is not None)


@dataclass(frozen=True)
class ItemScan:
    scan: WarehouseScan
    still_to_scan: dict[int, int]


def scan_item(session: Session, now: datetime, actor: Principal, warehouse_id: int, order_id: int, kind: ItemKind,
              code: str, quantity: int = 1) -> ItemScan:
    """One item scanned into the box (pack) or at the door (outbound_verify). An item not on the order, or beyond
    what it ordered, is recorded as blocked and not counted; the caller turns that into a 409."""
    warehouse = get_warehouse(session, actor, warehouse_id)
    order = _order_at(session, actor, warehouse, order_id)
    if quantity <= 0:
        raise InvalidInput("quantity scanned must be positive", field="quantity")
    ordered = ordered_here(order, warehouse.id)
    scanned = scanned_items(session, warehouse.id, order.id, kind)
    sku = sku_of_code(session, warehouse.store_id, code)
    why = "unknown-code" if sku is None else rules.judge_item(ordered, scanned, sku.id, quantity)
    scan = record_scan(session, now, actor, warehouse, ScanKind(kind), "blocked" if why else "ok",
                       sku_id=sku.id if sku else None, order_id=order.id, quantity=quantity, code=code, reason=why or "",
                       ordered=ordered.get(sku.id, 0) if sku else 0, scanned_before=scanned.get(sku.id, 0) if sku else 0)
    if why is None and sku is not None:
        scanned[sku.id] = scanned.get(sku.id, 0) + quantity
    else:
        events.record(session, now, "warehouse.scan_blocked", orders.subject(order), order.store_id, scan_id=scan.id,
                      kind=kind, code=code, reason=why)
    return ItemScan(scan, rules.still_to_scan(ordered, scanned))


def verify(session: Session, now: datetime, actor: Principal, warehouse_id: int, order_id: int) -> WarehouseScan:
    """Outbound verification done (出库核验): refused until the items scanned at the door equal the order's lines
    here; then recorded as a scan with reason `order-verified` and an event, once (asked again, the same scan)."""
    warehouse = get_warehouse(session, actor, warehouse_id)
    order = _order_at(session, actor, warehouse, order_id)
    done = verified_scan(session, warehouse.id, order.id)
    if done is not None:
        return done
    ordered = ordered_here(order, warehouse.id)
    scanned = scanned_items(session, warehouse.id, order.id, "outbound_verify")
    if not rules.is_complete(ordered, scanned):
        missing = rules.still_to_scan(ordered, scanned)
        raise rules.NotVerified(f"order {order.id} still misses {sum(missing.values())} item(s) at the door",
                                missing={str(k): v for k, v in missing.items()})
    scan = record_scan(session, now, actor, warehouse, ScanKind.OUTBOUND_VERIFY, order_id=order.id,
                       quantity=sum(ordered.values()), reason="order-verified", verified=True)
    events.record(session, now, "order.outbound_verified", orders.subject(order), order.store_id,
                  warehouse_id=warehouse.id, units=sum(ordered.values()), scan_id=scan.id)
    return scan


def verified_scan(session: Session, warehouse_id: int, order_id: int) -> WarehouseScan | None:
    return session.scalar(select(WarehouseScan).where(
        WarehouseScan.warehouse_id == warehouse_id, WarehouseScan.order_id == order_id,
        WarehouseScan.kind == ScanKind.OUTBOUND_VERIFY.value, WarehouseScan.reason == "order-verified").limit(1))


def pick_scan(session: Session, now: datetime, actor: Principal, warehouse_id: int, order_id: int,
              kind: ScanKind) -> WarehouseScan:
    """The picker starts or ends an order's pick; the minutes between are reported against §5.2's ten-minute guide."""
    if kind not in (ScanKind.PICK_START, ScanKind.PICK_END):
        raise InvalidInput("a pick scan is pick_start or pick_end", field="kind")
    warehouse = get_warehouse(session, actor, warehouse_id)
    order = _order_at(session, actor, warehouse, order_id)
    return record_scan(session, now, actor, warehouse, kind, order_id=order.id)


def pick_times(session: Session, actor: Principal, warehouse_id: int, since: datetime | None = None) -> list[rules.PickTime]:
    """Minutes per picked order, oldest first (a guide, never enforced)."""
    warehouse = get_warehouse(session, actor, warehouse_id)
    query = select(WarehouseScan.order_id, WarehouseScan.kind, WarehouseScan.at).where(
        WarehouseScan.warehouse_id == warehouse.id, WarehouseScan.order_id.is_not(None),
        WarehouseScan.kind.in_([ScanKind.PICK_START.value, ScanKind.PICK_END.value]))
    if since is not None:
        query = query.where(WarehouseScan.at >= since)
    return rules.pick_times([(o, k, at) for o, k, at in session.execute(query) if o is not None])
