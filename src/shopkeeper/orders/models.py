"""Carts, orders, payments and the escrow/settlement ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopkeeper.db import Base, BigId


class Cart(Base):
    __tablename__ = "carts"
    __table_args__ = (UniqueConstraint("buyer_id", "store_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    items: Mapped[list["CartItem"]] = relationship(order_by="CartItem.id", cascade="all, delete-orphan")


class CartItem(Base):
    __tablename__ = "cart_items"
    __table_args__ = (UniqueConstraint("cart_id", "sku_id"), CheckConstraint("quantity > 0", name="quantity_positive"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("carts.id"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    quantity: Mapped[int]


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_store_status", "store_id", "status"),
        CheckConstraint("total_minor = goods_minor + shipping_minor - discount_minor", name="total_adds_up"),
        CheckConstraint("total_minor >= 0", name="total_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    goods_minor: Mapped[int]
    shipping_minor: Mapped[int]
    discount_minor: Mapped[int] = mapped_column(default=0)
    total_minor: Mapped[int]
    ship_to: Mapped[dict[str, Any]]  # address snapshot at checkout
    placed_at: Mapped[datetime] = mapped_column(index=True)
    pay_by: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    ship_by: Mapped[datetime | None]
    shipped_at: Mapped[datetime | None]  # the tracking number was entered
    picked_up_at: Mapped[datetime | None]  # the carrier's pickup scan (揽件); on Taobao/Tmall this is "shipped" (RULES.md §7.3)
    carrier: Mapped[str | None] = mapped_column(String(64))
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    delivered_at: Mapped[datetime | None]
    confirm_by: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(String(32))
    # what the pricing engine decided at checkout: every promotion considered, applied or why not
    pricing: Mapped[dict[str, Any] | None]
    points_spent: Mapped[int] = mapped_column(default=0)
    points_earned: Mapped[int] = mapped_column(default=0)  # credited when the order completes
    platform_funded_minor: Mapped[int] = mapped_column(default=0)  # discounts the platform pays the store back
    # 拼团: the group buy this order joined, while it is not complete: the order may not ship and its ship-by clock
    # waits (social.groupbuys holds it at checkout and releases it when the group fills)
    held_for_group: Mapped[int | None]
    # 拼单: the pool (shared basket) this order joined, while it has not reached its threshold: held the same way
    # (social.pools holds it at checkout and releases it when the basket reaches the offer's threshold)
    held_for_pool: Mapped[int | None]
    # the logistics method the buyer chose; it changes only with the buyer's consent (RULES.md §5.5)
    shipping_method: Mapped[str | None] = mapped_column(String(64))
    # own | amazon | shopify | ebay | aliexpress: where the order came in (RULES.md §5.1 intake); allocation reads it
    sales_channel: Mapped[str] = mapped_column(String(16), default="own", server_default="own")
    lines: Mapped[list["OrderLine"]] = relationship(order_by="OrderLine.id", cascade="all, delete-orphan")


class OrderLine(Base):
    """A snapshot of what was bought: later catalog edits do not change it."""

    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("payable_minor = line_total_minor - discount_minor", name="line_adds_up"),
        CheckConstraint("payable_minor >= 0", name="line_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    sku_code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    options: Mapped[dict[str, Any]]
    unit_price_minor: Mapped[int]
    quantity: Mapped[int]
    line_total_minor: Mapped[int]  # at list price
    discount_minor: Mapped[int] = mapped_column(default=0)
    payable_minor: Mapped[int]  # what the buyer pays for this line; refunds return it
    discounts: Mapped[list[dict[str, Any]]] = mapped_column(default=list)  # [{promotion, funder, minor}], largest-remainder shares
    gift: Mapped[bool] = mapped_column(default=False)
    points_spent: Mapped[int] = mapped_column(default=0)


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    provider: Mapped[str] = mapped_column(String(32))
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))  # pending | succeeded | failed | cancelled (its order closed) | refunded
    provider_reference: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(String(200), default="")


class LedgerEntry(Base):
    """Double-entry money movements. Entries of one transfer sum to zero.

    Accounts: `provider` (money received from the payment provider, negative as
    it is owed onward), `escrow` (held for the order until receipt) and
    `store_balance` (the store's settled money).
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_store_account", "store_id", "account"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    transfer: Mapped[str] = mapped_column(String(48), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    account: Mapped[str] = mapped_column(String(32))
    amount_minor: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))  # payment | release | refund


class ReceiptExtension(Base):
    """延长收货: the buyer or the seller put the automatic receipt confirmation off (RULES.md §17.1)."""

    __tablename__ = "receipt_extensions"
    __table_args__ = (CheckConstraint("days > 0", name="days_positive"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    by: Mapped[str] = mapped_column(String(8))  # buyer | seller
    days: Mapped[int]
    at: Mapped[datetime]
    confirm_by_before: Mapped[datetime]
    confirm_by_after: Mapped[datetime]
