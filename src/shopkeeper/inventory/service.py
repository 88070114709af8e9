"""Stock: reserve on order, release on close, consume on shipment.

Every change is one conditional UPDATE per stock row, so the database, not a
Python lock, keeps stock from going negative or being sold twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Update, case, func, select, update
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal
from shopkeeper.catalog import service as catalog
from shopkeeper.db import newest_first
from shopkeeper.errors import InvalidInput, NotFound, OutOfStock
from shopkeeper.inventory.models import Stock, StockMovement, Warehouse
from shopkeeper.scope import require_store_manager


@dataclass(frozen=True)
class Level:
    sku_id: int
    warehouse_id: int
    available: int
    reserved: int

    @property
    def on_hand(self) -> int:
        return self.available + self.reserved


def create_warehouse(session: Session, actor: Principal, store_id: int, code: str, name: str, country: str, priority: int = 100) -> Warehouse:
    require_store_manager(actor, store_id)
    warehouse = Warehouse(store_id=store_id, code=code, name=name, country=country.upper(), priority=priority)
    session.add(warehouse)
    session.flush()
    return warehouse


def list_warehouses(session: Session, store_id: int) -> list[Warehouse]:
    return list(session.scalars(select(Warehouse).where(Warehouse.store_id == store_id).order_by(Warehouse.priority, Warehouse.id)))


def receive(session: Session, now: datetime, actor: Principal, sku_id: int, warehouse_id: int, quantity: int, note: str = "") -> Level:
    """Goods in (入库), or a correction when `quantity` is negative."""
    sku = catalog.sku_by_id(session, sku_id)
    require_store_manager(actor, sku.store_id)
    warehouse = session.get(Warehouse, warehouse_id)
    if warehouse is None or warehouse.store_id != sku.store_id:
        raise NotFound(f"warehouse {warehouse_id} does not exist")
    if quantity == 0:
        raise InvalidInput("quantity must not be zero")
    stock = session.scalar(select(Stock).where(Stock.sku_id == sku_id, Stock.warehouse_id == warehouse_id))
    if stock is None:
        stock = Stock(store_id=sku.store_id, sku_id=sku_id, warehouse_id=warehouse_id, available=0, reserved=0)
        session.add(stock)
        session.flush()
    if not _guarded(session, update(Stock).where(Stock.id == stock.id, Stock.available + quantity >= 0)
                    .values(available=Stock.available + quantity)):
        raise InvalidInput("a correction cannot take available stock below zero")
    kind = "receive" if quantity > 0 else "adjust"
    _move(session, now, sku.store_id, sku_id, warehouse_id, kind, quantity, None, note)
    session.refresh(stock)
    return Level(sku_id, warehouse_id, stock.available, stock.reserved)


def levels(session: Session, sku_ids: list[int]) -> list[Level]:
    rows = session.scalars(select(Stock).where(Stock.sku_id.in_(sku_ids)).order_by(Stock.sku_id, Stock.warehouse_id))
    return [Level(r.sku_id, r.warehouse_id, r.available, r.reserved) for r in rows]


def movements(session: Session, sku_id: int, limit: int, before_id: int | None = None) -> list[StockMovement]:
    """Every movement of a SKU's stock, newest first: the audit trail of the shelf."""
    query = select(StockMovement).where(StockMovement.sku_id == sku_id)
    return list(session.scalars(newest_first(query, StockMovement.id, limit, before_id)))


def available_by_sku(session: Session, sku_ids: list[int]) -> dict[int, int]:
    rows = session.execute(select(Stock.sku_id, func.sum(Stock.available)).where(Stock.sku_id.in_(sku_ids)).group_by(Stock.sku_id))
    found = {sku_id: int(total) for sku_id, total in rows}
    return {sku_id: found.get(sku_id, 0) for sku_id in sku_ids}


# how each kind of movement changes the units on sale (available); consume takes reserved units only
_ON_SALE = {"receive": 1, "adjust": 1, "reserve": -1, "release": 1, "consume": 0}


def on_sale_changes(session: Session, sku_ids: list[int], since: datetime) -> list[tuple[int, datetime, int]]:
    """(SKU, when, change in available units) of every movement of these SKUs since `since`, oldest first, in one
    statement: walked back from today's levels, they tell the days a SKU had nothing on sale (purchasing)."""
    rows = session.execute(select(StockMovement.sku_id, StockMovement.at, StockMovement.kind, StockMovement.quantity)
                           .where(StockMovement.sku_id.in_(sku_ids), StockMovement.at >= since)
                           .order_by(StockMovement.at, StockMovement.id))
    return [(sku_id, at, _ON_SALE.get(kind, 0) * quantity) for sku_id, at, kind, quantity in rows]


def reserve(session: Session, now: datetime, store_id: int, sku_id: int, quantity: int, order_id: int) -> int:
    """Hold `quantity` units for an order; returns the warehouse they come from.

    Warehouses are tried in priority order; the first that can cover the whole
    line wins (splitting a line across warehouses is fulfillment's job later).
    """
    candidates = session.scalars(
        select(Stock).join(Warehouse, Warehouse.id == Stock.warehouse_id)
        .where(Stock.sku_id == sku_id, Stock.available >= quantity)
        .order_by(Warehouse.priority, Warehouse.id)
    ).all()
    for stock in candidates:
        if _guarded(session, update(Stock).where(Stock.id == stock.id, Stock.available >= quantity)
                    .values(available=Stock.available - quantity, reserved=Stock.reserved + quantity)):
            _move(session, now, store_id, sku_id, stock.warehouse_id, "reserve", quantity, order_id)
            return stock.warehouse_id
    # a line ships from one warehouse, so what is left for it is the most any one warehouse holds
    left = session.scalar(select(func.coalesce(func.max(Stock.available), 0)).where(Stock.sku_id == sku_id)) or 0
    raise OutOfStock(f"not enough stock of SKU {sku_id} for {quantity} more; {left} left", sku_id=sku_id, available=left)


def release(session: Session, now: datetime, store_id: int, sku_id: int, warehouse_id: int, quantity: int, order_id: int) -> None:
    """Put reserved units back on sale (the order closed unshipped)."""
    _shift_reserved(session, sku_id, warehouse_id, quantity, back_on_sale=True)
    _move(session, now, store_id, sku_id, warehouse_id, "release", quantity, order_id)


def consume(session: Session, now: datetime, store_id: int, sku_id: int, warehouse_id: int, quantity: int, order_id: int) -> None:
    """Reserved units leave the warehouse (出库)."""
    _shift_reserved(session, sku_id, warehouse_id, quantity, back_on_sale=False)
    _move(session, now, store_id, sku_id, warehouse_id, "consume", quantity, order_id)


_HELD = case((StockMovement.kind == "reserve", StockMovement.quantity), else_=-StockMovement.quantity)


def held_for(session: Session, order_id: int) -> dict[tuple[int, int], int]:
    """What stays reserved for an order per (SKU, warehouse), from its movements: reserved, less released and shipped.

    The movements, not the order line, say where an order's units are: allocation may move them to the warehouse
    its parcel ships from (`move_reservation`), and a line may ship from two."""
    return held_for_orders(session, [order_id]).get(order_id, {})


def held_for_orders(session: Session, order_ids: Sequence[int]) -> dict[int, dict[tuple[int, int], int]]:
    """`held_for` of many orders in one statement (an allocation run, a batch of pick lists)."""
    return _by_place(session, order_ids, _HELD, ("reserve", "release", "consume"))


def shipped_from(session: Session, order_id: int) -> dict[tuple[int, int], int]:
    """What left for an order per (SKU, warehouse): where its units go back to if the parcel never leaves."""
    return _by_place(session, [order_id], StockMovement.quantity, ("consume",)).get(order_id, {})


def consume_held(session: Session, now: datetime, store_id: int, order_id: int) -> None:
    """The order leaves: what is reserved for it goes out of the warehouses that hold it (出库)."""
    for (sku_id, warehouse_id), units in sorted(held_for(session, order_id).items()):  # SKU order: no deadlock
        consume(session, now, store_id, sku_id, warehouse_id, units, order_id)


def release_held(session: Session, now: datetime, store_id: int, order_id: int) -> None:
    """The order closed unshipped: what is reserved for it goes back on sale where it is."""
    for (sku_id, warehouse_id), units in sorted(held_for(session, order_id).items()):
        release(session, now, store_id, sku_id, warehouse_id, units, order_id)


def restock_shipped(session: Session, now: datetime, actor: Principal, order_id: int, note: str) -> None:
    """The goods of an order that left come back on sale in the warehouses they left."""
    for (sku_id, warehouse_id), units in sorted(shipped_from(session, order_id).items()):
        receive(session, now, actor, sku_id, warehouse_id, units, note=note)


def _by_place(session: Session, order_ids: Sequence[int], signed: Any,
              kinds: tuple[str, ...]) -> dict[int, dict[tuple[int, int], int]]:
    found: dict[int, dict[tuple[int, int], int]] = {}
    for start in range(0, len(order_ids), 500):  # bounded IN lists
        rows = session.execute(
            select(StockMovement.order_id, StockMovement.sku_id, StockMovement.warehouse_id, func.sum(signed))
            .where(StockMovement.order_id.in_(order_ids[start:start + 500]), StockMovement.kind.in_(kinds))
            .group_by(StockMovement.order_id, StockMovement.sku_id, StockMovement.warehouse_id))
        for order_id, sku_id, warehouse_id, units in rows:
            if order_id is not None and units > 0:
                found.setdefault(order_id, {})[(sku_id, warehouse_id)] = int(units)
    return found


def move_reservation(session: Session, now: datetime, store_id: int, order_id: int, sku_id: int, from_warehouse_id: int,
                     to_warehouse_id: int, quantity: int) -> None:
    """Units reserved for an order at checkout ship from another warehouse (allocation decided, RULES.md §5.1): they
    are reserved there, where they must be available, and put back on sale where they were."""
    if not _guarded(session, update(Stock).where(Stock.sku_id == sku_id, Stock.warehouse_id == to_warehouse_id,
                                                 Stock.available >= quantity)
                    .values(available=Stock.available - quantity, reserved=Stock.reserved + quantity)):
        left = session.scalar(select(Stock.available).where(Stock.sku_id == sku_id, Stock.warehouse_id == to_warehouse_id)) or 0
        raise OutOfStock(f"not enough stock of SKU {sku_id} in warehouse {to_warehouse_id} for {quantity} more; {left} left",
                         sku_id=sku_id, available=left)
    _shift_reserved(session, sku_id, from_warehouse_id, quantity, back_on_sale=True)
    note = f"moved to warehouse {to_warehouse_id}"
    _move(session, now, store_id, sku_id, from_warehouse_id, "release", quantity, order_id, note)
    _move(session, now, store_id, sku_id, to_warehouse_id, "reserve", quantity, order_id, f"moved from warehouse {from_warehouse_id}")


def warehouse_by_id(session: Session, warehouse_id: int) -> Warehouse:
    """A warehouse by id, for a caller that checks the store itself (a missing one is a 404)."""
    warehouse = session.get(Warehouse, warehouse_id)
    if warehouse is None:
        raise NotFound(f"warehouse {warehouse_id} does not exist")
    return warehouse


def set_shelf_scheme(session: Session, now: datetime, warehouse: Warehouse, scheme: str) -> Warehouse:
    """The one numbering rule of the warehouse's shelf locations (RULES.md §1.1); the caller checked its shape."""
    before = warehouse.shelf_scheme
    warehouse.shelf_scheme = scheme
    events.record(session, now, "warehouse.shelf_scheme_set", f"warehouse:{warehouse.id}", warehouse.store_id,
                  scheme=scheme, before=before)
    return warehouse


def warehouse_levels(session: Session, warehouse_id: int, sku_ids: list[int] | None = None) -> dict[int, Level]:
    """Stock of each SKU in one warehouse (all its SKUs when `sku_ids` is None)."""
    query = select(Stock).where(Stock.warehouse_id == warehouse_id)
    if sku_ids is not None:
        query = query.where(Stock.sku_id.in_(sku_ids))
    return {r.sku_id: Level(r.sku_id, r.warehouse_id, r.available, r.reserved) for r in session.scalars(query)}


def store_levels(session: Session, store_id: int) -> list[tuple[Warehouse, Level]]:
    """Every stock row of a store with its warehouse, by warehouse priority then SKU."""
    rows = session.execute(select(Warehouse, Stock).join(Stock, Stock.warehouse_id == Warehouse.id)
                           .where(Warehouse.store_id == store_id)
                           .order_by(Warehouse.priority, Warehouse.id, Stock.sku_id))
    return [(w, Level(s.sku_id, s.warehouse_id, s.available, s.reserved)) for w, s in rows]


def adjust(session: Session, now: datetime, store_id: int, sku_id: int, warehouse_id: int, units: int, reason: str) -> None:
    """Correct available stock by `units` (a stocktake's variance), never below zero: reserved units are the orders'
    and stay. A movement `adjust` with the reason, and its event."""
    stock = _stock_row(session, store_id, sku_id, warehouse_id)
    if not _guarded(session, update(Stock).where(Stock.id == stock.id, Stock.available + units >= 0)
                    .values(available=Stock.available + units)):
        raise InvalidInput(f"an adjustment of {units} would take available stock of SKU {sku_id} below zero")
    _move(session, now, store_id, sku_id, warehouse_id, "adjust", units, None, reason)


def transfer_out(session: Session, now: datetime, store_id: int, sku_id: int, warehouse_id: int, quantity: int,
                 note: str) -> None:
    """Available units leave a warehouse for another (货品调拨); refused when fewer are available."""
    stock = session.scalar(select(Stock).where(Stock.sku_id == sku_id, Stock.warehouse_id == warehouse_id))
    if stock is None or not _guarded(session, update(Stock).where(Stock.id == stock.id, Stock.available >= quantity)
                                     .values(available=Stock.available - quantity)):
        left = stock.available if stock is not None else 0
        raise OutOfStock(f"warehouse {warehouse_id} has {left} of SKU {sku_id} available, fewer than {quantity}",
                         sku_id=sku_id, available=left)
    _move(session, now, store_id, sku_id, warehouse_id, "transfer_out", -quantity, None, note)


def transfer_in(session: Session, now: datetime, store_id: int, sku_id: int, warehouse_id: int, quantity: int,
                note: str) -> None:
    """Transferred units arrive and go on sale."""
    stock = _stock_row(session, store_id, sku_id, warehouse_id)
    _guarded(session, update(Stock).where(Stock.id == stock.id).values(available=Stock.available + quantity))
    _move(session, now, store_id, sku_id, warehouse_id, "transfer_in", quantity, None, note)


def _stock_row(session: Session, store_id: int, sku_id: int, warehouse_id: int) -> Stock:
    stock = session.scalar(select(Stock).where(Stock.sku_id == sku_id, Stock.warehouse_id == warehouse_id))
    if stock is None:
        stock = Stock(store_id=store_id, sku_id=sku_id, warehouse_id=warehouse_id, available=0, reserved=0)
        session.add(stock)
        session.flush()
    return stock


def _shift_reserved(session: Session, sku_id: int, warehouse_id: int, quantity: int, back_on_sale: bool) -> None:
    values = {"reserved": Stock.reserved - quantity}
    if back_on_sale:
        values["available"] = Stock.available + quantity
    if not _guarded(session, update(Stock).where(Stock.sku_id == sku_id, Stock.warehouse_id == warehouse_id,
                                                  Stock.reserved >= quantity).values(**values)):
        # the books and the shelf disagree: never paper over it
        raise RuntimeError(f"reservation of SKU {sku_id} in warehouse {warehouse_id} is smaller than {quantity}")


def _guarded(session: Session, statement: Update) -> bool:
    """Run one conditional UPDATE; True if its guard held (the row changed)."""
    result = session.execute(statement.execution_options(synchronize_session=False))
    return cast(CursorResult[Any], result).rowcount == 1


def _move(session: Session, now: datetime, store_id: int, sku_id: int, warehouse_id: int, kind: str,
          quantity: int, order_id: int | None, note: str = "") -> None:
    session.add(StockMovement(store_id=store_id, sku_id=sku_id, warehouse_id=warehouse_id, at=now, kind=kind,
                              quantity=quantity, order_id=order_id, note=note))
    if order_id is None:
        events.record(session, now, f"stock.{kind}", f"sku:{sku_id}", store_id, warehouse_id=warehouse_id, quantity=quantity)
