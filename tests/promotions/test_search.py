"""The best combination: the engine's choice of which promotions run is the cheapest for the buyer.

Checked against a brute force that prices the cart with every subset of the
promotions removed from the request and keeps the lowest payable.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings

from pricing_builders import (
    brute_force_payable,
    coupon,
    interacting_requests,
    line,
    pricing_requests,
    promo,
    request,
    sku_scope,
    verdict,
)
from shopkeeper.promotions.engine.benefits import BulkPrice, Bundle, PointsPrice, QuantityTier, Reduction, Tier, UnitPrice
from shopkeeper.promotions.engine.passes import Pass
from shopkeeper.promotions.engine.price import EXACT_LIMIT, application_order, price_cart, screen
from shopkeeper.promotions.engine.terms import PricingRequest, Shopper
from support import examples


def everything_run(req: PricingRequest) -> int:
    """What the buyer would pay if every promotion simply ran, nothing left out."""
    covered = {p.id: tuple(i for i, ln in enumerate(req.lines)
                           if p.scope.covers(ln.store_id, ln.category_id, ln.product_id, ln.sku_id)
                           and (not isinstance(p.benefit, Bundle) or ln.sku_id in p.benefit.items))
               for p in req.promotions if screen(p, req) is None}
    covered = {pid: lines for pid, lines in covered.items() if lines}
    return Pass(req, covered).run(application_order([p for p in req.promotions if p.id in covered])).payable()


@settings(max_examples=examples(300), deadline=None)
@given(pricing_requests(max_lines=4, max_promotions=6))
def test_the_engine_finds_the_cheapest_combination_of_small_random_carts(req: PricingRequest) -> None:
    cart = price_cart(req)
    if cart.search != "bounded":
        assert cart.payable == brute_force_payable(req)
    assert cart.payable <= everything_run(req)


@settings(max_examples=examples(300), deadline=None)
@given(interacting_requests())
def test_the_engine_finds_the_cheapest_combination_where_promotions_interact(req: PricingRequest) -> None:
    # two or three lines, item prices on single SKUs, thresholds near the cart total, one coupon group
    cart = price_cart(req)
    if cart.search != "bounded":
        assert cart.payable == brute_force_payable(req)
    assert cart.payable <= everything_run(req)


def test_an_item_discount_that_pushes_the_cart_under_a_threshold_is_left_out() -> None:
    # given ¥100.00 of goods, a 5% store discount and 满100减20
    req = request([line(1, 10000)], [promo(1, UnitPrice(percent_off=Decimal("0.05"))),
                                     promo(2, Reduction((Tier(10000, 2000),)))])
    # when priced
    cart = price_cart(req)
    # then running both would cost ¥95.00 (the discount drops the cart to ¥95 < ¥100); leaving the discount out
    # keeps ¥100 and takes ¥20 off: ¥80.00
    assert everything_run(req) == 9500
    assert cart.payable == 8000 == brute_force_payable(req)
    assert cart.search == "exact"
    assert verdict(cart, 1).reason == "not_chosen" and verdict(cart, 2).amount == 2000


def test_of_two_exclusive_promotions_on_one_line_the_better_one_wins() -> None:
    # given an exclusive 10% item discount and an exclusive 满100减30 on one ¥100.00 line
    req = request([line(1, 10000)], [promo(1, UnitPrice(percent_off=Decimal("0.1")), stacking="exclusive"),
                                     promo(2, Reduction((Tier(10000, 3000),)), stacking="exclusive")])
    cart = price_cart(req)
    # then the 10% would give ¥90.00 and block the reduction; the reduction alone gives ¥70.00
    assert everything_run(req) == 9000
    assert cart.payable == 7000 == brute_force_payable(req)
    assert verdict(cart, 1).reason == "not_chosen"
    assert [a.promotion_id for a in cart.lines[0].discounts] == [2]


def test_of_two_coupons_of_one_group_the_bigger_saving_is_used() -> None:
    # given a ¥5 无门槛 coupon (lower id, would run first) and a 满100减20 coupon of the same store group
    req = request([line(1, 15000)], [coupon(1, Reduction((Tier(0, 500),))), coupon(2, Reduction((Tier(10000, 2000),)))])
    cart = price_cart(req)
    # then ¥150.00 − ¥20.00 = ¥130.00, and the first coupon stays with the buyer
    assert everything_run(req) == 14500
    assert cart.payable == 13000
    assert cart.coupon_ids() == [1002]
    assert verdict(cart, 1).applied is False


def test_points_prices_on_two_lines_spend_one_balance_where_it_saves_most() -> None:
    # given 1000 points, enough for one points price: ¥99 + 1000 points for a ¥100 item (saves ¥1),
    # or ¥10 + 1000 points for another ¥100 item (saves ¥90)
    req = request([line(1, 10000), line(2, 10000)],
                  [promo(1, PointsPrice(cash=9900, points=1000), scope=sku_scope(1)),
                   promo(2, PointsPrice(cash=1000, points=1000), scope=sku_scope(2))],
                  shopper=Shopper(points_balance=1000))
    cart = price_cart(req)
    # then the points go to the second item: ¥100 + ¥10 = ¥110.00
    assert everything_run(req) == 19900
    assert cart.payable == 11000 == brute_force_payable(req)
    assert cart.points_spent == 1000


def test_a_threshold_fed_by_a_line_whose_price_is_being_chosen_is_searched_too() -> None:
    # given two item prices competing for line A (¥10 off or ¥45 off), ¥20 off line B, and 满150减50 over A and B
    req = request([line(1, 10000), line(2, 10000)],
                  [promo(1, UnitPrice(amount_off=1000), scope=sku_scope(1)),
                   promo(2, UnitPrice(amount_off=4500), scope=sku_scope(1)),
                   promo(3, UnitPrice(amount_off=2000), scope=sku_scope(2)),
                   promo(4, Reduction((Tier(15000, 5000),)))])
    cart = price_cart(req)
    # then the best is ¥45 off A, B at list and the reduction: 5500 + 10000 = 15500 ≥ 15000, − 5000 = ¥105.00
    # (running everything takes the cheaper price on A and ¥20 off B: 5500 + 8000 = ¥135.00, under the threshold)
    assert everything_run(req) == 13500
    assert cart.payable == 10500 == brute_force_payable(req)
    assert verdict(cart, 3).reason == "not_chosen"


def test_a_threshold_fed_through_a_shared_reduction_is_searched_too() -> None:
    # given ¥20 off line A, 满100减40 over A and B (shared by what each costs), and a 满80减30 coupon on B only
    req = request([line(1, 10000), line(2, 10000)],
                  [promo(1, UnitPrice(amount_off=2000), scope=sku_scope(1)),
                   promo(2, Reduction((Tier(10000, 4000),))),
                   coupon(3, Reduction((Tier(8000, 3000),)), scope=sku_scope(2))])
    cart = price_cart(req)
    # then with the ¥20 off A, B carries 4000·10000/18000 = 2222 of the reduction and costs ¥77.78 < ¥80;
    # without it B carries 2000 and costs ¥80.00, so the coupon applies: 20000 − 4000 − 3000 = ¥130.00
    assert everything_run(req) == 14000
    assert cart.payable == 13000 == brute_force_payable(req)
    assert verdict(cart, 1).reason == "not_chosen" and verdict(cart, 3).applied


def test_more_contested_promotions_than_the_exact_limit_are_searched_bounded_and_never_worse() -> None:
    # given one more coupon of one group than the exact search takes, the best one last
    count = EXACT_LIMIT + 1
    coupons = [coupon(i, Reduction((Tier(0, 100 * i),))) for i in range(1, count + 1)]
    req = request([line(1, 20000)], coupons)
    cart = price_cart(req)
    # then the search says it was bounded, and the best coupon is used (¥9 off), not the first that would run (¥1)
    assert cart.search == "bounded"
    assert everything_run(req) == 19900
    assert cart.payable == 19100
    assert cart.coupon_ids() == [1000 + count]


def nine_store_coupons(first_id: int) -> list:
    """¥1 to ¥9 off, one store group: more contested promotions than the exact search takes, the best one last."""
    return [coupon(first_id + i, Reduction((Tier(0, 100 * (i + 1)),))) for i in range(EXACT_LIMIT + 1)]


def test_bounded_search_gives_up_an_item_discount_to_reach_a_threshold() -> None:
    # given ¥200.00 of goods, 5% off the second SKU, 满200减30 and nine coupons of one group
    req = request([line(1, 10000), line(2, 10000)],
                  [promo(1, UnitPrice(percent_off=Decimal("0.05")), scope=sku_scope(2)),
                   promo(2, Reduction((Tier(20000, 3000),))), *nine_store_coupons(10)])
    cart = price_cart(req)
    # then the search is bounded; giving up the ¥5 discount keeps ¥200 and takes ¥30 off, then the ¥9 coupon:
    # ¥200 − ¥30 − ¥9 = ¥161.00, what the brute force over all 2^11 choices finds too (everything on: ¥195 less
    # the first coupon of the group, ¥1: ¥194.00)
    assert cart.search == "bounded"
    assert everything_run(req) == 19400
    assert cart.payable == 16100 == brute_force_payable(req)
    assert verdict(cart, 1).reason == "not_chosen" and verdict(cart, 2).amount == 3000
    assert cart.coupon_ids() == [1018]


def test_bounded_search_hands_a_line_to_the_cheaper_of_two_entangled_item_prices() -> None:
    # given a ¥100.00 line, a 10% bulk price of higher priority that takes the line first (a bulk price is not
    # separable, so the two prices are entangled), a 30% price and nine coupons of one group
    req = request([line(1, 10000)],
                  [promo(1, BulkPrice((QuantityTier(1, Decimal("0.1")),)), scope=sku_scope(1), priority=5),
                   promo(2, UnitPrice(percent_off=Decimal("0.3")), scope=sku_scope(1)), *nine_store_coupons(10)])
    cart = price_cart(req)
    # then leaving the bulk price out hands the line to the 30% price, and the ¥9 coupon follows:
    # ¥100 − ¥30 − ¥9 = ¥61.00 (everything on: ¥100 − ¥10 − ¥1 = ¥89.00), as the brute force agrees
    assert cart.search == "bounded"
    assert everything_run(req) == 8900
    assert cart.payable == 6100 == brute_force_payable(req)
    assert verdict(cart, 1).reason == "not_chosen" and verdict(cart, 2).amount == 3000


def test_a_promotion_both_kept_off_and_keeping_a_coupon_off_counts_as_a_cost() -> None:
    # given 每满18减1 on line A tagged flash_sale (itself full-price-only), and a coupon 每满18减1 on the store
    # that excludes flash-sale lines
    req = request([line(1, 2200), line(2, 15800)],
                  [promo(1, Reduction((Tier(1800, 100),), every=1800), excludes_tags=frozenset({"flash_sale"}),
                         full_price_only=True, coupon_id=1001, coupon_group="store-1"),
                   promo(2, Reduction((Tier(1800, 100),), every=1800), scope=sku_scope(1),
                         tags=frozenset({"flash_sale"}), full_price_only=True)])
    cart = price_cart(req)
    # then dropping the ¥1 on A lets the coupon take ¥10 off ¥180.00 instead of ¥8 off ¥158.00: ¥170.00
    assert cart.payable == 17000 == brute_force_payable(req)
