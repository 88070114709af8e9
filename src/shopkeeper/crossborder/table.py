"""The customs table (`customs.toml`) as frozen dataclasses, checked before use (RULES.md §5.5, §6.1).

The table is data a maintainer edits, so a mistake comes back as a sentence naming the entry to fix
(`threshold[1] (TR/hk-dhl).valid_from: ...`), never as a KeyError in the middle of a duty estimate. `parse_table`
refuses a table with problems; `load_table` reads the shipped one once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Literal, get_args

from shopkeeper.countries import is_country_code
from shopkeeper.errors import InvalidInput
from shopkeeper.money import Money
from shopkeeper.rulebooks.leaves import amount, currency, flag, positive, rate, text

# What a destination may refuse a shipment for; each is also the refusal's stable code (RULES.md §6.1, Pakistan).
Restriction = Literal["needs-original-invoice", "used-goods-refused", "goods-or-invoice-type-wrong"]
RESTRICTIONS: tuple[str, ...] = get_args(Restriction)


@dataclass(frozen=True)
class Threshold:
    """A de-minimis duty threshold (关税起征点) of one destination, and one channel or all, over a span of days."""

    country: str
    channel: str | None  # None: every channel without an entry of its own
    limit: Money
    duty_rate: Decimal
    rate_is_illustrative: bool  # True: the table's default rate, not one the sources state
    valid_from: date | None  # None: since before our sources
    valid_until: date | None  # None: until further notice; both ends inclusive
    cites: str

    def in_force(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class DestinationRules:
    """What a destination adds beyond its threshold; a country without an entry gets `DestinationRules.none`."""

    country: str
    promised_delivery_cap_days: int | None  # §5.5; None: the sources give no cap (§16)
    restrictions: tuple[Restriction, ...]
    duty_payer_fixed_at_pickup: bool  # §6.1 Canada
    cites: str

    @classmethod
    def none(cls, country: str) -> DestinationRules:
        return cls(country, None, (), False, "no entry: the sources state no rule for this destination")


@dataclass(frozen=True)
class CustomsTable:
    thresholds: tuple[Threshold, ...]
    destinations: tuple[DestinationRules, ...]

    def destination(self, country: str) -> DestinationRules:
        return next((d for d in self.destinations if d.country == country), DestinationRules.none(country))


def check_country(code: object) -> str:
    if not is_country_code(code):
        raise InvalidInput(f"not an ISO 3166 alpha-2 country code: {code!r}")
    return str(code)


def _country(path: str, v: Any) -> list[str]:
    return [] if is_country_code(v) else [f"{path}: must be an ISO 3166 alpha-2 code such as 'TR', not {v!r}"]


def _channel(path: str, v: Any) -> list[str]:
    ok = isinstance(v, str) and bool(v) and all(c.islower() or c.isdigit() or c == "-" for c in v) and v.isascii()
    return [] if ok else [f"{path}: must be a lowercase slug such as 'hk-dhl', not {v!r}"]


def _day(path: str, v: Any) -> list[str]:
    # a TOML datetime is a `date` too; a threshold changes on a day, never at an hour
    return [] if type(v) is date else [f"{path}: must be a date such as 2017-01-15, not {v!r}"]


def _restrictions(path: str, v: Any) -> list[str]:
    ok = isinstance(v, list) and bool(v) and all(r in RESTRICTIONS for r in v) and len(set(v)) == len(v)
    return [] if ok else [f"{path}: must be a list of distinct restrictions ({', '.join(RESTRICTIONS)}), not {v!r}"]


_THRESHOLD_REQUIRED = {"country": _country, "amount": amount, "currency": currency, "cites": text}
_THRESHOLD_OPTIONAL = {"channel": _channel, "duty_rate": rate, "valid_from": _day, "valid_until": _day}
_DESTINATION_REQUIRED = {"country": _country, "cites": text}
_DESTINATION_OPTIONAL = {"promised_delivery_cap_days": positive, "restrictions": _restrictions,
                         "duty_payer_fixed_at_pickup": flag}


def _entry_problems(path: str, v: Any, required: dict[str, Any], optional: dict[str, Any]) -> list[str]:
    if not isinstance(v, dict):
        return [f"{path}: must be a table, not {v!r}"]
    found = [f"{path}.{k}: unknown entry" for k in v if k not in required and k not in optional]
    found += [f"{path}.{k}: missing" for k in required if k not in v]
    checks = {**required, **optional}
    return found + [p for k, value in v.items() if k in checks for p in checks[k](f"{path}.{k}", value)]


def _threshold_name(i: int, v: Any) -> str:
    if not isinstance(v, dict):
        return f"threshold[{i}]"
    return f"threshold[{i}] ({v.get('country', '?')}/{v.get('channel', 'all channels')})"


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    a_from, a_until = a.get("valid_from", date.min), a.get("valid_until", date.max)
    b_from, b_until = b.get("valid_from", date.min), b.get("valid_until", date.max)
    return bool(a_from <= b_until and b_from <= a_until)


def _threshold_problems(entries: list[Any]) -> list[str]:
    found: list[str] = []
    for i, v in enumerate(entries):
        name = _threshold_name(i, v)
        own = _entry_problems(name, v, _THRESHOLD_REQUIRED, _THRESHOLD_OPTIONAL)
        if not own and v.get("valid_from", date.min) > v.get("valid_until", date.max):
            own.append(f"{name}: valid_from {v['valid_from']} is after valid_until {v['valid_until']}")
        found += own
        if own:
            continue
        # two entries for one destination and channel in force on the same day would make the answer a coin toss
        for j, w in enumerate(entries[:i]):
            clean = isinstance(w, dict) and not _entry_problems("", w, _THRESHOLD_REQUIRED, _THRESHOLD_OPTIONAL)
            same = clean and (w["country"], w.get("channel")) == (v["country"], v.get("channel"))
            if same and _overlaps(v, w):
                found.append(f"{name}: its days overlap those of {_threshold_name(j, w)}")
    return found


def _destination_problems(entries: list[Any]) -> list[str]:
    found: list[str] = []
    seen: set[str] = set()
    for i, v in enumerate(entries):
        name = f"destination[{i}] ({v.get('country', '?')})" if isinstance(v, dict) else f"destination[{i}]"
        found += _entry_problems(name, v, _DESTINATION_REQUIRED, _DESTINATION_OPTIONAL)
        if isinstance(v, dict) and v.get("country") in seen:
            found.append(f"{name}: a second entry for {v['country']}; give each destination one entry")
        if isinstance(v, dict) and isinstance(v.get("country"), str):
            seen.add(v["country"])
    return found


def problems(raw: dict[str, Any]) -> list[str]:
    """Everything wrong with a parsed table, each sentence naming its entry; empty when the table is usable."""
    found = [f"{k}: unknown entry" for k in raw if k not in ("duty", "threshold", "destination")]
    found += _entry_problems("duty", raw.get("duty", {}), {"default_rate": rate}, {})
    for key, check in (("threshold", _threshold_problems), ("destination", _destination_problems)):
        entries = raw.get(key, [])
        found += check(entries) if isinstance(entries, list) else [f"{key}: must be a list of tables ([[{key}]])"]
    return found


def parse_table(source: str) -> CustomsTable:
    """The table from TOML text; `InvalidInput` lists every problem found, each naming its entry."""
    try:
        raw = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"customs table is not valid TOML: {exc}") from exc
    found = problems(raw)
    if found:
        raise InvalidInput("customs table is not valid: " + "; ".join(found), problems=found)
    default_rate = Decimal(raw["duty"]["default_rate"])
    return CustomsTable(
        thresholds=tuple(_threshold(t, default_rate) for t in raw.get("threshold", [])),
        destinations=tuple(_destination(d) for d in raw.get("destination", [])),
    )


def _threshold(t: dict[str, Any], default_rate: Decimal) -> Threshold:
    return Threshold(
        country=t["country"], channel=t.get("channel"), limit=Money.of(t["amount"], t["currency"]),
        duty_rate=Decimal(t.get("duty_rate", default_rate)), rate_is_illustrative="duty_rate" not in t,
        valid_from=t.get("valid_from"), valid_until=t.get("valid_until"), cites=t["cites"],
    )


def _destination(d: dict[str, Any]) -> DestinationRules:
    return DestinationRules(
        country=d["country"], promised_delivery_cap_days=d.get("promised_delivery_cap_days"),
        restrictions=tuple(d.get("restrictions", ())), duty_payer_fixed_at_pickup=d.get("duty_payer_fixed_at_pickup", False),
        cites=d["cites"],
    )


@cache
def load_table() -> CustomsTable:
    """The shipped `customs.toml`, checked once per process."""
    return parse_table(resources.files(__package__).joinpath("customs.toml").read_text(encoding="utf-8"))
