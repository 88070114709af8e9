"""A store's community settings, its pickup points and leaders, the delivery waves, and the orders placed through a
leader (社区团购)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class CommunitySettings(Base):
    """A store's community group buying; a store without a row runs none. The rulebook's `[community]` bounds it."""

    __tablename__ = "community_settings"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    cutoffs: Mapped[list[str]] = mapped_column(JSON, default=list)  # daily cut-offs "HH:MM" on the store's clock
    unpicked_days: Mapped[int]  # a delivered order waits this long at the pickup point for its buyer
    unpicked_outcome: Mapped[str] = mapped_column(String(8))  # refund (goods stay, written off) | return (restocked)
    leader_rate: Mapped[str] = mapped_column(String(12))  # of what a collected order's lines paid, e.g. "0.05"
    updated_at: Mapped[datetime]


class PickupPoint(Base):
    """自提点: a place in a residential compound (小区) where a wave's goods are delivered and buyers collect them."""

    __tablename__ = "pickup_points"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    community: Mapped[str] = mapped_column(String(120))  # the compound (小区) it serves
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(80), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    line1: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(8))  # active | closed
    created_at: Mapped[datetime]


class Leader(Base):
    """团长: a buyer the store's staff appointed to one of its pickup points; buyers order through their link (code)."""

    __tablename__ = "community_leaders"
    __table_args__ = (UniqueConstraint("store_id", "buyer_id", name="one_leader_per_buyer"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    pickup_point_id: Mapped[int] = mapped_column(ForeignKey("pickup_points.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # in the leader's link
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(10))  # active | suspended
    appointed_at: Mapped[datetime]
    suspended_at: Mapped[datetime | None]


class Wave(Base):
    """A delivery wave (波次): the paid orders whose cut-off comes next gather in it; it closes at the cut-off, the
    merchant allocates (商家配货) from its pick list and delivers it to the pickup points."""

    __tablename__ = "community_waves"
    __table_args__ = (UniqueConstraint("store_id", "cutoff_at", name="one_wave_per_cutoff"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    cutoff_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(10))  # moves.WaveStatus
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    pickup_by: Mapped[datetime | None]  # delivered orders not collected by then follow the store's setting


class CommunityOrder(Base):
    """An order placed through a leader, for collection at their pickup point. `lines` is the order's lines as the
    pick list reads them (sku, code, title, quantity), copied at checkout: an order's lines never change."""

    __tablename__ = "community_orders"
    __table_args__ = (Index("ix_community_orders_wave_status", "wave_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("community_leaders.id"), index=True)
    pickup_point_id: Mapped[int] = mapped_column(ForeignKey("pickup_points.id"))
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("community_waves.id"))
    status: Mapped[str] = mapped_column(String(10))  # moves.PickupStatus
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    leader_rate: Mapped[str] = mapped_column(String(12))  # the store's rate when the order was placed: what it earns
    pickup_code: Mapped[str | None] = mapped_column(String(16), unique=True)  # given when it reaches the point
    placed_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    collected_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]  # closed unpaid or refunded, or not collected in time
