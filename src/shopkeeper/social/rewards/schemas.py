"""Request and response shapes of the reward-program API. Amounts here are integer minor units (`*_minor`):
a program's terms are the kind's own and stored as given."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.api.schemas import Id, In, Moment, MoneyOut, Name
from shopkeeper.social.rewards.kinds import KINDS, MOST
from shopkeeper.social.rewards.models import LotteryDraw, RewardGrant, RewardInvitation, RewardPrize, RewardProgram
from shopkeeper.social.rewards.service import ClaimRequest, PrizeSpec, ProgramSpec

Minor = Annotated[int, Field(ge=1, le=MOST, description="integer minor units, e.g. 500 = 5.00")]
Count = Annotated[int, Field(ge=1, le=10_000_000)]
KindName = Literal["check_in", "follow", "favourite", "review", "invite", "lottery", "cash_back", "free_order", "red_packet",
                   "trial", "check_in_lottery", "card"]
assert set(KindName.__args__) == set(KINDS)  # type: ignore[attr-defined]  # the registry and the schema agree


class RewardIn(In):
    type: Literal["coupon", "points", "credit"] = Field(
        description="coupon: one coupon of template_id; points: that many points; credit: amount_minor paid back as money")
    template_id: Id | None = None
    points: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    amount_minor: Minor | None = None

    def raw(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class PrizeIn(In):
    name: Name
    odds_ppm: Annotated[int, Field(ge=0, le=1_000_000, description="chance in parts per million")]
    stock: Annotated[int, Field(ge=0, le=10_000_000)]
    reward: RewardIn


class ProgramIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "store_id": 1, "kind": "check_in", "name": "每日签到送积分", "reward": {"type": "points", "points": 10},
        "budget_count": 10000, "per_person_limit": 31, "starts_at": "2026-11-01T00:00:00Z",
        "ends_at": "2026-12-01T00:00:00Z", "terms": {},
    }]})

    store_id: Id | None = Field(default=None, description="the store's program (its staff); omit: the platform's (the operator)")
    kind: KindName = Field(description="check_in 签到有礼 | follow 关注送券 | favourite 收藏有礼 | review 好评有礼 | "
                                       "invite 邀请有礼 | lottery 满就抽奖 | cash_back 返现 | free_order 整点免单 | "
                                       "red_packet 红包 | trial 免费试用 | check_in_lottery 签到抽奖 | "
                                       "card 先领卡再购买")
    name: Name
    terms: dict[str, int | bool | list[Annotated[int, Field(ge=0, le=MOST)]] | None] = Field(
        default_factory=dict, max_length=8,
        description="the kind's terms: lottery threshold_minor; cash_back percent_bp, cap_minor, threshold_minor, "
                    "as_points; free_order hours, minutes, cap_minor; red_packet total_minor, packets, min_minor; "
                    "favourite product_ids; trial sku_id, units (the count budget); card cards (the count budget)")
    reward: RewardIn | None = Field(default=None, description="what one grant gives (check_in, follow, favourite, review, invite; "
                                                                        "trial and card: a coupon)")
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = Field(default=None, description="a platform program's")
    budget_count: Count | None = Field(default=None, description="at most this many grants")
    budget_minor: Minor | None = Field(default=None, description="at most this much money paid as credits")
    per_person_limit: Count | None = Field(default=None, description="grants one buyer may get in the program")
    starts_at: Moment
    ends_at: Moment | None = None
    prizes: list[PrizeIn] = Field(default_factory=list, max_length=20,
                                  description="a lottery's or a check-in lottery's prize pool")

    def to_spec(self) -> ProgramSpec:
        return ProgramSpec(store_id=self.store_id, kind=self.kind, name=self.name, starts_at=self.starts_at,
                           terms=dict(self.terms), reward=self.reward.raw() if self.reward else None,
                           currency=self.currency, budget_count=self.budget_count, budget_minor=self.budget_minor,
                           per_person_limit=self.per_person_limit, ends_at=self.ends_at,
                           prizes=[PrizeSpec(p.name, p.odds_ppm, p.stock, p.reward.raw()) for p in self.prizes])


class PrizeOut(BaseModel):
    id: int
    name: str
    odds_ppm: int
    stock: int
    awarded: int
    reward: dict[str, Any]

    @classmethod
    def of(cls, p: RewardPrize) -> "PrizeOut":
        return cls(id=p.id, name=p.name, odds_ppm=p.odds_ppm, stock=p.stock, awarded=p.awarded, reward=p.reward)


class ProgramOut(BaseModel):
    id: int
    store_id: int | None = Field(description="None: the platform's program")
    kind: str
    name: str
    status: str
    terms: dict[str, Any]
    reward: dict[str, Any] | None
    budget_count: int | None
    spent_count: int
    budget: MoneyOut | None
    spent: MoneyOut
    per_person_limit: int | None
    starts_at: datetime
    ends_at: datetime | None
    created_at: datetime
    prizes: list[PrizeOut]
    allowed_actions: list[str] = Field(description="claim: POST /rewards/programs/{id}/claim (buyers, claim kinds); "
                                                   "draw: POST /rewards/programs/{id}/draw (buyers, check-in lotteries); "
                                                   "end: POST /rewards/programs/{id}/end (the owner)")

    @classmethod
    def of(cls, p: RewardProgram, prizes: list[RewardPrize], actions: list[str]) -> "ProgramOut":
        c = p.currency
        return cls(id=p.id, store_id=p.store_id, kind=p.kind, name=p.name, status=p.status, terms=p.terms, reward=p.reward,
                   budget_count=p.budget_count, spent_count=p.spent_count,
                   budget=None if p.budget_minor is None else MoneyOut.of(p.budget_minor, c),
                   spent=MoneyOut.of(p.spent_minor, c), per_person_limit=p.per_person_limit, starts_at=p.starts_at,
                   ends_at=p.ends_at, created_at=p.created_at, prizes=[PrizeOut.of(x) for x in prizes],
                   allowed_actions=actions)


class ProgramPage(BaseModel):
    items: list[ProgramOut]
    next_cursor: int | None


class ClaimIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{}, {"product_id": 3}, {"order_id": 12, "sku_id": 30}]})

    product_id: Id | None = Field(default=None, description="the product favourited (favourite programs)")
    order_id: Id | None = Field(default=None, description="the completed order reviewed (review programs)")
    sku_id: Id | None = Field(default=None, description="the SKU of the order's line reviewed (review programs)")

    def request(self) -> ClaimRequest:
        return ClaimRequest(self.product_id, self.order_id, self.sku_id)


class InvitationIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"inviter_id": 7}]})

    inviter_id: Id = Field(description="the buyer who invited you")


class InvitationOut(BaseModel):
    program_id: int
    invitee_id: int
    inviter_id: int
    at: datetime
    rewarded_at: datetime | None = Field(description="when the inviter got the reward for you (your first paid order)")

    @classmethod
    def of(cls, i: RewardInvitation) -> "InvitationOut":
        return cls(program_id=i.program_id, invitee_id=i.invitee_id, inviter_id=i.inviter_id, at=i.at,
                   rewarded_at=i.rewarded_at)


class GrantOut(BaseModel):
    id: int
    program_id: int
    store_id: int | None
    buyer_id: int
    trigger: str = Field(description="why: day:YYYY-MM-DD (check-in), follow, product:ID, line:ORDER:SKU (review), packet, "
                                     "order:ID, draw:ID, card, apply (a free-trial application: "
                                     "reward_type none)")
    reward_type: str
    coupon_id: int | None
    points: int
    amount: MoneyOut
    order_id: int | None
    at: datetime

    @classmethod
    def of(cls, g: RewardGrant) -> "GrantOut":
        return cls(id=g.id, program_id=g.program_id, store_id=g.store_id, buyer_id=g.buyer_id, trigger=g.trigger,
                   reward_type=g.reward_type, coupon_id=g.coupon_id, points=g.points,
                   amount=MoneyOut.of(g.amount_minor, g.currency), order_id=g.order_id, at=g.at)


class GrantPage(BaseModel):
    items: list[GrantOut]
    next_cursor: int | None


class DrawOut(BaseModel):
    id: int
    program_id: int
    buyer_id: int
    trigger: str
    seed: str = Field(description="random.Random(seed).randrange(1000000) gives the roll: replay it to audit the draw")
    odds: list[list[int]] = Field(description="[prize_id, odds_ppm] in draw order: the roll lands on the first whose "
                                              "running total exceeds it")
    roll: int
    drawn_prize_id: int | None
    prize_id: int | None = Field(description="the prize granted: none when the roll missed or its stock or the budget was gone")
    outcome: str = Field(description="won | no_prize | out_of_stock | budget_spent | limit_reached (a free trial: "
                                     "the `units` lowest rolls won)")
    grant_id: int | None
    at: datetime

    @classmethod
    def of(cls, d: LotteryDraw) -> "DrawOut":
        return cls(id=d.id, program_id=d.program_id, buyer_id=d.buyer_id, trigger=d.trigger, seed=d.seed, odds=d.odds,
                   roll=d.roll, drawn_prize_id=d.drawn_prize_id, prize_id=d.prize_id, outcome=d.outcome,
                   grant_id=d.grant_id, at=d.at)


class DrawPage(BaseModel):
    items: list[DrawOut]
    next_cursor: int | None
