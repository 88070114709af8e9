"""The customs table is checked before use: a bad entry is refused with a sentence naming it (RULES.md §6.1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shopkeeper.crossborder import rules
from shopkeeper.crossborder.table import load_table, parse_table
from shopkeeper.errors import InvalidInput

GOOD = """
[duty]
default_rate = "0.10"

[[threshold]]
country = "TR"
channel = "hk-dhl"
amount = "30.00"
currency = "EUR"
valid_from = 2017-01-15
cites = "RULES.md §6.1"

[[destination]]
country = "RU"
promised_delivery_cap_days = 90
cites = "RULES.md §5.5"
"""


def refused(source: str) -> list[str]:
    with pytest.raises(InvalidInput) as raised:
        parse_table(source)
    problems: list[str] = raised.value.extra.get("problems", [raised.value.detail])
    return problems


def test_the_shipped_table_loads_and_every_entry_cites_rules_md() -> None:
    table = load_table()
    assert all(t.cites.startswith("RULES.md §") for t in table.thresholds)
    assert all(d.cites.startswith("RULES.md §") for d in table.destinations)


def test_a_good_table_parses_and_a_stated_rate_is_not_illustrative() -> None:
    table = parse_table(GOOD.replace('currency = "EUR"', 'currency = "EUR"\nduty_rate = "0.18"'))
    (threshold,) = table.thresholds
    assert (threshold.duty_rate, threshold.rate_is_illustrative) == (Decimal("0.18"), False)
    assert rules.promised_delivery_days("RU", 100, table=table) == 90


def test_an_entry_with_a_bad_amount_is_refused_naming_the_entry() -> None:
    assert refused(GOOD.replace('amount = "30.00"', "amount = 30.0")) == [
        'threshold[0] (TR/hk-dhl).amount: must be an amount written as a string, e.g. "5.00", not 30.0'
    ]


@pytest.mark.parametrize(("change", "expected"), [
    (('country = "TR"', 'country = "Turkey"'), "threshold[0] (Turkey/hk-dhl).country: must be an ISO 3166 alpha-2"),
    (('currency = "EUR"\n', ""), "threshold[0] (TR/hk-dhl).currency: missing"),
    (("valid_from = 2017-01-15", "valid_from = 2017-01-15\nvalid_until = 2017-01-01"),
     "threshold[0] (TR/hk-dhl): valid_from 2017-01-15 is after valid_until 2017-01-01"),
    (("valid_from = 2017-01-15", 'valid_from = "2017-01-15"'), "threshold[0] (TR/hk-dhl).valid_from: must be a date"),
    (("promised_delivery_cap_days = 90", "promised_delivery_cap_days = 0"),
     "destination[0] (RU).promised_delivery_cap_days: must be a positive whole number"),
    (("promised_delivery_cap_days = 90", 'restrictions = ["no-batteries"]'), "destination[0] (RU).restrictions:"),
    (('cites = "RULES.md §5.5"', 'cites = "RULES.md §5.5"\ncap = 3'), "destination[0] (RU).cap: unknown entry"),
    (('default_rate = "0.10"', 'default_rate = "1.5"'), "duty.default_rate: must be a fraction"),
])
def test_each_kind_of_bad_entry_is_refused_with_its_name(change: tuple[str, str], expected: str) -> None:
    problems = refused(GOOD.replace(*change))
    assert any(p.startswith(expected) for p in problems), problems


def test_two_thresholds_in_force_on_the_same_day_for_one_channel_are_refused() -> None:
    overlapping = GOOD + '\n[[threshold]]\ncountry = "TR"\nchannel = "hk-dhl"\namount = "75.00"\ncurrency = "EUR"\n' \
        'valid_until = 2017-01-15\ncites = "RULES.md §6.1"\n'
    assert refused(overlapping) == ["threshold[1] (TR/hk-dhl): its days overlap those of threshold[0] (TR/hk-dhl)"]
    # ending the day before is fine: the spans are inclusive and meet without overlapping
    table = parse_table(overlapping.replace("valid_until = 2017-01-15", "valid_until = 2017-01-14"))
    assert rules.threshold_on("TR", "hk-dhl", date(2017, 1, 14), table=table).limit.minor == 7500  # type: ignore[union-attr]


def test_a_second_entry_for_one_destination_is_refused() -> None:
    twice = GOOD + '\n[[destination]]\ncountry = "RU"\ncites = "RULES.md §5.5"\n'
    assert refused(twice) == ["destination[1] (RU): a second entry for RU; give each destination one entry"]


def test_text_that_is_not_toml_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not valid TOML"):
        parse_table("[[threshold]\n")
