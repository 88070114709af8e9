"""Request and response shapes of the pool (拼单) API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shopkeeper.api.schemas import Amount, Id, In, MoneyOut, Name, to_minor
from shopkeeper.orders.schemas import Code, LineIn, OrderOut
from shopkeeper.social.pools.models import PoolMember, PoolOffer
from shopkeeper.social.pools.service import OfferSpec, PoolOrder, PoolView

Hours = Annotated[int, Field(ge=1, le=10000, description="hours a pool has to reach its threshold, from the opener's payment")]


class OfferIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "store_id": 1, "name": "拼单满 199 享 9 折", "threshold_amount": "199.00", "percent_off": "10",
        "time_limit_hours": 24, "sku_ids": [],
    }]})

    store_id: Id
    name: Name
    threshold_amount: Amount | None = Field(
        default=None, description="the basket's goods at the SKUs' own prices that unlock the price (give this or threshold_items)")
    threshold_items: Annotated[int, Field(ge=1, le=100000)] | None = Field(
        default=None, description="the items in the basket that unlock the price (give this or threshold_amount)")
    percent_off: Amount = Field(description="拼单折扣: percent off every line of the pool's orders, e.g. 10 for 10% off")
    time_limit_hours: Hours
    sku_ids: list[Id] = Field(default_factory=list, max_length=100,
                              description="the SKUs a basket may hold; empty: every SKU of the store")

    @model_validator(mode="after")
    def _one_threshold(self) -> "OfferIn":
        if (self.threshold_amount is None) == (self.threshold_items is None):
            raise ValueError("give either threshold_amount or threshold_items")
        return self

    def to_spec(self, currency: str) -> OfferSpec:
        if self.threshold_amount is not None:
            basis: Literal["amount", "quantity"] = "amount"
            threshold = to_minor(self.threshold_amount, currency, "threshold_amount")
        else:
            assert self.threshold_items is not None
            basis, threshold = "quantity", self.threshold_items
        return OfferSpec(store_id=self.store_id, name=self.name, basis=basis, threshold=threshold,
                         percent_off=Decimal(self.percent_off), time_limit_hours=self.time_limit_hours,
                         sku_ids=tuple(self.sku_ids))


class OfferOut(BaseModel):
    id: int
    store_id: int
    name: str
    status: str
    basis: str = Field(description="amount: the threshold is goods at the SKUs' own prices; quantity: items")
    threshold_amount: MoneyOut | None
    threshold_items: int | None
    percent_off: Decimal
    time_limit_hours: int
    sku_ids: list[int] = Field(description="the SKUs a basket may hold; empty: every SKU of the store")
    allowed_actions: list[str] = Field(description="end: no new pool opens on it (staff)")
    created_at: datetime
    ended_at: datetime | None

    @classmethod
    def of(cls, o: PoolOffer, manages: bool) -> "OfferOut":
        amount = o.basis == "amount"
        return cls(id=o.id, store_id=o.store_id, name=o.name, status=o.status, basis=o.basis,
                   threshold_amount=MoneyOut.of(o.threshold, o.currency) if amount else None,
                   threshold_items=None if amount else o.threshold, percent_off=o.percent_off,
                   time_limit_hours=o.time_limit_hours, sku_ids=list(o.sku_ids),
                   allowed_actions=["end"] if manages and o.status == "active" else [],
                   created_at=o.created_at, ended_at=o.ended_at)


class OfferPage(BaseModel):
    items: list[OfferOut]
    next_cursor: int | None


class PoolOrderIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"address_id": 1, "lines": [{"sku_id": 1, "quantity": 2}],
                                                               "codes": []}]})

    address_id: Id
    lines: list[LineIn] = Field(min_length=1, max_length=100, description="what you add to the shared basket")
    coupon_ids: list[Id] | None = Field(default=None, max_length=20, description="use these coupons; omit to get the best")
    codes: list[Code] = Field(default_factory=list, max_length=5, description="promo codes")

    def request(self) -> PoolOrder:
        return PoolOrder(self.address_id, [line.request() for line in self.lines], self.coupon_ids, tuple(self.codes))


class MemberOut(BaseModel):
    buyer_id: int
    order_id: int
    role: str = Field(description="leader (opened the pool) | member")
    status: str = Field(description="placed | seated (paid, in the basket) | refused | left | refunded | closed")
    units: int
    amount: MoneyOut = Field(description="the order's goods at the SKUs' own prices")
    joined_at: datetime
    paid_at: datetime | None

    @classmethod
    def of(cls, m: PoolMember, currency: str) -> "MemberOut":
        return cls(buyer_id=m.buyer_id, order_id=m.order_id, role=m.role, status=m.status, units=m.units,
                   amount=MoneyOut.of(m.amount_minor, currency), joined_at=m.joined_at, paid_at=m.paid_at)


class PoolOut(BaseModel):
    id: int
    code: str = Field(description="the share code: GET /pools/{code} shows the pool, POST /pools/{code}/join adds to it")
    store_id: int
    offer_id: int
    name: str
    percent_off: Decimal
    status: str = Field(description="pending (the opener has not paid) | open | complete | failed | cancelled")
    basis: str
    threshold: int = Field(description="minor units of goods at the SKUs' own prices (basis amount), or items")
    achieved: int = Field(description="the paid basket, in the threshold's unit")
    missing: int = Field(description="what the paid basket lacks, in the threshold's unit (0 once complete or ended)")
    paid_members: int
    created_at: datetime
    opened_at: datetime | None
    expires_at: datetime | None
    seconds_left: int | None
    completed_at: datetime | None
    closed_at: datetime | None
    leader_buyer_id: int
    my_order_id: int | None = Field(description="the caller's own order in the pool, when the caller is a member")
    members: list[MemberOut] | None = Field(description="every order in the pool: store staff and the operator only")
    allowed_actions: list[str] = Field(
        description="join: add an order to the basket (POST /pools/{code}/join); leave: cancel your order before the pool "
                    "is complete (POST /orders/{my_order_id}/cancel), which takes its items out of the basket")

    @classmethod
    def of(cls, v: PoolView) -> "PoolOut":
        p, o, g = v.pool, v.offer, v.progress
        return cls(id=p.id, code=p.code, store_id=p.store_id, offer_id=p.offer_id, name=o.name, percent_off=o.percent_off,
                   status=p.status, basis=p.basis, threshold=p.threshold, achieved=g.achieved, missing=g.missing,
                   paid_members=p.paid_members, created_at=p.created_at, opened_at=p.opened_at, expires_at=p.expires_at,
                   seconds_left=g.seconds_left, completed_at=p.completed_at, closed_at=p.closed_at,
                   leader_buyer_id=p.leader_buyer_id, my_order_id=v.mine.order_id if v.mine else None,
                   members=None if v.members is None else [MemberOut.of(m, o.currency) for m in v.members],
                   allowed_actions=list(v.allowed_actions))


class PoolPage(BaseModel):
    items: list[PoolOut]
    next_cursor: int | None


class PoolOrderOut(BaseModel):
    pool: PoolOut
    order: OrderOut = Field(description="pay it (POST /orders/{id}/payments): the payment adds its items to the basket")
