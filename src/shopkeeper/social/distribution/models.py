"""A store's distribution program, its promoters, the buyers' touches, commissions, statement entries and payouts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class DistributionProgram(Base):
    """A store's program (分销); a store without a row runs none. Only lawful terms are ever stored
    (rules.check_program refuses the rest), so no fee, purchase or recruit pay has a column."""

    __tablename__ = "distribution_programs"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    attribution_days: Mapped[int]  # last touch within these days wins the order
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{scope, target_id, percent|fixed_minor}]
    levels: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{name, min_sales_minor, bonus_percent}]
    levels_paid: Mapped[int] = mapped_column(default=1)  # 1, or 2 with the warned opt-in
    second_level_opt_in: Mapped[bool] = mapped_column(default=False)
    acknowledged_warning: Mapped[bool] = mapped_column(default=False)
    second_level_percent: Mapped[str] = mapped_column(String(12), default="0")
    excluded_promotions: Mapped[list[str]] = mapped_column(JSON, default=list)  # campaigns whose orders earn nothing
    updated_at: Mapped[datetime]


class Promoter(Base):
    """A buyer who joined a store's program, for free. The counters are the statement's balances; `balance_minor`
    (released, less claw-backs after release and payouts) moves only by conditional UPDATEs and may go negative when
    a released commission is clawed back: the debt is carried to the next payout."""

    __tablename__ = "promoters"
    __table_args__ = (
        UniqueConstraint("store_id", "buyer_id", name="one_per_buyer"),
        CheckConstraint("frozen_minor >= 0", name="frozen_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # the promoter's code, also in the share link
    recruiter_id: Mapped[int | None] = mapped_column(ForeignKey("promoters.id"))  # who invited them; never paid for it
    currency: Mapped[str] = mapped_column(String(3))
    level: Mapped[int] = mapped_column(default=0)
    released_sales_minor: Mapped[int] = mapped_column(default=0)  # what raises the level: sales, never recruits
    frozen_minor: Mapped[int] = mapped_column(default=0)
    released_minor: Mapped[int] = mapped_column(default=0)
    clawed_back_minor: Mapped[int] = mapped_column(default=0)
    paid_out_minor: Mapped[int] = mapped_column(default=0)
    balance_minor: Mapped[int] = mapped_column(default=0)
    joined_at: Mapped[datetime]
    # an influencer (KOL, 达人) is a promoter the store signed up by name (RULES.md §4.3); the same commission
    # lifecycle pays both kinds
    kind: Mapped[str] = mapped_column(String(12), default="buyer", server_default="buyer")  # buyer | influencer
    display_name: Mapped[str | None] = mapped_column(String(80))


class Touch(Base):
    """A buyer opened a promoter's link or entered their code: the last one within the window wins the order."""

    __tablename__ = "promoter_touches"
    __table_args__ = (Index("ix_promoter_touches_buyer_store_at", "buyer_id", "store_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"))
    promoter_id: Mapped[int] = mapped_column(ForeignKey("promoters.id"))
    source: Mapped[str] = mapped_column(String(8))  # code | link
    at: Mapped[datetime]
    # what brought the buyer, named by the content domain (RULES.md §4.3): a live session or a content task, and the
    # commission percent their terms set (none: the program's rules)
    live_session_id: Mapped[int | None] = mapped_column(index=True)
    task_id: Mapped[int | None] = mapped_column(index=True)
    commission_percent: Mapped[str | None] = mapped_column(String(12))


class Attribution(Base):
    """Which touch won a paid order: the promoter and, when the touch named one, the live session or content task.
    What the order paid and what has been refunded since are kept here, so per-session and per-task figures are one
    read."""

    __tablename__ = "attributions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    promoter_id: Mapped[int] = mapped_column(ForeignKey("promoters.id"), index=True)
    touch_id: Mapped[int] = mapped_column(ForeignKey("promoter_touches.id"))
    live_session_id: Mapped[int | None] = mapped_column(index=True)
    task_id: Mapped[int | None] = mapped_column(index=True)
    currency: Mapped[str] = mapped_column(String(3))
    paid_minor: Mapped[int]  # the order's total when it was paid: the GMV it brought
    refunded_minor: Mapped[int] = mapped_column(default=0)
    at: Mapped[datetime]


class Commission(Base):
    """One payee's commission on one order: a promoter's level 1 (the attributed promoter) or 2 (their recruiter,
    opted in), frozen at payment; or tier 0, a community leader's (社区团购 团长) on an order collected at their pickup
    point, frozen at collection. frozen → released (the after-sales window closed) | clawed_back (refunded in full
    first). One lifecycle and one set of ledger accounts for both payees (commissions.py)."""

    __tablename__ = "commissions"
    __table_args__ = (
        UniqueConstraint("order_id", "tier", name="one_per_tier"),
        CheckConstraint("(tier IN (1, 2) AND promoter_id IS NOT NULL AND leader_id IS NULL) OR "
                        "(tier = 0 AND leader_id IS NOT NULL AND promoter_id IS NULL)", name="one_payee"),
        CheckConstraint("clawed_back_minor >= 0 AND clawed_back_minor <= amount_minor", name="clawback_within_amount"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    promoter_id: Mapped[int | None] = mapped_column(ForeignKey("promoters.id"), index=True)  # tiers 1 and 2
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("community_leaders.id"), index=True)  # tier 0
    tier: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    sales_minor: Mapped[int]  # what the commissioned lines paid
    amount_minor: Mapped[int]
    clawed_back_minor: Mapped[int] = mapped_column(default=0)
    lines: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # order line id → commission
    status: Mapped[str] = mapped_column(String(16))
    frozen_at: Mapped[datetime]
    release_at: Mapped[datetime | None]
    released_at: Mapped[datetime | None]


class PromoterEntry(Base):
    """A line of a promoter's statement: frozen, released, clawed_back (from frozen or released), paid_out."""

    __tablename__ = "promoter_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    promoter_id: Mapped[int] = mapped_column(ForeignKey("promoters.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    kind: Mapped[str] = mapped_column(String(16))
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    commission_id: Mapped[int | None] = mapped_column(ForeignKey("commissions.id"))
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payouts.id"))
    transfer: Mapped[str] = mapped_column(String(40))  # the ledger transfer it mirrors
    at: Mapped[datetime]


class Payout(Base):
    """A payee asks for released money; store staff approve (it leaves the payee's balance) or reject. The payee is a
    promoter or a community leader (社区团购 团长), as a commission's is (`Commission`); one code path pays both."""

    __tablename__ = "payouts"
    __table_args__ = (
        CheckConstraint("(promoter_id IS NOT NULL AND leader_id IS NULL) OR (promoter_id IS NULL AND leader_id IS NOT NULL)",
                        name="one_payee"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    promoter_id: Mapped[int | None] = mapped_column(ForeignKey("promoters.id"), index=True)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("community_leaders.id"), index=True)
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))  # requested | approved | rejected
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(String(200))
