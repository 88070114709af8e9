"""Promotions, coupon templates, the coupons buyers hold, and what each order used of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId
from shopkeeper.promotions.rules import CouponStatus as CouponStatus
from shopkeeper.promotions.rules import PromotionStatus as PromotionStatus


class PromotionRow(Base):
    """A store promotion, or a platform one (`store_id` null, funded by the platform).

    `rule` holds the scope, audience and benefit (see `codec`). The counters are
    moved by conditional UPDATEs at checkout so caps hold under concurrency.
    """

    __tablename__ = "promotions"
    __table_args__ = (
        Index("ix_promotions_store_status", "store_id", "status"),
        CheckConstraint("units_cap IS NULL OR units_used <= units_cap", name="units_within_cap"),
        CheckConstraint("first_n_buyers IS NULL OR buyers_used <= first_n_buyers", name="buyers_within_cap"),
        CheckConstraint("units_used >= 0 AND buyers_used >= 0", name="counters_not_negative"),
        CheckConstraint("open_ended OR ends_at IS NOT NULL", name="ends_or_open_ended"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=PromotionStatus.ACTIVE.value)
    rule: Mapped[dict[str, Any]]
    funder: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(default=0)
    stacking: Mapped[str] = mapped_column(String(16), default="stacks")
    tags: Mapped[list[str]] = mapped_column(default=list)
    excludes_tags: Mapped[list[str]] = mapped_column(default=list)
    earns_points: Mapped[bool] = mapped_column(default=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    open_ended: Mapped[bool] = mapped_column(default=False)  # no end, said on purpose (a standing member price)
    units_cap: Mapped[int | None]  # 限量: units sold at this price, all buyers together
    units_used: Mapped[int] = mapped_column(default=0)
    per_buyer_units: Mapped[int | None]  # 限购
    first_n_buyers: Mapped[int | None]  # 前N名: only the first N buyers get it
    buyers_used: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]

    @property
    def capped(self) -> bool:
        """Whether units or buyers are limited: then checkout counts on this row, in the UPDATE that checks the limit."""
        return self.units_cap is not None or self.per_buyer_units is not None or self.first_n_buyers is not None


class CouponTemplate(Base):
    """优惠券: what a coupon gives and who may have how many. Claimable, or redeemed by a code (达人推广码)."""

    __tablename__ = "coupon_templates"
    __table_args__ = (
        CheckConstraint("total_quantity IS NULL OR issued <= total_quantity", name="issued_within_total"),
        CheckConstraint("issued >= 0", name="issued_not_negative"),
        CheckConstraint("open_ended OR claim_until IS NOT NULL", name="claim_ends_or_open_ended"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))  # threshold | cash | percent | free_shipping
    status: Mapped[str] = mapped_column(String(16), default=PromotionStatus.ACTIVE.value)
    rule: Mapped[dict[str, Any]]
    funder: Mapped[str] = mapped_column(String(16))
    stacking: Mapped[str] = mapped_column(String(16), default="stacks")
    excludes_tags: Mapped[list[str]] = mapped_column(default=list)
    full_price_only: Mapped[bool] = mapped_column(default=False)
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    total_quantity: Mapped[int | None]
    issued: Mapped[int] = mapped_column(default=0)
    per_buyer_limit: Mapped[int] = mapped_column(default=1)
    claim_from: Mapped[datetime]
    claim_until: Mapped[datetime | None]
    open_ended: Mapped[bool] = mapped_column(default=False)  # claimable with no end, said on purpose
    valid_from: Mapped[datetime | None]  # a fixed validity window ...
    valid_until: Mapped[datetime | None]
    valid_days: Mapped[int | None]  # ... or N days from claiming
    created_at: Mapped[datetime]


class Coupon(Base):
    __tablename__ = "coupons"
    __table_args__ = (Index("ix_coupons_buyer_status", "buyer_id", "status"), Index("ix_coupons_template_buyer", "template_id", "buyer_id"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("coupon_templates.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    status: Mapped[str] = mapped_column(String(16), default=CouponStatus.AVAILABLE.value)
    claimed_at: Mapped[datetime]
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime]
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)


class PromotionUse(Base):
    """Units of a capped promotion (or of a campaign price with a per-account limit) an order took;
    released when that order closes unpaid."""

    __tablename__ = "promotion_uses"
    __table_args__ = (
        Index("ix_promotion_uses_promotion_buyer", "promotion_id", "buyer_id"),
        Index("ix_promotion_uses_entry_buyer", "campaign_entry_id", "buyer_id"),
        CheckConstraint("(promotion_id IS NULL) <> (campaign_entry_id IS NULL)", name="one_source"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    promotion_id: Mapped[int | None] = mapped_column(ForeignKey("promotions.id"))
    campaign_entry_id: Mapped[int | None] = mapped_column(ForeignKey("campaign_entries.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    units: Mapped[int]
    first_n_slot: Mapped[bool] = mapped_column(default=False)
    released: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime]
