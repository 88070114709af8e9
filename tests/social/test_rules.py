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
    """A three-person offer on a 59.90 SKU at 39.90, 24 hours to fill, two units a buyer."""
    base: dict[str, object] = dict(list_price=5990, group_size=3, group_price=3990, leader_price=None,
                                   time_limit_hours=24, per_buyer_limit=2, new_customers_only=False)
    return rules.OfferTerms(**{**base, **changes})  # type: ignore[arg-type]


def group(status: GroupStatus = GroupStatus.OPEN, size: int = 3, paid: int = 1, expires: datetime | None = None) -> rules.GroupFacts:
    """A group of `size` seats, `paid` of them paid, whose time ends 24 hours from NOW unless told otherwise."""
    return rules.GroupFacts(status.value, size, paid, expires or NOW + timedelta(hours=24))


# --- the offer ---------------------------------------------------------------------------------------


def test_an_offer_within_the_rulebook_passes() -> None:
    # given a three-person offer whose opener pays 35.00, below the group price
    offer = terms(leader_price=3500)
    # when Taobao's rulebook checks it, then nothing is refused
    rules.check_offer(offer, BOOK)


@pytest.mark.parametrize(("changes", "says"), [
    ({"group_size": 1}, "members"), ({"group_size": BOOK.max_group_size + 1}, "members"),
    ({"time_limit_hours": BOOK.max_hours + 1}, "hours"), ({"group_price": 5990}, "below the SKU's own price"),
    ({"leader_price": 4000}, "opener's price"), ({"per_buyer_limit": 0}, "per-buyer limit"),
])
def test_an_offer_outside_the_rulebook_is_refused_saying_which_field(changes: dict[str, object], says: str) -> None:
    # given an offer with one field outside what the rulebook allows
    offer = terms(**changes)
    # when it is checked, then it is refused with a message naming that field
    with pytest.raises(InvalidInput, match=says):
        rules.check_offer(offer, BOOK)


def test_the_auto_fill_seats_are_bounded_by_the_rulebook() -> None:
    # given Taobao's rulebook, then as many auto-filled seats as it allows pass
    rules.check_auto_fill(BOOK.max_auto_fill_seats, BOOK)
    # given a platform that allows no 模拟成团 (the store filling seats itself)
    strict = GroupBuyRules(2, 10, 1, 24, max_auto_fill_seats=0)
    # when a store asks to fill one seat, then it is refused
    with pytest.raises(InvalidInput):
        rules.check_auto_fill(1, strict)


def test_the_group_price_is_a_coupons_only_unit_price_on_the_sku() -> None:
    # given an offer of 39.90 for new customers on SKU 3 of store 1, when it becomes a promotion
    promo = rules.price_promotion(7, "two-person tee", store_id=1, sku_id=3, price=3990, new_customers_only=True)
    # then it is a unit price on that SKU alone, store-funded, stacking with coupons only, for new customers
    assert promo.benefit == UnitPrice(price=3990)
    assert (promo.scope.level, promo.scope.ids, promo.scope.store_id) == ("sku", frozenset({3}), 1)
    assert (promo.kind, promo.tags, promo.stacking, promo.funder) == ("group_buy", frozenset({"group_buy"}), "coupons_only", "store")
    assert promo.audience.customer == "new"


# --- joining and paying --------------------------------------------------------------------------------


@pytest.mark.parametrize(("facts", "says"), [
    (group(GroupStatus.PENDING, paid=0), "pending"), (group(GroupStatus.COMPLETE, paid=3), "complete"),
    (group(paid=3), "full"), (group(expires=NOW), "time is up"),
])
def test_a_group_not_open_full_or_out_of_time_takes_no_order(facts: rules.GroupFacts, says: str) -> None:
    # given a group still pending, complete, full or out of time
    # when a buyer tries to join it now, then it is refused saying why
    with pytest.raises(rules.GroupNotJoinable, match=says):
        rules.check_joinable(facts, NOW)


def test_an_open_group_with_a_seat_and_time_left_takes_an_order() -> None:
    # given an open group with two of three seats paid and 24 hours left
    facts = group(paid=2)
    # when a buyer joins now, then nothing is refused
    rules.check_joinable(facts, NOW)


def test_the_per_buyer_limit_counts_what_the_buyer_holds_already() -> None:
    # given a limit of two units and a buyer who bought one already
    # when the buyer takes one more, then that is allowed
    rules.check_units(1, bought=1, limit=2)
    # when the buyer takes two more, then the limit is reached
    with pytest.raises(rules.GroupBuyLimitReached):
        rules.check_units(2, bought=1, limit=2)


def test_a_group_order_the_engine_did_not_price_at_the_group_price_is_refused() -> None:
    # given the engine applied the group price, then the order stands
    rules.price_refusal(True, None)
    # given the engine refused it to a buyer who is not new, then the order is refused and says so
    with pytest.raises(rules.GroupPriceNotApplied, match="new customers"):
        rules.price_refusal(False, "new_customers_only")
    # given the engine chose another price, then the order is refused with the engine's reason
    with pytest.raises(rules.GroupPriceNotApplied, match="not_chosen"):
        rules.price_refusal(False, "not_chosen")


# --- expiry and progress -------------------------------------------------------------------------------


@pytest.mark.parametrize(("paid", "auto_fill", "seats", "outcome"), [
    (3, False, 1, "complete"), (2, False, 1, "fail"), (2, True, 1, "auto_fill"), (1, True, 1, "fail"),
    (1, True, 2, "auto_fill"), (0, True, 3, "fail"),  # the system never makes a group of nobody
])
def test_at_expiry_a_group_fails_unless_the_store_fills_the_few_seats_missing(paid: int, auto_fill: bool, seats: int,
                                                                               outcome: str) -> None:
    # given a three-seat group with `paid` seats paid, and a store that may fill up to `seats` seats or not
    facts = group(paid=paid)
    # when its time runs out, then it completes, fails, or is filled by the store
    assert rules.at_expiry(facts, auto_fill, seats) == outcome


def test_progress_shows_seats_and_time_left_while_open_only() -> None:
    # given an open group with one of three seats paid, an hour before its time ends
    # then it shows two seats and 3600 seconds left
    assert rules.progress(group(paid=1), NOW + timedelta(hours=23)) == rules.Progress(3, 1, 2, NOW + timedelta(hours=24), 3600)
    # given a failed group, then no seat is left to take
    assert rules.progress(group(GroupStatus.FAILED, paid=1), NOW).seats_left == 0


def test_the_lifecycle_table_guards_every_move() -> None:
    # given the lifecycle table, then a group opens, fills to complete or expires to failed
    assert moves.next_state("pending", "open") is GroupStatus.OPEN
    assert moves.next_state("open", "fill") is GroupStatus.COMPLETE
    assert moves.next_state("open", "expire") is GroupStatus.FAILED
    # when a member leaves a complete group or a seat is taken in a failed one, then it is not allowed in that state
    with pytest.raises(NotAllowedInState):
        moves.next_state("complete", "leave")
    with pytest.raises(NotAllowedInState):
        moves.next_state("failed", "take_seat")
    # then an open group offers a buyer to join and a member to leave, and a complete one nothing to its members
    assert moves.allowed_actions("open", "buyer") == ["join"]
    assert moves.allowed_actions("open", "member") == ["leave"]
    assert moves.allowed_actions("complete", "member") == []
    # then every move starts from a known state and none from a final one
    assert {m.state for m in moves.MOVES} <= set(GroupStatus) and not any(m.state in moves.FINAL for m in moves.MOVES)
