"""Suppliers, what each SKU is bought at, purchase orders and their deliveries, supplier payment requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopkeeper.db import Base, BigId


class Supplier(Base):
    __tablename__ = "suppliers"
    __table_args__ = (UniqueConstraint("store_id", "name_key", name="uq_suppliers_store_name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120))  # casefolded: one supplier per name in a store
    lead_days: Mapped[int]  # the purchase cycle (采购周期): placed to received
    pack_size: Mapped[int] = mapped_column(default=1)
    moq: Mapped[int] = mapped_column(default=1)  # minimum order quantity per line
    currency: Mapped[str] = mapped_column(String(3))
    prepay: Mapped[bool] = mapped_column(default=False)  # paid when the order is placed, not per delivery
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class SkuSupply(Base):
    """Who a SKU is bought from and at what cost; lead and safety days may differ from the supplier's defaults."""

    __tablename__ = "sku_supplies"

    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    unit_cost_minor: Mapped[int]  # in the supplier's currency
    lead_days: Mapped[int | None]
    safety_days: Mapped[int | None]
    review_days: Mapped[int | None]
    pack_size: Mapped[int | None]
    moq: Mapped[int | None]
    updated_at: Mapped[datetime]


class PurchaseOrder(Base):
    __tablename__ = "purchase_orders"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(20))  # purchasing.moves.OrderStatus
    currency: Mapped[str] = mapped_column(String(3))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))  # where it is to arrive
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    placed_at: Mapped[datetime | None]
    expected_at: Mapped[datetime | None]  # placed + lead days
    closed_at: Mapped[datetime | None]
    lines: Mapped[list["PurchaseLine"]] = relationship(order_by="PurchaseLine.id", cascade="all, delete-orphan")


class PurchaseLine(Base):
    __tablename__ = "purchase_lines"
    __table_args__ = (
        UniqueConstraint("order_id", "sku_id", name="uq_purchase_lines_order_sku"),
        CheckConstraint("received <= quantity", name="not_over_received"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    quantity: Mapped[int]
    received: Mapped[int] = mapped_column(default=0)
    unit_cost_minor: Mapped[int]


class PurchaseReceipt(Base):
    """One delivery against a purchase order: what came for which lines, into which warehouse."""

    __tablename__ = "purchase_receipts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    received_at: Mapped[datetime]
    lines: Mapped[dict[str, Any]]  # purchase line id → quantity received
    amount_minor: Mapped[int]


class SupplierPaymentRequest(Base):
    """A payment owed to a supplier, waiting for the back office (RULES.md §2.1); approving it moves no money yet."""

    __tablename__ = "supplier_payment_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_receipts.id"))
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20))  # purchasing.moves.PaymentStatus
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(String(200), default="")
