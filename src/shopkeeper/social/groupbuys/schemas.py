"""Request and response shapes of the group-buy API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.api.schemas import Amount, Id, In, MoneyOut, Name, Quantity, to_minor
from shopkeeper.orders.schemas import Code, OrderOut
from shopkeeper.social.groupbuys.models import GroupBuyMember, GroupBuyOffer, GroupBuySettings
from shopkeeper.social.groupbuys.service import GroupOrder, GroupView, OfferSpec

Hours = Annotated[int, Field(ge=1, le=10000, description="hours a group has to fill, from the opener's payment")]


class OfferIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "store_id": 1, "sku_id": 1, "name": "两人团 Cotton tee", "group_size": 2, "group_price": "39.90",
        "leader_price": "35.00", "time_limit_hours": 24, "per_buyer_limit": 2, "new_customers_only": False,
    }]})

    store_id: Id
    sku_id: Id
    name: Name
    group_size: Annotated[int, Field(ge=2, le=10000, description="N: members a group needs; the rulebook bounds it")]
    group_price: Amount = Field(description="each member's unit price, in the store's currency")
    leader_price: Amount | None = Field(default=None, description="团长价: the opener's unit price; omit: the group price")
    time_limit_hours: Hours
    per_buyer_limit: Annotated[int, Field(ge=1, le=9999, description="units one buyer may buy at the offer's prices")] = 1
    new_customers_only: bool = Field(default=False, description="only buyers who never paid an order in the store")

    def to_spec(self, currency: str) -> OfferSpec:
        def minor(amount: Decimal | None, field: str) -> int | None:
            return None if amount is None else to_minor(amount, currency, field)

        group_price = minor(self.group_price, "group_price")
        assert group_price is not None
        return OfferSpec(store_id=self.store_id, sku_id=self.sku_id, name=self.name, group_size=self.group_size,
                         group_price_minor=group_price, leader_price_minor=minor(self.leader_price, "leader_price"),
                         time_limit_hours=self.time_limit_hours, per_buyer_limit=self.per_buyer_limit,
                         new_customers_only=self.new_customers_only)


class OfferOut(BaseModel):
    id: int
    store_id: int
    sku_id: int
    name: str
    status: str
    group_size: int
    group_price: MoneyOut
    leader_price: MoneyOut | None
    time_limit_hours: int
    per_buyer_limit: int
    new_customers_only: bool
    allowed_actions: list[str] = Field(description="end: no new group opens on it (staff)")
    created_at: datetime
    ended_at: datetime | None

    @classmethod
    def of(cls, o: GroupBuyOffer, manages: bool) -> "OfferOut":
        c = o.currency
        return cls(id=o.id, store_id=o.store_id, sku_id=o.sku_id, name=o.name, status=o.status, group_size=o.group_size,
                   group_price=MoneyOut.of(o.group_price_minor, c),
                   leader_price=None if o.leader_price_minor is None else MoneyOut.of(o.leader_price_minor, c),
                   time_limit_hours=o.time_limit_hours, per_buyer_limit=o.per_buyer_limit,
                   new_customers_only=o.new_customers_only,
                   allowed_actions=["end"] if manages and o.status == "active" else [],
                   created_at=o.created_at, ended_at=o.ended_at)


class OfferPage(BaseModel):
    items: list[OfferOut]
    next_cursor: int | None


class GroupOrderIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"address_id": 1, "quantity": 1, "codes": []}]})

    address_id: Id
    quantity: Quantity = 1
    coupon_ids: list[Id] | None = Field(default=None, max_length=20, description="use these coupons; omit to get the best")
    codes: list[Code] = Field(default_factory=list, max_length=5, description="promo codes")

    def request(self) -> GroupOrder:
        return GroupOrder(self.address_id, self.quantity, self.coupon_ids, tuple(self.codes))


class MemberOut(BaseModel):
    buyer_id: int
    order_id: int
    role: str = Field(description="leader (团长, opened the group) | member")
    status: str = Field(description="placed | seated (paid, holds a seat) | refused | left | refunded | closed")
    quantity: int
    joined_at: datetime
    paid_at: datetime | None

    @classmethod
    def of(cls, m: GroupBuyMember) -> "MemberOut":
        return cls(buyer_id=m.buyer_id, order_id=m.order_id, role=m.role, status=m.status, quantity=m.quantity,
                   joined_at=m.joined_at, paid_at=m.paid_at)


class GroupOut(BaseModel):
    id: int
    code: str = Field(description="the share code: GET /group-buys/{code} shows the group, POST /group-buys/{code}/join joins it")
    store_id: int
    offer_id: int
    name: str
    sku_id: int
    group_price: MoneyOut
    status: str = Field(description="pending (the opener has not paid) | open | complete | failed | cancelled")
    size: int
    paid_members: int = Field(description="seats taken by paid orders")
    seats_left: int
    auto_filled_seats: int = Field(description="模拟成团: seats the system filled when time ran out (0: none)")
    created_at: datetime
    opened_at: datetime | None
    expires_at: datetime | None
    seconds_left: int | None
    completed_at: datetime | None
    closed_at: datetime | None
    leader_buyer_id: int
    my_order_id: int | None = Field(description="the caller's own order in the group, when the caller is a member")
    members: list[MemberOut] | None = Field(description="every order in the group: store staff and the operator only")
    allowed_actions: list[str] = Field(
        description="join: place an order in the group (POST /group-buys/{code}/join); leave: cancel your order before the "
                    "group fills (POST /orders/{my_order_id}/cancel), which frees your seat")

    @classmethod
    def of(cls, v: GroupView) -> "GroupOut":
        g, o, p = v.group, v.offer, v.progress
        return cls(id=g.id, code=g.code, store_id=g.store_id, offer_id=g.offer_id, name=o.name, sku_id=o.sku_id,
                   group_price=MoneyOut.of(o.group_price_minor, o.currency), status=g.status, size=g.size,
                   paid_members=g.paid_members, seats_left=p.seats_left, auto_filled_seats=g.auto_filled_seats,
                   created_at=g.created_at, opened_at=g.opened_at, expires_at=g.expires_at, seconds_left=p.seconds_left,
                   completed_at=g.completed_at, closed_at=g.closed_at, leader_buyer_id=g.leader_buyer_id,
                   my_order_id=v.mine.order_id if v.mine else None,
                   members=None if v.members is None else [MemberOut.of(m) for m in v.members],
                   allowed_actions=list(v.allowed_actions))


class GroupPage(BaseModel):
    items: list[GroupOut]
    next_cursor: int | None


class GroupOrderOut(BaseModel):
    group: GroupOut
    order: OrderOut = Field(description="pay it (POST /orders/{id}/payments): the payment takes the seat")


class SettingsIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"auto_fill": True, "auto_fill_seats": 1}]})

    auto_fill: bool = Field(description="模拟成团: when time runs out, complete a group missing at most auto_fill_seats members")
    auto_fill_seats: Annotated[int, Field(ge=1, le=10000)] = 1


class SettingsOut(BaseModel):
    store_id: int
    auto_fill: bool
    auto_fill_seats: int

    @classmethod
    def of(cls, s: GroupBuySettings) -> "SettingsOut":
        return cls(store_id=s.store_id, auto_fill=s.auto_fill, auto_fill_seats=s.auto_fill_seats)


