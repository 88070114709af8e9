"""Complaints and compensation through the API with the simulated clock (RULES.md §7.3, §15 #9, §15 #10).

A buyer complains (投诉商家) within 15 days of the order completing or closing
with its refund; the operator upholds (赔付: 5% of the goods, shipping excluded,
¥5–¥30, ¥1 minimum in a special category; cash from the store's balance on
Taobao, points on Tmall) or dismisses. Amounts are checked to the fen.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from shopkeeper import timers
from shopkeeper.aftersales.models import Complaint
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.events import Event
from shopkeeper.orders.models import LedgerEntry
from support import Api, Shop

DAY, HOUR, SECOND = timedelta(days=1), timedelta(hours=1), timedelta(seconds=1)


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Counter:
    """A store on one rulebook selling SKUs at the prices a test needs, and its buyer."""

    def __init__(self, api: Api, db: Database, clock: SimulatedClock, rulebook: str = "taobao", currency: str = "CNY") -> None:
        self.db, self.clock = db, clock
        self.shop = Shop.restored(api, db, clock.now(), rulebook=rulebook, currency=currency)
        self.operator, self.staff, self.buyer = api, self.shop.staff, self.shop.shopper

    def sku(self, price: str) -> int:
        product = self.staff.post(f"/stores/{self.shop.store_id}/products", {
            "title": f"商品 {price}", "skus": [{"code": f"SKU-{price}", "price": price}]}, expect=201)
        sku_id = int(product["skus"][0]["id"])
        self.staff.post(f"/skus/{sku_id}/stock", {"warehouse_id": self.shop.warehouse["id"], "quantity": 10})
        return sku_id

    def paid(self, sku: int, quantity: int = 1) -> dict[str, Any]:
        order = self.shop.order((sku, quantity))
        self.shop.pay(order)
        return order

    def completed(self, sku: int, quantity: int = 1) -> dict[str, Any]:
        """Paid, shipped two hours later, and received by the buyer (交易成功) an hour after that."""
        order = self.paid(sku, quantity)
        self.clock.advance(hours=2)
        self.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "YTO", "tracking_number": f"YT{order['id']}"})
        self.clock.advance(hours=1)
        return self.buyer.post(f"/orders/{order['id']}/receipt")

    def complain(self, order: dict[str, Any], expect: int = 201, buyer: Api | None = None, **body: Any) -> Any:
        return (buyer or self.buyer).post(f"/orders/{order['id']}/complaints", {"reason": "发货慢，态度差", **body}, expect=expect)

    def uphold(self, complaint: dict[str, Any], expect: int = 200, **body: Any) -> Any:
        return self.operator.post(f"/complaints/{complaint['id']}/uphold", body, expect=expect)

    def until(self, moment: datetime) -> None:
        timers.advance_to(self.db, self.clock, moment)

    def store_balance(self) -> int:
        return int(self.staff.get(f"/stores/{self.shop.store_id}/balance")["store_balance"]["minor"])

    def points(self) -> int:
        return int(self.buyer.get(f"/buyers/{self.shop.buyer['id']}/points")["balance"])


@pytest.fixture
def taobao(api: Api, db: Database, clock: SimulatedClock) -> Counter:
    return Counter(api, db, clock)


def _counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0 for m in (Complaint, Event, LedgerEntry)}


# --- how much (RULES.md §7.3 赔付) -----------------------------------------------------------------

@pytest.mark.parametrize("price, compensation", [
    ("80.00", 500),      # 5% is ¥4.00: the ¥5 minimum
    ("1000.00", 3000),   # 5% is ¥50.00: the ¥30 maximum (§15 #9)
    ("300.00", 1500),    # 5% inside the range
    ("123.50", 618),     # ¥6.175, half up to the fen
])
def test_taobao_upheld_complaint_pays_5_percent_of_the_goods_between_5_and_30_yuan_in_cash(taobao: Counter, price: str,
                                                                                           compensation: int) -> None:
    order = taobao.completed(taobao.sku(price))
    complaint = taobao.complain(order)
    assert (complaint["status"], complaint["goods"]["amount"], complaint["compensation"]) == ("open", price, None)
    balance = taobao.store_balance()
    upheld = taobao.uphold(complaint, note="客服核实属实")
    paid = upheld["compensation"]
    assert upheld["status"] == "upheld" and upheld["decided_at"] is not None
    assert (paid["amount"]["minor"], paid["amount"]["currency"], paid["paid_in"], paid["points"]) == (compensation, "CNY", "cash", None)
    # the store pays it out of its settled balance, to the buyer, in one transfer of its own kind
    assert taobao.store_balance() == balance - compensation
    entries = [e for e in taobao.staff.get(f"/stores/{taobao.shop.store_id}/ledger")["items"] if e["kind"] == "compensation"]
    assert sorted((e["account"], e["amount"]["minor"], e["order_id"], e["transfer"]) for e in entries) == [
        ("provider", compensation, order["id"], paid["transfer"]), ("store_balance", -compensation, order["id"], paid["transfer"])]


def test_shipping_is_not_part_of_the_goods_amount(taobao: Counter) -> None:
    """§7.3: 5% of the order amount excluding shipping (不包含运费)."""
    taobao.staff.post(f"/stores/{taobao.shop.store_id}/shipping-templates", {"is_default": True, "spec": {
        "name": "flat", "mode": "piece", "rules": [], "free": [], "excluded_regions": [],
        "default": {"regions": [], "first_units": 1, "first_fee_minor": 800, "extra_units": 1, "extra_fee_minor": 0}}}, expect=201)
    order = taobao.completed(taobao.sku("300.00"))
    assert order["total"]["minor"] == 30800  # 5% of it would be ¥15.40
    complaint = taobao.complain(order)
    assert complaint["goods"]["minor"] == 30000
    assert taobao.uphold(complaint)["compensation"]["amount"]["minor"] == 1500


@pytest.mark.parametrize("price, special, compensation", [
    ("30.00", True, 150),    # 5% is ¥1.50: above the special categories' ¥1 minimum
    ("10.00", True, 100),    # 5% is ¥0.50: the ¥1 minimum
    ("30.00", False, 500),   # the same goods outside a special category: ¥5
    ("1000.00", True, 3000), # §15 #9 reading: the ¥30 maximum holds for special categories too
])
def test_special_categories_have_a_1_yuan_minimum_as_the_operator_finds(taobao: Counter, price: str, special: bool,
                                                                         compensation: int) -> None:
    complaint = taobao.complain(taobao.completed(taobao.sku(price)))
    paid = taobao.uphold(complaint, special_category=special)["compensation"]
    assert (paid["amount"]["minor"], paid["special_category"]) == (compensation, special)


@pytest.mark.parametrize("price, points", [("300.00", 1500), ("80.00", 500), ("1000.00", 3000)])
def test_tmall_pays_compensation_in_points_not_cash(api: Api, db: Database, clock: SimulatedClock, price: str, points: int) -> None:
    """§7.3: Tmall compensates in Tmall points (天猫积分); §15 #9 reading: 100 points = ¥1."""
    tmall = Counter(api, db, clock, rulebook="tmall")
    order = tmall.completed(tmall.sku(price))
    complaint = tmall.complain(order)
    balance, before = tmall.store_balance(), tmall.points()
    paid = tmall.uphold(complaint)["compensation"]
    assert (paid["amount"]["minor"], paid["paid_in"], paid["points"], paid["transfer"]) == (points, "points", points, None)
    assert tmall.points() == before + points
    assert tmall.store_balance() == balance  # no cash moves
    with db.read() as session:
        recorded = session.scalars(select(Event).where(Event.type == "points.recorded").order_by(Event.id.desc())).first()
        assert recorded is not None and recorded.data == {"delta": points, "reason": "complaint_compensation"}


# --- when (RULES.md §7.3, §15 #10) -------------------------------------------------------------------

def test_a_complaint_opens_until_exactly_15_days_after_the_order_completed(taobao: Counter, db: Database) -> None:
    sku = taobao.sku("80.00")
    first, second = taobao.completed(sku), taobao.completed(sku)
    completed = when(second["completed_at"])
    taobao.until(when(first["completed_at"]) + 15 * DAY)
    complaint = taobao.complain(first)
    assert when(complaint["open_until"]) == when(first["completed_at"]) + 15 * DAY
    taobao.until(completed + 15 * DAY + SECOND)
    before = _counts(db)
    late = taobao.complain(second, expect=409)
    assert late["code"] == "deadline-passed" and late["deadline"] == "complaint_window"
    assert when(late["due_at"]) == completed + 15 * DAY and f"{completed + 15 * DAY:%Y-%m-%d %H:%M}" in late["detail"]
    assert _counts(db) == before


def test_an_order_closed_with_its_refund_may_be_complained_about_for_15_days(taobao: Counter) -> None:
    """§7.3: the button appears once the order is closed with the refund successful: here the late-shipment refund."""
    order = taobao.paid(taobao.sku("80.00"))
    taobao.until(when(taobao.buyer.get(f"/orders/{order['id']}")["ship_by"]) + SECOND)
    taobao.buyer.post(f"/orders/{order['id']}/late-shipment-refund", expect=201)
    closed = taobao.buyer.get(f"/orders/{order['id']}")
    assert closed["status"] == "closed"
    taobao.until(when(closed["closed_at"]) + 15 * DAY)
    complaint = taobao.complain(order)
    assert when(complaint["order_closed_at"]) == when(closed["closed_at"])
    assert taobao.uphold(complaint)["compensation"]["amount"]["minor"] == 500


def test_no_complaint_while_the_order_is_under_way_or_never_paid(taobao: Counter) -> None:
    sku = taobao.sku("80.00")
    paid = taobao.paid(sku)
    refused = taobao.complain(paid, expect=409)
    assert refused["code"] == "not-allowed-in-state" and refused["current_status"] == "paid"
    taobao.staff.post(f"/orders/{paid['id']}/shipment", {"carrier": "YTO", "tracking_number": "YT1"})
    assert taobao.complain(paid, expect=409)["current_status"] == "shipped"
    unpaid = taobao.shop.order((sku, 1))
    taobao.buyer.post(f"/orders/{unpaid['id']}/cancel")
    assert taobao.complain(unpaid, expect=409)["code"] == "not-allowed-in-state"


@pytest.mark.parametrize("rulebook, currency", [("dhgate", "USD"), ("aliexpress", "USD"), ("default", "EUR")])
def test_platforms_without_complaint_compensation_refuse_the_complaint(api: Api, db: Database, clock: SimulatedClock,
                                                                       rulebook: str, currency: str) -> None:
    store = Counter(api, db, clock, rulebook=rulebook, currency=currency)
    order = store.completed(store.sku("80.00"))
    before = _counts(db)
    refused = store.complain(order, expect=409)
    assert refused["code"] == "not-allowed-in-state" and "no complaints" in refused["detail"]
    assert _counts(db) == before


# --- who, once, and bad input ------------------------------------------------------------------------

def test_complaints_are_scoped_like_cases(api: Api, db: Database, clock: SimulatedClock) -> None:
    a, b = Counter(api, db, clock), Counter(api, db, clock)
    order = a.completed(a.sku("80.00"))
    _, _, stranger = a.shop.new_buyer("Zhao Lei")
    assert a.staff.post(f"/orders/{order['id']}/complaints", {"reason": "x"}, expect=403)["code"] == "forbidden"
    assert a.complain(order, expect=404, buyer=stranger)["code"] == "not-found"
    complaint = a.complain(order)
    for outsider in (b.staff, b.buyer, stranger):
        assert outsider.get(f"/complaints/{complaint['id']}", expect=404)["code"] == "not-found"
        assert outsider.post(f"/complaints/{complaint['id']}/uphold", expect=404)["code"] == "not-found"
        assert outsider.get("/complaints")["items"] == []
    assert a.staff.post(f"/complaints/{complaint['id']}/uphold", expect=403)["code"] == "forbidden"
    assert a.buyer.post(f"/complaints/{complaint['id']}/dismiss", expect=403)["code"] == "forbidden"
    assert [c["id"] for c in a.staff.get(f"/complaints?store_id={a.shop.store_id}")["items"]] == [complaint["id"]]
    assert [c["id"] for c in a.buyer.get("/complaints")["items"]] == [complaint["id"]]
    assert a.operator.get(f"/complaints/{complaint['id']}")["status"] == "open"
    assert a.operator.get(f"/complaints?store_id={b.shop.store_id}")["items"] == []


def test_one_complaint_per_order_and_a_decision_is_final(taobao: Counter, db: Database) -> None:
    order = taobao.completed(taobao.sku("80.00"))
    complaint = taobao.complain(order)
    again = taobao.complain(order, expect=409)
    assert again["code"] == "conflict" and again["complaint_id"] == complaint["id"]
    dismissed = taobao.operator.post(f"/complaints/{complaint['id']}/dismiss", {"note": "证据不足"})
    assert (dismissed["status"], dismissed["compensation"], dismissed["note"]) == ("dismissed", None, "证据不足")
    before = _counts(db)
    refused = taobao.uphold(complaint, expect=409)
    assert refused["code"] == "not-allowed-in-state" and refused["current_status"] == "dismissed"
    assert _counts(db) == before
    assert taobao.operator.get("/complaints?status=dismissed")["items"][0]["id"] == complaint["id"]
    with db.read() as session:
        types = session.scalars(select(Event.type).where(Event.subject == f"complaint:{complaint['id']}").order_by(Event.id)).all()
    assert types == ["complaint.opened", "complaint.dismissed"]


def test_a_retried_uphold_pays_once(taobao: Counter, db: Database) -> None:
    complaint = taobao.complain(taobao.completed(taobao.sku("1000.00")))
    balance = taobao.store_balance()
    first = taobao.operator.call("POST", f"/complaints/{complaint['id']}/uphold", json={}, headers={"Idempotency-Key": "uphold-1"})
    again = taobao.operator.client.post(f"/api/v1/complaints/{complaint['id']}/uphold", json={},
                                        headers={"Authorization": f"Bearer {taobao.operator.key}", "Idempotency-Key": "uphold-1"})
    assert again.status_code == 200 and again.json() == first and again.headers["Idempotent-Replayed"] == "true"
    assert taobao.store_balance() == balance - 3000
    with db.read() as session:
        types = session.scalars(select(Event.type).where(Event.subject == f"complaint:{complaint['id']}").order_by(Event.id)).all()
    assert types == ["complaint.opened", "complaint.upheld"]


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}, {"reason": "x", "extra": 1},
                                  {"reason": 5}])
def test_bad_complaints_are_refused_and_write_nothing(taobao: Counter, db: Database, body: dict[str, Any]) -> None:
    order = taobao.completed(taobao.sku("80.00"))
    before = _counts(db)
    refused = taobao.buyer.post(f"/orders/{order['id']}/complaints", body, expect=422)
    assert refused["code"] == "invalid-request"
    assert _counts(db) == before


def test_bad_decisions_are_refused_and_write_nothing(taobao: Counter, db: Database) -> None:
    complaint = taobao.complain(taobao.completed(taobao.sku("80.00")))
    before = _counts(db)
    for body in ({"special_category": "maybe"}, {"note": "x" * 501}, {"amount": "1.00"}):
        assert taobao.uphold(complaint, expect=422, **body)["code"] == "invalid-request"
    assert taobao.operator.post("/complaints/999999/uphold", expect=404)["code"] == "not-found"
    assert taobao.operator.get("/complaints?cursor=abc", expect=422)["code"] == "invalid-request"
    assert _counts(db) == before
