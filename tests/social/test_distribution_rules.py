"""Distribution (分销, RULES.md §4.2, §17.2): the pure rules, given / when / then."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from shopkeeper.errors import InvalidInput, NotAllowedInState
from shopkeeper.rulebooks import load
from shopkeeper.social.distribution import moves, rules
from shopkeeper.social.distribution.rules import CommissionRule, Level, PaidLine, ProgramTerms

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
BOOK = load("taobao").distribution
STORE_5 = CommissionRule("store", None, percent=Decimal(5))
TERMS = ProgramTerms(enabled=True, attribution_days=7, rules=(STORE_5,))


def line(line_id: int = 1, paid: int = 5990, quantity: int = 1, product: int = 10, category: int | None = 20,
         promotions: tuple[str, ...] = ()) -> PaidLine:
    return PaidLine(line_id, product, category, quantity, paid, promotions)


def test_a_lawful_program_passes() -> None:
    rules.check_program(TERMS, BOOK)
    rules.check_program(replace(TERMS, levels_paid=2, second_level_opt_in=True, acknowledged_warning=True,
                                second_level_percent=Decimal(1)), BOOK)


@pytest.mark.parametrize(("changes", "form"), [
    ({"entry_fee_minor": 9900}, 2), ({"required_purchase_minor": 19900}, 2), ({"pay_per_recruit_minor": 500}, 1),
    ({"level_basis": "recruits"}, 1), ({"levels_paid": 3, "second_level_opt_in": True, "acknowledged_warning": True}, 3),
    ({"levels_paid": 2, "second_level_percent": Decimal(1)}, 3),
    ({"levels_paid": 2, "second_level_opt_in": True, "second_level_percent": Decimal(1)}, 3),
    ({"second_level_opt_in": True, "acknowledged_warning": True, "second_level_percent": Decimal(1)}, 3),  # levels_paid 1
])
def test_each_forbidden_configuration_is_refused_naming_the_form(changes: dict[str, object], form: int) -> None:
    with pytest.raises(rules.PyramidRule) as refused:
        rules.check_program(replace(TERMS, **changes), BOOK)  # type: ignore[arg-type]
    assert f"禁止传销条例 Art. 7 form {form}" in refused.value.detail and refused.value.extra["form"] == form


@pytest.mark.parametrize(("changes", "says"), [
    ({"attribution_days": 31}, "attribution"), ({"rules": (CommissionRule("store", None),)}, "not both or neither"),
    ({"rules": (CommissionRule("product", None, fixed_minor=100),)}, "names one"),
    ({"rules": (CommissionRule("store", None, percent=Decimal(101)),)}, "0 to 100"),
    ({"levels": (Level("a", 500), Level("b", 100))}, "increasing"),
    ({"levels_paid": 2, "second_level_opt_in": True, "acknowledged_warning": True, "second_level_percent": Decimal(5)},
     "below every first-level"),
])
def test_a_program_that_makes_no_sense_is_refused_saying_why(changes: dict[str, object], says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        rules.check_program(replace(TERMS, **changes), BOOK)  # type: ignore[arg-type]


def test_the_most_specific_rule_wins_and_a_percentage_rounds_half_up_per_line() -> None:
    by_product = CommissionRule("product", 10, fixed_minor=250)
    by_category = CommissionRule("category", 20, percent=Decimal("7.5"))
    terms = replace(TERMS, rules=(STORE_5, by_category, by_product))
    got = rules.commissions([line(1, quantity=2), line(2, product=11), line(3, product=12, category=None, paid=999)], terms)
    assert got == {1: 500, 2: 449, 3: 50}  # 2 × 2.50; 59.90 × 7.5% = 4.4925; 9.99 × 5% = 0.4995 → 0.50


def test_commission_never_exceeds_what_the_line_paid() -> None:
    terms = replace(TERMS, rules=(CommissionRule("store", None, fixed_minor=10_000),))
    assert rules.commissions([line(paid=300), line(2, paid=0)], terms) == {1: 300, 2: 0}
    assert rules.line_commission(line(paid=100), STORE_5, bonus_percent=Decimal(100)) == 100


def test_a_campaign_that_switched_profit_sharing_off_earns_nothing() -> None:
    terms = replace(TERMS, excluded_promotions=("campaign-entry",))
    assert rules.commissions([line(promotions=("campaign-entry:3",)), line(2, promotions=("coupon:1",))], terms) == {1: 0, 2: 300}
    one = replace(TERMS, excluded_promotions=("campaign-entry:4",))
    assert rules.commissions([line(promotions=("campaign-entry:3",))], one) == {1: 300}


def test_the_second_level_is_smaller_paid_only_when_opted_in_and_only_on_commissioned_lines() -> None:
    lines = [line(1), line(2, paid=100)]
    first = {1: 300, 2: 0}
    assert rules.second_level(lines, first, TERMS) == {1: 0, 2: 0}
    opted = replace(TERMS, levels_paid=2, second_level_opt_in=True, acknowledged_warning=True, second_level_percent=Decimal(1))
    assert rules.second_level(lines, first, opted) == {1: 60, 2: 0}


def test_levels_rise_with_released_sales_and_add_their_bonus() -> None:
    levels = (Level("silver", 5000, Decimal(1)), Level("gold", 50000, Decimal(2)))
    assert [rules.level_for(s, levels) for s in (0, 4999, 5000, 50000)] == [0, 0, 1, 2]
    assert rules.bonus_of(2, levels) == 2 and rules.bonus_of(0, levels) == 0
    assert rules.commissions([line()], TERMS, rules.bonus_of(1, levels)) == {1: 359}  # 6% of 59.90 = 3.594


def test_the_last_touch_counts_within_the_window_only() -> None:
    assert rules.attributed(NOW - timedelta(days=7), NOW, 7)
    assert not rules.attributed(NOW - timedelta(days=7, seconds=1), NOW, 7)
    assert not rules.attributed(None, NOW, 7)


def test_release_waits_for_the_case_window_and_never_precedes_completion() -> None:
    assert rules.release_at(NOW, NOW + timedelta(days=15)) == NOW + timedelta(days=15)
    assert rules.release_at(NOW, NOW - timedelta(days=1)) == NOW
    assert rules.release_at(NOW, None) == NOW


@pytest.mark.parametrize(("amounts", "refunded", "paid", "expected"), [
    ([300], 6990, 6990, [300]), ([300, 60], 6990, 6990, [300, 60]),  # a full refund: everything
    ([599], 3000, 12980, [138]),  # 599 × 3000 / 12980 = 138.44
    ([300, 60], 3495, 6990, [150, 30]), ([0, 60], 3495, 6990, [0, 30]), ([300], 0, 6990, [0]),
])
def test_clawback_is_in_proportion_and_exact(amounts: list[int], refunded: int, paid: int, expected: list[int]) -> None:
    assert rules.clawback_targets(amounts, refunded, paid) == expected


def test_a_payout_is_positive_and_within_the_balance() -> None:
    rules.check_payout(300, 300)
    with pytest.raises(rules.PayoutExceedsBalance):
        rules.check_payout(301, 300)
    with pytest.raises(InvalidInput):
        rules.check_payout(0, 300)


def test_the_lifecycle_tables_guard_every_move() -> None:
    assert moves.next_state("frozen", "release") == "released"
    assert moves.next_state("requested", "approve") == "approved"
    with pytest.raises(NotAllowedInState):
        moves.next_state("released", "claw_back")  # after release a claw-back moves money, not the state
    with pytest.raises(NotAllowedInState):
        moves.next_state("approved", "reject")
    assert moves.allowed_actions("requested", "staff") == ["approve", "reject"]
    assert moves.allowed_actions("frozen", "staff") == []
