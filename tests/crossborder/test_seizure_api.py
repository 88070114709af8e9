"""Customs seizures move the order's money as RULES.md §6.3 says, through an after-sales case, on every backend.

Each scenario checks the order's books from the ledger: paid = refunded + released to the seller + still in escrow.
"""

from __future__ import annotations

from typing import Any

import pytest

from crossborder.abroad import address_in, books, paid_order, sell_abroad, ship
from shopkeeper.clock import SimulatedClock
from shopkeeper.crossborder import order_customs
from shopkeeper.db import Database
from support import Api, Shop


@pytest.fixture
def shipped(api: Api, db: Database, clock: SimulatedClock) -> tuple[Shop, dict[str, Any]]:
    shop = Shop.restored(api, db, clock.now(), rulebook="aliexpress", currency="EUR")
    sell_abroad(shop)
    order = paid_order(shop, address_in(shop, "RU"), quantity=2)
    ship(shop, order)
    return shop, order


def _seize(shop: Shop, order: dict[str, Any], reason: str | None, expect: int = 201, key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key else None
    return shop.staff.post(f"/orders/{order['id']}/customs-seizure", {"reason": reason}, expect=expect, headers=headers)


def test_a_declared_value_mismatch_is_the_sellers_and_the_buyer_gets_everything_back(
        shipped: tuple[Shop, dict[str, Any]], db: Database) -> None:
    shop, order = shipped
    seizure = _seize(shop, order, "declared-value-mismatch")
    assert seizure["responsible"] == "seller" and seizure["source"] == "staff" and seizure["case_id"]
    total = order["total"]["minor"]
    assert books(db, shop.store_id, order) == {"paid": total, "refunded": total, "released": 0, "escrow": 0}
    case = shop.staff.get(f"/cases/{seizure['case_id']}")
    assert (case["reason"]["code"], case["resolution"], case["responsible"]) == ("inr_customs", "refunded", "seller")
    seized = [e for e in shop.staff.get(f"/orders/{order['id']}/events") if e["type"] == "order.seized"]
    assert seized[0]["data"]["responsible"] == "seller" and seized[0]["data"]["refunded_minor"] == total


def test_unpaid_duties_are_the_buyers_and_the_funds_go_to_the_seller(shipped: tuple[Shop, dict[str, Any]], db: Database) -> None:
    shop, order = shipped
    assert _seize(shop, order, "unpaid-duties")["responsible"] == "buyer"
    total = order["total"]["minor"]
    assert books(db, shop.store_id, order) == {"paid": total, "refunded": 0, "released": total, "escrow": 0}
    assert shop.staff.get(f"/orders/{order['id']}")["status"] == "completed"


def test_an_unknown_cause_waits_for_the_platforms_ruling_with_the_money_held(shipped: tuple[Shop, dict[str, Any]], db: Database) -> None:
    shop, order = shipped
    seizure = _seize(shop, order, None)
    assert seizure["responsible"] == "investigation"
    total = order["total"]["minor"]
    assert books(db, shop.store_id, order) == {"paid": total, "refunded": 0, "released": 0, "escrow": total}
    case = shop.staff.get(f"/cases/{seizure['case_id']}")
    assert case["stage"] == "escalated" and case["closed_at"] is None


def test_a_retry_with_the_same_key_replays_and_a_second_report_is_refused(shipped: tuple[Shop, dict[str, Any]], db: Database) -> None:
    shop, order = shipped
    first = _seize(shop, order, "counterfeit", key="seize-1")
    assert _seize(shop, order, "counterfeit", key="seize-1") == first
    conflict = _seize(shop, order, "unpaid-duties", expect=409)
    assert conflict["code"] == "conflict"
    total = order["total"]["minor"]
    assert books(db, shop.store_id, order)["refunded"] == total  # refunded once


def test_who_may_report_and_when(shipped: tuple[Shop, dict[str, Any]]) -> None:
    shop, order = shipped
    assert shop.shopper.post(f"/orders/{order['id']}/customs-seizure", {"reason": "unpaid-duties"}, expect=403)
    bad = shop.staff.post(f"/orders/{order['id']}/customs-seizure", {"reason": "smuggling"}, expect=422)
    assert bad["code"] == "invalid-request"
    unshipped = paid_order(shop, address_in(shop, "RU"))
    refused = shop.staff.post(f"/orders/{unshipped['id']}/customs-seizure", {"reason": "unpaid-duties"}, expect=409,
                              headers={"Accept-Language": "zh"})
    assert refused["code"] == "not-allowed-in-state" and "海关扣留的是运输途中的货物" in refused["detail"]
    domestic = paid_order(shop, shop.address)
    ship(shop, domestic)
    assert shop.staff.post(f"/orders/{domestic['id']}/customs-seizure", {"reason": "unpaid-duties"}, expect=409)


def test_a_tracking_event_reports_the_same_seizure_once(shipped: tuple[Shop, dict[str, Any]], db: Database,
                                                         clock: SimulatedClock) -> None:
    shop, order = shipped
    with db.transaction() as session:
        row = order_customs.held_by_customs(session, clock.now(), order["id"], "infringement")
        assert row is not None and row.source == "tracking" and row.responsible == "seller"
    with db.transaction() as session:
        assert order_customs.held_by_customs(session, clock.now(), order["id"], "infringement") is None
    total = order["total"]["minor"]
    assert books(db, shop.store_id, order) == {"paid": total, "refunded": total, "released": 0, "escrow": 0}
    assert shop.shopper.get(f"/orders/{order['id']}/customs")["seizure"]["reason"] == "infringement"


def test_a_carriers_customs_hold_scan_opens_the_seizure_for_the_platform_to_rule(
        shipped: tuple[Shop, dict[str, Any]], db: Database, clock: SimulatedClock) -> None:
    shop, order = shipped
    clock.advance(days=2)
    scan = {"tracking_number": f"T{order['id']}", "kind": "held_by_customs", "at": clock.now().isoformat(), "location": "Moscow"}
    for _ in range(2):  # the carrier reports the same hold twice
        shop.staff.post(f"/stores/{shop.store_id}/tracking-events", {"events": [scan]})
    seizure = shop.staff.get(f"/orders/{order['id']}/customs")["seizure"]
    assert seizure["source"] == "tracking"
    total = order["total"]["minor"]
    assert books(db, shop.store_id, order) == {"paid": total, "refunded": 0, "released": 0, "escrow": total}
