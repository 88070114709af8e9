"""User layers and connection strength (RULES.md §9.4): each transition, and who moved between two dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.crm.layers import (
    Layer,
    PersonEvent,
    PersonFacts,
    facts_at,
    flows,
    layer_of,
    movements,
    movements_between,
    strength_of,
)
from shopkeeper.errors import InvalidInput
from support import examples

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def at(days: int) -> datetime:
    return T0 + timedelta(days=days)


def test_nobody_seen_is_in_no_layer() -> None:
    assert layer_of(PersonFacts()) is None


@pytest.mark.parametrize(("facts", "layer"), [
    (PersonFacts(visits=1), Layer.VISITOR),
    (PersonFacts(visits=3, interactions=1), Layer.GUEST),
    (PersonFacts(visits=3, interactions=2, follows_store=True), Layer.FAN),
    (PersonFacts(follows_store=True, followed_back=True), Layer.FRIEND),
    (PersonFacts(visits=1, paid_orders=1), Layer.CUSTOMER),
    (PersonFacts(visits=1, paid_orders=2, follows_store=True, followed_back=True), Layer.CUSTOMER),
    (PersonFacts(paid_orders=1, member=True), Layer.MEMBER),
])
def test_a_person_stands_in_the_strongest_layer_reached(facts: PersonFacts, layer: Layer) -> None:
    assert layer_of(facts) == layer


def test_the_store_following_alone_makes_no_fan() -> None:
    # RULES.md §9.4: a fan follows us; our follow back is what turns a fan into a friend
    assert layer_of(PersonFacts(visits=1, followed_back=True)) == Layer.VISITOR


def test_membership_without_a_paid_order_is_not_a_member() -> None:
    # a member is a customer linked through the membership system
    assert layer_of(PersonFacts(visits=1, interactions=1, member=True)) == Layer.GUEST


def test_connection_strength_by_layer() -> None:
    assert [strength_of(layer) for layer in Layer] == ["weak", "medium", "medium", "strong", "strong", "strong"]


def test_negative_counts_are_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        PersonFacts(visits=-1)
    assert refused.value.extra["field"] == "visits"


def test_facts_fold_each_kind_of_event_up_to_the_date() -> None:
    events = [PersonEvent("visit", at(0)), PersonEvent("favourite", at(1)), PersonEvent("share", at(1)),
              PersonEvent("follow", at(2)), PersonEvent("follow_back", at(3)), PersonEvent("order_paid", at(4)),
              PersonEvent("member_joined", at(5)), PersonEvent("visit", at(9))]
    assert [layer_of(facts_at(events, at(day))) for day in range(6)] == [
        Layer.VISITOR, Layer.GUEST, Layer.FAN, Layer.FRIEND, Layer.CUSTOMER, Layer.MEMBER]
    assert facts_at(events, at(5)) == PersonFacts(1, 2, True, True, 1, True)
    assert facts_at(events, at(-1)) == PersonFacts()


def test_unfollowing_and_leaving_weaken_the_layer() -> None:
    events = [PersonEvent("visit", at(0)), PersonEvent("follow", at(1)), PersonEvent("follow_back", at(1)),
              PersonEvent("unfollow_back", at(2)), PersonEvent("unfollow", at(3))]
    assert [layer_of(facts_at(events, at(day))) for day in range(4)] == [
        Layer.VISITOR, Layer.FRIEND, Layer.FAN, Layer.VISITOR]
    member = [PersonEvent("order_paid", at(0)), PersonEvent("member_joined", at(1)), PersonEvent("member_left", at(2))]
    assert [layer_of(facts_at(member, at(day))) for day in range(3)] == [Layer.CUSTOMER, Layer.MEMBER, Layer.CUSTOMER]


def test_unknown_events_and_naive_times_are_refused() -> None:
    with pytest.raises(InvalidInput):
        PersonEvent("wink", at(0))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as refused:
        PersonEvent("visit", datetime(2026, 11, 2))
    assert refused.value.extra["field"] == "at"


def test_movements_name_who_got_stronger_and_who_weaker() -> None:
    before = {"ann": PersonFacts(visits=1), "bo": PersonFacts(follows_store=True, followed_back=True),
              "cy": PersonFacts(visits=2), "di": PersonFacts(visits=1)}
    after = {"ann": PersonFacts(visits=1, paid_orders=1), "bo": PersonFacts(follows_store=True),
             "cy": PersonFacts(visits=5), "ed": PersonFacts(interactions=1)}
    moved = [(m.person, m.before, m.after, m.direction) for m in movements(before, after)]
    assert moved == [
        ("ann", Layer.VISITOR, Layer.CUSTOMER, "stronger"),
        ("bo", Layer.FRIEND, Layer.FAN, "weaker"),
        ("di", Layer.VISITOR, None, "weaker"),
        ("ed", None, Layer.GUEST, "stronger"),
    ]


def test_movements_between_two_dates() -> None:
    events = {"ann": [PersonEvent("visit", at(0)), PersonEvent("order_paid", at(5))],
              "bo": [PersonEvent("follow", at(1)), PersonEvent("unfollow", at(6))],
              "cy": [PersonEvent("visit", at(7))]}
    moved = [(m.person, m.before, m.after) for m in movements_between(events, at(2), at(7))]
    assert moved == [("ann", Layer.VISITOR, Layer.CUSTOMER), ("bo", Layer.FAN, None), ("cy", None, Layer.VISITOR)]
    assert movements_between(events, at(7), at(7)) == []
    assert flows(movements_between(events, at(2), at(7))) == {
        (None, Layer.VISITOR): 1, (Layer.VISITOR, Layer.CUSTOMER): 1, (Layer.FAN, None): 1}
    with pytest.raises(InvalidInput):
        movements_between(events, at(7), at(2))


facts_strategy = st.builds(PersonFacts, st.integers(0, 3), st.integers(0, 3), st.booleans(), st.booleans(),
                           st.integers(0, 3), st.booleans())


@settings(max_examples=examples(200))
@given(st.dictionaries(st.sampled_from("abcdef"), facts_strategy), st.dictionaries(st.sampled_from("abcdef"),
                                                                                   facts_strategy))
def test_movements_list_exactly_the_changed_and_point_the_right_way(before: dict[str, PersonFacts],
                                                                    after: dict[str, PersonFacts]) -> None:
    moved = {m.person: m for m in movements(before, after)}
    for person in set(before) | set(after):
        was = layer_of(before[person]) if person in before else None
        now = layer_of(after[person]) if person in after else None
        assert (person in moved) == (was != now)
        if person in moved:
            assert moved[person].direction == ("stronger" if (now or 0) > (was or 0) else "weaker")


@settings(max_examples=examples(100))
@given(facts_strategy, st.sampled_from(["visits", "interactions", "paid_orders"]))
def test_adding_a_lasting_fact_never_weakens(facts: PersonFacts, count: str) -> None:
    grown = replace(facts, **{count: getattr(facts, count) + 1})
    assert (layer_of(grown) or 0) >= (layer_of(facts) or 0)
