"""AliExpress evidence deadlines through the API with the simulated clock (RULES.md §7.2.2).

- not received: the seller proves the shipment within 3 days of the case opening;
- damage: claimed within 3 days of receipt, else rejected and the funds go to the seller;
- short quantity: the buyer's evidence within 10 days of receipt, the seller's within 3 days of the case;
- insufficient evidence: supplemented within 3 days of the platform's request.
A late filing is refused with 409 `deadline-passed` naming the deadline, and nothing is written.
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
from shopkeeper.settings import Settings
from support import Api, Shop

DAY, SECOND = timedelta(days=1), timedelta(seconds=1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def settings(db: Database, tmp_path: Any) -> Settings:
    return Settings(database_url=db.url, evidence_dir=str(tmp_path / "evidence"))


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Ali:
    """An AliExpress store, its staff and buyer; ships with DHL (cases open from day 5)."""

    def __init__(self, api: Api, db: Database, clock: SimulatedClock) -> None:
        self.db, self.clock = db, clock
        self.shop = Shop.restored(api, db, clock.now(), rulebook="aliexpress", currency="USD")
        self.operator, self.staff, self.buyer = api, self.shop.staff, self.shop.shopper

    def shipped(self, count: int = 1) -> tuple[list[dict[str, Any]], datetime]:
        orders = []
        for _ in range(count):
            order = self.shop.order((self.shop.skus[0], 1))
            self.shop.pay(order)
            orders.append(order)
        self.clock.advance(hours=2)
        for order in orders:
            self.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "DHL", "tracking_number": f"D{order['id']}"})
        return orders, self.clock.now()

    def deliver(self, *orders: dict[str, Any]) -> None:
        for order in orders:
            self.staff.post(f"/orders/{order['id']}/delivery")

    def open(self, order: dict[str, Any], reason: str, expect: int = 201) -> Any:
        return self.buyer.post(f"/orders/{order['id']}/cases", {"reason": reason, "agreement": "refund_only"}, expect=expect)

    def until(self, moment: datetime) -> None:
        timers.advance_to(self.db, self.clock, moment)

    def upload(self, who: Api, case: dict[str, Any], expect: int = 201) -> Any:
        response = who.client.post(f"/api/v1/cases/{case['id']}/evidence", headers={"Authorization": f"Bearer {who.key}"},
                                   files={"file": ("proof.png", PNG, "image/png")})
        assert response.status_code == expect, response.text
        return response.json()

    def ask(self, case: dict[str, Any], of: str, who: Api | None = None, expect: int = 200) -> Any:
        return (who or self.operator).post(f"/cases/{case['id']}/evidence-request", {"of": of, "note": "证据不足"}, expect=expect)

    def case(self, case: dict[str, Any]) -> Any:
        return self.staff.get(f"/cases/{case['id']}")


@pytest.fixture
def ali(api: Api, db: Database, clock: SimulatedClock) -> Ali:
    return Ali(api, db, clock)


def _counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) or 0 for m in (CaseRow, EvidenceFile, Event)}


def owed(case: dict[str, Any]) -> list[tuple[str, str, datetime]]:
    return [(d["party"], d["what"], when(d["due_at"])) for d in case["evidence_due"]]


def late(problem: dict[str, Any], deadline: str, due: datetime) -> None:
    assert (problem["code"], problem["status"], problem["deadline"], when(problem["due_at"])) == ("deadline-passed", 409, deadline, due)
    assert f"{due:%Y-%m-%d %H:%M}" in problem["detail"]


def test_not_received_seller_proves_the_shipment_within_3_days_of_the_case(ali: Ali, db: Database) -> None:
    """§7.2.2: goods in transit / no tracking found: the seller's waybill, tracking page or delivery proof within 3 days."""
    [order], shipped = ali.shipped()
    ali.until(shipped + 5 * DAY)
    case = ali.open(order, "inr_in_transit")
    opened = when(case["opened_at"])
    assert owed(case) == [("seller", "seller_tracking_proof", opened + 3 * DAY)]
    ali.until(opened + DAY)
    ali.staff.post(f"/cases/{case['id']}/answer", {"agree": False})  # the case stays open while the parties talk
    ali.until(opened + 3 * DAY)
    ali.upload(ali.staff, case)
    ali.until(opened + 3 * DAY + SECOND)
    before = _counts(db)
    refused = ali.upload(ali.staff, case, expect=409)
    late(refused, "seller_tracking_proof", opened + 3 * DAY)
    assert "proof of shipment" in refused["detail"]
    assert _counts(db) == before
    # the buyer and the platform are bound by no deadline here; talk is not evidence
    ali.upload(ali.buyer, case)
    ali.upload(ali.operator, case)
    ali.staff.post(f"/cases/{case['id']}/messages", {"body": "the parcel is at customs"}, expect=201)


def test_the_platform_asks_for_more_and_the_party_has_3_days(ali: Ali) -> None:
    """§7.2.2: insufficient evidence is supplemented within 3 days; a new request gives 3 days again."""
    [order], shipped = ali.shipped()
    ali.until(shipped + 5 * DAY)
    case = ali.open(order, "inr_in_transit")
    opened = when(case["opened_at"])
    ali.until(opened + DAY)
    ali.staff.post(f"/cases/{case['id']}/answer", {"agree": False})
    assert ali.ask(case, "seller", who=ali.staff, expect=403)["code"] == "forbidden"
    ali.until(opened + 4 * DAY)  # the seller's own 3 days are over
    late(ali.upload(ali.staff, case, expect=409), "seller_tracking_proof", opened + 3 * DAY)
    before = ali.case(case)
    asked = ali.ask(case, "seller")
    assert owed(asked) == [("seller", "seller_tracking_proof", opened + 3 * DAY), ("seller", "supplement", opened + 7 * DAY)]
    # the case's own clock is untouched: same version, so its pending timer still fires
    assert (asked["version"], asked["next_deadline"]) == (before["version"], before["next_deadline"])
    ali.until(opened + 7 * DAY - SECOND)
    ali.upload(ali.staff, case)
    ali.until(opened + 7 * DAY + SECOND)
    refused = ali.upload(ali.staff, case, expect=409)
    late(refused, "supplement", opened + 7 * DAY)
    assert "further evidence" in refused["detail"]
    types = [e["type"] for e in ali.staff.get(f"/cases/{case['id']}/timeline")]
    assert types.count("case.evidence_requested") == 1 and types.count("case.evidence_added") == 1


def test_buyer_supplements_a_not_as_described_claim_within_3_days_of_the_request(ali: Ali) -> None:
    """§7.2.2: not as described / quality: photos, video, chat; if insufficient, supplemented within 3 days."""
    [order], shipped = ali.shipped()
    ali.until(shipped + 5 * DAY)
    case = ali.open(order, "inad_description")
    opened = when(case["opened_at"])
    assert owed(case) == []
    ali.until(opened + DAY)
    ali.staff.post(f"/cases/{case['id']}/answer", {"agree": False})
    ali.upload(ali.buyer, case)
    ali.ask(case, "buyer")
    ali.until(opened + 4 * DAY)
    ali.upload(ali.buyer, case)
    ali.until(opened + 4 * DAY + SECOND)
    late(ali.upload(ali.buyer, case, expect=409), "supplement", opened + 4 * DAY)
    ali.upload(ali.staff, case)  # the seller was not asked
    ali.ask(case, "buyer")  # asked again: 3 more days
    assert owed(ali.case(case)) == [("buyer", "supplement", opened + 7 * DAY + SECOND)]
    ali.upload(ali.buyer, case)


def test_damage_is_claimed_within_3_days_of_receipt_or_rejected(ali: Ali, db: Database) -> None:
    """§7.2.2: damaged goods: the dispute within 3 days of receipt with the carrier's proof; later → rejected, the
    seller is paid (the order runs on to its receipt)."""
    (first, second), shipped = ali.shipped(2)
    ali.until(shipped + 3 * DAY)
    ali.deliver(first, second)
    received = shipped + 3 * DAY
    ali.until(shipped + 5 * DAY)  # DHL: a case opens from day 5
    case = ali.open(first, "inad_damaged")
    assert owed(case) == [("buyer", "damage_claim", received + 3 * DAY)]
    ali.until(received + 3 * DAY)
    ali.upload(ali.buyer, case)
    ali.until(received + 3 * DAY + SECOND)
    late(ali.upload(ali.buyer, case, expect=409), "damage_claim", received + 3 * DAY)
    before = _counts(db)
    refused = ali.open(second, "inad_damaged", expect=409)
    late(refused, "damage_claim", received + 3 * DAY)
    assert "the funds go to the seller" in refused["detail"]
    assert _counts(db) == before
    assert ali.open(second, "inad_description")["status"] == "open"  # other reasons keep their own window


def test_short_quantity_evidence_within_10_days_of_receipt_and_the_sellers_within_3_days_of_the_case(ali: Ali, db: Database) -> None:
    """§7.2.2: short quantity: the buyer's received weight within 10 days of receipt, the seller's shipped weight within 3."""
    (first, second), shipped = ali.shipped(2)
    ali.until(shipped + 2 * DAY)
    ali.deliver(first, second)
    received = shipped + 2 * DAY
    ali.until(shipped + 7 * DAY)
    case = ali.open(first, "inad_short")
    opened = when(case["opened_at"])
    assert sorted(owed(case)) == [("buyer", "buyer_shortage_evidence", received + 10 * DAY),
                                  ("seller", "seller_shortage_evidence", opened + 3 * DAY)]
    ali.until(opened + DAY)
    ali.staff.post(f"/cases/{case['id']}/answer", {"agree": False})
    ali.until(opened + 3 * DAY + SECOND)
    late(ali.upload(ali.staff, case, expect=409), "seller_shortage_evidence", opened + 3 * DAY)
    ali.until(received + 10 * DAY)
    ali.upload(ali.buyer, case)
    ali.until(received + 10 * DAY + SECOND)
    late(ali.upload(ali.buyer, case, expect=409), "buyer_shortage_evidence", received + 10 * DAY)
    before = _counts(db)
    late(ali.open(second, "inad_short", expect=409), "buyer_shortage_evidence", received + 10 * DAY)
    assert _counts(db) == before


@pytest.mark.parametrize("body", [{"of": "platform"}, {}, {"of": "buyer", "note": "x" * 501}, {"of": "buyer", "extra": 1}])
def test_bad_evidence_requests_are_refused_and_write_nothing(ali: Ali, db: Database, body: dict[str, Any]) -> None:
    [order], shipped = ali.shipped()
    ali.until(shipped + 5 * DAY)
    case = ali.open(order, "inad_description")
    before = _counts(db)
    assert ali.operator.post(f"/cases/{case['id']}/evidence-request", body, expect=422)["code"] == "invalid-request"
    assert _counts(db) == before


def test_no_evidence_request_on_a_closed_case(ali: Ali) -> None:
    [order], shipped = ali.shipped()
    ali.until(shipped + 5 * DAY)
    case = ali.open(order, "inad_description")
    ali.staff.post(f"/cases/{case['id']}/accept")
    assert ali.ask(case, "buyer", expect=409)["code"] == "not-allowed-in-state"
    assert ali.case(case)["evidence_due"] == []
