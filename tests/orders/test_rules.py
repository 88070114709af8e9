"""Order rules: the states an order walks, the ship-by deadline and what counts as shipped (RULES.md §5.7, §7.3)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper import rulebooks
from shopkeeper.errors import NotAllowedInState
from shopkeeper.orders.rules import (
    LineRequest,
    OrderStatus,
    ShipmentFacts,
    allowed_actions,
    counted_as_shipped,
    is_late,
    merge_lines,
    next_status,
    ship_by,
)

T0 = datetime(2026, 11, 11, 0, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


def test_the_happy_path_walks_every_state_in_order() -> None:
    # given an order awaiting payment
    status = OrderStatus.AWAITING_PAYMENT
    # when it is paid, shipped, delivered and its receipt confirmed, then it passes each state in turn
    for action, expected in [("pay", "paid"), ("ship", "shipped"), ("deliver", "delivered"), ("confirm_receipt", "completed")]:
        status = next_status(status, action)
        assert status == expected


@pytest.mark.parametrize("status, action", [
    ("awaiting_payment", "ship"), ("paid", "pay"), ("shipped", "close"), ("completed", "confirm_receipt"),
    ("closed", "pay"), ("delivered", "ship"), ("awaiting_payment", "confirm_receipt"),
])
def test_a_wrong_transition_is_refused_with_a_stable_code(status: str, action: str) -> None:
    # given an order in this state, when the action does not apply to it, then it is refused with a code clients keep
    with pytest.raises(NotAllowedInState) as refused:
        next_status(status, action)
    assert refused.value.code == "not-allowed-in-state"


def test_closed_and_completed_are_final() -> None:
    # given a closed or a completed order, then nothing more may be done to it
    assert allowed_actions("closed") == [] and allowed_actions("completed") == []


@pytest.mark.parametrize("book, hours", [("taobao", 72), ("tmall", 48)])
def test_taobao_ships_within_72_hours_of_payment_and_tmall_within_48(book: str, hours: int) -> None:
    """RULES.md §5.7, §7.3."""
    # given an order paid at T0, then it must ship within the rulebook's hours
    assert ship_by(T0, rulebooks.load(book)) == T0 + hours * HOUR


def test_every_rulebook_loads_with_positive_windows() -> None:
    # given each shipped rulebook, then its payment, shipping and automatic-receipt windows are all longer than zero
    for name in rulebooks.names():
        book = rulebooks.load(name)
        assert book.payment.window > timedelta(0) and book.shipping.ship_within > timedelta(0)
        assert all(book.receipt.auto_confirm_after(c) > timedelta(0) for c in book.aftersales.opening)


@given(st.lists(st.tuples(st.integers(1, 20), st.integers(1, 50)), max_size=30))
def test_merging_lines_keeps_quantities_and_sorts_by_sku(pairs: list[tuple[int, int]]) -> None:
    # given any cart lines, the same SKU perhaps several times, when they are merged
    merged = merge_lines([LineRequest(s, q) for s, q in pairs])
    # then there is one line per SKU, in SKU order, and not a unit is gained or lost
    assert [m.sku_id for m in merged] == sorted({s for s, _ in pairs})
    assert sum(m.quantity for m in merged) == sum(q for _, q in pairs)


def test_shipped_means_pickup_or_tracking_as_the_rulebook_says() -> None:
    """§7.3: on Taobao/Tmall the carrier's pickup counts, typing a tracking number does not; DHgate counts the number."""
    # given an order paid at T0 whose tracking number was typed at hour 10, and another also picked up at hour 80
    tracked = ShipmentFacts(shipped_at=T0 + 10 * HOUR, picked_up_at=None)
    picked = ShipmentFacts(shipped_at=T0 + 10 * HOUR, picked_up_at=T0 + 80 * HOUR)
    taobao, dhgate = rulebooks.load("taobao"), rulebooks.load("dhgate")
    deadline = ship_by(T0, taobao)
    # then on Taobao only the pickup counts as shipping, on DHgate the tracking number does
    assert counted_as_shipped(tracked, taobao) is None and counted_as_shipped(tracked, dhgate) == T0 + 10 * HOUR
    assert counted_as_shipped(picked, taobao) == T0 + 80 * HOUR
    # then a pickup at hour 80 is late on Taobao (72 h) and not on DHgate
    assert is_late(picked, taobao, deadline, T0 + 90 * HOUR) and not is_late(picked, dhgate, deadline, T0 + 90 * HOUR)
    # then an order not picked up is late on Taobao from the second after its deadline
    assert not is_late(tracked, taobao, deadline, deadline) and is_late(tracked, taobao, deadline, deadline + timedelta(seconds=1))


def test_the_shortest_campaign_ship_within_replaces_the_rulebooks() -> None:
    # given a Taobao order paid at T0
    taobao = rulebooks.load("taobao")
    # when campaigns promise shipping within 48 and 24 hours, then the shortest, 24 hours, is the deadline
    assert ship_by(T0, taobao, [48, 24]) == T0 + 24 * HOUR
    # when one promises 96 hours, then that replaces the rulebook's 72, even though longer
    assert ship_by(T0, taobao, [96]) == T0 + 96 * HOUR
    # when no campaign promises anything, then the rulebook's 72 hours stand
    assert ship_by(T0, taobao, []) == T0 + 72 * HOUR
