"""Warehouse use cases shared by the floor's work: whose warehouse it is, shelf locations (库位), the scan log, the
store's home country and its stock by country (RULES.md §1.1, §5.2, §5.3).

Staff of the store and the operator only: a buyer is refused (403), another store's warehouse is a 404. Stock moves
only through `inventory.service`; this package records the work that moved it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.countries import is_country_code
from shopkeeper.db import matching, newest_first
from shopkeeper.errors import InvalidInput, NotFound
from shopkeeper.inventory import service as inventory
from shopkeeper.scope import require_role, require_store_manager, scoped
from shopkeeper.warehouse import shelves
from shopkeeper.warehouse.models import ShelfSlot, WarehouseScan, WarehouseSettings
from shopkeeper.warehouse.rules import ScanKind, ScanResult

if TYPE_CHECKING:
    from shopkeeper.catalog.models import Sku
    from shopkeeper.inventory.models import Warehouse

DEFAULT_HOME_COUNTRY = "CN"  # the platforms of RULES.md are Chinese: goods leave China unless the store says otherwise


def get_warehouse(session: Session, actor: Principal, warehouse_id: int) -> Warehouse:
    """The warehouse, if the caller manages its store (another store's answers like a missing one)."""
    require_role(actor, Role.OPERATOR, Role.STAFF)
    warehouse = inventory.warehouse_by_id(session, warehouse_id)
    require_store_manager(actor, warehouse.store_id)
    return warehouse


def sku_of_code(session: Session, store_id: int, code: str) -> Sku | None:
    return catalog.skus_by_code(session, store_id, {code.strip()}).get(code.strip())


def record_scan(session: Session, now: datetime, actor: Principal, warehouse: Warehouse, kind: ScanKind,
                result: ScanResult = "ok", *, sku_id: int | None = None, order_id: int | None = None, quantity: int = 0,
                code: str = "", reason: str = "", **facts: Any) -> WarehouseScan:
    scan = WarehouseScan(store_id=warehouse.store_id, warehouse_id=warehouse.id, kind=kind.value, key_id=actor.key_id,
                         at=now, sku_id=sku_id, order_id=order_id, quantity=quantity, code=code[:64], result=result,
                         reason=reason, facts=facts)
    session.add(scan)
    session.flush()
    return scan


def scan_log(session: Session, actor: Principal, warehouse_id: int | None, store_id: int | None, kind: str | None,
             result: str | None, limit: int, before_id: int | None) -> list[WarehouseScan]:
    """Scans newest first, narrowed to what the caller may see, by warehouse or store, kind and result."""
    require_role(actor, Role.OPERATOR, Role.STAFF)
    query = scoped(select(WarehouseScan), actor, WarehouseScan.store_id)
    query = matching(query, (WarehouseScan.warehouse_id, warehouse_id),
                     (WarehouseScan.store_id, store_id),
                     (WarehouseScan.kind, kind),
                     (WarehouseScan.result, result))
    return list(session.scalars(newest_first(query, WarehouseScan.id, limit, before_id)))


def scans_of_order(session: Session, actor: Principal, order_id: int) -> list[WarehouseScan]:
    """One order's scans on the floor, oldest first, as the order page tells its story; the refused ones too."""
    require_role(actor, Role.OPERATOR, Role.STAFF)
    query = scoped(select(WarehouseScan), actor, WarehouseScan.store_id).where(WarehouseScan.order_id == order_id)
    return list(session.scalars(query.order_by(WarehouseScan.at, WarehouseScan.id)))


# --- shelf locations (库位, §1.1) --------------------------------------------------------------------

def set_shelf_scheme(session: Session, now: datetime, actor: Principal, warehouse_id: int, scheme: str) -> Warehouse:
    """One numbering rule per warehouse (§1.1). Changing it is refused while slots are numbered by the old one."""
    warehouse = get_warehouse(session, actor, warehouse_id)
    scheme = shelves.check_scheme(scheme)
    numbered = session.scalars(select(ShelfSlot.code).where(ShelfSlot.warehouse_id == warehouse.id)).all()
    if any(not shelves.fits(scheme, code) for code in numbered):
        raise InvalidInput(f"shelf slots of this warehouse are numbered otherwise; move them before changing to {scheme}",
                           field="scheme")
    return inventory.set_shelf_scheme(session, now, warehouse, scheme)


def assign_shelf(session: Session, now: datetime, actor: Principal, warehouse_id: int, sku_id: int,
                 code: str) -> ShelfSlot:
    """Give a SKU its home location in the warehouse (one per SKU and warehouse; a new code moves it)."""
    warehouse = get_warehouse(session, actor, warehouse_id)
    sku = catalog.sku_by_id(session, sku_id)
    if sku.store_id != warehouse.store_id:
        raise NotFound(f"SKU {sku_id} does not exist")
    code = shelves.shelf_code(warehouse.shelf_scheme, code)
    slot = session.scalar(select(ShelfSlot).where(ShelfSlot.warehouse_id == warehouse.id, ShelfSlot.sku_id == sku_id))
    before = slot.code if slot else None
    if slot is None:
        slot = ShelfSlot(store_id=warehouse.store_id, warehouse_id=warehouse.id, sku_id=sku_id, code=code, updated_at=now)
        session.add(slot)
    slot.code, slot.updated_at = code, now
    session.flush()
    events.record(session, now, "shelf.assigned", f"sku:{sku_id}", warehouse.store_id, warehouse_id=warehouse.id,
                  code=code, before=before)
    return slot


def list_shelves(session: Session, actor: Principal, warehouse_id: int) -> list[ShelfSlot]:
    warehouse = get_warehouse(session, actor, warehouse_id)
    return list(session.scalars(select(ShelfSlot).where(ShelfSlot.warehouse_id == warehouse.id)
                                .order_by(ShelfSlot.code, ShelfSlot.sku_id)))


def shelf_of(session: Session, warehouse_id: int, sku_ids: Sequence[int]) -> dict[int, str]:
    """Each SKU's shelf code in the warehouse (SKUs without one are absent): pick lists sort by it."""
    rows = session.execute(select(ShelfSlot.sku_id, ShelfSlot.code)
                           .where(ShelfSlot.warehouse_id == warehouse_id, ShelfSlot.sku_id.in_(list(sku_ids))))
    return {sku_id: code for sku_id, code in rows}


# --- the store's home country and its stock by country (§5.3) ---------------------------------------

def home_country(session: Session, store_id: int) -> str:
    row = session.get(WarehouseSettings, store_id)
    return row.home_country if row else DEFAULT_HOME_COUNTRY


def set_home_country(session: Session, now: datetime, actor: Principal, store_id: int, country: str) -> str:
    """Where the store's goods leave from: a warehouse in any other country is overseas (海外仓)."""
    require_store_manager(actor, store_id)
    catalog.get_store(session, actor, store_id)
    country = country.strip().upper()
    if not is_country_code(country):
        raise InvalidInput("home_country is a two-letter country code", field="home_country")
    row = session.get(WarehouseSettings, store_id)
    if row is None:
        row = WarehouseSettings(store_id=store_id, home_country=country, updated_at=now)
        session.add(row)
    row.home_country, row.updated_at = country, now
    events.record(session, now, "warehouse_settings.changed", f"store:{store_id}", store_id, home_country=country)
    return country


@dataclass(frozen=True)
class CountryStock:
    country: str
    overseas: bool
    warehouses: list[dict[str, Any]]
    available: int
    reserved: int


def stock_by_country(session: Session, actor: Principal, store_id: int) -> tuple[str, list[CountryStock]]:
    """The store's stock per warehouse, grouped by the warehouses' countries; overseas ones marked (§5.3)."""
    require_store_manager(actor, store_id)
    catalog.get_store(session, actor, store_id)
    home = home_country(session, store_id)
    per_warehouse: dict[int, dict[str, Any]] = {}
    for w in inventory.list_warehouses(session, store_id):
        per_warehouse[w.id] = {"warehouse_id": w.id, "code": w.code, "name": w.name, "country": w.country,
                               "available": 0, "reserved": 0, "skus": 0}
    for w, level in inventory.store_levels(session, store_id):
        entry = per_warehouse[w.id]
        entry["available"] += level.available
        entry["reserved"] += level.reserved
        entry["skus"] += 1 if level.on_hand else 0
    countries: dict[str, list[dict[str, Any]]] = {}
    for entry in per_warehouse.values():
        countries.setdefault(entry["country"], []).append(entry)
    return home, [CountryStock(c, c != home, ws, sum(w["available"] for w in ws), sum(w["reserved"] for w in ws))
                  for c, ws in sorted(countries.items(), key=lambda item: (item[0] != home, item[0]))]
