"""The pricing engine, one promotion kind at a time, with the money worked out by hand (RULES.md §3.6): threshold
reductions, gifts, free shipping and item prices. Per-unit offers, limited quantities, audiences and points are in
test_unit_offers.py; coupons, stacking, the platform, the order of stages and the explanations in test_stacking.py.

Money is CNY minor units: 100 is ¥1.00. Unless a test says otherwise the cart
belongs to store 1 and the promotion covers the whole store.
"""

from __future__ import annotations

import pytest

from pricing_builders import (
    OTHER_STORE,
    category_scope,
    coupon,
    line,
    pct,
    price,
    promo,
    sku_scope,
    verdict,
)
from shopkeeper.promotions.engine.benefits import FreeShipping, Gift, Reduction, Tier, UnitPrice
from shopkeeper.promotions.engine.results import Allocation, Hint
from shopkeeper.promotions.engine.terms import GiftSku

GIFT = 90
MUG = {GIFT: GiftSku(product_id=900, store_id=1, unit_price=2500, available=3)}  # a ¥25 mug, three in stock


# --- 满减: threshold reductions ---------------------------------------------------------------------

TIERED = Reduction((Tier(10000, 1000), Tier(20000, 3000)))  # 满100减10 / 满200减30


@pytest.mark.parametrize("lines, payable, off", [
    ([line(1, 15000)], 14000, 1000),  # ¥150 reaches the first tier only
    ([line(1, 12000), line(2, 13000)], 22000, 3000),  # ¥250 reaches 满200减30
    ([line(1, 20000)], 17000, 3000),  # exactly on the threshold counts
])
def test_multi_tier_reduction_takes_the_highest_tier_reached(lines, payable, off) -> None:
    """满100减10 / 满200减30 (RULES.md §3.6.1 family 8, 满立减)."""
    # given a cart of ¥150, ¥250 or exactly ¥200, when it is priced under 满100减10 / 满200减30
    cart = price(lines, [promo(1, TIERED, kind="threshold_reduction")])
    # then the highest tier reached is taken off
    assert cart.payable == payable
    assert verdict(cart, 1).applied and verdict(cart, 1).amount == off


def test_a_reduction_is_shared_by_the_lines_in_proportion_to_what_they_cost() -> None:
    # given ¥120 and ¥130 under 满200减30
    cart = price([line(1, 12000), line(2, 13000)], [promo(1, TIERED)])
    # then 3000 splits 12000 : 13000 → 1440 and 1560
    assert [ln.payable for ln in cart.lines] == [10560, 11440]
    assert cart.lines[0].discounts == (Allocation(1, "store", 1440),)


def test_below_the_first_tier_nothing_is_taken_and_the_shortfall_is_explained() -> None:
    # given ¥99.99 under 满100减10
    cart = price([line(1, 9999)], [promo(1, TIERED)])
    # then nothing off, and the buyer is one fen short
    assert cart.payable == 9999
    v = verdict(cart, 1)
    assert (v.applied, v.reason, v.detail) == (False, "below_threshold", {"short": 1, "threshold": 10000})
    # and the hint says: add ¥0.01 to save ¥10
    assert cart.hint == Hint(1, "promotion 1", "amount", 1, 1000)


def test_the_hint_points_at_the_next_tier_up() -> None:
    # given ¥150 under 满100减10 / 满200减30
    cart = price([line(1, 15000)], [promo(1, TIERED)])
    # then adding ¥50 reaches 满200减30: ¥30 instead of ¥10, ¥20 more
    assert cart.hint == Hint(1, "promotion 1", "amount", 5000, 2000)


EVERY_100 = Reduction((Tier(10000, 1000),), every=10000, cap=3000)  # 每满100减10, at most ¥30


@pytest.mark.parametrize("list_price, payable", [
    (9900, 9900),  # not one whole ¥100
    (25000, 23000),  # two whole ¥100s: ¥20
    (39999, 36999),  # three: ¥30
    (55000, 52000),  # five would be ¥50, capped at ¥30
])
def test_repeating_reduction_counts_each_whole_step_up_to_the_cap(list_price, payable) -> None:
    """每满100减10, 封顶30 (RULES.md §3.6.1 family 9, 满就减)."""
    # given ¥10 off each whole ¥100, at most ¥30, when a cart of `list_price` is priced
    cart = price([line(1, list_price)], [promo(1, EVERY_100)])
    # then ¥10 comes off per whole ¥100, never more than ¥30
    assert cart.payable == payable


def test_repeating_reduction_hints_at_the_next_step_until_the_cap() -> None:
    # given 每满100减10 capped at ¥30
    # when the cart is ¥250, then one more ¥50 gives a third ¥10
    assert price([line(1, 25000)], [promo(1, EVERY_100)]).hint == Hint(1, "promotion 1", "amount", 5000, 1000)
    # when the cart is ¥550, already at the ¥30 cap, then there is nothing left to win
    assert price([line(1, 55000)], [promo(1, EVERY_100)]).hint is None


def test_two_pieces_twenty_percent_off_counts_units_not_money() -> None:
    """满2件8折: the threshold is a unit count (RULES.md §3.6.1 family 9, 拼单折扣)."""
    two_for_80 = Reduction((Tier(2, percent_off=pct("0.2")),), basis="quantity")
    # given ¥50 and ¥30, one each
    cart = price([line(1, 5000), line(2, 3000)], [promo(1, two_for_80)])
    # then 20% of ¥80 = ¥16, split 5000 : 3000 → 1000 and 600
    assert cart.payable == 6400
    assert [ln.payable for ln in cart.lines] == [4000, 2400]
    # when one unit is alone, then it is one short
    one = price([line(1, 5000)], [promo(1, two_for_80)])
    assert one.payable == 5000
    assert (verdict(one, 1).reason, verdict(one, 1).detail) == ("below_quantity", {"short": 1, "threshold": 2})
    assert one.hint == Hint(1, "promotion 1", "quantity", 1, 1000)


# --- 满送 / 有买有赠 / 买A送B: gifts ---------------------------------------------------------------------

def test_threshold_gift_adds_the_gift_line_at_zero_price() -> None:
    """满额赠送 (RULES.md §3.6.1 family 6)."""
    # given ¥120 of goods, 满100送 a ¥25 mug with three in stock
    cart = price([line(1, 12000)], [promo(1, Gift(GIFT, threshold=10000), kind="threshold_gift")], gifts=MUG)
    # then a gift line of one mug, worth ¥25, costs nothing; the goods still cost ¥120
    gift = cart.lines[-1]
    assert (gift.sku_id, gift.quantity, gift.list_total, gift.payable, gift.gift) == (GIFT, 1, 2500, 0, True)
    assert cart.payable == 12000
    assert verdict(cart, 1).amount == 2500 and verdict(cart, 1).detail == {"sku_id": GIFT, "units": 1}


def test_a_gift_out_of_stock_is_explained_not_added() -> None:
    # given ¥120 of goods under 满100送 a mug, and no mug left
    no_mugs = {GIFT: GiftSku(product_id=900, store_id=1, unit_price=2500, available=0)}
    cart = price([line(1, 12000)], [promo(1, Gift(GIFT, threshold=10000))], gifts=no_mugs)
    # then no gift line is added and the verdict says the gift is out of stock
    assert len(cart.lines) == 1
    v = verdict(cart, 1)
    assert (v.applied, v.reason, v.detail) == (False, "gift_out_of_stock", {"sku_id": GIFT})


def test_below_the_gift_threshold_the_hint_names_the_gift() -> None:
    # given ¥80 of goods under 满100送 a ¥25 mug
    cart = price([line(1, 8000)], [promo(1, Gift(GIFT, threshold=10000))], gifts=MUG)
    # then: add ¥20 to get the ¥25 mug
    assert verdict(cart, 1).reason == "below_threshold"
    assert cart.hint == Hint(1, "promotion 1", "amount", 2000, 2500, gift_sku_id=GIFT)


def test_buy_a_get_b_gives_one_b_per_a() -> None:
    """买A送B, per threshold (RULES.md §3.6.1 family 1, 赠送式)."""
    buy_a_get_b = Gift(GIFT, threshold=1, basis="quantity", per_threshold=True)
    # given two A and a C that does not count
    cart = price([line(1, 3000, 2), line(2, 1000)], [promo(1, buy_a_get_b, scope=sku_scope(1))], gifts=MUG)
    # then two mugs at zero price
    gift = cart.lines[-1]
    assert (gift.sku_id, gift.quantity, gift.payable) == (GIFT, 2, 0)
    assert cart.payable == 7000


def test_gifts_stop_at_the_stock_left() -> None:
    # given a mug for every A and three mugs in stock
    buy_a_get_b = Gift(GIFT, threshold=1, basis="quantity", per_threshold=True)
    # when five A are bought
    cart = price([line(1, 3000, 5)], [promo(1, buy_a_get_b, scope=sku_scope(1))], gifts=MUG)
    # then five mugs are earned and three given
    assert cart.lines[-1].quantity == 3


# --- 包邮: free shipping ------------------------------------------------------------------------------

def test_free_shipping_above_an_amount() -> None:
    # given ¥8 shipping and 满99包邮
    free_over_99 = FreeShipping(9900)
    # when ¥100 of goods are priced
    cart = price([line(1, 10000)], [promo(1, free_over_99)], shipping={1: 800})
    # then shipping is free: ¥100 to pay
    assert cart.payable == 10000 and cart.shipping_payable == 0
    assert cart.shipping[0].discounts == (Allocation(1, "store", 800),)
    assert verdict(cart, 1).stage == "shipping"


def test_below_the_free_shipping_amount_the_hint_offers_the_fee() -> None:
    # given ¥8 shipping and 满99包邮, when ¥50 of goods are priced
    cart = price([line(1, 5000)], [promo(1, FreeShipping(9900))], shipping={1: 800})
    # then the fee is paid, the buyer is ¥49 short, and the hint offers the ¥8 fee for ¥49 more
    assert cart.payable == 5800
    assert (verdict(cart, 1).reason, verdict(cart, 1).detail) == ("below_threshold", {"short": 4900, "threshold": 9900})
    assert cart.hint == Hint(1, "promotion 1", "amount", 4900, 800, free_shipping=True)


def test_free_shipping_for_three_pieces_counts_units() -> None:
    """满几件包邮 (RULES.md §3.6.1 family 9)."""
    # given ¥10 shipping free from three pieces
    three_pieces = FreeShipping(3, basis="quantity")
    # when three pieces are bought, then shipping is free
    assert price([line(1, 1000, 2), line(2, 500)], [promo(1, three_pieces)], shipping={1: 1000}).payable == 2500
    # when two are bought, then shipping is paid and the hint says one more piece saves ¥10
    two = price([line(1, 1000, 2)], [promo(1, three_pieces)], shipping={1: 1000})
    assert two.payable == 3000 and two.hint == Hint(1, "promotion 1", "quantity", 1, 1000, free_shipping=True)


def test_free_shipping_covers_only_the_store_whose_lines_it_covers() -> None:
    # given store 1's free shipping and a cart from store 1 and another store
    cart = price([line(1, 10000), line(6, 10000, store=OTHER_STORE)], [promo(1, FreeShipping(0))],
                 shipping={1: 800, OTHER_STORE: 1200})
    # then store 1 ships free and the other store's fee is paid
    assert [(s.store_id, s.payable) for s in cart.shipping] == [(1, 0), (OTHER_STORE, 1200)]


def test_a_free_shipping_coupon_is_a_coupon() -> None:
    """包邮券 (RULES.md §3.6.1 family 5)."""
    # given a free-shipping coupon and ¥6 shipping on ¥30 of goods
    cart = price([line(1, 3000)], [coupon(1, FreeShipping())], shipping={1: 600})
    # then shipping is free, taken at the coupon stage, and the coupon is used
    assert cart.payable == 3000
    v = verdict(cart, 1)
    assert (v.stage, v.coupon_id, v.amount) == ("coupon", 1001, 600)
    assert cart.coupon_ids() == [1001]


# --- item prices: discounts, floors, caps, uniform prices --------------------------------------------

def test_percentage_off_one_sku_rounds_each_unit_half_up() -> None:
    # given 15% off SKU 1 at ¥33.33, three units, and another SKU at ¥10
    cart = price([line(1, 3333, 3), line(2, 1000)], [promo(1, UnitPrice(percent_off=pct("0.15")), scope=sku_scope(1))])
    # then 15% of ¥33.33 is 499.95 → 500 per unit: 2833 × 3 = 8499, and the other SKU pays list
    assert [ln.payable for ln in cart.lines] == [8499, 1000]
    assert verdict(cart, 1).amount == 1500


def test_percentage_off_a_category() -> None:
    # given 10% off category 7, when a ¥50 item of category 7 and one of category 8 are priced
    cart = price([line(1, 5000, category=7), line(2, 5000, category=8)],
                 [promo(1, UnitPrice(percent_off=pct("0.1")), scope=category_scope(7))])
    # then only the category 7 item is discounted
    assert [ln.payable for ln in cart.lines] == [4500, 5000]


def test_fixed_amount_off_the_whole_store_never_goes_below_zero() -> None:
    # given ¥5 off every unit, when two ¥20 units and a ¥3 item are priced
    cart = price([line(1, 2000, 2), line(2, 300)], [promo(1, UnitPrice(amount_off=500))])
    # then ¥20 → ¥15 (×2), and the ¥3 item becomes free, not −¥2
    assert [ln.payable for ln in cart.lines] == [3000, 0]
    assert verdict(cart, 1).amount == 1300


def test_from_ten_percent_keeps_every_price_at_or_above_its_floor() -> None:
    """1折起: no price below 10% of list (RULES.md §3.6.1 family 11, 最低额)."""
    # given SKU prices of ¥0.50 and ¥40 with a floor of 10% of list
    from_10_percent = UnitPrice(prices={1: 50, 2: 4000}, floor_percent=pct("0.1"))
    # when ¥10, ¥50 and ¥20 items are priced
    cart = price([line(1, 1000), line(2, 5000), line(3, 2000)], [promo(1, from_10_percent)])
    # then ¥10 asked at ¥0.50 is held at ¥1.00; ¥50 at ¥40 is above its ¥5 floor; the third has no price
    assert [ln.payable for ln in cart.lines] == [100, 4000, 2000]


def test_lowest_twenty_percent_floors_a_deeper_discount() -> None:
    """全场最低2折."""
    # given 95% off floored at 20% of list, when a ¥10 item is priced, then it costs ¥2
    cart = price([line(1, 1000)], [promo(1, UnitPrice(percent_off=pct("0.95"), floor_percent=pct("0.2")))])
    assert cart.payable == 200


def test_whole_store_capped_at_fifty() -> None:
    """全场50封顶 (RULES.md §3.6.1 family 11, 最高额)."""
    # given no item above ¥50, when an ¥80 and a ¥30 item are priced
    cart = price([line(1, 8000), line(2, 3000)], [promo(1, UnitPrice(cap=5000))])
    # then the ¥80 item costs ¥50 and the ¥30 item is untouched
    assert [ln.payable for ln in cart.lines] == [5000, 3000]
    assert verdict(cart, 1).amount == 3000
    assert cart.lines[1].discounts == ()


def test_everything_two_yuan() -> None:
    """全场两元 (RULES.md §3.6.1 family 8, 统一价): a cheaper item keeps its own price."""
    # given everything at ¥2, when two ¥5 units and a ¥1.50 item are priced
    cart = price([line(1, 500, 2), line(2, 150)], [promo(1, UnitPrice(price=200))])
    # then the ¥5 units cost ¥2 each and the ¥1.50 item keeps its price
    assert [ln.payable for ln in cart.lines] == [400, 150]
