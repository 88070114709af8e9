"""Fan growth (粉丝增长, RULES.md §4.3): a store's club day by day on its own clock, in one statement.

Each local day is a [start, end) pair of UTC instants (`rules.local_days`), sent as a VALUES list; the fans gained
and lost in a day are the spells opened and closed in it (each a count on an index of the store's spells), and the
fans at a day's end are those open before the first day plus the running sum of gains less losses.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Date, column, func, literal, or_, select, values
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal
from shopkeeper.catalog import service as catalog
from shopkeeper.customers import rules
from shopkeeper.customers.models import StoreFollow
from shopkeeper.db import UTCDateTime
from shopkeeper.scope import require_store_manager


def fan_growth(session: Session, now: datetime, actor: Principal, store_id: int, first: date | None = None,
               last: date | None = None) -> list[rules.FanDay]:
    """New, lost, net and total fans of each day from `first` to `last` (the store's days; by default the last
    `rules.GROWTH_DEFAULT_DAYS`), staff of the store or the operator."""
    require_store_manager(actor, store_id)
    store = catalog.get_store(session, actor, store_id)
    today = now.astimezone(ZoneInfo(store.timezone)).date()
    first, last = rules.growth_span(today, first, last)
    days = rules.local_days(first, last, store.timezone)
    day = values(column("day", Date), column("starts", UTCDateTime()), column("ends", UTCDateTime()),
                 name="days").data(days).cte("days")
    mine = StoreFollow.store_id == store_id
    new = (select(func.count()).where(mine, StoreFollow.followed_at >= day.c.starts, StoreFollow.followed_at < day.c.ends)
           .correlate(day).scalar_subquery())
    lost = (select(func.count()).where(mine, StoreFollow.unfollowed_at >= day.c.starts, StoreFollow.unfollowed_at < day.c.ends)
            .correlate(day).scalar_subquery())
    start = days[0][1]
    before = (select(func.count()).where(mine, StoreFollow.followed_at < literal(start, UTCDateTime()),
                                         or_(StoreFollow.unfollowed_at.is_(None),
                                             StoreFollow.unfollowed_at >= literal(start, UTCDateTime())))
              .scalar_subquery())
    daily = select(day.c.day, new.label("new"), lost.label("lost")).cte("daily")
    running = func.sum(daily.c.new - daily.c.lost).over(order_by=daily.c.day)
    query = select(daily.c.day, daily.c.new, daily.c.lost, (before + running).label("total")).order_by(daily.c.day)
    return [rules.FanDay(row.day, int(row.new), int(row.lost), int(row.total)) for row in session.execute(query)]
