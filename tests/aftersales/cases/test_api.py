"""After-sales cases through the API with the simulated clock, one scenario per rule of RULES.md §7.

Each step asserts the case's state, the order's books (paid = refunded + released
to the seller + still in escrow) and the next deadline: when, who must act and
what happens if they do not. Numbers come from the shipped rulebooks.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from shopkeeper import timers
from shopkeeper.aftersales.models import CaseRow, EvidenceFile
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.events import Event
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import ledger
from shopkeeper.orders.models import LedgerEntry
from shopkeeper.settings import Settings
from support import Api, Shop

DAY, HOUR, SECOND = timedelta(days=1), timedelta(hours=1), timedelta(seconds=1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LIMIT_BYTES = 4096


@pytest.fixture
def settings(db: Database, tmp_path: Any) -> Settings:
    return Settings(database_url=db.url, evidence_dir=str(tmp_path / "evidence"), evidence_max_bytes=LIMIT_BYTES)


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Desk:
    """A store on one rulebook with its staff and a buyer; drives cases and reads the books."""

    def __init__(self, api: Api, db: Database, clock: SimulatedClock, rulebook: str, currency: str = "USD",
                 member_level: str = "regular") -> None:
        self.db, self.clock = db, clock
        self.shop = Shop.restored(api, db, clock.now(), rulebook=rulebook, currency=currency)
        self.operator, self.staff = api, self.shop.staff
        self.buyer, self.address = self.new_buyer("Wang Fang", member_level)

    def new_buyer(self, name: str, member_level: str = "regular") -> tuple[Api, dict[str, Any]]:
        buyer = self.operator.post("/buyers", {"name": name, "member_level": member_level}, expect=201)
        api = self.operator.as_(self.operator.post("/keys", {"role": "buyer", "buyer_id": buyer["id"]}, expect=201)["key"])
        address = api.post(f"/buyers/{buyer['id']}/addresses", {"recipient": name, "country": "CN", "region": "Zhejiang"}, expect=201)
        return api, address

    def paid_order(self, quantity: int = 1, buyer: Api | None = None, address: dict[str, Any] | None = None) -> dict[str, Any]:
        who, where = buyer or self.buyer, address or self.address
        order = self.shop.order((self.shop.skus[0], quantity), shopper=who, address=where)
        self.shop.pay(order, shopper=who)
        return who.get(f"/orders/{order['id']}")

    def shipped_order(self, carrier: str = "DHL", quantity: int = 1) -> dict[str, Any]:
        order = self.paid_order(quantity)
        self.clock.advance(hours=2)
        return self.staff.post(f"/orders/{order['id']}/shipment", {"carrier": carrier, "tracking_number": f"T{order['id']}"})

    def open(self, order: dict[str, Any], expect: int = 201, buyer: Api | None = None, **body: Any) -> dict[str, Any]:
        return (buyer or self.buyer).post(f"/orders/{order['id']}/cases", body, expect=expect)

    def case(self, case: dict[str, Any]) -> dict[str, Any]:
        return self.staff.get(f"/cases/{case['id']}")

    def until(self, moment: datetime) -> None:
        timers.advance_to(self.db, self.clock, moment)

    def books(self, order: dict[str, Any]) -> dict[str, int]:
        """The order's money in minor units, from the ledger: paid in, refunded, released to the seller, held."""
        with self.db.read() as session:
            sums = ledger.balances(session, self.shop.store_id, order["total"]["currency"], order["id"])

            def kind(k: str, account: str) -> int:
                return int(session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).where(
                    LedgerEntry.order_id == order["id"], LedgerEntry.kind == k, LedgerEntry.account == account)))

            paid, refunded = kind("payment", ledger.ESCROW), kind("refund", ledger.PROVIDER)
        books = {"paid": paid, "refunded": refunded, "released": sums[ledger.STORE_BALANCE].minor, "escrow": sums[ledger.ESCROW].minor}
        assert books["paid"] == books["refunded"] + books["released"] + books["escrow"]
        return books

    def order(self, order: dict[str, Any]) -> dict[str, Any]:
        return self.staff.get(f"/orders/{order['id']}")


def due(case: dict[str, Any], at: datetime, waiting_for: str, action: str) -> None:
    deadline = case["next_deadline"]
    assert deadline is not None, case
    assert (when(deadline["due_at"]), deadline["waiting_for"], deadline["action"]) == (at, waiting_for, action)
    assert deadline["description"]["en"] and deadline["description"]["zh"]


def closed(case: dict[str, Any], resolution: str, refund: int) -> None:
    assert case["status"] == "closed" and case["next_deadline"] is None, case
    assert (case["resolution"], (case["refund"] or {"minor": 0})["minor"]) == (resolution, refund)


@pytest.fixture
def dhgate(api: Api, db: Database, clock: SimulatedClock) -> Desk:
    return Desk(api, db, clock, "dhgate")


PRICE = 5990  # the first SKU of the test shop: 59.90


# --- DHgate before shipment (RULES.md §7.1.1, §7.1.5, §8.1) -----------------------------------

def test_dhgate_pre_shipment_request_refunds_and_cancels_after_7_silent_days_as_sold_not_shipped(dhgate: Desk) -> None:
    """§7.1.1: no agreement after 7 days → automatic refund and cancellation, counted as 成交不卖 (§8.1)."""
    dhgate.staff.post(f"/stores/{dhgate.shop.store_id}/shipping-templates", {"is_default": True, "spec": {
        "name": "flat", "mode": "piece", "rules": [], "free": [], "excluded_regions": [],
        "default": {"regions": [], "first_units": 1, "first_fee_minor": 800, "extra_units": 1, "extra_fee_minor": 200}}}, expect=201)
    order = dhgate.paid_order(quantity=2)
    paid = 2 * PRICE + 1000  # shipping 8.00 + 2.00 is given back too: the order never ships
    assert order["total"]["minor"] == paid and dhgate.shop.stock(dhgate.shop.skus[0])["reserved"] == 2
    dhgate.clock.advance(hours=1)
    case = dhgate.open(order, reason="out_of_stock")
    opened = when(case["opened_at"])
    assert (case["kind"], case["status"], case["responsible"], case["paid"]["minor"]) == ("pre_shipment_refund", "open", "seller", paid)
    due(case, opened + 7 * DAY, "seller", "refund_buyer")
    assert dhgate.books(order) == {"paid": paid, "refunded": 0, "released": 0, "escrow": paid}

    dhgate.until(opened + 7 * DAY - SECOND)
    due(dhgate.case(case), opened + 7 * DAY, "seller", "refund_buyer")
    dhgate.until(opened + 7 * DAY)
    case = dhgate.case(case)
    closed(case, "refunded", paid)
    assert case["sold_not_shipped"] is True and when(case["closed_at"]) == opened + 7 * DAY
    assert [line["refunded"]["minor"] for line in case["lines"]] == [2 * PRICE]
    assert dhgate.order(order)["status"] == "closed" and dhgate.order(order)["close_reason"] == "refund_before_shipment"
    assert dhgate.books(order) == {"paid": paid, "refunded": paid, "released": 0, "escrow": 0}
    assert dhgate.shop.stock(dhgate.shop.skus[0])["reserved"] == 0 and dhgate.shop.stock(dhgate.shop.skus[0])["available"] == 100


def test_dhgate_seller_agreeing_before_shipment_refunds_at_once_and_is_not_sold_not_shipped(dhgate: Desk) -> None:
    """§7.1.1: an agreement on money only executes immediately."""
    order = dhgate.paid_order()
    case = dhgate.open(order, reason="specs_not_as_requested")
    dhgate.clock.advance(days=2)
    case = dhgate.staff.post(f"/cases/{case['id']}/accept")
    closed(case, "refunded", PRICE)
    assert case["sold_not_shipped"] is False
    assert dhgate.books(order) == {"paid": PRICE, "refunded": PRICE, "released": 0, "escrow": 0}


def test_dhgate_seller_refuses_with_goods_prepared_and_ships(dhgate: Desk) -> None:
    """§7.1.5: "我已备货" rejects the request and the seller goes on to ship; the money stays in escrow."""
    order = dhgate.paid_order()
    case = dhgate.open(order, reason="not_required")
    assert dhgate.buyer.post(f"/cases/{case['id']}/prepared", expect=403)["code"] == "forbidden"
    case = dhgate.staff.post(f"/cases/{case['id']}/prepared")
    closed(case, "refused_prepared", 0)
    dhgate.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "DHL", "tracking_number": "P1"})
    assert dhgate.books(order) == {"paid": PRICE, "refunded": 0, "released": 0, "escrow": PRICE}


def test_operator_corrects_a_buyer_side_reason_within_the_window_so_it_is_not_held_against_the_seller(dhgate: Desk) -> None:
    """§7.1.5: the buyer picked a seller reason for a buyer-side cause; CS verifies within 7 days and cancels the order."""
    order = dhgate.paid_order()
    case = dhgate.open(order, reason="out_of_stock")
    dhgate.clock.advance(days=3)
    assert dhgate.staff.post(f"/cases/{case['id']}/responsibility", {"responsible": "buyer"}, expect=403)["code"] == "forbidden"
    case = dhgate.operator.post(f"/cases/{case['id']}/responsibility", {"responsible": "buyer", "note": "buyer changed mind"})
    closed(case, "refunded", PRICE)
    assert (case["responsible"], case["responsible_by"], case["sold_not_shipped"]) == ("buyer", "operator", False)
    assert dhgate.books(order) == {"paid": PRICE, "refunded": PRICE, "released": 0, "escrow": 0}
    # once the 7 days are over the clock has refunded it as 成交不卖, and there is nothing left to correct
    late = dhgate.paid_order()
    other = dhgate.open(late, reason="out_of_stock")
    dhgate.until(when(other["next_deadline"]["due_at"]))
    assert dhgate.case(other)["sold_not_shipped"] is True
    assert dhgate.operator.post(f"/cases/{other['id']}/responsibility", {"responsible": "buyer"}, expect=409)["code"] == \
        "not-allowed-in-state"


def test_a_request_before_shipment_lapses_when_the_seller_ships_anyway(dhgate: Desk) -> None:
    """The order moved on: the request is not carried out by cancelling a shipped order, nor counted as 成交不卖."""
    order = dhgate.paid_order()
    case = dhgate.open(order, reason="not_required")
    dhgate.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "DHL", "tracking_number": "X1"})
    assert dhgate.staff.post(f"/cases/{case['id']}/accept", expect=409)["code"] == "not-allowed-in-state"
    dhgate.until(when(case["next_deadline"]["due_at"]))
    case = dhgate.case(case)
    closed(case, "kept_order", 0)
    assert case["sold_not_shipped"] is False
    assert dhgate.books(order) == {"paid": PRICE, "refunded": 0, "released": 0, "escrow": PRICE}


# --- DHgate after shipment: when a case opens (RULES.md §5.6) ---------------------------------

@pytest.mark.parametrize("carrier, shipping_class, opens_day", [("DHL", "express", 5), ("YunExpress", "standard", 7),
                                                                 ("China Post", "post", 10)])
def test_dhgate_case_window_depends_on_the_shipping_class(dhgate: Desk, carrier: str, shipping_class: str, opens_day: int) -> None:
    """§5.6: Big-4 express 5–90 days, general express and dedicated lines 7–90, surface post 10–90 after the tracking number."""
    order = dhgate.shipped_order(carrier)
    shipped = when(order["shipped_at"])
    dhgate.until(shipped + opens_day * DAY - SECOND)
    early = dhgate.open(order, expect=409, reason="inad_color")
    assert early["code"] == "not-allowed-in-state" and shipping_class in early["detail"]
    dhgate.until(shipped + opens_day * DAY)
    case = dhgate.open(order, reason="inad_color", agreement="refund_only", refund="10.00")
    assert case["shipping_class"] == shipping_class and case["kind"] == "refund_only"


def test_dhgate_case_window_closes_after_90_days(dhgate: Desk) -> None:
    order = dhgate.shipped_order("DHL")
    dhgate.until(when(order["shipped_at"]) + 90 * DAY + SECOND)
    assert dhgate.open(order, expect=409, reason="inad_color")["code"] == "deadline-passed"


# --- DHgate negotiation and escalation (RULES.md §7.1.2) --------------------------------------

def _opened_on_day_5(desk: Desk, **body: Any) -> tuple[dict[str, Any], dict[str, Any], datetime]:
    order = desk.shipped_order("DHL")
    desk.until(when(order["shipped_at"]) + 5 * DAY)
    case = desk.open(order, reason=body.pop("reason", "inad_color"), **body)
    return order, case, when(case["opened_at"])


def test_dhgate_seller_silent_5_days_carries_out_the_buyers_refund(dhgate: Desk) -> None:
    """§7.1.2: no answer within 5 natural days → the system executes the buyer's refund amount; money-only pays at once."""
    order, case, opened = _opened_on_day_5(dhgate, agreement="refund_only", refund="20.00")
    due(case, opened + 5 * DAY, "seller", "carry_out_buyer_proposal")
    assert dhgate.order(order)["confirm_by"] is None  # the receipt waits for the case
    assert dhgate.books(order) == {"paid": PRICE, "refunded": 0, "released": 0, "escrow": PRICE}
    dhgate.until(opened + 5 * DAY)
    case = dhgate.case(case)
    closed(case, "partly_refunded", 2000)
    assert case["reached_platform"] is False
    assert dhgate.order(order)["status"] == "completed"
    assert dhgate.books(order) == {"paid": PRICE, "refunded": 2000, "released": PRICE - 2000, "escrow": 0}


@pytest.mark.parametrize("level, wait_days", [("regular", 5), ("gold", 3)])
def test_dhgate_buyer_escalates_after_3_days_if_vip_else_5_and_a_silent_seller_loses(api: Api, db: Database, clock: SimulatedClock,
                                                                                     level: str, wait_days: int) -> None:
    """§7.1.2: VIP buyers may escalate after 3 days, others after 5; the seller then answers within 5 days or the
    buyer's proposal is carried out."""
    desk = Desk(api, db, clock, "dhgate", member_level=level)
    order, case, opened = _opened_on_day_5(desk, agreement="refund_only")
    desk.until(opened + DAY)
    case = desk.staff.post(f"/cases/{case['id']}/answer", {"agree": False})
    due(case, opened + 10 * DAY, "buyer", "escalate")
    desk.until(opened + wait_days * DAY - SECOND)
    assert desk.buyer.post(f"/cases/{case['id']}/escalate", expect=409)["code"] == "not-allowed-in-state"
    desk.until(opened + wait_days * DAY)
    case = desk.buyer.post(f"/cases/{case['id']}/escalate")
    escalated = opened + wait_days * DAY
    assert (case["stage"], case["reached_platform"]) == ("escalated", True)
    due(case, escalated + 5 * DAY, "seller", "carry_out_buyer_proposal")
    desk.until(escalated + 5 * DAY)
    closed(desk.case(case), "refunded", PRICE)
    assert desk.books(order) == {"paid": PRICE, "refunded": PRICE, "released": 0, "escrow": 0}


def test_dhgate_unsettled_case_escalates_on_day_10_and_the_platform_rules_a_partial_refund(dhgate: Desk) -> None:
    """§7.1.2: no agreement within 10 days → platform dispute; a ruling within 10 days (the operator is reminded after);
    §7.1.1/§7.2.2: a partial refund set by the platform inside the range it gave."""
    order, case, opened = _opened_on_day_5(dhgate, agreement="refund_only")
    dhgate.until(opened + DAY)
    case = dhgate.staff.post(f"/cases/{case['id']}/counter", {"agreement": "refund_only", "refund": "10.00"})
    assert case["on_table"]["refund"]["minor"] == 1000
    due(case, opened + 10 * DAY, "buyer", "escalate")
    dhgate.until(opened + 10 * DAY)
    case = dhgate.case(case)
    assert (case["stage"], case["reached_platform"]) == ("escalated", True)
    due(case, opened + 15 * DAY, "seller", "carry_out_buyer_proposal")
    dhgate.until(opened + 11 * DAY)
    case = dhgate.staff.post(f"/cases/{case['id']}/answer", {"agree": False})
    due(case, opened + 20 * DAY, "platform", "alert_operator")
    dhgate.until(opened + 20 * DAY)
    case = dhgate.case(case)
    due(case, opened + 30 * DAY, "platform", "alert_operator")
    types = [e["type"] for e in dhgate.staff.get(f"/cases/{case['id']}/timeline")]
    assert "case.ruling_overdue" in types and "case.escalated" in types
    assert dhgate.books(order)["escrow"] == PRICE  # an overdue ruling moves no money
    ruling = {"decision": "partial_refund", "responsible": "seller", "allowed_from": "10.00", "allowed_to": "40.00"}
    refused = dhgate.operator.post(f"/cases/{case['id']}/arbitrate", {**ruling, "refund": "45.00"}, expect=422)
    assert refused["code"] == "invalid-input" and dhgate.case(case)["version"] == case["version"]
    assert dhgate.staff.post(f"/cases/{case['id']}/arbitrate", {**ruling, "refund": "30.00"}, expect=403)["code"] == "forbidden"
    case = dhgate.operator.post(f"/cases/{case['id']}/arbitrate", {**ruling, "refund": "30.00"})
    closed(case, "partly_refunded", 3000)
    assert (case["responsible"], case["responsible_by"]) == ("seller", "ruling")
    assert dhgate.books(order) == {"paid": PRICE, "refunded": 3000, "released": PRICE - 3000, "escrow": 0}


@pytest.mark.parametrize("decision, refunded", [("full_refund", PRICE), ("release_seller", 0)])
def test_platform_rules_full_refund_or_release(dhgate: Desk, decision: str, refunded: int) -> None:
    order, case, opened = _opened_on_day_5(dhgate, agreement="refund_only")
    dhgate.until(opened + DAY)
    dhgate.staff.post(f"/cases/{case['id']}/answer", {"agree": False})
    dhgate.until(opened + 5 * DAY)
    dhgate.buyer.post(f"/cases/{case['id']}/escalate")
    dhgate.staff.post(f"/cases/{case['id']}/answer", {"agree": False})
    case = dhgate.operator.post(f"/cases/{case['id']}/arbitrate", {"decision": decision, "responsible": "buyer"})
    closed(case, "refunded" if refunded else "released", refunded)
    assert dhgate.books(order) == {"paid": PRICE, "refunded": refunded, "released": PRICE - refunded, "escrow": 0}


def test_buyer_accepts_the_sellers_counter_proposal(dhgate: Desk) -> None:
    order, case, opened = _opened_on_day_5(dhgate, agreement="return_refund")
    dhgate.until(opened + DAY)
    case = dhgate.staff.post(f"/cases/{case['id']}/counter", {"agreement": "refund_only", "refund": "15.00"})
    assert dhgate.staff.post(f"/cases/{case['id']}/withdraw", expect=403)["code"] == "forbidden"
    case = dhgate.buyer.post(f"/cases/{case['id']}/accept")
    closed(case, "partly_refunded", 1500)
    assert case["agreed"] == {"agreement": "refund_only", "refund": {"amount": "15.00", "currency": "USD", "minor": 1500}}
    assert dhgate.books(order) == {"paid": PRICE, "refunded": 1500, "released": PRICE - 1500, "escrow": 0}


# --- DHgate agreements with goods (RULES.md §7.1.4) -------------------------------------------

def _agreed(desk: Desk, agreement: str, refund: str | None = None, reason: str = "inad_color") -> tuple[dict[str, Any], dict[str, Any],
                                                                                                      datetime]:
    order, case, opened = _opened_on_day_5(desk, agreement=agreement, reason=reason, **({"refund": refund} if refund else {}))
    desk.until(opened + DAY)
    case = desk.staff.post(f"/cases/{case['id']}/accept")
    assert (case["stage"], case["agreed"]["agreement"]) == ("performing", agreement)
    return order, case, opened + DAY


def test_dhgate_return_then_full_refund_when_the_seller_confirms_the_return(dhgate: Desk) -> None:
    """§7.1.4 A: return tracking within 7 days; the seller confirms receipt → immediate full refund; stock is back."""
    sku = dhgate.shop.skus[0]
    order, case, agreed = _agreed(dhgate, "return_refund")
    assert case["step"] == "awaiting_return_tracking"
    due(case, agreed + 7 * DAY, "buyer", "release_seller")
    assert dhgate.staff.post(f"/cases/{case['id']}/tracking", {"carrier": "EMS", "tracking_number": "R1"}, expect=403)
    dhgate.until(agreed + 2 * DAY)
    case = dhgate.buyer.post(f"/cases/{case['id']}/tracking", {"carrier": "EMS", "tracking_number": "R1"})
    sent = agreed + 2 * DAY
    assert (case["step"], case["return_tracking"]) == ("awaiting_return_receipt", "R1")
    due(case, sent + 30 * DAY, "seller", "refund_buyer")
    assert [when(r) for r in case["next_deadline"]["reminders"]] == [sent + 15 * DAY, sent + 20 * DAY]
    on_hand = dhgate.shop.stock(sku)["available"]
    dhgate.until(sent + 12 * DAY)
    case = dhgate.staff.post(f"/cases/{case['id']}/received")
    closed(case, "refunded", PRICE)
    assert dhgate.shop.stock(sku)["available"] == on_hand + 1
    assert dhgate.books(order) == {"paid": PRICE, "refunded": PRICE, "released": 0, "escrow": 0}


def test_dhgate_return_not_sent_within_7_days_releases_to_the_seller(dhgate: Desk) -> None:
    """§7.1.4 A: no return tracking within 7 natural days → the buyer abandons; funds go to the seller."""
    order, case, agreed = _agreed(dhgate, "return_refund")
    dhgate.until(agreed + 7 * DAY - SECOND)
    assert dhgate.case(case)["status"] == "open"
    dhgate.until(agreed + 7 * DAY)
    closed(dhgate.case(case), "released", 0)
    assert dhgate.books(order) == {"paid": PRICE, "refunded": 0, "released": PRICE, "escrow": 0}


def test_dhgate_return_assumed_received_on_day_30_pays_the_agreed_partial_refund(dhgate: Desk) -> None:
    """§7.1.4 A, §15 #3: the seller neither confirms nor reports by the end of the 30 days → the agreed refund is paid."""
    sku = dhgate.shop.skus[0]
    order, case, agreed = _agreed(dhgate, "return_refund", refund="25.00")
    case = dhgate.buyer.post(f"/cases/{case['id']}/tracking", {"carrier": "EMS", "tracking_number": "R2"})
    on_hand = dhgate.shop.stock(sku)["available"]
    dhgate.until(agreed + 30 * DAY - SECOND)
    due(dhgate.case(case), agreed + 30 * DAY, "seller", "refund_buyer")
    reminded = [when(e["at"]) for e in dhgate.staff.get(f"/cases/{case['id']}/timeline") if e["type"] == "case.reminded"]
    assert reminded == [agreed + 15 * DAY, agreed + 20 * DAY]  # the system asked the seller on days 15 and 20
    dhgate.until(agreed + 30 * DAY)
    closed(dhgate.case(case), "partly_refunded", 2500)
    assert dhgate.shop.stock(sku)["available"] == on_hand  # assumed, not seen: nothing comes back on the shelf
    assert dhgate.books(order) == {"paid": PRICE, "refunded": 2500, "released": PRICE - 2500, "escrow": 0}


def test_dhgate_seller_reports_a_missing_return_from_day_25_and_the_platform_takes_over(dhgate: Desk) -> None:
    """§7.1.4 A (FAQ), §15 #3: not received by day 25 → contact CS on days 25–30; the default no longer fires."""
    order, case, agreed = _agreed(dhgate, "return_refund")
    case = dhgate.buyer.post(f"/cases/{case['id']}/tracking", {"carrier": "EMS", "tracking_number": "R3"})
    dhgate.until(agreed + 25 * DAY - SECOND)
    assert dhgate.staff.post(f"/cases/{case['id']}/problem", expect=409)["code"] == "not-allowed-in-state"
    dhgate.until(agreed + 25 * DAY)
    case = dhgate.staff.post(f"/cases/{case['id']}/problem")
    assert (case["stage"], case["reached_platform"]) == ("escalated", True)
    due(case, agreed + 35 * DAY, "platform", "alert_operator")
    assert dhgate.books(order)["escrow"] == PRICE


def test_dhgate_reship_with_a_silent_seller_refunds_in_full_on_day_8(dhgate: Desk) -> None:
    """§7.1.4 B, §15 #4: no reship tracking within 7 natural days → full refund, executed on day 8."""
    order, case, agreed = _agreed(dhgate, "reship")
    assert case["step"] == "awaiting_reship_tracking" and case["agreed"]["refund"]["minor"] == 0
    due(case, agreed + 7 * DAY, "seller", "refund_buyer")
    dhgate.until(agreed + 7 * DAY - SECOND)
    assert dhgate.case(case)["status"] == "open"
    assert dhgate.books(order) == {"paid": PRICE, "refunded": 0, "released": 0, "escrow": PRICE}
    dhgate.until(agreed + 7 * DAY)  # the first moment of day 8
    closed(dhgate.case(case), "refunded", PRICE)
    assert dhgate.books(order) == {"paid": PRICE, "refunded": PRICE, "released": 0, "escrow": 0}


def test_dhgate_reship_confirmed_by_the_buyer_releases_at_once(dhgate: Desk) -> None:
    """§7.1.4 B: the seller reships; the buyer confirms → immediate release (即刻放款)."""
    order, case, agreed = _agreed(dhgate, "reship")
    case = dhgate.staff.post(f"/cases/{case['id']}/tracking", {"carrier": "DHL", "tracking_number": "S1"})
    due(case, agreed + 90 * DAY, "buyer", "release_seller")
    assert [when(r) for r in case["next_deadline"]["reminders"]] == [agreed + 10 * DAY, agreed + 15 * DAY]
    dhgate.until(agreed + 9 * DAY)
    case = dhgate.buyer.post(f"/cases/{case['id']}/received")
    closed(case, "released", 0)
    assert dhgate.books(order) == {"paid": PRICE, "refunded": 0, "released": PRICE, "escrow": 0}


def test_dhgate_reship_never_confirmed_releases_when_the_buyers_90_days_end(dhgate: Desk) -> None:
    """§7.1.4 B, §15 #4: without confirmation or feedback the funds are released when the 90 days end."""
    order, case, agreed = _agreed(dhgate, "reship")
    dhgate.until(agreed + DAY)
    dhgate.staff.post(f"/cases/{case['id']}/tracking", {"carrier": "DHL", "tracking_number": "S2"})
    dhgate.until(agreed + 91 * DAY - SECOND)
    assert dhgate.case(case)["status"] == "open"
    dhgate.until(agreed + 91 * DAY)
    closed(dhgate.case(case), "released", 0)
    assert dhgate.books(order) == {"paid": PRICE, "refunded": 0, "released": PRICE, "escrow": 0}


def test_dhgate_reship_problems_go_to_a_specialist(dhgate: Desk) -> None:
    """§7.1.4 B: the buyer's feedback stops the "assumed received" release; the seller may ask a specialist once 30 days
    have passed since delivery without confirmation (FAQ)."""
    order, case, agreed = _agreed(dhgate, "reship")
    case = dhgate.staff.post(f"/cases/{case['id']}/tracking", {"carrier": "DHL", "tracking_number": "S4"})
    dhgate.until(agreed + 35 * DAY)
    delivered = (agreed + 6 * DAY).isoformat()
    assert dhgate.staff.post(f"/cases/{case['id']}/problem", {"delivered_at": delivered}, expect=409)["code"] == "not-allowed-in-state"
    case = dhgate.staff.post(f"/cases/{case['id']}/problem", {"delivered_at": (agreed + 4 * DAY).isoformat()})
    assert (case["stage"], case["reached_platform"]) == ("escalated", True)
    due(case, agreed + 45 * DAY, "platform", "alert_operator")
    # the buyer's side of it: nothing arrived, and now they want their money back
    order, other, agreed = _agreed(dhgate, "reship")
    dhgate.staff.post(f"/cases/{other['id']}/tracking", {"carrier": "DHL", "tracking_number": "S5"})
    dhgate.until(agreed + 20 * DAY)
    other = dhgate.buyer.post(f"/cases/{other['id']}/problem", {"proposal": {"agreement": "refund_only", "refund": "59.90"}})
    assert other["stage"] == "escalated" and other["buyer_proposal"]["refund"]["minor"] == PRICE
    due(other, agreed + 25 * DAY, "seller", "carry_out_buyer_proposal")
    dhgate.until(agreed + 25 * DAY)
    closed(dhgate.case(other), "refunded", PRICE)
    assert dhgate.books(order) == {"paid": PRICE, "refunded": PRICE, "released": 0, "escrow": 0}


def test_dhgate_return_then_reship_assumed_received_then_seller_silent_refunds_in_full(dhgate: Desk) -> None:
    """§7.1.4 C: the return is assumed received after 30 days, the seller must reship within 7 days, else full refund."""
    order, case, agreed = _agreed(dhgate, "return_reship")
    case = dhgate.buyer.post(f"/cases/{case['id']}/tracking", {"carrier": "EMS", "tracking_number": "R4"})
    due(case, agreed + 30 * DAY, "seller", "assume_received")
    dhgate.until(agreed + 30 * DAY)
    case = dhgate.case(case)
    assert (case["status"], case["step"]) == ("open", "awaiting_reship_tracking")
    due(case, agreed + 37 * DAY, "seller", "refund_buyer")
    dhgate.until(agreed + 37 * DAY)
    closed(dhgate.case(case), "refunded", PRICE)
    assert dhgate.books(order) == {"paid": PRICE, "refunded": PRICE, "released": 0, "escrow": 0}


def test_dhgate_return_then_reship_completed_releases_and_restocks(dhgate: Desk) -> None:
    """§7.1.4 C: the seller confirms the return (stock back), reships within 7 days; the buyer confirms → release."""
    sku = dhgate.shop.skus[0]
    order, case, agreed = _agreed(dhgate, "return_reship")
    dhgate.buyer.post(f"/cases/{case['id']}/tracking", {"carrier": "EMS", "tracking_number": "R5"})
    on_hand = dhgate.shop.stock(sku)["available"]
    dhgate.until(agreed + 10 * DAY)
    case = dhgate.staff.post(f"/cases/{case['id']}/received")
    assert case["step"] == "awaiting_reship_tracking" and dhgate.shop.stock(sku)["available"] == on_hand + 1
    due(case, agreed + 17 * DAY, "seller", "refund_buyer")
    case = dhgate.staff.post(f"/cases/{case['id']}/tracking", {"carrier": "DHL", "tracking_number": "S3"})
    due(case, agreed + 100 * DAY, "buyer", "release_seller")
    case = dhgate.buyer.post(f"/cases/{case['id']}/received")
    closed(case, "released", 0)
    assert dhgate.books(order) == {"paid": PRICE, "refunded": 0, "released": PRICE, "escrow": 0}


# --- the order's receipt while a case is open -------------------------------------------------

def test_an_open_case_holds_the_automatic_receipt_and_a_withdrawal_lets_it_run_on(api: Api, db: Database, clock: SimulatedClock) -> None:
    """Taobao: auto-confirm 10 days after shipment (§17.1); a case stops that clock (退款中) and a withdrawal restarts it
    with the time it had left, so escrow is never released under an open case."""
    taobao = Desk(api, db, clock, "taobao", currency="CNY")
    order = taobao.shipped_order("YTO")
    shipped = when(order["shipped_at"])
    taobao.until(shipped + 2 * DAY)
    case = taobao.open(order, reason="inad_size", agreement="refund_only", refund="10.00")
    assert taobao.order(order)["confirm_by"] is None
    taobao.until(shipped + 3 * DAY)
    due(taobao.staff.post(f"/cases/{case['id']}/answer", {"agree": False}), shipped + 12 * DAY, "buyer", "escalate")
    taobao.until(shipped + 11 * DAY)
    assert taobao.order(order)["status"] == "shipped" and taobao.books(order)["escrow"] == PRICE
    assert taobao.buyer.post(f"/orders/{order['id']}/receipt", expect=409)["code"] == "not-allowed-in-state"
    closed(taobao.buyer.post(f"/cases/{case['id']}/withdraw"), "withdrawn", 0)
    resumed = taobao.order(order)
    assert when(resumed["confirm_by"]) == shipped + 11 * DAY + 8 * DAY
    taobao.until(shipped + 19 * DAY)
    assert taobao.order(order)["status"] == "completed"
    assert taobao.books(order) == {"paid": PRICE, "refunded": 0, "released": PRICE, "escrow": 0}


def test_taobao_case_after_the_order_completed_is_refunded_from_the_store_balance(api: Api, db: Database,
                                                                                   clock: SimulatedClock) -> None:
    """taobao.toml: a case opens until day 25, the receipt was confirmed on day 10: the refund comes from the store."""
    taobao = Desk(api, db, clock, "taobao", currency="CNY")
    order = taobao.shipped_order("YTO")
    taobao.until(when(order["shipped_at"]) + 12 * DAY)
    assert taobao.books(order) == {"paid": PRICE, "refunded": 0, "released": PRICE, "escrow": 0}
    case = taobao.open(order, reason="inad_not_working", agreement="refund_only", refund="20.00")
    case = taobao.staff.post(f"/cases/{case['id']}/accept")
    closed(case, "partly_refunded", 2000)
    assert taobao.books(order) == {"paid": PRICE, "refunded": 2000, "released": PRICE - 2000, "escrow": 0}
    # a second case on the same line can only ask for what is left
    again = taobao.open(order, expect=422, reason="inad_not_working", agreement="refund_only", refund="40.00")
    assert again["code"] == "invalid-input"
    case = taobao.open(order, reason="inad_not_working", agreement="refund_only")
    assert case["refund_limit"]["minor"] == PRICE - 2000 and case["buyer_proposal"]["refund"]["minor"] == PRICE - 2000


# --- AliExpress (RULES.md §7.2.2) ---------------------------------------------------------------

def test_aliexpress_not_received_seller_silent_5_days_executes_the_buyers_refund(api: Api, db: Database, clock: SimulatedClock) -> None:
    """§7.2.2: accept or reject within 5 days, otherwise the order is executed per the buyer's requested refund amount."""
    ali = Desk(api, db, clock, "aliexpress")
    order, case, opened = _opened_on_day_5(ali, reason="inr_in_transit", agreement="refund_only")
    due(case, opened + 5 * DAY, "seller", "carry_out_buyer_proposal")
    ali.until(opened + 5 * DAY)
    closed(ali.case(case), "refunded", PRICE)
    assert ali.books(order) == {"paid": PRICE, "refunded": PRICE, "released": 0, "escrow": 0}


def test_aliexpress_7_day_negotiation_goes_to_the_platform_which_sets_a_partial_refund(api: Api, db: Database,
                                                                                         clock: SimulatedClock) -> None:
    """§7.2.2: 7-day negotiation, then the specialist steps in within 7 days and sets a reasonable partial refund."""
    ali = Desk(api, db, clock, "aliexpress")
    order, case, opened = _opened_on_day_5(ali, reason="inad_description", agreement="return_refund")
    ali.until(opened + 2 * DAY)
    case = ali.staff.post(f"/cases/{case['id']}/answer", {"agree": False})
    due(case, opened + 7 * DAY, "buyer", "escalate")
    ali.until(opened + 7 * DAY)
    case = ali.case(case)
    assert case["stage"] == "escalated"
    due(case, opened + 14 * DAY, "platform", "alert_operator")  # AliExpress rules; no clock on the seller's feedback
    case = ali.staff.post(f"/cases/{case['id']}/answer", {"agree": False})
    due(case, opened + 14 * DAY, "platform", "alert_operator")
    case = ali.operator.post(f"/cases/{case['id']}/arbitrate", {"decision": "partial_refund", "responsible": "seller",
                                                                 "refund": "35.94", "allowed_from": "20.00", "allowed_to": "40.00"})
    closed(case, "partly_refunded", 3594)  # the Ukrainian power bank: 60% back (§7.2.3)
    assert ali.books(order) == {"paid": PRICE, "refunded": 3594, "released": PRICE - 3594, "escrow": 0}


def test_aliexpress_not_as_described_seller_silent_5_days_is_not_carried_out_and_the_platform_sets_a_partial_refund(
        api: Api, db: Database, clock: SimulatedClock) -> None:
    """§7.2.2: the 5-day answer is the not-received rule; a not-as-described case runs its 7 days of negotiation,
    then AliExpress gives a refund range and, with no full refund agreed, a partial refund."""
    ali = Desk(api, db, clock, "aliexpress")
    order, case, opened = _opened_on_day_5(ali, reason="inad_quality", agreement="refund_only")
    due(case, opened + 7 * DAY, "seller", "escalate")
    ali.until(opened + 5 * DAY + HOUR)  # past DHgate's 5 days: nothing is carried out
    case = ali.case(case)
    assert case["stage"] == "negotiating" and case["status"] == "open"
    assert ali.books(order) == {"paid": PRICE, "refunded": 0, "released": 0, "escrow": PRICE}
    ali.until(opened + 7 * DAY)
    case = ali.case(case)
    assert case["stage"] == "escalated" and case["reached_platform"] is True
    due(case, opened + 14 * DAY, "platform", "alert_operator")
    ruling = {"decision": "partial_refund", "responsible": "seller", "allowed_from": "20.00", "allowed_to": "40.00"}
    refused = ali.operator.post(f"/cases/{case['id']}/arbitrate", {**ruling, "refund": "55.00"}, expect=422)
    assert "allowed range" in refused["detail"]
    case = ali.operator.post(f"/cases/{case['id']}/arbitrate", {**ruling, "refund": "30.00"})
    closed(case, "partly_refunded", 3000)
    assert ali.books(order) == {"paid": PRICE, "refunded": 3000, "released": PRICE - 3000, "escrow": 0}


def test_aliexpress_silent_seller_on_the_platform_waits_for_the_ruling(api: Api, db: Database, clock: SimulatedClock) -> None:
    """§7.2.2: at the platform AliExpress rules; the seller's silence there does not carry out the buyer's proposal
    (DHgate's rule, §7.1.2). Overdue rulings remind the operator each period until the specialist rules."""
    ali = Desk(api, db, clock, "aliexpress")
    order, case, opened = _opened_on_day_5(ali, reason="inr_in_transit", agreement="refund_only")
    ali.until(opened + DAY)
    ali.staff.post(f"/cases/{case['id']}/answer", {"agree": False})
    ali.until(opened + 5 * DAY)
    case = ali.buyer.post(f"/cases/{case['id']}/escalate")
    escalated = when(case["escalated_at"])
    due(case, escalated + 7 * DAY, "platform", "alert_operator")
    ali.until(escalated + 7 * DAY)  # the seller never spoke on the platform: the case waits for the ruling
    case = ali.case(case)
    assert case["stage"] == "escalated"
    due(case, escalated + 14 * DAY, "platform", "alert_operator")  # the operator was reminded once
    assert ali.books(order) == {"paid": PRICE, "refunded": 0, "released": 0, "escrow": PRICE}
    case = ali.operator.post(f"/cases/{case['id']}/arbitrate", {"decision": "full_refund", "responsible": "seller"})
    closed(case, "refunded", PRICE)
    assert ali.books(order) == {"paid": PRICE, "refunded": PRICE, "released": 0, "escrow": 0}


def test_aliexpress_seller_may_submit_a_missing_return_at_any_time_within_30_days(api: Api, db: Database,
                                                                                   clock: SimulatedClock) -> None:
    """§7.2.2: within 30 days of the buyer's return information the seller may submit it to AliExpress for a ruling."""
    ali = Desk(api, db, clock, "aliexpress")
    order, case, agreed = _agreed(ali, "return_refund", reason="inad_quality")
    ali.buyer.post(f"/cases/{case['id']}/tracking", {"carrier": "EMS", "tracking_number": "R6"})
    ali.until(agreed + DAY)
    case = ali.staff.post(f"/cases/{case['id']}/problem")
    assert case["stage"] == "escalated"


# --- Taobao / Tmall (RULES.md §7.3) -------------------------------------------------------------

@pytest.mark.parametrize("rulebook, hours", [("taobao", 72), ("tmall", 48)])
def test_late_shipment_refund_needs_no_seller_and_succeeds_at_once(api: Api, db: Database, clock: SimulatedClock,
                                                                   rulebook: str, hours: int) -> None:
    """§7.3: past the ship-by deadline with no pickup, "未按约定时间发货" refunds in 0 seconds without seller consent."""
    desk = Desk(api, db, clock, rulebook, currency="CNY")
    order = desk.paid_order()
    paid_at = when(order["paid_at"])
    assert when(order["ship_by"]) == paid_at + hours * HOUR
    desk.until(paid_at + hours * HOUR)
    assert desk.buyer.post(f"/orders/{order['id']}/late-shipment-refund", expect=409)["code"] == "not-allowed-in-state"
    desk.until(paid_at + hours * HOUR + SECOND)
    case = desk.buyer.post(f"/orders/{order['id']}/late-shipment-refund", expect=201)
    closed(case, "refunded", PRICE)
    assert (case["kind"], case["reason"]["code"], case["closed_at"]) == ("not_shipped_on_time", "not_shipped_on_time",
                                                                          case["opened_at"])
    assert desk.order(order)["status"] == "closed" and desk.order(order)["close_reason"] == "not_shipped_on_time"
    assert desk.books(order) == {"paid": PRICE, "refunded": PRICE, "released": 0, "escrow": 0}
    assert desk.buyer.post(f"/orders/{order['id']}/late-shipment-refund", expect=409)["code"] == "not-allowed-in-state"


def test_dhgate_has_no_late_shipment_instant_refund(dhgate: Desk) -> None:
    order = dhgate.paid_order()
    dhgate.until(when(order["ship_by"]) + DAY)
    assert dhgate.buyer.post(f"/orders/{order['id']}/late-shipment-refund", expect=409)["code"] == "not-allowed-in-state"
    assert dhgate.books(order)["escrow"] == PRICE


def events_of(desk: Desk, order: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["type"]: e["data"] for e in desk.staff.get(f"/orders/{order['id']}/events")}


def test_taobao_tracking_number_without_pickup_is_not_shipped_so_the_instant_refund_closes_the_order(
        api: Api, db: Database, clock: SimulatedClock) -> None:
    """§7.3: "shipped" is the carrier's pickup; typing a tracking number does not count. Past ship_by with no pickup
    record the buyer is refunded at once, and the order, whose goods never left, closes with its stock back on sale."""
    desk = Desk(api, db, clock, "taobao", currency="CNY")
    order = desk.paid_order()
    paid_at = when(order["paid_at"])
    desk.until(paid_at + 10 * HOUR)
    shipped = desk.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "ZTO", "tracking_number": "Z1"})
    assert shipped["status"] == "shipped" and shipped["picked_up_at"] is None
    assert "close_unpicked" not in shipped["allowed_actions"]
    assert (desk.shop.stock(desk.shop.skus[0])["available"], desk.shop.stock(desk.shop.skus[0])["reserved"]) == (99, 0)
    desk.until(paid_at + 72 * HOUR)
    assert events_of(desk, order)["order.ship_overdue"]["tracking_entered"] is True  # the breach is recorded
    assert desk.buyer.post(f"/orders/{order['id']}/late-shipment-refund", expect=409)["code"] == "not-allowed-in-state"
    desk.until(paid_at + 72 * HOUR + SECOND)
    case = desk.buyer.post(f"/orders/{order['id']}/late-shipment-refund", expect=201)
    closed(case, "refunded", PRICE)
    after = desk.order(order)
    assert (after["status"], after["close_reason"]) == ("closed", "not_shipped_on_time")
    assert desk.books(order) == {"paid": PRICE, "refunded": PRICE, "released": 0, "escrow": 0}
    stock = desk.shop.stock(desk.shop.skus[0])
    assert (stock["available"], stock["reserved"]) == (100, 0)
    # the order is closed: a late scan changes nothing, and nothing auto-confirms later
    assert desk.staff.post(f"/orders/{order['id']}/pickup", expect=409)["code"] == "not-allowed-in-state"
    desk.until(paid_at + 30 * DAY)
    assert desk.order(order)["status"] == "closed"
    assert desk.books(order) == {"paid": PRICE, "refunded": PRICE, "released": 0, "escrow": 0}


def test_taobao_pickup_scan_before_ship_by_refuses_the_instant_refund(api: Api, db: Database, clock: SimulatedClock) -> None:
    desk = Desk(api, db, clock, "taobao", currency="CNY")
    order = desk.paid_order()
    paid_at = when(order["paid_at"])
    assert desk.staff.post(f"/orders/{order['id']}/pickup", expect=409)["code"] == "not-allowed-in-state"  # not shipped yet
    desk.until(paid_at + 10 * HOUR)
    desk.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "ZTO", "tracking_number": "Z2"})
    desk.until(paid_at + 71 * HOUR)
    future = (paid_at + 72 * HOUR).isoformat()
    assert desk.staff.post(f"/orders/{order['id']}/pickup", {"at": future}, expect=422)["code"] == "invalid-input"
    assert desk.buyer.post(f"/orders/{order['id']}/pickup", expect=403)["status"] == 403
    scanned = desk.staff.post(f"/orders/{order['id']}/pickup", {"at": (paid_at + 70 * HOUR).isoformat()})
    assert when(scanned["picked_up_at"]) == paid_at + 70 * HOUR
    again = desk.operator.post(f"/orders/{order['id']}/pickup")  # idempotent: the first scan stands
    assert when(again["picked_up_at"]) == paid_at + 70 * HOUR
    assert [e["type"] for e in desk.staff.get(f"/orders/{order['id']}/events")].count("order.picked_up") == 1
    assert events_of(desk, order)["order.picked_up"]["late"] is False
    desk.until(paid_at + 72 * HOUR + HOUR)
    assert "order.ship_overdue" not in events_of(desk, order)
    assert desk.buyer.post(f"/orders/{order['id']}/late-shipment-refund", expect=409)["code"] == "not-allowed-in-state"
    assert desk.books(order) == {"paid": PRICE, "refunded": 0, "released": 0, "escrow": PRICE}


def test_dhgate_ships_when_the_tracking_number_is_entered(dhgate: Desk) -> None:
    """dhgate.toml: shipped_means = "tracking"; no pickup scan is needed and no breach is recorded."""
    order = dhgate.paid_order()
    dhgate.clock.advance(hours=10)
    dhgate.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "DHL", "tracking_number": "D9"})
    dhgate.until(when(order["ship_by"]) + DAY)
    assert "order.ship_overdue" not in events_of(dhgate, order)
    assert events_of(dhgate, order)["order.shipped"]["late"] is False
    assert dhgate.buyer.post(f"/orders/{order['id']}/late-shipment-refund", expect=409)["code"] == "not-allowed-in-state"
    assert dhgate.books(order)["escrow"] == PRICE


def test_taobao_request_before_shipment_refunds_after_2_days_without_counting_sold_not_shipped(api: Api, db: Database,
                                                                                                clock: SimulatedClock) -> None:
    """taobao.toml (our choice): 2 days to answer; 成交不卖 and "我已备货" are DHgate's."""
    taobao = Desk(api, db, clock, "taobao", currency="CNY")
    order = taobao.paid_order()
    case = taobao.open(order, reason="not_required")
    opened = when(case["opened_at"])
    due(case, opened + 2 * DAY, "seller", "refund_buyer")
    assert taobao.staff.post(f"/cases/{case['id']}/prepared", expect=409)["code"] == "not-allowed-in-state"
    taobao.until(opened + 2 * DAY)
    case = taobao.case(case)
    closed(case, "refunded", PRICE)
    assert case["sold_not_shipped"] is False


# --- who sees what, messages, evidence, bad input, retries --------------------------------------

def test_cases_are_scoped_to_the_buyer_the_store_and_the_operator(api: Api, db: Database, clock: SimulatedClock) -> None:
    a, b = Desk(api, db, clock, "dhgate"), Desk(api, db, clock, "dhgate")
    case = a.open(a.paid_order(), reason="out_of_stock")
    stranger, _ = a.new_buyer("Zhao Lei")
    for outsider in (b.staff, b.buyer, stranger):
        assert outsider.get(f"/cases/{case['id']}", expect=404)["code"] == "not-found"
        assert outsider.post(f"/cases/{case['id']}/accept", expect=404)["code"] == "not-found"
        assert outsider.get("/cases")["items"] == []
    assert a.operator.get(f"/cases/{case['id']}")["id"] == case["id"]
    assert [c["id"] for c in a.buyer.get("/cases")["items"]] == [case["id"]]
    # another buyer cannot open a case on this buyer's order
    order = a.paid_order()
    assert a.open(order, expect=404, buyer=stranger, reason="out_of_stock")["code"] == "not-found"
    assert a.staff.post(f"/orders/{order['id']}/cases", {"reason": "out_of_stock"}, expect=403)["code"] == "forbidden"


def test_open_cases_list_by_nearest_deadline_page_by_page(dhgate: Desk) -> None:
    first = dhgate.open(dhgate.paid_order(), reason="out_of_stock")  # due on day 7
    dhgate.clock.advance(hours=1)
    second = dhgate.open(dhgate.paid_order(), reason="out_of_stock")
    order, third, _ = _opened_on_day_5(dhgate, agreement="refund_only")  # opened 5 days later, due 5 days after: last
    dhgate.staff.post(f"/cases/{first['id']}/prepared")  # closed: off the queue
    page = dhgate.staff.get(f"/cases?store_id={dhgate.shop.store_id}&sort=deadline&limit=1")
    assert [c["id"] for c in page["items"]] == [second["id"]] and page["next_cursor"]
    page = dhgate.staff.get(f"/cases?sort=deadline&limit=1&cursor={page['next_cursor']}")
    assert [c["id"] for c in page["items"]] == [third["id"]] and page["next_cursor"] is None
    newest = dhgate.staff.get("/cases?limit=2")
    assert [c["id"] for c in newest["items"]] == [third["id"], second["id"]]
    assert [c["id"] for c in dhgate.staff.get(f"/cases?cursor={newest['next_cursor']}")["items"]] == [first["id"]]
    assert dhgate.staff.get("/cases?status=closed")["items"][0]["id"] == first["id"]
    assert dhgate.staff.get("/cases?sort=deadline&cursor=12", expect=422)["code"] == "invalid-input"


def test_messages_and_evidence_are_kept_on_the_timeline(dhgate: Desk, settings: Settings) -> None:
    order, case, _ = _opened_on_day_5(dhgate, agreement="refund_only", message="the colour is wrong")
    dhgate.staff.post(f"/cases/{case['id']}/messages", {"body": "please send a photo"}, expect=201)
    client, path = dhgate.buyer.client, f"/api/v1/cases/{case['id']}/evidence"
    auth = {"Authorization": f"Bearer {dhgate.buyer.key}"}
    uploaded = client.post(path, headers=auth, files={"file": ("photo.png", PNG, "image/png")})
    assert uploaded.status_code == 201, uploaded.text
    evidence = uploaded.json()
    assert (evidence["size_bytes"], evidence["content_type"], evidence["uploader"]) == (len(PNG), "image/png", "buyer")
    assert len(evidence["sha256"]) == 64
    download = client.get(f"{path}/{evidence['id']}", headers={"Authorization": f"Bearer {dhgate.staff.key}"})
    assert download.status_code == 200 and download.content == PNG and download.headers["content-type"] == "image/png"
    assert [m["author"] for m in dhgate.staff.get(f"/cases/{case['id']}/messages")] == ["buyer", "seller"]
    types = [e["type"] for e in dhgate.buyer.get(f"/cases/{case['id']}/timeline")]
    assert types == ["case.opened", "case.message_posted", "case.message_posted", "case.evidence_added"]


@pytest.mark.parametrize("name, content, declared, status, code", [
    ("big.png", PNG + b"\x00" * LIMIT_BYTES, "image/png", 413, "file-too-large"),
    ("notes.txt", b"just words", "text/plain", 415, "unsupported-file-type"),
    ("fake.pdf", PNG, "application/pdf", 415, "unsupported-file-type"),
    ("empty.png", b"", "image/png", 422, "invalid-input"),
])
def test_bad_evidence_is_refused_with_a_clear_4xx_and_nothing_written(dhgate: Desk, db: Database, name: str, content: bytes,
                                                                       declared: str, status: int, code: str) -> None:
    case = dhgate.open(dhgate.paid_order(), reason="out_of_stock")
    before = _counts(db)
    response = dhgate.buyer.client.post(f"/api/v1/cases/{case['id']}/evidence", headers={"Authorization": f"Bearer {dhgate.buyer.key}"},
                                        files={"file": (name, content, declared)})
    assert response.status_code == status and response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert _counts(db) == before


def _counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0
                for m in (CaseRow, EvidenceFile, Event, LedgerEntry, timers.Timer)}


@pytest.mark.parametrize("body", [
    {}, {"reason": "no_such_reason"}, {"reason": "inad_color", "refund": "100.00"}, {"reason": "inad_color", "refund": "1.001"},
    {"reason": "inad_color", "refund": "-1"}, {"reason": "inad_color", "agreement": "reship", "refund": "5.00"},
    {"reason": "inad_color", "lines": [999999]}, {"reason": "inad_color", "agreement": "swap"}, {"reason": "out_of_stock"},
    {"reason": "inad_color", "extra": True},
])
def test_bad_case_requests_are_refused_and_write_nothing(dhgate: Desk, db: Database, body: dict[str, Any]) -> None:
    order = dhgate.shipped_order("DHL")
    dhgate.until(when(order["shipped_at"]) + 5 * DAY)
    before = _counts(db)
    problem = dhgate.open(order, expect=422, **body)
    assert problem["status"] == 422 and problem["code"] in ("invalid-input", "invalid-request")
    assert _counts(db) == before


def test_one_open_case_per_order(dhgate: Desk) -> None:
    order = dhgate.paid_order()
    case = dhgate.open(order, reason="out_of_stock")
    refused = dhgate.open(order, expect=409, reason="not_required")
    assert refused["code"] == "conflict" and refused["case_id"] == case["id"]


def test_a_retried_accept_with_the_same_key_refunds_once(dhgate: Desk) -> None:
    order, case, _ = _opened_on_day_5(dhgate, agreement="refund_only", refund="12.00")
    first = dhgate.staff.call("POST", f"/cases/{case['id']}/accept", headers={"Idempotency-Key": "accept-1"})
    again = dhgate.staff.client.post(f"/api/v1/cases/{case['id']}/accept",
                                     headers={"Authorization": f"Bearer {dhgate.staff.key}", "Idempotency-Key": "accept-1"})
    assert again.status_code == 200 and again.json() == first and again.headers["Idempotent-Replayed"] == "true"
    assert dhgate.books(order) == {"paid": PRICE, "refunded": 1200, "released": PRICE - 1200, "escrow": 0}


# --- short quantity: no agreement within 3 days (RULES.md §7.2.2) --------------------------------

def _shortage_case(desk: Desk, reason: str) -> tuple[dict[str, Any], dict[str, Any], datetime]:
    order = desk.shipped_order("DHL")
    shipped = desk.clock.now()
    desk.until(shipped + 2 * DAY)
    desk.staff.post(f"/orders/{order['id']}/delivery")
    desk.until(shipped + 5 * DAY)  # express: a case opens from day 5
    case = desk.open(order, reason=reason, agreement="refund_only")
    return order, case, when(case["opened_at"])


def _waybill(desk: Desk, case: dict[str, Any]) -> None:
    response = desk.staff.client.post(f"/api/v1/cases/{case['id']}/evidence", headers={"Authorization": f"Bearer {desk.staff.key}"},
                                      files={"file": ("waybill.png", PNG, "image/png")})
    assert response.status_code == 201, response.text


def test_aliexpress_shortage_proved_and_signed_releases_everything_to_the_seller_after_3_days(api: Api, db: Database,
                                                                                          clock: SimulatedClock) -> None:
    """§7.2.2: no agreement within 3 days, shipped quantity = ordered and the buyer signed → buyer fully responsible,
    full release to the seller; the timer does it by itself."""
    ali = Desk(api, db, clock, "aliexpress")
    order, case, opened = _shortage_case(ali, "inad_short")
    # given a short-quantity case: the 3-day clock replaces the 5-day answer; without proof it goes to the platform
    assert (case["stage"], case["shipped_quantity_matches"], case["buyer_signed"]) == ("negotiating", False, False)
    assert case["next_deadline"]["clock"] == "shortage_agreement"
    due(case, opened + 3 * DAY, "seller", "escalate")
    assert ali.books(order) == {"paid": PRICE, "refunded": 0, "released": 0, "escrow": PRICE}
    # the buyer does not record the seller's proof; the seller claims the quantity only with its waybill on file
    body = {"shipped_quantity_matches": True, "buyer_signed": True}
    assert ali.buyer.post(f"/cases/{case['id']}/shortage-proof", body, expect=403)["code"] == "forbidden"
    ali.until(opened + DAY)
    assert ali.staff.post(f"/cases/{case['id']}/shortage-proof", body, expect=409)["code"] == "not-allowed-in-state"
    assert ali.case(case)["shipped_quantity_matches"] is False
    _waybill(ali, case)
    # when the seller records both facts
    case = ali.staff.post(f"/cases/{case['id']}/shortage-proof", body)
    assert (case["shipped_quantity_matches"], case["buyer_signed"], case["stage"]) == (True, True, "negotiating")
    due(case, opened + 3 * DAY, "buyer", "release_seller")
    assert "signed" in case["next_deadline"]["description"]["en"]
    ali.until(opened + 3 * DAY - SECOND)
    assert ali.case(case)["status"] == "open"
    assert ali.books(order)["escrow"] == PRICE
    # then on day 3, with no agreement, the seller gets it all and the buyer is responsible
    ali.until(opened + 3 * DAY)
    case = ali.case(case)
    closed(case, "released", 0)
    assert (case["responsible"], case["responsible_by"], case["reached_platform"]) == ("buyer", "ruling", False)
    assert ali.books(order) == {"paid": PRICE, "refunded": 0, "released": PRICE, "escrow": 0}
    assert ali.order(order)["status"] == "completed"


def test_dhgate_shortage_without_the_buyers_signature_goes_to_the_platform_after_3_days(dhgate: Desk) -> None:
    """§7.2.2: the text is silent when the proof fails; our reading (§15 #8): the platform rules."""
    order, case, opened = _shortage_case(dhgate, "inad_missing_quantity")
    due(case, opened + 3 * DAY, "seller", "escalate")
    _waybill(dhgate, case)
    dhgate.until(opened + 2 * DAY)
    # given the seller proves the quantity, but nobody recorded a signature on delivery
    case = dhgate.staff.post(f"/cases/{case['id']}/shortage-proof", {"shipped_quantity_matches": True, "buyer_signed": False})
    due(case, opened + 3 * DAY, "seller", "escalate")
    dhgate.staff.post(f"/cases/{case['id']}/answer", {"agree": False})  # talking does not stop the clock
    dhgate.until(opened + 3 * DAY - SECOND)
    assert dhgate.case(case)["stage"] == "negotiating"
    # when 3 days pass without agreement
    dhgate.until(opened + 3 * DAY)
    case = dhgate.case(case)
    # then the case is on the platform and no money has moved
    assert (case["status"], case["stage"], case["reached_platform"]) == ("open", "escalated", True)
    assert when(case["escalated_at"]) == opened + 3 * DAY
    assert case["next_deadline"]["clock"] == "platform_feedback"
    assert dhgate.books(order) == {"paid": PRICE, "refunded": 0, "released": 0, "escrow": PRICE}
    # the proof can no longer change the outcome; the specialist rules
    assert dhgate.staff.post(f"/cases/{case['id']}/shortage-proof", {"shipped_quantity_matches": True, "buyer_signed": True},
                             expect=409)["code"] == "not-allowed-in-state"
    case = dhgate.operator.post(f"/cases/{case['id']}/arbitrate", {"decision": "full_refund", "responsible": "seller"})
    closed(case, "refunded", PRICE)
    assert dhgate.books(order) == {"paid": PRICE, "refunded": PRICE, "released": 0, "escrow": 0}


def test_operator_may_record_the_shortage_proof_without_a_file_but_not_after_the_3_days(api: Api, db: Database,
                                                                                          clock: SimulatedClock) -> None:
    ali = Desk(api, db, clock, "aliexpress")
    order, case, opened = _shortage_case(ali, "inad_short")
    body = {"shipped_quantity_matches": True, "buyer_signed": True}
    ali.until(opened + 3 * DAY - SECOND)
    case = ali.operator.post(f"/cases/{case['id']}/shortage-proof", body)
    due(case, opened + 3 * DAY, "buyer", "release_seller")
    case = ali.operator.post(f"/cases/{case['id']}/shortage-proof", {**body, "buyer_signed": False})  # a correction
    due(case, opened + 3 * DAY, "seller", "escalate")
    ali.until(opened + 3 * DAY)
    assert ali.case(case)["stage"] == "escalated"
    assert ali.books(order)["escrow"] == PRICE


def test_shortage_proof_only_on_a_short_quantity_case(dhgate: Desk) -> None:
    order = dhgate.shipped_order("DHL")
    dhgate.until(dhgate.clock.now() + 5 * DAY)
    case = dhgate.open(order, reason="inad_color", agreement="refund_only")
    assert case["next_deadline"]["clock"] == "seller_answer"
    refused = dhgate.operator.post(f"/cases/{case['id']}/shortage-proof", {"shipped_quantity_matches": True, "buyer_signed": True},
                                   expect=409)
    assert refused["code"] == "not-allowed-in-state"


# --- the moves table, read by the API (aftersales/cases/moves.py) ------------------------------

def test_a_case_lists_the_moves_its_caller_may_take_now_from_the_table(dhgate: Desk) -> None:
    # given a case after shipment, opened on day 5
    order, case, opened = _opened_on_day_5(dhgate, agreement="return_refund")
    # when each party reads it, then each sees its own moves in negotiation
    assert dhgate.staff.get(f"/cases/{case['id']}")["allowed_actions"] == ["accept", "reject", "message"]
    assert dhgate.buyer.get(f"/cases/{case['id']}")["allowed_actions"] == ["withdraw", "escalate", "message"]
    assert dhgate.operator.get(f"/cases/{case['id']}")["allowed_actions"] == ["message"]
    assert case["allowed_actions"] == ["withdraw", "escalate", "message"]  # the buyer opened it
    # when the seller counters, then the seller answered once and the buyer may accept the counter
    countered = dhgate.staff.post(f"/cases/{case['id']}/counter", {"agreement": "refund_only", "refund": "15.00"})
    assert countered["allowed_actions"] == ["accept", "message"]
    assert dhgate.buyer.get(f"/cases/{case['id']}")["allowed_actions"] == ["accept_counter", "withdraw", "escalate", "message"]
    # when the buyer withdraws, then nobody may do anything more
    withdrawn = dhgate.buyer.post(f"/cases/{case['id']}/withdraw")
    assert withdrawn["allowed_actions"] == []
    assert dhgate.staff.get(f"/cases/{case['id']}")["allowed_actions"] == []


def test_goods_on_their_way_offer_the_tracking_to_whoever_sends_them(dhgate: Desk) -> None:
    # given a return agreed
    order, case, agreed = _agreed(dhgate, "return_refund")
    # then the buyer gives the return's tracking number, and the list says so; the seller only writes
    assert dhgate.buyer.get(f"/cases/{case['id']}")["allowed_actions"] == ["give_tracking", "message"]
    assert dhgate.staff.get(f"/cases/{case['id']}")["allowed_actions"] == ["message"]
    # when a party the table does not list gives it, then it is refused as before the table
    refused = dhgate.staff.post(f"/cases/{case['id']}/tracking", {"carrier": "DHL", "tracking_number": "R1"}, expect=403)
    assert refused["code"] == "forbidden"
    # when the buyer sends it, then the seller may confirm the return or report it missing
    dhgate.buyer.post(f"/cases/{case['id']}/tracking", {"carrier": "DHL", "tracking_number": "R1"})
    assert dhgate.staff.get(f"/cases/{case['id']}")["allowed_actions"] == ["confirm_received", "report_problem", "message"]
    listed = dhgate.staff.get(f"/cases?order_id={order['id']}")["items"]
    assert [c["allowed_actions"] for c in listed] == [["confirm_received", "report_problem", "message"]]


def test_a_return_goes_back_to_the_warehouse_the_parcel_left_from(dhgate: Desk) -> None:
    """Labels move an order's reservation to the warehouse its parcel ships from; the return goes back there, not to
    the warehouse checkout first reserved in."""
    shop, sku = dhgate.shop, dhgate.shop.skus[0]
    home = shop.warehouse["id"]
    other = shop.staff.post(f"/stores/{shop.store_id}/warehouses", {"code": "SZ2", "name": "Shenzhen", "country": "CN"},
                            expect=201)["id"]
    shop.staff.post(f"/skus/{sku}/stock", {"warehouse_id": other, "quantity": 3})
    order = dhgate.paid_order()
    with dhgate.db.transaction() as session:  # as booking its label does when the rules send it from Shenzhen
        inventory.move_reservation(session, dhgate.clock.now(), shop.store_id, order["id"], sku, home, other, 1)
    dhgate.clock.advance(hours=2)
    order = dhgate.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "DHL", "tracking_number": f"T{order['id']}"})
    levels = {lv["warehouse_id"]: lv["available"] for lv in shop.staff.get(f"/skus/{sku}/stock")}
    dhgate.until(when(order["shipped_at"]) + 5 * DAY)
    case = dhgate.open(order, reason="inad_color", agreement="return_refund")
    case = dhgate.staff.post(f"/cases/{case['id']}/accept")
    case = dhgate.buyer.post(f"/cases/{case['id']}/tracking", {"carrier": "EMS", "tracking_number": "R1"})
    closed(dhgate.staff.post(f"/cases/{case['id']}/received"), "refunded", PRICE)
    after = {lv["warehouse_id"]: lv["available"] for lv in shop.staff.get(f"/skus/{sku}/stock")}
    assert after == {home: levels[home], other: levels[other] + 1}
