"""Warehouse work recorded by scanning (RULES.md §5.2): shelf slots, scans, stocktakes, transfers.

Stock itself lives in `inventory`; these tables record who did what on the floor and why stock moved.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class WarehouseSettings(Base):
    """A store's warehouse settings: the home country its overseas warehouses are measured against (§5.3)."""

    __tablename__ = "warehouse_settings"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    home_country: Mapped[str] = mapped_column(String(2))
    updated_at: Mapped[datetime]


class ShelfSlot(Base):
    """A SKU's home location (库位) in one warehouse; the code follows the warehouse's one scheme (§1.1)."""

    __tablename__ = "shelf_slots"
    __table_args__ = (UniqueConstraint("warehouse_id", "sku_id", name="uq_shelf_slots_warehouse_sku"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    code: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime]


class WarehouseScan(Base):
    """Every scan on the floor, the refused ones too: the warehouse's audit trail (§5.2)."""

    __tablename__ = "warehouse_scans"
    __table_args__ = (Index("ix_warehouse_scans_warehouse_kind", "warehouse_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    # receive | weigh | pack | outbound_verify | pick_start | pick_end | stocktake | transfer_out | transfer_in
    kind: Mapped[str] = mapped_column(String(16))
    key_id: Mapped[int]  # who scanned: the API key of the principal
    at: Mapped[datetime]
    sku_id: Mapped[int | None] = mapped_column(ForeignKey("skus.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    quantity: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(64), default="")  # what was scanned
    result: Mapped[str] = mapped_column(String(8))  # ok | flagged | blocked
    reason: Mapped[str] = mapped_column(String(64), default="")
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Stocktake(Base):
    """A count (盘点) of a warehouse, or of some of its shelves."""

    __tablename__ = "stocktakes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), index=True)
    shelves: Mapped[list[str]] = mapped_column(default=list)  # shelf-code prefixes; empty: the whole warehouse
    status: Mapped[str] = mapped_column(String(8))  # open | closed
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    variances: Mapped[list[dict[str, Any]] | None]  # as closed


class StocktakeCount(Base):
    """One SKU's count, beside what the system held when it was counted."""

    __tablename__ = "stocktake_counts"
    __table_args__ = (
        UniqueConstraint("stocktake_id", "sku_id", name="uq_stocktake_counts_stocktake_sku"),
        CheckConstraint("counted >= 0", name="counted_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    stocktake_id: Mapped[int] = mapped_column(ForeignKey("stocktakes.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    counted: Mapped[int]
    system: Mapped[int]  # on hand (available + reserved) when last counted
    counted_at: Mapped[datetime]


class Transfer(Base):
    """Goods moved between two warehouses of one store (货品调拨)."""

    __tablename__ = "stock_transfers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    from_warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    to_warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    status: Mapped[str] = mapped_column(String(12))  # created | in_transit | received
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    shipped_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]


class TransferLine(Base):
    __tablename__ = "stock_transfer_lines"
    __table_args__ = (
        UniqueConstraint("transfer_id", "sku_id", name="uq_stock_transfer_lines_transfer_sku"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("received >= 0 AND received <= quantity", name="received_within_shipped"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("stock_transfers.id"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    quantity: Mapped[int]
    received: Mapped[int] = mapped_column(default=0)
