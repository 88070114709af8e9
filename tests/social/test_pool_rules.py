"""Pool buying (拼单, RULES.md §4.1, §3.6 拼单折扣): the pure rules and the lifecycle table, given / when / then."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from shopkeeper.errors import InvalidInput, NotAllowedInState
from shopkeeper.promotions.engine.benefits import Reduction
from shopkeeper.rulebooks import load
from shopkeeper.social.pools import moves, rules
from shopkeeper.social.pools.moves import PoolStatus

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
BOOK = load("taobao").group_buy


def terms(**changes: object) -> rules.OfferTerms:
    """A basket of 200.00 at list prices unlocks 10% off, 24 hours to reach it, every SKU of the store."""
    base: dict[str, object] = dict(basis="amount", threshold=20000, percent_off=Decimal(10), time_limit_hours=24,
                                   sku_ids=frozenset())
    return rules.OfferTerms(**{**base, **changes})  # type: ignore[arg-type]


def pool(status: PoolStatus = PoolStatus.OPEN, basis: str = "amount", threshold: int = 20000, amount: int = 0,
         units: int = 0) -> rules.PoolFacts:
    return rules.PoolFacts(status.value, basis, threshold, amount, units, NOW + timedelta(hours=24))


def test_an_offer_within_the_group_buy_window_passes_and_one_outside_it_is_refused() -> None:
    rules.check_offer(terms(), BOOK)
    with pytest.raises(InvalidInput, match="hours to fill"):
        rules.check_offer(terms(time_limit_hours=BOOK.max_hours + 1), BOOK)
    with pytest.raises(InvalidInput, match="hours to fill"):
        rules.check_offer(terms(time_limit_hours=BOOK.min_hours - 1), BOOK)


@pytest.mark.parametrize("changes", [{"threshold": 0}, {"percent_off": Decimal(0)}, {"percent_off": Decimal(100)},
                                     {"percent_off": Decimal("10.005")}])
def test_a_threshold_of_nothing_or_a_discount_outside_the_price_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        rules.check_offer(terms(**changes), BOOK)


def test_the_price_is_a_fraction_off_the_offers_lines_for_coupons_only() -> None:
    # given a 12.5% pool offer on two SKUs
    promotion = rules.price_promotion(7, "拼单", 3, [11, 12], Decimal("12.5"))
    # then the engine sees a plain order reduction of 0.125 on those SKUs, stacking with coupons only, store funded
    assert isinstance(promotion.benefit, Reduction)
    assert promotion.benefit.tiers[0].threshold == 0 and promotion.benefit.tiers[0].percent_off == Decimal("0.125")
    assert (promotion.scope.level, promotion.scope.ids, promotion.stacking, promotion.funder, promotion.kind) == (
        "sku", frozenset({11, 12}), "coupons_only", "store", "pool")
    # and with no SKUs named, the whole store
    assert rules.price_promotion(7, "拼单", 3, [], Decimal(10)).scope.level == "store"


def test_only_the_offers_skus_go_in_the_basket() -> None:
    rules.check_lines([11, 12], [11, 12, 13])
    rules.check_lines([99], [])  # an offer naming no SKUs takes the whole store
    with pytest.raises(rules.NotInPoolOffer, match="SKU 99"):
        rules.check_lines([11, 99], [11])


@pytest.mark.parametrize(("basis", "amount", "units", "reached"), [
    ("amount", 19999, 50, False), ("amount", 20000, 1, True), ("quantity", 99999, 4, False), ("quantity", 0, 5, True)])
def test_the_threshold_is_reached_on_its_own_basis(basis: str, amount: int, units: int, reached: bool) -> None:
    facts = pool(basis=basis, threshold=20000 if basis == "amount" else 5, amount=amount, units=units)
    assert rules.reached(facts) is reached
    assert rules.progress(facts, NOW).missing == (0 if reached else facts.threshold - facts.achieved)


def test_a_pool_takes_orders_while_open_and_in_time() -> None:
    rules.check_joinable(pool(), NOW)
    with pytest.raises(rules.PoolNotJoinable, match="time is up"):
        rules.check_joinable(pool(), NOW + timedelta(hours=24))
    for status in (PoolStatus.PENDING, PoolStatus.COMPLETE, PoolStatus.FAILED, PoolStatus.CANCELLED):
        with pytest.raises(rules.PoolNotJoinable):
            rules.check_joinable(pool(status), NOW)


def test_the_progress_of_an_ended_pool_lacks_nothing_and_has_no_clock() -> None:
    ended = rules.progress(pool(PoolStatus.FAILED, amount=100), NOW)
    assert (ended.missing, ended.seconds_left, ended.achieved) == (0, None, 100)
    assert rules.progress(pool(), NOW + timedelta(hours=1)).seconds_left == 23 * 3600


def test_the_lifecycle_table_offers_buyers_join_and_members_leave_only_while_open() -> None:
    assert moves.allowed_actions(PoolStatus.OPEN, "buyer") == ["join"]
    assert moves.allowed_actions(PoolStatus.OPEN, "member") == ["leave"]
    assert all(moves.allowed_actions(s, who) == [] for s in moves.FINAL for who in ("buyer", "member", "system"))
    assert moves.next_state(PoolStatus.OPEN, "reach") is PoolStatus.COMPLETE
    assert moves.next_state(PoolStatus.OPEN, "expire") is PoolStatus.FAILED
    with pytest.raises(NotAllowedInState):
        moves.next_state(PoolStatus.COMPLETE, "expire")
