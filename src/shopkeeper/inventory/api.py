from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.schemas import Id, In, cut_page, stripped
from shopkeeper.catalog.service import get_store, sku_by_id
from shopkeeper.inventory import service
from shopkeeper.inventory.models import Warehouse
from shopkeeper.scope import require_store_manager

router = APIRouter(tags=["inventory"])


class WarehouseIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "code": "HZ1",
        "name": "Hangzhou",
        "country": "CN",
        "priority": 10,
    }]})

    code: Annotated[str, StringConstraints(min_length=1, max_length=32), stripped(1)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=120), stripped(1)]
    country: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
    priority: Annotated[int, Field(ge=0, le=10_000)] = 100


class WarehouseOut(BaseModel):
    id: int
    store_id: int
    code: str
    name: str
    country: str
    priority: int
    shelf_scheme: str | None = Field(default=None, description="how its shelf locations are numbered, e.g. A-99-99")

    @classmethod
    def of(cls, w: Warehouse) -> "WarehouseOut":
        return cls(id=w.id, store_id=w.store_id, code=w.code, name=w.name, country=w.country, priority=w.priority,
                   shelf_scheme=w.shelf_scheme)


class StockIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "warehouse_id": 1,
        "quantity": 100,
        "note": "purchase order 2026-118",
    }]})

    warehouse_id: Id
    quantity: Annotated[int, Field(ge=-1_000_000, le=1_000_000)] = Field(description="positive: goods in; negative: correction")
    note: Annotated[str, StringConstraints(max_length=200)] = ""


class LevelOut(BaseModel):
    sku_id: int
    warehouse_id: int
    available: int
    reserved: int
    on_hand: int

    @classmethod
    def of(cls, level: service.Level) -> "LevelOut":
        return cls(sku_id=level.sku_id, warehouse_id=level.warehouse_id, available=level.available,
                   reserved=level.reserved, on_hand=level.on_hand)


class MovementOut(BaseModel):
    id: int
    at: datetime
    kind: str
    warehouse_id: int
    quantity: int
    order_id: int | None
    note: str


class MovementPage(BaseModel):
    items: list[MovementOut]
    next_cursor: int | None


@router.post("/stores/{store_id}/warehouses", status_code=201)
def create_warehouse(store_id: IdPath, body: WarehouseIn, ctx: Ctx) -> WarehouseOut:
    """Add a warehouse to a store; lower `priority` is tried first when stock is reserved."""
    with ctx.transaction() as session:
        get_store(session, ctx.actor, store_id)
        return WarehouseOut.of(service.create_warehouse(session, ctx.actor, store_id, body.code, body.name, body.country, body.priority))


@router.get("/stores/{store_id}/warehouses")
def list_warehouses(store_id: IdPath, ctx: Ctx) -> list[WarehouseOut]:
    """The store's warehouses in priority order."""
    with ctx.read() as session:
        require_store_manager(ctx.actor, store_id)
        return [WarehouseOut.of(w) for w in service.list_warehouses(session, store_id)]


@router.post("/skus/{sku_id}/stock")
def receive_stock(sku_id: IdPath, body: StockIn, ctx: Ctx) -> LevelOut:
    """Put units on sale in a warehouse (入库); a negative quantity corrects a count down, never below zero."""
    with ctx.transaction() as session:
        return LevelOut.of(service.receive(session, ctx.now(), ctx.actor, sku_id, body.warehouse_id, body.quantity, body.note))


@router.get("/skus/{sku_id}/stock")
def stock_levels(sku_id: IdPath, ctx: Ctx) -> list[LevelOut]:
    """Available and reserved units of a SKU in each warehouse."""
    with ctx.read() as session:
        sku = sku_by_id(session, sku_id)
        require_store_manager(ctx.actor, sku.store_id)
        return [LevelOut.of(level) for level in service.levels(session, [sku_id])]


@router.get("/skus/{sku_id}/movements")
def stock_movements(sku_id: IdPath, ctx: Ctx, limit: Limit = 50, cursor: IdQuery = None) -> MovementPage:
    """入库, corrections, reservations, releases and shipments of one SKU, newest first."""
    with ctx.read() as session:
        sku = sku_by_id(session, sku_id)
        require_store_manager(ctx.actor, sku.store_id)
        rows, next_cursor = cut_page(service.movements(session, sku_id, limit + 1, cursor), limit)
        return MovementPage(items=[MovementOut(id=m.id, at=m.at, kind=m.kind, warehouse_id=m.warehouse_id, quantity=m.quantity,
                                               order_id=m.order_id, note=m.note) for m in rows], next_cursor=next_cursor)
