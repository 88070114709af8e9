"""Fulfilment on the order page (履约, RULES.md §5.1, §5.2): what the back office did with the order, in one place.

The allocation (rule, parcels with warehouse, channel and items, or why it waits), the labels booked for it (voided
ones too, with how often each was printed), the carrier's tracking scans in the carrier's time order, the scans on the
warehouse floor (blocked ones stand out), the outbound verification, picking minutes against §5.2's ten-minute guide,
and where its units are reserved or were shipped from, read from the stock movements.

Every read goes through the services the API uses, with the page's principal, so the section shows what
`GET /orders/{id}/allocation`, `GET /orders/{id}/tracking` and the scan log would answer. An order nothing was done
with yet shows a short "nothing yet" per part rather than hiding the section: the page says where the order stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from shopkeeper.auth import Principal
from shopkeeper.console import allocation_text
from shopkeeper.fulfillment import allocation_service, label_service, tracking_service
from shopkeeper.inventory import service as inventory
from shopkeeper.languages import Lang
from shopkeeper.warehouse import rules as floor
from shopkeeper.warehouse import service as warehouse

if TYPE_CHECKING:
    from shopkeeper.fulfillment.models import OrderAllocation, ShippingLabel, TrackingEventRow
    from shopkeeper.orders.models import Order
    from shopkeeper.warehouse.models import WarehouseScan


@dataclass(frozen=True)
class FloorScan:
    """A warehouse scan with its warehouse's code, as the page lists it."""

    scan: WarehouseScan
    warehouse: str


@dataclass(frozen=True)
class Units:
    """Units of one SKU held for the order in one warehouse (`reserved`), or that left from it (`shipped`)."""

    sku: str
    warehouse: str
    units: int
    state: str


@dataclass(frozen=True)
class Fulfilment:
    allocation: OrderAllocation | None
    allocation_said: str | None
    parcels: list[dict[str, Any]]
    labels: list[ShippingLabel]
    printable: bool
    tracking: list[TrackingEventRow]
    scans: list[FloorScan]
    verification: str  # verified | started | none
    picks: list[floor.PickTime]
    picking: bool  # a pick started and not ended yet
    units: list[Units]
    guide_minutes: int = floor.PICK_GUIDE_MINUTES


def fulfilment_context(session: Session, who: Principal, order: Order, lang: Lang) -> dict[str, Any]:
    """What the order page's fulfilment section reads, in the page's open session."""
    _, allocation = allocation_service.order_allocation(session, who, order.id)
    _, labels, tracking = tracking_service.tracking_of(session, who, order.id)
    codes = {w.id: w.code for w in inventory.list_warehouses(session, order.store_id)}
    scans = [FloorScan(s, codes.get(s.warehouse_id, f"#{s.warehouse_id}"))
             for s in warehouse.scans_of_order(session, who, order.id)]
    said = allocation_text.outcome(lang, allocation.outcome) if allocation is not None else None
    return {"fulfilment": Fulfilment(
        allocation=allocation, allocation_said=said,
        parcels=list(allocation.outcome.get("parcels", [])) if allocation is not None else [],
        labels=labels,
        # RULES.md §5.1 打单配货: a label is booked and printed for an allocated order still waiting to ship
        printable=allocation is not None and allocation.status == "allocated" and label_service.waiting_to_ship(order),
        tracking=tracking, scans=scans, verification=_verification(scans),
        picks=_picks(scans), picking=_still_picking(scans), units=_units(session, order, codes))}


def _verification(scans: list[FloorScan]) -> str:
    """RULES.md §5.2 出库核验: done once the door's scans equal the order's lines; started when any was scanned."""
    at_door = [f.scan for f in scans if f.scan.kind == floor.ScanKind.OUTBOUND_VERIFY]
    if any(s.reason == "order-verified" for s in at_door):
        return "verified"
    return "started" if at_door else "none"


def _picks(scans: list[FloorScan]) -> list[floor.PickTime]:
    """RULES.md §5.2: minutes per pick, a guide of ten, never enforced."""
    return floor.pick_times([(s.scan.order_id, s.scan.kind, s.scan.at) for s in scans if s.scan.order_id is not None])


def _still_picking(scans: list[FloorScan]) -> bool:
    kinds = [s.scan.kind for s in scans if s.scan.kind in (floor.ScanKind.PICK_START, floor.ScanKind.PICK_END)]
    return bool(kinds) and kinds[-1] == floor.ScanKind.PICK_START


def _units(session: Session, order: Order, codes: dict[int, str]) -> list[Units]:
    """Where the order's units are: the stock movements say it, since booking may have moved them (§5.1)."""
    skus = {line.sku_id: line.sku_code for line in order.lines}
    found = [Units(skus.get(sku_id, f"#{sku_id}"), codes.get(warehouse_id, f"#{warehouse_id}"), units, state)
             for state, places in (("reserved", inventory.held_for(session, order.id)),
                                   ("shipped", inventory.shipped_from(session, order.id)))
             for (sku_id, warehouse_id), units in places.items()]
    return sorted(found, key=lambda u: (u.state != "reserved", u.sku, u.warehouse))
