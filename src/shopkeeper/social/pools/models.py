"""Pool offers, the pools buyers open on them, and the orders in each pool's basket."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class PoolOffer(Base):
    """What a store sells as a pool (拼单): the basket's threshold, the discount it unlocks, the hours to reach it."""

    __tablename__ = "pool_offers"
    __table_args__ = (
        CheckConstraint("threshold >= 1", name="threshold_positive"),
        CheckConstraint("percent_off > 0 AND percent_off < 100", name="discount_within_price"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    currency: Mapped[str] = mapped_column(String(3))
    sku_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # empty: every SKU of the store
    basis: Mapped[str] = mapped_column(String(8))  # amount | quantity
    threshold: Mapped[int]  # minor units of goods at list price, or items
    percent_off: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    time_limit_hours: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | ended
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class Pool(Base):
    """One shared basket: opened by a buyer's paid order, shared by its code, complete when the paid basket reaches
    the threshold. `paid_*` move only by conditional UPDATEs (basket.member_paid, basket.member_closed)."""

    __tablename__ = "pools"
    __table_args__ = (
        CheckConstraint("paid_members >= 0 AND paid_units >= 0 AND paid_amount_minor >= 0", name="basket_not_negative"),
        Index("ix_pools_store_status", "store_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("pool_offers.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # the share code (分享码)
    leader_buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    basis: Mapped[str] = mapped_column(String(8))  # the offer's, when the pool opened
    threshold: Mapped[int]
    paid_members: Mapped[int] = mapped_column(default=0)
    paid_units: Mapped[int] = mapped_column(default=0)
    paid_amount_minor: Mapped[int] = mapped_column(default=0)  # the paid basket's goods at the SKUs' own prices
    status: Mapped[str] = mapped_column(String(16))  # moves.PoolStatus
    created_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]  # failed or cancelled


class PoolMember(Base):
    """A buyer's order in a pool's basket. placed → seated (paid, in the basket) → left | refunded; placed → refused
    (paid after the pool ended) | closed | left. The same words as a group buy's members (`groupbuys.seats`)."""

    __tablename__ = "pool_members"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("pools.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("pool_offers.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    role: Mapped[str] = mapped_column(String(8))  # leader | member
    status: Mapped[str] = mapped_column(String(16))
    units: Mapped[int]  # items in the order (gifts not counted)
    amount_minor: Mapped[int]  # its goods at the SKUs' own prices
    joined_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]
