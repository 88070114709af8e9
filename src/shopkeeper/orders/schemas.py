from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shopkeeper.api.schemas import Id, In, Moment, MoneyOut, Quantity, stripped
from shopkeeper.orders.models import Cart, Order, OrderLine, Payment
from shopkeeper.orders.rules import LineRequest, allowed_actions

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{3,32}$")]


class LineIn(In):
    sku_id: Id
    quantity: Quantity

    def request(self) -> LineRequest:
        return LineRequest(self.sku_id, self.quantity)


class OrderIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "store_id": 1,
        "address_id": 1,
        "lines": [{"sku_id": 1, "quantity": 2}],
        "codes": ["SALE10"],
    }]})

    store_id: Id
    address_id: Id
    lines: list[LineIn] | None = Field(default=None, max_length=100, description="buy now; omit to check out the cart")
    from_cart: bool = False
    coupon_ids: list[Id] | None = Field(default=None, max_length=20, description="use these coupons; omit to get the best")
    codes: list[Code] = Field(default_factory=list, max_length=5, description="promo codes")
    shipping_method: Annotated[str, StringConstraints(min_length=1, max_length=64), stripped(1)] | None = Field(
        default=None, description="the logistics method the buyer chose; the store may change it only with the buyer's "
                                  "consent (RULES.md §5.5)")

    @model_validator(mode="after")
    def _one_source(self) -> "OrderIn":
        if self.from_cart == (self.lines is not None):
            raise ValueError("give either lines or from_cart: true")
        return self


class CheckoutIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"store_ids": [1, 2], "address_id": 1, "coupon_ids": [5]}]})

    store_ids: list[Id] = Field(min_length=1, max_length=10, description="the stores whose carts to check out together")
    address_id: Id
    coupon_ids: list[Id] | None = Field(default=None, max_length=20, description="use these coupons; omit to get the best")
    codes: list[Code] = Field(default_factory=list, max_length=5, description="promo codes")


class CartItemIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"sku_id": 1, "quantity": 2}]})

    sku_id: Id
    quantity: Quantity


class QuantityIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"quantity": 3}]})

    quantity: Annotated[int, Field(ge=0, le=9999)]


class CartOut(BaseModel):
    id: int | None = Field(description="price it with POST /carts/{id}/price; null until something is added")
    store_id: int
    items: list[dict[str, int]]

    @classmethod
    def of(cls, store_id: int, cart: Cart) -> "CartOut":
        return cls(id=cart.id, store_id=store_id, items=[{"sku_id": i.sku_id, "quantity": i.quantity} for i in cart.items])


class LineOut(BaseModel):
    sku_id: int
    sku_code: str
    title: str
    options: dict[str, Any]
    unit_price: MoneyOut
    quantity: int
    line_total: MoneyOut = Field(description="at list price")
    discount: MoneyOut
    payable: MoneyOut = Field(description="what the buyer pays for the line; refunds return it")
    discounts: list[dict[str, Any]] = Field(description="each promotion's share of the line: promotion, funder, minor")
    gift: bool
    points_spent: int
    warehouse_id: int

    @classmethod
    def of(cls, line: OrderLine, currency: str) -> "LineOut":
        return cls(sku_id=line.sku_id, sku_code=line.sku_code, title=line.title, options=line.options,
                   unit_price=MoneyOut.of(line.unit_price_minor, currency), quantity=line.quantity,
                   line_total=MoneyOut.of(line.line_total_minor, currency), discount=MoneyOut.of(line.discount_minor, currency),
                   payable=MoneyOut.of(line.payable_minor, currency), discounts=line.discounts, gift=line.gift,
                   points_spent=line.points_spent, warehouse_id=line.warehouse_id)


class OrderOut(BaseModel):
    id: int
    number: str
    store_id: int
    buyer_id: int
    status: str
    allowed_actions: list[str]
    held_for_group: int | None = Field(default=None, description="拼团: the group buy this paid order waits for; it ships once the group is complete")
    held_for_pool: int | None = Field(default=None, description="拼单: the pool this paid order waits for; it ships once the pool's basket reaches its threshold")
    goods: MoneyOut
    shipping: MoneyOut
    discount: MoneyOut
    total: MoneyOut
    lines: list[LineOut]
    ship_to: dict[str, Any]
    placed_at: datetime
    pay_by: datetime
    paid_at: datetime | None
    ship_by: datetime | None
    shipped_at: datetime | None
    picked_up_at: datetime | None
    carrier: str | None
    tracking_number: str | None
    delivered_at: datetime | None
    confirm_by: datetime | None
    completed_at: datetime | None
    closed_at: datetime | None
    close_reason: str | None
    points_spent: int
    points_earned: int
    pricing: dict[str, Any] | None = Field(description="every promotion the engine considered: applied (how much) or not (why)")
    shipping_method: str | None = Field(default=None, description="the logistics method the buyer chose (RULES.md §5.5)")
    sales_channel: str = Field(default="own", description="where the order came in: own, amazon, shopify, ebay, aliexpress")

    @classmethod
    def of(cls, o: Order) -> "OrderOut":
        c = o.currency
        return cls(
            id=o.id, number=o.number, store_id=o.store_id, buyer_id=o.buyer_id, status=o.status,
            allowed_actions=allowed_actions(o.status, o.held_for_group is not None or o.held_for_pool is not None), held_for_group=o.held_for_group, held_for_pool=o.held_for_pool, goods=MoneyOut.of(o.goods_minor, c),
            shipping=MoneyOut.of(o.shipping_minor, c), discount=MoneyOut.of(o.discount_minor, c),
            total=MoneyOut.of(o.total_minor, c), lines=[LineOut.of(line, c) for line in o.lines], ship_to=o.ship_to,
            placed_at=o.placed_at, pay_by=o.pay_by, paid_at=o.paid_at, ship_by=o.ship_by, shipped_at=o.shipped_at,
            picked_up_at=o.picked_up_at,
            carrier=o.carrier, tracking_number=o.tracking_number, delivered_at=o.delivered_at, confirm_by=o.confirm_by,
            completed_at=o.completed_at, closed_at=o.closed_at, close_reason=o.close_reason,
            points_spent=o.points_spent, points_earned=o.points_earned, pricing=o.pricing,
            shipping_method=o.shipping_method, sales_channel=o.sales_channel,
        )


class CheckoutOut(BaseModel):
    orders: list["OrderOut"]


class OrderPage(BaseModel):
    items: list[OrderOut]
    next_cursor: int | None


class PaymentOut(BaseModel):
    id: int
    order_id: int
    provider: str
    amount: MoneyOut
    status: str
    provider_reference: str | None
    created_at: datetime
    settled_at: datetime | None

    @classmethod
    def of(cls, p: Payment) -> "PaymentOut":
        return cls(id=p.id, order_id=p.order_id, provider=p.provider, amount=MoneyOut.of(p.amount_minor, p.currency),
                   status=p.status, provider_reference=p.provider_reference, created_at=p.created_at, settled_at=p.settled_at)


class SimulateIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"outcome": "succeeded"}]})

    outcome: Literal["succeeded", "failed"] = "succeeded"


class ShipmentIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"carrier": "SF", "tracking_number": "SF1234567890"}]})

    carrier: Annotated[str, StringConstraints(min_length=1, max_length=64), stripped(1)]
    tracking_number: Annotated[str, StringConstraints(min_length=1, max_length=64), stripped(1)]
    original_invoice: bool = Field(default=False, description=(
        "the original commercial invoice (原始商业发票) travels with the parcel; Pakistan refuses a parcel without it"))


class PickupIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"at": "2026-11-03T10:00:00Z"}]})

    at: Moment | None = Field(
        default=None, description="when the carrier scanned the parcel (揽件), no later than now; default now")


class CancelIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "buyer_changed_mind"}]})

    reason: Annotated[str, StringConstraints(min_length=1, max_length=32), stripped(1)] = "cancelled"


class EventOut(BaseModel):
    at: datetime
    type: str
    data: dict[str, Any]


class LedgerEntryOut(BaseModel):
    id: int
    at: datetime
    transfer: str
    kind: str
    account: str
    order_id: int | None
    amount: MoneyOut


class LedgerPage(BaseModel):
    items: list[LedgerEntryOut]
    next_cursor: int | None


class BalanceOut(BaseModel):
    store_id: int
    escrow: MoneyOut
    store_balance: MoneyOut
