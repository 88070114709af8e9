"""Purchasing's request and response shapes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.api.schemas import Amount, Id, In, MoneyOut, Name, to_minor
from shopkeeper.purchasing import moves, service
from shopkeeper.purchasing.models import (
    PurchaseOrder,
    PurchaseReceipt,
    SkuSupply,
    Supplier,
    SupplierPaymentRequest,
)
from shopkeeper.purchasing.replenishment import CampaignInForce, Row

Days = Annotated[int, Field(ge=0, le=365)]
Units = Annotated[int, Field(ge=1, le=1_000_000)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Note = Annotated[str, StringConstraints(max_length=200)]


class SupplierIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"name": "义乌织造 Yiwu Weaving", "lead_days": 10, "currency": "CNY", "pack_size": 12, "moq": 24,
         "prepay": False, "active": True}]})

    name: Name
    lead_days: Days = Field(description="the purchase cycle (采购周期): days from placing an order to receiving it")
    currency: Currency
    pack_size: Units = 1
    moq: Units = Field(1, description="minimum order quantity per line")
    prepay: bool = Field(False, description="paid in advance: one payment request when an order is placed")
    active: bool = True

    def spec(self) -> service.SupplierSpec:
        return service.SupplierSpec(self.name, self.lead_days, self.currency, self.pack_size, self.moq, self.prepay,
                                    self.active)


class SupplierOut(BaseModel):
    id: int
    store_id: int
    name: str
    lead_days: int
    currency: str
    pack_size: int
    moq: int
    prepay: bool
    active: bool

    @classmethod
    def of(cls, s: Supplier) -> "SupplierOut":
        return cls(id=s.id, store_id=s.store_id, name=s.name, lead_days=s.lead_days, currency=s.currency,
                   pack_size=s.pack_size, moq=s.moq, prepay=s.prepay, active=s.active)


class SupplyIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"supplier_id": 1, "unit_cost": "18.50", "lead_days": 12, "safety_days": 4}]})

    supplier_id: Id
    unit_cost: Amount = Field(description="in the supplier's currency")
    lead_days: Days | None = Field(None, description="overrides the supplier's")
    safety_days: Days | None = None
    review_days: Days | None = None
    pack_size: Units | None = None
    moq: Units | None = None

    def spec(self, currency: str) -> service.SupplySpec:
        return service.SupplySpec(self.supplier_id, to_minor(self.unit_cost, currency, "unit_cost"), self.lead_days,
                                  self.safety_days, self.review_days, self.pack_size, self.moq)


class SupplyOut(BaseModel):
    sku_id: int
    supplier_id: int
    unit_cost: MoneyOut
    lead_days: int | None
    safety_days: int | None
    review_days: int | None
    pack_size: int | None
    moq: int | None

    @classmethod
    def of(cls, s: SkuSupply, currency: str) -> "SupplyOut":
        return cls(sku_id=s.sku_id, supplier_id=s.supplier_id, unit_cost=MoneyOut.of(s.unit_cost_minor, currency),
                   lead_days=s.lead_days, safety_days=s.safety_days, review_days=s.review_days, pack_size=s.pack_size,
                   moq=s.moq)


class CampaignInForceOut(BaseModel):
    id: int | None = Field(description="the signed-up campaign; null for a campaign_start the caller gave")
    name: str | None
    starts_at: datetime = Field(description="the campaign's official (main) phase start, or the caller's start")
    counted_from: datetime = Field(description="where the half-sold count starts (RULES.md §3.3)")

    @classmethod
    def of(cls, c: CampaignInForce | None) -> "CampaignInForceOut | None":
        return None if c is None else cls(id=c.id, name=c.name, starts_at=c.starts_at, counted_from=c.counted_from)


class SuggestionOut(BaseModel):
    sku_id: int
    sku_code: str
    title: str
    supplier_id: int | None
    supplier_name: str | None
    on_hand: int = Field(description="units available for sale (reserved ones are spoken for)")
    reserved: int
    in_transit: int = Field(description="open units on placed purchase orders")
    sold: int = Field(description="units paid in the window")
    days_counted: int
    stockout_days: int = Field(description="days with no sales and no stock on sale, left out of the average")
    average_daily_sales: Decimal
    last_day_sold: int
    lead_days: int
    safety_days: int
    review_days: int
    pack_size: int
    moq: int
    reorder_point: Decimal = Field(description="ADS × (lead + safety days)")
    target: Decimal = Field(description="rate × (lead + safety + review days)")
    due: bool
    flags: list[str] = Field(description="below-reorder-point, half-sold, surge (RULES.md §3.3)")
    quantity: int = Field(description="suggested units, in whole packs and at least the MOQ; 0 when not due")
    unit_cost: MoneyOut | None
    amount: MoneyOut | None
    campaign: CampaignInForceOut | None = Field(description="the campaign that turned the §3.3 triggers on, if any")

    @classmethod
    def of(cls, r: Row) -> "SuggestionOut":
        s, t = r.suggestion, r.terms
        return cls(sku_id=r.sku_id, sku_code=r.sku_code, title=r.title, supplier_id=r.supplier_id,
                   supplier_name=r.supplier_name, on_hand=s.on_hand, reserved=r.reserved, in_transit=s.in_transit,
                   sold=s.sold, days_counted=s.days_counted, stockout_days=s.stockout_days,
                   average_daily_sales=s.average_daily_sales, last_day_sold=s.last_day_sold, lead_days=t.lead_days,
                   safety_days=t.safety_days, review_days=t.review_days, pack_size=t.pack_size, moq=t.moq,
                   reorder_point=s.reorder_point, target=s.target, due=s.due, flags=list(s.flags),
                   quantity=s.quantity, unit_cost=_money(r.unit_cost_minor, r.currency),
                   amount=_money(r.amount_minor, r.currency), campaign=CampaignInForceOut.of(r.campaign))


def _money(minor: int | None, currency: str | None) -> MoneyOut | None:
    return None if minor is None or currency is None else MoneyOut.of(minor, currency)


class LineIn(In):
    sku_id: Id
    quantity: Units
    unit_cost: Amount | None = Field(None, description="the SKU's cost from this supplier when left out")


class OrderIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"supplier_id": 1, "warehouse_id": 1, "lines": [{"sku_id": 1, "quantity": 48}], "note": "Double 11 top-up"}]})

    supplier_id: Id
    warehouse_id: Id
    lines: list[LineIn] = Field(min_length=1, max_length=500)
    note: Note = ""

    def specs(self, currency: str) -> list[service.LineSpec]:
        return [service.LineSpec(line.sku_id, line.quantity,
                                 None if line.unit_cost is None else to_minor(line.unit_cost, currency, "unit_cost"))
                for line in self.lines]


class FromSuggestionsIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"sku_ids": [1, 2], "warehouse_id": 1}]})

    sku_ids: list[Id] = Field(min_length=1, max_length=500)
    warehouse_id: Id


class ReceivedLineIn(In):
    line_id: Id
    quantity: Units


class ReceiveIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"lines": [{"line_id": 1, "quantity": 24}]}]})

    lines: list[ReceivedLineIn] = Field(min_length=1, max_length=500)
    warehouse_id: Id | None = Field(None, description="the order's warehouse when left out")

    def received(self) -> dict[int, int]:
        found: dict[int, int] = {}
        for line in self.lines:
            found[line.line_id] = found.get(line.line_id, 0) + line.quantity
        return found


class LineOut(BaseModel):
    id: int
    sku_id: int
    quantity: int
    received: int
    unit_cost: MoneyOut


class ReceiptOut(BaseModel):
    id: int
    order_id: int
    warehouse_id: int
    received_at: datetime
    lines: dict[str, int]
    amount: MoneyOut

    @classmethod
    def of(cls, r: PurchaseReceipt, currency: str) -> "ReceiptOut":
        return cls(id=r.id, order_id=r.order_id, warehouse_id=r.warehouse_id, received_at=r.received_at,
                   lines={k: int(v) for k, v in r.lines.items()}, amount=MoneyOut.of(r.amount_minor, currency))


class PaymentRequestOut(BaseModel):
    id: int
    store_id: int
    supplier_id: int
    order_id: int
    receipt_id: int | None
    amount: MoneyOut
    status: str
    created_at: datetime
    decided_at: datetime | None
    note: str

    @classmethod
    def of(cls, p: SupplierPaymentRequest) -> "PaymentRequestOut":
        return cls(id=p.id, store_id=p.store_id, supplier_id=p.supplier_id, order_id=p.order_id,
                   receipt_id=p.receipt_id, amount=MoneyOut.of(p.amount_minor, p.currency), status=p.status,
                   created_at=p.created_at, decided_at=p.decided_at, note=p.note)


class PaymentPage(BaseModel):
    items: list[PaymentRequestOut]
    next_cursor: int | None


class OrderOut(BaseModel):
    id: int
    store_id: int
    supplier_id: int
    number: str
    status: str
    warehouse_id: int
    note: str
    amount: MoneyOut
    created_at: datetime
    placed_at: datetime | None
    expected_at: datetime | None
    closed_at: datetime | None
    lines: list[LineOut]
    allowed_actions: list[str]

    @classmethod
    def of(cls, o: PurchaseOrder) -> "OrderOut":
        return cls(id=o.id, store_id=o.store_id, supplier_id=o.supplier_id, number=o.number, status=o.status,
                   warehouse_id=o.warehouse_id, note=o.note, amount=MoneyOut.of(service.order_amount(o), o.currency),
                   created_at=o.created_at, placed_at=o.placed_at, expected_at=o.expected_at, closed_at=o.closed_at,
                   lines=[LineOut(id=line.id, sku_id=line.sku_id, quantity=line.quantity, received=line.received,
                                  unit_cost=MoneyOut.of(line.unit_cost_minor, o.currency)) for line in o.lines],
                   allowed_actions=list(moves.allowed_actions(o.status)))


class OrderDetailOut(OrderOut):
    receipts: list[ReceiptOut]
    payment_requests: list[PaymentRequestOut]


class OrderPage(BaseModel):
    items: list[OrderOut]
    next_cursor: int | None


class DecisionIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"note": "invoice does not match the delivery"}]})

    note: Note = ""
