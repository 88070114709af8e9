"""The pricing engine when promotions meet (RULES.md §3.6): coupons and their groups, tags that keep promotions
apart, stacking, platform-funded offers, the order the stages run in, and how a promotion that took nothing is
explained. One promotion kind at a time is in test_rules.py and test_unit_offers.py.

Money is CNY minor units: 100 is ¥1.00. Unless a test says otherwise the cart
belongs to store 1 and the promotion covers the whole store.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pricing_builders import (
    OTHER_STORE,
    T0,
    allocated,
    coupon,
    line,
    line_off,
    pct,
    platform_scope,
    price,
    promo,
    sku_scope,
    store_scope,
    verdict,
)
from shopkeeper.promotions.engine.benefits import FreeShipping, Reduction, Tier, UnitPrice
from shopkeeper.promotions.engine.results import Allocation, Hint, Step
from shopkeeper.promotions.engine.terms import Scope

TIERED = Reduction((Tier(10000, 1000), Tier(20000, 3000)))  # 满100减10 / 满200减30


# --- coupons -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("benefit, payable", [
    (Reduction((Tier(10000, 1500),)), 13500),  # 满100减15 on ¥150
    (Reduction((Tier(0, 500),)), 14500),  # ¥5 cash coupon
    (Reduction((Tier(0, percent_off=pct("0.12")),)), 13200),  # 12% off: ¥18
])
def test_coupon_kinds(benefit, payable: int) -> None:
    """优惠券 / 现金券 / 抵价券 (RULES.md §3.6.1 family 5)."""
    # given a threshold, cash or percentage coupon, when ¥150 of goods are priced
    cart = price([line(1, 15000)], [coupon(1, benefit)])
    # then the coupon comes off at the coupon stage
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
    # given a ¥5 cash coupon and a free-shipping coupon of one group, and ¥10 shipping on ¥30 of goods
    cart = price([line(1, 3000)], [coupon(1, Reduction((Tier(0, 500),))), coupon(2, FreeShipping())], shipping={1: 1000})
    # then the free shipping, worth ¥10, is the one used
    assert cart.payable == 3000 and cart.coupon_ids() == [1002]


def test_coupons_of_different_groups_both_apply() -> None:
    # given a store coupon (满100减20) and a platform voucher (满150减10) on ¥200
    store = coupon(1, Reduction((Tier(10000, 2000),)))
    platform = coupon(2, Reduction((Tier(15000, 1000),)), group="platform", funder="platform", scope=platform_scope())
    cart = price([line(1, 20000)], [store, platform])
    # then both apply: ¥200 − ¥20 − ¥10, the voucher at the platform stage
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
    # given a ¥100 item at a ¥60 flash price and a full-price-only 满50减10 coupon
    flash = promo(1, UnitPrice(price=6000), scope=sku_scope(1))
    voucher = coupon(2, Reduction((Tier(5000, 1000),)), full_price_only=True)
    cart = price([line(1, 10000)], [flash, voucher])
    # then the flash price (¥60) beats list with the coupon (¥90), and the coupon says it is for full price only
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
    # when the 聚划算 item is alone, then the reduction is refused by tag
    alone = price([line(1, 10000)], [juhuasuan, christmas])
    assert (verdict(alone, 2).reason, verdict(alone, 2).detail) == ("excluded_by_tag", {"with": "juhuasuan"})


def test_a_coupon_excluded_from_flash_sale_lines() -> None:
    # given a ¥99 item at a ¥50 flash price, a ¥30 item, and a ¥10 coupon kept off flash-sale lines
    flash = promo(1, UnitPrice(price=5000), scope=sku_scope(1), tags=frozenset({"flash_sale"}))
    voucher = coupon(2, Reduction((Tier(0, 1000),)), excludes_tags=frozenset({"flash_sale"}))
    cart = price([line(1, 9900), line(2, 3000)], [flash, voucher])
    # then the coupon comes off the ¥30 item only
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
    # given 10% off and a ¥70 price, both on a ¥100 item
    cart = price([line(1, 10000)], [promo(1, UnitPrice(percent_off=pct("0.1"))), promo(2, UnitPrice(price=7000))])
    # then ¥70 is paid
    assert cart.payable == 7000
    # then the cheaper price takes the line without a search, and the other says which price holds the line
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
    # given a ¥90 price on a ¥100 item that the platform pays for
    cart = price([line(1, 10000)], [promo(1, UnitPrice(price=9000), funder="platform")])
    # then it runs at the item stage, and the platform funds the ¥10
    assert verdict(cart, 1).stage == "item"
    assert cart.lines[0].discounts == (Allocation(1, "platform", 1000),)


# --- order of application ------------------------------------------------------------------------------

def test_stages_run_item_order_shipping_coupon_platform_whatever_the_ids() -> None:
    """The documented order: item → order → shipping → coupon → platform."""
    # given one promotion of each stage, their ids in the reverse order, on ¥200 with ¥10 shipping
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
    # given two order-stage reductions: 10% off then ¥10 off gives a different line history than the other way round
    first = promo(8, Reduction((Tier(0, 1000),)), priority=1)
    then = promo(7, Reduction((Tier(0, percent_off=pct("0.1")),)))
    # when the ¥10 off has the higher priority
    cart = price([line(1, 10000)], [then, first])
    # then ¥100 − ¥10 = ¥90, then 10% of ¥90 = ¥9: ¥81
    assert cart.lines[0].steps == (Step(8, 9000), Step(7, 8100))


# --- explanations ---------------------------------------------------------------------------------------

def test_promotions_not_started_or_ended_are_explained() -> None:
    # given a promotion starting in an hour and one that ended now
    later = promo(1, UnitPrice(price=100), starts_at=T0 + timedelta(hours=1))
    over = promo(2, UnitPrice(price=100), ends_at=T0)
    cart = price([line(1, 10000)], [later, over])
    # then neither applies, and each verdict says when it starts or ended
    assert cart.payable == 10000
    assert (verdict(cart, 1).reason, verdict(cart, 1).detail) == ("not_started", {"starts_at": (T0 + timedelta(hours=1)).isoformat()})
    assert (verdict(cart, 2).reason, verdict(cart, 2).detail) == ("ended", {"ended_at": T0.isoformat()})


def test_a_promotion_for_other_skus_or_another_store_covers_nothing() -> None:
    # given a price on SKU 2 and a reduction of another store, when only SKU 1 of store 1 is in the cart
    cart = price([line(1, 10000)], [promo(1, UnitPrice(price=100), scope=sku_scope(2)),
                                    promo(2, Reduction((Tier(0, 100),)), scope=store_scope(OTHER_STORE))])
    # then both say they cover nothing in it
    assert [v.reason for v in cart.verdicts] == ["nothing_covered", "nothing_covered"]


def test_a_scope_can_leave_out_single_skus() -> None:
    # given 10% off the whole store but SKU 2
    store_but_one = Scope(level="store", store_id=1, exclude_sku_ids=frozenset({2}))
    cart = price([line(1, 5000), line(2, 5000)], [promo(1, UnitPrice(percent_off=pct("0.1")), scope=store_but_one)])
    # then SKU 1 is discounted and SKU 2 is not
    assert [ln.payable for ln in cart.lines] == [4500, 5000]


def test_the_verdict_amount_is_what_its_allocations_took() -> None:
    # given 满200减30 and free ¥5 shipping on ¥250
    cart = price([line(1, 12000), line(2, 13000)], [promo(1, TIERED), promo(2, FreeShipping(0))], shipping={1: 500})
    # then each verdict's amount is what its allocations took, and together they are the discount
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
