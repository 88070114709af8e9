"""Allocation rules and outcomes in words (RULES.md §5.1, §5.3): a rule's conditions, why an earlier rule was
passed over, where an order would go or why it waits, in the page's language.

The engine answers codes and plain values (fulfillment/allocation_codec.py); this module words them, with the
strings of `i18n_allocation`. It reads only the JSON the API answers, so it says exactly what the API says.
"""

from __future__ import annotations

from typing import Any

from shopkeeper.api import problem_text
from shopkeeper.console.display import money
from shopkeeper.console.i18n import translate
from shopkeeper.languages import Lang


def _join(lang: Lang, items: list[str]) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def _names(lang: Lang, prefix: str, codes: list[str]) -> str:
    return _join(lang, [translate(lang, f"{prefix}.{code}") for code in codes])


def _amount(value: dict[str, Any] | None) -> str | None:
    return None if value is None else money(int(value["minor"]), str(value["currency"]))


def _range(lang: Lang, what: str, low: str | None, high: str | None) -> str | None:
    if low is not None and high is not None:
        return translate(lang, f"al.c.{what}.between", low=low, high=high)
    if low is not None:
        return translate(lang, f"al.c.{what}.from", low=low)
    if high is not None:
        return translate(lang, f"al.c.{what}.to", high=high)
    return None


def conditions(lang: Lang, data: dict[str, Any]) -> list[str]:
    """Every condition a rule sets, one phrase each, in the order the engine checks them; all must hold."""
    said: list[str] = []
    if data.get("countries"):
        said.append(translate(lang, "al.c.countries", list=_join(lang, list(data["countries"]))))
    low, high = data.get("min_weight_grams"), data.get("max_weight_grams")
    weight = _range(lang, "weight", None if low is None else str(low), None if high is None else str(high))
    value = _range(lang, "value", _amount(data.get("min_value")), _amount(data.get("max_value")))
    said.extend(phrase for phrase in (weight, value) if phrase)
    if data.get("sales_channels"):
        said.append(translate(lang, "al.c.channels", list=_names(lang, "al.channel", data["sales_channels"])))
    if data.get("any_line_has"):
        said.append(translate(lang, "al.c.any_line_has", list=_names(lang, "al.prop", data["any_line_has"])))
    if data.get("no_line_has"):
        said.append(translate(lang, "al.c.no_line_has", list=_names(lang, "al.prop", data["no_line_has"])))
    return said or [translate(lang, "al.c.every_order")]


# the misses whose values are lists of codes, and the words for those codes
_LISTED = {"country-not-listed": None, "channel-not-listed": "al.channel", "no-line-has-property": "al.prop",
           "line-has-excluded-property": "al.prop"}


def miss(lang: Lang, data: dict[str, Any]) -> str:
    """One condition an order failed: what the rule asks, what the order has."""
    expected, actual = str(data["expected"]), str(data["actual"])
    if data["code"] in _LISTED:
        prefix = _LISTED[data["code"]]

        def words(text: str) -> str:
            codes = [c for c in text.split(",") if c]
            return _names(lang, prefix, codes) if prefix else _join(lang, codes)

        expected, actual = words(expected), words(actual)
    return translate(lang, f"al.miss.{data['code']}", expected=expected, actual=actual or "—")


def passed_over(lang: Lang, outcome: dict[str, Any]) -> list[str]:
    """The earlier rules the order did not match, each with every condition it failed."""
    return [translate(lang, "al.passed", rule=p["rule"], why=_join(lang, [miss(lang, m) for m in p["misses"]]))
            for p in outcome.get("passed_over", [])]


def outcome(lang: Lang, data: dict[str, Any]) -> str:
    """Where the order goes and which rule sent it there, or why it waits or has no rule."""
    status = data["status"]
    if status == "allocated":
        parcels = _join(lang, [translate(lang, "al.out.parcel", warehouse=p["warehouse_code"], channel=p["channel_code"],
                                         items=_join(lang, [f"{i['sku_code']} ×{i['quantity']}" for i in p["items"]]))
                               for p in data["parcels"]])
        said = translate(lang, "al.out.allocated", rule=data["rule"], parcels=parcels)
        if data.get("channel_from") == "buyer":
            said += " " + translate(lang, "al.out.buyer_channel", channel=data["parcels"][0]["channel_code"])
        return said
    if status == "held":
        short = _join(lang, [translate(lang, "al.out.short", sku=s["sku_code"], wanted=s["wanted"], available=s["available"])
                             for s in data.get("short", [])])
        return translate(lang, f"al.out.held.{data['reason']}", rule=data["rule"], warehouse=data["warehouse_code"],
                         short=short)
    if data.get("reason") == "order-unreadable":
        return translate(lang, "al.out.unallocated.order-unreadable", detail=problem_text.detail(str(data.get("detail") or ""), lang))
    return translate(lang, f"al.out.unallocated.{data['reason']}")
