"""Request and response shapes of the assist API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.api.schemas import Amount, Id, In, MoneyOut, Name, to_minor
from shopkeeper.social.assists import rules
from shopkeeper.social.assists.models import AssistOffer, AssistReward
from shopkeeper.social.assists.service import OfferSpec, TaskView


class RewardIn(In):
    kind: Literal["coupon", "price", "free_item"] = Field(
        description="coupon: one coupon of `template_id` (a coupon template of the store); price: one unit of the offer's "
                    "SKU at `price`; free_item: one unit of the offer's SKU free")
    template_id: Id | None = None
    price: Amount | None = Field(default=None, description="price rewards: the unit price, in the store's currency")


class StepIn(In):
    helpers: Annotated[int, Field(ge=1, le=10000, description="helpers the task needs to reach this step")]
    reward: RewardIn


class OfferIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "store_id": 1, "kind": "boost", "name": "好友助力 Cotton tee", "sku_id": 1,
        "steps": [{"helpers": 3, "reward": {"kind": "coupon", "template_id": 1}},
                  {"helpers": 5, "reward": {"kind": "price", "price": "19.90"}},
                  {"helpers": 10, "reward": {"kind": "free_item"}}],
        "time_limit_hours": 24, "new_users_only": False, "helper_daily_cap": 3, "reward_valid_days": 7,
    }]})

    store_id: Id
    kind: Literal["boost", "share", "pool"] = Field(
        description="boost (邀请助力): friends help; share (分享互惠): friends open the shared link; pool (拼单): refused here, offered through POST /pools/offers")
    name: Name
    sku_id: Id | None = Field(default=None, description="the SKU the task is for; omit: the whole store (coupon rewards only)")
    steps: list[StepIn] = Field(min_length=1, max_length=20, description="helpers rising; the rulebook bounds how many")
    time_limit_hours: Annotated[int, Field(ge=1, le=10000, description="hours a task has to gather its helpers")]
    new_users_only: bool = Field(default=False, description="only buyers who never paid an order in the store may help")
    helper_daily_cap: Annotated[int, Field(ge=1, le=10000, description="tasks of the store one helper may help a day")] = 3
    reward_valid_days: Annotated[int, Field(ge=1, le=365, description="days a granted price or free-item coupon lasts")] = 7

    def to_spec(self, currency: str) -> OfferSpec:
        steps = tuple(rules.Step(s.helpers, rules.Reward(
            s.reward.kind, s.reward.template_id,
            None if s.reward.price is None else to_minor(s.reward.price, currency, "price"))) for s in self.steps)
        return OfferSpec(store_id=self.store_id, kind=self.kind, name=self.name, steps=steps,
                         time_limit_hours=self.time_limit_hours, helper_daily_cap=self.helper_daily_cap,
                         sku_id=self.sku_id, new_users_only=self.new_users_only, reward_valid_days=self.reward_valid_days)


class RewardOut(BaseModel):
    kind: str
    template_id: int | None
    price: MoneyOut | None


class StepOut(BaseModel):
    helpers: int
    reward: RewardOut


class OfferOut(BaseModel):
    id: int
    store_id: int
    kind: str
    name: str
    sku_id: int | None
    status: str
    steps: list[StepOut]
    time_limit_hours: int
    new_users_only: bool
    helper_daily_cap: int
    reward_valid_days: int
    allowed_actions: list[str] = Field(description="end: no new task opens on it (staff); open: start a task (buyers)")
    created_at: datetime
    ended_at: datetime | None

    @classmethod
    def of(cls, o: AssistOffer, manages: bool) -> "OfferOut":
        actions = (["end"] if manages else ["open"]) if o.status == "active" else []
        steps = [StepOut(helpers=s.helpers, reward=RewardOut(
            kind=s.reward.kind, template_id=s.reward.template_id,
            price=None if s.reward.price_minor is None else MoneyOut.of(s.reward.price_minor, o.currency)))
            for s in rules.decode_steps(o.steps)]
        return cls(id=o.id, store_id=o.store_id, kind=o.kind, name=o.name, sku_id=o.sku_id, status=o.status, steps=steps,
                   time_limit_hours=o.time_limit_hours, new_users_only=o.new_users_only,
                   helper_daily_cap=o.helper_daily_cap, reward_valid_days=o.reward_valid_days, allowed_actions=actions,
                   created_at=o.created_at, ended_at=o.ended_at)


class OfferPage(BaseModel):
    items: list[OfferOut]
    next_cursor: int | None


class GrantedOut(BaseModel):
    step: int
    kind: str
    status: str = Field(description="granted | unavailable (the coupon could not be issued: see reason)")
    coupon_id: int | None = Field(description="the owner's coupon (GET /me/coupons)")
    reason: str | None
    granted_at: datetime

    @classmethod
    def of(cls, r: AssistReward, owner: bool = True) -> "GrantedOut":
        """`owner` False: the helper who reached the step sees what it granted, not the owner's coupon."""
        return cls(step=r.step, kind=r.kind, status=r.status, coupon_id=r.coupon_id if owner else None, reason=r.reason, granted_at=r.granted_at)


class TaskOut(BaseModel):
    id: int
    code: str = Field(description="the share code: GET /assists/{code} shows the task, POST /assists/{code}/help helps it")
    store_id: int
    offer_id: int
    name: str
    kind: str
    buyer_id: int
    status: str = Field(description="open | complete (every step reached) | expired (time ran out; rewards granted stay)")
    helpers: int
    goal: int = Field(description="helpers the last step needs")
    steps_reached: int
    next_step_helpers: int | None
    opened_at: datetime
    expires_at: datetime
    seconds_left: int | None
    ended_at: datetime | None
    helped_by_me: bool
    rewards: list[GrantedOut] | None = Field(description="the rewards granted: the task's owner, store staff and the operator")
    allowed_actions: list[str] = Field(description="help: POST /assists/{code}/help (buyers other than the owner, once)")

    @classmethod
    def of(cls, v: TaskView) -> "TaskOut":
        t, p = v.task, v.progress
        return cls(id=t.id, code=t.code, store_id=t.store_id, offer_id=t.offer_id, name=v.offer.name, kind=v.offer.kind,
                   buyer_id=t.buyer_id, status=t.status, helpers=t.helpers, goal=t.goal, steps_reached=p.steps_reached,
                   next_step_helpers=p.next_step_helpers, opened_at=t.opened_at, expires_at=t.expires_at,
                   seconds_left=p.seconds_left, ended_at=t.ended_at, helped_by_me=v.helped,
                   rewards=None if v.rewards is None else [GrantedOut.of(r) for r in v.rewards],
                   allowed_actions=list(v.allowed_actions))


class TaskPage(BaseModel):
    items: list[TaskOut]
    next_cursor: int | None


class HelpOut(BaseModel):
    task: TaskOut
    granted: list[GrantedOut] = Field(description="the steps this help reached, each granting its reward to the owner "
                                              "(the owner's coupon ids are not shown to the helper)")

