"""Frequently bought together (RULES.md §9.5): support, confidence and lift by hand, ties, thresholds, the invariants,
and bundle suggestions the promotions API takes as they are."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing_builders import line, price, promo, verdict
from shopkeeper.analytics.baskets import SUGGESTION_TAG, Rule, Thresholds, association_rules, bundle_suggestions
from shopkeeper.errors import InvalidInput
from shopkeeper.money import Money
from shopkeeper.promotions import codec
from shopkeeper.promotions.engine.benefits import Bundle
from shopkeeper.promotions.schemas import PromotionIn
from support import examples

A, B, C, D = 1, 2, 3, 4
# N = 10: A in 7 orders, B in 6, C in 4, D in 1; AB in 6, AC in 2, BC in 2, ABC in 2
ORDERS = [{A, B}] * 4 + [{A, B, C}] * 2 + [{A}] + [{C}] * 2 + [{D}]
EVERYTHING = Thresholds(min_orders=2, min_support=Fraction(1, 10), min_confidence=Fraction(0), min_lift=Fraction(0),
                        max_size=3)
SHANGHAI = timezone(timedelta(hours=8))
START = datetime(2026, 12, 10, tzinfo=SHANGHAI)
END = datetime(2026, 12, 12, 23, 59, 59, tzinfo=SHANGHAI)


def shape(rules: list[Rule]) -> list[tuple[tuple[int, ...], int, Fraction, Fraction, Fraction]]:
    return [(r.antecedent, r.consequent, r.support, r.confidence, r.lift) for r in rules]


def accepted(spec: dict[str, Any], currency: str = "CNY") -> Bundle:
    """What the promotions API makes of the body: its own request validation, then the spec the service stores."""
    body = PromotionIn.model_validate(json.loads(json.dumps(spec)))  # over the wire: JSON, as a client sends it
    promotion = body.to_spec(currency, START)
    assert promotion.kind == "bundle" and promotion.store_id == spec["store_id"]
    assert promotion.ends_at is not None and promotion.ends_at > promotion.starts_at  # service._check_window's rule
    assert isinstance(promotion.benefit, Bundle)
    assert codec.decode_benefit(codec.encode_benefit(promotion.benefit)) == promotion.benefit  # stored and read back
    return promotion.benefit


# --- measures by hand -------------------------------------------------------------------------------------------

def test_support_confidence_and_lift_by_hand_ranked() -> None:
    assert shape(association_rules(ORDERS, EVERYTHING)) == [
        ((A, C), B, Fraction(2, 10), Fraction(1), Fraction(5, 3)),  # 2/2 ÷ 6/10
        ((B,), A, Fraction(6, 10), Fraction(1), Fraction(10, 7)),  # lift ties: confidence, then orders
        ((B, C), A, Fraction(2, 10), Fraction(1), Fraction(10, 7)),
        ((A,), B, Fraction(6, 10), Fraction(6, 7), Fraction(10, 7)),  # 6·10 / (7·6)
        ((C,), B, Fraction(2, 10), Fraction(1, 2), Fraction(5, 6)),
        ((B,), C, Fraction(2, 10), Fraction(1, 3), Fraction(5, 6)),  # same measures: fewer SKUs first
        ((A, B), C, Fraction(2, 10), Fraction(1, 3), Fraction(5, 6)),
        ((C,), A, Fraction(2, 10), Fraction(1, 2), Fraction(5, 7)),
        ((A,), C, Fraction(2, 10), Fraction(2, 7), Fraction(5, 7)),
    ]


def test_the_counts_behind_a_rule() -> None:
    rule = association_rules(ORDERS, EVERYTHING)[3]
    assert (rule.antecedent, rule.consequent, rule.orders, rule.antecedent_orders, rule.consequent_orders,
            rule.baskets, rule.items) == ((A,), B, 6, 7, 6, 10, (A, B))


def test_defaults_keep_pairs_only_of_three_orders_and_lift_above_one() -> None:
    assert shape(association_rules(ORDERS)) == [((B,), A, Fraction(3, 5), Fraction(1), Fraction(10, 7)),
                                                ((A,), B, Fraction(3, 5), Fraction(6, 7), Fraction(10, 7))]


def test_a_sku_counts_once_per_order_and_no_orders_give_no_rules() -> None:
    assert association_rules([[A, A, B], [A, B, B], [A, B], [C]]) == association_rules([{A, B}] * 3 + [{C}])
    assert association_rules([]) == []
    assert association_rules([{A}] * 5) == []


def test_ties_go_by_sku_ids_whatever_the_order_of_orders() -> None:
    orders = [{3, 4}] * 3 + [{1, 2}] * 3 + [{5}] * 4
    rules = association_rules(orders)
    assert [(r.antecedent, r.consequent) for r in rules] == [((1,), 2), ((2,), 1), ((3,), 4), ((4,), 3)]
    assert association_rules(list(reversed(orders))) == rules


# --- thresholds -------------------------------------------------------------------------------------------------

def test_lift_must_be_above_the_minimum_not_equal_to_it() -> None:
    kept = association_rules(ORDERS, Thresholds(min_orders=2, min_confidence=Fraction(0), max_size=3))
    assert [r.lift for r in kept] == [Fraction(5, 3)] + [Fraction(10, 7)] * 3
    independent = [{A, B}, {A}, {B}, set()] * 3  # lift exactly 1
    assert association_rules(independent, Thresholds(min_lift=Fraction(1))) == []
    assert len(association_rules(independent, Thresholds(min_lift=Fraction(0)))) == 2


def test_minimum_confidence_is_inclusive() -> None:
    kept = association_rules(ORDERS, Thresholds(min_orders=2, min_confidence=Fraction(1), max_size=3))
    assert [(r.antecedent, r.consequent) for r in kept] == [((A, C), B), ((B,), A), ((B, C), A)]


def test_minimum_support_as_a_share_and_in_orders() -> None:
    share = Thresholds(min_orders=1, min_support=Fraction(3, 5), min_confidence=Fraction(0), min_lift=Fraction(0),
                       max_size=3)
    assert {r.items for r in association_rules(ORDERS, share)} == {(A, B)}  # 6/10 is enough, 2/10 is not
    assert association_rules(ORDERS, Thresholds(min_orders=7, min_support=Fraction(0))) == []  # AB is in 6
    assert {r.items for r in association_rules(ORDERS, Thresholds(min_orders=6, min_support=Fraction(0)))} == {(A, B)}


def test_triples_only_when_asked_and_only_from_frequent_pairs() -> None:
    assert all(len(r.items) == 2 for r in association_rules(ORDERS, Thresholds(min_orders=2, min_lift=Fraction(0))))
    # ABC is in 3 orders, but BC only in those 3 and AC in 3: with min_orders 4 no pair but AB is frequent
    orders = [{A, B, C}] * 3 + [{A, B}] * 3 + [{C}]
    assert {r.items for r in association_rules(orders, Thresholds(min_orders=4, min_lift=Fraction(0), max_size=3))} == {(A, B)}


@pytest.mark.parametrize("thresholds, message", [
    (dict(min_orders=0), "min_orders must be at least 1"),
    (dict(min_support=Fraction(3, 2)), "min_support must be between 0 and 1"),
    (dict(min_confidence=Fraction(-1, 2)), "min_confidence must be between 0 and 1"),
    (dict(min_lift=Fraction(-1)), "min_lift cannot be negative"),
    (dict(max_size=4), "rules run over pairs (max_size 2) or triples (max_size 3)"),
])
def test_thresholds_out_of_range_are_refused(thresholds: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Thresholds(**thresholds)
    assert refused.value.detail == message


# --- invariants -------------------------------------------------------------------------------------------------

baskets = st.lists(st.frozensets(st.integers(1, 6), max_size=5), max_size=30)
LOOSE = Thresholds(min_orders=1, min_support=Fraction(0), min_confidence=Fraction(0), min_lift=Fraction(0), max_size=3)


@settings(max_examples=examples(60), deadline=None)
@given(baskets)
def test_measures_stay_within_their_bounds(orders: list[frozenset[int]]) -> None:
    rules = association_rules(orders, LOOSE)
    for rule in rules:
        holding = sum(1 for o in orders if set(rule.items) <= o)
        assert rule.orders == holding and rule.baskets == len(orders)
        assert 0 < rule.confidence <= 1
        assert rule.support <= Fraction(min(rule.antecedent_orders, rule.consequent_orders), len(orders))
        assert rule.support <= min(Fraction(sum(1 for o in orders if sku in o), len(orders)) for sku in rule.items)
    assert rules == sorted(rules, key=lambda r: (-r.lift, -r.confidence, -r.orders, len(r.antecedent), r.antecedent,
                                                 r.consequent))


@settings(max_examples=examples(60), deadline=None)
@given(baskets)
def test_a_pair_has_one_lift_both_ways(orders: list[frozenset[int]]) -> None:
    pairs = {(r.antecedent[0], r.consequent): r for r in association_rules(orders, LOOSE) if len(r.antecedent) == 1}
    for (a, b), rule in pairs.items():
        assert pairs[(b, a)].lift == rule.lift and pairs[(b, a)].support == rule.support
    together = {tuple(sorted(p)) for o in orders for p in _pairs(o)}
    assert {tuple(sorted(k)) for k in pairs} == together


def _pairs(order: frozenset[int]) -> list[tuple[int, int]]:
    skus = sorted(order)
    return [(a, b) for i, a in enumerate(skus) for b in skus[i + 1:]]


# --- bundle suggestions -----------------------------------------------------------------------------------------

PRICES = {A: Money(1999, "CNY"), B: Money(1001, "CNY"), C: Money(500, "CNY")}


def test_the_strongest_pairs_become_bundle_promotions_the_api_takes() -> None:
    specs = bundle_suggestions(association_rules(ORDERS, EVERYTHING), PRICES, store_id=7, starts_at=START, ends_at=END)
    assert [s["benefit"] for s in specs] == [  # pairs ranked by their best rule: AB (10/7), BC (5/6), AC (5/7)
        {"type": "bundle", "items": {"1": 1, "2": 1}, "price": "27.00"},  # 30.00 less 3.00
        {"type": "bundle", "items": {"2": 1, "3": 1}, "price": "13.51"},  # 15.01 less 1.501 → 1.50
        {"type": "bundle", "items": {"1": 1, "3": 1}, "price": "22.49"},  # 24.99 less 2.499 → 2.50
    ]
    assert specs[0] == {"store_id": 7, "currency": "CNY", "name": "套餐价 SKU 1 + SKU 2", "kind": "bundle",
                        "benefit": specs[0]["benefit"], "tags": [SUGGESTION_TAG],
                        "starts_at": "2026-12-10T00:00:00+08:00", "ends_at": "2026-12-12T23:59:59+08:00"}
    assert [accepted(s) for s in specs] == [Bundle({A: 1, B: 1}, 2700), Bundle({B: 1, C: 1}, 1351),
                                            Bundle({A: 1, C: 1}, 2249)]


def test_the_engine_sells_a_suggested_bundle_at_its_price() -> None:
    [spec] = bundle_suggestions(association_rules(ORDERS), PRICES, store_id=1, starts_at=START, ends_at=END)
    cart = price([line(A, 1999), line(B, 1001)], [promo(1, accepted(spec), kind="bundle")])
    assert cart.payable == 2700 and verdict(cart, 1).detail == {"sets": 1}


def test_limit_discount_and_pairs_that_cannot_be_priced() -> None:
    rules = association_rules(ORDERS, EVERYTHING)
    one = bundle_suggestions(rules, PRICES, 7, START, END, discount=Fraction(1, 4), limit=1)
    assert [s["benefit"]["price"] for s in one] == ["22.50"]
    no_b = bundle_suggestions(rules, {A: PRICES[A], C: PRICES[C]}, 7, START, END)
    assert [s["benefit"]["items"] for s in no_b] == [{"1": 1, "3": 1}]  # a SKU without a price: its pairs pass
    cheap = {A: Money(2, "CNY"), B: Money(2, "CNY"), C: Money(20, "CNY")}
    assert [s["benefit"]["items"] for s in bundle_suggestions(rules, cheap, 7, START, END)] == [
        {"2": 1, "3": 1}, {"1": 1, "3": 1}]  # 0.04 less 10% rounds to no saving: the engine would sell none


def test_yen_has_no_minor_unit() -> None:
    yen = {A: Money(1980, "JPY"), B: Money(1000, "JPY")}
    [spec] = bundle_suggestions(association_rules(ORDERS), yen, 3, START, END)
    assert spec["benefit"]["price"] == "2682" and spec["currency"] == "JPY"  # 2980 less 298
    assert accepted(spec, "JPY") == Bundle({A: 1, B: 1}, 2682)


@pytest.mark.parametrize("changes, message", [
    (dict(discount=Fraction(0)), "the bundle discount must be more than 0 and less than 1"),
    (dict(discount=Fraction(1)), "the bundle discount must be more than 0 and less than 1"),
    (dict(limit=0), "limit must be at least 1"),
    (dict(starts_at=datetime(2026, 12, 10)), "a bundle's start and end must carry a time zone"),
    (dict(ends_at=START), "a bundle must end after it starts"),
    (dict(prices={A: Money(100, "CNY"), B: Money(100, "USD")}), "bundle prices must all be in one currency"),
    (dict(prices={A: Money(-1, "CNY")}), "a price cannot be negative"),
])
def test_bad_suggestion_input_is_refused(changes: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = dict(rules=association_rules(ORDERS), prices=PRICES, store_id=7, starts_at=START,
                                     ends_at=END) | changes
    with pytest.raises(InvalidInput) as refused:
        bundle_suggestions(**arguments)
    assert refused.value.detail == message


@settings(max_examples=examples(40), deadline=None)
@given(baskets, st.lists(st.integers(0, 100_000), min_size=6, max_size=6),
       st.fractions(min_value=Fraction(1, 100), max_value=Fraction(99, 100)))
def test_every_suggestion_is_a_valid_bundle_sold_at_a_saving(orders: list[frozenset[int]], minors: list[int],
                                                             discount: Fraction) -> None:
    prices = {sku: Money(minor, "CNY") for sku, minor in zip(range(1, 7), minors)}
    specs = bundle_suggestions(association_rules(orders, LOOSE), prices, 1, START, END, discount=discount, limit=20)
    seen = set()
    for spec in specs:
        bundle = accepted(spec)
        regular = sum(prices[sku].minor for sku in bundle.items)
        assert 0 <= bundle.price < regular and set(bundle.items.values()) == {1}
        seen.add(frozenset(bundle.items))
    assert len(seen) == len(specs)
