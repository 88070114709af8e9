"""Reward programs, what they granted, their lottery prizes and draws, and their red packets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class RewardProgram(Base):
    """A store's (or, `store_id` NULL, the platform's) reward program of one kind (`kinds.KINDS`).

    `spent_count`/`spent_minor` move only by one conditional UPDATE (`grants.take_budget`): the check constraints
    tell the database the budget is never exceeded, however many buyers arrive at once."""

    __tablename__ = "reward_programs"
    __table_args__ = (
        CheckConstraint("budget_count IS NULL OR spent_count <= budget_count", name="count_within_budget"),
        CheckConstraint("budget_minor IS NULL OR spent_minor <= budget_minor", name="money_within_budget"),
        CheckConstraint("spent_count >= 0 AND spent_minor >= 0", name="spent_not_negative"),
        Index("ix_reward_programs_store_status", "store_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    kind: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | ended
    currency: Mapped[str] = mapped_column(String(3))
    terms: Mapped[dict[str, Any]]  # the kind's own terms (threshold, percent, hours ...)
    reward: Mapped[dict[str, Any] | None]  # what one grant gives: coupon | points | credit (lotteries: per prize)
    budget_count: Mapped[int | None]  # at most this many grants; None: no count budget
    budget_minor: Mapped[int | None]  # at most this much money granted (credits); None: no money budget
    spent_count: Mapped[int] = mapped_column(default=0)
    spent_minor: Mapped[int] = mapped_column(default=0)
    per_person_limit: Mapped[int | None]  # grants one buyer may have in the program; None: only the kind's own
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class RewardGrant(Base):
    """What a buyer got, when and why: one row per (program, buyer, trigger), so a repeated trigger grants nothing."""

    __tablename__ = "reward_grants"
    __table_args__ = (UniqueConstraint("program_id", "buyer_id", "trigger", name="once_per_trigger"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("reward_programs.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(64))  # day:2026-12-05 | follow | product:7 | order:12 | packet
    reward_type: Mapped[str] = mapped_column(String(16))  # coupon | points | credit | none (a lottery's no prize)
    coupon_id: Mapped[int | None]
    points: Mapped[int] = mapped_column(default=0)
    amount_minor: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3))
    ledger_transfer: Mapped[str | None] = mapped_column(String(48))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    at: Mapped[datetime]


class RewardTally(Base):
    """How many grants a buyer holds in a program, moved by a conditional UPDATE (`granted < limit`): the per-person
    cap holds under concurrency without locking the buyer."""

    __tablename__ = "reward_tallies"

    program_id: Mapped[int] = mapped_column(ForeignKey("reward_programs.id"), primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), primary_key=True)
    granted: Mapped[int] = mapped_column(default=0)


class RewardInvitation(Base):
    """邀请有礼: who invited this buyer, said once per program by the invitee; `rewarded_at` once the inviter got
    the reward for them."""

    __tablename__ = "reward_invitations"
    __table_args__ = (CheckConstraint("inviter_id <> invitee_id", name="not_oneself"),)

    program_id: Mapped[int] = mapped_column(ForeignKey("reward_programs.id"), primary_key=True)
    invitee_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), primary_key=True)
    inviter_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    at: Mapped[datetime]
    rewarded_at: Mapped[datetime | None]


class RewardPrize(Base):
    """A lottery's prize: its odds in parts per million and its stock; `awarded` moves by a conditional UPDATE."""

    __tablename__ = "reward_prizes"
    __table_args__ = (CheckConstraint("awarded <= stock", name="awarded_within_stock"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("reward_programs.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    odds_ppm: Mapped[int]
    stock: Mapped[int]
    awarded: Mapped[int] = mapped_column(default=0)
    reward: Mapped[dict[str, Any]]


class LotteryDraw(Base):
    """One draw, auditable: the seed, the odds as they stood, the roll, the prize won (or none, and why)."""

    __tablename__ = "lottery_draws"
    __table_args__ = (UniqueConstraint("program_id", "buyer_id", "trigger", name="one_draw_per_trigger"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("reward_programs.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(64))
    seed: Mapped[str] = mapped_column(String(64))
    odds: Mapped[list[Any]]  # [[prize_id, odds_ppm], ...] in draw order
    roll: Mapped[int]
    drawn_prize_id: Mapped[int | None]  # what the roll landed on
    prize_id: Mapped[int | None]  # what was granted: None when the roll missed or stock/budget was gone
    outcome: Mapped[str] = mapped_column(String(16))  # won | no_prize | out_of_stock | budget_spent | limit_reached
    grant_id: Mapped[int | None]
    at: Mapped[datetime]


class RedPacket(Base):
    """One packet of a red-packet pool (红包): the pool was split at creation; packet `seq` goes to the buyer whose
    grab took count `seq` of the program's budget."""

    __tablename__ = "red_packets"
    __table_args__ = (UniqueConstraint("program_id", "seq", name="one_packet_per_seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("reward_programs.id"), index=True)
    seq: Mapped[int]
    amount_minor: Mapped[int]
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("buyers.id"))
    grabbed_at: Mapped[datetime | None]
