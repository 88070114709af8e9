"""The store club's pure rules (RULES.md §4.3, 粉丝趴): following is idempotent, a day is the store's, a growth read
has a bounded span; and the pricing engine's audience "fans of this store" (粉丝专享)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shopkeeper.customers import rules
from shopkeeper.errors import InvalidInput
from shopkeeper.promotions.engine.price import audience_refusal
from shopkeeper.promotions.engine.terms import Audience, Shopper


def test_following_twice_or_unfollowing_a_store_not_followed_changes_nothing() -> None:
    assert rules.follow_change(following=False, wants=True) == "open"
    assert rules.follow_change(following=True, wants=True) is None
    assert rules.follow_change(following=True, wants=False) == "close"
    assert rules.follow_change(following=False, wants=False) is None


def test_a_day_is_the_stores_own_from_midnight_to_midnight() -> None:
    # given a Shanghai store: its 3 December starts at 16:00 UTC on the 2nd
    [(day, start, end)] = rules.local_days(date(2026, 12, 3), date(2026, 12, 3), "Asia/Shanghai")
    assert (day, start, end) == (date(2026, 12, 3), datetime(2026, 12, 2, 16, tzinfo=UTC), datetime(2026, 12, 3, 16, tzinfo=UTC))


def test_a_day_the_clocks_move_is_23_or_25_hours_and_the_days_tile_without_gaps() -> None:
    # given a New York store over the spring and autumn changes of 2026
    spring = rules.local_days(date(2026, 3, 7), date(2026, 3, 9), "America/New_York")
    autumn = rules.local_days(date(2026, 10, 31), date(2026, 11, 2), "America/New_York")
    hours = [(end - start).total_seconds() / 3600 for _, start, end in spring + autumn]
    assert hours == [24, 23, 24, 24, 25, 24]
    for days in (spring, autumn):
        assert all(days[n][2] == days[n + 1][1] for n in range(len(days) - 1))


def test_a_growth_read_defaults_to_the_last_days_up_to_today_and_is_bounded() -> None:
    today = date(2026, 12, 5)
    first, last = rules.growth_span(today, None, None)
    assert last == today and (last - first).days + 1 == rules.GROWTH_DEFAULT_DAYS
    assert rules.growth_span(today, date(2026, 12, 1), date(2026, 12, 1)) == (date(2026, 12, 1), date(2026, 12, 1))
    with pytest.raises(InvalidInput, match="comes after"):
        rules.growth_span(today, date(2026, 12, 2), date(2026, 12, 1))
    with pytest.raises(InvalidInput, match="at most"):
        rules.growth_span(today, date(2026, 1, 1), date(2026, 12, 1))
    # and the calendar's very ends, which some clocks cannot reach, are refused rather than crashed on
    with pytest.raises(InvalidInput, match="outside the calendar"):
        rules.local_days(*rules.growth_span(today, None, date(1, 1, 2)), "Asia/Shanghai")
    with pytest.raises(InvalidInput, match="outside the calendar"):
        rules.local_days(date(9999, 12, 31), date(9999, 12, 31), "America/New_York")


def test_a_days_net_is_its_new_fans_less_those_lost() -> None:
    assert rules.FanDay(date(2026, 12, 1), new=5, lost=7, total=40).net == -2


def test_a_fans_only_price_is_for_buyers_who_follow_that_very_store() -> None:
    # given a fans-only audience, and a buyer who follows store 1 only
    fans = Audience(fans_only=True)
    buyer = Shopper(buyer_id=9, fan_of=frozenset({1}))
    # then store 1's promotion admits them, store 2's says why not, and a platform one (no store, no fans) never does
    assert audience_refusal(fans, buyer, store_id=1) is None
    refusal = audience_refusal(fans, buyer, store_id=2)
    assert refusal is not None and refusal.reason == "fans_only"
    refusal = audience_refusal(fans, buyer, store_id=None)
    assert refusal is not None and refusal.reason == "fans_only"
    # and an audience that does not ask for fans does not care
    assert audience_refusal(Audience(), Shopper(buyer_id=9), store_id=2) is None
