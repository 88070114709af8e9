"""Reward programs' pure rules, given/when/then: red packets sum exactly, seeded draws replay and keep their odds,
a check-in day is the store's day, cash back and free orders compute as the terms say, the kinds check their terms."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper import rulebooks
from shopkeeper.errors import InvalidInput
from shopkeeper.social.rewards import kinds, rules

UTC = timezone.utc


@given(st.integers(1, 200), st.integers(1, 50), st.integers(0, 100_000), st.integers(0, 2**32))
def test_a_red_packet_pool_splits_into_packets_that_sum_exactly_each_at_least_the_minimum(
        count: int, minimum: int, spare: int, seed: int) -> None:
    # given a pool of exactly enough for the minimum per packet, plus some to spare
    total = count * minimum + spare
    # when it is split
    packets = rules.split_packets(total, count, minimum, random.Random(seed))
    # then there are as many packets as asked, none below the minimum, and they sum to the pool exactly
    assert len(packets) == count and min(packets) >= minimum and sum(packets) == total


def test_a_pool_too_small_for_its_packets_is_refused() -> None:
    with pytest.raises(InvalidInput, match="need 300, more than the pool's 299"):
        rules.split_packets(299, 3, 100, random.Random(1))


def test_a_seeded_draw_replays_to_the_same_roll_and_prize() -> None:
    # given odds of 10% for prize 1 and 30% for prize 2 (60% no prize)
    odds = [rules.Odds(1, 100_000), rules.Odds(2, 300_000)]
    # when the same seed is drawn twice
    first, again = rules.draw("a1b2c3", odds), rules.draw("a1b2c3", odds)
    # then the roll and the prize are the same, and the prize is where the roll lands
    assert first == again
    roll, prize = first
    assert prize == (1 if roll < 100_000 else 2 if roll < 400_000 else None)


def test_seeded_draws_keep_their_odds() -> None:
    # given odds of 10% and 30%, when 20,000 seeded draws are made
    odds = [rules.Odds(1, 100_000), rules.Odds(2, 300_000)]
    won = Counter(rules.draw(f"seed-{n}", odds)[1] for n in range(20_000))
    # then each prize comes up as often as its odds say, within a few standard deviations
    assert abs(won[1] - 2_000) < 200 and abs(won[2] - 6_000) < 320 and abs(won[None] - 12_000) < 350


def test_odds_above_one_in_one_are_refused() -> None:
    with pytest.raises(InvalidInput):
        rules.check_odds([600_000, 500_000])


def test_a_check_in_counts_for_the_stores_calendar_day() -> None:
    # given 16:30 UTC on 2 November, which is 00:30 on 3 November in Shanghai
    late = datetime(2026, 11, 2, 16, 30, tzinfo=UTC)
    # then a Shanghai store counts it for the 3rd, a London one for the 2nd
    assert rules.check_in_day(late, "Asia/Shanghai").isoformat() == "2026-11-03"
    assert rules.check_in_day(late, "Europe/London").isoformat() == "2026-11-02"
    facts = kinds.ClaimFacts(late, "Asia/Shanghai")
    assert kinds.KINDS["check_in"].module.key({}, facts) == "day:2026-11-03"


def test_cash_back_is_its_basis_points_rounded_down_up_to_the_cap() -> None:
    assert rules.cash_back(12_345, 500, None) == 617
    assert rules.cash_back(100_000, 500, 2_000) == 2_000


def test_a_free_order_is_one_paid_in_the_first_minutes_of_a_listed_hour_of_the_store() -> None:
    terms = kinds.KINDS["free_order"].check_terms({"hours": [10, 20], "minutes": 1, "cap_minor": 5_000})
    order = kinds.OrderFacts(1, 1, 7_000, datetime(2026, 11, 2, 12, 0, 30, tzinfo=UTC), "Asia/Shanghai")  # 20:00:30
    late = kinds.OrderFacts(1, 1, 7_000, datetime(2026, 11, 2, 12, 1, 0, tzinfo=UTC), "Asia/Shanghai")  # 20:01:00
    assert kinds.KINDS["free_order"].module.earns(terms, None, order) == rules.Reward("credit", amount_minor=5_000)
    assert kinds.KINDS["free_order"].module.earns(terms, None, late) is None


def test_each_kind_checks_its_terms() -> None:
    assert kinds.KINDS["lottery"].check_terms({}) == {"threshold_minor": 0}
    with pytest.raises(InvalidInput, match="percent_bp"):
        kinds.KINDS["cash_back"].check_terms({"percent_bp": 0})
    with pytest.raises(InvalidInput, match="packets"):
        kinds.KINDS["red_packet"].check_terms({"total_minor": 100, "packets": 0})
    with pytest.raises(InvalidInput, match="at most 10000 packets"):
        rules.check_pool(10_001, 1, rulebooks.load("taobao").rewards)
    with pytest.raises(InvalidInput, match="kind"):
        kinds.kind_of("pyramid")
    with pytest.raises(InvalidInput):
        rules.reward_of({"type": "points", "points": 0})
