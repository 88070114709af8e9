"""Campaigns (活动), their phases, and the products merchants sign up (报名) with activity prices."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class EntryStatus(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Campaign(Base):
    """The ten elements of RULES.md §3.1 that the engine acts on; `store_id` null is a platform campaign.

    Its status is not stored: it follows from the clock and the phases (`rules.campaign_status`),
    except `cancelled_at`.
    """

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("min_stock >= 0", name="min_stock_not_negative"),
        CheckConstraint("per_account_limit IS NULL OR per_account_limit > 0", name="limit_positive"),
        CheckConstraint("ship_within_hours IS NULL OR ship_within_hours > 0", name="ship_within_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), index=True)
    theme: Mapped[str] = mapped_column(String(120))
    goals: Mapped[list[Any]] = mapped_column(default=list)
    notes: Mapped[str] = mapped_column(String(4000), default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    audience: Mapped[str] = mapped_column(String(16))  # all_members | min_level | new_customers
    min_member_level: Mapped[str | None] = mapped_column(String(16))
    product_scope: Mapped[str] = mapped_column(String(16))  # store | category | sku
    product_ids: Mapped[list[Any]] = mapped_column(default=list)  # category or SKU ids
    discount: Mapped[str] = mapped_column(String(12))  # a Decimal fraction as text, "0.10" is 10% below the basis
    basis: Mapped[str] = mapped_column(String(16))  # last_n_days | calendar_year
    basis_days: Mapped[int | None]
    earns_points: Mapped[bool]
    stacking: Mapped[str] = mapped_column(String(16))
    per_account_limit: Mapped[int | None]
    registration_required: Mapped[bool] = mapped_column(default=False)
    stock_check: Mapped[str] = mapped_column(String(20))  # lowest_price_sku | product
    min_stock: Mapped[int] = mapped_column(default=0)
    # a campaign period's own ship-by time (RULES.md §7.3: big promotions have special pickup rules); null: the rulebook's
    ship_within_hours: Mapped[int | None]
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(400), default="")


class CampaignPhase(Base):
    __tablename__ = "campaign_phases"
    __table_args__ = (UniqueConstraint("campaign_id", "name"), CheckConstraint("ends_at > starts_at", name="ends_after_start"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    name: Mapped[str] = mapped_column(String(16))  # build_up | warm_up | main | review
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]


class CampaignEntry(Base):
    """One product signed up for one campaign, with every check's result, accepted or not."""

    __tablename__ = "campaign_entries"
    __table_args__ = (
        Index("ix_campaign_entries_store_status", "store_id", "status"),
        Index("ix_campaign_entries_campaign_id", "campaign_id"),
        # One accepted entry per product per campaign, whoever wins a race; rejected ones pile up as history.
        Index("uq_campaign_entries_accepted_product", "campaign_id", "product_id", unique=True,
              sqlite_where=text("status = 'accepted'"), postgresql_where=text("status = 'accepted'")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    tier: Mapped[str] = mapped_column(String(20))  # main_hit | activity_item | volume_item | clearance_item
    status: Mapped[str] = mapped_column(String(10))
    currency: Mapped[str] = mapped_column(String(3))
    checks: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime]


class CampaignEntrySku(Base):
    """A ticked SKU of an entry and its activity price (活动价), in the entry's currency."""

    __tablename__ = "campaign_entry_skus"
    __table_args__ = (UniqueConstraint("entry_id", "sku_id"), CheckConstraint("price_minor >= 0", name="price_not_negative"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("campaign_entries.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    price_minor: Mapped[int]
