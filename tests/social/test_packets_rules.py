"""Platform red packets' pure rules (RULES.md §3.6.2, §16 choices): the operator's terms within bounds, the platform's
day for daily caps, an ad view's watch time and single use, spending soonest-to-expire first, where a closed order's
packet part goes back."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper import rulebooks
from shopkeeper.errors import InvalidInput
from shopkeeper.social.packets import rules

BOOK = rulebooks.load("default").rewards
AD = rules.ProgramTerms("ad", total_minor=1000, packets=4, min_minor=100, valid_days=7, per_person_limit=3,
                        per_day_limit=1, min_watch_seconds=15, view_valid_minutes=30)
NOON = datetime(2026, 11, 2, 4, 0, tzinfo=timezone.utc)  # 12:00 in Shanghai


@pytest.mark.parametrize("change", [
    {"packets": BOOK.max_red_packets + 1, "total_minor": 10**9},
    {"min_minor": 0},
    {"total_minor": 399},  # four packets of at least 1.00 need 4.00
    {"valid_days": rules.MAX_VALID_DAYS + 1},
    {"per_day_limit": 4},  # more a day than in all
    {"min_watch_seconds": rules.MIN_WATCH_SECONDS - 1},
    {"view_valid_minutes": None},
    {"mode": "grab"},  # a grab program with a watch time
])
def test_terms_outside_the_bounds_are_refused(change: dict[str, object]) -> None:
    # given an ad program's valid terms, when one is changed past its bound, then the terms are refused
    rules.check_terms(AD, BOOK)
    with pytest.raises(InvalidInput):
        rules.check_terms(replace(AD, **change), BOOK)  # type: ignore[arg-type]


def test_the_daily_cap_restarts_at_the_platforms_midnight() -> None:
    # given 23:59 and 00:00 on the platform's clock (Beijing time)
    before, after = NOON + timedelta(hours=11, minutes=59), NOON + timedelta(hours=12)
    # then they are two days, though both are 2 November in UTC
    assert (rules.grab_day(before, "Asia/Shanghai"), rules.grab_day(after, "Asia/Shanghai")) == ("2026-11-02", "2026-11-03")
    assert after.date() == before.date()


def test_an_ad_view_allows_a_grab_once_watched_long_enough_and_only_while_fresh() -> None:
    # given a view started at noon: 15 s to watch, usable 30 min
    def check(at: datetime, used: datetime | None = None) -> None:
        rules.check_view(NOON, used, at, 15, 30)
    # then before 15 s, after 30 min, or used already, it is refused; between, it allows the grab
    for refused in ((NOON + timedelta(seconds=14), None), (NOON + timedelta(minutes=30), None),
                    (NOON + timedelta(seconds=20), NOON + timedelta(seconds=16))):
        with pytest.raises(rules.AdViewRefused):
            check(*refused)
    check(NOON + timedelta(seconds=15))


@given(st.lists(st.integers(0, 500), min_size=1, max_size=6), st.data())
def test_spending_takes_soonest_first_and_exactly_the_amount(lefts: list[int], data: st.DataObject) -> None:
    # given packets holding `lefts` in expiry order, and an amount no more than they hold
    amount = data.draw(st.integers(0, sum(lefts)))
    taken = rules.take_from(list(enumerate(lefts)), amount)
    # then the takes sum to the amount, none takes more than its packet holds, and a packet is only touched once
    # every packet before it is emptied
    assert sum(t for _, t in taken) == amount
    assert all(0 < t <= lefts[i] for i, t in taken)
    for i, _ in taken[:-1]:
        assert dict(taken)[i] == lefts[i]


def test_spending_more_than_held_is_a_caller_error() -> None:
    with pytest.raises(ValueError):
        rules.take_from([(1, 100)], 101)


def test_a_closed_orders_packet_part_goes_back_to_the_buyer_until_the_packet_expires() -> None:
    assert rules.returns_to(NOON, NOON - timedelta(seconds=1)) == rules.BUYER_CREDIT
    assert rules.returns_to(NOON, NOON) == rules.PACKET_FUND


def test_the_checkout_reduction_is_platform_funded_and_skips_the_outsiders_skus() -> None:
    promotion = rules.checkout_promotion(3, "红包", 700, 0, frozenset({9}))
    assert (promotion.funder, promotion.stage) == ("platform", "platform")
    assert promotion.scope.covers(1, None, 1, 8) and not promotion.scope.covers(2, None, 2, 9)
