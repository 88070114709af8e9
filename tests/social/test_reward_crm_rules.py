"""The CRM reward kinds' pure rules, given/when/then: a free trial's winners are the lowest rolls, never more than
its units, replayable; the trial, card and check-in lottery kinds check their terms, fix their count budgets and
count a claim once (a check-in lottery once a store day)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.errors import InvalidInput
from shopkeeper.social.rewards import kinds, rules

UTC = timezone.utc


@given(st.dictionaries(st.integers(1, 10_000), st.integers(0, rules.PPM - 1), max_size=40), st.integers(1, 50))
def test_a_trials_winners_are_the_lowest_rolls_and_never_more_than_its_units(rolls: dict[int, int], units: int) -> None:
    # given applicants' rolls and a trial's units
    # when the winners are chosen
    winners = rules.trial_winners(rolls, units)
    # then there are as many as the units allow, each an applicant, once, and no loser rolled lower than a winner
    assert len(winners) == min(units, len(rolls)) == len(set(winners)) and set(winners) <= set(rolls)
    losers = set(rolls) - set(winners)
    assert all((rolls[w], w) < (rolls[x], x) for w in winners for x in losers)
    # and the same rolls give the same winners (seeded, replayable)
    assert rules.trial_winners(dict(reversed(list(rolls.items()))), units) == winners


def test_a_trial_and_a_card_fix_their_count_budget_and_give_only_coupons() -> None:
    # given the two kinds
    trial, card = kinds.kind_of("trial"), kinds.kind_of("card")
    # when their terms are checked
    terms = trial.check_terms({"sku_id": 7, "units": 5})
    # then the units and the cards are the count budget, and each gives a coupon, nothing else
    assert (trial.budget_count(terms), card.budget_count(card.check_terms({"cards": 100}))) == (5, 100)
    assert trial.reward_types == card.reward_types == ("coupon",)
    assert kinds.kind_of("check_in").budget_count({}) is None and "credit" in kinds.kind_of("check_in").reward_types
    # and a trial without units, or a card without cards, is refused
    with pytest.raises(InvalidInput):
        trial.check_terms({"sku_id": 7})
    with pytest.raises(InvalidInput):
        card.check_terms({"cards": 0})


def test_a_check_in_lottery_counts_once_a_store_day_and_a_trial_or_a_card_once() -> None:
    # given two claims, at 23:30 and 00:30 in Shanghai (15:30 and 16:30 UTC)
    late = kinds.ClaimFacts(datetime(2026, 11, 2, 15, 30, tzinfo=UTC), "Asia/Shanghai", 1)
    early = kinds.ClaimFacts(datetime(2026, 11, 2, 16, 30, tzinfo=UTC), "Asia/Shanghai", 1)
    lottery = kinds.kind_of("check_in_lottery")
    # then the check-in lottery is a claimed draw counted by the store's day; a trial and a card count once per buyer
    assert (lottery.trigger, lottery.grants) == ("claim", "draw")
    assert [lottery.module.key({}, f) for f in (late, early)] == ["day:2026-11-02", "day:2026-11-03"]
    assert {kinds.kind_of("trial").module.key({}, f) for f in (late, early)} == {"apply"}
    assert {kinds.kind_of("card").module.key({}, f) for f in (late, early)} == {"card"}
