"""Complaint rules (投诉商家, 赔付), walked with RULES.md §7.3's numbers and the §15 readings the rulebooks chose."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales_clock import ALI, DAY, DEFAULT, DH, SECOND, T0, TAOBAO, TMALL, cny, usd
from shopkeeper.aftersales.complaints.rules import compensation, complaint_open_until, may_complain
from shopkeeper.errors import NotAllowedInState
from shopkeeper.money import CurrencyMismatch, Money


@pytest.mark.parametrize("goods, special, expected", [
    ("50.00", False, "5.00"),     # 2.50 → the ¥5 minimum
    ("300.00", False, "15.00"),   # 5%
    ("1000.00", False, "30.00"),  # 50.00 → the ¥30 maximum (§15 #9)
    ("123.45", False, "6.17"),    # 6.1725 half-up to the fen
    ("123.50", False, "6.18"),    # 6.175 half-up
    ("10.00", True, "1.00"),      # 0.50 → the special-category ¥1 minimum
    ("40.00", True, "2.00"),
    ("1000.00", True, "30.00"),
])
def test_taobao_compensation_is_5_percent_of_goods_between_5_and_30_yuan_in_cash(goods: str, special: bool,
                                                                                  expected: str) -> None:
    # given an upheld complaint on Taobao, when the seller pays for these goods
    paid = compensation(cny(goods), TAOBAO, special)
    # then 5% of the goods, half-up to the fen, kept between the floor and ¥30, in cash
    assert (paid.amount, paid.paid_in, paid.points) == (cny(expected), "cash", None)


def test_tmall_pays_compensation_in_points() -> None:
    # given an upheld complaint on Tmall, when the seller pays for ¥300 of goods
    paid = compensation(cny("300.00"), TMALL, special_category=False)
    # then ¥15, paid as Tmall points
    assert (paid.amount, paid.paid_in, paid.points) == (cny("15.00"), "points", 1500)  # §15 #9: 100 points = ¥1


@given(st.integers(0, 10**9), st.booleans())
def test_compensation_stays_between_its_floor_and_ceiling(goods: int, special: bool) -> None:
    # given any goods amount on Taobao, when the seller pays
    paid = compensation(Money(goods, "CNY"), TAOBAO, special)
    # then never below the floor nor above ¥30
    assert cny("1.00" if special else "5.00") <= paid.amount <= cny("30.00")


def test_compensation_refuses_another_currency_and_platforms_without_the_scheme() -> None:
    # given goods in dollars on Taobao, then the compensation is refused
    with pytest.raises(CurrencyMismatch):
        compensation(usd("10.00"), TAOBAO, False)
    # given a platform with no complaint scheme, then there is neither compensation nor a complaint
    for book in (DH, ALI, DEFAULT):
        with pytest.raises(NotAllowedInState):
            compensation(usd("10.00"), book, False)
        assert not may_complain(T0, book, T0)


def test_a_complaint_may_be_opened_for_15_days_after_the_order_closes() -> None:
    """RULES.md §7.3, §15 #10: from closing with the refund successful, or completing; not after 15 days."""
    # given an order closed at T0, then the window ends 15 days later
    assert complaint_open_until(T0, TAOBAO) == T0 + 15 * DAY
    # when the buyer complains on its last second, then it may; a second later, it may not
    assert may_complain(T0, TMALL, T0 + 15 * DAY) and not may_complain(T0, TMALL, T0 + 15 * DAY + SECOND)
