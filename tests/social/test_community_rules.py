"""Community group buying's pure rules (RULES.md §4.1): settings within the rulebook, the wave a paid order gathers
in on the store's clock, pick lists that add up, the pickup code's answers, the leader's commission."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper import rulebooks
from shopkeeper.errors import InvalidInput, NotAllowedInState
from shopkeeper.social.community import moves, rules

BOOK = rulebooks.load("taobao").community
UTC = timezone.utc


def _settings(**changes: object) -> rules.Settings:
    base: dict[str, object] = {"enabled": True, "cutoffs": ("10:00", "20:00"), "unpicked_days": 3,
                               "unpicked_outcome": "refund", "leader_rate": Decimal("0.05")}
    return rules.Settings(**{**base, **changes})  # type: ignore[arg-type]


def test_settings_keep_the_rulebooks_bounds() -> None:
    rules.check_settings(_settings(), BOOK)
    for bad in ({"cutoffs": ()}, {"cutoffs": ("25:00",)}, {"cutoffs": ("10:00", "10:00")},
                {"cutoffs": ("01:00", "02:00", "03:00", "04:00", "05:00")}, {"unpicked_days": 0},
                {"unpicked_days": BOOK.max_unpicked_days + 1}, {"unpicked_outcome": "keep"},
                {"leader_rate": BOOK.max_leader_rate + Decimal("0.01")}, {"leader_rate": Decimal("-0.01")}):
        with pytest.raises(InvalidInput):
            rules.check_settings(_settings(**bad), BOOK)


@pytest.mark.parametrize(("paid_at", "expected"), [
    (datetime(2026, 11, 2, 9, 0, tzinfo=UTC), datetime(2026, 11, 2, 12, 0, tzinfo=UTC)),  # 17:00 Beijing → 20:00
    (datetime(2026, 11, 2, 12, 0, tzinfo=UTC), datetime(2026, 11, 3, 2, 0, tzinfo=UTC)),  # at 20:00 → next 10:00
    (datetime(2026, 11, 2, 18, 0, tzinfo=UTC), datetime(2026, 11, 3, 2, 0, tzinfo=UTC)),  # 02:00 Beijing → 10:00
])
def test_a_paid_order_gathers_in_the_wave_whose_cut_off_comes_next_on_the_stores_clock(paid_at: datetime,
                                                                                      expected: datetime) -> None:
    assert rules.next_cutoff(paid_at, ("10:00", "20:00"), "Asia/Shanghai") == expected


def test_the_cut_off_follows_the_stores_clock_across_a_daylight_saving_change() -> None:
    # Berlin leaves summer time on 2026-10-25: 20:00 local is 18:00 UTC before, 19:00 UTC after
    assert rules.next_cutoff(datetime(2026, 10, 24, 19, 0, tzinfo=UTC), ("20:00",), "Europe/Berlin") == \
        datetime(2026, 10, 25, 19, 0, tzinfo=UTC)


lines = st.lists(st.tuples(st.integers(1, 4), st.integers(1, 9)), min_size=1, max_size=4)
orders = st.lists(st.tuples(st.integers(1, 3), lines), min_size=0, max_size=12)


@settings(max_examples=200)
@given(orders)
def test_the_leaders_pick_lists_add_up_to_the_waves_and_the_waves_to_its_orders(drawn: list[tuple[int, list[tuple[int, int]]]]) -> None:
    wave = [rules.WaveOrder(n + 1, leader, tuple(rules.Line(sku, f"SKU-{sku}", "t", q) for sku, q in picked))
            for n, (leader, picked) in enumerate(drawn)]
    listed = rules.pick_list(wave)
    by_orders = Counter[int]()
    for order in wave:
        for line in order.lines:
            by_orders[line.sku_id] += line.quantity
    assert Counter({t.sku_id: t.quantity for t in listed.totals}) == by_orders
    per_leader = Counter[int]()
    for pick in listed.leaders:
        for t in pick.totals:
            per_leader[t.sku_id] += t.quantity
        assert all(o.leader_id == pick.leader_id for o in pick.orders)
    assert per_leader == by_orders
    assert sorted(o.order_id for p in listed.leaders for o in p.orders) == [o.order_id for o in wave]


def test_a_pickup_code_must_name_an_order_waiting_at_the_point() -> None:
    rules.check_pickup("delivered")
    with pytest.raises(rules.PickupCodeUnknown):
        rules.check_pickup(None)
    with pytest.raises(rules.AlreadyCollected):
        rules.check_pickup("collected")
    with pytest.raises(rules.PickupCodeUnknown):
        rules.check_pickup("refunded")


def test_the_leaders_commission_is_the_rate_of_each_line_rounded_half_up() -> None:
    assert rules.leader_commission([(1, 5990), (2, 10)], Decimal("0.05")) == {1: 300, 2: 1}  # 299.5 → 300, 0.5 → 1


def test_a_collected_order_never_goes_back_and_a_wave_delivers_once() -> None:
    assert moves.order_next("delivered", "collect") == "collected"
    with pytest.raises(NotAllowedInState):
        moves.order_next("collected", "collect")
    assert moves.wave_actions("closed", "staff") == ["deliver"]
    assert moves.wave_actions("delivered", "staff") == []
