"""Request and response shapes of the platform red-packet API. Amounts are integer minor units (`*_minor`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shopkeeper.api.schemas import Id, In, Moment, MoneyOut, Name, Quantity
from shopkeeper.orders.rules import LineRequest
from shopkeeper.orders.schemas import Code, OrderOut
from shopkeeper.social.packets import rules
from shopkeeper.social.packets.models import AdView, PacketProgram, PlatformPacket
from shopkeeper.social.packets.service import ProgramSpec
from shopkeeper.social.packets.spending import Placed

MOST = 10**12  # minor units of ten billion yuan: well inside a BIGINT
Minor = Annotated[int, Field(ge=1, le=MOST, description="integer minor units, e.g. 500 = 5.00")]
Cap = Annotated[int, Field(ge=1, le=rules.MAX_CAP)]


class ProgramIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "双11 看广告抢红包", "mode": "ad", "total_minor": 1000000, "packets": 5000, "min_minor": 50,
        "valid_days": 7, "per_person_limit": 3, "per_day_limit": 1, "min_watch_seconds": 15, "view_valid_minutes": 30,
        "min_spend_minor": 0, "currency": "CNY", "starts_at": "2026-11-01T00:00:00Z", "ends_at": "2026-11-12T00:00:00Z",
        "store_ids": [1],
    }]})

    name: Name
    mode: Literal["grab", "ad"] = Field(description="grab 抢红包 | ad 看广告抢红包 (a grab needs a watched ad's token)")
    total_minor: Minor = Field(description="the pool, funded by the platform")
    packets: Annotated[int, Field(ge=1, le=1_000_000)] = Field(description="how many packets the pool splits into")
    min_minor: Minor = Field(description="the least one packet holds")
    valid_days: Annotated[int, Field(ge=rules.MIN_VALID_DAYS, le=rules.MAX_VALID_DAYS)] = Field(
        description="a grabbed packet is usable this many days; what is left then goes back to the platform")
    per_person_limit: Cap | None = Field(default=None, description="packets one buyer may grab in all")
    per_day_limit: Cap | None = Field(default=None, description="packets one buyer may grab a day (the platform's day)")
    min_watch_seconds: Annotated[int, Field(ge=rules.MIN_WATCH_SECONDS, le=rules.MAX_WATCH_SECONDS)] | None = Field(
        default=None, description="mode ad: seconds the ad is watched before the grab")
    view_valid_minutes: Annotated[int, Field(ge=rules.MIN_VIEW_MINUTES, le=rules.MAX_VIEW_MINUTES)] | None = Field(
        default=None, description="mode ad: minutes after the ad starts its view may be used")
    min_spend_minor: Annotated[int, Field(ge=0, le=MOST)] = Field(
        default=0, description="使用门槛: the participating goods a checkout must reach for the packets to apply")
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "CNY"
    starts_at: Moment
    ends_at: Moment | None = None
    store_ids: list[Id] = Field(default_factory=list, max_length=100, description="stores the operator names; "
                                                                                  "others may opt in")

    def to_spec(self) -> ProgramSpec:
        terms = rules.ProgramTerms(
            mode=self.mode, total_minor=self.total_minor, packets=self.packets, min_minor=self.min_minor,
            valid_days=self.valid_days, per_person_limit=self.per_person_limit, per_day_limit=self.per_day_limit,
            min_watch_seconds=self.min_watch_seconds, view_valid_minutes=self.view_valid_minutes,
            min_spend_minor=self.min_spend_minor)
        return ProgramSpec(self.name, terms, self.starts_at, self.ends_at, self.currency, list(self.store_ids))


class ProgramOut(BaseModel):
    id: int
    name: str
    mode: str
    status: str
    pool: MoneyOut
    packets: int
    spent_count: int = Field(description="packets grabbed")
    spent: MoneyOut = Field(description="money grabbed")
    min_packet: MoneyOut
    valid_days: int
    per_person_limit: int | None
    per_day_limit: int | None
    min_watch_seconds: int | None
    view_valid_minutes: int | None
    min_spend: MoneyOut
    store_ids: list[int] = Field(description="the stores taking part")
    starts_at: datetime
    ends_at: datetime | None
    created_at: datetime
    allowed_actions: list[str] = Field(description="grab (buyers; an ad program: after an ad view), ad_view (buyers, an "
                                                   "ad program), join (a store's staff), end (the operator)")

    @classmethod
    def of(cls, p: PacketProgram, store_ids: list[int], actions: list[str]) -> "ProgramOut":
        c = p.currency
        return cls(id=p.id, name=p.name, mode=p.mode, status=p.status, pool=MoneyOut.of(p.total_minor, c), packets=p.packets,
                   spent_count=p.spent_count, spent=MoneyOut.of(p.spent_minor, c), min_packet=MoneyOut.of(p.min_minor, c),
                   valid_days=p.valid_days, per_person_limit=p.per_person_limit, per_day_limit=p.per_day_limit,
                   min_watch_seconds=p.min_watch_seconds, view_valid_minutes=p.view_valid_minutes,
                   min_spend=MoneyOut.of(p.min_spend_minor, c), store_ids=store_ids, starts_at=p.starts_at,
                   ends_at=p.ends_at, created_at=p.created_at, allowed_actions=actions)


class ProgramPage(BaseModel):
    items: list[ProgramOut]
    next_cursor: int | None


class JoinIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"store_id": 1}]})

    store_id: Id = Field(description="the store taking part (its staff opt in; the operator names any store)")


class JoinOut(BaseModel):
    program_id: int
    store_id: int
    joined_by: str
    joined_at: datetime


class AdViewOut(BaseModel):
    token: str = Field(description="send it with the grab, once the ad has played for min_watch_seconds")
    program_id: int
    started_at: datetime
    grab_from: datetime = Field(description="the earliest moment the grab is accepted")
    usable_until: datetime

    @classmethod
    def of(cls, v: AdView, p: PacketProgram) -> "AdViewOut":
        assert p.min_watch_seconds is not None and p.view_valid_minutes is not None
        return cls(token=v.token, program_id=v.program_id, started_at=v.started_at,
                   grab_from=v.started_at + timedelta(seconds=p.min_watch_seconds),
                   usable_until=v.started_at + timedelta(minutes=p.view_valid_minutes))


class GrabIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{}, {"ad_view_token": "9kq3b0c8v1x2y3z4a5b6c7d8e9f0g1h2"}]})

    ad_view_token: Annotated[str, Field(min_length=8, max_length=48)] | None = Field(
        default=None, description="an ad program: the token of a watched ad view (used once)")


class PacketOut(BaseModel):
    id: int
    program_id: int
    amount: MoneyOut
    left: MoneyOut = Field(description="what is left to spend")
    grabbed_at: datetime | None
    expires_at: datetime | None
    expired: MoneyOut = Field(description="what went back to the platform when it expired")

    @classmethod
    def of(cls, p: PlatformPacket, currency: str) -> "PacketOut":
        return cls(id=p.id, program_id=p.program_id, amount=MoneyOut.of(p.amount_minor, currency),
                   left=MoneyOut.of(p.left_minor, currency), grabbed_at=p.grabbed_at, expires_at=p.expires_at,
                   expired=MoneyOut.of(p.expired_minor, currency))


class WalletOut(BaseModel):
    items: list[PacketOut]
    credit: list[MoneyOut] = Field(description="what the live packets hold, per currency")


class LineIn(In):
    sku_id: Id
    quantity: Quantity

    def request(self) -> LineRequest:
        return LineRequest(self.sku_id, self.quantity)


class BasketIn(In):
    store_id: Id
    lines: list[LineIn] = Field(min_length=1, max_length=100)


class CheckoutIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "baskets": [{"store_id": 1, "lines": [{"sku_id": 1, "quantity": 2}]},
                    {"store_id": 2, "lines": [{"sku_id": 5, "quantity": 1}]}],
        "address_id": 1,
    }]})

    baskets: list[BasketIn] = Field(min_length=1, max_length=10, description="one store's lines each (跨店: several)")
    address_id: Id
    coupon_ids: list[Id] | None = Field(default=None, max_length=20, description="use these coupons; omit to get the best")
    codes: list[Code] = Field(default_factory=list, max_length=5, description="promo codes")

    @model_validator(mode="after")
    def _stores_once(self) -> "CheckoutIn":
        if len({b.store_id for b in self.baskets}) != len(self.baskets):
            raise ValueError("one basket per store")
        return self


class PlacedOut(BaseModel):
    order: OrderOut
    packets: MoneyOut = Field(description="what the buyer's platform red packets paid of it (the platform funds it)")

    @classmethod
    def of(cls, placed: Placed) -> "PlacedOut":
        return cls(order=OrderOut.of(placed.order), packets=MoneyOut.of(placed.packets_minor, placed.order.currency))


class CheckoutOut(BaseModel):
    orders: list[PlacedOut]
