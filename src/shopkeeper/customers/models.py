"""Buyers, their addresses, their points ledger and the stores they follow."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class Buyer(Base):
    __tablename__ = "buyers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    member_level: Mapped[str] = mapped_column(String(32), default="regular")
    birthday: Mapped[date | None]  # for birthday-month prices (生日特惠)
    created_at: Mapped[datetime]


class Address(Base):
    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(40), default="")
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(80), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    line1: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")


class PointsEntry(Base):
    """积分: the balance is the sum of the ledger, never a stored number."""

    __tablename__ = "points_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    at: Mapped[datetime]
    delta: Mapped[int]
    reason: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(64))


class StoreFollow(Base):
    """关注店铺: one spell of a buyer following a store, the store club (粉丝趴, RULES.md §4.3) membership.

    Unfollowing closes the spell and following again opens a new one, so the history stays for fan growth.
    `open_for` ("buyer:store") is set while the spell is open and unique: at most one open spell a pair, held by
    the database whatever the race; it goes back to null when the spell closes.
    """

    __tablename__ = "store_follows"
    __table_args__ = (
        Index("ix_store_follows_store_followed", "store_id", "followed_at"),
        Index("ix_store_follows_store_unfollowed", "store_id", "unfollowed_at"),
        Index("ix_store_follows_buyer_store", "buyer_id", "store_id"),
        CheckConstraint("unfollowed_at IS NULL OR unfollowed_at >= followed_at", name="unfollowed_after_followed"),
        CheckConstraint("(open_for IS NULL) <> (unfollowed_at IS NULL)", name="open_until_unfollowed"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"))
    followed_at: Mapped[datetime]
    unfollowed_at: Mapped[datetime | None]
    open_for: Mapped[str | None] = mapped_column(String(40), unique=True)
