"""The pure rules of live sessions and content tasks (RULES.md §4.3), and the task's lifecycle table."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from shopkeeper.errors import InvalidInput, NotAllowedInState
from shopkeeper.social.content import rules
from shopkeeper.social.content.moves import FINAL, MOVES, SELLING, TaskStatus, allowed_actions, next_state
from shopkeeper.social.distribution import rules as distribution_rules

T0 = datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


def test_a_session_is_live_from_its_start_to_its_end_inclusive() -> None:
    starts, ends = T0, T0 + 2 * HOUR
    assert [rules.session_status(starts, ends, at) for at in (starts - timedelta(seconds=1), starts, ends,
                                                              ends + timedelta(seconds=1))] == ["scheduled", "live", "live", "ended"]


def test_a_session_ends_after_it_starts_and_not_in_the_past() -> None:
    with pytest.raises(InvalidInput):
        rules.check_session(T0, T0, T0 - HOUR)
    with pytest.raises(InvalidInput):
        rules.check_session(T0 - 3 * HOUR, T0 - HOUR, T0)
    rules.check_session(T0 - HOUR, T0 + HOUR, T0)  # one already under way may still be recorded


@pytest.mark.parametrize(("deadline", "sales_until", "percent", "fee"), [
    (T0, T0 + HOUR, None, 0),  # due now: not in the future
    (T0 + 2 * HOUR, T0 + HOUR, None, 0),  # sells for less time than it takes to deliver
    (T0 + HOUR, T0 + HOUR, Decimal(101), 0),
    (T0 + HOUR, T0 + HOUR, None, -1),
])
def test_a_task_that_cannot_be_met_is_refused(deadline: datetime, sales_until: datetime, percent: Decimal | None,
                                              fee: int) -> None:
    with pytest.raises(InvalidInput):
        rules.check_task(deadline, sales_until, T0, percent, fee)


def test_a_tasks_code_names_it_from_acceptance_to_the_end_of_its_sales_window_while_it_sells() -> None:
    accepted, until = T0, T0 + 24 * HOUR
    assert rules.task_sells(True, accepted, until, accepted) and rules.task_sells(True, accepted, until, until)
    assert not rules.task_sells(True, accepted, until, until + timedelta(seconds=1))
    assert not rules.task_sells(False, accepted, until, T0 + HOUR)  # expired or withdrawn
    assert not rules.task_sells(True, None, until, T0 + HOUR)  # nobody accepted it


def test_submitting_after_the_deadline_is_refused_even_before_the_timer_fires() -> None:
    rules.check_before_deadline(T0, T0)
    with pytest.raises(rules.TaskDeadlinePassed):
        rules.check_before_deadline(T0, T0 + timedelta(seconds=1))


def test_the_lifecycle_table_reaches_every_state_and_final_states_have_no_moves() -> None:
    reached = {TaskStatus.PUBLISHED} | {m.to for m in MOVES}
    assert reached == set(TaskStatus)
    assert not [m for m in MOVES if m.state in FINAL]
    assert SELLING == {TaskStatus.ACCEPTED, TaskStatus.SUBMITTED, TaskStatus.APPROVED}


def test_each_party_is_offered_only_its_own_moves() -> None:
    assert allowed_actions("published", "influencer") == ["accept"]
    assert allowed_actions("published", "staff") == ["withdraw"]
    assert allowed_actions("submitted", "staff") == ["approve", "reject"]
    assert allowed_actions("rejected", "influencer") == ["submit"]
    assert allowed_actions("approved", "staff") == allowed_actions("approved", "influencer") == []
    assert next_state("rejected", "submit") is TaskStatus.SUBMITTED
    with pytest.raises(NotAllowedInState):
        next_state("submitted", "expire")  # content waiting for review is not expired by the deadline


def test_a_session_or_task_rate_replaces_the_programs_rules_and_keeps_its_exclusions() -> None:
    terms = distribution_rules.ProgramTerms(
        enabled=True, attribution_days=7, excluded_promotions=("campaign-entry",),
        rules=(distribution_rules.CommissionRule("product", 3, Decimal(20), None),))
    found = distribution_rules.at_percent(terms, Decimal(8))
    assert found.rules == (distribution_rules.CommissionRule("store", None, Decimal(8), None),)
    assert found.excluded_promotions == ("campaign-entry",) and found.attribution_days == 7


def test_a_session_or_task_rate_stays_above_a_paid_second_level() -> None:
    rules.check_percent(Decimal(3), None)
    rules.check_percent(Decimal("2.5"), Decimal(2))
    with pytest.raises(InvalidInput, match="second-level"):
        rules.check_percent(Decimal(2), Decimal(2))  # the recruiter would earn as much as the influencer
