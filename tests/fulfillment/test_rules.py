"""Shipping templates (运费模板): first/extra blocks, region precedence, 包邮, exclusions, storage."""

from __future__ import annotations

import copy
from typing import Any, Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.errors import InvalidInput
from shopkeeper.fulfillment.rules import (
    Destination,
    FeeRule,
    FreeRule,
    NotDeliverable,
    ShippableLine,
    ShippingTemplate,
    quote,
    shipping_fee,
    template_from_dict,
    template_to_dict,
)
from shopkeeper.money import Money

ZHEJIANG = Destination("CN", "Zhejiang")
XINJIANG = Destination("CN", "Xinjiang")
US = Destination("US", "California")


def cny(amount: str) -> Money:
    return Money.of(amount, "CNY")


def pieces(quantity: int, amount: str = "10.00") -> list[ShippableLine]:
    return [ShippableLine(quantity=quantity, weight_grams=0, amount_minor=cny(amount).minor)]


def piece_template(**overrides: Any) -> ShippingTemplate:
    """First piece 10.00, then 5.00 for every started 2 pieces."""
    fields: dict[str, Any] = {"name": "standard", "mode": "piece", "default": FeeRule((), 1, 1000, 2, 500)}
    fields.update(overrides)
    return ShippingTemplate(**fields)


# --- fee blocks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("quantity", "fee"), [(1, "10.00"), (2, "15.00"), (3, "15.00"), (4, "20.00"), (5, "20.00")])
def test_piece_mode_charges_first_fee_then_every_started_block_of_extra_pieces(quantity: int, fee: str) -> None:
    # given first 1 piece 10.00, each further 2 pieces 5.00
    template = piece_template()
    # when the buyer orders `quantity` pieces
    charged = shipping_fee(template, pieces(quantity), ZHEJIANG, "CNY")
    # then the extra pieces are billed in whole blocks, rounded up
    assert charged == cny(fee)


def test_piece_mode_counts_pieces_across_all_lines_of_the_template() -> None:
    # given two lines of 1 and 2 pieces under the same template
    lines = pieces(1) + pieces(2)
    # when priced together
    charged = shipping_fee(piece_template(), lines, ZHEJIANG, "CNY")
    # then it is one parcel of 3 pieces, not two parcels
    assert charged == cny("15.00")


@pytest.mark.parametrize(
    ("grams", "fee"), [(500, "12.00"), (1000, "12.00"), (1001, "15.00"), (1500, "15.00"), (2600, "24.00")]
)
def test_weight_mode_rounds_extra_weight_up_to_whole_blocks(grams: int, fee: str) -> None:
    # given first 1 kg 12.00, each started 500 g after that 3.00
    template = ShippingTemplate("by weight", "weight", FeeRule((), 1000, 1200, 500, 300))
    # when one line weighs `grams` in total
    lines = [ShippableLine(quantity=1, weight_grams=grams, amount_minor=100)]
    # then a started block is a whole block
    assert shipping_fee(template, lines, ZHEJIANG, "CNY") == cny(fee)


def test_weight_mode_weighs_each_piece_times_quantity() -> None:
    # given a 400 g item bought 3 times (1200 g) and first 1 kg 12.00, each 500 g 3.00
    template = ShippingTemplate("by weight", "weight", FeeRule((), 1000, 1200, 500, 300))
    lines = [ShippableLine(quantity=3, weight_grams=400, amount_minor=100)]
    # when priced
    charged = shipping_fee(template, lines, ZHEJIANG, "CNY")
    # then 200 g over the first kilogram starts one extra block
    assert charged == cny("15.00")


def test_weightless_goods_still_pay_the_first_fee() -> None:
    # given a weight template and lines that weigh nothing (e-cards, stickers catalogued at 0 g)
    template = ShippingTemplate("by weight", "weight", FeeRule((), 1000, 1200, 500, 300))
    lines = [ShippableLine(quantity=4, weight_grams=0, amount_minor=100)]
    # when priced
    charged = shipping_fee(template, lines, ZHEJIANG, "CNY")
    # then a parcel is a parcel
    assert charged == cny("12.00")


def test_no_lines_cost_nothing() -> None:
    assert shipping_fee(piece_template(), [], ZHEJIANG, "CNY") == Money.zero("CNY")


def test_fee_is_in_the_currency_asked_for() -> None:
    assert shipping_fee(piece_template(), pieces(2), US, "USD") == Money(1500, "USD")


# --- which rule prices a destination ------------------------------------------------------------

REMOTE = FeeRule(("CN/Xinjiang", "CN/Tibet"), 1, 2000, 1, 2000)
CHINA = FeeRule(("CN",), 1, 800, 1, 200)
ABROAD = FeeRule(("US", "CA"), 1, 9000, 1, 3000)


def test_province_rule_beats_country_rule_beats_default() -> None:
    # given a default, a China rule and a remote-provinces rule (listed before the country rule)
    template = piece_template(rules=(REMOTE, CHINA, ABROAD))
    # when one piece goes to Xinjiang, Zhejiang, the US and Germany
    fees = [shipping_fee(template, pieces(1), d, "CNY") for d in (XINJIANG, ZHEJIANG, US, Destination("DE"))]
    # then the most specific rule wins each time, whatever the rule order
    assert fees == [cny("20.00"), cny("8.00"), cny("90.00"), cny("10.00")]
    assert shipping_fee(piece_template(rules=(CHINA, REMOTE)), pieces(1), XINJIANG, "CNY") == cny("20.00")


def test_region_names_match_case_insensitively_and_a_country_only_address_gets_the_country_rule() -> None:
    template = piece_template(rules=(REMOTE, CHINA))
    assert shipping_fee(template, pieces(1), Destination("CN", "xinjiang"), "CNY") == cny("20.00")
    assert shipping_fee(template, pieces(1), Destination("CN"), "CNY") == cny("8.00")


def test_a_rule_with_no_regions_never_matches() -> None:
    template = piece_template(rules=(FeeRule((), 1, 1, 1, 1),))
    assert shipping_fee(template, pieces(1), ZHEJIANG, "CNY") == cny("10.00")


# --- free shipping (包邮) ------------------------------------------------------------------------


@pytest.mark.parametrize(("goods", "fee"), [("98.99", "10.00"), ("99.00", "0.00"), ("150.00", "0.00")])
def test_free_by_amount_from_exactly_the_threshold(goods: str, fee: str) -> None:
    # given free shipping on goods of 99.00 or more (满99包邮)
    template = piece_template(free=(FreeRule((), cny("99.00").minor, None),))
    # when one piece worth `goods` is shipped
    charged = shipping_fee(template, pieces(1, goods), ZHEJIANG, "CNY")
    # then 99.00 itself is free
    assert charged == cny(fee)


def test_free_by_amount_sums_the_goods_of_all_lines() -> None:
    template = piece_template(free=(FreeRule((), cny("99.00").minor, None),))
    assert shipping_fee(template, pieces(1, "50.00") + pieces(1, "49.00"), ZHEJIANG, "CNY") == Money.zero("CNY")


@pytest.mark.parametrize(("quantity", "fee"), [(2, "15.00"), (3, "0.00"), (7, "0.00")])
def test_free_by_item_count(quantity: int, fee: str) -> None:
    # given free shipping from 3 items (满3件包邮), whatever they cost
    template = piece_template(free=(FreeRule((), None, 3),))
    # when `quantity` cheap pieces are shipped
    charged = shipping_fee(template, pieces(quantity, "1.00"), ZHEJIANG, "CNY")
    # then 3 or more ship free
    assert charged == cny(fee)


def test_either_free_condition_suffices() -> None:
    template = piece_template(free=(FreeRule((), cny("99.00").minor, 3),))
    assert shipping_fee(template, pieces(3, "3.00"), ZHEJIANG, "CNY") == Money.zero("CNY")
    assert shipping_fee(template, pieces(1, "99.00"), ZHEJIANG, "CNY") == Money.zero("CNY")
    assert shipping_fee(template, pieces(2, "98.00"), ZHEJIANG, "CNY") == cny("15.00")


def test_free_only_for_the_listed_regions() -> None:
    # given free shipping over 99.00 to China, and another template free only to Zhejiang and Jiangsu
    all_china = piece_template(rules=(REMOTE,), free=(FreeRule(("CN",), 9900, None),))
    east_coast = piece_template(rules=(REMOTE,), free=(FreeRule(("CN/Zhejiang", "CN/Jiangsu"), 9900, None),))
    # when 120.00 of goods ship
    lines = pieces(1, "120.00")
    # then the listed regions ship free and the others pay the rule that prices them
    assert shipping_fee(all_china, lines, XINJIANG, "CNY") == Money.zero("CNY")
    assert shipping_fee(all_china, lines, US, "CNY") == cny("10.00")
    assert shipping_fee(east_coast, lines, ZHEJIANG, "CNY") == Money.zero("CNY")
    assert shipping_fee(east_coast, lines, XINJIANG, "CNY") == cny("20.00")
    assert shipping_fee(east_coast, lines, Destination("CN"), "CNY") == cny("10.00")


# --- regions the store does not deliver to (不配送区域) ------------------------------------------


def test_excluded_region_is_not_deliverable() -> None:
    template = piece_template(rules=(CHINA,), excluded_regions=("CN/Tibet",))
    with pytest.raises(NotDeliverable) as raised:
        shipping_fee(template, pieces(1), Destination("CN", "Tibet"), "CNY")
    assert raised.value.code == "not-deliverable"
    assert raised.value.status == 422
    assert shipping_fee(template, pieces(1), ZHEJIANG, "CNY") == cny("8.00")


def test_excluded_country_covers_its_regions_even_when_shipping_would_be_free() -> None:
    template = piece_template(free=(FreeRule((), 0, None),), excluded_regions=("RU",))
    with pytest.raises(NotDeliverable):
        shipping_fee(template, pieces(1), Destination("RU", "Moscow"), "CNY")


def test_a_region_cannot_be_both_priced_and_excluded() -> None:
    with pytest.raises(InvalidInput, match="excluded"):
        piece_template(rules=(REMOTE,), excluded_regions=("CN",))


def test_a_region_cannot_be_priced_by_two_rules() -> None:
    with pytest.raises(InvalidInput, match="more than one rule"):
        piece_template(rules=(CHINA, FeeRule(("US", "CN"), 1, 1, 1, 1)))


# --- orders under several templates -------------------------------------------------------------


def test_quote_sums_the_fee_of_each_template() -> None:
    # given a piece template and a weight template with free shipping over 99.00
    heavy = ShippingTemplate("heavy", "weight", FeeRule((), 1000, 1200, 500, 300), free=(FreeRule((), 9900, None),))
    # when an order has 2 pieces under the first and 1.2 kg of 50.00 goods under the second
    groups = [(piece_template(), pieces(2)), (heavy, [ShippableLine(1, 1200, 5000)])]
    # then it pays 15.00 + 15.00
    assert quote(groups, ZHEJIANG, "CNY") == cny("30.00")
    # and each template's free threshold is read on its own lines only
    groups_rich = [(piece_template(), pieces(1, "500.00")), (heavy, [ShippableLine(1, 1200, 5000)])]
    assert quote(groups_rich, ZHEJIANG, "CNY") == cny("25.00")


def test_quote_of_nothing_is_zero_and_one_undeliverable_group_blocks_the_order() -> None:
    assert quote([], ZHEJIANG, "CNY") == Money.zero("CNY")
    no_tibet = piece_template(excluded_regions=("CN/Tibet",))
    with pytest.raises(NotDeliverable):
        quote([(piece_template(), pieces(1)), (no_tibet, pieces(1))], Destination("CN", "Tibet"), "CNY")


# --- storage round-trip and validation ---------------------------------------------------------

countries = st.sampled_from(["CN", "US", "DE", "JP"])
provinces = st.sampled_from(["Zhejiang", "Xinjiang", "Tibet", "Guangdong", "New York"])
regions = st.one_of(countries, st.builds(lambda c, p: f"{c}/{p}", countries, provinces))
# Kept apart from `regions`, so an exclusion never collides with a priced region.
excluded = st.lists(st.sampled_from(["BR", "AU/Tasmania", "AU/Northern Territory", "NG"]), unique=True, max_size=3)
minor = st.integers(min_value=0, max_value=1_000_000)


def fee_rules(region_list: st.SearchStrategy[tuple[str, ...]]) -> st.SearchStrategy[FeeRule]:
    return st.builds(FeeRule, region_list, st.integers(1, 5000), minor, st.integers(1, 5000), minor)


@st.composite
def free_rules(draw: st.DrawFn) -> FreeRule:
    amount = draw(st.one_of(st.none(), minor))
    items = draw(st.integers(1, 50) if amount is None else st.one_of(st.none(), st.integers(1, 50)))
    return FreeRule(tuple(draw(st.lists(regions, max_size=3))), amount, items)


@st.composite
def templates(draw: st.DrawFn, with_free: bool = True) -> ShippingTemplate:
    priced = draw(st.lists(regions, unique_by=str.casefold, max_size=8))
    rules = []
    while priced:  # cut the priced regions into consecutive rules: no region in two rules
        take = draw(st.integers(1, len(priced)))
        rules.append(draw(fee_rules(st.just(tuple(priced[:take])))))
        priced = priced[take:]
    return ShippingTemplate(
        name=draw(st.text(min_size=1, max_size=20).filter(str.strip)),
        mode=draw(st.sampled_from(["piece", "weight"])),
        default=draw(fee_rules(st.just(()))),
        rules=tuple(rules),
        free=tuple(draw(st.lists(free_rules(), max_size=3))) if with_free else (),
        excluded_regions=tuple(draw(excluded)),
    )


@given(templates())
def test_a_template_survives_the_trip_through_its_json_form(template: ShippingTemplate) -> None:
    stored = template_to_dict(template)
    assert template_from_dict(copy.deepcopy(stored)) == template
    assert template_to_dict(template_from_dict(stored)) == stored


def valid_dict() -> dict[str, Any]:
    return template_to_dict(piece_template(
        rules=(REMOTE, CHINA), free=(FreeRule(("CN",), 9900, 3),), excluded_regions=("RU",)
    ))


def test_the_json_form_uses_minor_unit_ints_and_plain_lists() -> None:
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
    mutate, message = INVALID[case]
    data = valid_dict()
    mutate(data)
    with pytest.raises(InvalidInput, match=message):
        template_from_dict(data)


@pytest.mark.parametrize("data", [None, [], "standard", 42])
def test_a_stored_template_must_be_an_object(data: Any) -> None:
    with pytest.raises(InvalidInput, match="template must be an object"):
        template_from_dict(data)


def test_addresses_and_lines_are_validated_too() -> None:
    with pytest.raises(InvalidInput):
        Destination("China")
    with pytest.raises(InvalidInput):
        Destination("CN", "  ")
    with pytest.raises(InvalidInput):
        ShippableLine(quantity=0, weight_grams=100, amount_minor=100)
    with pytest.raises(InvalidInput):
        ShippableLine(quantity=1, weight_grams=-1, amount_minor=100)


# --- fee properties -----------------------------------------------------------------------------

destinations = st.builds(Destination, countries, st.one_of(st.none(), provinces))
lines = st.lists(st.builds(ShippableLine, st.integers(1, 20), st.integers(0, 5000), minor), min_size=1, max_size=5)


@given(templates(with_free=False), destinations, lines, st.data())
def test_more_pieces_never_cost_less_when_no_free_rule_applies(
    template: ShippingTemplate, destination: Destination, order: list[ShippableLine], data: st.DataObject
) -> None:
    # given an order and the same order with more of one line
    index = data.draw(st.integers(0, len(order) - 1))
    more = list(order)
    more[index] = ShippableLine(order[index].quantity + data.draw(st.integers(1, 20)), order[index].weight_grams,
                                order[index].amount_minor)
    # when both are priced
    before = shipping_fee(template, order, destination, "CNY")
    after = shipping_fee(template, more, destination, "CNY")
    # then the fee does not go down, and never below the first fee of the rule that applies
    assert before <= after
    assert before.minor >= template.rule_for(destination).first_fee_minor


@given(st.lists(st.tuples(templates(), lines), max_size=4), destinations)
def test_a_quote_is_the_sum_of_its_templates_fees(groups: list[tuple[ShippingTemplate, list[ShippableLine]]],
                                                  destination: Destination) -> None:
    expected = sum(shipping_fee(t, ls, destination, "CNY").minor for t, ls in groups)
    assert quote(groups, destination, "CNY") == Money(expected, "CNY")
