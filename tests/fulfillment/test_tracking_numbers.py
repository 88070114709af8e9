"""UPU S10 tracking numbers (RULES.md §5.1, §5.5): check digits, validation, and the demo channel's numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.errors import InvalidInput
from shopkeeper.fulfillment.tracking_numbers import is_valid_s10, next_s10, s10_check_digit
from support import examples


def test_worked_example_from_the_standard() -> None:
    # given the S10 worked example RR 47312482 9 GB: 4·8+7·6+3·4+1·2+2·3+4·5+8·9+2·7 = 200, 200 mod 11 = 2, 11−2 = 9
    assert s10_check_digit("47312482") == 9
    assert is_valid_s10("RR473124829GB")


@pytest.mark.parametrize(("serial", "check"), [
    ("12345678", 5),  # sum 204, mod 11 = 6, 11−6 = 5
    ("00000008", 0),  # sum 56, mod 11 = 1, 11−1 = 10 → 0
    ("00000000", 5),  # sum 0, mod 11 = 0, 11−0 = 11 → 5
    ("00000015", 5),  # 1·9+5·7 = 44, mod 11 = 0, 11−0 = 11 → 5
    ("00000001", 4),  # sum 7, 11−7 = 4
])
def test_check_digit_maps_ten_to_zero_and_eleven_to_five(serial: str, check: int) -> None:
    assert s10_check_digit(serial) == check


@pytest.mark.parametrize("number", [
    "RR473124828GB",   # wrong check digit
    "RR473124829G",    # too short
    "rr473124829GB",   # lower case
    "RR 473124829GB",  # space
    "R1473124829GB",   # digit in the service indicator
    "RR47312482XGB",   # letter as check digit
    "RR473124829G1",   # digit in the country
    "ＲＲ473124829GB",  # full-width letters
])
def test_malformed_numbers_are_not_valid(number: str) -> None:
    assert not is_valid_s10(number)


def test_demo_channel_issues_the_number_for_a_serial() -> None:
    assert next_s10("RR", 47312482, "GB") == "RR473124829GB"
    assert next_s10("LX", 8, "CN") == "LX000000080CN"


@pytest.mark.parametrize(("prefix", "serial", "country", "field"), [
    ("R", 1, "CN", "prefix"), ("rr", 1, "CN", "prefix"), ("RR", -1, "CN", "serial"),
    ("RR", 100_000_000, "CN", "serial"), ("RR", 1, "CHN", "country"),
])
def test_demo_channel_refuses_what_is_not_an_s10(prefix: str, serial: int, country: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        next_s10(prefix, serial, country)
    assert refused.value.extra["field"] == field


def test_check_digit_needs_eight_digits() -> None:
    with pytest.raises(InvalidInput):
        s10_check_digit("1234567")


@settings(max_examples=examples(60), deadline=None)
@given(st.integers(0, 99_999_999), st.sampled_from(["RR", "EE", "CP", "LX"]), st.sampled_from(["CN", "US", "GB"]))
def test_every_issued_number_is_valid_and_carries_its_serial(serial: int, prefix: str, country: str) -> None:
    number = next_s10(prefix, serial, country)
    assert is_valid_s10(number)
    assert (number[:2], int(number[2:10]), number[11:]) == (prefix, serial, country)


@settings(max_examples=examples(60), deadline=None)
@given(st.integers(0, 99_999_999), st.integers(0, 7), st.integers(1, 9))
def test_one_mistyped_digit_is_caught_unless_the_sums_fold_together(serial: int, position: int, shift: int) -> None:
    # given an issued number with one serial digit changed
    number = next_s10("RR", serial, "CN")
    digits = list(number[2:10])
    digits[position] = str((int(digits[position]) + shift) % 10)
    typo = number[:2] + "".join(digits) + number[10:]
    # then it is caught, except where 10→0 and 11→5 fold two remainders into one digit (0 and 6 both give 5)
    folded = s10_check_digit("".join(digits)) == s10_check_digit(number[2:10])
    assert is_valid_s10(typo) is folded
    assert folded is False or {s10_check_digit(number[2:10])} == {5}
