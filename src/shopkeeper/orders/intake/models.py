"""Imported marketplace orders, the buyers they came with, and the import batches (RULES.md §5.1 stage 1, §17.4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class ImportBatch(Base):
    """One uploaded export file: who brought it in, when, and what became of its orders and rows."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    key_id: Mapped[int]  # the API key that imported it (0: the engine itself)
    role: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    layout: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(String(200), default="")
    imported: Mapped[int] = mapped_column(default=0)
    already_there: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)  # cancelled, not yet payable, fulfilled by the channel
    refused: Mapped[int] = mapped_column(default=0)  # orders refused and rows that did not parse
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{line, column, message, order}]


class ImportedOrder(Base):
    """A channel's order brought in once: (store, channel, the channel's order id) → our order."""

    __tablename__ = "imported_orders"
    __table_args__ = (UniqueConstraint("store_id", "channel", "channel_order_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    channel: Mapped[str] = mapped_column(String(16))
    channel_order_id: Mapped[str] = mapped_column(String(64))
    channel_status: Mapped[str] = mapped_column(String(40))
    # what the file states beside our order's figures: taxes (outside our total), its own total, the service chosen
    taxes_minor: Mapped[int] = mapped_column(default=0)
    stated_total_minor: Mapped[int | None]
    shipping_service: Mapped[str | None] = mapped_column(String(64))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    imported_at: Mapped[datetime]


class ChannelBuyer(Base):
    """The buyer a channel's customer became here, found again by (store, channel, email or name)."""

    __tablename__ = "channel_buyers"
    __table_args__ = (UniqueConstraint("store_id", "channel", "buyer_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    channel: Mapped[str] = mapped_column(String(16))
    buyer_key: Mapped[str] = mapped_column(String(200))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
