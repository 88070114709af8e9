"""Pure rules of the customers domain: following a store (the store club, 粉丝趴, RULES.md §4.3) and its days.

A buyer follows a store or does not; following twice, or unfollowing a store not followed, changes nothing. Each
follow opens a spell and each unfollow closes it, so a store's fans at any moment are the spells open then, and the
fans gained and lost on a day are the spells opened and closed in it, on the store's own clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Literal
from zoneinfo import ZoneInfo

from shopkeeper.errors import InvalidInput

FollowChange = Literal["open", "close"]

# The longest span one growth read covers, and the span shown when none is asked for. Not platform rules (the
# sources give none): a read's size, our choice; a quarter fits any month-on-month comparison.
GROWTH_MOST_DAYS = 92
GROWTH_DEFAULT_DAYS = 30


def follow_change(following: bool, wants: bool) -> FollowChange | None:
    """What a follow (`wants` True) or an unfollow does to a buyer's standing with a store: open a spell, close it,
    or nothing (idempotent: the second follow, an unfollow of a store not followed)."""
    if wants and not following:
        return "open"
    if not wants and following:
        return "close"
    return None


@dataclass(frozen=True)
class FanDay:
    """One local day of a store's club: fans gained, fans lost, and fans at the day's end."""

    day: date
    new: int
    lost: int
    total: int

    @property
    def net(self) -> int:
        return self.new - self.lost


def growth_span(today: date, first: date | None, last: date | None) -> tuple[date, date]:
    """The days a growth read covers: what was asked, by default the last `GROWTH_DEFAULT_DAYS` up to today."""
    last = last or today
    if first is None:
        first = last - timedelta(days=GROWTH_DEFAULT_DAYS - 1) if last - date.min >= timedelta(days=GROWTH_DEFAULT_DAYS) \
            else date.min
    if first > last:
        raise InvalidInput("the first day comes after the last")
    if (last - first).days + 1 > GROWTH_MOST_DAYS:
        raise InvalidInput(f"a growth read covers at most {GROWTH_MOST_DAYS} days", most=GROWTH_MOST_DAYS)
    return first, last


def local_days(first: date, last: date, zone: str) -> list[tuple[date, datetime, datetime]]:
    """Each local day from `first` to `last` as its [start, end) in UTC: a day the clocks move is 23 or 25 hours.
    The calendar's first and last days have no instants on every clock: they are refused."""
    if first == date.min or last >= date.max - timedelta(days=1):
        raise InvalidInput("those days are outside the calendar")
    tz = ZoneInfo(zone)
    days = []
    day = first
    while day <= last:
        after = day + timedelta(days=1)
        start = datetime.combine(day, time.min, tzinfo=tz).astimezone(timezone.utc)
        end = datetime.combine(after, time.min, tzinfo=tz).astimezone(timezone.utc)
        days.append((day, start, end))
        day = after
    return days
