"""The registry of benefit kinds (engine/benefits/__init__.py) and what it drives: the engine's fast dispatch,
the codec and the console's summary; and a kind added in two steps, a module and its registry line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Literal, get_args

import pytest
from pydantic import TypeAdapter, ValidationError

from pricing_builders import T0, line, pct, promo, sku_scope, verdict
from promotions import throwaway_kind
from promotions.throwaway_kind import FixedOff
from shopkeeper.console.promotion_text import summary
from shopkeeper.promotions import codec, native
from shopkeeper.promotions.benefit_schemas import REQUESTS, BenefitIn, benefit_union
from shopkeeper.promotions.engine import dispatch
from shopkeeper.promotions.engine.benefits import (
    KINDS,
    BulkPrice,
    Bundle,
    EarlyBird,
    FreeShipping,
    Gift,
    Kind,
    NthUnit,
    PointsPrice,
    QuantityTier,
    Reduction,
    Tier,
    TimeStep,
    UnitPrice,
    register,
    unregister,
)
from shopkeeper.promotions.engine.ledger import Ledger
from shopkeeper.promotions.engine.price import price_cart
from shopkeeper.promotions.engine.terms import PricingRequest, Promotion


def test_the_fast_dispatch_calls_each_registered_kind_and_nothing_else() -> None:
    # given the kinds the compiled chain calls directly, and the registry
    fast = {terms: apply for terms, apply in dispatch.FAST}
    # then they are the same kinds, each calling its own module's `apply`
    assert set(fast) == {kind.terms for kind in KINDS.values()}
    assert all(fast[kind.terms] is kind.module.apply for kind in KINDS.values())
    assert len(dispatch.FAST) == len(KINDS)


def test_a_benefit_of_no_registered_kind_is_refused_not_priced_as_another() -> None:
    # given a promotion whose benefit is of no kind the registry knows (the chain used to price it as points)
    cart = PricingRequest("CNY", T0, (line(1, 1000),), ())
    # when the dispatch meets it, then it stops rather than guessing: at `assert_never` as plain Python, and
    # compiled, already where the promotion takes a benefit outside the engine's kinds
    with pytest.raises((AssertionError, TypeError)):
        stranger = Promotion(1, "stranger", Reduction((Tier(0, 100),)), scope=sku_scope(1))
        object.__setattr__(stranger, "benefit", object())
        run = Ledger(cart, {1: (0,)})
        dispatch.apply_benefit(run, stranger, run.lines)


def test_the_request_schema_has_one_member_per_registered_kind_told_apart_by_type() -> None:
    assert set(REQUESTS) == set(KINDS)
    members = get_args(get_args(benefit_union())[0])
    assert [member.model_fields["type"].annotation for member in members] == [Literal[name] for name in KINDS]
    refused = TypeAdapter(BenefitIn)
    with pytest.raises(ValidationError):
        refused.validate_python({"type": "no_such_kind"})


def test_the_codec_writes_every_kind_from_its_terms_and_reads_it_back() -> None:
    benefit = Reduction((Tier(10000, 1000), Tier(20000, 0, pct("0.8"))), cap=5000)
    stored = json.loads(json.dumps(codec.encode_benefit(benefit)))
    assert stored == {"type": "reduction", "tiers": [{"threshold": 10000, "amount_off": 1000, "percent_off": None},
                                                     {"threshold": 20000, "amount_off": 0, "percent_off": "0.8"}],
                      "basis": "amount", "every": None, "cap": 5000}
    assert codec.decode_benefit(stored) == benefit
    assert codec.decode_benefit({"type": "points_price", "cash": 100, "points": 50}) == PointsPrice(100, 50)
    with pytest.raises(ValueError):
        codec.decode_benefit({"type": "no_such_kind"})


@pytest.fixture
def fixed_off() -> Iterator[Kind]:
    kind = Kind("fixed_off", FixedOff, throwaway_kind)  # the kind's one registry line
    register(kind)
    yield kind
    unregister(kind.name)


def test_a_kind_added_as_one_module_and_one_registry_line_is_validated_stored_and_described(fixed_off: Kind) -> None:
    # stored: written from its terms and read back
    stored = codec.encode_benefit(FixedOff(300, floor=500))
    assert stored == {"type": "fixed_off", "off": 300, "floor": 500}
    assert codec.decode_benefit(json.loads(json.dumps(stored))) == FixedOff(300, floor=500)
    assert codec.decode_benefit({"type": "fixed_off", "off": 300}) == FixedOff(300)
    # validated: the request schema's union takes it, by its terms' fields, and refuses what they do not allow
    accepted = TypeAdapter(benefit_union()).validate_python({"type": "fixed_off", "off": 300})
    assert accepted.to_benefit("CNY") == FixedOff(300)
    with pytest.raises(ValidationError):
        TypeAdapter(benefit_union()).validate_python({"type": "fixed_off", "off": "three"})
    with pytest.raises(ValidationError):
        TypeAdapter(benefit_union()).validate_python({"type": "fixed_off"})
    # described: it has no words of its own yet, so the console shows its name and fields
    assert summary(stored, "CNY", "en") == "Fixed_off off=300 floor=500"


@pytest.mark.skipif(native.running_compiled(), reason="the compiled engine prices the kinds compiled into it: a new kind "
                    "runs compiled once it is in dispatch.Benefit and native.ENGINE and `make install` has built it")
def test_a_kind_added_as_one_module_and_one_registry_line_is_priced(fixed_off: Kind) -> None:
    # given a cart of two units at ¥10 and ¥6, and ¥3 off each unit, never below ¥5
    cart = (line(1, 1000, 2), line(2, 600))
    offer = promo(1, FixedOff(300, floor=500), scope=sku_scope(1, 2))
    # when it is priced
    priced = price_cart(PricingRequest("CNY", T0, cart, (offer,)))
    # then each unit pays ¥3 less, but the ¥6 one stops at ¥5, in the item stage
    assert verdict(priced, 1).applied and verdict(priced, 1).amount == 300 * 2 + 100
    assert verdict(priced, 1).stage == "item"
    assert priced.lines[1].payable == 500


@pytest.mark.skipif(native.running_compiled(), reason="the compiled engine prices the kinds compiled into it")
def test_a_new_kind_that_works_line_by_line_takes_a_line_from_another_item_price_without_a_search(fixed_off: Kind) -> None:
    # given ¥3 off (¥7) and an activity price of ¥8 on one ¥10 line, and ¥3 off never below ¥5 (¥5) against
    # ¥4.50 on a ¥6 line: each a price the kind says works line by line (`per_line`, `line_alone`)
    cart = (line(1, 1000), line(2, 600))
    offers = (promo(1, FixedOff(300, floor=500), scope=sku_scope(1, 2)), promo(2, UnitPrice(price=800), scope=sku_scope(1)),
              promo(3, UnitPrice(price=450), scope=sku_scope(2)))
    # when priced
    priced = price_cart(PricingRequest("CNY", T0, cart, offers))
    # then the cheapest price alone takes each line, as for the engine's own unit prices, and nothing is searched
    assert [ln.payable for ln in priced.lines] == [700, 450]
    assert verdict(priced, 1).amount == 300 and not verdict(priced, 2).applied and verdict(priced, 3).amount == 150
    assert priced.search == "single"


def test_each_kind_answers_what_the_engine_asks_of_it_and_the_others_give_the_common_answer() -> None:
    every = {
        "unit_price": UnitPrice(price=100), "early_bird": EarlyBird((TimeStep(T0, pct("0.1")),)),
        "bulk_price": BulkPrice((QuantityTier(2, pct("0.1")),)), "nth_unit": NthUnit(2, pct("0.5")),
        "bundle": Bundle({1: 1, 2: 1}, 500), "points_price": PointsPrice(100, 50), "reduction": Reduction((Tier(0, 100),)),
        "gift": Gift(9), "free_shipping": FreeShipping(),
    }
    assert set(every) == set(KINDS) and all(isinstance(every[name], kind.terms) for name, kind in KINDS.items())

    def answering(question: str) -> set[str]:
        return {name for name, terms in every.items() if getattr(terms, question)}

    assert answering("per_line") == {"unit_price", "early_bird", "nth_unit"}
    assert not NthUnit(2, pct("0.5"), same_sku=False).per_line  # units counted across the scope
    assert answering("spends_points") == {"points_price"}
    assert answering("is_threshold") == {"reduction", "gift", "free_shipping"}
    assert answering("lowers_payable") == set(KINDS) - {"gift"}
    assert answering("bounded_at_list") == {"reduction"}
    assert answering("frees_shipping") == {"free_shipping"}
    assert {name for name, terms in every.items() if terms.only_skus is not None} == {"bundle"}
    assert set(every["bundle"].only_skus or ()) == {1, 2}
