"""After-sales as rows: a case, the order lines under it, its messages and evidence files; complaints.

A row holds everything needed to rebuild the pure `cases.Case` (the service
does it in `service._case`), plus what a list needs without rebuilding: the
pending deadline (`due_at`, who is waited for, what happens then), the
responsible party, the 成交不卖 flag and whether the case reached the platform.
`version` goes up with every change; a timer carries the version it was
scheduled for, so a stale timer finds a newer version and does nothing. The
timeline is the event log (subject `case:<id>`).

A complaint (投诉商家, RULES.md §7.3) is a row of its own: one per order, opened
by the buyer, upheld with its compensation or dismissed by the operator.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopkeeper.db import Base, BigId

if TYPE_CHECKING:  # the mapper finds `Order` by name among every table (`shopkeeper.models`)
    from shopkeeper.orders.models import Order


class CaseRow(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_store_due_at", "store_id", "due_at"),
        Index("ix_cases_order_id", "order_id"),
        Index("ix_cases_buyer_id", "buyer_id"),
        # one open case per order: a second request waits until the first is settled
        Index("uq_cases_open_order", "order_id", unique=True,
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
        CheckConstraint("refunded_before_minor >= 0 AND refunded_before_minor <= paid_minor", name="refunded_before_within_paid"),
        CheckConstraint("shipping_minor >= 0 AND shipping_minor <= paid_minor", name="shipping_within_paid"),
        CheckConstraint("refund_minor IS NULL OR (refund_minor >= 0 AND refund_minor <= paid_minor - refunded_before_minor)",
                        name="refund_within_limit"),
        CheckConstraint("closed_at IS NOT NULL OR due_at IS NOT NULL", name="open_case_has_deadline"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"))
    rulebook: Mapped[str] = mapped_column(String(32))  # the store's rulebook when the case opened: its clocks hold
    origin: Mapped[str] = mapped_column(String(24))  # cases.Origin
    reason: Mapped[str] = mapped_column(String(64))  # a reason code of the rulebook
    responsible: Mapped[str] = mapped_column(String(16))  # seller | buyer | third_party | investigation
    responsible_by: Mapped[str] = mapped_column(String(16))  # reason | operator | ruling
    shipping_class: Mapped[str | None] = mapped_column(String(16))  # express | standard | post, after shipment
    currency: Mapped[str] = mapped_column(String(3))
    paid_minor: Mapped[int]  # what was paid for the lines under the case (and the shipping, before shipment)
    shipping_minor: Mapped[int] = mapped_column(default=0)  # the shipping part of paid_minor
    refunded_before_minor: Mapped[int] = mapped_column(default=0)
    buyer_agreement: Mapped[str] = mapped_column(String(16))  # the buyer's proposal
    buyer_refund_minor: Mapped[int]
    offer_agreement: Mapped[str] = mapped_column(String(16))  # the proposal on the table (a counter-proposal)
    offer_refund_minor: Mapped[int]
    agreed_agreement: Mapped[str | None] = mapped_column(String(16))
    agreed_refund_minor: Mapped[int | None]
    stage: Mapped[str] = mapped_column(String(16))  # cases.Stage
    step: Mapped[str | None] = mapped_column(String(32))  # cases.Step
    opened_at: Mapped[datetime]
    seller_answered_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    seller_fed_back_at: Mapped[datetime | None]
    step_started_at: Mapped[datetime | None]
    ruling_reminders: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(String(24))
    refund_minor: Mapped[int | None]  # what the case paid back, once closed
    sold_not_shipped: Mapped[bool] = mapped_column(default=False)  # 成交不卖 (RULES.md §8.1)
    reached_platform: Mapped[bool] = mapped_column(default=False)  # 平台纠纷: counts in the dispute rate
    # a short quantity: the seller's (or operator's) record with the evidence; decides the 3-day clock (§7.2.2)
    shipped_quantity_matches: Mapped[bool] = mapped_column(default=False)
    buyer_signed: Mapped[bool] = mapped_column(default=False)
    # the pending deadline, kept for lists sorted by what is due first
    due_at: Mapped[datetime | None]
    due_clock: Mapped[str | None] = mapped_column(String(24))
    due_action: Mapped[str | None] = mapped_column(String(32))
    waiting_for: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(default=1)
    # the order's automatic receipt, held while the case is open: the seconds it had left
    receipt_seconds_left: Mapped[int | None]
    return_carrier: Mapped[str | None] = mapped_column(String(64))
    return_tracking: Mapped[str | None] = mapped_column(String(64))
    reship_carrier: Mapped[str | None] = mapped_column(String(64))
    reship_tracking: Mapped[str | None] = mapped_column(String(64))
    # when the platform last asked each party for more evidence: 3 days to supply it (AliExpress, RULES.md §7.2.2)
    buyer_evidence_asked_at: Mapped[datetime | None]
    seller_evidence_asked_at: Mapped[datetime | None]
    lines: Mapped[list["CaseLine"]] = relationship(order_by="CaseLine.id", cascade="all, delete-orphan")
    # read only: when the goods arrived starts the damage and shortage clocks (§7.2.2)
    order: Mapped[Order] = relationship(viewonly=True)


class CaseLine(Base):
    """An order line under a case, with what it cost and what this case gave back on it."""

    __tablename__ = "case_lines"
    __table_args__ = (
        CheckConstraint("refunded_minor >= 0 AND refunded_minor <= paid_minor", name="refund_within_line"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    quantity: Mapped[int]
    paid_minor: Mapped[int]  # OrderLine.payable_minor: the allocated amount from checkout
    refunded_minor: Mapped[int] = mapped_column(default=0)


class CaseMessage(Base):
    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    at: Mapped[datetime]
    author: Mapped[str] = mapped_column(String(16))  # buyer | seller | platform
    key_id: Mapped[int]  # the API key that wrote it
    body: Mapped[str] = mapped_column(String(4000))


class EvidenceFile(Base):
    """A file attached to a case; the bytes live on disk under `Settings.evidence_dir`, named by their hash."""

    __tablename__ = "case_evidence"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="not_empty"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    at: Mapped[datetime]
    uploader: Mapped[str] = mapped_column(String(16))  # buyer | seller | platform
    key_id: Mapped[int]
    filename: Mapped[str] = mapped_column(String(200))  # as sent, for display only
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(300))  # relative to the evidence directory


class Complaint(Base):
    """A buyer's complaint about the store (投诉商家), within 15 days of the order closing (RULES.md §7.3).

    Upheld, it carries what the seller paid (赔付): cash moved from the store's balance, or points (Tmall).
    """

    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_store_id", "store_id", "id"),
        CheckConstraint("status IN ('open', 'upheld', 'dismissed')", name="known_status"),
        CheckConstraint("goods_minor >= 0", name="goods_not_negative"),
        CheckConstraint("(status = 'upheld') = (compensation_minor IS NOT NULL)", name="upheld_has_compensation"),
        CheckConstraint("compensation_minor IS NULL OR compensation_minor > 0", name="compensation_positive"),
        CheckConstraint("points IS NULL OR points > 0", name="points_positive"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)  # one complaint per order
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    rulebook: Mapped[str] = mapped_column(String(32))  # the store's rulebook when the complaint opened
    reason: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16))  # open | upheld | dismissed
    order_closed_at: Mapped[datetime]  # when the order completed or closed with its refund: the window's start
    opened_at: Mapped[datetime]
    currency: Mapped[str] = mapped_column(String(3))
    goods_minor: Mapped[int]  # what the buyer paid for the goods, shipping excluded (不包含运费)
    special_category: Mapped[bool | None]  # the operator's finding when upholding (¥1 minimum)
    compensation_minor: Mapped[int | None]  # once upheld
    paid_in: Mapped[str | None] = mapped_column(String(8))  # cash | points
    points: Mapped[int | None]  # how many points, when paid in points
    transfer: Mapped[str | None] = mapped_column(String(48))  # the ledger transfer of a cash payment
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None]  # the operator's API key
    note: Mapped[str] = mapped_column(String(500), default="")
