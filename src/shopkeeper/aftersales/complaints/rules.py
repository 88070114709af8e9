"""Complaints after an order closes, and what an upheld one costs the seller (RULES.md §7.3).

Taobao and Tmall let a buyer complain (投诉商家) for 15 days once an order is
closed with a refund or completed; an upheld complaint costs the seller 5% of
the goods amount, between ¥5 and ¥30, paid in cash on Taobao and in Tmall
points on Tmall. All of it is read from the rulebook; a rulebook whose
platform has no such scheme says `offered = false`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shopkeeper.errors import NotAllowedInState
from shopkeeper.money import CurrencyMismatch, Money, exponent, round_half_up
from shopkeeper.rulebooks import Rulebook
from shopkeeper.rulebooks.aftersales import ComplaintRules, PaidIn


@dataclass(frozen=True)
class Compensation:
    amount: Money
    paid_in: PaidIn
    points: int | None  # how many points the amount is, when paid in points


def _complaints(book: Rulebook) -> ComplaintRules:
    if book.aftersales.complaint is None:
        raise NotAllowedInState(f"{book.title} offers no complaint compensation")
    return book.aftersales.complaint


def complaint_open_until(closed_at: datetime, book: Rulebook) -> datetime:
    """The last moment to complain: 15 days after the order closed with a refund or completed (§7.3, §15 #10)."""
    return closed_at + _complaints(book).window


def may_complain(closed_at: datetime, book: Rulebook, now: datetime) -> bool:
    return book.aftersales.complaint is not None and closed_at <= now <= complaint_open_until(closed_at, book)


def compensation(goods: Money, book: Rulebook, special_category: bool) -> Compensation:
    """What the seller pays on an upheld complaint (赔付, RULES.md §7.3).

    `goods` is the goods amount only: shipping is never part of it (不包含运费).
    Taobao: 5% half-up to the fen, at least ¥5 (special categories ¥1), at most ¥30.
    """
    rules = _complaints(book).compensation
    if goods.currency != rules.max.currency:
        raise CurrencyMismatch(f"{book.title} compensates in {rules.max.currency}, not {goods.currency}")
    floor = rules.special_category_min if special_category else rules.min
    amount = min(max(goods.percent(rules.rate), floor), rules.max)
    points = None
    if rules.paid_in == "points" and rules.points_per_major_unit is not None:
        # Tmall points (天猫积分); the conversion is the rulebook's §15 #9 reading
        points = round_half_up(Decimal(amount.minor) * rules.points_per_major_unit / (Decimal(10) ** exponent(amount.currency)))
    return Compensation(amount, rules.paid_in, points)
