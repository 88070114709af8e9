"""Allocation rules (用户自定义的分配规则, RULES.md §5.1): first match wins, each condition kind, no match, split vs
hold when the matched warehouse is short, and the errors a badly made rule gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.errors import InvalidInput
from shopkeeper.fulfillment.allocation import (
    Allocated,
    AllocationRule,
    ConditionMiss,
    Conditions,
    Held,
    OrderLine,
    OrderToAllocate,
    Parcel,
    Shortfall,
    StockPolicy,
    Unallocated,
    allocate,
    check_rules,
    match_rule,
)
from shopkeeper.money import Money
from support import examples

SPLIT = StockPolicy("split", ("SZ", "LA", "DE"))
HOLD = StockPolicy("hold", ("SZ", "LA", "DE"))
PLENTY = {"SZ": {"MUG": 100, "CHARGER": 100, "VASE": 100}}


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def line(sku: str = "MUG", quantity: int = 1, grams: int = 300, *properties: str) -> OrderLine:
    return OrderLine(sku, quantity, grams, frozenset(properties))


def order(*lines: OrderLine, country: str = "US", channel: str = "own", value: str = "20.00") -> OrderToAllocate:
    return OrderToAllocate("SO-1", country, channel, usd(value), lines or (line(),))


def rule(name: str, warehouse: str = "SZ", channel: str = "DEMO-POST", **conditions: object) -> AllocationRule:
    return AllocationRule(name, Conditions(**conditions), warehouse, channel)  # type: ignore[arg-type]


def outcome_rule(outcome: object) -> str | None:
    return outcome.rule if isinstance(outcome, (Allocated, Held)) else None


# --- first match wins -----------------------------------------------------------------------------


def test_first_matching_rule_wins_even_when_a_later_one_matches_too() -> None:
    # given two rules that both accept a US order
    rules = [rule("US by DHL", channel="DHL", countries=("US",)), rule("everything else", channel="POST")]
    # when the order is allocated
    outcome = allocate(rules, order(country="US"), PLENTY, HOLD)
    # then the earlier rule decides, and nothing was passed over
    assert outcome == Allocated("SO-1", "US by DHL", (Parcel("SZ", "DHL", (("MUG", 1),)),), ())


def test_outcome_names_why_each_earlier_rule_did_not_match() -> None:
    # given a rule for Germany and a rule for heavy parcels before the catch-all
    rules = [rule("Germany", countries=("DE",)), rule("heavy", min_weight_grams=2000), rule("rest", warehouse="LA")]
    # when a light US order is allocated (a dry run shows this)
    outcome = allocate(rules, order(line(grams=500), country="US"), {"LA": {"MUG": 5}}, HOLD)
    # then the third rule matched and each earlier one says which condition failed
    assert isinstance(outcome, Allocated) and outcome.rule == "rest"
    assert [(m.rule, m.misses) for m in outcome.passed_over] == [
        ("Germany", (ConditionMiss("country-not-listed", "DE", "US"),)),
        ("heavy", (ConditionMiss("weight-below-min", "2000", "500"),)),
    ]


def test_rule_lists_every_condition_the_order_fails() -> None:
    # given a rule failing on both country and sales channel
    only = rule("EU amazon", countries=("DE", "FR"), sales_channels=("amazon",))
    # when matched against an own-store US order
    matched, passed = match_rule([only], order(country="US", channel="own"))
    # then both reasons are given, in declaration order
    assert matched is None
    assert [m.code for m in passed[0].misses] == ["country-not-listed", "channel-not-listed"]


# --- each condition kind --------------------------------------------------------------------------


@pytest.mark.parametrize(("country", "matches"), [("RU", True), ("BR", True), ("US", False)])
def test_destination_country_condition(country: str, matches: bool) -> None:
    # given a rule for Russia and Brazil
    matched, _ = match_rule([rule("RU/BR", countries=("RU", "BR"))], order(country=country))
    # then only orders to those countries match
    assert (matched is not None) is matches


@pytest.mark.parametrize(("grams", "matches"), [(999, False), (1000, True), (2000, True), (2001, False)])
def test_weight_range_includes_both_ends_and_sums_quantity_times_piece_weight(grams: int, matches: bool) -> None:
    # given a rule for parcels of 1–2 kg (our reading: both ends included)
    light = rule("1-2kg", min_weight_grams=1000, max_weight_grams=2000)
    # when the order is two lines whose pieces weigh `grams` in total
    first = grams // 2
    matched, _ = match_rule([light], order(line("A", 1, first), line("B", 1, grams - first)))
    # then the range decides
    assert (matched is not None) is matches


@pytest.mark.parametrize(("value", "code"), [("9.99", "value-below-min"), ("10.00", None), ("50.00", None),
                                              ("50.01", "value-above-max")])
def test_order_value_range(value: str, code: str | None) -> None:
    # given a rule for orders worth 10–50 USD
    mid = rule("mid value", min_value=usd("10.00"), max_value=usd("50.00"))
    # when an order worth `value` comes in
    matched, passed = match_rule([mid], order(value=value))
    # then inside the range it matches, outside the miss names the bound
    assert (matched is None) is (code is not None)
    assert [m.code for p in passed for m in p.misses] == ([code] if code else [])


def test_value_condition_in_another_currency_does_not_match() -> None:
    # given a rule stated in EUR
    euro = rule("cheap EUR", max_value=Money.of("100", "EUR"))
    # when a USD order comes in
    matched, passed = match_rule([euro], order(value="5.00"))
    # then the rule does not match and says why (the rules never convert money)
    assert matched is None
    assert passed[0].misses == (ConditionMiss("value-other-currency", "EUR", "USD"),)


@pytest.mark.parametrize("channel", ["own", "amazon", "shopify", "ebay", "aliexpress"])
def test_sales_channel_condition(channel: str) -> None:
    # given a rule for marketplace orders only
    marketplaces = rule("marketplaces", sales_channels=("amazon", "ebay", "aliexpress"))
    # when an order arrives by `channel`
    matched, _ = match_rule([marketplaces], order(channel=channel))
    # then it matches exactly when that channel is listed
    assert (matched is not None) is (channel in ("amazon", "ebay", "aliexpress"))


def test_any_line_has_battery_sends_the_order_to_the_overseas_warehouse() -> None:
    # given batteries go from the overseas warehouse (RULES.md §5.3), the rest by post
    rules = [rule("battery", warehouse="LA", channel="LA-GROUND", any_line_has=("battery",)),
             rule("rest", warehouse="SZ", channel="POST", no_line_has=("battery",))]
    stock = {"LA": {"CHARGER": 5, "MUG": 5}, "SZ": {"MUG": 5}}
    # when one order holds a charger among mugs and another only mugs
    mixed = allocate(rules, order(line("MUG"), line("CHARGER", 1, 80, "battery")), stock, HOLD)
    plain = allocate(rules, order(line("MUG")), stock, HOLD)
    # then one battery line is enough to route the whole order
    assert outcome_rule(mixed) == "battery" and outcome_rule(plain) == "rest"
    assert isinstance(plain, Allocated) and plain.passed_over[0].misses[0].code == "no-line-has-property"


def test_no_line_has_names_the_property_found() -> None:
    # given a rule that refuses liquids and powders
    dry = rule("dry goods", no_line_has=("liquid", "powder"))
    # when an order has a powder line
    matched, passed = match_rule([dry], order(line("MUG"), line("TALC", 1, 100, "powder", "fragile")))
    # then the miss names the powder
    assert matched is None
    assert passed[0].misses == (ConditionMiss("line-has-excluded-property", "liquid,powder", "powder"),)


# --- no match -------------------------------------------------------------------------------------


def test_no_matching_rule_leaves_the_order_unallocated_with_every_reason() -> None:
    # given rules for Germany and for Amazon orders only
    rules = [rule("DE", countries=("DE",)), rule("amazon", sales_channels=("amazon",))]
    # when an own-store US order comes in
    outcome = allocate(rules, order(country="US"), PLENTY, SPLIT)
    # then it is explicitly unallocated, and both rules say why
    assert isinstance(outcome, Unallocated) and outcome.reason == "no-rule-matched"
    assert [m.rule for m in outcome.passed_over] == ["DE", "amazon"]


def test_a_store_without_rules_allocates_nothing() -> None:
    assert allocate([], order(), PLENTY, SPLIT) == Unallocated("SO-1", "no-rules", ())


# --- stock: split or hold -------------------------------------------------------------------------

ALL = [rule("all from SZ", warehouse="SZ")]


def test_hold_keeps_the_order_waiting_and_names_what_is_short() -> None:
    # given the matched warehouse has 1 of 3 mugs and the store holds short orders
    stock = {"SZ": {"MUG": 1}, "LA": {"MUG": 10}}
    # when the order is allocated
    outcome = allocate(ALL, order(line("MUG", 3)), stock, HOLD)
    # then it waits with the reason, though another warehouse could ship
    assert outcome == Held("SO-1", "all from SZ", "SZ", "warehouse-short", (Shortfall("MUG", 3, 1),), ())


def test_split_ships_from_the_fewest_warehouses() -> None:
    # given SZ has mugs only; LA has the vase only; DE has both
    stock = {"SZ": {"MUG": 2}, "LA": {"VASE": 1}, "DE": {"MUG": 2, "VASE": 1}}
    # when an order for a mug and a vase is split
    outcome = allocate(ALL, order(line("MUG"), line("VASE")), stock, SPLIT)
    # then DE alone ships it: one parcel beats two, whatever the priority
    assert isinstance(outcome, Allocated)
    assert outcome.parcels == (Parcel("DE", "DEMO-POST", (("MUG", 1), ("VASE", 1))),)


def test_split_keeps_the_matched_warehouse_then_the_store_priority() -> None:
    # given SZ (matched) has the mug, LA and DE both have the vase, LA earlier in the store's order
    stock = {"SZ": {"MUG": 2}, "LA": {"VASE": 1}, "DE": {"VASE": 1}}
    # when the order is split
    outcome = allocate(ALL, order(line("MUG"), line("VASE")), stock, SPLIT)
    # then two parcels: the matched warehouse's, then the first warehouse by priority
    assert isinstance(outcome, Allocated) and outcome.split
    assert outcome.parcels == (Parcel("SZ", "DEMO-POST", (("MUG", 1),)), Parcel("LA", "DEMO-POST", (("VASE", 1),)))


def test_split_may_divide_one_line_between_warehouses() -> None:
    # given 2 mugs at SZ, 5 at DE, none at LA
    stock = {"SZ": {"MUG": 2}, "DE": {"MUG": 5}}
    # when 4 mugs are ordered
    outcome = allocate(ALL, order(line("MUG", 4)), stock, SPLIT)
    # then DE alone covers them (one shipment)
    assert isinstance(outcome, Allocated) and outcome.parcels == (Parcel("DE", "DEMO-POST", (("MUG", 4),)),)
    # and when DE has only 3, SZ sends 2 and DE the other 2
    outcome = allocate(ALL, order(line("MUG", 4)), {"SZ": {"MUG": 2}, "DE": {"MUG": 3}}, SPLIT)
    assert isinstance(outcome, Allocated)
    assert outcome.parcels == (Parcel("SZ", "DEMO-POST", (("MUG", 2),)), Parcel("DE", "DEMO-POST", (("MUG", 2),)))


def test_split_holds_when_no_warehouses_together_cover_the_order() -> None:
    # given 1 mug at SZ and 1 at LA
    stock = {"SZ": {"MUG": 1}, "LA": {"MUG": 1}}
    # when 3 mugs are ordered under split
    outcome = allocate(ALL, order(line("MUG", 3)), stock, SPLIT)
    # then the order waits, showing what all warehouses together have
    assert outcome == Held("SO-1", "all from SZ", "SZ", "stock-short", (Shortfall("MUG", 3, 2),), ())


def test_the_same_sku_on_two_lines_is_picked_as_one() -> None:
    outcome = allocate(ALL, order(line("MUG", 2), line("MUG", 1)), {"SZ": {"MUG": 3}}, HOLD)
    assert isinstance(outcome, Allocated) and outcome.parcels[0].items == (("MUG", 3),)


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.integers(0, 4), min_size=3, max_size=3), st.lists(st.integers(0, 4), min_size=3, max_size=3),
       st.integers(1, 6), st.integers(0, 6))
def test_split_parcels_add_up_to_the_order_and_never_exceed_stock(mugs: list[int], vases: list[int],
                                                                  want_mugs: int, want_vases: int) -> None:
    # given any stock spread over three warehouses
    stock = {w: {"MUG": m, "VASE": v} for w, m, v in zip(("SZ", "LA", "DE"), mugs, vases)}
    lines = (line("MUG", want_mugs),) + ((line("VASE", want_vases),) if want_vases else ())
    # when the order is split
    outcome = allocate(ALL, order(*lines), stock, SPLIT)
    # then either the parcels ship exactly what was ordered from stock that is there, or the order waits
    enough = sum(mugs) >= want_mugs and sum(vases) >= want_vases
    assert isinstance(outcome, Allocated) is enough
    if isinstance(outcome, Allocated):
        shipped: dict[str, int] = {}
        for parcel in outcome.parcels:
            for sku, n in parcel.items:
                assert 0 < n <= stock[parcel.warehouse_code][sku]
                shipped[sku] = shipped.get(sku, 0) + n
        assert shipped == {"MUG": want_mugs, **({"VASE": want_vases} if want_vases else {})}


# --- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("make", "field"), [
    (lambda: rule("  "), "name"),
    (lambda: rule("x", warehouse=""), "warehouse_code"),
    (lambda: rule("x", channel=" "), "channel_code"),
    (lambda: rule("x", min_weight_grams=2000, max_weight_grams=1000), "min_weight_grams"),
    (lambda: rule("x", min_weight_grams=-1), "min_weight_grams"),
    (lambda: rule("x", min_value=usd("50"), max_value=usd("10")), "min_value"),
    (lambda: rule("x", min_value=usd("1"), max_value=Money.of("10", "EUR")), "max_value"),
    (lambda: rule("x", min_value=usd("-1")), "min_value"),
    (lambda: rule("x", any_line_has=("explosive",)), "any_line_has"),
    (lambda: rule("x", no_line_has=("magnet",)), "no_line_has"),
    (lambda: rule("x", any_line_has=("battery",), no_line_has=("battery",)), "no_line_has"),
    (lambda: rule("x", sales_channels=("wish",)), "sales_channels"),
    (lambda: rule("x", countries=("usa",)), "countries"),
    (lambda: StockPolicy("wait"), "on_short"),  # type: ignore[arg-type]
    (lambda: line("MUG", 1, 10, "radioactive"), "properties"),
])
def test_a_badly_made_rule_is_refused_naming_the_field(make: object, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        make()  # type: ignore[operator]
    assert refused.value.extra["field"] == field


def test_unknown_property_error_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="unknown SKU property explosive; known: battery, powder, liquid, fragile"):
        Conditions(any_line_has=("explosive",))


def test_two_rules_with_one_name_are_refused() -> None:
    with pytest.raises(InvalidInput, match="two allocation rules are named 'US'"):
        check_rules([rule("us"), rule("US")])
    check_rules([rule("US"), rule("EU")])  # distinct names pass
