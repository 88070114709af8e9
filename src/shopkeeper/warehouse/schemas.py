"""Request and response shapes of the warehouse routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.api.schemas import Id, In, MoneyOut, stripped
from shopkeeper.warehouse import rules
from shopkeeper.warehouse.models import ShelfSlot, Stocktake, StocktakeCount, Transfer, TransferLine, WarehouseScan
from shopkeeper.warehouse.stocktake_service import Report

ScannedCode = Annotated[str, StringConstraints(min_length=1, max_length=64), stripped(1)]
ShelfCode = Annotated[str, StringConstraints(min_length=1, max_length=32), stripped(1)]
Units = Annotated[int, Field(ge=1, le=1_000_000)]


class SchemeIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"scheme": "A-99-99"}]})

    scheme: Annotated[str, StringConstraints(min_length=1, max_length=32), stripped(1)] = Field(
        description="A: a capital letter, 9: a digit, - . _ themselves; e.g. A-99-99 (zone-row-level)")


class SchemeOut(BaseModel):
    warehouse_id: int
    shelf_scheme: str | None


class ShelfIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"sku_id": 1, "code": "A-01-03"}]})

    sku_id: Id
    code: ShelfCode


class ShelfOut(BaseModel):
    warehouse_id: int
    sku_id: int
    code: str
    updated_at: datetime

    @classmethod
    def of(cls, s: ShelfSlot) -> "ShelfOut":
        return cls(warehouse_id=s.warehouse_id, sku_id=s.sku_id, code=s.code, updated_at=s.updated_at)


class HomeCountryIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"home_country": "CN"}]})

    home_country: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]


class ScanOut(BaseModel):
    id: int
    warehouse_id: int
    kind: str
    key_id: int
    at: datetime
    sku_id: int | None
    order_id: int | None
    quantity: int
    code: str
    result: str
    reason: str
    facts: dict[str, Any]

    @classmethod
    def of(cls, s: WarehouseScan) -> "ScanOut":
        return cls(id=s.id, warehouse_id=s.warehouse_id, kind=s.kind, key_id=s.key_id, at=s.at, sku_id=s.sku_id,
                   order_id=s.order_id, quantity=s.quantity, code=s.code, result=s.result, reason=s.reason,
                   facts=dict(s.facts))


class ScanPage(BaseModel):
    items: list[ScanOut]
    next_cursor: int | None


class ReceiveIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"code": "TEE-RED-M", "quantity": 24, "shelf": "A-01-03"}]})

    code: ScannedCode = Field(description="the SKU code scanned")
    quantity: Units
    shelf: ShelfCode | None = Field(default=None, description="the shelf it goes to, which becomes its home location")
    is_return: bool = Field(default=False, description="a buyer's return; into an overseas warehouse it counts as an import")


class ReceiveOut(BaseModel):
    scan: ScanOut
    available: int
    reserved: int
    counts_as_import: bool


class WeighIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"order_id": 1, "measured_grams": 460}]})

    order_id: Id
    measured_grams: Annotated[int, Field(ge=1, le=1_000_000)]


class WeighOut(BaseModel):
    scan: ScanOut
    expected_grams: int
    measured_grams: int
    difference_grams: int
    tolerance_grams: int
    within: bool


class ItemIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"order_id": 1, "stage": "outbound_verify", "code": "TEE-RED-M"}]})

    order_id: Id
    stage: Literal["pack", "outbound_verify"] = Field(description="packing (装箱) or outbound verification (出库核验)")
    code: ScannedCode
    quantity: Annotated[int, Field(ge=1, le=9999)] = 1


class ItemOut(BaseModel):
    scan: ScanOut
    still_to_scan: dict[str, int] = Field(description="SKU id → units of the order not scanned yet")


class OrderRefIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"order_id": 1}]})

    order_id: Id


class PickIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"order_id": 1, "step": "start"}]})

    order_id: Id
    step: Literal["start", "end"]


class PickTimeOut(BaseModel):
    order_id: int
    started_at: datetime
    ended_at: datetime
    minutes: float
    guide_minutes: int = rules.PICK_GUIDE_MINUTES
    over_guide: bool

    @classmethod
    def of(cls, p: rules.PickTime) -> "PickTimeOut":
        return cls(order_id=p.order_id, started_at=p.started_at, ended_at=p.ended_at, minutes=p.minutes,
                   over_guide=p.over_guide)


class StocktakeIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"shelves": ["A-01"]}]})

    shelves: list[ShelfCode] = Field(default_factory=list, max_length=100,
                                     description="shelf-code prefixes to count; none: the whole warehouse")


class StocktakeOut(BaseModel):
    id: int
    store_id: int
    warehouse_id: int
    shelves: list[str]
    status: str
    opened_at: datetime
    closed_at: datetime | None

    @classmethod
    def of(cls, t: Stocktake) -> "StocktakeOut":
        return cls(id=t.id, store_id=t.store_id, warehouse_id=t.warehouse_id, shelves=list(t.shelves), status=t.status,
                   opened_at=t.opened_at, closed_at=t.closed_at)


class StocktakePage(BaseModel):
    items: list[StocktakeOut]
    next_cursor: int | None


class CountScanIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"code": "TEE-RED-M", "quantity": 1}]})

    code: ScannedCode
    quantity: Annotated[int, Field(ge=1, le=100_000)] = 1


class CountLineIn(In):
    code: ScannedCode
    counted: Annotated[int, Field(ge=0, le=10_000_000)]


class CountsIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"counts": [{"code": "TEE-RED-M", "counted": 98}]}]})

    counts: list[CountLineIn] = Field(min_length=1, max_length=20_000)


class CountOut(BaseModel):
    sku_id: int
    counted: int
    system: int
    counted_at: datetime

    @classmethod
    def of(cls, c: StocktakeCount) -> "CountOut":
        return cls(sku_id=c.sku_id, counted=c.counted, system=c.system, counted_at=c.counted_at)


class VarianceOut(BaseModel):
    sku_id: int
    sku_code: str
    system: int
    counted: int
    units: int
    value: MoneyOut


class UncountedOut(BaseModel):
    sku_id: int
    sku_code: str
    on_hand: int


class ReportOut(BaseModel):
    stocktake: StocktakeOut
    lines: list[VarianceOut]
    uncounted: list[UncountedOut] = Field(description="in scope, not counted: left alone at close")
    units: int
    value: MoneyOut

    @classmethod
    def of(cls, r: Report) -> "ReportOut":
        return cls(stocktake=StocktakeOut.of(r.stocktake), lines=[VarianceOut(
            sku_id=line.sku_id, sku_code=line.sku_code, system=line.variance.system, counted=line.variance.counted,
            units=line.variance.units, value=MoneyOut.of(line.variance.value_minor, r.currency)) for line in r.lines],
            uncounted=[UncountedOut(sku_id=s, sku_code=c, on_hand=n) for s, c, n in r.uncounted], units=r.units,
            value=MoneyOut.of(r.value_minor, r.currency))


class TransferLineIn(In):
    sku_id: Id
    quantity: Units


class TransferIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"from_warehouse_id": 1, "to_warehouse_id": 2,
                                                               "lines": [{"sku_id": 1, "quantity": 10}]}]})

    from_warehouse_id: Id
    to_warehouse_id: Id
    lines: list[TransferLineIn] = Field(min_length=1, max_length=500)
    note: Annotated[str, StringConstraints(max_length=200)] = ""


class ReceivedLineIn(In):
    sku_id: Id
    received: Annotated[int, Field(ge=0, le=1_000_000)]


class TransferReceiveIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"lines": [{"sku_id": 1, "received": 9}]}]})

    lines: list[ReceivedLineIn] | None = Field(default=None, max_length=500,
                                               description="what arrived per SKU; omitted: everything shipped")


class TransferLineOut(BaseModel):
    sku_id: int
    quantity: int
    received: int
    in_transit: int
    short: int


class TransferOut(BaseModel):
    id: int
    store_id: int
    from_warehouse_id: int
    to_warehouse_id: int
    status: str
    note: str
    created_at: datetime
    shipped_at: datetime | None
    received_at: datetime | None
    lines: list[TransferLineOut]

    @classmethod
    def of(cls, t: Transfer, lines: list[TransferLine]) -> "TransferOut":
        moving = t.status == "in_transit"
        return cls(id=t.id, store_id=t.store_id, from_warehouse_id=t.from_warehouse_id, to_warehouse_id=t.to_warehouse_id,
                   status=t.status, note=t.note, created_at=t.created_at, shipped_at=t.shipped_at,
                   received_at=t.received_at, lines=[TransferLineOut(
                       sku_id=line.sku_id, quantity=line.quantity, received=line.received,
                       in_transit=line.quantity if moving else 0,
                       short=line.quantity - line.received if t.status == "received" else 0) for line in lines])


class TransferPage(BaseModel):
    items: list[TransferOut]
    next_cursor: int | None


class CountryStockOut(BaseModel):
    country: str
    overseas: bool
    available: int
    reserved: int
    warehouses: list[dict[str, Any]]


class StockByCountryOut(BaseModel):
    home_country: str
    countries: list[CountryStockOut]
    in_transit: dict[str, int] = Field(description="SKU id → units on transfers shipped and not yet received")
