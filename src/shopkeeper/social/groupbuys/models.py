"""Group offers, the groups buyers open on them, their members, and each store's group-buy settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class GroupBuyOffer(Base):
    """A SKU the store sells in groups (拼团): the merchant's choices, within the rulebook's bounds."""

    __tablename__ = "group_buy_offers"
    __table_args__ = (
        CheckConstraint("group_size >= 2", name="group_of_two_or_more"),
        CheckConstraint("group_price_minor >= 0", name="price_not_negative"),
        CheckConstraint("leader_price_minor IS NULL OR leader_price_minor <= group_price_minor", name="leader_pays_no_more"),
        CheckConstraint("per_buyer_limit >= 1", name="limit_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    name: Mapped[str] = mapped_column(String(120))
    currency: Mapped[str] = mapped_column(String(3))
    group_size: Mapped[int]
    group_price_minor: Mapped[int]
    leader_price_minor: Mapped[int | None]  # 团长价: the opener's price; None: the group price
    time_limit_hours: Mapped[int]
    per_buyer_limit: Mapped[int]
    new_customers_only: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | ended
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class GroupBuy(Base):
    """One group: opened by a buyer's paid order, shared by its code, complete when `paid_members` reaches `size`.

    `paid_members` moves only by conditional UPDATEs (service.take_seat, service.free_seat), so concurrent payments
    never seat more than `size`; the check constraint says so to the database as well.
    """

    __tablename__ = "group_buys"
    __table_args__ = (
        CheckConstraint("paid_members >= 0 AND paid_members <= size", name="seats_within_size"),
        Index("ix_group_buys_store_status", "store_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("group_buy_offers.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # the share code (分享码) in the link
    leader_buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    size: Mapped[int]
    paid_members: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16))  # moves.GroupStatus
    created_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]  # failed or cancelled
    auto_filled_seats: Mapped[int] = mapped_column(default=0)  # 模拟成团: seats the system filled at expiry; shown


class GroupBuyMember(Base):
    """A buyer's order in a group. placed → seated (paid, holds a seat) → left | refunded; placed → refused (paid for
    a group already full or over) | lapsed (closed unpaid) | left."""

    __tablename__ = "group_buy_members"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group_buys.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("group_buy_offers.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    role: Mapped[str] = mapped_column(String(8))  # leader | member
    status: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int]
    joined_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]


class GroupBuySettings(Base):
    """A store's group-buy settings; a store without a row has the defaults (模拟成团 off)."""

    __tablename__ = "group_buy_settings"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    auto_fill: Mapped[bool] = mapped_column(default=False)  # 模拟成团: complete a nearly full group at expiry
    auto_fill_seats: Mapped[int] = mapped_column(default=1)  # at most this many missing members
    updated_at: Mapped[datetime]
