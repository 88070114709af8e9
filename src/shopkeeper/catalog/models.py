"""Stores, categories, products, SKUs and their price history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class Store(Base):
    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    rulebook: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(64))  # IANA name, e.g. Asia/Shanghai
    created_at: Mapped[datetime]


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    shipping_template_id: Mapped[int | None] = mapped_column(ForeignKey("shipping_templates.id"))
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(String(4000), default="")
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | delisted
    created_at: Mapped[datetime]


class Sku(Base):
    __tablename__ = "skus"
    __table_args__ = (
        UniqueConstraint("store_id", "code"),
        CheckConstraint("price_minor >= 0", name="price_not_negative"),
        CheckConstraint("weight_grams >= 0", name="weight_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"colour": "red", "size": "M"}
    price_minor: Mapped[int]
    weight_grams: Mapped[int] = mapped_column(default=0)
    barcode: Mapped[str | None] = mapped_column(String(64))
    # 报关信息: customs declaration data, used by cross-border stores
    customs_name_zh: Mapped[str | None] = mapped_column(String(120))
    customs_name_en: Mapped[str | None] = mapped_column(String(120))
    hs_code: Mapped[str | None] = mapped_column(String(16))
    declared_value_minor: Mapped[int | None]
    # battery, powder, liquid, fragile: what ordinary logistics refuses decides the route (RULES.md §5.3, §5.1)
    properties: Mapped[list[str]] = mapped_column(default=list, server_default="[]")


class PriceChange(Base):
    """Every price a SKU has had; campaign threshold prices are read from it later."""

    __tablename__ = "price_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    at: Mapped[datetime]
    old_minor: Mapped[int | None]
    new_minor: Mapped[int]
