"""The pricing engine on offers counted per unit, limited in number, or kept for some buyers (RULES.md §3.6):
+1 yuan, second half price, buy 3 get 1, bulk, early bird, bundles, first buyers and flash sales, member, new- and
returning-customer prices, points. Threshold reductions, gifts, free shipping and item prices are in test_rules.py.

Money is CNY minor units: 100 is ¥1.00. Unless a test says otherwise the cart
belongs to store 1 and the promotion covers the whole store.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pricing_builders import T0, line, line_off, pct, price, promo, sku_scope, verdict
from shopkeeper.promotions.engine.benefits import (
    BulkPrice,
    Bundle,
    EarlyBird,
    NthUnit,
    PointsPrice,
    QuantityTier,
    TimeStep,
    UnitPrice,
)
from shopkeeper.promotions.engine.terms import Audience, Shopper

# --- per-unit offers: +1 yuan, second half price, buy 3 get 1, bulk, early bird, bundles -----------------

def test_one_more_for_one_yuan() -> None:
    """加一元多一件 (RULES.md §3.6.1 family 1, 附加式)."""
    # given every second unit at ¥1, on a ¥30 item
    plus_one_yuan = NthUnit(every=2, price=100)
    # when two are bought, then the second costs ¥1; when three, then the third is full price
    assert price([line(1, 3000, 2)], [promo(1, plus_one_yuan)]).payable == 3100
    assert price([line(1, 3000, 3)], [promo(1, plus_one_yuan)]).payable == 6100
    # when one is bought, then it is one unit short
    one = price([line(1, 3000)], [promo(1, plus_one_yuan)])
    assert (verdict(one, 1).reason, verdict(one, 1).detail) == ("below_quantity", {"short": 1, "threshold": 2})


def test_second_unit_half_price() -> None:
    """第二件半价 (RULES.md §3.6.1 family 2, 连贯式): half of ¥49.99 is 2499.5 → 2500."""
    # given the second unit half price, when two ¥49.99 units are bought
    cart = price([line(1, 4999, 2)], [promo(1, NthUnit(every=2, percent_off=pct("0.5")))])
    # then 2500 comes off the second: 4999 + 2499
    assert cart.payable == 7498


def test_buy_three_the_cheapest_is_free_across_skus() -> None:
    """买3免1 (RULES.md §3.6.2, Tmall merchant tools)."""
    # given buy three, one free, across SKUs
    buy_3_free_1 = NthUnit(every=3, percent_off=pct("1"), same_sku=False)
    # when ¥50, ¥20 and ¥30 items are bought
    cart = price([line(1, 5000), line(2, 2000), line(3, 3000)], [promo(1, buy_3_free_1)])
    # then the ¥20 one, the cheapest, is free
    assert cart.payable == 8000
    assert [ln.payable for ln in cart.lines] == [5000, 0, 3000]


def test_buy_three_free_one_repeats_per_three_units() -> None:
    # given buy three, one free, on a ¥10 item
    buy_3_free_1 = NthUnit(every=3, percent_off=pct("1"), same_sku=False)
    # when six are bought, then two are free; when five, then one
    assert price([line(1, 1000, 6)], [promo(1, buy_3_free_1)]).payable == 4000
    assert price([line(1, 1000, 5)], [promo(1, buy_3_free_1)]).payable == 4000


BULK = BulkPrice((QuantityTier(2, pct("0.05")), QuantityTier(3, pct("0.1"))))  # 多买多便宜


@pytest.mark.parametrize("quantity, payable", [(1, 2000), (2, 3800), (3, 5400), (5, 9000)])
def test_buy_more_pay_less_per_unit(quantity: int, payable: int) -> None:
    """多买多便宜 (RULES.md §3.6.1 family 12, 阶梯式): 2 units 5% off each, 3 or more 10% off each."""
    # given a ¥20 item, when `quantity` units are bought, then each costs less the more are bought
    assert price([line(1, 2000, quantity)], [promo(1, BULK)]).payable == payable


def test_buy_more_below_the_first_tier_is_explained() -> None:
    # given 5% off from two units, when one ¥20 unit is bought
    cart = price([line(1, 2000)], [promo(1, BULK)])
    # then the verdict says it is one unit short
    assert (verdict(cart, 1).reason, verdict(cart, 1).detail) == ("below_quantity", {"short": 1, "threshold": 2})


EARLY = EarlyBird((TimeStep(T0 - timedelta(hours=1), pct("0.3")), TimeStep(T0 + timedelta(hours=1), pct("0.2")),
                   TimeStep(T0 + timedelta(days=1), pct("0.1"))))


@pytest.mark.parametrize("now, payable", [
    (T0 - timedelta(hours=2), 7000),  # first hour: 30% off
    (T0, 8000),  # the first step has passed: 20% off
    (T0 + timedelta(hours=1), 9000),  # a step ends at its `until`: 10% off
])
def test_early_bird_the_earlier_the_cheaper(now, payable) -> None:
    """早买早便宜 (RULES.md §3.6.1 family 12, 阶梯式)."""
    # given 30%, then 20%, then 10% off as time passes, when a ¥100 item is bought at `now`
    # then the step running at that moment sets the price
    assert price([line(1, 10000)], [promo(1, EARLY)], now=now).payable == payable


def test_early_bird_after_the_last_step_has_ended() -> None:
    # given the early-bird steps, when the item is bought after the last has ended
    cart = price([line(1, 10000)], [promo(1, EARLY)], now=T0 + timedelta(days=2))
    # then it costs list and the verdict says the offer ended
    assert cart.payable == 10000 and verdict(cart, 1).reason == "ended"


def test_bundle_price_for_a_complete_set() -> None:
    """套餐/搭配 (RULES.md §3.6.1 family 2, 搭配促销): A ¥60 + B ¥40 together for ¥80."""
    set_meal = Bundle({1: 1, 2: 1}, price=8000)
    # given two A and one B
    cart = price([line(1, 6000, 2), line(2, 4000)], [promo(1, set_meal, kind="bundle")])
    # then one complete set: ¥20 off, split 6000 : 4000 → 1200 and 800; the second A stays at list
    assert cart.payable == 6000 * 2 + 4000 - 2000
    assert line_off(cart, 1, 1) == 1200 and line_off(cart, 2, 1) == 800
    assert verdict(cart, 1).detail == {"sets": 1}


def test_bundle_without_all_its_pieces_is_explained() -> None:
    # given the A + B set, when only A is bought
    cart = price([line(1, 6000)], [promo(1, Bundle({1: 1, 2: 1}, price=8000))])
    # then the verdict names the missing B
    assert (verdict(cart, 1).reason, verdict(cart, 1).detail) == ("bundle_incomplete", {"sku_id": 2})


# --- limited quantities: first buyers, flash sales ------------------------------------------------------

def test_first_buyers_half_price_is_limited_to_the_slots_left() -> None:
    """前十购买者专享半价 (RULES.md §3.6.1 family 1): one slot left, two units bought."""
    # given half price for the first buyers with one slot left, when two ¥40 units are bought
    first_ten = promo(1, UnitPrice(percent_off=pct("0.5")), allowance=1, kind="first_buyers")
    cart = price([line(1, 4000, 2)], [first_ten])
    # then one is half price and the other list
    assert cart.payable == 2000 + 4000
    assert verdict(cart, 1).detail == {"units_limited": 1}


def test_first_buyers_with_no_slot_left() -> None:
    # given half price for the first buyers with no slot left, when a ¥40 unit is bought
    cart = price([line(1, 4000)], [promo(1, UnitPrice(percent_off=pct("0.5")), allowance=0)])
    # then it costs list and the verdict says the limit is reached
    assert cart.payable == 4000 and verdict(cart, 1).reason == "limit_reached"


def test_flash_sale_units_beyond_the_cap_are_at_list_price() -> None:
    """秒杀 with a per-buyer cap of two (RULES.md §3.1 element 6, 购买上限)."""
    # given a ¥50 flash price on a ¥99 item, two a buyer, when three are bought
    flash = promo(1, UnitPrice(price=5000), allowance=2, kind="flash_sale", tags=frozenset({"flash_sale"}))
    cart = price([line(1, 9900, 3)], [flash])
    # then two are at the flash price and the third at list
    assert cart.payable == 5000 * 2 + 9900
    assert verdict(cart, 1).amount == 9800


# --- who may have it: members, new and returning customers, birthdays, targeted lists ---------------

MEMBER_PRICE = UnitPrice(price=8000)


def test_member_price_for_gold_and_above() -> None:
    """VIP price (RULES.md §3.6.1 family 15)."""
    # given an ¥80 price for gold members and above on a ¥100 item
    gold = promo(1, MEMBER_PRICE, audience=Audience(min_member_level="gold"))
    # when a platinum member buys it, then it costs ¥80
    assert price([line(1, 10000)], [gold], shopper=Shopper(member_level="platinum")).payable == 8000
    # when a silver member buys it, then it costs list and the verdict names both levels
    silver = price([line(1, 10000)], [gold], shopper=Shopper(member_level="silver"))
    assert silver.payable == 10000
    v = verdict(silver, 1)
    assert (v.reason, v.detail) == ("member_level_too_low", {"needs": "gold", "has": "silver"})


@pytest.mark.parametrize("audience, shopper, reason", [
    (Audience(customer="new"), Shopper(paid_orders=0), "applied"),  # 新顾客优惠
    (Audience(customer="new"), Shopper(paid_orders=2), "new_customers_only"),
    (Audience(customer="returning"), Shopper(paid_orders=1), "applied"),  # 老顾客优惠价
    (Audience(customer="returning"), Shopper(paid_orders=0), "returning_customers_only"),
    (Audience(birthday_month=True), Shopper(birthday_month=True), "applied"),  # 生日特惠
    (Audience(birthday_month=True), Shopper(birthday_month=False), "birthday_month_only"),
    (Audience(buyer_ids=frozenset({42})), Shopper(buyer_id=42), "applied"),  # 定向
    (Audience(buyer_ids=frozenset({42})), Shopper(buyer_id=7), "not_targeted"),
])
def test_audience_prices(audience: Audience, shopper: Shopper, reason: str) -> None:
    """Role, new-, returning-customer and birthday prices (RULES.md §3.6.1 families 1 and 15)."""
    # given an ¥80 price for some buyers on a ¥100 item, when this shopper buys it
    cart = price([line(1, 10000)], [promo(1, MEMBER_PRICE, audience=audience)], shopper=shopper)
    # then a buyer it is for pays ¥80, and any other pays list with the reason why
    assert verdict(cart, 1).reason == reason
    assert cart.payable == (8000 if reason == "applied" else 10000)


# --- points: spending and earning --------------------------------------------------------------------

def test_points_plus_cash_as_far_as_the_balance_goes() -> None:
    """淘金币价: ¥50 + 1000 points for an ¥80 item (RULES.md §3.6.2)."""
    coins = promo(1, PointsPrice(cash=5000, points=1000))
    # given 1500 points and two units
    cart = price([line(1, 8000, 2)], [coins], shopper=Shopper(points_balance=1500))
    # then one unit is at ¥50 + 1000 points, the other at ¥80
    assert cart.payable == 5000 + 8000
    assert cart.points_spent == 1000 and cart.lines[0].points_spent == 1000


def test_points_plus_cash_without_enough_points() -> None:
    # given ¥50 + 1000 points for an ¥80 item, when a buyer with 500 points buys it
    cart = price([line(1, 8000)], [promo(1, PointsPrice(cash=5000, points=1000))], shopper=Shopper(points_balance=500))
    # then it costs ¥80 and the verdict says 1000 points are needed
    assert cart.payable == 8000
    assert (verdict(cart, 1).reason, verdict(cart, 1).detail) == ("not_enough_points", {"needs": 1000})


def test_zero_yuan_purchase_still_pays_shipping() -> None:
    """0元购: price 0, the buyer pays postage (RULES.md §3.1, 0-yuan case)."""
    # given a ¥39 item at ¥0 and ¥8 shipping
    cart = price([line(1, 3900)], [promo(1, UnitPrice(price=0), kind="zero_yuan")], shipping={1: 800})
    # then the goods cost nothing and the buyer pays the ¥8 shipping
    assert cart.goods_payable == 0 and cart.payable == 800


@pytest.mark.parametrize("points_per_unit, earned", [(1, 123), (2, 246), (0, 0)])
def test_points_are_earned_on_what_is_paid_except_where_a_promotion_says_no(points_per_unit: int, earned: int) -> None:
    # given ¥123.45 paid on a line that earns and a ¥50 line at a no-points price
    no_points = promo(1, UnitPrice(percent_off=pct("0.1")), scope=sku_scope(2), earns_points=False)
    cart = price([line(1, 12345), line(2, 5000)], [no_points], points_per_unit=points_per_unit)
    # then points on ¥123.45 only, whole yuan
    assert cart.lines[1].earns_points is False
    assert cart.points_earned == earned
