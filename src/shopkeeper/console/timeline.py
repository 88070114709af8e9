"""The timelines' words: each event the code records, as one sentence in the page's language.

Events keep their data as the services wrote it: minor units, ISO times in UTC, codes. Here it becomes
money with its currency, times on the store's clock (a platform's rows on the platform's) and words, so
an order's or a case's timeline reads "Paid ¥73.97; ship by 2026-11-05 14:00", not `amount_minor: 7397`.
The sentences, their clauses and the words for codes are a string table of their own, `timeline_text.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shopkeeper.console import promotion_text
from shopkeeper.console.display import duration, money, when
from shopkeeper.console.i18n import translate
from shopkeeper.console.timeline_text import CLAUSES, CODES, SENTENCES
from shopkeeper.events import Event
from shopkeeper.languages import Lang

_PARTY_KEYS = frozenset({"by", "waiting_for", "of", "confirmed_by", "responsible", "corrected_to", "funder", "decision",
                         "outcome", "unpicked_outcome"})
_TIME_KEYS = frozenset({"ship_by", "confirm_by", "due_at", "scanned_at", "open_until", "starts_at", "ends_at", "expires_at", "release_at",
                        "cutoff_at", "pickup_by"})
_MONEY_KEYS = frozenset({"old", "new"})  # sku.price_changed writes its prices without the _minor suffix


@dataclass(frozen=True)
class Line:
    """One row of a timeline: when (on the page's clock), the raw type (for machines), and what happened."""

    at: datetime
    type: str
    text: str


ReasonWords = Callable[[str], "str | None"]  # a rulebook's after-sales reason code → its words, when it has them


def lines(events: Iterable[Event], lang: Lang, zone: str, currency: str, reason_words: ReasonWords | None = None) -> list[Line]:
    return [Line(e.at, e.type, sentence(e.type, e.data or {}, lang, zone, currency, reason_words)) for e in events]


def sentence(event_type: str, data: Mapping[str, Any], lang: Lang, zone: str, currency: str,
             reason_words: ReasonWords | None = None) -> str:
    """The event in words; a type without a sentence (one added since) says its type and its data as written."""
    words = SENTENCES.get(event_type)
    if words is None:
        return f"{event_type} " + ", ".join(f"{k}: {v}" for k, v in data.items())
    values = _values(event_type, data, lang, zone, currency, reason_words)
    pick = 0 if lang == "en" else 1
    text = words[pick].format_map(values)
    for key, clause in CLAUSES.get(event_type, ()):
        if _holds(key, data, values):
            text += clause[pick].format_map(values)
    return text[0].upper() + text[1:] if lang == "en" else text


def _holds(key: str, data: Mapping[str, Any], values: Mapping[str, str]) -> bool:
    """A clause's condition: its data is there and not empty, zero or false ("!key": there, and empty)."""
    if key.startswith("!"):
        return key[1:] in data and not data[key[1:]]
    if key == "open_due_at":
        return key in values
    raw = data.get(key, data.get(f"{key}_minor"))
    return bool(raw) and key in values


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "—"


def _values(event_type: str, data: Mapping[str, Any], lang: Lang, zone: str, currency: str,
            reason_words: ReasonWords | None) -> _Values:
    pick = 0 if lang == "en" else 1
    cur = str(data.get("currency") or currency)
    values = _Values()
    for key, value in data.items():
        if value is None:
            continue
        if key.endswith("_minor") and isinstance(value, int):
            if key == "discount_minor" and not value:
                continue
            values[key.removesuffix("_minor")] = money(value, cur)
        elif key in _MONEY_KEYS and isinstance(value, int):
            values[key] = money(value, cur)
        elif key in _TIME_KEYS:
            values[key] = when(datetime.fromisoformat(str(value)), zone)
        elif key == "seconds_left":
            values[key] = duration(timedelta(seconds=int(value)), lang)
        elif key == "size_bytes":
            values["size"] = f"{max(1, round(int(value) / 1024)):,} KB"
        elif key == "kind" and event_type == "promotion.created":
            values[key] = promotion_text.kind_name(str(value), lang)
        elif key in _PARTY_KEYS or key == "reason" and str(value) in CODES:
            values[key] = CODES[str(value)][pick] if str(value) in CODES else str(value)
        elif key in ("stage", "step", "resolution", "agreement"):
            text = translate(lang, f"case.{'kind' if key == 'agreement' else key}.{value}")
            values[key] = text[0].lower() + text[1:] if lang == "en" else text  # it stands mid-sentence
        elif key == "reason" and reason_words is not None and reason_words(str(value)):
            values[key] = str(reason_words(str(value)))
        elif isinstance(value, bool):
            values[key] = "yes" if value else ""
        elif isinstance(value, (list, tuple)):
            values[key] = ("、" if lang == "zh" else ", ").join(map(str, value)) if value else ""
        else:
            values[key] = str(value)
    if data.get("due_at") and not (event_type == "case.closed" or data.get("stage") == "closed"):
        values["open_due_at"] = "yes"  # a closed case has no next deadline to tell
    return values
