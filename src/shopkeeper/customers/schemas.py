from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.api.schemas import In, Name
from shopkeeper.customers.models import Address, Buyer

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
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
