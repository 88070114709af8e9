"""Group buying (拼团, RULES.md §4.1): the pure rules and the lifecycle table, given / when / then."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from shopkeeper.errors import InvalidInput, NotAllowedInState
from shopkeeper.promotions.engine.benefits import UnitPrice
from shopkeeper.rulebooks import GroupBuyRules, load
from shopkeeper.social.groupbuys import moves, rules
from shopkeeper.social.groupbuys.moves import GroupStatus

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
BOOK = load("taobao").group_buy


def terms(**changes: object) -> rules.OfferTerms:
    base: dict[str, object] = dict(list_price=5990, group_size=3, group_price=3990, leader_price=None,
                                   time_limit_hours=24, per_buyer_limit=2, new_customers_only=False)
    return rules.OfferTerms(**{**base, **changes})  # type: ignore[arg-type]


def group(status: GroupStatus = GroupStatus.OPEN, size: int = 3, paid: int = 1, expires: datetime | None = None) -> rules.GroupFacts:
    return rules.GroupFacts(status.value, size, paid, expires or NOW + timedelta(hours=24))


def test_an_offer_within_the_rulebook_passes() -> None:
    rules.check_offer(terms(leader_price=3500), BOOK)


@pytest.mark.parametrize(("changes", "says"), [
    ({"group_size": 1}, "members"), ({"group_size": BOOK.max_group_size + 1}, "members"),
    ({"time_limit_hours": BOOK.max_hours + 1}, "hours"), ({"group_price": 5990}, "below the SKU's own price"),
    ({"leader_price": 4000}, "opener's price"), ({"per_buyer_limit": 0}, "per-buyer limit"),
])
def test_an_offer_outside_the_rulebook_is_refused_saying_which_field(changes: dict[str, object], says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        rules.check_offer(terms(**changes), BOOK)


def test_the_auto_fill_seats_are_bounded_by_the_rulebook() -> None:
    rules.check_auto_fill(BOOK.max_auto_fill_seats, BOOK)
    strict = GroupBuyRules(2, 10, 1, 24, max_auto_fill_seats=0)
    with pytest.raises(InvalidInput):
        rules.check_auto_fill(1, strict)  # a platform that allows no 模拟成团


def test_the_group_price_is_a_coupons_only_unit_price_on_the_sku() -> None:
    promo = rules.price_promotion(7, "two-person tee", store_id=1, sku_id=3, price=3990, new_customers_only=True)
    assert promo.benefit == UnitPrice(price=3990)
    assert (promo.scope.level, promo.scope.ids, promo.scope.store_id) == ("sku", frozenset({3}), 1)
    assert (promo.kind, promo.tags, promo.stacking, promo.funder) == ("group_buy", frozenset({"group_buy"}), "coupons_only", "store")
    assert promo.audience.customer == "new"


@pytest.mark.parametrize(("facts", "says"), [
    (group(GroupStatus.PENDING, paid=0), "pending"), (group(GroupStatus.COMPLETE, paid=3), "complete"),
    (group(paid=3), "full"), (group(expires=NOW), "time is up"),
])
def test_a_group_not_open_full_or_out_of_time_takes_no_order(facts: rules.GroupFacts, says: str) -> None:
    with pytest.raises(rules.GroupNotJoinable, match=says):
        rules.check_joinable(facts, NOW)


def test_an_open_group_with_a_seat_and_time_left_takes_an_order() -> None:
    rules.check_joinable(group(paid=2), NOW)


def test_the_per_buyer_limit_counts_what_the_buyer_holds_already() -> None:
    rules.check_units(1, bought=1, limit=2)
    with pytest.raises(rules.GroupBuyLimitReached):
        rules.check_units(2, bought=1, limit=2)


def test_a_group_order_the_engine_did_not_price_at_the_group_price_is_refused() -> None:
    rules.price_refusal(True, None)
    with pytest.raises(rules.GroupPriceNotApplied, match="new customers"):
        rules.price_refusal(False, "new_customers_only")
    with pytest.raises(rules.GroupPriceNotApplied, match="not_chosen"):
        rules.price_refusal(False, "not_chosen")


@pytest.mark.parametrize(("paid", "auto_fill", "seats", "outcome"), [
    (3, False, 1, "complete"), (2, False, 1, "fail"), (2, True, 1, "auto_fill"), (1, True, 1, "fail"),
    (1, True, 2, "auto_fill"), (0, True, 3, "fail"),  # the system never makes a group of nobody
])
def test_at_expiry_a_group_fails_unless_the_store_fills_the_few_seats_missing(paid: int, auto_fill: bool, seats: int,
                                                                               outcome: str) -> None:
    assert rules.at_expiry(group(paid=paid), auto_fill, seats) == outcome


def test_progress_shows_seats_and_time_left_while_open_only() -> None:
    assert rules.progress(group(paid=1), NOW + timedelta(hours=23)) == rules.Progress(3, 1, 2, NOW + timedelta(hours=24), 3600)
    assert rules.progress(group(GroupStatus.FAILED, paid=1), NOW).seats_left == 0


def test_the_lifecycle_table_guards_every_move() -> None:
    assert moves.next_state("pending", "open") is GroupStatus.OPEN
    assert moves.next_state("open", "fill") is GroupStatus.COMPLETE
    assert moves.next_state("open", "expire") is GroupStatus.FAILED
    with pytest.raises(NotAllowedInState):
        moves.next_state("complete", "leave")
    with pytest.raises(NotAllowedInState):
        moves.next_state("failed", "take_seat")
    assert moves.allowed_actions("open", "buyer") == ["join"]
    assert moves.allowed_actions("open", "member") == ["leave"]
    assert moves.allowed_actions("complete", "member") == []
    assert {m.state for m in moves.MOVES} <= set(GroupStatus) and not any(m.state in moves.FINAL for m in moves.MOVES)
