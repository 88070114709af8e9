"""Saved segments: each rule in and out, the combinators, the JSON form, and bad rules refused with their field."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.crm.segments import (
    AllOf,
    BuyerFacts,
    Condition,
    Not,
    OrderFact,
    UpgradeDue,
    dump,
    level_by_spend,
    matches,
    members,
    parse,
)
from shopkeeper.errors import InvalidInput
from shopkeeper.money import Money
from support import examples

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def order(placed: float, paid: float | None = None, yuan: int = 100, cancelled: bool = False,
          currency: str = "CNY") -> OrderFact:
    return OrderFact(ago(placed), Money(yuan * 100, currency), None if paid is None else ago(paid), cancelled)


def is_in(rule: dict[str, Any], facts: BuyerFacts) -> bool:
    return members(rule, {"x": facts}, NOW) == ["x"]


CARTED = {"kind": "carted_not_ordered", "days": 3}


@pytest.mark.parametrize(("facts", "expected"), [
    (BuyerFacts(cart_adds=(ago(1),)), True),
    (BuyerFacts(cart_adds=(ago(1),), orders=(order(2, 2),)), True),  # the order came before the add
    (BuyerFacts(cart_adds=(ago(1),), orders=(order(0.5),)), False),  # ordered since, even unpaid
    (BuyerFacts(cart_adds=(ago(3),)), False),  # the window is (now − 3 days, now]
    (BuyerFacts(cart_adds=(ago(2.9),)), True),
    (BuyerFacts(cart_adds=(ago(-1),)), False),  # not yet a fact
    (BuyerFacts(cart_adds=(ago(5), ago(1)), orders=(order(4),)), True),  # the later add was not ordered
    (BuyerFacts(), False),
])
def test_carted_not_ordered(facts: BuyerFacts, expected: bool) -> None:
    assert is_in(CARTED, facts) is expected


@pytest.mark.parametrize(("rule", "facts", "expected"), [
    ({"kind": "ordered_not_paid"}, BuyerFacts(orders=(order(40),)), True),
    ({"kind": "ordered_not_paid", "days": 2}, BuyerFacts(orders=(order(40),)), False),
    ({"kind": "ordered_not_paid", "days": 2}, BuyerFacts(orders=(order(1),)), True),
    ({"kind": "ordered_not_paid"}, BuyerFacts(orders=(order(1, 0.5),)), False),
    ({"kind": "ordered_not_paid"}, BuyerFacts(orders=(order(1, -1),)), True),  # paid only after now
    ({"kind": "ordered_not_paid"}, BuyerFacts(orders=(order(1, cancelled=True),)), False),
])
def test_ordered_not_paid(rule: dict[str, Any], facts: BuyerFacts, expected: bool) -> None:
    assert is_in(rule, facts) is expected


@pytest.mark.parametrize(("favourited", "expected"), [((ago(6.9),), True), ((ago(7), ago(30)), False), ((), False)])
def test_favourited_in_the_last_seven_days_by_default(favourited: tuple[datetime, ...], expected: bool) -> None:
    assert is_in({"kind": "favourited_recently"}, BuyerFacts(favourites=favourited)) is expected
    assert is_in({"kind": "favourited_recently", "days": 40}, BuyerFacts(favourites=(ago(30),)))


LAPSED = {"kind": "lapsed", "days": 90}


@pytest.mark.parametrize(("orders", "expected"), [
    ((order(120, 120),), True),
    ((order(120, 120), order(10, 10)), False),
    ((), False),  # never bought: not a lapsed customer
    ((order(120),), False),  # never paid
    ((order(120, 120), order(10)), True),  # an unpaid order is not a purchase
    ((order(90, 90),), True),
])
def test_lapsed_customers(orders: tuple[OrderFact, ...], expected: bool) -> None:
    assert is_in(LAPSED, BuyerFacts(orders=orders)) is expected


UPGRADE = {"kind": "upgrade_due", "currency": "CNY", "thresholds": {"silver": "500.00", "gold": "2000.00"}}


@pytest.mark.parametrize(("facts", "expected"), [
    (BuyerFacts(orders=(order(10, 10, 499),)), False),
    (BuyerFacts(orders=(order(10, 10, 499), order(5, 5, 1))), True),  # reaches silver
    (BuyerFacts(orders=(order(10, 10, 600),), member_level="silver"), False),  # already silver
    (BuyerFacts(orders=(order(10, 10, 2500),), member_level="silver"), True),  # reaches gold
    (BuyerFacts(orders=(order(10, 10, 600),), member_level="gold"), False),  # never a downgrade
    (BuyerFacts(orders=(order(10, None, 600),)), False),  # unpaid spend does not count
    (BuyerFacts(orders=(order(10, 10, 600, currency="USD"),)), False),  # another currency does not count
])
def test_member_level_upgrade_by_spend(facts: BuyerFacts, expected: bool) -> None:
    assert is_in(UPGRADE, facts) is expected


def test_upgrade_spend_within_a_window() -> None:
    rule = {**UPGRADE, "days": 30}
    assert not is_in(rule, BuyerFacts(orders=(order(40, 40, 400), order(10, 10, 400))))
    assert is_in(rule, BuyerFacts(orders=(order(20, 20, 400), order(10, 10, 400))))


def test_level_by_spend() -> None:
    rule = parse(UPGRADE)
    assert isinstance(rule, UpgradeDue)
    assert [level_by_spend(Money.of(spent, "CNY"), rule.thresholds) for spent in ("0", "499.99", "500", "2000.01")] \
        == ["regular", "regular", "silver", "gold"]


BUYERS = {
    "ann": BuyerFacts(cart_adds=(ago(1),), favourites=(ago(2),)),
    "bo": BuyerFacts(cart_adds=(ago(1),)),
    "cy": BuyerFacts(favourites=(ago(2),), orders=(order(100, 100),)),
    "di": BuyerFacts(),
}


def test_combinators() -> None:
    favourited = {"kind": "favourited_recently"}
    assert members({"all": [CARTED, favourited]}, BUYERS, NOW) == ["ann"]
    assert members({"any": [CARTED, favourited]}, BUYERS, NOW) == ["ann", "bo", "cy"]
    assert members({"not": {"any": [CARTED, favourited]}}, BUYERS, NOW) == ["di"]
    assert members({"all": [favourited, {"not": CARTED}]}, BUYERS, NOW) == ["cy"]
    assert members({"any": [{"all": [favourited, LAPSED]}, {"all": [CARTED, {"not": favourited}]}]}, BUYERS, NOW) \
        == ["bo", "cy"]


def test_a_parsed_rule_and_its_json_give_the_same_members() -> None:
    rule = parse({"all": [CARTED, {"not": UPGRADE}]})
    assert rule == AllOf((Condition("carted_not_ordered", 3), Not(parse(UPGRADE))))
    assert members(rule, BUYERS, NOW) == members(dump(rule), BUYERS, NOW) == ["ann", "bo"]


@pytest.mark.parametrize(("rule", "field"), [
    ([], "rule"),
    ({}, "rule.kind"),
    ({"kind": "bought_a_yacht"}, "rule.kind"),
    ({"kind": "carted_not_ordered"}, "rule.days"),
    ({"kind": "lapsed", "days": 0}, "rule.days"),
    ({"kind": "lapsed", "days": "30"}, "rule.days"),
    ({"kind": "lapsed", "days": True}, "rule.days"),
    ({"kind": "lapsed", "days": 99999}, "rule.days"),
    ({"kind": "lapsed", "days": 30, "months": 1}, "rule.months"),
    ({"all": []}, "rule.all"),
    ({"any": {"kind": "lapsed"}}, "rule.any"),
    ({"all": [CARTED, {"kind": "lapsed", "days": -1}]}, "rule.all[1].days"),
    ({"not": {"any": [{"kind": "nope"}]}}, "rule.not.any[0].kind"),
    ({"all": [CARTED], "kind": "lapsed"}, "rule.kind"),
    ({**UPGRADE, "currency": "yuan"}, "rule.currency"),
    ({**UPGRADE, "thresholds": {}}, "rule.thresholds"),
    ({**UPGRADE, "thresholds": {"diamond": "9.00"}}, "rule.thresholds.diamond"),
    ({**UPGRADE, "thresholds": {"silver": 500}}, "rule.thresholds.silver"),
    ({**UPGRADE, "thresholds": {"silver": "five"}}, "rule.thresholds.silver"),
    ({**UPGRADE, "thresholds": {"silver": "0"}}, "rule.thresholds.silver"),
    ({**UPGRADE, "thresholds": {"silver": "500", "gold": "500"}}, "rule.thresholds.gold"),
    ({**UPGRADE, "thresholds": {"regular": "1"}}, "rule.thresholds.regular"),
])
def test_invalid_rules_are_refused_naming_the_field(rule: Any, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        members(rule, BUYERS, NOW) if isinstance(rule, dict) else parse(rule)
    assert refused.value.extra["field"] == field
    assert field in refused.value.detail


def test_an_unknown_member_level_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        BuyerFacts(member_level="diamond")
    assert refused.value.extra["field"] == "member_level"


def test_now_must_carry_its_time_zone() -> None:
    with pytest.raises(InvalidInput):
        members(CARTED, BUYERS, datetime(2026, 12, 5))


leaves = st.one_of(
    st.builds(lambda kind, days: {"kind": kind, "days": days},
              st.sampled_from(["carted_not_ordered", "ordered_not_paid", "favourited_recently", "lapsed"]),
              st.integers(1, 60)),
    st.just({"kind": "ordered_not_paid"}), st.just({"kind": "favourited_recently"}), st.just(UPGRADE))
rules = st.recursive(leaves, lambda inner: st.one_of(
    st.builds(lambda rs: {"all": rs}, st.lists(inner, min_size=1, max_size=3)),
    st.builds(lambda rs: {"any": rs}, st.lists(inner, min_size=1, max_size=3)),
    st.builds(lambda r: {"not": r}, inner)), max_leaves=6)
days_ago = st.floats(-2, 120, allow_nan=False).map(ago)
buyer_facts = st.builds(
    BuyerFacts, st.lists(days_ago, max_size=3).map(tuple), st.lists(days_ago, max_size=3).map(tuple),
    st.lists(st.builds(lambda placed, paid, yuan, cancelled: OrderFact(
        ago(placed), Money(yuan * 100, "CNY"), None if paid is None else ago(min(placed, paid)), cancelled),
        st.integers(0, 120), st.none() | st.integers(-2, 120), st.integers(1, 3000), st.booleans()),
        max_size=3).map(tuple),
    st.sampled_from(["regular", "silver", "gold"]))


@settings(max_examples=examples(150))
@given(rules, st.dictionaries(st.sampled_from("abcdefgh"), buyer_facts, max_size=6))
def test_combinators_are_set_algebra_and_json_round_trips(rule: dict[str, Any],
                                                           buyers: dict[str, BuyerFacts]) -> None:
    parsed = parse(rule)
    assert parse(dump(parsed)) == parsed
    inside = set(members(parsed, buyers, NOW))
    assert set(members({"not": rule}, buyers, NOW)) == set(buyers) - inside
    assert set(members({"all": [rule, CARTED]}, buyers, NOW)) == inside & set(members(CARTED, buyers, NOW))
    assert set(members({"any": [rule, CARTED]}, buyers, NOW)) == inside | set(members(CARTED, buyers, NOW))
    assert all(matches(parsed, buyers[b], NOW) for b in inside)
