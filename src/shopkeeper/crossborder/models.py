"""What cross-border selling keeps: a store's customs profile, where its SKUs come from, each order's duty payer and
the customs seizures reported on orders (RULES.md §6.1, §6.3)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, BigId


class CustomsProfile(Base):
    """A store that sells abroad: where it ships from, its usual channel and duty payer, the rates it estimates with.

    A store without a profile is domestic: its quotes carry no landed cost and its orders no customs checks.
    """

    __tablename__ = "customs_profiles"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True, autoincrement=False)
    home_country: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str | None] = mapped_column(String(64))  # "hk-dhl": used when the order names no shipping method
    duty_payer: Mapped[str] = mapped_column(String(8), default="buyer")  # buyer (duties collect) | seller (prepaid)
    # {"EUR": "0.1281"}: one unit of the store's currency in that currency, for the threshold's comparison only
    rates: Mapped[dict[str, Any]] = mapped_column(default=dict)
    seller_name: Mapped[str] = mapped_column(String(200), default="")
    seller_address: Mapped[str] = mapped_column(String(500), default="")
    updated_at: Mapped[datetime]


class SkuOrigin(Base):
    """The customs facts a SKU carries beside the catalog's (HS code, declared value): origin and whether it is used."""

    __tablename__ = "sku_origins"

    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), primary_key=True, autoincrement=False)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    origin_country: Mapped[str] = mapped_column(String(2))
    used_goods: Mapped[bool] = mapped_column(default=False)  # second-hand (二手): Pakistan refuses it (§6.1)
    updated_at: Mapped[datetime]


class OrderDutyPayer(Base):
    """Who pays the destination's duties on an order (税务承担方), and since when it may no longer change (§6.1)."""

    __tablename__ = "order_duty_payers"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True, autoincrement=False)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    duty_payer: Mapped[str] = mapped_column(String(8))  # buyer | seller
    fixed_at: Mapped[datetime | None]  # the carrier's pickup, where the destination fixes the payer then (Canada)
    changed_at: Mapped[datetime]


class CustomsSeizure(Base):
    """Customs held an order's goods (海关扣关): why, who answers for it (§6.3), and the after-sales case that settles it."""

    __tablename__ = "customs_seizures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    cause: Mapped[str | None] = mapped_column(String(40))  # seizures.SeizureCause, or None: not known yet
    responsible: Mapped[str] = mapped_column(String(16))  # buyer | seller | investigation
    source: Mapped[str] = mapped_column(String(16))  # staff | operator | tracking
    note: Mapped[str] = mapped_column(String(500), default="")
    case_id: Mapped[int | None]
    recorded_at: Mapped[datetime]
