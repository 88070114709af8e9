"""A store's after-sales service figures for a period (RULES.md §8.1), read from its orders and cases.

Each figure counts what happened in [start, end), as platforms count theirs:
the orders paid in it, the cases opened in it (as they stand now: a case
opened in the period that reaches the platform later counts as a dispute of
the period), the orders shipped in it, and the orders that closed in it
without ever shipping, after their ship-by deadline had passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import rulebooks
from shopkeeper.aftersales.cases.rows import as_case
from shopkeeper.aftersales.metrics.rules import seller_metrics
from shopkeeper.aftersales.models import CaseRow
from shopkeeper.catalog import service as catalog
from shopkeeper.errors import InvalidInput
from shopkeeper.orders import figures as order_figures
from shopkeeper.orders.rules import ShipmentFacts, counted_as_shipped
from shopkeeper.rulebooks import Rulebook


@dataclass(frozen=True)
class StoreMetrics:
    """Rates are fractions (0.0125 is 1.25%), rounded half-up to four places; None when there is nothing to divide by."""

    store_id: int
    rulebook: str
    start: datetime
    end: datetime
    orders: int  # paid in the period
    disputes: int  # cases opened in the period that reached the platform stage (agreement-stage cases are not)
    dispute_rate: Decimal | None  # 纠纷率: disputes / orders
    seller_responsible_disputes: int  # disputes the platform ruled the seller's fault
    seller_responsible_dispute_rate: Decimal | None  # 卖家责任纠纷率
    refunds: int  # cases that refunded money, as the rulebook counts them
    refund_rate: Decimal | None  # 退款率
    not_received_disputes: int  # disputes over goods not received
    not_received_dispute_rate: Decimal | None
    shipped: int  # shipped in the period, as the rulebook means it (Taobao/Tmall: picked up by the carrier)
    shipped_on_time: int  # of those, shipped by the order's ship-by deadline
    missed_ship_by: int  # closed in the period never shipped (so counted), after the ship-by deadline passed
    on_time_shipping_rate: Decimal | None  # shipped_on_time / (shipped + missed_ship_by)
    sold_not_shipped: int  # 成交不卖: refund requests before shipment refunded by the clock
    agreement_cases_are_disputes: bool  # the rulebook's definitions the figures follow
    refund_rate_counts: str  # platform_stage | all_refunds


@dataclass(frozen=True)
class ShippingFigures:
    shipped: int
    on_time: int
    missed: int


def shipping_figures(session: Session, store_id: int, book: Rulebook, start: datetime, end: datetime) -> ShippingFigures:
    """Shipped, on time, missed in [start, end), "shipped" as the rulebook means it (`counted_as_shipped`: on
    Taobao/Tmall the carrier's pickup, RULES.md §7.3; elsewhere the tracking number).

    An order counts as shipped in the period its counted moment falls in, on time if that is by its ship-by
    time; it missed its ship-by time if it closed in the period never counted as shipped, after the deadline
    (the late-shipment refund, also on an order with a tracking number the carrier never picked up).
    """
    rows = order_figures.shipping_moments(session, store_id, start, end)
    shipped = on_time = missed = 0
    for shipped_at, picked_up_at, deadline, paid_at, closed_at in rows:
        counted = counted_as_shipped(ShipmentFacts(shipped_at, picked_up_at), book)
        if counted is not None and start <= counted < end:
            shipped += 1
            on_time += deadline is not None and counted <= deadline
        elif (counted is None and paid_at is not None and closed_at is not None and deadline is not None
              and start <= closed_at < end and closed_at > deadline):
            missed += 1
    return ShippingFigures(shipped, on_time, missed)


def store_metrics(session: Session, store_id: int, start: datetime, end: datetime) -> StoreMetrics:
    """The store's dispute, refund and shipping figures for [start, end)."""
    if end <= start:
        raise InvalidInput("the period must end after it starts")
    book = rulebooks.load(catalog.store_by_id(session, store_id).rulebook)
    cases = session.scalars(select(CaseRow).where(CaseRow.store_id == store_id, CaseRow.opened_at >= start,
                                                  CaseRow.opened_at < end).order_by(CaseRow.id))
    shipping = shipping_figures(session, store_id, book, start, end)
    figures = seller_metrics(
        book, [as_case(row) for row in cases],
        orders=order_figures.paid_between(session, store_id, start, end),
        shipped=shipping.shipped, shipped_on_time=shipping.on_time, missed_ship_by=shipping.missed,
    )
    m = book.aftersales.metrics
    return StoreMetrics(
        store_id=store_id, rulebook=book.name, start=start, end=end, orders=figures.orders,
        disputes=figures.disputes, dispute_rate=figures.dispute_rate,
        seller_responsible_disputes=figures.seller_responsible_disputes,
        seller_responsible_dispute_rate=figures.seller_responsible_dispute_rate,
        refunds=figures.refunds, refund_rate=figures.refund_rate,
        not_received_disputes=figures.not_received_disputes, not_received_dispute_rate=figures.not_received_dispute_rate,
        shipped=figures.shipped, shipped_on_time=figures.shipped_on_time, missed_ship_by=figures.missed_ship_by,
        on_time_shipping_rate=figures.on_time_shipping_rate, sold_not_shipped=figures.sold_not_shipped,
        agreement_cases_are_disputes=m.agreement_cases_are_disputes, refund_rate_counts=m.refund_rate_counts,
    )
