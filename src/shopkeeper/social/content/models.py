"""Live sessions and content tasks (RULES.md §4.3). Their influencers are distribution's promoters (`promoters.id`);
what they sold is distribution's attributions, which name them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class LiveSession(Base):
    """An influencer's live stream (直播) for a store, scheduled from `starts_at` to `ends_at`, with its own code and
    link: a buyer who opens it while the session is live is attributed to the session."""

    __tablename__ = "live_sessions"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    promoter_id: Mapped[int] = mapped_column(ForeignKey("promoters.id"), index=True)  # the influencer
    title: Mapped[str] = mapped_column(String(120))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    commission_percent: Mapped[str | None] = mapped_column(String(12))  # none: the program's rules
    created_at: Mapped[datetime]


class ContentTask(Base):
    """A content task (内容任务) a store publishes: a brief, the products, the terms (a percentage of its buyers'
    payments, a fee for the content, or both), a deadline (a durable timer) and a sales window; one influencer accepts
    it and gets its code, submits a link, staff approve or reject."""

    __tablename__ = "content_tasks"
    __table_args__ = (CheckConstraint("fee_minor >= 0", name="fee_not_negative"),
                      CheckConstraint("sales_until >= deadline", name="sells_until_deadline"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    brief: Mapped[str] = mapped_column(String(2000))
    product_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    currency: Mapped[str] = mapped_column(String(3))
    commission_percent: Mapped[str | None] = mapped_column(String(12))  # none: the program's rules
    fee_minor: Mapped[int] = mapped_column(default=0)
    deadline: Mapped[datetime]  # content submitted by then, or the task expires
    sales_until: Mapped[datetime]  # the code's orders count from acceptance until then
    status: Mapped[str] = mapped_column(String(16))
    promoter_id: Mapped[int | None] = mapped_column(ForeignKey("promoters.id"), index=True)  # who accepted it
    code: Mapped[str | None] = mapped_column(String(16), unique=True)  # given on acceptance
    submission_url: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(String(200))  # staff's word on a rejection
    published_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
