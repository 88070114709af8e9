"""Request and response shapes of the community group-buying API (社区团购)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.api.schemas import Id, In, MoneyOut, Name, stripped
from shopkeeper.orders.schemas import Code, LineIn, OrderOut
from shopkeeper.social.community import rules
from shopkeeper.social.community.models import CommunityOrder, CommunitySettings, Leader, PickupPoint, Wave
from shopkeeper.social.community.moves import wave_actions
from shopkeeper.social.community.payouts import Balance
from shopkeeper.social.community.service import CommunityOrderRequest, PointSpec
from shopkeeper.social.community.waves import LeaderView

Cutoff = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Place = Annotated[str, StringConstraints(min_length=1, max_length=200), stripped(1)]
PickupCode = Annotated[str, StringConstraints(min_length=4, max_length=16, pattern=r"^[A-Za-z0-9]+$")]


class SettingsIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "enabled": True, "cutoffs": ["10:00", "20:00"], "unpicked_days": 3, "unpicked_outcome": "return", "leader_rate": "0.05",
    }]})

    enabled: bool = True
    cutoffs: list[Cutoff] = Field(min_length=1, max_length=24, description="daily cut-offs HH:MM on the store's clock: "
                                  "a paid order gathers in the wave whose cut-off comes next")
    unpicked_days: Annotated[int, Field(ge=1, le=365, description="days a delivered order waits for its buyer")]
    unpicked_outcome: Literal["refund", "return"] = Field(
        description="refund: the buyer is refunded, the goods stay at the point; return: refunded, the goods back in stock")
    leader_rate: Decimal = Field(ge=0, le=1, max_digits=6, decimal_places=4,
                                 description="the leader's commission: this fraction of what a collected order paid")

    def terms(self) -> rules.Settings:
        return rules.Settings(self.enabled, tuple(self.cutoffs), self.unpicked_days, self.unpicked_outcome, self.leader_rate)


class SettingsOut(BaseModel):
    store_id: int
    enabled: bool
    cutoffs: list[str]
    unpicked_days: int
    unpicked_outcome: str
    leader_rate: str
    updated_at: datetime

    @classmethod
    def of(cls, s: CommunitySettings) -> "SettingsOut":
        return cls(store_id=s.store_id, enabled=s.enabled, cutoffs=list(s.cutoffs), unpicked_days=s.unpicked_days,
                   unpicked_outcome=s.unpicked_outcome, leader_rate=s.leader_rate, updated_at=s.updated_at)


class PointIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "store_id": 1, "name": "3号楼便利店", "community": "阳光花园", "country": "CN", "region": "湖南", "city": "长沙",
        "line1": "阳光花园3号楼底商",
    }]})

    store_id: Id
    name: Name
    community: Name = Field(description="the residential compound (小区) the point serves")
    country: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")]
    region: Annotated[str, StringConstraints(max_length=80)] = ""
    city: Annotated[str, StringConstraints(max_length=80)] = ""
    line1: Place

    def spec(self) -> PointSpec:
        return PointSpec(self.store_id, self.name, self.community, self.country, self.line1, self.region, self.city)


class PointOut(BaseModel):
    id: int
    store_id: int
    name: str
    community: str
    country: str
    region: str
    city: str
    line1: str
    status: str = Field(description="active | closed")
    created_at: datetime

    @classmethod
    def of(cls, p: PickupPoint) -> "PointOut":
        return cls(id=p.id, store_id=p.store_id, name=p.name, community=p.community, country=p.country, region=p.region,
                   city=p.city, line1=p.line1, status=p.status, created_at=p.created_at)


class PointPage(BaseModel):
    items: list[PointOut]
    next_cursor: int | None


class LeaderIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"pickup_point_id": 1, "buyer_id": 7, "name": "王阿姨"}]})

    pickup_point_id: Id
    buyer_id: Id = Field(description="the buyer who leads the point (团长)")
    name: Name


class LeaderOut(BaseModel):
    id: int
    store_id: int
    buyer_id: int
    pickup_point_id: int
    code: str = Field(description="the leader's link code: buyers order through POST /leaders/{code}/orders")
    name: str
    status: str = Field(description="active | suspended")
    appointed_at: datetime

    @classmethod
    def of(cls, v: Leader) -> "LeaderOut":
        return cls(id=v.id, store_id=v.store_id, buyer_id=v.buyer_id, pickup_point_id=v.pickup_point_id, code=v.code,
                   name=v.name, status=v.status, appointed_at=v.appointed_at)


class LeaderPage(BaseModel):
    items: list[LeaderOut]
    next_cursor: int | None


class CommunityOrderIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"address_id": 1, "lines": [{"sku_id": 1, "quantity": 2}]}]})

    address_id: Id = Field(description="the buyer's address: its recipient and phone go with the order to the point")
    lines: list[LineIn] = Field(min_length=1, max_length=100)
    coupon_ids: list[Id] | None = Field(default=None, max_length=20, description="use these coupons; omit to get the best")
    codes: list[Code] = Field(default_factory=list, max_length=5, description="promo codes")

    def request(self) -> CommunityOrderRequest:
        return CommunityOrderRequest(self.address_id, [line.request() for line in self.lines], self.coupon_ids, tuple(self.codes))


class PickupOut(BaseModel):
    order_id: int
    leader_id: int
    pickup_point_id: int
    wave_id: int | None
    status: str = Field(description="placed | paid (in a wave) | delivered | collected | closed | refunded | returned")
    pickup_code: str | None = Field(description="shown to the buyer once the order reaches the point")
    placed_at: datetime
    paid_at: datetime | None
    delivered_at: datetime | None
    collected_at: datetime | None

    @classmethod
    def of(cls, c: CommunityOrder, show_code: bool = False) -> "PickupOut":
        return cls(order_id=c.order_id, leader_id=c.leader_id, pickup_point_id=c.pickup_point_id, wave_id=c.wave_id,
                   status=c.status, pickup_code=c.pickup_code if show_code else None, placed_at=c.placed_at,
                   paid_at=c.paid_at, delivered_at=c.delivered_at, collected_at=c.collected_at)


class CommunityOrderOut(BaseModel):
    pickup: PickupOut
    order: OrderOut = Field(description="pay it (POST /orders/{id}/payments): the payment puts it in the next wave")


class PickupIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"code": "K7Q2M9XD"}]})

    code: PickupCode = Field(description="the buyer's pickup code")


class WaveOut(BaseModel):
    id: int
    store_id: int
    cutoff_at: datetime
    status: str = Field(description="open | closed (pick list final) | delivered | settled (pickup deadline passed)")
    closed_at: datetime | None
    delivered_at: datetime | None
    pickup_by: datetime | None
    allowed_actions: list[str] = Field(description="deliver: the goods reached the points (POST /waves/{id}/delivery)")

    @classmethod
    def of(cls, w: Wave, manages: bool = True) -> "WaveOut":
        return cls(id=w.id, store_id=w.store_id, cutoff_at=w.cutoff_at, status=w.status, closed_at=w.closed_at,
                   delivered_at=w.delivered_at, pickup_by=w.pickup_by,
                   allowed_actions=[str(a) for a in wave_actions(w.status, "staff")] if manages else [])


class WavePage(BaseModel):
    items: list[WaveOut]
    next_cursor: int | None


class SkuTotalOut(BaseModel):
    sku_id: int
    sku_code: str
    title: str
    quantity: int

    @classmethod
    def of(cls, t: rules.SkuTotal) -> "SkuTotalOut":
        return cls(sku_id=t.sku_id, sku_code=t.sku_code, title=t.title, quantity=t.quantity)


class PickOrderOut(BaseModel):
    order_id: int
    lines: list[SkuTotalOut]


class LeaderPickOut(BaseModel):
    leader_id: int
    totals: list[SkuTotalOut]
    orders: list[PickOrderOut]

    @classmethod
    def of(cls, p: rules.LeaderPick) -> "LeaderPickOut":
        return cls(leader_id=p.leader_id, totals=[SkuTotalOut.of(t) for t in p.totals],
                   orders=[PickOrderOut(order_id=o.order_id, lines=[SkuTotalOut(sku_id=x.sku_id, sku_code=x.sku_code,
                                                                                title=x.title, quantity=x.quantity)
                                                                    for x in o.lines]) for o in p.orders])


class PickListOut(BaseModel):
    wave: WaveOut
    totals: list[SkuTotalOut] = Field(description="商家配货: units per SKU for the whole wave")
    leaders: list[LeaderPickOut] = Field(description="per leader (pickup point): units per SKU and each order's lines")

    @classmethod
    def of(cls, wave: Wave, p: rules.PickList) -> "PickListOut":
        return cls(wave=WaveOut.of(wave), totals=[SkuTotalOut.of(t) for t in p.totals],
                   leaders=[LeaderPickOut.of(x) for x in p.leaders])


class FiguresOut(BaseModel):
    frozen: MoneyOut
    released: MoneyOut = Field(description="released and not clawed back (before payouts: see `payouts.payable`)")
    clawed_back: MoneyOut


class PayoutFiguresOut(BaseModel):
    paid_out: MoneyOut = Field(description="what approved payouts took")
    payable: MoneyOut = Field(description="released less claw-backs after release and payouts: what the leader may ask for")


class LeaderViewOut(BaseModel):
    leader: LeaderOut
    point: PointOut
    commission: FiguresOut
    payouts: PayoutFiguresOut
    waves: list[WaveOut]
    wave: WaveOut | None
    pick_list: LeaderPickOut | None

    @classmethod
    def of(cls, v: LeaderView, manages: bool, balance: Balance) -> "LeaderViewOut":
        c = v.currency
        mine = v.picks.leaders[0] if v.picks and v.picks.leaders else None
        return cls(leader=LeaderOut.of(v.leader), point=PointOut.of(v.point),
                   commission=FiguresOut(**{k: MoneyOut.of(v.figures[k], c) for k in ("frozen", "released", "clawed_back")}),
                   payouts=PayoutFiguresOut(paid_out=MoneyOut.of(balance.paid_out, c), payable=MoneyOut.of(balance.payable, c)),
                   waves=[WaveOut.of(w, manages) for w in v.waves], wave=WaveOut.of(v.wave, manages) if v.wave else None,
                   pick_list=LeaderPickOut.of(mine) if mine else None)
