"""Request and response shapes of the distribution (分销) API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.api.schemas import Amount, Id, In, MoneyOut, Name, stripped, to_minor
from shopkeeper.social.distribution.models import Payout, Promoter, PromoterEntry
from shopkeeper.social.distribution.moves import allowed_actions
from shopkeeper.social.distribution.rules import SECOND_LEVEL_WARNING, CommissionRule, Level, ProgramTerms

PromoterCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{4,16}$")]
PromotionRef = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,40}(:[0-9]{1,19})?$")]


class RuleIn(In):
    scope: Literal["store", "category", "product"]
    target_id: Id | None = Field(default=None, description="the category's or product's id; none for the store rule")
    percent: Amount | None = Field(default=None, description="percent of what the line paid, e.g. \"5\" for 5%")
    fixed: Amount | None = Field(default=None, description="a fixed amount per unit, in the store's currency")


class LevelIn(In):
    name: Name
    min_sales: Amount = Field(description="released sales (never recruits) that reach this level")
    bonus_percent: Amount = Field(default=Decimal(0), description="added to percentage rules at this level")


class ProgramIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "enabled": True, "attribution_days": 7,
        "rules": [{"scope": "store", "percent": "5"}, {"scope": "product", "target_id": 1, "fixed": "3.00"}],
        "levels": [{"name": "银牌推广员", "min_sales": "1000.00", "bonus_percent": "1"}],
        "excluded_promotions": ["campaign-entry"],
    }]})

    enabled: bool = True
    attribution_days: Annotated[int, Field(ge=1, le=3650, description="the last touch within these days wins an order")] = 7
    rules: list[RuleIn] = Field(default_factory=list, max_length=200)
    levels: list[LevelIn] = Field(default_factory=list, max_length=20)
    level_basis: Literal["sales", "recruits"] = Field(default="sales", description="what raises a level; only sales is lawful")
    entry_fee: Amount = Field(default=Decimal(0), description="refused unless 0: joining is free (禁止传销条例 Art. 7 form 2)")
    required_purchase: Amount = Field(default=Decimal(0), description="refused unless 0: joining needs no purchase (form 2)")
    pay_per_recruit: Amount = Field(default=Decimal(0), description="refused unless 0: recruiting is never paid (form 1)")
    levels_paid: Annotated[int, Field(ge=1, le=100, description="1, or 2 with the warned opt-in; never more (form 3)")] = 1
    second_level_opt_in: bool = Field(default=False, description="pay a promoter's direct recruiter on the same sale")
    acknowledged_warning: bool = Field(default=False, description="the store read second_level_warning")
    second_level_percent: Amount = Field(default=Decimal(0), description="the recruiter's percent, below every first-level one")
    excluded_promotions: list[PromotionRef] = Field(
        default_factory=list, max_length=50,
        description="orders priced by these promotions earn no commission: a kind (campaign-entry) or one (campaign-entry:3)")

    def terms(self, currency: str) -> ProgramTerms:
        def minor(amount: Decimal, field: str) -> int:
            return to_minor(amount, currency, field)

        return ProgramTerms(
            enabled=self.enabled, attribution_days=self.attribution_days,
            rules=tuple(CommissionRule(r.scope, r.target_id, r.percent, None if r.fixed is None else minor(r.fixed, "fixed"))
                        for r in self.rules),
            levels=tuple(Level(v.name, minor(v.min_sales, "min_sales"), v.bonus_percent) for v in self.levels),
            level_basis=self.level_basis, entry_fee_minor=minor(self.entry_fee, "entry_fee"),
            required_purchase_minor=minor(self.required_purchase, "required_purchase"),
            pay_per_recruit_minor=minor(self.pay_per_recruit, "pay_per_recruit"), levels_paid=self.levels_paid,
            second_level_opt_in=self.second_level_opt_in, acknowledged_warning=self.acknowledged_warning,
            second_level_percent=self.second_level_percent, excluded_promotions=tuple(self.excluded_promotions),
        )


class RuleOut(BaseModel):
    scope: str
    target_id: int | None
    percent: str | None
    fixed: MoneyOut | None


class LevelOut(BaseModel):
    level: int
    name: str
    min_sales: MoneyOut
    bonus_percent: str


class ProgramOut(BaseModel):
    store_id: int
    enabled: bool
    attribution_days: int
    rules: list[RuleOut]
    levels: list[LevelOut]
    levels_paid: int
    second_level_opt_in: bool
    acknowledged_warning: bool
    second_level_percent: str
    excluded_promotions: list[str]
    second_level_warning: str = Field(description="what a store acknowledges before paying a second level")

    @classmethod
    def of(cls, store_id: int, t: ProgramTerms, currency: str) -> "ProgramOut":
        return cls(store_id=store_id, enabled=t.enabled, attribution_days=t.attribution_days,
                   rules=[RuleOut(scope=r.scope, target_id=r.target_id, percent=None if r.percent is None else str(r.percent),
                                  fixed=None if r.fixed_minor is None else MoneyOut.of(r.fixed_minor, currency)) for r in t.rules],
                   levels=[LevelOut(level=n, name=v.name, min_sales=MoneyOut.of(v.min_sales_minor, currency),
                                    bonus_percent=str(v.bonus_percent)) for n, v in enumerate(t.levels, 1)],
                   levels_paid=t.levels_paid, second_level_opt_in=t.second_level_opt_in,
                   acknowledged_warning=t.acknowledged_warning, second_level_percent=str(t.second_level_percent),
                   excluded_promotions=list(t.excluded_promotions), second_level_warning=SECOND_LEVEL_WARNING)


class JoinIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"store_id": 1, "recruiter_code": "K7M2Q9XA"}]})

    store_id: Id
    recruiter_code: PromoterCode | None = Field(default=None, description="who invited you; recorded, never paid for")


class PromoterOut(BaseModel):
    id: int
    store_id: int
    buyer_id: int
    code: str = Field(description="share it: POST /promoters/touch with it, or a link carrying ?ref=CODE")
    recruiter_id: int | None
    level: int = Field(description="0: none yet; rises with released sales only")
    released_sales: MoneyOut
    frozen: MoneyOut = Field(description="commission on paid orders whose after-sales window is still open")
    released: MoneyOut = Field(description="commission released in all")
    clawed_back: MoneyOut = Field(description="commission taken back for refunds in all")
    paid_out: MoneyOut
    balance: MoneyOut = Field(description="payable now: released less later claw-backs and payouts; negative is carried")
    joined_at: datetime

    @classmethod
    def of(cls, p: Promoter) -> "PromoterOut":
        c = p.currency
        return cls(id=p.id, store_id=p.store_id, buyer_id=p.buyer_id, code=p.code, recruiter_id=p.recruiter_id, level=p.level,
                   released_sales=MoneyOut.of(p.released_sales_minor, c), frozen=MoneyOut.of(p.frozen_minor, c),
                   released=MoneyOut.of(p.released_minor, c), clawed_back=MoneyOut.of(p.clawed_back_minor, c),
                   paid_out=MoneyOut.of(p.paid_out_minor, c), balance=MoneyOut.of(p.balance_minor, c), joined_at=p.joined_at)


class PromoterPage(BaseModel):
    items: list[PromoterOut]
    next_cursor: int | None


class TouchIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"code": "K7M2Q9XA", "source": "link"}]})

    code: PromoterCode
    source: Literal["code", "link"] = Field(default="code", description="entered the code, or opened a share link")


class TouchOut(BaseModel):
    promoter_id: int
    store_id: int
    source: str
    at: datetime


class EntryOut(BaseModel):
    id: int
    kind: str = Field(description="frozen | released | clawed_back | paid_out")
    amount: MoneyOut
    order_id: int | None
    commission_id: int | None
    payout_id: int | None
    at: datetime

    @classmethod
    def of(cls, e: PromoterEntry) -> "EntryOut":
        return cls(id=e.id, kind=e.kind, amount=MoneyOut.of(e.amount_minor, e.currency), order_id=e.order_id,
                   commission_id=e.commission_id, payout_id=e.payout_id, at=e.at)


class StatementOut(BaseModel):
    promoter: PromoterOut
    entries: list[EntryOut]
    next_cursor: int | None


class PayoutIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"amount": "50.00"}]})

    amount: Amount


class DecisionIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"note": "bank details do not match"}]})

    note: Annotated[str, StringConstraints(max_length=200), stripped()] | None = None


class PayoutOut(BaseModel):
    id: int
    promoter_id: int | None = Field(description="the promoter paid; none when a community leader is")
    leader_id: int | None = Field(description="the community leader (团长) paid; none when a promoter is")
    amount: MoneyOut
    status: str = Field(description="requested | approved | rejected")
    requested_at: datetime
    decided_at: datetime | None
    note: str | None
    allowed_actions: list[str] = Field(description="approve, reject: store staff")

    @classmethod
    def of(cls, p: Payout, staff: bool) -> "PayoutOut":
        return cls(id=p.id, promoter_id=p.promoter_id, leader_id=p.leader_id, amount=MoneyOut.of(p.amount_minor, p.currency), status=p.status,
                   requested_at=p.requested_at, decided_at=p.decided_at, note=p.note,
                   allowed_actions=list(allowed_actions(p.status, "staff")) if staff else [])


class PayoutPage(BaseModel):
    items: list[PayoutOut]
    next_cursor: int | None
