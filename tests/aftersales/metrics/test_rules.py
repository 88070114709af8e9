"""Seller-metrics rules (RULES.md §8.1): which cases count as disputes and refunds, per the store's rulebook."""

from __future__ import annotations

from decimal import Decimal

from aftersales_clock import DAY, DH, SECOND, T0, TAOBAO
from shopkeeper.aftersales.cases.case import Case, Proposal
from shopkeeper.aftersales.cases.clocks import next_deadline
from shopkeeper.aftersales.cases.rules import (
    Ruling,
    answer,
    arbitrate,
    escalate,
    on_deadline,
    open_case,
    open_pre_shipment_refund,
    take_instant_refund,
)
from shopkeeper.aftersales.metrics.rules import seller_metrics
from shopkeeper.money import Money

PAID, NONE = Money.of("100.00", "USD"), Money.of("0", "USD")


def cny(amount: str) -> Money:
    return Money.of(amount, "CNY")


def after_shipment(reason: str) -> Case:
    """A DHgate case asking for a full refund, opened on an express shipment whose tracking number was given 6 days
    earlier."""
    return open_case(DH, Proposal("refund_only", PAID), reason, "express", T0 - 6 * DAY, PAID, NONE, T0)


def on_the_platform(reason: str) -> Case:
    """The seller rejected the request; the buyer escalated on day 5."""
    return escalate(answer(after_shipment(reason), DH, T0 + DAY, agree=False).case, DH, False, T0 + 5 * DAY).case


def test_dhgate_metrics_count_only_platform_stage_cases_as_disputes() -> None:
    # given a case still talking, one agreed and refunded in talks, two ruled on the platform, one refunded by the clock
    talking = after_shipment("inr_in_transit")
    agreed_refund = answer(talking, DH, T0 + DAY, agree=True).case
    fed_back = answer(on_the_platform("inad_color"), DH, T0 + 6 * DAY, agree=False).case
    ruled_seller = arbitrate(fed_back, Ruling("full_refund", "seller"), T0 + 8 * DAY).case
    ruled_buyer = arbitrate(on_the_platform("inr_customs"), Ruling("release_seller", "buyer"), T0 + 8 * DAY).case
    request = open_pre_shipment_refund(DH, "out_of_stock", PAID, NONE, T0)
    due = next_deadline(request, DH)
    assert due is not None
    assert on_deadline(request, DH, due.due_at - SECOND) is None  # a timer that wakes early does nothing
    timed_out = on_deadline(request, DH, due.due_at)
    assert timed_out is not None
    # when the store's figures are taken over 200 orders
    m = seller_metrics(DH, [talking, agreed_refund, ruled_seller, ruled_buyer, timed_out.case], orders=200, shipped=180,
                       shipped_on_time=171)
    # then only the two cases that reached the platform are disputes
    assert m.disputes == 2 and m.dispute_rate == Decimal("0.0100")
    assert m.seller_responsible_dispute_rate == Decimal("0.0050")
    assert m.refund_rate == Decimal("0.0050")  # only the refund a platform-stage dispute caused
    assert m.not_received_dispute_rate == Decimal("0.0050")  # inr_customs reached the platform; inr_in_transit did not
    assert m.on_time_shipping_rate == Decimal("0.9500")
    assert m.sold_not_shipped == 1


def test_taobao_refund_rate_counts_every_refund_and_no_orders_means_no_rate() -> None:
    # given a late-shipment refund on Taobao
    late = take_instant_refund(TAOBAO, T0, False, cny("10.00"), cny("0"), T0 + 4 * DAY).case
    # when the figures are taken over 4 orders, then the refund counts though it never reached the platform
    assert seller_metrics(TAOBAO, [late], orders=4, shipped=3, shipped_on_time=3).refund_rate == Decimal("0.2500")
    # when there is nothing to divide by, then there is no rate
    empty = seller_metrics(TAOBAO, [], orders=0, shipped=0, shipped_on_time=0)
    assert empty.dispute_rate is None and empty.on_time_shipping_rate is None and empty.sold_not_shipped == 0


def test_orders_never_shipped_past_their_deadline_count_against_on_time_shipping() -> None:
    """§7.3: the late-shipment refund means the order was not shipped on time; the counts behind the rates are kept."""
    # given 7 orders shipped, 6 in time, and 1 never shipped past its deadline
    m = seller_metrics(TAOBAO, [], orders=10, shipped=7, shipped_on_time=6, missed_ship_by=1)
    # then 6 of 8 were on time
    assert m.on_time_shipping_rate == Decimal("0.7500")
    assert (m.shipped, m.shipped_on_time, m.missed_ship_by) == (7, 6, 1)
