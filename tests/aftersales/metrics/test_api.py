"""Seller service metrics per store and period through the API (RULES.md §8.1), with the simulated clock.

DHgate counts a dispute only once it reaches the platform stage; its refund
rate counts the refunds platform disputes caused; 成交不卖 is the automatic
refund of a request before shipment. A Taobao store counts every refund.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from shopkeeper import timers
from shopkeeper.aftersales.metrics import service as metrics
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from support import START, Api, Shop

DAY, HOUR = timedelta(days=1), timedelta(hours=1)
PERIOD = f"from={START.isoformat()}&to={(START + 20 * DAY).isoformat()}".replace("+", "%2B")


class Store:
    def __init__(self, api: Api, db: Database, clock: SimulatedClock, rulebook: str, currency: str) -> None:
        self.db, self.clock = db, clock
        self.shop = Shop.restored(api, db, clock.now(), rulebook=rulebook, currency=currency)
        self.operator, self.staff, self.buyer = api, self.shop.staff, self.shop.shopper

    def paid(self) -> dict[str, Any]:
        order = self.shop.order((self.shop.skus[0], 1))
        self.shop.pay(order)
        return order

    def ship(self, order: dict[str, Any], pickup: bool = True) -> None:
        self.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "DHL", "tracking_number": f"D{order['id']}"})
        if pickup:  # the carrier's scan: what "shipped" means on Taobao/Tmall (RULES.md §7.3)
            self.staff.post(f"/orders/{order['id']}/pickup")

    def open(self, order: dict[str, Any], reason: str, **body: Any) -> Any:
        return self.buyer.post(f"/orders/{order['id']}/cases", {"reason": reason, **body}, expect=201)

    def until(self, moment: datetime) -> None:
        timers.advance_to(self.db, self.clock, moment)

    def metrics(self, who: Api | None = None, query: str = PERIOD, expect: int = 200) -> Any:
        return (who or self.staff).get(f"/stores/{self.shop.store_id}/aftersales/metrics?{query}", expect=expect)


def _escalate_and_rule(store: Store, case: dict[str, Any], decision: str, responsible: str) -> None:
    opened = datetime.fromisoformat(case["opened_at"])
    store.until(opened + DAY)
    store.staff.post(f"/cases/{case['id']}/answer", {"agree": False})
    store.until(opened + 5 * DAY)  # DHgate: a buyer who is not VIP escalates from day 5
    store.buyer.post(f"/cases/{case['id']}/escalate")
    store.staff.post(f"/cases/{case['id']}/answer", {"agree": False})
    store.operator.post(f"/cases/{case['id']}/arbitrate", {"decision": decision, "responsible": responsible})


def test_dhgate_metrics_count_platform_disputes_their_refunds_shipping_on_time_and_sold_not_shipped(
        api: Api, db: Database, clock: SimulatedClock) -> None:
    """§8.1: agreement-stage cases are not disputes; platform-stage refunds feed the refund rate; 成交不卖 counts."""
    dh = Store(api, db, clock, "dhgate", "USD")
    agreed, ruled_seller, not_received, unanswered, cancelled = (dh.paid() for _ in range(5))
    dh.buyer.post(f"/orders/{cancelled['id']}/cancel")  # within the ship-by time: no shipping failure
    dh.until(START + HOUR)
    dh.open(unanswered, "out_of_stock")  # DHgate: 7 silent days → refunded as 成交不卖, after the 7-day ship-by
    dh.until(START + 2 * HOUR)
    dh.ship(agreed)
    dh.ship(ruled_seller)
    dh.until(START + 5 * DAY + 2 * HOUR)
    case = dh.open(agreed, "inad_color", agreement="refund_only", refund="10.00")
    dh.staff.post(f"/cases/{case['id']}/accept")  # an agreement refund: not a dispute, not in DHgate's refund rate
    dh.until(START + 8 * DAY)
    dh.ship(not_received)  # a day after its 7-day ship-by
    _escalate_and_rule(dh, dh.open(ruled_seller, "inad_size"), "full_refund", "seller")
    dh.until(START + 13 * DAY)
    _escalate_and_rule(dh, dh.open(not_received, "inr_in_transit"), "release_seller", "third_party")
    dh.until(START + 21 * DAY)
    outside = dh.paid()  # after the period: neither it nor its case counts
    dh.open(outside, "out_of_stock")

    m = dh.metrics()
    assert m == {
        "store_id": dh.shop.store_id, "rulebook": "dhgate", "from": START.isoformat().replace("+00:00", "Z"),
        "to": (START + 20 * DAY).isoformat().replace("+00:00", "Z"),
        "orders": 5, "disputes": 2, "dispute_rate": "0.4000",
        "seller_responsible_disputes": 1, "seller_responsible_dispute_rate": "0.2000",
        "refunds": 1, "refund_rate": "0.2000",
        "not_received_disputes": 1, "not_received_dispute_rate": "0.2000",
        "shipped": 3, "shipped_on_time": 2, "missed_ship_by": 1, "on_time_shipping_rate": "0.5000",
        "sold_not_shipped": 1, "agreement_cases_are_disputes": False, "refund_rate_counts": "platform_stage",
    }
    assert dh.operator.get(f"/stores/{dh.shop.store_id}/aftersales/metrics?{PERIOD}") == m
    # the service function the console calls gives the same figures, frozen
    with db.read() as session:
        figures = metrics.store_metrics(session, dh.shop.store_id, START, START + 20 * DAY)
    assert isinstance(figures, metrics.StoreMetrics)
    assert (figures.orders, figures.disputes, figures.dispute_rate, figures.on_time_shipping_rate, figures.sold_not_shipped) == \
        (5, 2, Decimal("0.4000"), Decimal("0.5000"), 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        figures.orders = 6  # type: ignore[misc]


def test_taobao_counts_every_refund_and_the_late_shipment_refund_as_a_missed_ship_by(api: Api, db: Database,
                                                                                      clock: SimulatedClock) -> None:
    """taobao.toml (our choice): every refund counts in the refund rate; the instant refund is a shipping failure."""
    tb = Store(api, db, clock, "taobao", "CNY")
    on_time, late = tb.paid(), tb.paid()
    tb.until(START + 2 * HOUR)
    tb.ship(on_time)
    tb.until(START + 72 * HOUR + HOUR)
    tb.buyer.post(f"/orders/{late['id']}/late-shipment-refund", expect=201)
    case = tb.open(on_time, "inad_color", agreement="refund_only", refund="10.00")
    tb.staff.post(f"/cases/{case['id']}/accept")
    m = tb.metrics()
    assert (m["orders"], m["disputes"], m["dispute_rate"], m["refunds"], m["refund_rate"]) == (2, 0, "0.0000", 2, "1.0000")
    assert (m["shipped"], m["shipped_on_time"], m["missed_ship_by"], m["on_time_shipping_rate"]) == (1, 1, 1, "0.5000")
    assert (m["sold_not_shipped"], m["refund_rate_counts"]) == (0, "all_refunds")


def test_an_empty_period_has_no_rates(api: Api, db: Database, clock: SimulatedClock) -> None:
    dh = Store(api, db, clock, "dhgate", "USD")
    m = dh.metrics()
    assert (m["orders"], m["dispute_rate"], m["on_time_shipping_rate"], m["sold_not_shipped"]) == (0, None, None, 0)


def test_metrics_are_for_the_stores_staff_and_the_operator(api: Api, db: Database, clock: SimulatedClock) -> None:
    a, b = Store(api, db, clock, "dhgate", "USD"), Store(api, db, clock, "dhgate", "USD")
    assert a.metrics(who=b.staff, expect=404)["code"] == "not-found"
    assert a.metrics(who=a.buyer, expect=403)["code"] == "forbidden"
    assert a.metrics(who=a.operator)["store_id"] == a.shop.store_id
    assert a.operator.get(f"/stores/999999/aftersales/metrics?{PERIOD}", expect=404)["code"] == "not-found"


@pytest.mark.parametrize("query, code", [
    ("", "invalid-request"), ("from=2026-11-01", "invalid-request"), ("to=2026-11-01", "invalid-request"),
    ("from=yesterday&to=2026-11-01", "invalid-request"), ("from=2026-11-02&to=2026-11-01", "invalid-input"),
    ("from=2026-11-01&to=2026-11-01", "invalid-input"), ("from=0001-01-01T00:00:00%2B05:00&to=2026-11-01", "invalid-input"),
])
def test_a_bad_period_is_refused(api: Api, db: Database, clock: SimulatedClock, query: str, code: str) -> None:
    dh = Store(api, db, clock, "dhgate", "USD")
    assert dh.metrics(query=query, expect=422)["code"] == code


def test_dates_without_a_time_are_midnight_utc(api: Api, db: Database, clock: SimulatedClock) -> None:
    dh = Store(api, db, clock, "dhgate", "USD")
    dh.paid()
    m = dh.metrics(query="from=2026-11-02&to=2026-11-03")
    assert (m["from"], m["to"], m["orders"]) == ("2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z", 1)


def test_on_time_shipping_follows_the_rulebooks_meaning_of_shipped(api: Api, db: Database, clock: SimulatedClock) -> None:
    """§7.3: on Taobao the pickup scan is the shipment; on DHgate the tracking number (dhgate.toml)."""
    tb = Store(api, db, clock, "taobao", "CNY")
    picked_late, never_picked, pending = tb.paid(), tb.paid(), tb.paid()
    tb.until(START + 2 * HOUR)
    for order in (picked_late, never_picked, pending):
        tb.ship(order, pickup=False)  # tracking numbers typed in at hour 2: not shipped on Taobao
    tb.until(START + 80 * HOUR)
    tb.staff.post(f"/orders/{picked_late['id']}/pickup")  # picked up after the 72 h
    tb.buyer.post(f"/orders/{never_picked['id']}/late-shipment-refund", expect=201)
    m = tb.metrics()
    assert (m["shipped"], m["shipped_on_time"], m["missed_ship_by"], m["on_time_shipping_rate"]) == (1, 0, 1, "0.0000")

    dh = Store(api, db, clock, "dhgate", "USD")
    order = dh.paid()
    dh.until(START + 82 * HOUR)
    dh.ship(order, pickup=False)
    m = dh.metrics()
    assert (m["shipped"], m["shipped_on_time"], m["missed_ship_by"], m["on_time_shipping_rate"]) == (1, 1, 0, "1.0000")
