"""Scanned warehouse work as pure rules (RULES.md §1.1, §5.2): shelf codes follow one scheme per warehouse, the
weight check's tolerance, packing and outbound verification (a wrong item or one too many is blocked; complete is
verified), picking time against the ten-minute guide, stocktake variances."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.errors import InvalidInput
from shopkeeper.warehouse import rules, shelves
from support import examples

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


# --- shelf codes (§1.1: one rule per warehouse) -----------------------------------------------------------

@pytest.mark.parametrize("code, fits", [
    ("A-01-03", True), ("Z-99-00", True), ("A-1-03", False), ("a-01-03", False), ("A-01-03-1", False),
    ("1-01-03", False), ("A_01_03", False), ("", False),
])
def test_a_code_fits_the_scheme_position_by_position(code: str, fits: bool) -> None:
    assert shelves.fits("A-99-99", code) is fits


def test_codes_are_normalised_before_they_are_checked() -> None:
    assert shelves.shelf_code("A-99-99", " b-02-10 ") == "B-02-10"


def test_a_code_of_another_scheme_is_refused_naming_the_scheme() -> None:
    with pytest.raises(InvalidInput, match="A-99-99"):
        shelves.shelf_code("A-99-99", "01-A-03")


def test_no_code_is_taken_before_the_warehouse_has_a_scheme() -> None:
    with pytest.raises(InvalidInput, match="no shelf scheme"):
        shelves.shelf_code(None, "A-01-03")


@pytest.mark.parametrize("scheme", ["", "A-99-X9", "----", "A" * 33, "A 99"])
def test_a_scheme_is_letters_digits_and_separators(scheme: str) -> None:
    with pytest.raises(InvalidInput):
        shelves.check_scheme(scheme)


def test_prefixes_start_codes_of_the_scheme() -> None:
    assert shelves.fits_prefix("A-99-99", "A-0")
    assert shelves.shelf_prefix("A-99-99", "b") == "B"
    assert not shelves.fits_prefix("A-99-99", "A-01-03-")
    with pytest.raises(InvalidInput):
        shelves.shelf_prefix("A-99-99", "01")


@settings(max_examples=examples(100))
@given(st.lists(st.from_regex(r"\A[A-Z]-[0-9]{2}-[0-9]{2}\Z"), min_size=2, max_size=20))
def test_codes_of_one_scheme_sort_as_text_in_zone_row_level_order(codes: list[str]) -> None:
    assert all(shelves.fits("A-99-99", c) for c in codes)
    assert sorted(codes) == sorted(codes, key=lambda c: (c[0], int(c[2:4]), int(c[5:7])))


# --- weight check (核重) ------------------------------------------------------------------------------------

def test_expected_weight_is_the_goods_plus_packaging() -> None:
    assert rules.expected_grams([(200, 2), (220, 1)]) == 620 + rules.PACKAGING_GRAMS


@pytest.mark.parametrize("expected, tolerance", [(100, 50), (500, 50), (501, 51), (2000, 200), (2001, 201)])
def test_tolerance_is_ten_percent_but_never_under_fifty_grams(expected: int, tolerance: int) -> None:
    assert rules.tolerance_grams(expected) == tolerance


def test_a_parcel_within_tolerance_passes_and_one_beyond_is_off_by_its_difference() -> None:
    assert rules.check_weight(2000, 2200).within
    off = rules.check_weight(2000, 1799)
    assert not off.within and off.difference_grams == -201


@settings(max_examples=examples(100))
@given(st.integers(0, 100_000), st.integers(1, 200_000))
def test_within_means_the_difference_is_inside_the_tolerance(expected: int, measured: int) -> None:
    check = rules.check_weight(expected, measured)
    assert check.tolerance_grams == max(math.ceil(Fraction(expected, 10)), 50)
    assert check.within == (expected - check.tolerance_grams <= measured <= expected + check.tolerance_grams)


# --- packing and outbound verification (装箱, 出库核验) --------------------------------------------------------

ORDERED = {1: 2, 2: 1}


def test_a_sku_not_on_the_order_is_blocked() -> None:
    assert rules.judge_item(ORDERED, {}, 3, 1) == "not-on-order"


def test_more_than_ordered_is_blocked() -> None:
    assert rules.judge_item(ORDERED, {1: 2}, 1, 1) == "more-than-ordered"
    assert rules.judge_item(ORDERED, {}, 1, 3) == "more-than-ordered"


def test_the_order_is_verified_only_when_the_scans_equal_its_lines() -> None:
    assert rules.judge_item(ORDERED, {1: 1}, 1, 1) is None
    assert not rules.is_complete(ORDERED, {1: 2})
    assert rules.still_to_scan(ORDERED, {1: 2}) == {2: 1}
    assert rules.is_complete(ORDERED, {1: 2, 2: 1})
    assert rules.still_to_scan(ORDERED, {1: 2, 2: 1}) == {}


@settings(max_examples=examples(200))
@given(st.dictionaries(st.integers(1, 6), st.integers(1, 4), min_size=1, max_size=4),
       st.lists(st.tuples(st.integers(1, 8), st.integers(1, 3)), max_size=30))
def test_accepted_scans_never_exceed_the_order_and_complete_means_equal(ordered: dict[int, int],
                                                                        attempts: list[tuple[int, int]]) -> None:
    scanned: dict[int, int] = {}
    for sku, quantity in attempts:
        if rules.judge_item(ordered, scanned, sku, quantity) is None:
            scanned[sku] = scanned.get(sku, 0) + quantity
    assert all(sku in ordered and q <= ordered[sku] for sku, q in scanned.items())
    assert rules.is_complete(ordered, scanned) == (scanned == ordered)
    assert rules.is_complete(ordered, scanned) == (rules.still_to_scan(ordered, scanned) == {})


# --- picking time -------------------------------------------------------------------------------------------

def test_pick_minutes_pair_each_end_with_its_orders_latest_start() -> None:
    m = timedelta(minutes=1)
    scans = [(7, "pick_start", T0), (8, "pick_start", T0 + m), (7, "pick_start", T0 + 2 * m),
             (8, "pick_end", T0 + 13 * m), (7, "pick_end", T0 + 9 * m), (9, "pick_end", T0 + 3 * m)]
    times = {p.order_id: p for p in rules.pick_times(scans)}
    assert set(times) == {7, 8}  # order 9 ended without a start
    assert times[7].minutes == 7.0 and not times[7].over_guide
    assert times[8].minutes == 12.0 and times[8].over_guide  # §5.2's ten minutes: shown, not enforced


# --- stocktake variances (盘点) --------------------------------------------------------------------------------

def test_variance_is_counted_minus_system_valued_at_the_price() -> None:
    [v] = rules.variances([(1, 10, 7)], {1: 5990})
    assert (v.units, v.value_minor) == (-3, -17970)


def test_an_adjustment_below_what_is_reserved_is_refused() -> None:
    # available 2 (plus reserved), counted 3 fewer than the system had: available would go to -1
    assert rules.refused_adjustments([(1, 2, -3), (2, 2, -2), (3, 0, 5)]) == [1]


@settings(max_examples=examples(200))
@given(st.lists(st.tuples(st.integers(1, 50), st.integers(0, 10_000), st.integers(0, 10_000)), max_size=30,
                unique_by=lambda t: t[0]),
       st.integers(0, 100_000))
def test_stock_is_conserved_system_plus_variance_is_counted(counts: list[tuple[int, int, int]], price: int) -> None:
    found = rules.variances(counts, {sku: price for sku, _, _ in counts})
    assert [v.sku_id for v in found] == sorted(sku for sku, _, _ in counts)
    for v in found:
        assert v.system + v.units == v.counted
        assert v.value_minor == v.units * price
    assert sum(v.system for v in found) + sum(v.units for v in found) == sum(c for _, _, c in counts)
