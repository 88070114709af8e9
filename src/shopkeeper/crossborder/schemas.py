"""Customs request and response shapes (RULES.md §5.5, §6)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.api.schemas import In, MoneyOut, stripped
from shopkeeper.crossborder import service
from shopkeeper.crossborder.models import CustomsProfile, CustomsSeizure, OrderDutyPayer, SkuOrigin
from shopkeeper.crossborder.seizures import SeizureCause
from shopkeeper.crossborder.table import Threshold
from shopkeeper.money import Money

Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Channel = Annotated[str, StringConstraints(min_length=1, max_length=64), stripped(1)]
Rate = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,12}(\.[0-9]{1,12})?$")]


def _money(money: Money | None) -> MoneyOut | None:
    return None if money is None else MoneyOut.of(money.minor, money.currency)


class ThresholdOut(BaseModel):
    country: str
    channel: str | None = Field(description="None: every channel without an entry of its own")
    limit: MoneyOut = Field(description="de minimis (关税起征点): goods worth this much or less pay no duty")
    duty_rate: str = Field(description="of the whole goods value above the threshold, shipping excluded")
    rate_is_illustrative: bool = Field(description="true: the table's default rate, not one the sources state")
    valid_from: date | None
    valid_until: date | None
    cites: str

    @classmethod
    def of(cls, t: Threshold) -> "ThresholdOut":
        return cls(country=t.country, channel=t.channel, limit=MoneyOut.of(t.limit.minor, t.limit.currency),
                   duty_rate=str(t.duty_rate), rate_is_illustrative=t.rate_is_illustrative, valid_from=t.valid_from,
                   valid_until=t.valid_until, cites=t.cites)


class DestinationOut(BaseModel):
    country: str
    channel: str | None
    on: date
    threshold: ThresholdOut | None = Field(description="None: no threshold known there that day, so no duty estimate")
    restrictions: list[str] = Field(description="what the destination refuses (Pakistan: needs-original-invoice, ...)")
    duty_payer_fixed_at_pickup: bool = Field(description="Canada: once picked up, the duty payer no longer changes")
    promised_delivery_cap_days: int | None
    cites: str

    @classmethod
    def of(cls, view: service.DestinationView) -> "DestinationOut":
        r = view.rules
        return cls(country=view.country, channel=view.channel, on=view.on,
                   threshold=ThresholdOut.of(view.threshold) if view.threshold else None, restrictions=list(r.restrictions),
                   duty_payer_fixed_at_pickup=r.duty_payer_fixed_at_pickup,
                   promised_delivery_cap_days=r.promised_delivery_cap_days, cites=r.cites)


class HsCodeOut(BaseModel):
    code: str
    goods: str
    on: date
    conditions: list[str] = Field(description="A: import needs inspection (进口需检验检疫); B: export needs it")
    import_inspection: bool
    export_inspection: bool
    change: str | None = Field(description="the 2017 adjustment that applies: cancel-ab, ab-to-a, cancel-a")
    change_effective: date | None

    @classmethod
    def of(cls, view: service.HsCodeView) -> "HsCodeOut":
        e = view.entry
        return cls(code=view.code, goods=e.goods, on=view.on, conditions=sorted(view.conditions),
                   import_inspection="A" in view.conditions, export_inspection="B" in view.conditions, change=e.change,
                   change_effective=e.effective if e.change else None)


class ProfileIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "home_country": "CN", "channel": "hk-dhl", "duty_payer": "buyer", "rates": {"EUR": "0.1281"},
        "seller_name": "Hangzhou Tee Co.", "seller_address": "1 Wensan Road\nHangzhou 310000"}]})

    home_country: Country
    channel: Channel | None = Field(default=None, description="the usual logistics channel, e.g. hk-dhl (香港D记渠道)")
    duty_payer: Literal["buyer", "seller"] = Field(default="buyer", description="buyer: duties collect; seller: prepaid")
    rates: dict[Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")], Rate] = Field(
        default_factory=dict, max_length=20,
        description="one unit of the store's currency in another currency, to compare goods with a threshold")
    seller_name: Annotated[str, StringConstraints(max_length=200)] = ""
    seller_address: Annotated[str, StringConstraints(max_length=500)] = ""


class ProfileOut(BaseModel):
    store_id: int
    home_country: str
    channel: str | None
    duty_payer: str
    rates: dict[str, str]
    seller_name: str
    seller_address: str
    updated_at: datetime

    @classmethod
    def of(cls, p: CustomsProfile) -> "ProfileOut":
        return cls(store_id=p.store_id, home_country=p.home_country, channel=p.channel, duty_payer=p.duty_payer,
                   rates=dict(p.rates), seller_name=p.seller_name, seller_address=p.seller_address, updated_at=p.updated_at)


class OriginIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"origin_country": "CN", "used_goods": False}]})

    origin_country: Country
    used_goods: bool = Field(default=False, description="second-hand (二手); Pakistan refuses used goods")


class OriginOut(BaseModel):
    sku_id: int
    origin_country: str
    used_goods: bool

    @classmethod
    def of(cls, row: SkuOrigin) -> "OriginOut":
        return cls(sku_id=row.sku_id, origin_country=row.origin_country, used_goods=row.used_goods)


class LandedCostOut(BaseModel):
    """An estimate: local customs assess the real duty (RULES.md §6.1). It never changes what the buyer pays now."""

    store_id: int | None = None
    destination: str
    channel: str | None
    on: date = Field(description="the day whose rule was applied")
    goods: MoneyOut = Field(description="what the buyer pays for the goods, after discounts: the dutiable value")
    shipping: MoneyOut
    duty: MoneyOut | None = Field(description="None: no exchange rate to the threshold's currency")
    total: MoneyOut | None
    duty_payer: str = Field(description="buyer: paid to the carrier at the door; seller: prepaid by the seller")
    buyer_pays_at_door: MoneyOut | None
    basis: str = Field(description="at-or-under-threshold, over-threshold, no-customs-rule or no-exchange-rate")
    threshold: ThresholdOut | None
    estimate_only: bool = True

    @classmethod
    def of(cls, e: service.Estimate, store_id: int | None = None) -> "LandedCostOut":
        return cls(store_id=store_id, destination=e.destination, channel=e.channel, on=e.on,
                   goods=MoneyOut.of(e.goods.minor, e.goods.currency), shipping=MoneyOut.of(e.shipping.minor, e.shipping.currency),
                   duty=_money(e.duty), total=_money(e.total), duty_payer=e.duty_payer,
                   buyer_pays_at_door=_money(e.buyer_pays_at_door), basis=e.basis,
                   threshold=ThresholdOut.of(e.threshold) if e.threshold else None)


class DutyPayerIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"duty_payer": "seller"}]})

    duty_payer: Literal["buyer", "seller"]


class DutyPayerOut(BaseModel):
    order_id: int
    duty_payer: str
    fixed_at: datetime | None
    changed_at: datetime

    @classmethod
    def of(cls, row: OrderDutyPayer) -> "DutyPayerOut":
        return cls(order_id=row.order_id, duty_payer=row.duty_payer, fixed_at=row.fixed_at, changed_at=row.changed_at)


class SeizureIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "declared-value-mismatch",
                                                               "note": "DHL: declared value differs from the invoice"}]})

    reason: SeizureCause | None = Field(description=(
        "why customs seized the goods; none: not known yet, the platform rules once the dispute finds out (§7.1.3)"))
    note: Annotated[str, StringConstraints(max_length=500)] = ""


class SeizureOut(BaseModel):
    id: int
    order_id: int
    reason: str | None
    responsible: str = Field(description="buyer, seller, or investigation (the platform rules later)")
    source: str
    note: str
    case_id: int | None
    recorded_at: datetime

    @classmethod
    def of(cls, row: CustomsSeizure) -> "SeizureOut":
        return cls(id=row.id, order_id=row.order_id, reason=row.cause, responsible=row.responsible, source=row.source,
                   note=row.note, case_id=row.case_id, recorded_at=row.recorded_at)


class OrderCustomsOut(BaseModel):
    order_id: int
    cross_border: bool
    landed_cost: LandedCostOut | None
    duty_payer: str | None
    duty_payer_fixed: bool = Field(description="the carrier picked up an order whose destination fixes the payer then")
    duty_payer_may_change: bool
    commercial_invoice: str | None = Field(description="the PDF's path, for the store's staff and the operator")
    seizure: SeizureOut | None
