"""Seller-metrics API shapes: a store's after-sales figures for a period (RULES.md §8.1)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.aftersales.metrics.service import StoreMetrics

Rate = Annotated[Decimal | None, Field(description="a fraction, exact to four places ('0.0125' is 1.25%); null when "
                                                  "there is nothing to divide by")]


class MetricsOut(BaseModel):
    store_id: int
    rulebook: str
    start: datetime = Field(alias="from")
    end: datetime = Field(alias="to")
    orders: int = Field(description="orders paid in the period")
    disputes: int = Field(description="cases opened in the period that reached the platform stage (平台纠纷)")
    dispute_rate: Rate
    seller_responsible_disputes: int
    seller_responsible_dispute_rate: Rate
    refunds: int
    refund_rate: Rate
    not_received_disputes: int
    not_received_dispute_rate: Rate
    shipped: int = Field(description="orders shipped (picked up) in the period")
    shipped_on_time: int = Field(description="of those, shipped by their ship-by deadline")
    missed_ship_by: int = Field(description="orders closed in the period without shipping, after their ship-by deadline")
    on_time_shipping_rate: Rate
    sold_not_shipped: int = Field(description="成交不卖: refund requests before shipment refunded by the clock")
    agreement_cases_are_disputes: bool
    refund_rate_counts: str = Field(description="platform_stage: only refunds from platform disputes; all_refunds: every refund")

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    @classmethod
    def of(cls, m: StoreMetrics) -> "MetricsOut":
        return cls.model_validate(asdict(m))
