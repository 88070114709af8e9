"""After-sales cases at several stages on a DHgate store and a Taobao store, built on the simulated clock.

Shared by the console's HTTP tests (tests/console/test_case_pages.py) and its
browser test (tests/browser/test_console_cases.py). Stores, orders and most
cases go in through the REST API; the request before shipment is opened
through `aftersales.cases.service` directly. Deadline timers fire as the clock moves
(`timers.advance_to`), so every case is exactly where the engine put it.
When the seed ends, the clock stands at `NOW` and:

    case            store   stage / clock                 due (UTC)
    reship          DHgate  performing / reship_tracking  11-14 10:00
    taobao_refund   Taobao  negotiating / seller_answer   11-17 09:00
    dispute         DHgate  escalated / platform_feedback 11-17 10:00
    pre_shipment    DHgate  negotiating / pre_shipment    11-19 11:00
    taobao_closed   Taobao  closed, refunded ¥59.90
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from shopkeeper import timers
from shopkeeper.aftersales.cases import service
from shopkeeper.auth import Principal, Role
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from support import Api, Shop

NOW = datetime(2026, 11, 12, 12, 0, tzinfo=timezone.utc)


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=timezone.utc)


@dataclass(frozen=True)
class CaseSeed:
    dhgate: Shop
    taobao: Shop
    reship: dict[str, Any]
    dispute: dict[str, Any]
    pre_shipment: int  # opened through the service: its id
    pre_shipment_order: dict[str, Any]
    taobao_refund: dict[str, Any]
    taobao_closed: dict[str, Any]


def seed(api: Api, db: Database, clock: SimulatedClock) -> CaseSeed:
    def until(moment: datetime) -> None:
        timers.advance_to(db, clock, moment)

    dhgate, taobao = Shop(api, rulebook="dhgate", currency="USD"), Shop(api)

    def shipped(shop: Shop, carrier: str) -> dict[str, Any]:
        order = shop.order((shop.skus[0], 1))
        shop.pay(order)
        return shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": carrier, "tracking_number": f"T{order['id']}"})

    def open_case(shop: Shop, order: dict[str, Any], **body: Any) -> dict[str, Any]:
        return shop.shopper.post(f"/orders/{order['id']}/cases", body, expect=201)

    until(at(2, 9))
    for_reship, for_dispute = shipped(dhgate, "DHL"), shipped(dhgate, "DHL")
    until(at(7, 10))  # DHL is express on DHgate: a case opens 5 days after the tracking number
    reship = open_case(dhgate, for_reship, reason="inad_damaged", agreement="reship", message="The lamp arrived cracked.")
    reship = dhgate.staff.post(f"/cases/{reship['id']}/accept")
    dispute = open_case(dhgate, for_dispute, reason="inad_color", agreement="refund_only")
    dhgate.staff.post(f"/cases/{dispute['id']}/answer", {"agree": False})
    dhgate.staff.post(f"/cases/{dispute['id']}/messages", {"body": "The colour matches the listing photos."}, expect=201)
    until(at(10, 9))
    refund_order, closed_order = shipped(taobao, "顺丰 SF Express"), shipped(taobao, "顺丰 SF Express")
    until(at(12, 9))
    taobao_refund = open_case(taobao, refund_order, reason="inad_color", agreement="refund_only", refund="20.00")
    taobao_closed = open_case(taobao, closed_order, reason="inad_damaged", agreement="refund_only")
    taobao_closed = taobao.staff.post(f"/cases/{taobao_closed['id']}/accept")
    until(at(12, 10))
    dispute = dhgate.shopper.post(f"/cases/{dispute['id']}/escalate")  # a regular buyer may escalate from day 5
    until(at(12, 11))
    order = dhgate.order((dhgate.skus[0], 1))
    dhgate.pay(order)
    buyer = Principal(Role.BUYER, 0, buyer_id=int(dhgate.buyer["id"]))
    with db.transaction() as session:
        pre_shipment = service.open_case(session, clock.now(), buyer, order["id"], service.CaseRequest("out_of_stock")).id
    until(NOW)
    return CaseSeed(dhgate, taobao, reship, dispute, pre_shipment, order, taobao_refund, taobao_closed)
