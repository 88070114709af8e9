"""What the after-sales rule tests share: the moment their cases start, day and second steps, the shipped
rulebooks, and money in the currencies the rulebooks use."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shopkeeper import rulebooks
from shopkeeper.money import Money

T0 = datetime(2026, 11, 11, 8, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
DH, ALI, TAOBAO, TMALL, DEFAULT = (rulebooks.load(n) for n in ("dhgate", "aliexpress", "taobao", "tmall", "default"))


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def cny(amount: str) -> Money:
    return Money.of(amount, "CNY")
