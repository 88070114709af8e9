from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper import rulebooks
from shopkeeper.errors import NotAllowedInState
from shopkeeper.orders.rules import LineRequest, OrderStatus, allowed_actions, merge_lines, next_status, ship_by

T0 = datetime(2026, 11, 11, 0, 0, tzinfo=timezone.utc)


def test_the_happy_path_walks_every_state_in_order() -> None:
    status = OrderStatus.AWAITING_PAYMENT
    for action, expected in [("pay", "paid"), ("ship", "shipped"), ("deliver", "delivered"), ("confirm_receipt", "completed")]:
        status = next_status(status, action)
        assert status == expected


@pytest.mark.parametrize("status, action", [
    ("awaiting_payment", "ship"), ("paid", "pay"), ("shipped", "close"), ("completed", "confirm_receipt"),
    ("closed", "pay"), ("delivered", "ship"), ("awaiting_payment", "confirm_receipt"),
])
def test_a_wrong_transition_is_refused_with_a_stable_code(status: str, action: str) -> None:
    with pytest.raises(NotAllowedInState) as refused:
        next_status(status, action)
    assert refused.value.code == "not-allowed-in-state"


def test_closed_and_completed_are_final() -> None:
    assert allowed_actions("closed") == [] and allowed_actions("completed") == []


@pytest.mark.parametrize("book, hours", [("taobao", 72), ("tmall", 48)])
def test_ship_by_follows_the_rulebook(book: str, hours: int) -> None:
    # RULES.md §5.7 / §7.3: Taobao 72 h, Tmall 48 h after payment
    assert ship_by(T0, rulebooks.load(book)) == T0 + timedelta(hours=hours)


def test_every_rulebook_loads_with_positive_windows() -> None:
    for name in rulebooks.names():
        book = rulebooks.load(name)
        assert book.payment.window > timedelta(0) and book.shipping.ship_within > timedelta(0)
        assert all(book.receipt.auto_confirm_after(c) > timedelta(0) for c in book.aftersales.opening)


@given(st.lists(st.tuples(st.integers(1, 20), st.integers(1, 50)), max_size=30))
def test_merging_lines_keeps_quantities_and_sorts_by_sku(pairs: list[tuple[int, int]]) -> None:
    merged = merge_lines([LineRequest(s, q) for s, q in pairs])
    assert [m.sku_id for m in merged] == sorted({s for s, _ in pairs})
    assert sum(m.quantity for m in merged) == sum(q for _, q in pairs)


def test_shipped_means_pickup_or_tracking_as_the_rulebook_says() -> None:
    """§7.3: on Taobao/Tmall the carrier's pickup counts, typing a tracking number does not; DHgate counts the number."""
    from shopkeeper.orders.rules import ShipmentFacts, counted_as_shipped, is_late

    tracked = ShipmentFacts(shipped_at=T0 + timedelta(hours=10), picked_up_at=None)
    picked = ShipmentFacts(shipped_at=T0 + timedelta(hours=10), picked_up_at=T0 + timedelta(hours=80))
    taobao, dhgate = rulebooks.load("taobao"), rulebooks.load("dhgate")
    deadline = ship_by(T0, taobao)
    assert counted_as_shipped(tracked, taobao) is None and counted_as_shipped(tracked, dhgate) == T0 + timedelta(hours=10)
    assert counted_as_shipped(picked, taobao) == T0 + timedelta(hours=80)
    assert is_late(picked, taobao, deadline, T0 + timedelta(hours=90)) and not is_late(picked, dhgate, deadline, T0 + timedelta(hours=90))
    assert not is_late(tracked, taobao, deadline, deadline) and is_late(tracked, taobao, deadline, deadline + timedelta(seconds=1))


def test_the_shortest_campaign_ship_within_replaces_the_rulebooks() -> None:
    taobao = rulebooks.load("taobao")
    assert ship_by(T0, taobao, [48, 24]) == T0 + timedelta(hours=24)
    assert ship_by(T0, taobao, [96]) == T0 + timedelta(hours=96)
    assert ship_by(T0, taobao, []) == T0 + timedelta(hours=72)
