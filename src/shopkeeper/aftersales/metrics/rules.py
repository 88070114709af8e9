"""Seller metrics from after-sales cases, per store and period (RULES.md §8.1).

DHgate counts a dispute only once it reaches the platform stage: an agreement
(协议) case is the parties talking and "not counted in the seller's dispute
rate". Each rulebook says whether its agreement cases count and which refunds
feed the refund rate. Rates are fractions (0.0125 is 1.25%), rounded half-up
to four places, and None when there is nothing to divide by.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

from shopkeeper.aftersales.cases.case import Case, Origin
from shopkeeper.rulebooks import Rulebook

_PLACES = Decimal("0.0001")  # a rate to the basis point


@dataclass(frozen=True)
class SellerMetrics:
    orders: int
    disputes: int
    dispute_rate: Decimal | None  # 纠纷率: platform-stage cases / orders
    seller_responsible_dispute_rate: Decimal | None  # 卖家责任纠纷率: ruled the seller's fault / orders
    refund_rate: Decimal | None  # 退款率: refunding cases / orders
    on_time_shipping_rate: Decimal | None  # shipped by the deadline / (shipped + never shipped past the deadline)
    not_received_dispute_rate: Decimal | None  # disputes over goods not received / orders
    sold_not_shipped: int  # 成交不卖: pre-shipment requests refunded by the clock
    # the counts behind the rates
    seller_responsible_disputes: int = 0
    not_received_disputes: int = 0
    refunds: int = 0
    shipped: int = 0
    shipped_on_time: int = 0
    missed_ship_by: int = 0  # closed without shipping after the ship-by deadline passed


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(_PLACES, rounding=ROUND_HALF_UP) if whole else None


def is_dispute(case: Case, book: Rulebook) -> bool:
    # DHgate: agreement-stage cases are not disputes (RULES.md §8.1)
    if case.origin is not Origin.AFTER_SHIPMENT:
        return False
    return case.reached_platform or book.aftersales.metrics.agreement_cases_are_disputes


def counts_as_refund(case: Case, book: Rulebook) -> bool:
    # DHgate: refunds caused by a platform-stage dispute feed the refund rate (RULES.md §8.1)
    refunded = case.refund is not None and case.refund.minor > 0
    return refunded and (book.aftersales.metrics.refund_rate_counts == "all_refunds" or case.reached_platform)


def seller_metrics(book: Rulebook, cases: Iterable[Case], orders: int, shipped: int, shipped_on_time: int,
                   missed_ship_by: int = 0) -> SellerMetrics:
    """The store's figures for one period: `cases` and the counts are the caller's choice of store and period.

    An order that never shipped and was closed after its ship-by deadline (the late-shipment refund, RULES.md §7.3)
    was not shipped on time: `missed_ship_by` counts those against the on-time rate.
    """
    cases = list(cases)
    disputes = [c for c in cases if is_dispute(c, book)]
    not_received = [c for c in disputes if (r := book.aftersales.reason(c.reason)) is not None and r.category == "not_received"]
    seller_responsible = sum(c.responsible == "seller" for c in disputes)
    refunds = sum(counts_as_refund(c, book) for c in cases)
    return SellerMetrics(
        orders=orders,
        disputes=len(disputes),
        dispute_rate=_rate(len(disputes), orders),
        seller_responsible_dispute_rate=_rate(seller_responsible, orders),
        refund_rate=_rate(refunds, orders),
        on_time_shipping_rate=_rate(shipped_on_time, shipped + missed_ship_by),
        not_received_dispute_rate=_rate(len(not_received), orders),
        sold_not_shipped=sum(c.sold_not_shipped for c in cases),
        seller_responsible_disputes=seller_responsible,
        not_received_disputes=len(not_received),
        refunds=refunds,
        shipped=shipped,
        shipped_on_time=shipped_on_time,
        missed_ship_by=missed_ship_by,
    )
