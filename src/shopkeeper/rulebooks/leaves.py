"""The checks of single rulebook entries, each answering the problems it finds as sentences naming the entry
(`shipping.ship_within_hours: must be a positive whole number`); `check.py` composes them into a rulebook's spec."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shopkeeper.members import MEMBER_LEVELS
from shopkeeper.money import valid_currency

Leaf = Callable[[str, Any], list[str]]
Spec = dict[str, Any]  # key → Leaf or a nested Spec (a table)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def positive(path: str, v: Any) -> list[str]:
    return [] if _is_int(v) and v > 0 else [f"{path}: must be a positive whole number, not {v!r}"]


def whole(path: str, v: Any) -> list[str]:
    return [] if _is_int(v) and v >= 0 else [f"{path}: must be a whole number, 0 or more, not {v!r}"]


def flag(path: str, v: Any) -> list[str]:
    return [] if isinstance(v, bool) else [f"{path}: must be true or false, not {v!r}"]


def text(path: str, v: Any) -> list[str]:
    return [] if isinstance(v, str) and v.strip() else [f"{path}: must be a non-empty string, not {v!r}"]


def zone(path: str, v: Any) -> list[str]:
    try:
        ZoneInfo(v)
        return []
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return [f"{path}: {v!r} is not an IANA time zone (e.g. 'Asia/Shanghai')"]


def days_list(path: str, v: Any) -> list[str]:
    ok = isinstance(v, list) and bool(v) and all(_is_int(d) and d > 0 for d in v) and v == sorted(set(v))
    return [] if ok else [f"{path}: must be a list of positive whole numbers of days in increasing order, not {v!r}"]


def member_levels(path: str, v: Any) -> list[str]:
    ok = isinstance(v, list) and all(level in MEMBER_LEVELS for level in v) and len(set(v)) == len(v)
    return [] if ok else [f"{path}: must be a list of distinct member levels ({', '.join(MEMBER_LEVELS)}), not {v!r}"]


def _decimal(v: Any) -> Decimal | None:
    if not isinstance(v, str):
        return None
    try:
        d = Decimal(v)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def amount(path: str, v: Any) -> list[str]:
    d = _decimal(v)
    return [] if d is not None and d >= 0 else [f'{path}: must be an amount written as a string, e.g. "5.00", not {v!r}']


def rate(path: str, v: Any) -> list[str]:
    d = _decimal(v)
    if d is not None and 0 < d <= 1:
        return []
    return [f'{path}: must be a fraction above 0 and at most 1 as a string, e.g. "0.05", not {v!r}']


def currency(path: str, v: Any) -> list[str]:
    return [] if isinstance(v, str) and valid_currency(v) else [f"{path}: must be an ISO 4217 code such as 'CNY', not {v!r}"]


def one_of(*options: str) -> Leaf:
    def check(path: str, v: Any) -> list[str]:
        return [] if v in options else [f"{path}: {v!r} is not one of {', '.join(options)}"]
    return check


def table_problems(spec: Spec, path: str, v: Any) -> list[str]:
    if not isinstance(v, dict):
        return [f"{path}: must be a table, not {v!r}"]
    found = [f"{path}.{k}: unknown entry" if path else f"{k}: unknown entry" for k in v if k not in spec]
    for key, kind in spec.items():
        where = f"{path}.{key}" if path else key
        if key not in v:
            found.append(f"{where}: missing")
        else:
            found += table_problems(kind, where, v[key]) if isinstance(kind, dict) else kind(where, v[key])
    return found


def table(spec: Spec) -> Leaf:
    return lambda path, v: table_problems(spec, path, v)
