"""延长收货 through the API with the simulated clock (RULES.md §17.1).

Taobao: the buyer may extend once by 3 days when 3 days are left; the seller by
3, 5, 7 or 10 days, once (our choice, docs/decisions.md). Only while the order
is shipped and not yet confirmed. The timer scheduled before the extension
fires and does nothing; the new one confirms receipt.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from shopkeeper import timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.events import Event
from shopkeeper.orders.models import ReceiptExtension
from support import Api, Shop

DAY, SECOND = timedelta(days=1), timedelta(seconds=1)


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def shipped(shop: Shop, carrier: str = "YTO") -> dict[str, Any]:
    order = shop.order((shop.skus[0], 1))
    shop.pay(order)
    return shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": carrier, "tracking_number": f"T{order['id']}"})


def extend(api: Api, order: dict[str, Any], days: Any, expect: int = 200) -> Any:
    return api.post(f"/orders/{order['id']}/receipt-extension", {"days": days}, expect=expect)


def test_buyer_extends_once_by_3_days_when_3_are_left_and_the_old_timer_does_nothing(shop: Shop, db: Database,
                                                                                    clock: SimulatedClock) -> None:
    order = shipped(shop)
    due = when(order["confirm_by"])
    assert due == when(order["shipped_at"]) + 10 * DAY  # express (YTO): §17.1's 10 days
    timers.advance_to(db, clock, due - 3 * DAY - SECOND)
    early = extend(shop.shopper, order, 3, expect=409)
    assert early["code"] == "not-allowed-in-state" and "3 days or less" in early["detail"]
    timers.advance_to(db, clock, due - 3 * DAY)
    assert extend(shop.shopper, order, 5, expect=422)["code"] == "invalid-input"  # a buyer extends by 3
    extended = extend(shop.shopper, order, 3)
    assert when(extended["confirm_by"]) == due + 3 * DAY
    assert extend(shop.shopper, order, 3, expect=409)["code"] == "not-allowed-in-state"  # once
    # the old timer fires at the old time and finds a later confirm_by: nothing happens
    timers.advance_to(db, clock, due + SECOND)
    assert shop.shopper.get(f"/orders/{order['id']}")["status"] == "shipped"
    timers.advance_to(db, clock, due + 3 * DAY)
    done = shop.shopper.get(f"/orders/{order['id']}")
    assert done["status"] == "completed" and when(done["completed_at"]) == due + 3 * DAY
    with db.read() as session:
        event = session.scalar(select(Event).where(Event.type == "order.receipt_extended"))
        assert event is not None and (event.data["by"], event.data["days"]) == ("buyer", 3)
        assert when(event.data["confirm_by"]) == due + 3 * DAY
        assert session.scalar(select(func.count()).select_from(Event).where(Event.type == "order.completed")) == 1


def test_seller_extends_by_one_of_3_5_7_10_days_once_and_the_buyer_still_may(shop: Shop, db: Database,
                                                                              clock: SimulatedClock) -> None:
    order = shipped(shop, carrier="China Post")  # surface post: §17.1's 30 days
    due = when(order["confirm_by"])
    assert due == when(order["shipped_at"]) + 30 * DAY
    clock.advance(days=1)
    assert extend(shop.staff, order, 4, expect=422)["code"] == "invalid-input"
    assert extend(shop.staff, order, 0, expect=422)["code"] in ("invalid-request", "invalid-input")
    assert extend(shop.staff, order, "ten", expect=422)["code"] in ("invalid-request", "invalid-input")
    assert when(extend(shop.staff, order, 10)["confirm_by"]) == due + 10 * DAY
    assert extend(shop.staff, order, 3, expect=409)["code"] == "not-allowed-in-state"
    timers.advance_to(db, clock, due + 7 * DAY)  # 3 days left of the extended time
    assert when(extend(shop.shopper, order, 3)["confirm_by"]) == due + 13 * DAY
    with db.read() as session:
        rows = list(session.scalars(select(ReceiptExtension).order_by(ReceiptExtension.id)))
        assert [(r.by, r.days) for r in rows] == [("seller", 10), ("buyer", 3)]


def test_extension_only_while_shipped_and_not_yet_confirmed(shop: Shop, api: Api, db: Database, clock: SimulatedClock) -> None:
    paid = shop.order((shop.skus[0], 1))
    shop.pay(paid)
    assert extend(shop.staff, paid, 3, expect=409)["code"] == "not-allowed-in-state"
    order = shipped(shop)
    shop.shopper.post(f"/orders/{order['id']}/receipt")
    assert extend(shop.staff, order, 3, expect=409)["code"] == "not-allowed-in-state"
    # a case holds the receipt clock: nothing to extend until it ends
    held = shipped(shop)
    shop.shopper.post(f"/orders/{held['id']}/cases", {"reason": "inad_color", "agreement": "refund_only", "refund": "10.00"},
                      expect=201)
    assert "case holds the receipt" in extend(shop.staff, held, 3, expect=409)["detail"]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(ReceiptExtension)) == 0


def test_only_the_orders_buyer_and_its_stores_staff_extend(shop: Shop, api: Api) -> None:
    order = shipped(shop)
    _, _, stranger = shop.new_buyer("Han Meimei")
    assert extend(stranger, order, 3, expect=404)["code"] == "not-found"
    other = Shop(api, rulebook="tmall")
    assert extend(other.staff, order, 3, expect=404)["code"] == "not-found"
    assert when(extend(api, order, 5)["confirm_by"]) == when(order["confirm_by"]) + 5 * DAY  # the operator, for the seller


def test_a_rulebook_without_extensions_refuses_them(api: Api) -> None:
    """§17.1's extensions are Taobao/Tmall's; DHgate's 90 days outlast every case window (dhgate.toml)."""
    dhgate = Shop(api, rulebook="dhgate", currency="USD")
    order = shipped(dhgate, carrier="DHL")
    assert "offers no extension" in extend(dhgate.staff, order, 3, expect=409)["detail"]
