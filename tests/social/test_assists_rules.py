"""Assists (邀请助力, 分享互惠, RULES.md §4.1): the pure rules and the lifecycle table, given / when / then."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from shopkeeper.errors import InvalidInput, NotAllowedInState
from shopkeeper.rulebooks import load
from shopkeeper.social.assists import moves, rules
from shopkeeper.social.assists.moves import TaskStatus

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
BOOK = load("taobao").assist
COUPON, PRICE, FREE = rules.Reward("coupon", template_id=1), rules.Reward("price", price_minor=1990), rules.Reward("free_item")
STEPS = (rules.Step(2, COUPON), rules.Step(3, PRICE), rules.Step(5, FREE))


def terms(**changes: object) -> rules.OfferTerms:
    base: dict[str, object] = dict(kind="boost", list_price=5990, steps=STEPS, time_limit_hours=24, helper_daily_cap=3)
    return rules.OfferTerms(**{**base, **changes})  # type: ignore[arg-type]


def task(status: TaskStatus = TaskStatus.OPEN, owner: int = 1, helpers: int = 0, expires: datetime | None = None) -> rules.TaskFacts:
    return rules.TaskFacts(status.value, owner, helpers, 5, expires or NOW + timedelta(hours=24))


def test_an_offer_within_the_rulebook_passes() -> None:
    rules.check_offer(terms(), BOOK)
    rules.check_offer(terms(kind="share", list_price=None, steps=(rules.Step(1, COUPON),)), BOOK)


@pytest.mark.parametrize(("changes", "says"), [
    ({"kind": "pool"}, "pool offer"), ({"steps": ()}, "steps"),
    ({"steps": tuple(rules.Step(n, COUPON) for n in range(1, BOOK.max_steps + 2))}, "steps"),
    ({"steps": (rules.Step(3, COUPON), rules.Step(3, FREE))}, "more helpers"), ({"steps": (rules.Step(0, COUPON),)}, "at least 1"),
    ({"time_limit_hours": BOOK.max_hours + 1}, "hours"), ({"helper_daily_cap": BOOK.max_helps_per_helper_per_day + 1}, "a day"),
    ({"list_price": None}, "one SKU"), ({"steps": (rules.Step(1, rules.Reward("price", price_minor=5990)),)}, "below the SKU"),
    ({"steps": (rules.Step(1, rules.Reward("coupon")),)}, "coupon template"),
])
def test_an_offer_outside_the_rulebook_is_refused_saying_which_field(changes: dict[str, object], says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        rules.check_offer(terms(**changes), BOOK)


def test_a_move_from_n_minus_one_to_n_helpers_reaches_only_the_step_needing_n() -> None:
    # given steps at 2, 3 and 5 helpers; when the count moves one at a time; then each step is reached by one move
    crossed = [rules.steps_crossed(STEPS, n - 1, n) for n in range(1, 6)]
    assert crossed == [[], [1], [2], [], [3]]
    assert rules.steps_reached(STEPS, 4) == [1, 2] and rules.goal(STEPS) == 5


def test_a_price_reward_takes_one_unit_to_its_price_and_a_free_item_to_zero() -> None:
    assert rules.amount_off(PRICE, 5990) == 4000
    assert rules.amount_off(FREE, 5990) == 5990
    assert rules.amount_off(PRICE, 1500) == 0  # the SKU is cheaper than the reward already: nothing to take off


@pytest.mark.parametrize(("facts", "helper", "error"), [
    (task(owner=7), 7, rules.OwnAssist), (task(TaskStatus.COMPLETE), 2, rules.AssistNotOpen),
    (task(TaskStatus.EXPIRED), 2, rules.AssistNotOpen), (task(expires=NOW), 2, rules.AssistNotOpen),
])
def test_a_task_refuses_its_owner_and_any_help_once_ended_or_out_of_time(facts: rules.TaskFacts, helper: int,
                                                                        error: type[Exception]) -> None:
    with pytest.raises(error):
        rules.check_helpable(facts, helper, NOW)


def test_new_customers_only_refuses_a_buyer_who_has_paid_in_the_store() -> None:
    rules.check_new_user(True, 0)
    rules.check_new_user(False, 3)
    with pytest.raises(rules.NewUsersOnly):
        rules.check_new_user(True, 1)


def test_the_daily_cap_is_the_offer_s_within_the_platform_s_and_counts_on_the_store_s_day() -> None:
    assert rules.daily_cap(3, BOOK) == 3 and rules.daily_cap(99, BOOK) == BOOK.max_helps_per_helper_per_day
    late_evening_utc = datetime(2026, 11, 2, 17, 0, tzinfo=timezone.utc)  # 01:00 on the 3rd in Shanghai
    assert rules.day_of(late_evening_utc, "Asia/Shanghai") == "2026-11-03"
    assert rules.day_of(late_evening_utc, "UTC") == "2026-11-02"


def test_progress_tells_the_next_step_and_the_time_left_of_an_open_task_only() -> None:
    p = rules.progress(task(helpers=2), STEPS, NOW + timedelta(hours=23))
    assert (p.helpers, p.steps_reached, p.next_step_helpers, p.seconds_left) == (2, 1, 3, 3600)
    done = rules.progress(task(TaskStatus.COMPLETE, helpers=5), STEPS, NOW)
    assert (done.steps_reached, done.next_step_helpers, done.seconds_left) == (3, None, None)


def test_steps_survive_their_stored_form() -> None:
    assert rules.decode_steps(rules.encode_steps(STEPS)) == STEPS


def test_the_lifecycle_table_offers_help_to_other_buyers_only_and_ends_in_complete_or_expired() -> None:
    assert moves.allowed_actions("open", "buyer") == ["help"]
    assert moves.allowed_actions("open", "owner") == []
    assert moves.next_state("open", "complete") is TaskStatus.COMPLETE
    assert moves.next_state("open", "expire") is TaskStatus.EXPIRED
    for final in moves.FINAL:
        assert moves.allowed_actions(final, "buyer") == []
        with pytest.raises(NotAllowedInState):
            moves.next_state(final, "help")
