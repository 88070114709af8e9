"""How a shipping template (运费模板) is stored: its JSON form, the trip there and back, and the stored forms
refused with a message saying what is wrong. Fees are in test_rules.py."""

from __future__ import annotations

import copy
from typing import Any, Callable

import pytest
from hypothesis import given

from fulfillment.templates import CHINA, REMOTE, piece_template, templates
from shopkeeper.errors import InvalidInput
from shopkeeper.fulfillment.rules import (
    Destination,
    FreeRule,
    ShippableLine,
    ShippingTemplate,
    template_from_dict,
    template_to_dict,
)


@given(templates())
def test_a_template_survives_the_trip_through_its_json_form(template: ShippingTemplate) -> None:
    # given any template, when it is stored as JSON and read back
    stored = template_to_dict(template)
    # then it is the same template, and storing it again gives the same JSON
    assert template_from_dict(copy.deepcopy(stored)) == template
    assert template_to_dict(template_from_dict(stored)) == stored


def valid_dict() -> dict[str, Any]:
    """The stored form of a piece template with remote and China rules, free to China, not delivering to Russia."""
    return template_to_dict(piece_template(
        rules=(REMOTE, CHINA), free=(FreeRule(("CN",), 9900, 3),), excluded_regions=("RU",)
    ))


def test_the_json_form_uses_minor_unit_ints_and_plain_lists() -> None:
    # given a template with rules, a free rule and an exclusion, when it is stored
    # then fees are ints in minor units and regions plain lists of strings
    assert valid_dict() == {
        "name": "standard",
        "mode": "piece",
        "default": {"regions": [], "first_units": 1, "first_fee_minor": 1000, "extra_units": 2, "extra_fee_minor": 500},
        "rules": [
            {"regions": ["CN/Xinjiang", "CN/Tibet"], "first_units": 1, "first_fee_minor": 2000, "extra_units": 1,
             "extra_fee_minor": 2000},
            {"regions": ["CN"], "first_units": 1, "first_fee_minor": 800, "extra_units": 1, "extra_fee_minor": 200},
        ],
        "free": [{"regions": ["CN"], "min_amount_minor": 9900, "min_items": 3}],
        "excluded_regions": ["RU"],
    }


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return mutate


def _delete(*path: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
    return mutate


INVALID = {
    "negative first fee": (_set(("default", "first_fee_minor"), -1), r"default: first_fee_minor must be .*>= 0"),
    "negative extra fee": (_set(("rules", 1, "extra_fee_minor"), -200), r"rules\[1\]: extra_fee_minor"),
    "extra_units 0": (_set(("rules", 0, "extra_units"), 0), r"rules\[0\]: extra_units must be .*>= 1"),
    "first_units 0": (_set(("default", "first_units"), 0), r"first_units must be .*>= 1"),
    "bad mode": (_set(("mode",), "volume"), r"mode must be one of"),
    "missing mode": (_delete("mode"), r"template: missing keys \['mode'\]"),
    "missing fee key": (_delete("rules", 0, "extra_fee_minor"), r"rules\[0\]: missing keys \['extra_fee_minor'\]"),
    "missing free key": (_delete("free", 0, "min_items"), r"free\[0\]: missing keys \['min_items'\]"),
    "unknown key": (_set(("currency",), "CNY"), r"unknown keys \['currency'\]"),
    "string fee": (_set(("default", "first_fee_minor"), "10.00"), r"first_fee_minor must be an integer"),
    "float fee": (_set(("rules", 0, "first_fee_minor"), 20.5), r"first_fee_minor must be an integer"),
    "bool units": (_set(("default", "extra_units"), True), r"extra_units must be an integer"),
    "lower-case country": (_set(("rules", 1, "regions"), ["cn"]), r"region 'cn' is not"),
    "empty province": (_set(("rules", 1, "regions"), ["CN/"]), r"region 'CN/' is not"),
    "nested region": (_set(("excluded_regions",), ["CN/Zhejiang/Hangzhou"]), r"is not 'CC' or 'CC/Region'"),
    "three-letter country": (_set(("free", 0, "regions"), ["CHN"]), r"free\[0\]: region 'CHN'"),
    "regions as a string": (_set(("rules", 0, "regions"), "CN/Xinjiang"), r"rules\[0\].regions must be a list"),
    "region not a string": (_set(("excluded_regions",), [86]), r"excluded_regions must be a list of strings"),
    "rules not a list": (_set(("rules",), {"regions": ["CN"]}), r"rules must be a list"),
    "rule not an object": (_set(("rules", 0), "CN 20.00"), r"rules\[0\] must be an object"),
    "default with regions": (_set(("default", "regions"), ["CN"]), r"default rule applies everywhere"),
    "free with no condition": (_set(("free", 0), {"regions": [], "min_amount_minor": None, "min_items": None}),
                               r"free\[0\]: a free rule needs min_amount_minor or min_items"),
    "free with zero items": (_set(("free", 0, "min_items"), 0), r"min_items must be .*>= 1"),
    "negative free amount": (_set(("free", 0, "min_amount_minor"), -1), r"min_amount_minor must be"),
    "blank name": (_set(("name",), "  "), r"non-blank name"),
    "name not a string": (_set(("name",), 7), r"non-blank name"),
    "region in two rules": (_set(("rules", 1, "regions"), ["CN", "CN/xinjiang"]), r"more than one rule"),
    "priced and excluded": (_set(("excluded_regions",), ["CN/Tibet"]), r"priced but also excluded"),
}


@pytest.mark.parametrize("case", INVALID.keys())
def test_invalid_stored_templates_are_refused_with_a_clear_message(case: str) -> None:
    # given a valid stored template with one thing broken
    mutate, message = INVALID[case]
    data = valid_dict()
    mutate(data)
    # when it is read, then it is refused with a message naming what is broken and where
    with pytest.raises(InvalidInput, match=message):
        template_from_dict(data)


@pytest.mark.parametrize("data", [None, [], "standard", 42])
def test_a_stored_template_must_be_an_object(data: Any) -> None:
    # given stored data that is not a JSON object, when it is read, then it is refused
    with pytest.raises(InvalidInput, match="template must be an object"):
        template_from_dict(data)


def test_addresses_and_lines_are_validated_too() -> None:
    # when a destination names a country by its full name or a blank province, then it is refused
    with pytest.raises(InvalidInput):
        Destination("China")
    with pytest.raises(InvalidInput):
        Destination("CN", "  ")
    # when a line has no pieces or a negative weight, then it is refused
    with pytest.raises(InvalidInput):
        ShippableLine(quantity=0, weight_grams=100, amount_minor=100)
    with pytest.raises(InvalidInput):
        ShippableLine(quantity=1, weight_grams=-1, amount_minor=100)
