"""Console strings and the formats built from them: both languages, always complete."""

from __future__ import annotations

import string
from datetime import datetime, timedelta, timezone

import pytest

from shopkeeper.console.display import duration, money, time_left, when
from shopkeeper.console.i18n import EN, ZH, event_label, translate
from shopkeeper.languages import pick_lang
from shopkeeper.orders.rules import OrderStatus

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys() -> None:
    assert set(EN) - set(ZH) == set(), "missing in Chinese"
    assert set(ZH) - set(EN) == set(), "missing in English"


def test_both_languages_fill_the_same_placeholders() -> None:
    assert {k: _fields(v) for k, v in EN.items()} == {k: _fields(v) for k, v in ZH.items()}


def test_no_string_is_empty_except_the_chinese_unit_separator() -> None:
    assert [k for k, v in EN.items() if not v.strip() and k != "dur.sep"] == []
    assert [k for k, v in ZH.items() if not v and k != "dur.sep"] == []


@pytest.mark.parametrize("status, zh", [
    ("awaiting_payment", "待付款"), ("paid", "待发货"), ("shipped", "已发货"),
    ("delivered", "已签收"), ("completed", "交易成功"), ("closed", "交易关闭"),
])
def test_every_order_status_is_translated(status: str, zh: str) -> None:
    assert translate("zh", f"status.{status}") == zh
    assert translate("en", f"status.{status}") != f"status.{status}"


def test_statuses_in_the_dictionary_are_the_model_statuses() -> None:
    assert {k.removeprefix("status.") for k in EN if k.startswith("status.")} == {s.value for s in OrderStatus}


def test_unknown_event_types_show_as_they_are() -> None:
    assert event_label("zh", "order.paid") == "付款成功"
    assert event_label("en", "coupon.issued") == "coupon.issued"


@pytest.mark.parametrize("left, en, zh", [
    (timedelta(hours=5, minutes=12, seconds=59), "5h 12m left", "剩余 5小时12分"),
    (timedelta(hours=3), "3h left", "剩余 3小时"),
    (timedelta(days=2, hours=20, minutes=50), "2d 20h left", "剩余 2天20小时"),
    (timedelta(days=1, minutes=30), "1d left", "剩余 1天"),
    (timedelta(minutes=7), "7m left", "剩余 7分钟"),
    (timedelta(seconds=20), "0m left", "剩余 0分钟"),
    (timedelta(0), "0m left", "剩余 0分钟"),
    (-timedelta(hours=2), "overdue 2h", "已超时 2小时"),
    (-timedelta(days=1, hours=1, minutes=5), "overdue 1d 1h", "已超时 1天1小时"),
    (-timedelta(seconds=30), "overdue 0m", "已超时 0分钟"),
])
def test_time_left(left: timedelta, en: str, zh: str) -> None:
    english, chinese = time_left(NOW + left, NOW, "en"), time_left(NOW + left, NOW, "zh")
    assert english is not None and chinese is not None
    assert (english.text, chinese.text) == (en, zh)
    assert english.overdue == chinese.overdue == (left < timedelta(0))


def test_no_deadline_no_time_left() -> None:
    assert time_left(None, NOW, "en") is None


def test_duration_never_goes_negative() -> None:
    assert duration(-timedelta(hours=1), "en") == "0m"


@pytest.mark.parametrize("query, cookie, header, expected", [
    ("zh", None, "en-US", "zh"),
    ("en", "zh", "zh-CN", "en"),
    (None, "zh", "en", "zh"),
    ("fr", None, "zh-CN,zh;q=0.9,en;q=0.8", "zh"),
    (None, "klingon", "zh-TW", "zh"),
    (None, None, "en-GB,en;q=0.9,zh-CN;q=0.8", "en"),
    (None, None, "en;q=0.5, zh-Hans;q=0.9", "zh"),
    (None, None, "de-DE", "en"),
    (None, None, None, "en"),
    (None, None, "zh;q=bogus, en", "en"),
])
def test_language_choice(query: str | None, cookie: str | None, header: str | None, expected: str) -> None:
    assert pick_lang(query, cookie, header) == expected


def test_times_are_utc_and_minute_precise() -> None:
    beijing = timezone(timedelta(hours=8))
    assert when(datetime(2026, 11, 25, 22, 3, 59, tzinfo=beijing)) == "2026-11-25 14:03"
    assert when(None) == "—"


def test_money_uses_the_currency_display() -> None:
    assert money(12900, "CNY") == "¥129.00"
    assert money(123456, "USD") == "$1,234.56"


def test_times_are_shown_on_the_stores_clock() -> None:
    moment = datetime(2026, 11, 10, 16, 30, tzinfo=timezone.utc)
    assert when(moment, "Asia/Shanghai") == "2026-11-11 00:30"  # Double 11 has begun in Beijing
    assert when(moment) == "2026-11-10 16:30"


def test_a_language_rated_q0_is_refused_not_chosen() -> None:
    # RFC 9110 §12.4.2: q=0 means "not acceptable"
    assert pick_lang(None, None, "zh;q=0") == "en"
    assert pick_lang(None, None, "zh;q=0, en;q=0.1") == "en"
    assert pick_lang(None, None, "en;q=0.5, zh-CN;q=0.8") == "zh"


def test_the_social_pages_name_every_event_reward_kind_and_state_they_show() -> None:
    from shopkeeper.console.timeline_text import SENTENCES
    from shopkeeper.social.assists.moves import TaskStatus
    from shopkeeper.social.assists.rules import OfferKind
    from shopkeeper.social.distribution.moves import CommissionStatus, PayoutStatus
    from shopkeeper.social.rewards.kinds import KINDS

    social = [t for t in SENTENCES if t.split(".")[0] in ("group_buy", "pool", "distribution", "commission", "reward", "assist", "content", "platform_packet")]
    assert [t for t in social if f"event.{t}" not in EN] == []
    assert [k for k in KINDS if f"rkind.{k}" not in EN] == []
    assert [k for k in OfferKind.__args__ if f"akind.{k}" not in EN] == []
    wanted = [f"tstatus.{s}" for s in TaskStatus] + [f"cmstatus.{s}" for s in CommissionStatus] + \
             [f"postatus.{s}" for s in PayoutStatus]
    assert [k for k in wanted if k not in EN] == []
