"""The order list's filters, read from the query string.

A person typed these, so nothing here raises: every bad value becomes a
message shown above the form, and the page still renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from shopkeeper.orders.rules import OrderStatus
from shopkeeper.orders.service import OrderFilter

PAGE_SIZE = 50
MAX_ID = 2**53  # the same bound the API puts on ids; larger numbers are not ids
MAX_NUMBER_LENGTH = 32  # Order.number's column width


@dataclass(frozen=True)
class Problem:
    key: str  # an i18n key
    values: dict[str, str] = field(default_factory=dict)
    label: str | None = None  # the i18n key of the field it is about, filled in as {field}


@dataclass(frozen=True)
class ParsedFilter:
    order_filter: OrderFilter
    problems: list[Problem]


def parse(params: Mapping[str, str], store_ids: list[int]) -> ParsedFilter:
    """`store_ids` are the stores the principal may see; any other store is refused like a typo."""
    problems: list[Problem] = []
    store = params.get("store", "").strip()
    store_id = parse_id(store)
    if store and store_id not in store_ids:
        problems.append(Problem("orders.bad.store", {"value": store}))
    status = params.get("status", "").strip()
    if status and status not in {s.value for s in OrderStatus}:
        problems.append(Problem("orders.bad.status", {"value": status}))
    number = params.get("number", "").strip()
    if len(number) > MAX_NUMBER_LENGTH:
        problems.append(Problem("orders.bad.number"))
    placed_from = _day(params, "date_from", "orders.date_from", problems)
    placed_to = _day(params, "date_to", "orders.date_to", problems)
    if placed_from and placed_to and placed_from > placed_to:
        problems.append(Problem("orders.bad.range"))
    before = params.get("before", "").strip()
    before_id = parse_id(before)
    if before and before_id is None:
        problems.append(Problem("orders.bad.before", {"value": before}))
    return ParsedFilter(OrderFilter(
        store_id=store_id, status=status or None, number=number or None,
        placed_from=_start_of(placed_from), placed_to=_day_after(placed_to),
        limit=PAGE_SIZE + 1,  # one extra row tells whether there is a next page
        before_id=before_id,
    ), problems)


def parse_id(text: str) -> int | None:
    """A positive id in the range the API accepts, else None (a typo, not a crash)."""
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def _day(params: Mapping[str, str], name: str, label_key: str, problems: list[Problem]) -> date | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(Problem("orders.bad.date", {"value": text}, label=label_key))
        return None


def _day_after(day: date | None) -> datetime | None:
    """"To" dates are inclusive; the last representable day simply has no upper bound."""
    return _start_of(day + timedelta(days=1)) if day and day < date.max else None


def _start_of(day: date | None) -> datetime | None:
    """Dates are UTC days, like every time the console shows."""
    return datetime.combine(day, time.min, tzinfo=timezone.utc) if day else None


# --- promotions, coupons and campaigns --------------------------------------------------------

PLATFORM = "platform"  # the store filter's value for platform-wide rows


@dataclass(frozen=True)
class ListFilter:
    store_id: int | None = None
    platform: bool = False  # platform rows only (store_id None)
    status: str | None = None
    before_id: int | None = None


@dataclass(frozen=True)
class ParsedList:
    list_filter: ListFilter
    problems: list[Problem]


def parse_list(params: Mapping[str, str], store_ids: list[int], statuses: list[str], platform: bool = False) -> ParsedList:
    """The store / status / cursor filters of the promotion, coupon and campaign lists.

    `platform` allows `store=platform` (rows that belong to no store); any store not in
    `store_ids` is refused like a typo, so staff cannot list another store's rows by id.
    """
    problems: list[Problem] = []
    store = params.get("store", "").strip()
    store_id = parse_id(store)
    wants_platform = platform and store == PLATFORM
    if store and not wants_platform and store_id not in store_ids:
        problems.append(Problem("list.bad.store", {"value": store}))
    status = params.get("status", "").strip()
    if status and status not in statuses:
        problems.append(Problem("list.bad.status", {"value": status}))
    before = params.get("before", "").strip()
    before_id = parse_id(before)
    if before and before_id is None:
        problems.append(Problem("list.bad.before", {"value": before}))
    return ParsedList(ListFilter(store_id=None if wants_platform else store_id, platform=wants_platform,
                                 status=status or None, before_id=before_id), problems)
