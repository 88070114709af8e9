"""Platform red-packet programs, the stores that take part, the packets, ad views, per-person tallies, what each
order spent, and the programs' own double-entry ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class PacketProgram(Base):
    """A platform red-packet program (the operator's): a pool split into packets at creation; `spent_count` moves by
    one conditional UPDATE (`spent_count < packets`), so the pool is never overspent however many grab at once."""

    __tablename__ = "packet_programs"
    __table_args__ = (
        CheckConstraint("spent_count <= packets", name="count_within_pool"),
        CheckConstraint("spent_minor <= total_minor", name="money_within_pool"),
        CheckConstraint("spent_count >= 0 AND spent_minor >= 0", name="spent_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    mode: Mapped[str] = mapped_column(String(8))  # grab | ad (看广告抢红包)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | ended
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int]
    packets: Mapped[int]
    min_minor: Mapped[int]
    spent_count: Mapped[int] = mapped_column(default=0)
    spent_minor: Mapped[int] = mapped_column(default=0)
    per_person_limit: Mapped[int | None]
    per_day_limit: Mapped[int | None]
    min_watch_seconds: Mapped[int | None]
    view_valid_minutes: Mapped[int | None]
    valid_days: Mapped[int]
    min_spend_minor: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class PacketStore(Base):
    """A store taking part in a program: it opted in (its staff) or the operator named it."""

    __tablename__ = "packet_stores"

    program_id: Mapped[int] = mapped_column(ForeignKey("packet_programs.id"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    joined_by: Mapped[str] = mapped_column(String(16))  # store | operator
    joined_at: Mapped[datetime]


class PlatformPacket(Base):
    """One packet of a pool: packet `seq` goes to the grab that took count `seq`; then the buyer's credit, `left_minor`
    moving by conditional UPDATEs (never below zero) as orders spend it, give it back, or it expires."""

    __tablename__ = "platform_packets"
    __table_args__ = (
        UniqueConstraint("program_id", "seq", name="one_platform_packet_per_seq"),
        CheckConstraint("left_minor >= 0 AND left_minor <= amount_minor", name="left_within_amount"),
        Index("ix_platform_packets_buyer", "buyer_id", "expires_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("packet_programs.id"), index=True)
    seq: Mapped[int]
    amount_minor: Mapped[int]
    left_minor: Mapped[int] = mapped_column(default=0)
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("buyers.id"))
    grabbed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    expired_minor: Mapped[int] = mapped_column(default=0)  # what went back to the fund at expiry


class PacketTally(Base):
    """Grabs a buyer made in a program, in all (`day` "all") and per day on the platform's clock; each moved by a
    conditional UPDATE (`granted < cap`)."""

    __tablename__ = "packet_tallies"

    program_id: Mapped[int] = mapped_column(ForeignKey("packet_programs.id"), primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    granted: Mapped[int] = mapped_column(default=0)


class AdView(Base):
    """看广告: an ad view the platform started for a buyer; its token allows one grab, once watched long enough."""

    __tablename__ = "packet_ad_views"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token: Mapped[str] = mapped_column(String(48), unique=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("packet_programs.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    started_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class PacketSpend(Base):
    """What an order took from one packet at checkout, and what became of it: settled to the store when the order
    completed, or given back when it closed."""

    __tablename__ = "packet_spends"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    packet_id: Mapped[int] = mapped_column(ForeignKey("platform_packets.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("packet_programs.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"))
    amount_minor: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="held")  # held | settled | returned
    at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class PacketEntry(Base):
    """The programs' double-entry ledger (accounts in `rules.ACCOUNTS`): the entries of one transfer sum to zero."""

    __tablename__ = "packet_entries"
    __table_args__ = (Index("ix_packet_entries_program_account", "program_id", "account"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    transfer: Mapped[str] = mapped_column(String(48), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # grab | spend | settle | give_back | expire
    program_id: Mapped[int] = mapped_column(ForeignKey("packet_programs.id"))
    packet_id: Mapped[int] = mapped_column(ForeignKey("platform_packets.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    account: Mapped[str] = mapped_column(String(16))
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    at: Mapped[datetime]
