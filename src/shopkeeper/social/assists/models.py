"""Assist offers (邀请助力 / 分享互惠), the tasks buyers open on them, each helper's help, the rewards granted, and
how many tasks each helper helped in a store on a day."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class AssistOffer(Base):
    """What a store offers for helpers: a task on its SKU (or the whole store) whose steps unlock rewards.

    `steps` is the ordered list `[{"helpers": n, "reward": {"kind": "coupon", "template_id": t} | {"kind": "price",
    "price_minor": p} | {"kind": "free_item"}}]`, helpers strictly rising (rules.check_offer)."""

    __tablename__ = "assist_offers"
    __table_args__ = (
        CheckConstraint("time_limit_hours >= 1", name="time_limit_positive"),
        CheckConstraint("helper_daily_cap >= 1", name="cap_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    sku_id: Mapped[int | None] = mapped_column(ForeignKey("skus.id"))  # None: the task is for the whole store
    kind: Mapped[str] = mapped_column(String(8))  # boost (邀请助力) | share (分享互惠)
    name: Mapped[str] = mapped_column(String(120))
    currency: Mapped[str] = mapped_column(String(3))
    steps: Mapped[list[dict[str, Any]]]
    time_limit_hours: Mapped[int]
    new_users_only: Mapped[bool] = mapped_column(default=False)  # helpers who never paid an order in the store
    helper_daily_cap: Mapped[int]  # tasks of this store a helper may help in a day when helping on this offer
    reward_valid_days: Mapped[int]  # how long a granted price or free-item coupon stays usable
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | ended
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class AssistTask(Base):
    """A buyer's task on an offer, shared by its code; `helpers` moves only by one conditional UPDATE (service.help).

    `open_for` is "offer:buyer" while the task is open and NULL once it ends: its unique index keeps one open task
    per buyer per offer, in the database."""

    __tablename__ = "assist_tasks"
    __table_args__ = (
        CheckConstraint("helpers >= 0 AND helpers <= goal", name="helpers_within_goal"),
        Index("ix_assist_tasks_offer_status", "offer_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("assist_offers.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # the share code (助力码) in the link
    open_for: Mapped[str | None] = mapped_column(String(40), unique=True)
    helpers: Mapped[int] = mapped_column(default=0)
    goal: Mapped[int]  # the helpers the last step needs: the task is complete there
    status: Mapped[str] = mapped_column(String(16))  # moves.TaskStatus
    opened_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]  # completed or expired


class AssistHelp(Base):
    """One helper's help on one task: the unique pair is "one help per person per task", in the database."""

    __tablename__ = "assist_helps"
    __table_args__ = (UniqueConstraint("task_id", "helper_buyer_id", name="one_help_per_person"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("assist_tasks.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    helper_buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    position: Mapped[int]  # the task's helper count this help made
    helped_at: Mapped[datetime]


class AssistHelperDay(Base):
    """Tasks of a store one helper helped on one day (the store's calendar day): taken by a conditional UPDATE."""

    __tablename__ = "assist_helper_days"
    __table_args__ = (CheckConstraint("helps >= 0", name="helps_not_negative"),)

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    helper_buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD on the store's clock
    helps: Mapped[int] = mapped_column(default=0)


class AssistReward(Base):
    """A step's reward for the task's opener: the unique pair makes it granted once, whatever happens at once."""

    __tablename__ = "assist_rewards"
    __table_args__ = (UniqueConstraint("task_id", "step", name="one_reward_per_step"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("assist_tasks.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    step: Mapped[int]  # 1-based position in the offer's steps
    kind: Mapped[str] = mapped_column(String(16))  # coupon | price | free_item
    status: Mapped[str] = mapped_column(String(16))  # granted | unavailable (the coupon could not be issued)
    coupon_id: Mapped[int | None] = mapped_column(ForeignKey("coupons.id"))
    reason: Mapped[str | None] = mapped_column(String(40))
    granted_at: Mapped[datetime]
