"""The buyer's protection on a cross-border order runs past the promised delivery time (RULES.md §5.5, §7.2.2):
receipt does not confirm itself before it, and a "not received" case waits for it. Pure rules first, then through the
API with Russia's 90-day cap and a short Turkish promise."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossborder.abroad import address_in, paid_order, sell_abroad, ship
from shopkeeper.clock import SimulatedClock
from shopkeeper.crossborder.protection import not_received_window, protection
from shopkeeper.db import Database
from support import Api, Shop, examples

T0 = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def test_receipt_waits_for_the_promise_and_then_the_rulebooks_own_time() -> None:
    guard = protection(T0, 90, T0 + 10 * DAY, 10 * DAY)
    assert (guard.promise_ends, guard.confirm_by) == (T0 + 90 * DAY, T0 + 100 * DAY)


def test_a_not_received_case_opens_when_the_promise_ends_and_closes_no_sooner_than_the_protection() -> None:
    guard = protection(T0, 90, T0 + 10 * DAY, 10 * DAY)
    assert not_received_window((T0 + 5 * DAY, T0 + 90 * DAY), guard) == (T0 + 90 * DAY, T0 + 100 * DAY)
    short = protection(T0, 3, T0 + 10 * DAY, 10 * DAY)
    assert not_received_window((T0 + 5 * DAY, T0 + 90 * DAY), short) == (T0 + 3 * DAY, T0 + 90 * DAY)


@settings(max_examples=examples(100))
@given(days=st.integers(1, 365), ordinary=st.integers(0, 120), wait=st.integers(0, 120),
       opens=st.integers(0, 30), closes=st.integers(30, 200))
def test_protection_never_ends_before_the_promise_nor_the_ordinary_confirmation(days: int, ordinary: int, wait: int,
                                                                                opens: int, closes: int) -> None:
    guard = protection(T0, days, T0 + ordinary * DAY, wait * DAY)
    assert guard.confirm_by >= max(T0 + days * DAY, T0 + ordinary * DAY)
    start, end = not_received_window((T0 + opens * DAY, T0 + closes * DAY), guard)
    assert start == T0 + days * DAY and end >= start and end >= T0 + closes * DAY


# --- through the API -------------------------------------------------------------------------------------

@pytest.fixture
def ali(api: Api, db: Database, clock: SimulatedClock) -> Shop:
    shop = Shop.restored(api, db, clock.now(), rulebook="aliexpress", currency="EUR")
    sell_abroad(shop)
    # asked for 120 days to Russia: stored as 90, the cap (§5.5)
    settings_out = shop.staff.call("PUT", f"/stores/{shop.store_id}/allocation-settings",
                                   json={"on_short": "split", "promised_days": {"RU": 120, "TR": 3}})
    assert settings_out["promised_days"] == {"RU": 90, "TR": 3}
    return shop


def _confirm_by(order: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(order["confirm_by"])


def test_receipt_confirms_after_russias_90_days_and_turkeys_3_both_past_the_ordinary_wait(ali: Shop, clock: SimulatedClock) -> None:
    domestic, russia, turkey = (paid_order(ali, address) for address in (ali.address, address_in(ali, "RU"), address_in(ali, "TR")))
    shipped = [ship(ali, order) for order in (domestic, russia, turkey)]
    ordinary = _confirm_by(shipped[0]) - clock.now()  # AliExpress: 90 days after shipment (its rulebook)
    assert _confirm_by(shipped[1]) == clock.now() + 90 * DAY + ordinary
    assert _confirm_by(shipped[2]) == clock.now() + 3 * DAY + ordinary


def test_a_not_received_case_waits_for_russias_promise(ali: Shop, clock: SimulatedClock) -> None:
    order = paid_order(ali, address_in(ali, "RU"))
    ship(ali, order)
    clock.advance(days=10)
    early = ali.shopper.post(f"/orders/{order['id']}/cases", {"reason": "inr_in_transit"}, expect=409)
    assert early["code"] == "not-allowed-in-state" and "opens on" in early["detail"]
    damaged = ali.shopper.post(f"/orders/{order['id']}/cases", {"reason": "inad_description"}, expect=201)  # other reasons as before
    ali.shopper.post(f"/cases/{damaged['id']}/withdraw")
    clock.advance(days=80, hours=1)  # 90 days and an hour after shipment: the goods are late
    assert ali.shopper.post(f"/orders/{order['id']}/cases", {"reason": "inr_in_transit"}, expect=201)["reason"]["code"] == "inr_in_transit"


def test_a_short_promise_lets_the_case_open_sooner_than_the_class_window(ali: Shop, clock: SimulatedClock) -> None:
    order = paid_order(ali, address_in(ali, "TR"))
    ship(ali, order)
    clock.advance(days=3, hours=1)  # past Turkey's 3 days, before the express class's 5
    assert ali.shopper.post(f"/orders/{order['id']}/cases", {"reason": "inr_in_transit"}, expect=201)
