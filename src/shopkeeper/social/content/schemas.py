"""Request and response shapes of the content and live-stream API (RULES.md §4.3)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.api.schemas import Amount, Id, In, Moment, MoneyOut, Name, stripped, to_minor
from shopkeeper.social.content import rules
from shopkeeper.social.content.moves import Party, allowed_actions
from shopkeeper.social.content.service import SessionSpec, TaskSpec
from shopkeeper.social.distribution.service import Figures

if TYPE_CHECKING:
    from shopkeeper.social.content.models import ContentTask, LiveSession
    from shopkeeper.social.distribution.models import Promoter

ContentCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{4,16}$")]
Link = Annotated[str, StringConstraints(pattern=r"^https?://\S{1,480}$")]
Brief = Annotated[str, StringConstraints(min_length=1, max_length=2000), stripped(1)]
Note = Annotated[str, StringConstraints(max_length=200), stripped()]


class InfluencerIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"promoter_id": 1, "name": "小林穿搭"}]})

    promoter_id: Id = Field(description="one of the store's promoters (the buyer joined the program, free)")
    name: Name = Field(description="the name the store knows the influencer by")


class InfluencerOut(BaseModel):
    promoter_id: int
    store_id: int
    buyer_id: int
    name: str | None
    code: str
    balance: MoneyOut

    @classmethod
    def of(cls, p: Promoter) -> "InfluencerOut":
        return cls(promoter_id=p.id, store_id=p.store_id, buyer_id=p.buyer_id, name=p.display_name, code=p.code,
                   balance=MoneyOut.of(p.balance_minor, p.currency))


class InfluencerList(BaseModel):
    items: list[InfluencerOut]


class FiguresOut(BaseModel):
    orders: int = Field(description="paid orders attributed to it")
    gmv: MoneyOut = Field(description="what those orders paid")
    refunded: MoneyOut = Field(description="refunded of them so far")
    commission: MoneyOut = Field(description="their commission now, frozen or released, less claw-backs (both levels)")

    @classmethod
    def of(cls, f: Figures, currency: str) -> "FiguresOut":
        return cls(orders=f.orders, gmv=MoneyOut.of(f.gmv_minor, currency), refunded=MoneyOut.of(f.refunded_minor, currency),
                   commission=MoneyOut.of(f.commission_minor, currency))


class SessionIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "store_id": 1, "influencer_id": 1, "title": "周五晚八点 夏季T恤专场", "starts_at": "2027-06-04T12:00:00Z",
        "ends_at": "2027-06-04T14:00:00Z", "commission_percent": "8"}]})

    store_id: Id
    influencer_id: Id = Field(description="the influencer's promoter id")
    title: Name
    starts_at: Moment
    ends_at: Moment
    commission_percent: Amount | None = Field(default=None, description="the session's own rate; none: the program's rules")

    def spec(self) -> SessionSpec:
        return SessionSpec(self.store_id, self.influencer_id, self.title, self.starts_at, self.ends_at, self.commission_percent)


class SessionOut(BaseModel):
    id: int
    store_id: int
    influencer_id: int
    title: str
    code: str
    link: str = Field(description="the share link: the store's page with the session's code")
    starts_at: datetime
    ends_at: datetime
    status: rules.SessionStatus = Field(description="scheduled | live | ended, on the clock")
    commission_percent: str | None
    figures: FiguresOut

    @classmethod
    def of(cls, s: LiveSession, now: datetime, figures: Figures, currency: str) -> "SessionOut":
        return cls(id=s.id, store_id=s.store_id, influencer_id=s.promoter_id, title=s.title, code=s.code,
                   link=f"/stores/{s.store_id}?live={s.code}", starts_at=s.starts_at, ends_at=s.ends_at,
                   status=rules.session_status(s.starts_at, s.ends_at, now), commission_percent=s.commission_percent,
                   figures=FiguresOut.of(figures, currency))


class SessionPage(BaseModel):
    items: list[SessionOut]
    next_cursor: int | None


class ContentTouchIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"code": "K7Q2MZ8P", "source": "link"}]})

    code: ContentCode = Field(description="a live session's or a content task's code")
    source: Literal["code", "link"] = "link"


class ContentTouchOut(BaseModel):
    promoter_id: int
    store_id: int
    live_session_id: int | None = Field(description="the session the touch names: it was live")
    task_id: int | None = Field(description="the task the touch names: within its sales window")
    at: datetime


class TaskIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "store_id": 1, "title": "夏季T恤穿搭短视频", "brief": "60 秒内展示两种穿搭，口播优惠码。", "product_ids": [1],
        "commission_percent": "10", "fee": "200.00", "deadline": "2027-06-10T16:00:00Z",
        "sales_until": "2027-06-30T16:00:00Z"}]})

    store_id: Id
    title: Name
    brief: Brief
    product_ids: list[Id] = Field(default_factory=list, max_length=50)
    commission_percent: Amount | None = Field(default=None, description="of what its buyers pay; none: the program's rules")
    fee: Amount = Field(default=Decimal(0), description="paid for the content when staff approve it, in the store's currency")
    deadline: Moment = Field(description="submit by then, or the task expires")
    sales_until: Moment = Field(description="orders through the task's code count from acceptance until then")

    def spec(self, currency: str) -> TaskSpec:
        return TaskSpec(self.store_id, self.title, self.brief, tuple(self.product_ids), self.deadline, self.sales_until,
                        self.commission_percent, to_minor(self.fee, currency, "fee"))


class SubmitIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"url": "https://video.example.com/v/123"}]})

    url: Link = Field(description="where the content is published")


class RejectIn(In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"note": "请口播优惠码"}]})

    note: Note = Field(description="what to change")


class TaskOut(BaseModel):
    id: int
    store_id: int
    title: str
    brief: str
    product_ids: list[int]
    commission_percent: str | None
    fee: MoneyOut
    deadline: datetime
    sales_until: datetime
    status: str = Field(description="published | accepted | submitted | approved | rejected | expired | withdrawn")
    influencer_id: int | None
    code: str | None = Field(description="given when an influencer accepts")
    submission_url: str | None
    note: str | None
    published_at: datetime
    accepted_at: datetime | None
    submitted_at: datetime | None
    decided_at: datetime | None
    figures: FiguresOut | None = Field(description="the sales it brought (store staff)")
    allowed_actions: list[str]

    @classmethod
    def of(cls, t: ContentTask, party: Party, figures: Figures | None) -> "TaskOut":
        return cls(id=t.id, store_id=t.store_id, title=t.title, brief=t.brief, product_ids=list(t.product_ids),
                   commission_percent=t.commission_percent, fee=MoneyOut.of(t.fee_minor, t.currency), deadline=t.deadline,
                   sales_until=t.sales_until, status=t.status, influencer_id=t.promoter_id, code=t.code,
                   submission_url=t.submission_url, note=t.note, published_at=t.published_at, accepted_at=t.accepted_at,
                   submitted_at=t.submitted_at, decided_at=t.decided_at,
                   figures=None if figures is None else FiguresOut.of(figures, t.currency),
                   allowed_actions=list(allowed_actions(t.status, party)))


class TaskPage(BaseModel):
    items: list[TaskOut]
    next_cursor: int | None
