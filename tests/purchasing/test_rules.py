"""Purchase suggestions (采购建议, RULES.md §5.1, §15 #21) and the Double 11 trigger (§3.3), figure by figure."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.errors import Conflict, InvalidInput, NotAllowedInState
from shopkeeper.purchasing import moves, rules
from shopkeeper.purchasing.rules import Campaign, Day, Position, Terms, average_daily_sales, round_to_packs, suggest
from support import examples

START = date(2026, 11, 1)


def window(*sold: int, out: tuple[int, ...] = ()) -> list[Day]:
    """Days from START; the indexes in `out` had no stock on sale."""
    return [Day(START + timedelta(days=i), n, i not in out) for i, n in enumerate(sold)]


def test_average_daily_sales_rounds_half_up_to_the_cent() -> None:
    assert average_daily_sales(window(3, 3, 4)) == (Decimal("3.33"), 3, 0)
    assert average_daily_sales(window(1, 0, 0, 0, 0, 0, 0, 0)) == (Decimal("0.13"), 8, 0)  # 0.125 → 0.13


def test_a_stockout_day_with_no_sales_is_not_a_zero_demand_day() -> None:
    # given 14 days, the last 4 with the shelf empty and nothing sold
    days = window(*[5] * 10, 0, 0, 0, 0, out=(10, 11, 12, 13))
    # then ADS is over the 10 days on sale, not 14
    assert average_daily_sales(days) == (Decimal("5.00"), 10, 4)
    # a day the shelf ran empty but sold still counts
    assert average_daily_sales(window(4, 2, out=(1,))) == (Decimal("3.00"), 2, 0)


def test_nothing_counted_is_zero_demand() -> None:
    assert average_daily_sales(window(0, 0, out=(0, 1))) == (Decimal("0.00"), 0, 2)
    assert suggest(Position(0, 0, window(0, 0, out=(0, 1))), Terms()).quantity == 0


def test_due_below_the_reorder_point_up_to_the_target_in_whole_packs() -> None:
    # given 14 days selling 4 a day (ADS 4.00), lead 7 + safety 3 days, review 7, packs of 12, MOQ 24
    terms = Terms(lead_days=7, safety_days=3, review_days=7, pack_size=12, moq=24)
    s = suggest(Position(on_hand=30, in_transit=6, days=window(*[4] * 14)), terms)
    # then the reorder point is 40; position 36 ≤ 40, so due; target 68, need 32 → 3 packs of 12 = 36
    assert (s.average_daily_sales, s.reorder_point, s.target) == (Decimal("4.00"), Decimal("40.00"), Decimal("68.00"))
    assert s.position == 36 and s.due and s.flags == ("below-reorder-point",)
    assert s.quantity == 36


def test_the_minimum_order_lifts_a_small_need() -> None:
    # ADS 3.33 (10 in 3 days), lead 2 + safety 1 → point 9.99; target 3.33 × 5 = 16.65; position 9 → need 7.65 → 8
    terms = Terms(lead_days=2, safety_days=1, review_days=2, pack_size=1, moq=20)
    s = suggest(Position(9, 0, window(3, 3, 4)), terms)
    assert (s.reorder_point, s.target, s.quantity) == (Decimal("9.99"), Decimal("16.65"), 20)
    assert round_to_packs(8, Terms(pack_size=6, moq=1)) == 12
    assert round_to_packs(0, Terms(pack_size=6, moq=10)) == 0


def test_above_the_reorder_point_nothing_is_due() -> None:
    s = suggest(Position(41, 0, window(*[4] * 14)), Terms())
    assert (s.reorder_point, s.due, s.flags, s.quantity) == (Decimal("40.00"), False, (), 0)


def test_in_transit_stock_counts_like_stock_on_hand() -> None:
    days = window(*[4] * 14)
    assert suggest(Position(10, 0, days), Terms()).quantity == 58  # target 68 − 10
    assert suggest(Position(10, 30, days), Terms()).quantity == 28
    assert suggest(Position(10, 31, days), Terms()).quantity == 0  # 41 is above the point of 40


def test_double_eleven_half_sold_triggers_above_the_reorder_point() -> None:
    # §3.3: 100 at the campaign's start, 51 sold since: more than half → replenish, though 60 on hand is above 40
    days = window(*[4] * 14)
    s = suggest(Position(60, 0, days, Campaign(stock_at_start=100, sold_since_start=51)), Terms())
    assert s.flags == ("half-sold",) and s.due and s.quantity == 8  # 68 − 60
    exactly_half = suggest(Position(60, 0, days, Campaign(stock_at_start=100, sold_since_start=50)), Terms())
    assert exactly_half.flags == () and exactly_half.quantity == 0


def test_double_eleven_surge_plans_on_the_last_days_rate() -> None:
    # ADS over 14 days: 13 × 4 + 20 = 72 / 14 = 5.14; the last day's 20 > 2 × 5.14 → surge
    days = window(*[4] * 13, 20)
    s = suggest(Position(100, 0, days, Campaign(stock_at_start=200, sold_since_start=20)), Terms())
    assert s.average_daily_sales == Decimal("5.14") and s.flags == ("surge",)
    assert (s.rate, s.target, s.quantity) == (Decimal(20), Decimal(340), 240)
    # a factor of 4 does not see 20 as a surge (4 × 5.14 = 20.56)
    calm = suggest(Position(100, 0, days, Campaign(200, 20, surge_factor=Decimal(4))), Terms())
    assert calm.flags == () and calm.quantity == 0
    # and outside a campaign there is no trigger at all
    assert suggest(Position(100, 0, days), Terms()).flags == ()


def test_bad_terms_and_stock_are_refused() -> None:
    with pytest.raises(InvalidInput):
        Terms(pack_size=0)
    with pytest.raises(InvalidInput):
        Terms(lead_days=-1)
    with pytest.raises(InvalidInput):
        suggest(Position(-1, 0, []), Terms())


day_sales = st.lists(st.tuples(st.integers(0, 50), st.booleans()), max_size=21)
term_values = st.builds(Terms, st.integers(0, 30), st.integers(0, 14), st.integers(0, 14), st.integers(1, 24), st.integers(1, 100))
campaigns = st.none() | st.builds(Campaign, st.integers(0, 500), st.integers(0, 500), st.sampled_from([Decimal(2), Decimal("1.5")]))


def _days(raw: list[tuple[int, bool]]) -> list[Day]:
    return [Day(START + timedelta(days=i), sold, shelf) for i, (sold, shelf) in enumerate(raw)]


@settings(max_examples=examples(200))
@given(day_sales, term_values, campaigns, st.integers(0, 1000), st.integers(0, 1000), st.integers(1, 500))
def test_never_negative_and_more_stock_never_raises_it(raw: list[tuple[int, bool]], terms: Terms,
                                                        campaign: Campaign | None, on_hand: int, in_transit: int,
                                                        more: int) -> None:
    days = _days(raw)
    s = suggest(Position(on_hand, in_transit, days, campaign), terms)
    assert s.quantity >= 0 and isinstance(s.quantity, int)
    assert s.quantity == 0 or (s.quantity % terms.pack_size == 0 and s.quantity >= terms.moq)
    assert s.quantity == 0 or s.due
    for richer in (Position(on_hand + more, in_transit, days, campaign), Position(on_hand, in_transit + more, days, campaign)):
        assert suggest(richer, terms).quantity <= s.quantity
    # the order brings the position to the target (what it plans on) or above
    if s.quantity:
        assert s.position + s.quantity >= s.target


def test_purchase_order_moves() -> None:
    assert moves.next_status("draft", "place", "PO-1") == moves.OrderStatus.PLACED
    assert moves.allowed_actions("placed") == ["receive", "cancel", "close"]
    with pytest.raises(NotAllowedInState):
        moves.next_status("partly_received", "cancel", "PO-1")
    with pytest.raises(NotAllowedInState):
        moves.next_status("draft", "receive", "PO-1")
    assert moves.after_receipt(0) == moves.OrderStatus.RECEIVED
    assert moves.after_receipt(3) == moves.OrderStatus.PARTLY_RECEIVED


def test_over_receipt_is_refused() -> None:
    moves.check_receipt({1: 10, 2: 5}, {1: 10, 2: 1}, "PO-1")
    with pytest.raises(Conflict) as refused:
        moves.check_receipt({1: 10}, {1: 11}, "PO-1")
    assert refused.value.code == "over-receipt"
    with pytest.raises(NotAllowedInState):
        moves.check_receipt({1: 10}, {3: 1}, "PO-1")


def test_payment_request_moves() -> None:
    assert moves.next_payment_status("pending_approval", "approve", 1) == moves.PaymentStatus.APPROVED
    with pytest.raises(NotAllowedInState):
        moves.next_payment_status("approved", "reject", 1)


def test_a_signed_up_campaign_counts_from_its_official_phase_else_its_warm_up_else_now() -> None:
    main, warm = datetime(2026, 11, 11, tzinfo=timezone.utc), datetime(2026, 11, 1, tzinfo=timezone.utc)
    assert rules.counted_from(warm, main, main + timedelta(hours=1)) == main
    assert rules.counted_from(warm, main, main - timedelta(days=2)) == warm
    early = warm - timedelta(days=1)
    assert rules.counted_from(warm, main, early) == early
    assert rules.counted_from(None, main, main - timedelta(days=2)) == main - timedelta(days=2)
