"""How the console writes times, durations and money.

Times are shown in UTC (what the database stores and the rulebooks count in),
so two operators in different places read the same deadline the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from shopkeeper.console.i18n import translate
from shopkeeper.languages import Lang
from shopkeeper.money import Money


def when(moment: datetime | None, zone: str = "UTC") -> str:
    """A moment on the clock of `zone` (a store's time zone; UTC where no store is meant)."""
    if moment is None:
        return "—"
    return moment.astimezone(timezone.utc if zone == "UTC" else ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def money(minor: int | None, currency: str) -> str:
    return "—" if minor is None else Money(minor, currency).display()


def duration(span: timedelta, lang: Lang) -> str:
    """Two units at most, rounded down, so a countdown never promises more time than there is."""
    minutes = max(int(span.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    sep = translate(lang, "dur.sep")
    if days:
        parts = [f"{days}{translate(lang, 'dur.d')}"] + ([f"{hours}{translate(lang, 'dur.h')}"] if hours else [])
    elif hours:
        parts = [f"{hours}{translate(lang, 'dur.h')}"] + ([f"{mins}{translate(lang, 'dur.m')}"] if mins else [])
    else:
        parts = [f"{mins}{translate(lang, 'dur.m_alone')}"]
    return sep.join(parts)


@dataclass(frozen=True)
class TimeLeft:
    text: str
    overdue: bool


def time_left(deadline: datetime | None, now: datetime, lang: Lang) -> TimeLeft | None:
    """"5h 12m left" before the deadline, "overdue 2h" after it (shown in red)."""
    if deadline is None:
        return None
    if deadline >= now:
        return TimeLeft(translate(lang, "dur.left", t=duration(deadline - now, lang)), overdue=False)
    return TimeLeft(translate(lang, "dur.overdue", t=duration(now - deadline, lang)), overdue=True)


def pairs(data: dict[str, Any] | None) -> str:
    """Options and event data as `key: value` pairs, in the order they were written."""
    if not data:
        return ""
    return ", ".join(f"{key}: {value}" for key, value in data.items())
