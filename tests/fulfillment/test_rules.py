"""Shipping templates (运费模板): first/extra blocks, region precedence, 包邮, exclusions, orders under several
templates. How a template is stored and checked is in test_template_storage.py."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fulfillment.templates import (
    ABROAD,
    CHINA,
    REMOTE,
    US,
    XINJIANG,
    ZHEJIANG,
    cny,
    destinations,
    lines,
    piece_template,
    pieces,
    templates,
)
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
)
from shopkeeper.money import Money

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
    order = pieces(1) + pieces(2)
    # when priced together
    charged = shipping_fee(piece_template(), order, ZHEJIANG, "CNY")
    # then it is one parcel of 3 pieces, not two parcels
    assert charged == cny("15.00")


@pytest.mark.parametrize(
    ("grams", "fee"), [(500, "12.00"), (1000, "12.00"), (1001, "15.00"), (1500, "15.00"), (2600, "24.00")]
)
def test_weight_mode_rounds_extra_weight_up_to_whole_blocks(grams: int, fee: str) -> None:
    # given first 1 kg 12.00, each started 500 g after that 3.00
    template = ShippingTemplate("by weight", "weight", FeeRule((), 1000, 1200, 500, 300))
    # when one line weighs `grams` in total
    order = [ShippableLine(quantity=1, weight_grams=grams, amount_minor=100)]
    # then a started block is a whole block
    assert shipping_fee(template, order, ZHEJIANG, "CNY") == cny(fee)


def test_weight_mode_weighs_each_piece_times_quantity() -> None:
    # given a 400 g item bought 3 times (1200 g) and first 1 kg 12.00, each 500 g 3.00
    template = ShippingTemplate("by weight", "weight", FeeRule((), 1000, 1200, 500, 300))
    order = [ShippableLine(quantity=3, weight_grams=400, amount_minor=100)]
    # when priced
    charged = shipping_fee(template, order, ZHEJIANG, "CNY")
    # then 200 g over the first kilogram starts one extra block
    assert charged == cny("15.00")


def test_weightless_goods_still_pay_the_first_fee() -> None:
    # given a weight template and lines that weigh nothing (e-cards, stickers catalogued at 0 g)
    template = ShippingTemplate("by weight", "weight", FeeRule((), 1000, 1200, 500, 300))
    order = [ShippableLine(quantity=4, weight_grams=0, amount_minor=100)]
    # when priced
    charged = shipping_fee(template, order, ZHEJIANG, "CNY")
    # then a parcel is a parcel
    assert charged == cny("12.00")


def test_no_lines_cost_nothing() -> None:
    # given the standard template, when nothing ships, then nothing is charged
    assert shipping_fee(piece_template(), [], ZHEJIANG, "CNY") == Money.zero("CNY")


def test_fee_is_in_the_currency_asked_for() -> None:
    # given the standard template, when 2 pieces ship to the US priced in dollars, then the fee is 15.00 dollars
    assert shipping_fee(piece_template(), pieces(2), US, "USD") == Money(1500, "USD")


# --- which rule prices a destination ------------------------------------------------------------


def test_province_rule_beats_country_rule_beats_default() -> None:
    # given a default, a China rule and a remote-provinces rule (listed before the country rule)
    template = piece_template(rules=(REMOTE, CHINA, ABROAD))
    # when one piece goes to Xinjiang, Zhejiang, the US and Germany
    fees = [shipping_fee(template, pieces(1), d, "CNY") for d in (XINJIANG, ZHEJIANG, US, Destination("DE"))]
    # then the most specific rule wins each time, whatever the rule order
    assert fees == [cny("20.00"), cny("8.00"), cny("90.00"), cny("10.00")]
    assert shipping_fee(piece_template(rules=(CHINA, REMOTE)), pieces(1), XINJIANG, "CNY") == cny("20.00")


def test_region_names_match_case_insensitively_and_a_country_only_address_gets_the_country_rule() -> None:
    # given a remote-provinces rule and a China rule
    template = piece_template(rules=(REMOTE, CHINA))
    # when a piece goes to "xinjiang" in lower case, then the remote rule prices it
    assert shipping_fee(template, pieces(1), Destination("CN", "xinjiang"), "CNY") == cny("20.00")
    # when a piece goes to an address in China with no province, then the China rule prices it
    assert shipping_fee(template, pieces(1), Destination("CN"), "CNY") == cny("8.00")


def test_a_rule_with_no_regions_never_matches() -> None:
    # given a rule naming no region, when a piece goes to Zhejiang, then the default prices it
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
    # given free shipping from 99.00, when two lines of 50.00 and 49.00 ship, then together they ship free
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
    # given free shipping from 99.00 or from 3 items
    template = piece_template(free=(FreeRule((), cny("99.00").minor, 3),))
    # when 3 pieces of 3.00 ship, or one of 99.00, then they ship free
    assert shipping_fee(template, pieces(3, "3.00"), ZHEJIANG, "CNY") == Money.zero("CNY")
    assert shipping_fee(template, pieces(1, "99.00"), ZHEJIANG, "CNY") == Money.zero("CNY")
    # when 2 pieces of 98.00 in all ship, meeting neither, then they pay
    assert shipping_fee(template, pieces(2, "98.00"), ZHEJIANG, "CNY") == cny("15.00")


def test_free_only_for_the_listed_regions() -> None:
    # given free shipping over 99.00 to China, and another template free only to Zhejiang and Jiangsu
    all_china = piece_template(rules=(REMOTE,), free=(FreeRule(("CN",), 9900, None),))
    east_coast = piece_template(rules=(REMOTE,), free=(FreeRule(("CN/Zhejiang", "CN/Jiangsu"), 9900, None),))
    # when 120.00 of goods ship
    order = pieces(1, "120.00")
    # then the listed regions ship free and the others pay the rule that prices them
    assert shipping_fee(all_china, order, XINJIANG, "CNY") == Money.zero("CNY")
    assert shipping_fee(all_china, order, US, "CNY") == cny("10.00")
    assert shipping_fee(east_coast, order, ZHEJIANG, "CNY") == Money.zero("CNY")
    assert shipping_fee(east_coast, order, XINJIANG, "CNY") == cny("20.00")
    assert shipping_fee(east_coast, order, Destination("CN"), "CNY") == cny("10.00")


# --- regions the store does not deliver to (不配送区域) ------------------------------------------


def test_excluded_region_is_not_deliverable() -> None:
    # given a template that prices China but does not deliver to Tibet
    template = piece_template(rules=(CHINA,), excluded_regions=("CN/Tibet",))
    # when a piece goes to Tibet, then it is refused as not deliverable (422)
    with pytest.raises(NotDeliverable) as raised:
        shipping_fee(template, pieces(1), Destination("CN", "Tibet"), "CNY")
    assert raised.value.code == "not-deliverable"
    assert raised.value.status == 422
    # when it goes to Zhejiang, then the China rule prices it
    assert shipping_fee(template, pieces(1), ZHEJIANG, "CNY") == cny("8.00")


def test_excluded_country_covers_its_regions_even_when_shipping_would_be_free() -> None:
    # given a template free everywhere that does not deliver to Russia
    template = piece_template(free=(FreeRule((), 0, None),), excluded_regions=("RU",))
    # when a piece goes to Moscow, then it is not deliverable
    with pytest.raises(NotDeliverable):
        shipping_fee(template, pieces(1), Destination("RU", "Moscow"), "CNY")


def test_a_region_cannot_be_both_priced_and_excluded() -> None:
    # given a rule pricing Xinjiang, when all of China is excluded, then the template is refused
    with pytest.raises(InvalidInput, match="excluded"):
        piece_template(rules=(REMOTE,), excluded_regions=("CN",))


def test_a_region_cannot_be_priced_by_two_rules() -> None:
    # given a China rule, when another rule prices China too, then the template is refused
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
    # given no lines, then the quote is nothing
    assert quote([], ZHEJIANG, "CNY") == Money.zero("CNY")
    # given one template that delivers to Tibet and one that does not, when an order to Tibet uses both,
    # then the whole order is not deliverable
    no_tibet = piece_template(excluded_regions=("CN/Tibet",))
    with pytest.raises(NotDeliverable):
        quote([(piece_template(), pieces(1)), (no_tibet, pieces(1))], Destination("CN", "Tibet"), "CNY")


# --- fee properties -----------------------------------------------------------------------------


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
    # given any orders under several templates, when they are quoted together
    expected = sum(shipping_fee(t, ls, destination, "CNY").minor for t, ls in groups)
    # then the quote is the sum of each template's own fee
    assert quote(groups, destination, "CNY") == Money(expected, "CNY")
