"""HS-code inspection conditions A/B and the 2017 adjustment (RULES.md §6.2), given / when / then."""

from __future__ import annotations

from datetime import date

import pytest

from shopkeeper.crossborder import hs_codes
from shopkeeper.crossborder.hs_codes import ADJUSTMENT_2017, HsEntry, conditions_on, needs_inspection
from shopkeeper.errors import InvalidInput

BEFORE = date(2016, 12, 31)
ON = ADJUSTMENT_2017  # §15 #17 reading: 2017-01-01


def sample_codes(kind: str) -> list[str]:
    return [e.code for e in hs_codes.SAMPLE_CATALOGUE.values() if e.change == kind]


def test_the_sample_catalogue_holds_several_codes_of_each_change_kind() -> None:
    assert all(len(sample_codes(kind)) >= 3 for kind in hs_codes.CHANGE_KINDS)


def test_the_announcement_counts_add_up_to_197_codes() -> None:
    """§6.2: 12 + 17 + 168 = 197."""
    assert sum(hs_codes.ADJUSTMENT_2017_COUNTS.values()) == 197


@pytest.mark.parametrize("code", sample_codes("cancel-ab"))
def test_cancel_ab_drops_both_inspections_from_the_effective_date(code: str) -> None:
    assert conditions_on(code, BEFORE) == {"A", "B"}
    assert needs_inspection(code, "import", BEFORE) and needs_inspection(code, "export", BEFORE)
    assert conditions_on(code, ON) == frozenset()
    assert not needs_inspection(code, "import", ON) and not needs_inspection(code, "export", ON)


@pytest.mark.parametrize("code", sample_codes("ab-to-a"))
def test_ab_to_a_keeps_import_inspection_only(code: str) -> None:
    assert needs_inspection(code, "export", BEFORE)
    assert conditions_on(code, ON) == {"A"}
    assert needs_inspection(code, "import", ON) and not needs_inspection(code, "export", ON)


@pytest.mark.parametrize("code", sample_codes("cancel-a"))
def test_cancel_a_drops_import_inspection_and_keeps_export_inspection_where_the_code_had_it(code: str) -> None:
    before = conditions_on(code, BEFORE)
    assert "A" in before and needs_inspection(code, "import", BEFORE)
    assert not needs_inspection(code, "import", ON)
    assert needs_inspection(code, "export", ON) == ("B" in before)


def test_a_code_the_adjustment_does_not_touch_keeps_its_conditions() -> None:
    assert conditions_on("0201100010", BEFORE) == conditions_on("0201100010", date(2030, 1, 1)) == {"A", "B"}


@pytest.mark.parametrize("bad", ["870829590", "87082959000", "8708.29.59", "87082959OO", 8708295900])
def test_an_hs_code_must_be_ten_digits(bad: object) -> None:
    with pytest.raises(InvalidInput, match="10 digits"):
        conditions_on(bad, ON)  # type: ignore[arg-type]


def test_a_code_missing_from_the_catalogue_is_refused_not_assumed_free() -> None:
    """§6.2: everything in the catalogue needs inspection; an unknown code must be looked up, not waved through."""
    with pytest.raises(hs_codes.UnknownHsCode) as raised:
        needs_inspection("9999999999", "import", ON)
    assert raised.value.code == "unknown-hs-code"


@pytest.mark.parametrize(("conditions", "change"), [({"A"}, "cancel-ab"), ({"A"}, "ab-to-a"), ({"B"}, "cancel-a"),
                                                    ({"A", "C"}, None), ({"A", "B"}, "cancel-b")])
def test_a_catalogue_entry_whose_change_takes_away_what_it_never_had_is_refused(conditions: set[str], change: str | None) -> None:
    with pytest.raises(InvalidInput, match="HS 1234567890"):
        HsEntry("1234567890", "widgets", frozenset(conditions), change)  # type: ignore[arg-type]


def test_a_code_listed_twice_in_a_catalogue_is_refused() -> None:
    entry = HsEntry("1234567890", "widgets", frozenset({"A"}))
    with pytest.raises(InvalidInput, match="listed twice"):
        hs_codes.catalogue([entry, entry])


def test_a_service_may_pass_its_own_catalogue_and_effective_date() -> None:
    own = hs_codes.catalogue([HsEntry("1234567890", "widgets", frozenset({"A", "B"}), "ab-to-a", date(2017, 1, 20))])
    assert needs_inspection("1234567890", "export", date(2017, 1, 19), catalogue=own)
    assert not needs_inspection("1234567890", "export", date(2017, 1, 20), catalogue=own)
