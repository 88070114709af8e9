from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.api.schemas import In, Name, stripped
from shopkeeper.customers.models import Address, Buyer, StoreFollow
from shopkeeper.customers.rules import FanDay
from shopkeeper.customers.service import Standing

Short = Annotated[str, StringConstraints(max_length=80)]


class BuyerIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "Li Lei",
        "email": "lilei@example.com",
        "phone": "+86 138 0000 0000",
        "member_level": "gold",
        "birthday": "1990-05-04",
    }]})

    name: Name
    email: Annotated[str, StringConstraints(max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    member_level: Literal["regular", "silver", "gold", "platinum"] = "regular"
    birthday: date | None = None


class BuyerOut(BaseModel):
    id: int
    name: str
    email: str | None
    phone: str | None
    member_level: str
    birthday: date | None
    created_at: datetime

    @classmethod
    def of(cls, b: Buyer) -> "BuyerOut":
        return cls(id=b.id, name=b.name, email=b.email, phone=b.phone, member_level=b.member_level, birthday=b.birthday,
                   created_at=b.created_at)


class AddressIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "recipient": "Li Lei",
        "country": "CN",
        "region": "Zhejiang",
        "city": "Hangzhou",
        "line1": "1 Wensan Road",
        "postcode": "310000",
        "phone": "+86 138 0000 0000",
    }]})

    recipient: Name
    country: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
    region: Short = ""
    city: Short = ""
    line1: Annotated[str, StringConstraints(max_length=200)] = ""
    postcode: Annotated[str, StringConstraints(max_length=20)] = ""
    phone: Annotated[str, StringConstraints(max_length=40)] = ""


class AddressOut(BaseModel):
    id: int
    buyer_id: int
    recipient: str
    country: str
    region: str
    city: str
    line1: str
    postcode: str
    phone: str

    @classmethod
    def of(cls, a: Address) -> "AddressOut":
        return cls(id=a.id, buyer_id=a.buyer_id, recipient=a.recipient, country=a.country, region=a.region,
                   city=a.city, line1=a.line1, postcode=a.postcode, phone=a.phone)


class PointsOut(BaseModel):
    buyer_id: int
    balance: int


class PointsIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"delta": 200, "reason": "goodwill"}]})

    delta: Annotated[int, Field(ge=-10_000_000, le=10_000_000)]
    reason: Annotated[str, StringConstraints(min_length=1, max_length=64), stripped(1)]


# --- the store club (关注店铺) ---

class StandingOut(BaseModel):
    """The calling buyer's standing with a store's club."""

    store_id: int
    following: bool
    since: datetime | None = Field(description="when the present follow began; null when not following")
    first_followed_at: datetime | None = Field(description="the first follow ever; a refollow keeps it")

    @classmethod
    def of(cls, s: Standing) -> "StandingOut":
        return cls(store_id=s.store_id, following=s.following, since=s.since, first_followed_at=s.first_followed_at)


class FollowOut(BaseModel):
    store_id: int
    since: datetime

    @classmethod
    def of(cls, f: StoreFollow) -> "FollowOut":
        return cls(store_id=f.store_id, since=f.followed_at)


class FanDayOut(BaseModel):
    day: date = Field(description="a day on the store's clock")
    new: int = Field(description="follows that day")
    lost: int = Field(description="unfollows that day")
    net: int = Field(description="new less lost")
    total: int = Field(description="fans at the day's end")

    @classmethod
    def of(cls, d: FanDay) -> "FanDayOut":
        return cls(day=d.day, new=d.new, lost=d.lost, net=d.net, total=d.total)


class FanGrowthOut(BaseModel):
    store_id: int
    timezone: str
    days: list[FanDayOut]
