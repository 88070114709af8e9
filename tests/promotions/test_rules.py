"""The pricing engine, one promotion kind at a time, with the money worked out by hand (RULES.md §3.6).

Money is CNY minor units: 100 is ¥1.00. Unless a test says otherwise the cart
belongs to store 1 and the promotion covers the whole store.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from pricing_builders import (
    OTHER_STORE,
    T0,
    allocated,
    category_scope,
    coupon,
    line,
    line_off,
    platform_scope,
    price,
    promo,
    sku_scope,
    store_scope,
    verdict,
)
from shopkeeper.promotions.engine.benefits import (
    BulkPrice,
    Bundle,
    EarlyBird,
    FreeShipping,
    Gift,
    NthUnit,
    PointsPrice,
    QuantityTier,
    Reduction,
    Tier,
    TimeStep,
    UnitPrice,
)
from shopkeeper.promotions.engine.results import Allocation, Hint, Step
from shopkeeper.promotions.engine.terms import Audience, GiftSku, Scope, Shopper

GIFT = 90
MUG = {GIFT: GiftSku(product_id=900, store_id=1, unit_price=2500, available=3)}


def pct(text: str) -> Decimal:
    return Decimal(text)


# --- 满减: threshold reductions ---------------------------------------------------------------------

TIERED = Reduction((Tier(10000, 1000), Tier(20000, 3000)))  # 满100减10 / 满200减30


@pytest.mark.parametrize("lines, payable, off", [
    ([line(1, 15000)], 14000, 1000),  # ¥150 reaches the first tier only
    ([line(1, 12000), line(2, 13000)], 22000, 3000),  # ¥250 reaches 满200减30
    ([line(1, 20000)], 17000, 3000),  # exactly on the threshold counts
])
def test_multi_tier_reduction_takes_the_highest_tier_reached(lines, payable, off) -> None:
    """满100减10 / 满200减30 (RULES.md §3.6.1 family 8, 满立减)."""
    cart = price(lines, [promo(1, TIERED, kind="threshold_reduction")])
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
    cart = price([line(1, list_price)], [promo(1, EVERY_100)])
    assert cart.payable == payable


def test_repeating_reduction_hints_at_the_next_step_until_the_cap() -> None:
    # ¥250: one more ¥50 gives a third ¥10
    assert price([line(1, 25000)], [promo(1, EVERY_100)]).hint == Hint(1, "promotion 1", "amount", 5000, 1000)
    # ¥550: already at the ¥30 cap, nothing left to win
    assert price([line(1, 55000)], [promo(1, EVERY_100)]).hint is None


def test_two_pieces_twenty_percent_off_counts_units_not_money() -> None:
    """满2件8折: the threshold is a unit count (RULES.md §3.6.1 family 9, 拼单折扣)."""
    two_for_80 = Reduction((Tier(2, percent_off=pct("0.2")),), basis="quantity")
    # given ¥50 and ¥30, one each
    cart = price([line(1, 5000), line(2, 3000)], [promo(1, two_for_80)])
    # then 20% of ¥80 = ¥16, split 5000 : 3000 → 1000 and 600
    assert cart.payable == 6400
    assert [ln.payable for ln in cart.lines] == [4000, 2400]
    # and one unit alone is one short
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
    no_mugs = {GIFT: GiftSku(product_id=900, store_id=1, unit_price=2500, available=0)}
    cart = price([line(1, 12000)], [promo(1, Gift(GIFT, threshold=10000))], gifts=no_mugs)
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
    buy_a_get_b = Gift(GIFT, threshold=1, basis="quantity", per_threshold=True)
    cart = price([line(1, 3000, 5)], [promo(1, buy_a_get_b, scope=sku_scope(1))], gifts=MUG)
    assert cart.lines[-1].quantity == 3  # five earned, three in stock


# --- 包邮: free shipping ------------------------------------------------------------------------------

def test_free_shipping_above_an_amount() -> None:
    # given ¥8 shipping and 满99包邮
    free_over_99 = FreeShipping(9900)
    cart = price([line(1, 10000)], [promo(1, free_over_99)], shipping={1: 800})
    # then shipping is free: ¥100 to pay
    assert cart.payable == 10000 and cart.shipping_payable == 0
    assert cart.shipping[0].discounts == (Allocation(1, "store", 800),)
    assert verdict(cart, 1).stage == "shipping"


def test_below_the_free_shipping_amount_the_hint_offers_the_fee() -> None:
    cart = price([line(1, 5000)], [promo(1, FreeShipping(9900))], shipping={1: 800})
    assert cart.payable == 5800
    assert (verdict(cart, 1).reason, verdict(cart, 1).detail) == ("below_threshold", {"short": 4900, "threshold": 9900})
    assert cart.hint == Hint(1, "promotion 1", "amount", 4900, 800, free_shipping=True)


def test_free_shipping_for_three_pieces_counts_units() -> None:
    """满几件包邮 (RULES.md §3.6.1 family 9)."""
    three_pieces = FreeShipping(3, basis="quantity")
    assert price([line(1, 1000, 2), line(2, 500)], [promo(1, three_pieces)], shipping={1: 1000}).payable == 2500
    two = price([line(1, 1000, 2)], [promo(1, three_pieces)], shipping={1: 1000})
    assert two.payable == 3000 and two.hint == Hint(1, "promotion 1", "quantity", 1, 1000, free_shipping=True)


def test_free_shipping_covers_only_the_store_whose_lines_it_covers() -> None:
    cart = price([line(1, 10000), line(6, 10000, store=OTHER_STORE)], [promo(1, FreeShipping(0))],
                 shipping={1: 800, OTHER_STORE: 1200})
    assert [(s.store_id, s.payable) for s in cart.shipping] == [(1, 0), (OTHER_STORE, 1200)]


def test_a_free_shipping_coupon_is_a_coupon() -> None:
    """包邮券 (RULES.md §3.6.1 family 5)."""
    cart = price([line(1, 3000)], [coupon(1, FreeShipping())], shipping={1: 600})
    assert cart.payable == 3000
    v = verdict(cart, 1)
    assert (v.stage, v.coupon_id, v.amount) == ("coupon", 1001, 600)
    assert cart.coupon_ids() == [1001]


# --- item prices: discounts, floors, caps, uniform prices --------------------------------------------

def test_percentage_off_one_sku_rounds_each_unit_half_up() -> None:
    # 15% of ¥33.33 is 499.95 → 500 per unit: 2833 × 3 = 8499
    cart = price([line(1, 3333, 3), line(2, 1000)], [promo(1, UnitPrice(percent_off=pct("0.15")), scope=sku_scope(1))])
    assert [ln.payable for ln in cart.lines] == [8499, 1000]
    assert verdict(cart, 1).amount == 1500


def test_percentage_off_a_category() -> None:
    cart = price([line(1, 5000, category=7), line(2, 5000, category=8)],
                 [promo(1, UnitPrice(percent_off=pct("0.1")), scope=category_scope(7))])
    assert [ln.payable for ln in cart.lines] == [4500, 5000]


def test_fixed_amount_off_the_whole_store_never_goes_below_zero() -> None:
    # ¥5 off every unit: ¥20 → ¥15 (×2), and a ¥3 item becomes free, not −¥2
    cart = price([line(1, 2000, 2), line(2, 300)], [promo(1, UnitPrice(amount_off=500))])
    assert [ln.payable for ln in cart.lines] == [3000, 0]
    assert verdict(cart, 1).amount == 1300


def test_from_ten_percent_keeps_every_price_at_or_above_its_floor() -> None:
    """1折起: no price below 10% of list (RULES.md §3.6.1 family 11, 最低额)."""
    from_10_percent = UnitPrice(prices={1: 50, 2: 4000}, floor_percent=pct("0.1"))
    # ¥10 asked at ¥0.50 is held at ¥1.00; ¥50 at ¥40 is above its ¥5 floor
    cart = price([line(1, 1000), line(2, 5000), line(3, 2000)], [promo(1, from_10_percent)])
    assert [ln.payable for ln in cart.lines] == [100, 4000, 2000]


def test_lowest_twenty_percent_floors_a_deeper_discount() -> None:
    """全场最低2折."""
    cart = price([line(1, 1000)], [promo(1, UnitPrice(percent_off=pct("0.95"), floor_percent=pct("0.2")))])
    assert cart.payable == 200


def test_whole_store_capped_at_fifty() -> None:
    """全场50封顶 (RULES.md §3.6.1 family 11, 最高额)."""
    cart = price([line(1, 8000), line(2, 3000)], [promo(1, UnitPrice(cap=5000))])
    assert [ln.payable for ln in cart.lines] == [5000, 3000]
    assert verdict(cart, 1).amount == 3000
    assert cart.lines[1].discounts == ()


def test_everything_two_yuan() -> None:
    """全场两元 (RULES.md §3.6.1 family 8, 统一价): a cheaper item keeps its own price."""
    cart = price([line(1, 500, 2), line(2, 150)], [promo(1, UnitPrice(price=200))])
    assert [ln.payable for ln in cart.lines] == [400, 150]


# --- per-unit offers: +1 yuan, second half price, buy 3 get 1, bulk, early bird, bundles -----------------

def test_one_more_for_one_yuan() -> None:
    """加一元多一件 (RULES.md §3.6.1 family 1, 附加式)."""
    plus_one_yuan = NthUnit(every=2, price=100)
    assert price([line(1, 3000, 2)], [promo(1, plus_one_yuan)]).payable == 3100
    assert price([line(1, 3000, 3)], [promo(1, plus_one_yuan)]).payable == 6100  # the third is full price
    one = price([line(1, 3000)], [promo(1, plus_one_yuan)])
    assert (verdict(one, 1).reason, verdict(one, 1).detail) == ("below_quantity", {"short": 1, "threshold": 2})


def test_second_unit_half_price() -> None:
    """第二件半价 (RULES.md §3.6.1 family 2, 连贯式): half of ¥49.99 is 2499.5 → 2500."""
    cart = price([line(1, 4999, 2)], [promo(1, NthUnit(every=2, percent_off=pct("0.5")))])
    assert cart.payable == 7498


def test_buy_three_the_cheapest_is_free_across_skus() -> None:
    """买3免1 (RULES.md §3.6.2, Tmall merchant tools)."""
    buy_3_free_1 = NthUnit(every=3, percent_off=pct("1"), same_sku=False)
    cart = price([line(1, 5000), line(2, 2000), line(3, 3000)], [promo(1, buy_3_free_1)])
    assert cart.payable == 8000
    assert [ln.payable for ln in cart.lines] == [5000, 0, 3000]


def test_buy_three_free_one_repeats_per_three_units() -> None:
    buy_3_free_1 = NthUnit(every=3, percent_off=pct("1"), same_sku=False)
    assert price([line(1, 1000, 6)], [promo(1, buy_3_free_1)]).payable == 4000
    assert price([line(1, 1000, 5)], [promo(1, buy_3_free_1)]).payable == 4000


BULK = BulkPrice((QuantityTier(2, pct("0.05")), QuantityTier(3, pct("0.1"))))  # 多买多便宜


@pytest.mark.parametrize("quantity, payable", [(1, 2000), (2, 3800), (3, 5400), (5, 9000)])
def test_buy_more_pay_less_per_unit(quantity: int, payable: int) -> None:
    """多买多便宜 (RULES.md §3.6.1 family 12, 阶梯式): 2 units 5% off each, 3 or more 10% off each."""
    assert price([line(1, 2000, quantity)], [promo(1, BULK)]).payable == payable


def test_buy_more_below_the_first_tier_is_explained() -> None:
    cart = price([line(1, 2000)], [promo(1, BULK)])
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
    assert price([line(1, 10000)], [promo(1, EARLY)], now=now).payable == payable


def test_early_bird_after_the_last_step_has_ended() -> None:
    cart = price([line(1, 10000)], [promo(1, EARLY)], now=T0 + timedelta(days=2))
    assert cart.payable == 10000 and verdict(cart, 1).reason == "ended"


def test_bundle_price_for_a_complete_set() -> None:
    """套餐/搭配 (RULES.md §3.6.1 family 2, 搭配促销): A ¥60 + B ¥40 together for ¥80."""
    set_meal = Bundle({1: 1, 2: 1}, price=8000)
    cart = price([line(1, 6000, 2), line(2, 4000)], [promo(1, set_meal, kind="bundle")])
    # then one complete set: ¥20 off, split 6000 : 4000 → 1200 and 800; the second A stays at list
    assert cart.payable == 6000 * 2 + 4000 - 2000
    assert line_off(cart, 1, 1) == 1200 and line_off(cart, 2, 1) == 800
    assert verdict(cart, 1).detail == {"sets": 1}


def test_bundle_without_all_its_pieces_is_explained() -> None:
    cart = price([line(1, 6000)], [promo(1, Bundle({1: 1, 2: 1}, price=8000))])
    assert (verdict(cart, 1).reason, verdict(cart, 1).detail) == ("bundle_incomplete", {"sku_id": 2})


# --- limited quantities: first buyers, flash sales ------------------------------------------------------

def test_first_buyers_half_price_is_limited_to_the_slots_left() -> None:
    """前十购买者专享半价 (RULES.md §3.6.1 family 1): one slot left, two units bought."""
    first_ten = promo(1, UnitPrice(percent_off=pct("0.5")), allowance=1, kind="first_buyers")
    cart = price([line(1, 4000, 2)], [first_ten])
    assert cart.payable == 2000 + 4000
    assert verdict(cart, 1).detail == {"units_limited": 1}


def test_first_buyers_with_no_slot_left() -> None:
    cart = price([line(1, 4000)], [promo(1, UnitPrice(percent_off=pct("0.5")), allowance=0)])
    assert cart.payable == 4000 and verdict(cart, 1).reason == "limit_reached"


def test_flash_sale_units_beyond_the_cap_are_at_list_price() -> None:
    """秒杀 with a per-buyer cap of two (RULES.md §3.1 element 6, 购买上限)."""
    flash = promo(1, UnitPrice(price=5000), allowance=2, kind="flash_sale", tags=frozenset({"flash_sale"}))
    cart = price([line(1, 9900, 3)], [flash])
    assert cart.payable == 5000 * 2 + 9900
    assert verdict(cart, 1).amount == 9800


# --- who may have it: members, new and returning customers, birthdays, targeted lists ---------------

MEMBER_PRICE = UnitPrice(price=8000)


def test_member_price_for_gold_and_above() -> None:
    """VIP price (RULES.md §3.6.1 family 15)."""
    gold = promo(1, MEMBER_PRICE, audience=Audience(min_member_level="gold"))
    assert price([line(1, 10000)], [gold], shopper=Shopper(member_level="platinum")).payable == 8000
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
    cart = price([line(1, 10000)], [promo(1, MEMBER_PRICE, audience=audience)], shopper=shopper)
    assert verdict(cart, 1).reason == reason
    assert cart.payable == (8000 if reason == "applied" else 10000)


# --- points: spending and earning --------------------------------------------------------------------

def test_points_plus_cash_as_far_as_the_balance_goes() -> None:
    """淘金币价: ¥50 + 1000 points for an ¥80 item (RULES.md §3.6.2)."""
    coins = promo(1, PointsPrice(cash=5000, points=1000))
    # given 1500 points and two units: one unit at ¥50 + 1000 points, the other at ¥80
    cart = price([line(1, 8000, 2)], [coins], shopper=Shopper(points_balance=1500))
    assert cart.payable == 5000 + 8000
    assert cart.points_spent == 1000 and cart.lines[0].points_spent == 1000


def test_points_plus_cash_without_enough_points() -> None:
    cart = price([line(1, 8000)], [promo(1, PointsPrice(cash=5000, points=1000))], shopper=Shopper(points_balance=500))
    assert cart.payable == 8000
    assert (verdict(cart, 1).reason, verdict(cart, 1).detail) == ("not_enough_points", {"needs": 1000})


def test_zero_yuan_purchase_still_pays_shipping() -> None:
    """0元购: price 0, the buyer pays postage (RULES.md §3.1, 0-yuan case)."""
    cart = price([line(1, 3900)], [promo(1, UnitPrice(price=0), kind="zero_yuan")], shipping={1: 800})
    assert cart.goods_payable == 0 and cart.payable == 800


@pytest.mark.parametrize("points_per_unit, earned", [(1, 123), (2, 246), (0, 0)])
def test_points_are_earned_on_what_is_paid_except_where_a_promotion_says_no(points_per_unit: int, earned: int) -> None:
    # given ¥123.45 paid on a line that earns and a ¥50 line at a no-points price
    no_points = promo(1, UnitPrice(percent_off=pct("0.1")), scope=sku_scope(2), earns_points=False)
    cart = price([line(1, 12345), line(2, 5000)], [no_points], points_per_unit=points_per_unit)
    # then points on ¥123.45 only, whole yuan
    assert cart.lines[1].earns_points is False
    assert cart.points_earned == earned


# --- coupons -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("benefit, payable", [
    (Reduction((Tier(10000, 1500),)), 13500),  # 满100减15 on ¥150
    (Reduction((Tier(0, 500),)), 14500),  # ¥5 cash coupon
    (Reduction((Tier(0, percent_off=pct("0.12")),)), 13200),  # 12% off: ¥18
])
def test_coupon_kinds(benefit, payable: int) -> None:
    """优惠券 / 现金券 / 抵价券 (RULES.md §3.6.1 family 5)."""
    cart = price([line(1, 15000)], [coupon(1, benefit)])
    assert cart.payable == payable
    assert cart.coupon_ids() == [1001] and verdict(cart, 1).stage == "coupon"


def test_one_coupon_per_group_and_it_is_the_best() -> None:
    # given three store coupons on ¥150: ¥5 cash, 10% (¥15), 满100减20
    coupons = [coupon(1, Reduction((Tier(0, 500),))), coupon(2, Reduction((Tier(0, percent_off=pct("0.1")),))),
               coupon(3, Reduction((Tier(10000, 2000),)))]
    cart = price([line(1, 15000)], coupons)
    # then only 满100减20 is used
    assert cart.payable == 13000
    assert cart.coupon_ids() == [1003]
    assert cart.search == "exact"


def test_a_free_shipping_coupon_beats_a_smaller_cash_coupon_of_the_same_group() -> None:
    cart = price([line(1, 3000)], [coupon(1, Reduction((Tier(0, 500),))), coupon(2, FreeShipping())], shipping={1: 1000})
    assert cart.payable == 3000 and cart.coupon_ids() == [1002]


def test_coupons_of_different_groups_both_apply() -> None:
    # a store coupon and a platform voucher: ¥200 − ¥20 (store, 满100减20) − ¥10 (platform, 满150减10)
    store = coupon(1, Reduction((Tier(10000, 2000),)))
    platform = coupon(2, Reduction((Tier(15000, 1000),)), group="platform", funder="platform", scope=platform_scope())
    cart = price([line(1, 20000)], [store, platform])
    assert cart.payable == 17000
    assert verdict(cart, 2).stage == "platform"


def test_consumption_coupon_only_on_original_price_products() -> None:
    """消费券只能用于原价商品 (RULES.md §3.2)."""
    # given a ¥100 item on flash sale at ¥60, a ¥80 item at list price, and a full-price-only 满50减10 coupon
    flash = promo(1, UnitPrice(price=6000), scope=sku_scope(1), tags=frozenset({"flash_sale"}))
    voucher = coupon(2, Reduction((Tier(5000, 1000),)), full_price_only=True)
    cart = price([line(1, 10000), line(2, 8000)], [flash, voucher])
    # then the coupon counts and reduces only the ¥80 item: 6000 + 8000 − 1000
    assert cart.payable == 13000
    assert line_off(cart, 1, 2) == 0 and line_off(cart, 2, 2) == 1000


def test_consumption_coupon_on_a_cart_of_only_discounted_items_is_explained() -> None:
    flash = promo(1, UnitPrice(price=6000), scope=sku_scope(1))
    voucher = coupon(2, Reduction((Tier(5000, 1000),)), full_price_only=True)
    cart = price([line(1, 10000)], [flash, voucher])
    # the flash price (¥60) beats list with the coupon (¥90)
    assert cart.payable == 6000
    assert (verdict(cart, 2).reason, verdict(cart, 2).detail) == ("full_price_only", {"with": 1})


def test_juhuasuan_products_do_not_take_part() -> None:
    """聚划算商品不参加 the Christmas 满减 (RULES.md §3.2)."""
    juhuasuan = promo(1, UnitPrice(percent_off=pct("0.3")), scope=sku_scope(1), tags=frozenset({"juhuasuan"}))
    christmas = promo(2, Reduction((Tier(10000, 1500),)), excludes_tags=frozenset({"juhuasuan"}))
    # given ¥100 at 聚划算 −30% and a ¥120 item
    cart = price([line(1, 10000), line(2, 12000)], [juhuasuan, christmas])
    # then 满100减15 counts only the ¥120: 7000 + 12000 − 1500
    assert cart.payable == 17500
    assert line_off(cart, 1, 2) == 0 and line_off(cart, 2, 2) == 1500
    # and on the 聚划算 item alone it is refused by tag
    alone = price([line(1, 10000)], [juhuasuan, christmas])
    assert (verdict(alone, 2).reason, verdict(alone, 2).detail) == ("excluded_by_tag", {"with": "juhuasuan"})


def test_a_coupon_excluded_from_flash_sale_lines() -> None:
    flash = promo(1, UnitPrice(price=5000), scope=sku_scope(1), tags=frozenset({"flash_sale"}))
    voucher = coupon(2, Reduction((Tier(0, 1000),)), excludes_tags=frozenset({"flash_sale"}))
    cart = price([line(1, 9900), line(2, 3000)], [flash, voucher])
    assert cart.payable == 5000 + 3000 - 1000
    assert line_off(cart, 2, 2) == 1000


# --- stacking ------------------------------------------------------------------------------------------

def test_an_exclusive_price_keeps_every_other_promotion_off_its_line() -> None:
    # given an exclusive half price on a ¥100 item, a ¥60 item, and 满100减10 over the store
    half = promo(1, UnitPrice(percent_off=pct("0.5")), scope=sku_scope(1), stacking="exclusive")
    reduction = promo(2, Reduction((Tier(10000, 1000),)))
    cart = price([line(1, 10000), line(2, 6000)], [half, reduction])
    # then the reduction sees only ¥60 and is ¥40 short; half price wins over list with the reduction (¥150)
    assert cart.payable == 5000 + 6000
    v = verdict(cart, 2)
    assert (v.reason, v.detail) == ("below_threshold", {"short": 4000, "threshold": 10000})


def test_coupons_only_stacks_with_coupons_and_nothing_else() -> None:
    # given a coupons-only 20% price on ¥100, a store 满50减5 and a 满50减10 coupon
    member_day = promo(1, UnitPrice(percent_off=pct("0.2")), stacking="coupons_only")
    store_reduction = promo(2, Reduction((Tier(5000, 500),)))
    voucher = coupon(3, Reduction((Tier(5000, 1000),)))
    cart = price([line(1, 10000)], [member_day, store_reduction, voucher])
    # then 10000 − 2000 − 1000 = ¥70 (the alternative, 10000 − 500 − 1000, is ¥85)
    assert cart.payable == 7000
    assert (verdict(cart, 2).reason, verdict(cart, 2).detail) == ("coupons_only_conflict", {"with": 1})
    assert verdict(cart, 3).amount == 1000


def test_two_item_prices_on_one_line_the_lower_price_wins() -> None:
    cart = price([line(1, 10000)], [promo(1, UnitPrice(percent_off=pct("0.1"))), promo(2, UnitPrice(price=7000))])
    assert cart.payable == 7000
    # the cheaper price takes the line without a search, and the other says which price holds the line
    assert (verdict(cart, 1).reason, verdict(cart, 1).detail) == ("line_has_item_price", {"with": 2})
    assert cart.search == "single"


# --- platform ------------------------------------------------------------------------------------------

def test_cross_store_reduction_is_platform_funded_on_every_line() -> None:
    """多门槛跨店满减, platform-funded (RULES.md §3.6.2, Tmall 2016 Double 11)."""
    cross_store = promo(1, Reduction((Tier(30000, 5000), Tier(60000, 12000))), scope=platform_scope(), funder="platform",
                        kind="cross_store_reduction")
    # given ¥200 from store 1 and ¥150 from store 2
    cart = price([line(1, 20000), line(6, 15000, store=OTHER_STORE)], [cross_store])
    # then ¥50 off ¥350, split 20000 : 15000 → 2857.14 / 2142.86 → 2857 and 2143 (largest remainder)
    assert [ln.payable for ln in cart.lines] == [17143, 12857]
    assert [ln.discounts for ln in cart.lines] == [(Allocation(1, "platform", 2857),), (Allocation(1, "platform", 2143),)]
    assert [ln.funded_by("platform") for ln in cart.lines] == [2857, 2143]
    assert [ln.funded_by("store") for ln in cart.lines] == [0, 0]
    assert verdict(cart, 1).stage == "platform"


def test_a_platform_funded_item_price_is_still_an_item_price() -> None:
    cart = price([line(1, 10000)], [promo(1, UnitPrice(price=9000), funder="platform")])
    assert verdict(cart, 1).stage == "item"
    assert cart.lines[0].discounts == (Allocation(1, "platform", 1000),)


# --- order of application ------------------------------------------------------------------------------

def test_stages_run_item_order_shipping_coupon_platform_whatever_the_ids() -> None:
    """The documented order: item → order → shipping → coupon → platform."""
    platform = promo(1, Reduction((Tier(0, 100),)), scope=platform_scope(), funder="platform")
    store_coupon = coupon(2, Reduction((Tier(0, 200),)))
    shipping = promo(3, FreeShipping(9000))
    order_10_percent = promo(4, Reduction((Tier(0, percent_off=pct("0.1")),)))
    half_price = promo(5, UnitPrice(percent_off=pct("0.5")))
    cart = price([line(1, 20000)], [platform, store_coupon, shipping, order_10_percent, half_price], shipping={1: 1000})
    # then ¥200 → ¥100 (item) → ¥90 (10% of what the item stage left) → shipping: ¥90 reaches 满90包邮
    # → ¥88 (coupon) → ¥87 (platform)
    assert cart.lines[0].steps == (Step(5, 10000), Step(4, 9000), Step(2, 8800), Step(1, 8700))
    assert cart.shipping_payable == 0
    assert cart.payable == 8700
    assert [v.promotion_id for v in cart.verdicts] == [5, 4, 3, 2, 1]
    assert [v.stage for v in cart.verdicts] == ["item", "order", "shipping", "coupon", "platform"]


def test_inside_a_stage_higher_priority_runs_first() -> None:
    # two order-stage reductions: 10% off then ¥10 off gives a different line history than the other way round
    first = promo(8, Reduction((Tier(0, 1000),)), priority=1)
    then = promo(7, Reduction((Tier(0, percent_off=pct("0.1")),)))
    cart = price([line(1, 10000)], [then, first])
    # ¥100 − ¥10 = ¥90, then 10% of ¥90 = ¥9: ¥81
    assert cart.lines[0].steps == (Step(8, 9000), Step(7, 8100))


# --- explanations ---------------------------------------------------------------------------------------

def test_promotions_not_started_or_ended_are_explained() -> None:
    later = promo(1, UnitPrice(price=100), starts_at=T0 + timedelta(hours=1))
    over = promo(2, UnitPrice(price=100), ends_at=T0)
    cart = price([line(1, 10000)], [later, over])
    assert cart.payable == 10000
    assert (verdict(cart, 1).reason, verdict(cart, 1).detail) == ("not_started", {"starts_at": (T0 + timedelta(hours=1)).isoformat()})
    assert (verdict(cart, 2).reason, verdict(cart, 2).detail) == ("ended", {"ended_at": T0.isoformat()})


def test_a_promotion_for_other_skus_or_another_store_covers_nothing() -> None:
    cart = price([line(1, 10000)], [promo(1, UnitPrice(price=100), scope=sku_scope(2)),
                                    promo(2, Reduction((Tier(0, 100),)), scope=store_scope(OTHER_STORE))])
    assert [v.reason for v in cart.verdicts] == ["nothing_covered", "nothing_covered"]


def test_a_scope_can_leave_out_single_skus() -> None:
    store_but_one = Scope(level="store", store_id=1, exclude_sku_ids=frozenset({2}))
    cart = price([line(1, 5000), line(2, 5000)], [promo(1, UnitPrice(percent_off=pct("0.1")), scope=store_but_one)])
    assert [ln.payable for ln in cart.lines] == [4500, 5000]


def test_the_verdict_amount_is_what_its_allocations_took() -> None:
    cart = price([line(1, 12000), line(2, 13000)], [promo(1, TIERED), promo(2, FreeShipping(0))], shipping={1: 500})
    assert allocated(cart, 1) == verdict(cart, 1).amount == 3000
    assert allocated(cart, 2) == verdict(cart, 2).amount == 500
    assert cart.discount_total == 3500


def test_the_hint_for_a_percentage_tier_counts_the_whole_cart_at_the_next_tier() -> None:
    # given ¥150 under 满100打95折 / 满200打9折: 5% of ¥150 = ¥7.50 now
    tiers = Reduction((Tier(10000, percent_off=pct("0.05")), Tier(20000, percent_off=pct("0.1"))))
    cart = price([line(1, 15000)], [promo(1, tiers)])
    assert cart.payable == 14250
    # then adding ¥50 makes ¥200 and 10% of it, ¥20: ¥12.50 more than now
    assert cart.hint == Hint(1, "promotion 1", "amount", 5000, 1250)
