"""Shipping templates (运费模板), shipments and the carriers a store files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class ShippingTemplateRow(Base):
    __tablename__ = "shipping_templates"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    is_default: Mapped[bool] = mapped_column(default=False)
    spec: Mapped[dict[str, Any]]  # fulfillment.rules.template_to_dict()


class Shipment(Base):
    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    carrier: Mapped[str] = mapped_column(String(64))
    tracking_number: Mapped[str] = mapped_column(String(64))
    shipped_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    # express | standard | post as the carrier was classed when it shipped (RULES.md §5.6, §17.1); None before 0010
    shipping_class: Mapped[str | None] = mapped_column(String(16))


class StoreCarrier(Base):
    """A carrier a store files with its shipping class; it comes before the rulebook's list (RULES.md §15 #6)."""

    __tablename__ = "store_carriers"
    __table_args__ = (UniqueConstraint("store_id", "name_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    name_key: Mapped[str] = mapped_column(String(64))  # rulebooks.carriers.normalise(name): one entry per name
    aliases: Mapped[list[str]]
    shipping_class: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
