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


class AllocationRuleRow(Base):
    """One of a store's allocation rules (订单分配规则, RULES.md §5.1); `position` orders them, first match wins."""

    __tablename__ = "allocation_rules"
    __table_args__ = (UniqueConstraint("store_id", "name_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120))  # casefolded: names explain outcomes, so one per store
    conditions: Mapped[dict[str, Any]]  # allocation_codec.conditions_to_dict()
    warehouse_code: Mapped[str] = mapped_column(String(32))
    channel_code: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AllocationSettings(Base):
    """The store's short-stock choice (split or hold) and its promised delivery days per destination (§5.5)."""

    __tablename__ = "allocation_settings"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True, autoincrement=False)
    on_short: Mapped[str] = mapped_column(String(8), default="split")
    promised_days: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"RU": 90}, capped when stored
    updated_at: Mapped[datetime]


class OrderAllocation(Base):
    """The last allocation recorded for an order: the rule, the parcels, or why it waits."""

    __tablename__ = "order_allocations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # allocated | held | unallocated
    rule: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[dict[str, Any]]  # allocation_codec.outcome_to_dict()
    allocated_at: Mapped[datetime]


class ShippingMethodChange(Base):
    """Staff propose another logistics method; it applies only when the buyer accepts (RULES.md §5.5)."""

    __tablename__ = "shipping_method_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id"), index=True)
    from_method: Mapped[str | None] = mapped_column(String(64))
    to_method: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16))  # proposed | accepted | refused
    proposed_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]


class ChannelCounter(Base):
    """The built-in logistics channel's next S10 serial, one series per store and channel code.

    Taken with one guarded UPDATE … RETURNING, so two bookings at once never get the same number."""

    __tablename__ = "channel_counters"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True, autoincrement=False)
    channel_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_serial: Mapped[int]


class ShippingLabel(Base):
    """A label (面单) booked with a logistics channel for one parcel of an order (RULES.md §5.1).

    `live_key` is "<order>:<parcel>" while the label stands and NULL once voided, so the database keeps one live label
    per parcel (NULLs do not collide) while voided ones stay on record."""

    __tablename__ = "shipping_labels"
    __table_args__ = (UniqueConstraint("store_id", "channel_code", "tracking_number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    parcel: Mapped[int]  # 1, 2 … in the allocation's order
    live_key: Mapped[str | None] = mapped_column(String(48), unique=True)
    warehouse_code: Mapped[str] = mapped_column(String(32))
    channel_code: Mapped[str] = mapped_column(String(64))
    carrier: Mapped[str] = mapped_column(String(64))
    tracking_number: Mapped[str] = mapped_column(String(64), index=True)
    weight_grams: Mapped[int]
    booked_at: Mapped[datetime]
    voided_at: Mapped[datetime | None]
    printed_count: Mapped[int] = mapped_column(default=0)
    last_printed_at: Mapped[datetime | None]


class TrackingEventRow(Base):
    """One scan the carrier reported (API, file or the channel's own feed); the same scan twice is one row."""

    __tablename__ = "tracking_events"
    __table_args__ = (UniqueConstraint("store_id", "dedupe_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    label_id: Mapped[int | None] = mapped_column(ForeignKey("shipping_labels.id"))
    tracking_number: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))  # picked_up | in_transit | held_by_customs | delivered | returned
    at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(120), default="")
    source: Mapped[str] = mapped_column(String(8))  # api | file | carrier
    dedupe_key: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]
