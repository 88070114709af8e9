"""Stocktakes (盘点, RULES.md §5.2): system stock must equal what is on the shelves (账务相符) before a campaign (§3.9).

A stocktake covers a warehouse, or the shelves under some shelf-code prefixes. Counts come by scan (each adds) or in
bulk (each sets); every count keeps what the system held for the SKU when it was first counted, so later sales do not
show up as variance. Closing moves available stock by each variance through `inventory.adjust` (movements `adjust`)
and records `stocktake.closed` with the variances. A count below the units reserved for orders refuses the close
(`count-below-reserved`): reservations are never adjusted away; recount, or release the orders first. SKUs in scope
that nobody counted are listed and left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.db import matching, newest_first
from shopkeeper.errors import Conflict, InvalidInput, NotAllowedInState, NotFound
from shopkeeper.inventory import service as inventory
from shopkeeper.scope import require_role, scoped
from shopkeeper.warehouse import rules, shelves
from shopkeeper.warehouse.models import ShelfSlot, Stocktake, StocktakeCount
from shopkeeper.warehouse.rules import ScanKind
from shopkeeper.warehouse.service import get_warehouse, record_scan, sku_of_code

MAX_BULK = 20_000


def open_stocktake(session: Session, now: datetime, actor: Principal, warehouse_id: int,
                   shelf_prefixes: Sequence[str] = ()) -> Stocktake:
    """Start counting; one open stocktake per warehouse, so two teams never count the same shelf twice."""
    warehouse = get_warehouse(session, actor, warehouse_id)
    prefixes = sorted({shelves.shelf_prefix(warehouse.shelf_scheme, p) for p in shelf_prefixes})
    if session.scalar(select(Stocktake.id).where(Stocktake.warehouse_id == warehouse.id, Stocktake.status == "open")):
        raise Conflict(f"warehouse {warehouse.code} has a stocktake open already: close it first")
    take = Stocktake(store_id=warehouse.store_id, warehouse_id=warehouse.id, shelves=prefixes, status="open",
                     opened_at=now)
    session.add(take)
    session.flush()
    events.record(session, now, "stocktake.opened", f"stocktake:{take.id}", take.store_id, warehouse_id=warehouse.id,
                  shelves=prefixes)
    return take


def get_stocktake(session: Session, actor: Principal, stocktake_id: int, for_update: bool = False) -> Stocktake:
    require_role(actor, Role.OPERATOR, Role.STAFF)
    query = scoped(select(Stocktake).where(Stocktake.id == stocktake_id), actor, Stocktake.store_id)
    take = session.scalar(query.with_for_update() if for_update else query)
    if take is None:
        raise NotFound(f"stocktake {stocktake_id} does not exist")
    return take


def list_stocktakes(session: Session, actor: Principal, store_id: int | None, warehouse_id: int | None,
                    status: str | None, limit: int, before_id: int | None) -> list[Stocktake]:
    require_role(actor, Role.OPERATOR, Role.STAFF)
    query = scoped(select(Stocktake), actor, Stocktake.store_id)
    query = matching(query, (Stocktake.store_id, store_id),
                     (Stocktake.warehouse_id, warehouse_id),
                     (Stocktake.status, status))
    return list(session.scalars(newest_first(query, Stocktake.id, limit, before_id)))


def open_for(session: Session, actor: Principal, warehouse_id: int) -> Stocktake | None:
    warehouse = get_warehouse(session, actor, warehouse_id)
    return session.scalar(select(Stocktake).where(Stocktake.warehouse_id == warehouse.id, Stocktake.status == "open"))


def _open(session: Session, actor: Principal, stocktake_id: int) -> Stocktake:
    take = get_stocktake(session, actor, stocktake_id, for_update=True)
    if take.status != "open":
        raise NotAllowedInState(f"stocktake {take.id} is closed")
    return take


def in_scope(session: Session, take: Stocktake) -> set[int] | None:
    """The SKUs slotted on the stocktake's shelves; None when it counts the whole warehouse."""
    if not take.shelves:
        return None
    slots = session.execute(select(ShelfSlot.sku_id, ShelfSlot.code).where(ShelfSlot.warehouse_id == take.warehouse_id))
    return {sku_id for sku_id, code in slots if any(code.startswith(p) for p in take.shelves)}


def _set(session: Session, now: datetime, take: Stocktake, sku_id: int, counted: int, add: bool) -> StocktakeCount:
    row = session.scalar(select(StocktakeCount).where(StocktakeCount.stocktake_id == take.id,
                                                      StocktakeCount.sku_id == sku_id))
    if row is None or not add:
        level = inventory.warehouse_levels(session, take.warehouse_id, [sku_id]).get(sku_id)
        system = level.on_hand if level else 0
        if row is None:
            row = StocktakeCount(stocktake_id=take.id, sku_id=sku_id, counted=0, system=system, counted_at=now)
            session.add(row)
        row.system = system
    row.counted = row.counted + counted if add else counted
    row.counted_at = now
    session.flush()
    return row


def count_by_scan(session: Session, now: datetime, actor: Principal, stocktake_id: int, code: str,
                  quantity: int = 1) -> StocktakeCount:
    """One scan on the shelf adds `quantity` to the SKU's count."""
    take = _open(session, actor, stocktake_id)
    warehouse = get_warehouse(session, actor, take.warehouse_id)
    if quantity <= 0:
        raise InvalidInput("quantity counted must be positive", field="quantity")
    sku = sku_of_code(session, take.store_id, code)
    scope = in_scope(session, take)
    if sku is None or (scope is not None and sku.id not in scope):
        raise InvalidInput(f"{code!r} is no SKU on the shelves this stocktake counts", field="code")
    row = _set(session, now, take, sku.id, quantity, add=True)
    record_scan(session, now, actor, warehouse, ScanKind.STOCKTAKE, sku_id=sku.id, quantity=quantity, code=code,
                stocktake_id=take.id)
    return row


def count_in_bulk(session: Session, now: datetime, actor: Principal, stocktake_id: int,
                  counts: Sequence[tuple[str, int]]) -> list[StocktakeCount]:
    """Counts as a list of (SKU code, counted), each replacing the SKU's count. One unknown code, a negative count or
    a code twice refuses the whole list: nothing is half recorded."""
    take = _open(session, actor, stocktake_id)
    if len(counts) > MAX_BULK:
        raise InvalidInput(f"at most {MAX_BULK} counts at once", field="counts")
    codes = [code.strip() for code, _ in counts]
    if len(set(codes)) != len(codes):
        raise InvalidInput("each SKU code may appear once", field="counts")
    if any(counted < 0 for _, counted in counts):
        raise InvalidInput("a count is never negative", field="counts")
    skus = catalog.skus_by_code(session, take.store_id, set(codes))
    scope = in_scope(session, take)
    unknown = [c for c in codes if c not in skus or (scope is not None and skus[c].id not in scope)]
    if unknown:
        raise InvalidInput(f"not on the shelves this stocktake counts: {', '.join(unknown[:20])}", field="counts",
                           codes=unknown[:100])
    return [_set(session, now, take, skus[code].id, counted, add=False) for code, (_, counted) in zip(codes, counts, strict=True)]


@dataclass(frozen=True)
class VarianceLine:
    sku_id: int
    sku_code: str
    variance: rules.Variance


@dataclass(frozen=True)
class Report:
    stocktake: Stocktake
    currency: str
    lines: list[VarianceLine]
    uncounted: list[tuple[int, str, int]]  # SKU, code, on hand: in scope, not counted, left alone

    @property
    def units(self) -> int:
        return sum(line.variance.units for line in self.lines)

    @property
    def value_minor(self) -> int:
        return sum(line.variance.value_minor for line in self.lines)


def report(session: Session, actor: Principal, stocktake_id: int) -> Report:
    """System against counted per SKU, in units and at the SKU's price; once closed, the variances as adjusted."""
    take = get_stocktake(session, actor, stocktake_id)
    currency = catalog.store_by_id(session, take.store_id).currency
    if take.variances is not None:
        lines = [VarianceLine(int(v["sku_id"]), str(v["sku_code"]), rules.Variance(
            int(v["sku_id"]), int(v["system"]), int(v["counted"]), int(v["unit_minor"]))) for v in take.variances]
        return Report(take, currency, lines, [])
    counts = list(session.scalars(select(StocktakeCount).where(StocktakeCount.stocktake_id == take.id)))
    levels = inventory.warehouse_levels(session, take.warehouse_id)
    scope = in_scope(session, take)
    expected = set(scope) if scope is not None else {s for s, level in levels.items() if level.on_hand}
    counted_ids = {c.sku_id for c in counts}
    skus, _ = catalog.skus_with_products(session, sorted(counted_ids | expected))
    found = rules.variances([(c.sku_id, c.system, c.counted) for c in counts], {s: k.price_minor for s, k in skus.items()})
    lines = [VarianceLine(v.sku_id, skus[v.sku_id].code, v) for v in found]
    uncounted = [(s, skus[s].code, levels[s].on_hand if s in levels else 0) for s in sorted(expected - counted_ids)]
    return Report(take, currency, lines, uncounted)


def close(session: Session, now: datetime, actor: Principal, stocktake_id: int) -> Report:
    """Adjust stock by every variance and close; refused whole when a count is below what orders hold reserved."""
    take = _open(session, actor, stocktake_id)
    found = report(session, actor, take.id)
    moving = [line for line in found.lines if line.variance.units]
    levels = inventory.warehouse_levels(session, take.warehouse_id, [line.sku_id for line in moving])
    refused = rules.refused_adjustments((line.sku_id, levels[line.sku_id].available if line.sku_id in levels else 0,
                                         line.variance.units) for line in moving)
    if refused:
        codes = [line.sku_code for line in moving if line.sku_id in refused]
        raise rules.CountBelowReserved(f"counts of {', '.join(codes)} are below the units reserved for orders; "
                                       "recount, or release those orders first", sku_ids=refused)
    for line in moving:
        inventory.adjust(session, now, take.store_id, line.sku_id, take.warehouse_id, line.variance.units,
                         f"stocktake {take.id}")
    variances: list[dict[str, Any]] = [
        {"sku_id": line.sku_id, "sku_code": line.sku_code, "system": line.variance.system,
         "counted": line.variance.counted, "units": line.variance.units, "unit_minor": line.variance.unit_minor,
         "value_minor": line.variance.value_minor} for line in found.lines]
    take.status, take.closed_at, take.variances = "closed", now, variances
    events.record(session, now, "stocktake.closed", f"stocktake:{take.id}", take.store_id, warehouse_id=take.warehouse_id,
                  variances=[v for v in variances if v["units"]], counted=len(variances),
                  units=found.units, value_minor=found.value_minor, currency=found.currency)
    return Report(take, found.currency, found.lines, found.uncounted)
