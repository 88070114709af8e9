"""The seller's extension choices agree with the extension rule itself (RULES.md §17.1), so the console offers a
form only when sending it would pass."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from shopkeeper import rulebooks
from shopkeeper.errors import DomainError
from shopkeeper.orders.extensions import extended_confirm_by, seller_choices

DUE = datetime(2026, 11, 12, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("book", rulebooks.names())
@pytest.mark.parametrize("used", [0, 1, 2])
@pytest.mark.parametrize("before_due", [timedelta(days=9), timedelta(seconds=1), timedelta(0), -timedelta(days=1)])
def test_every_choice_offered_passes_and_none_is_offered_when_none_would(book: str, used: int,
                                                                          before_due: timedelta) -> None:
    rules, now = rulebooks.load(book), DUE - before_due
    offered = seller_choices(rules, DUE, used, now)
    for days in offered:
        assert extended_confirm_by(rules, "seller", days, DUE, used, now) == DUE + timedelta(days=days)
    if not offered:
        with pytest.raises(DomainError):
            extended_confirm_by(rules, "seller", 3, DUE, used, now)


def test_taobao_offers_3_5_7_10_once() -> None:
    taobao = rulebooks.load("taobao")
    assert seller_choices(taobao, DUE, 0, DUE - timedelta(days=5)) == (3, 5, 7, 10)
    assert seller_choices(taobao, DUE, 1, DUE - timedelta(days=5)) == ()
    assert seller_choices(rulebooks.load("dhgate"), DUE, 0, DUE - timedelta(days=5)) == ()
