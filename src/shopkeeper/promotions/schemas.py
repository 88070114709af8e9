"""API shapes for promotions, coupons and priced carts. Amounts in are major units ("12.50"); out, both."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shopkeeper.api.schemas import Amount, Id, In, Moment, Name, to_minor
from shopkeeper.members import MEMBER_LEVELS
from shopkeeper.promotions.benefit_schemas import BenefitIn, Count, Fraction, _minor
from shopkeeper.promotions.engine.benefits import (
    FreeShipping,
    Reduction,
    Tier,
)
from shopkeeper.promotions.engine.terms import Audience, Scope
from shopkeeper.promotions.explain import Lang
from shopkeeper.promotions.models import Coupon, CouponTemplate, PromotionRow
from shopkeeper.promotions.service import CouponSpec, PromotionSpec, status_at

Tag = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[a-z0-9_:-]+$")]
Level = Literal["regular", "silver", "gold", "platinum"]
assert set(Level.__args__) == set(MEMBER_LEVELS)  # type: ignore[attr-defined]

KINDS = ("threshold_reduction", "threshold_discount", "threshold_gift", "buy_a_get_b", "free_shipping", "discount",
         "price_cap", "price_floor", "uniform_price", "add_on_unit", "bundle", "second_unit", "buy_n_free_one", "bulk_price",
         "early_bird", "first_n_price", "member_price", "new_customer_price", "returning_customer_price", "birthday_price",
         "fans_price", "flash_sale", "limited_time", "points_price", "zero_price", "cross_store_reduction", "platform_discount", "other")
Kind = Literal[KINDS]  # type: ignore[valid-type]

# The business names staff read for each kind: (中文, English).
KIND_NAMES: dict[str, tuple[str, str]] = {
    "threshold_reduction": ("满减", "Threshold reduction"),
    "threshold_discount": ("满折", "Threshold discount"),
    "threshold_gift": ("满赠", "Gift over a threshold"),
    "buy_a_get_b": ("买A送B", "Buy A, get B"),
    "free_shipping": ("包邮", "Free shipping"),
    "discount": ("单品折扣", "Item discount"),
    "price_cap": ("封顶价", "Price cap"),
    "price_floor": ("N折起", "Discount with a floor"),
    "uniform_price": ("全场统一价", "Uniform price"),
    "add_on_unit": ("加价多一件", "Add-on unit"),
    "bundle": ("套餐价", "Bundle price"),
    "second_unit": ("第二件优惠", "Second-unit discount"),
    "buy_n_free_one": ("买N免一", "Buy N, one free"),
    "bulk_price": ("多买多便宜", "Bulk price"),
    "early_bird": ("早鸟价", "Early-bird price"),
    "first_n_price": ("前N名特价", "First-N-buyers price"),
    "member_price": ("会员价", "Member price"),
    "new_customer_price": ("新客价", "New-customer price"),
    "returning_customer_price": ("老客价", "Returning-customer price"),
    "birthday_price": ("生日特价", "Birthday price"),
    "fans_price": ("粉丝专享价", "Fans-only price"),  # 角色专享价 (RULES.md §3.6.1) for the store club (§4.3)
    "flash_sale": ("秒杀", "Flash sale"),
    "limited_time": ("限时折扣", "Limited-time discount"),
    "points_price": ("积分价", "Points price"),
    "zero_price": ("0元购", "Zero-price offer"),
    "cross_store_reduction": ("跨店满减", "Cross-store reduction"),
    "platform_discount": ("平台补贴", "Platform discount"),
    "other": ("其他", "Other"),
}
assert set(KIND_NAMES) == set(KINDS)


class ScopeIn(In):
    level: Literal["platform", "store", "category", "product", "sku"] = "store"
    ids: list[Id] = Field(default_factory=list, max_length=1000)
    exclude_sku_ids: list[Id] = Field(default_factory=list, max_length=1000)

    def to_scope(self, store_id: int | None) -> Scope:
        return Scope(self.level, store_id, frozenset(self.ids), frozenset(self.exclude_sku_ids))


class AudienceIn(In):
    min_member_level: Level | None = None
    customer: Literal["any", "new", "returning"] = "any"
    birthday_month: bool = False
    buyer_ids: list[Id] = Field(default_factory=list, max_length=10000, description="定向: only these buyers")
    fans_only: bool = Field(default=False, description="粉丝专享: only buyers who follow the store (not for platform promotions)")

    def to_audience(self) -> Audience:
        return Audience(self.min_member_level, self.customer, self.birthday_month, frozenset(self.buyer_ids), self.fans_only)


Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class PromotionIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "store_id": 1,
        "name": "满300减30",
        "kind": "threshold_reduction",
        "benefit": {"type": "reduction", "tiers": [{"threshold": "300", "amount_off": "30"}, {"threshold": "500", "amount_off": "60"}]},
        "scope": {"level": "store"},
        "stacking": "stacks",
        "starts_at": "2026-12-10T00:00:00+08:00",
        "ends_at": "2026-12-12T23:59:59+08:00",
    }]})

    store_id: Id | None = Field(default=None, description="omit for a platform promotion (operator only, platform-funded)")
    currency: Currency | None = Field(default=None, description="platform promotions: the currency of their amounts")
    name: Name
    kind: Kind = "other"
    benefit: BenefitIn  # a union built from the registry of kinds
    scope: ScopeIn = Field(default_factory=ScopeIn)
    audience: AudienceIn = Field(default_factory=AudienceIn)
    priority: Annotated[int, Field(ge=-1000, le=1000)] = 0
    stacking: Literal["stacks", "exclusive", "coupons_only"] = "stacks"
    tags: list[Tag] = Field(default_factory=list, max_length=10)
    excludes_tags: list[Tag] = Field(default_factory=list, max_length=10)
    earns_points: bool = True
    starts_at: Moment | None = Field(default=None, description="default: now")
    ends_at: Moment | None = Field(default=None, description="required unless open_ended")
    open_ended: bool = Field(default=False, description="no ends_at, on purpose: runs until ended (a standing member price)")
    units_cap: Count | None = Field(default=None, description="限量: units sold at this price, all buyers together")
    per_buyer_units: Count | None = Field(default=None, description="限购: units per buyer")
    first_n_buyers: Count | None = Field(default=None, description="前N名: only the first N buyers")

    def to_spec(self, currency: str, now: datetime) -> PromotionSpec:
        return PromotionSpec(
            name=self.name, kind=self.kind, benefit=self.benefit.to_benefit(currency),
            starts_at=self.starts_at or now, ends_at=self.ends_at, open_ended=self.open_ended,
            store_id=self.store_id, currency=self.currency, scope=self.scope.to_scope(self.store_id),
            audience=self.audience.to_audience(), priority=self.priority, stacking=self.stacking, tags=frozenset(self.tags),
            excludes_tags=frozenset(self.excludes_tags), earns_points=self.earns_points, units_cap=self.units_cap,
            per_buyer_units=self.per_buyer_units, first_n_buyers=self.first_n_buyers)


class PromotionOut(BaseModel):
    id: int
    store_id: int | None
    name: str
    kind: str
    status: str
    funder: str
    benefit: dict[str, Any] = Field(description="as stored: amounts in minor units")
    scope: dict[str, Any]
    audience: dict[str, Any]
    currency: str | None
    priority: int
    stacking: str
    tags: list[str]
    excludes_tags: list[str]
    earns_points: bool
    starts_at: datetime
    ends_at: datetime | None
    open_ended: bool
    units_cap: int | None
    units_used: int = Field(description="units sold at this promotion on orders not closed unpaid, capped or not")
    per_buyer_units: int | None
    first_n_buyers: int | None
    buyers_used: int
    created_at: datetime

    @classmethod
    def of(cls, row: PromotionRow, now: datetime, units_sold: int) -> "PromotionOut":
        """`status` as of `now`: a promotion past its end shows as ended (`service.status_at`); `units_sold` from
        `service.units_sold`."""
        return cls(id=row.id, store_id=row.store_id, name=row.name, kind=row.kind, status=status_at(row, now).value,
                   funder=row.funder,
                   benefit=row.rule["benefit"], scope=row.rule["scope"], audience=row.rule["audience"],
                   currency=row.rule.get("currency"), priority=row.priority, stacking=row.stacking, tags=row.tags,
                   excludes_tags=row.excludes_tags, earns_points=row.earns_points, starts_at=row.starts_at, ends_at=row.ends_at,
                   open_ended=row.open_ended,
                   units_cap=row.units_cap, units_used=units_sold, per_buyer_units=row.per_buyer_units,
                   first_n_buyers=row.first_n_buyers, buyers_used=row.buyers_used, created_at=row.created_at)


class PromotionPage(BaseModel):
    items: list[PromotionOut]
    next_cursor: int | None


# --- coupons ------------------------------------------------------------------------------------

Code = Annotated[str, StringConstraints(to_upper=True, pattern=r"^[A-Za-z0-9_-]{3,32}$")]


class CouponIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "store_id": 1,
        "name": "满200减20",
        "kind": "threshold",
        "threshold": "200",
        "amount_off": "20",
        "total_quantity": 1000,
        "per_buyer_limit": 1,
        "claim_from": "2026-12-01T00:00:00+08:00",
        "claim_until": "2026-12-12T23:59:59+08:00",
        "valid_days": 7,
    }]})

    store_id: Id | None = Field(default=None, description="omit for a platform voucher (operator only)")
    currency: Currency | None = None
    name: Name
    kind: Literal["threshold", "cash", "percent", "free_shipping"]
    threshold: Amount = Decimal(0)
    amount_off: Amount | None = None
    percent_off: Fraction | None = None
    cap: Amount | None = None
    scope: ScopeIn = Field(default_factory=ScopeIn)
    audience: AudienceIn = Field(default_factory=AudienceIn)
    stacking: Literal["stacks", "exclusive", "coupons_only"] = "stacks"
    excludes_tags: list[Tag] = Field(default_factory=list, max_length=10)
    full_price_only: bool = Field(default=False, description="消费券: original-price items only (RULES.md §3.2)")
    code: Code | None = Field(default=None, description="a code coupon (promo code) instead of a claimable one")
    total_quantity: Count | None = None
    per_buyer_limit: Annotated[int, Field(ge=1, le=100)] = 1
    claim_from: Moment | None = Field(default=None, description="default: now")
    claim_until: Moment | None = Field(default=None, description="required unless open_ended")
    open_ended: bool = Field(default=False, description="no claim_until, on purpose: claimable until ended")
    valid_from: Moment | None = None
    valid_until: Moment | None = None
    valid_days: Annotated[int, Field(ge=1, le=3650)] | None = Field(default=None, description="valid N days from claiming")

    @model_validator(mode="after")
    def _fits_kind(self) -> "CouponIn":
        need = {"threshold": self.amount_off is not None and self.threshold > 0, "cash": self.amount_off is not None,
                "percent": self.percent_off is not None, "free_shipping": True}[self.kind]
        if not need:
            raise ValueError({"threshold": "a threshold coupon needs threshold > 0 and amount_off",
                              "cash": "a cash coupon needs amount_off", "percent": "a percent coupon needs percent_off"}[self.kind])
        return self

    def to_spec(self, currency: str, now: datetime) -> CouponSpec:
        threshold = to_minor(self.threshold, currency, "threshold")
        benefit: Reduction | FreeShipping
        if self.kind == "free_shipping":
            benefit = FreeShipping(threshold)
        elif self.kind == "percent":
            benefit = Reduction((Tier(threshold, percent_off=self.percent_off),), cap=_minor(self.cap, currency, "cap"))
        else:
            benefit = Reduction((Tier(threshold if self.kind == "threshold" else 0, to_minor(self.amount_off or Decimal(0), currency)),))
        return CouponSpec(
            name=self.name, kind=self.kind, benefit=benefit, claim_from=self.claim_from or now,
            claim_until=self.claim_until, open_ended=self.open_ended, store_id=self.store_id, currency=self.currency,
            scope=self.scope.to_scope(self.store_id), audience=self.audience.to_audience(), stacking=self.stacking,
            excludes_tags=frozenset(self.excludes_tags), full_price_only=self.full_price_only, code=self.code,
            total_quantity=self.total_quantity, per_buyer_limit=self.per_buyer_limit,
            valid_from=self.valid_from, valid_until=self.valid_until, valid_days=self.valid_days)


class CouponTemplateOut(BaseModel):
    id: int
    store_id: int | None
    name: str
    kind: str
    status: str
    funder: str
    benefit: dict[str, Any] = Field(description="as stored: amounts in minor units")
    scope: dict[str, Any]
    audience: dict[str, Any]
    currency: str | None
    stacking: str
    excludes_tags: list[str]
    full_price_only: bool
    code: str | None
    total_quantity: int | None
    issued: int
    per_buyer_limit: int
    claim_from: datetime
    claim_until: datetime | None
    open_ended: bool
    valid_from: datetime | None
    valid_until: datetime | None
    valid_days: int | None

    @classmethod
    def of(cls, t: CouponTemplate, show_code: bool = True) -> "CouponTemplateOut":
        return cls(id=t.id, store_id=t.store_id, name=t.name, kind=t.kind, status=t.status, funder=t.funder,
                   benefit=t.rule["benefit"], scope=t.rule["scope"], audience=t.rule["audience"], currency=t.rule.get("currency"),
                   stacking=t.stacking, excludes_tags=t.excludes_tags, full_price_only=t.full_price_only,
                   code=t.code if show_code else None, total_quantity=t.total_quantity, issued=t.issued,
                   per_buyer_limit=t.per_buyer_limit, claim_from=t.claim_from, claim_until=t.claim_until, open_ended=t.open_ended,
                   valid_from=t.valid_from, valid_until=t.valid_until, valid_days=t.valid_days)


class CouponTemplatePage(BaseModel):
    items: list[CouponTemplateOut]
    next_cursor: int | None


class CouponOut(BaseModel):
    id: int
    template_id: int
    name: str
    kind: str
    store_id: int | None
    status: str
    valid_from: datetime
    valid_until: datetime
    order_id: int | None
    benefit: dict[str, Any]

    @classmethod
    def of(cls, c: Coupon, t: CouponTemplate) -> "CouponOut":
        return cls(id=c.id, template_id=t.id, name=t.name, kind=t.kind, store_id=c.store_id, status=c.status,
                   valid_from=c.valid_from, valid_until=c.valid_until, order_id=c.order_id, benefit=t.rule["benefit"])


class CodeIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"code": "SALE10"}]})

    code: Code


# --- what the cart-pricing routes take (kept here: the API document names it `shopkeeper__promotions__schemas__PriceIn`)

class PriceIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "address_id": 1,
        "coupon_ids": [5],
        "codes": ["SALE10"],
        "lang": "zh",
    }]})

    address_id: Id | None = Field(default=None, description="quote shipping to this address; default: the buyer's first")
    coupon_ids: list[Id] | None = Field(default=None, max_length=20, description="use these coupons; omit to let us pick the best")
    codes: list[Code] = Field(default_factory=list, max_length=5)
    lang: Lang = "zh"


class CartsPriceIn(PriceIn):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "store_ids": [1, 2],
        "address_id": 1,
        "codes": ["SALE10"],
        "lang": "en",
    }]})

    store_ids: list[Id] = Field(min_length=1, max_length=10, description="the stores whose carts are checked out together")
