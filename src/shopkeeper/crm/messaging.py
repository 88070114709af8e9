"""Whether a marketing message may go to a person now, and the official-page posting plan (RULES.md §10).

§10.1 wants SMS sent often ("频次要大") but gives no number, and §16 lists frequency caps, send-time windows and
opt-out as absent from the sources; §10.3 allows at most one official-site post a day, at a tested time
(try 22:00–03:00), never at peak hours. Everything numeric below is therefore a store setting with our default.

Readings where RULES.md is silent (decision lines, Analytics and CRM):
- caps count messages already sent, per channel and over all channels, in rolling windows: a day is the 24 hours
  before `now`, a week the 7 × 24 hours before it (not calendar days, so no midnight lets a burst through);
- quiet hours are read on the buyer's own clock (their IANA time zone): default 21:00 to 09:00, start included,
  end excluded; a window whose start equals its end means no quiet hours; across a DST change the wall clock counts;
- opting out of one channel stops that channel; opting out of everything stops all; neither has a next moment (the
  person must opt back in), and opt-out is checked before caps and quiet hours;
- the answer names the first reason in the order opt-out, cap, quiet hours, and the earliest moment every
  rule allows (after skipping quiet hours and waiting for caps to free);
- posting: the tested window opens on a given date (default 22:00–03:00, ending the next morning when it wraps
  midnight); "one official post a day" holds both per window and per calendar date on the window's clock, so two
  official posts never share a date nor one night's window;
  other posts are not capped but share the window's slots; a draft that fits no slot is returned unplaced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shopkeeper.errors import InvalidInput

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
Reason = Literal["opted-out", "channel-opted-out", "channel-daily-cap", "channel-weekly-cap", "daily-cap",
                 "weekly-cap", "quiet-hours"]


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"{name!r} is not an IANA time zone such as Asia/Shanghai", field="time_zone") from None


def _aware(moment: datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(f"{what} must carry its time zone", field=what)


@dataclass(frozen=True)
class Caps:
    """At most `per_day` messages in any 24 hours and `per_week` in any 7 days; None: no cap."""

    per_day: int | None = None
    per_week: int | None = None

    def __post_init__(self) -> None:
        for name in ("per_day", "per_week"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise InvalidInput(f"{name} must be a whole number of at least 1", field=name)


@dataclass(frozen=True)
class SendPolicy:
    """A store's messaging limits; the defaults are our reading (§16: the sources give no number)."""

    overall: Caps = Caps(per_day=2, per_week=5)
    per_channel: Mapping[str, Caps] = field(default_factory=lambda: {
        "sms": Caps(per_day=1, per_week=3), "email": Caps(per_day=1, per_week=3),
        "push": Caps(per_day=2, per_week=5), "chat": Caps(per_day=2, per_week=5)})
    quiet_start: time = time(21, 0)  # our default: 21:00–09:00 on the buyer's clock
    quiet_end: time = time(9, 0)


@dataclass(frozen=True)
class Sent:
    channel: str
    at: datetime


@dataclass(frozen=True)
class PersonState:
    """What limits messages to one person: their clock, what we sent them, what they opted out of."""

    time_zone: str
    sent: tuple[Sent, ...] = ()
    opted_out_channels: frozenset[str] = frozenset()
    opted_out_all: bool = False

    def __post_init__(self) -> None:
        zone(self.time_zone)
        for message in self.sent:
            _aware(message.at, "a send time")


@dataclass(frozen=True)
class SendDecision:
    """`allowed`, or the first `reason` it is not and `next_allowed_at` (None: not until the person opts in).

    `next_allowed_at` is in UTC: a zoned time in the repeated hour of a fall-back compares unequal to every time on
    another clock (PEP 495), which would surprise a caller."""

    allowed: bool
    reason: Reason | None = None
    next_allowed_at: datetime | None = None


def _in_quiet(moment: datetime, tz: ZoneInfo, policy: SendPolicy) -> bool:
    wall = moment.astimezone(tz).time().replace(tzinfo=None)
    start, end = policy.quiet_start, policy.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end


def _quiet_ends(moment: datetime, tz: ZoneInfo, policy: SendPolicy) -> datetime:
    """The first moment after `moment` (inside quiet hours) when the buyer's clock reads `quiet_end`."""
    local = moment.astimezone(tz)
    day = local.date()
    if policy.quiet_start > policy.quiet_end and local.time().replace(tzinfo=None) >= policy.quiet_start:
        day += DAY
    end = datetime.combine(day, policy.quiet_end, tzinfo=tz).astimezone(timezone.utc)
    # A quiet end the fall-back repeats resolves to its first occurrence, maybe not after `moment`: step past it
    # (in UTC: adding to a zoned time adds wall-clock time).
    while end <= moment:
        end += timedelta(hours=1)
    return end


def _cap_frees(times: Sequence[datetime], now: datetime, window: timedelta, cap: int | None) -> datetime | None:
    """None if another send fits the cap now; else when the oldest send that must age out leaves the window."""
    if cap is None:
        return None
    inside = sorted(at for at in times if now - window < at <= now)
    if len(inside) < cap:
        return None
    return inside[len(inside) - cap] + window


def _blocked_by_caps(state: PersonState, channel: str, now: datetime,
                     policy: SendPolicy) -> tuple[Reason, datetime] | None:
    everything = [message.at.astimezone(timezone.utc) for message in state.sent]
    on_channel = [message.at.astimezone(timezone.utc) for message in state.sent if message.channel == channel]
    own = policy.per_channel.get(channel, Caps())
    checks: list[tuple[Reason, Sequence[datetime], timedelta, int | None]] = [
        ("channel-daily-cap", on_channel, DAY, own.per_day),
        ("channel-weekly-cap", on_channel, WEEK, own.per_week),
        ("daily-cap", everything, DAY, policy.overall.per_day),
        ("weekly-cap", everything, WEEK, policy.overall.per_week),
    ]
    blocked = [(reason, frees) for reason, times, window, cap in checks
               if (frees := _cap_frees(times, now, window, cap)) is not None]
    if not blocked:
        return None
    return blocked[0][0], max(frees for _, frees in blocked)


def may_send(state: PersonState, channel: str, now: datetime, policy: SendPolicy = SendPolicy()) -> SendDecision:
    """May one more `channel` message go to this person at `now`? If not, why, and from when it may."""
    _aware(now, "now")
    tz = zone(state.time_zone)
    if state.opted_out_all:
        return SendDecision(False, "opted-out")
    if channel in state.opted_out_channels:
        return SendDecision(False, "channel-opted-out")
    first: Reason | None = None
    # Arithmetic in UTC: a zoned time plus 24 hours is the same wall time, 23 or 25 real hours away across DST.
    moment = now.astimezone(timezone.utc)
    # Each step moves strictly later, to a cap freeing or quiet hours ending; sends are finite, so this ends.
    while True:
        capped = _blocked_by_caps(state, channel, moment, policy)
        if capped is not None:
            first = first or capped[0]
            moment = capped[1]
            continue
        if _in_quiet(moment, tz, policy):
            first = first or "quiet-hours"
            moment = _quiet_ends(moment, tz, policy)
            continue
        break
    if first is None:
        return SendDecision(True)
    return SendDecision(False, first, moment)


# --- §10.3 the official page's posting plan ---------------------------------------------------------------------


@dataclass(frozen=True)
class PostingWindow:
    """The tested posting time on one clock, with slots `spacing` apart (§10.3: try 22:00 to 03:00)."""

    time_zone: str
    start: time = time(22, 0)
    end: time = time(3, 0)
    spacing: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        zone(self.time_zone)
        if self.start == self.end:
            raise InvalidInput("a posting window must not start and end at the same time", field="end")
        if self.spacing <= timedelta(0):
            raise InvalidInput("the spacing between posts must be positive", field="spacing")

    def slots(self, day: date) -> list[datetime]:
        """The slot times of the window opening on `day`, in order, as aware times on the window's clock."""
        tz = zone(self.time_zone)
        opens = datetime.combine(day, self.start, tzinfo=tz).astimezone(timezone.utc)
        closes_day = day + DAY if self.end < self.start else day
        closes = datetime.combine(closes_day, self.end, tzinfo=tz).astimezone(timezone.utc)
        times = []
        at = opens
        while at < closes:
            times.append(at.astimezone(tz))
            at += self.spacing
        return times


@dataclass(frozen=True)
class PostDraft:
    """A post to place; `official` posts relate to the official website (§10.3's one-a-day limit)."""

    key: str
    official: bool = True
    not_before: datetime | None = None

    def __post_init__(self) -> None:
        if self.not_before is not None:
            _aware(self.not_before, "not_before")


@dataclass(frozen=True)
class PlannedPost:
    key: str
    at: datetime
    official: bool


@dataclass(frozen=True)
class PostingPlan:
    posts: tuple[PlannedPost, ...]
    unplaced: tuple[str, ...]


def plan_posts(drafts: Iterable[PostDraft], window: PostingWindow, days: Iterable[date]) -> PostingPlan:
    """Place drafts, in the order given, each in the earliest free slot of the windows opening on `days`.

    RULES.md §10.3: at most one POST a day related to the official website, inside the tested window."""
    drafts = list(drafts)
    if len({draft.key for draft in drafts}) != len(drafts):
        raise InvalidInput("each draft needs its own key", field="key")
    slots = sorted({(at, day) for day in set(days) for at in window.slots(day)})
    taken: set[datetime] = set()
    official_nights: set[date] = set()  # windows, by the date they open
    official_dates: set[date] = set()  # calendar dates on the window's clock
    posts: list[PlannedPost] = []
    unplaced: list[str] = []
    for draft in drafts:
        for at, day in slots:
            if at in taken or (draft.not_before is not None and at < draft.not_before):
                continue
            # RULES.md §10.3: 一天最多一个跟官网相关的POST: one per window and one per calendar date on its clock.
            if draft.official and (day in official_nights or at.date() in official_dates):
                continue
            taken.add(at)
            if draft.official:
                official_nights.add(day)
                official_dates.add(at.date())
            posts.append(PlannedPost(draft.key, at, draft.official))
            break
        else:
            unplaced.append(draft.key)
    return PostingPlan(tuple(sorted(posts, key=lambda post: post.at)), tuple(unplaced))
