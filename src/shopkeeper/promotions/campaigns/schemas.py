from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.api.schemas import Amount, Id, In, Moment, MoneyOut, Name, Text, to_minor
from shopkeeper.errors import InvalidInput
from shopkeeper.promotions.campaigns import rules
from shopkeeper.promotions.campaigns.models import Campaign, CampaignEntry
from shopkeeper.promotions.campaigns.service import CampaignSpec, EntrySpec
from shopkeeper.promotions.engine.terms import Stacking

Fraction = Annotated[Decimal, Field(ge=0, lt=1, max_digits=5, decimal_places=4, allow_inf_nan=False)]
MemberLevel = Literal["regular", "silver", "gold", "platinum"]


class PhaseIn(In):
    name: rules.PhaseName
    starts_at: Moment
    ends_at: Moment


class AudienceIn(In):
    """All members, members from a level up (regular < silver < gold < platinum), or new customers."""

    kind: rules.AudienceKind = "all_members"
    min_member_level: MemberLevel | None = None


class ProductsIn(In):
    """The whole store (全场; in a platform campaign, every store), some categories with their sub-categories, or some SKUs."""

    scope: rules.ProductScopeLevel = "store"
    ids: list[Id] = Field(default_factory=list, max_length=1000)


class CampaignIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "store_id": 1,
        "theme": "双12 年终盛典",
        "goals": ["conversion"],
        "starts_at": "2026-12-10T00:00:00+08:00",
        "ends_at": "2026-12-12T23:59:59+08:00",
        "phases": [{"name": "warm_up", "starts_at": "2026-12-10T00:00:00+08:00", "ends_at": "2026-12-11T23:59:59+08:00"},
                   {"name": "main", "starts_at": "2026-12-12T00:00:00+08:00", "ends_at": "2026-12-12T23:59:59+08:00"}],
        "products": {"scope": "store", "ids": []},
        "discount": "0.10",
        "basis": "last_n_days",
        "basis_days": 30,
        "earns_points": False,
        "stacking": "exclusive",
        "per_account_limit": 2,
    }]})

    store_id: Id | None = Field(default=None, description="the store running it; null for a platform campaign stores sign up to")
    theme: Name
    goals: list[rules.Goal] = Field(default_factory=list, max_length=5)
    notes: Text = ""
    starts_at: Moment
    ends_at: Moment = Field(description=f"at most {rules.MAX_CAMPAIGN_DAYS} days after starts_at")
    phases: list[PhaseIn] = Field(default_factory=list, max_length=4,
                                  description="build_up, warm_up, main, review in that order, inside the window; none: the whole window is main")
    audience: AudienceIn = Field(default_factory=AudienceIn)
    products: ProductsIn = Field(default_factory=ProductsIn)
    discount: Fraction = Field(description="the activity price must be at least this fraction below the basis: '0.10' is 10%")
    basis: rules.BasisKind = Field(description="last_n_days: the lowest price of the last basis_days days; "
                                               "calendar_year: the lowest since 1 January (AliExpress)")
    basis_days: Annotated[int, Field(ge=1, le=366)] | None = None
    earns_points: bool
    stacking: Stacking
    per_account_limit: Annotated[int, Field(ge=1, le=9999)] | None = Field(description="units per buyer; null for no limit")
    registration_required: bool = Field(default=False, description="an unregistered shopper must register before buying (§3.1 #6)")
    stock_check: rules.StockCheckMode = "product"
    min_stock: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0
    ship_within_hours: Annotated[int, Field(ge=1, le=24 * 90)] | None = Field(
        default=None, description="orders paid during the campaign with its prices ship within this many hours "
                                  "(big promotions' own pickup rules, RULES.md §7.3); null: the rulebook's")

    def spec(self) -> CampaignSpec:
        return CampaignSpec(
            store_id=self.store_id, theme=self.theme, goals=tuple(self.goals), notes=self.notes,
            starts_at=self.starts_at, ends_at=self.ends_at,
            phases=tuple(rules.Phase(p.name, p.starts_at, p.ends_at) for p in self.phases),
            audience=self.audience.kind, min_member_level=self.audience.min_member_level,
            product_scope=self.products.scope, product_ids=tuple(self.products.ids),
            discount=self.discount, basis=self.basis, basis_days=self.basis_days, earns_points=self.earns_points,
            stacking=self.stacking, per_account_limit=self.per_account_limit,
            registration_required=self.registration_required, stock_check=self.stock_check, min_stock=self.min_stock,
            ship_within_hours=self.ship_within_hours,
        )


class CancelIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"reason": "stock did not arrive in time"}]})

    reason: Annotated[str, StringConstraints(max_length=400)] = ""


class PhaseOut(BaseModel):
    name: str
    starts_at: datetime
    ends_at: datetime


class AudienceOut(BaseModel):
    kind: str
    min_member_level: str | None


class ProductsOut(BaseModel):
    scope: str
    ids: list[int]


class CampaignOut(BaseModel):
    id: int
    store_id: int | None
    theme: str
    goals: list[str]
    notes: str
    starts_at: datetime
    ends_at: datetime
    phases: list[PhaseOut]
    status: str = Field(description="upcoming, the running phase's name, between_phases, ended or cancelled")
    audience: AudienceOut
    products: ProductsOut
    discount: str
    basis: str
    basis_days: int | None
    earns_points: bool
    stacking: str
    per_account_limit: int | None
    registration_required: bool
    stock_check: str
    min_stock: int
    ship_within_hours: int | None
    created_at: datetime
    cancelled_at: datetime | None
    cancel_reason: str

    @classmethod
    def of(cls, c: Campaign, phases: list[rules.Phase], status: str) -> "CampaignOut":
        return cls(
            id=c.id, store_id=c.store_id, theme=c.theme, goals=c.goals, notes=c.notes, starts_at=c.starts_at,
            ends_at=c.ends_at, phases=[PhaseOut(name=p.name, starts_at=p.starts_at, ends_at=p.ends_at) for p in phases],
            status=status, audience=AudienceOut(kind=c.audience, min_member_level=c.min_member_level),
            products=ProductsOut(scope=c.product_scope, ids=c.product_ids), discount=c.discount, basis=c.basis,
            basis_days=c.basis_days, earns_points=c.earns_points, stacking=c.stacking,
            per_account_limit=c.per_account_limit, registration_required=c.registration_required,
            stock_check=c.stock_check, min_stock=c.min_stock, ship_within_hours=c.ship_within_hours, created_at=c.created_at, cancelled_at=c.cancelled_at,
            cancel_reason=c.cancel_reason,
        )


class CampaignPage(BaseModel):
    items: list[CampaignOut]
    next_cursor: int | None


class EntrySkuIn(In):
    sku_id: Id
    price: Amount = Field(description="the activity price (活动价) in the store's currency")


class EntryIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "product_id": 1,
        "tier": "activity_item",
        "skus": [{"sku_id": 1, "price": "49.90"}, {"sku_id": 2, "price": "55.00"}],
    }]})

    product_id: Id
    tier: rules.Tier = Field(description="main_hit 主打爆款, activity_item 活动单品, volume_item 冲量单品, clearance_item 清仓单品")
    skus: list[EntrySkuIn] = Field(min_length=1, max_length=200, description="the ticked SKUs, each with its activity price")

    def spec(self, currency: str) -> EntrySpec:
        ids = [s.sku_id for s in self.skus]
        if len(set(ids)) != len(ids):
            raise InvalidInput("each SKU may be ticked once")
        return EntrySpec(product_id=self.product_id, tier=self.tier,
                         prices={s.sku_id: to_minor(s.price, currency, "price") for s in self.skus})


class EntrySkuOut(BaseModel):
    sku_id: int
    price: MoneyOut


class CheckOut(BaseModel):
    name: str
    passed: bool
    detail: str
    sku_id: int | None
    money: dict[str, MoneyOut] = Field(description="threshold_price: price, basis and threshold; stock: lowest_price")
    facts: dict[str, Any]

    @classmethod
    def of(cls, check: dict[str, Any], currency: str) -> "CheckOut":
        return cls(name=check["name"], passed=check["passed"], detail=check["detail"], sku_id=check.get("sku_id"),
                   money={k: MoneyOut.of(v, currency) for k, v in check.get("money", {}).items()},
                   facts=check.get("facts", {}))


class EntryOut(BaseModel):
    id: int
    campaign_id: int
    store_id: int
    product_id: int
    tier: str
    tier_enters: list[str] = Field(description="the activities this tier goes into (RULES.md §3.4)")
    status: str = Field(description="accepted or rejected; `checks` gives every reason")
    skus: list[EntrySkuOut]
    checks: list[CheckOut]
    created_at: datetime

    @classmethod
    def of(cls, e: CampaignEntry, prices: dict[int, int]) -> "EntryOut":
        return cls(id=e.id, campaign_id=e.campaign_id, store_id=e.store_id, product_id=e.product_id, tier=e.tier,
                   tier_enters=list(rules.TIER_ENTERS.get(e.tier, ())), status=e.status,
                   skus=[EntrySkuOut(sku_id=s, price=MoneyOut.of(p, e.currency)) for s, p in sorted(prices.items())],
                   checks=[CheckOut.of(c, e.currency) for c in e.checks], created_at=e.created_at)


class EntryPage(BaseModel):
    items: list[EntryOut]
    next_cursor: int | None
