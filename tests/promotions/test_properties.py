"""Properties of the pricing engine over random carts (1–20 lines) and random promotions of every kind.

Whatever the promotions, the money must add up: nothing below zero, every
discount carried by lines or shipping, every verdict matching its allocations.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pricing_builders import allocated, pricing_requests, without
from shopkeeper.money import largest_remainder_allocate
from shopkeeper.promotions.engine.benefits import Bundle
from shopkeeper.promotions.engine.index import PromotionIndex
from shopkeeper.promotions.engine.ledger import split_by_weight
from shopkeeper.promotions.engine.price import price_cart
from shopkeeper.promotions.engine.results import PricedCart
from shopkeeper.promotions.engine.terms import CartLine, PricingRequest, Promotion
from support import examples

MODERATE = settings(max_examples=examples(200), deadline=None)


def priced(req: PricingRequest) -> PricedCart:
    return price_cart(req)


@MODERATE
@given(pricing_requests(max_lines=20, max_promotions=8, big=True))
def test_nothing_is_ever_payable_below_zero(req: PricingRequest) -> None:
    cart = priced(req)
    assert cart.payable >= 0
    assert all(ln.payable >= 0 for ln in cart.lines)
    assert all(s.payable >= 0 for s in cart.shipping)


@MODERATE
@given(pricing_requests(max_lines=20, max_promotions=8, big=True))
def test_every_applied_verdict_is_exactly_what_its_allocations_took(req: PricingRequest) -> None:
    cart = priced(req)
    for v in cart.verdicts:
        if v.applied:
            assert v.amount > 0
            assert allocated(cart, v.promotion_id) == v.amount, v
        else:
            assert allocated(cart, v.promotion_id) == 0, v


@MODERATE
@given(pricing_requests(max_lines=20, max_promotions=8, big=True))
def test_the_discounts_add_up_to_list_minus_payable(req: PricingRequest) -> None:
    cart = priced(req)
    assert sum(v.amount for v in cart.applied()) == cart.list_total - cart.payable == cart.discount_total
    for ln in cart.lines:
        assert ln.payable == ln.list_total - sum(a.minor for a in ln.discounts)
        if ln.gift:
            assert ln.payable == 0
    for s in cart.shipping:
        assert s.payable == s.fee - sum(a.minor for a in s.discounts)


@MODERATE
@given(pricing_requests(max_lines=20, max_promotions=8, big=True))
def test_each_allocation_carries_its_promotions_funder(req: PricingRequest) -> None:
    cart = priced(req)
    funders = {p.id: p.funder for p in req.promotions}
    for ln in cart.lines:
        assert all(a.funder == funders[a.promotion_id] for a in ln.discounts)
    for s in cart.shipping:
        assert all(a.funder == funders[a.promotion_id] for a in s.discounts)


@settings(max_examples=examples(200), deadline=None)
@given(pricing_requests(max_lines=6, max_promotions=6))
def test_when_the_search_is_complete_removing_a_promotion_never_lowers_payable(req: PricingRequest) -> None:
    cart = priced(req)
    if cart.search == "bounded":
        return
    for promotion in req.promotions:
        assert priced(without(req, frozenset({promotion.id}))).payable >= cart.payable, promotion


@MODERATE
@given(pricing_requests(max_lines=20, max_promotions=8, big=True))
def test_the_index_finds_every_promotion_that_matters(req: PricingRequest) -> None:
    # given every promotion filed in the index
    index = PromotionIndex(req.promotions)
    # when the cart meets only the index's candidates
    found = index.candidates(req.lines)
    narrow = priced(PricingRequest(req.currency, req.now, req.lines, found, req.shopper, req.shipping, req.gifts,
                                   req.points_per_unit))
    wide = priced(req)
    # then it is priced exactly as with every live promotion
    assert narrow.lines == wide.lines and narrow.shipping == wide.shipping
    assert narrow.hint == wide.hint and narrow.search == wide.search
    assert (narrow.points_spent, narrow.points_earned) == (wide.points_spent, wide.points_earned)
    kept = {p.id for p in found}
    assert narrow.verdicts == tuple(v for v in wide.verdicts if v.promotion_id in kept)
    # and whatever the index left out covers no line of this cart
    for promotion in req.promotions:
        if promotion.id not in kept:
            assert not any(covers(promotion, ln) for ln in req.lines), promotion


def covers(promotion: Promotion, ln: CartLine) -> bool:
    in_scope = promotion.scope.covers(ln.store_id, ln.category_id, ln.product_id, ln.sku_id)
    return in_scope and (not isinstance(promotion.benefit, Bundle) or ln.sku_id in promotion.benefit.items)


@MODERATE
@given(st.integers(min_value=0, max_value=10**9), st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=25))
def test_the_engine_splits_a_discount_exactly_as_the_money_module_does(total: int, weights: list[int]) -> None:
    assert split_by_weight(total, weights) == largest_remainder_allocate(total, weights)
