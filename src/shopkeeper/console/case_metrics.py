"""The seller-metrics page's figures: a store's six after-sales metrics over a period of its own days.

The figures are `aftersales.metrics.service.store_metrics` (RULES.md §8.1); this module
only turns the page's dates into a period and words the figures. A period is
whole days on the store's clock, so a Beijing store's "1 November" starts at
its midnight.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from shopkeeper.aftersales.metrics.service import StoreMetrics, store_metrics
from shopkeeper.console.filters import Problem
from shopkeeper.console.i18n import translate
from shopkeeper.languages import Lang

if TYPE_CHECKING:
    from shopkeeper.catalog.models import Store

DEFAULT_DAYS = 30
MAX_DAYS = 366
EARLIEST, LATEST = date(1970, 1, 1), date(9000, 12, 31)
NAMES = ("dispute_rate", "seller_responsible_dispute_rate", "refund_rate", "on_time_shipping_rate",
         "not_received_dispute_rate", "sold_not_shipped")


@dataclass(frozen=True)
class Period:
    """Both days included; a day left out is the default, worked out on each store's own calendar."""

    first: date | None
    last: date | None

    def days(self, today: date) -> tuple[date, date]:
        last = self.last or today
        return self.first or last - timedelta(days=DEFAULT_DAYS - 1), last


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    value: str
    definition: str


@dataclass(frozen=True)
class StoreFigures:
    store: Store
    first: date  # the store's days, both included
    last: date
    start: datetime  # UTC, from the store's midnight
    end: datetime
    metrics: StoreMetrics
    figures: list[Figure]


def parse_period(params: Mapping[str, str]) -> tuple[Period, list[Problem]]:
    """`from` and `to` as dates; by default the last 30 days up to today. Bad input becomes a message, not an error."""
    problems: list[Problem] = []
    last = _day(params, "to", "metrics.to", problems)
    first = _day(params, "from", "metrics.from", problems)
    if first and last and first > last:
        problems.append(Problem("metrics.bad.range"))
    elif first and last and (last - first).days >= MAX_DAYS:
        problems.append(Problem("metrics.bad.long", {"days": str(MAX_DAYS)}))
    return Period(first, last), problems


def _day(params: Mapping[str, str], name: str, label: str, problems: list[Problem]) -> date | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not EARLIEST <= day <= LATEST:  # far-off dates are typos, and overflow a time zone's arithmetic
        problems.append(Problem("metrics.bad.date", {"value": text[:40]}, label=label))
        return None
    return day


def store_figures(session: Session, store: Store, period: Period, now: datetime, lang: Lang) -> StoreFigures:
    zone = ZoneInfo(store.timezone)
    first, last = period.days(now.astimezone(zone).date())
    start = datetime.combine(first, time.min, tzinfo=zone).astimezone(timezone.utc)
    after = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone).astimezone(timezone.utc)
    end = max(min(after, now), start + timedelta(microseconds=1))  # a period yet to begin counts nothing
    metrics = store_metrics(session, store.id, start, end)
    platform_only = not metrics.agreement_cases_are_disputes
    bases = {"dispute_rate": "platform" if platform_only else "all",
             "refund_rate": "platform" if metrics.refund_rate_counts == "platform_stage" else "all"}
    return StoreFigures(store, first, last, start, end, metrics,
                        [_figure(metrics, name, bases.get(name), lang) for name in NAMES])


def _figure(metrics: StoreMetrics, name: str, basis: str | None, lang: Lang) -> Figure:
    value = getattr(metrics, name)
    definition = translate(lang, f"m.{name}.def", basis=translate(lang, f"m.{name}.{basis}")) if basis else \
        translate(lang, f"m.{name}.def")
    return Figure(name, translate(lang, f"m.{name}"), _shown(value), definition)


def _shown(value: Decimal | int | None) -> str:
    """Rates as percentages to two places (0.0125 → 1.25%); counts as they are; nothing to divide by → "—"."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value * 100:.2f}%"
    return str(value)

