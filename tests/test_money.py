from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.money import CurrencyMismatch, Money, largest_remainder_allocate

weights = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40)
totals = st.integers(min_value=-(10**12), max_value=10**12)


@given(totals, weights)
def test_allocation_always_sums_to_the_total(total: int, ws: list[int]) -> None:
    assert sum(largest_remainder_allocate(total, ws)) == total


@given(totals, weights)
def test_each_part_is_within_one_unit_of_its_exact_share(total: int, ws: list[int]) -> None:
    parts = largest_remainder_allocate(total, ws)
    basis = ws if sum(ws) else [1] * len(ws)
    for part, weight in zip(parts, basis):
        exact = Decimal(abs(total)) * weight / sum(basis)
        assert abs(Decimal(abs(part)) - exact) < 1


@given(st.integers(min_value=0, max_value=10**12), weights)
def test_zero_weights_get_nothing_when_others_have_weight(total: int, ws: list[int]) -> None:
    parts = largest_remainder_allocate(total, ws)
    if sum(ws):
        assert all(part == 0 for part, weight in zip(parts, ws) if weight == 0)


def test_leftover_units_go_to_the_largest_remainders_ties_to_the_first() -> None:
    # 100 over three equal lines: 33.33 each; the one left-over cent goes to the first
    assert largest_remainder_allocate(100, [1, 1, 1]) == [34, 33, 33]
    # 10 over 1:2 → 3.33 / 6.67: the larger remainder (0.67) gets the unit
    assert largest_remainder_allocate(10, [1, 2]) == [3, 7]
    assert largest_remainder_allocate(-100, [1, 1, 1]) == [-34, -33, -33]


def test_allocation_refuses_negative_weights_and_empty_lines() -> None:
    with pytest.raises(ValueError):
        largest_remainder_allocate(10, [1, -1])
    with pytest.raises(ValueError):
        largest_remainder_allocate(10, [])
    assert largest_remainder_allocate(0, []) == []


def test_percent_rounds_half_up_to_the_minor_unit() -> None:
    assert Money(1250, "CNY").percent("0.05") == Money(63, "CNY")  # 62.5 → 63
    assert Money(1249, "CNY").percent("0.05") == Money(62, "CNY")  # 62.45 → 62
    assert Money(-1250, "CNY").percent("0.05") == Money(-63, "CNY")  # half away from zero


def test_money_from_major_units_and_display() -> None:
    assert Money.of("59.90", "CNY") == Money(5990, "CNY")
    assert Money.of("1000", "JPY") == Money(1000, "JPY")
    assert Money(123456, "USD").display() == "$1,234.56"
    assert str(Money(5, "KWD")) == "0.005 KWD"


def test_currencies_do_not_mix_and_minor_units_are_ints() -> None:
    with pytest.raises(CurrencyMismatch):
        Money(1, "CNY") + Money(1, "USD")
    with pytest.raises(TypeError):
        Money(1.5, "CNY")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Money(1, "yuan")


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=50))
def test_allocating_money_keeps_currency_and_sum(minor: int, n: int) -> None:
    parts = Money(minor, "USD").allocate([1] * n)
    assert sum(p.minor for p in parts) == minor and {p.currency for p in parts} == {"USD"}
