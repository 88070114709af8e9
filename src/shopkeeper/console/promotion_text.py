"""Promotions in words: a one-line summary of a benefit, a scope, an audience, a kind's name.

Pure functions over the JSON a promotion stores (`codec`: amounts in minor
units, fractions as strings), so they are cheap to test and never touch the
database. Every phrase comes from `i18n`; only numbers are written here, and
the one thing that differs by language beyond words is how a discount is
counted: 20% off is "20% off" in English and "8折" (pay 8 tenths) in Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from shopkeeper.console.i18n import translate
from shopkeeper.languages import Lang
from shopkeeper.money import Money, exponent
from shopkeeper.promotions.engine.benefits import KINDS, Gift, default
from shopkeeper.promotions.schemas import KIND_NAMES

SCOPE_SHOWN = 5  # ids named in a scope before "and N more"


def amount(minor: int, currency: str) -> str:
    """Money as people write it in a promotion: ¥100, ¥49.90 (whole amounts drop their zeros)."""
    text = Money(int(minor), currency).display()
    if exponent(currency) and int(minor) % 10 ** exponent(currency) == 0:
        text = re.sub(r"\.0+(?=\D*$)", "", text)
    return text


def number(value: Decimal) -> str:
    """8, 8.5, 12.5: no trailing zeros, no exponent."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fraction(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def rate(off: Decimal, lang: Lang) -> str:
    """A fraction off: 0.2 → "20% off" / "8折"."""
    n = (1 - off) * 10 if lang == "zh" else off * 100
    return translate(lang, "sum.rate", n=number(n))


def _ordinal(n: int, lang: Lang) -> str:
    if lang == "zh":
        return str(n)
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _threshold(value: int, basis: str, currency: str, lang: Lang, every: bool = False) -> str:
    """"¥100+" / "2+ items" after a reduction; "¥200" / "2 items" after "every"."""
    group = "sum.every_th" if every else "sum.th"
    if basis == "quantity":
        return translate(lang, f"{group}.items", n=value)
    return translate(lang, f"{group}.amount", amount=amount(value, currency))


def kind_name(kind: str, lang: Lang) -> str:
    """The business name of a promotion kind, a coupon kind (`coupon_threshold`) or a campaign price."""
    if kind in KIND_NAMES:
        zh, en = KIND_NAMES[kind]
        return zh if lang == "zh" else en
    if kind.startswith("coupon_") or kind == "campaign":
        key = f"coupon.kind.{kind.removeprefix('coupon_')}" if kind != "campaign" else "kind.campaign"
        text = translate(lang, key)
        return kind if text == key else text
    return kind


def summary(benefit: Mapping[str, Any], currency: str, lang: Lang, kind: str | None = None, zone: str = "UTC",
            sku_names: Mapping[int, str] | None = None) -> str:
    """What a promotion gives, in one line: "满¥100减¥10，满¥200减¥30", "2nd item 50% off", "满2件包邮".

    `kind` names a fixed price ("¥49.90 (会员价)"); `zone` is the clock early-bird steps are read on;
    `sku_names` labels gift SKUs (else "SKU #12").
    """
    name = str(benefit.get("type"))
    writer = _WRITERS.get(name)
    if writer is None:
        if name not in KINDS:
            return str(benefit.get("type") or translate(lang, "sum.none"))
        writer = _fields  # a registered kind with no words of its own yet
    parts = [p for p in writer(benefit, currency, lang, kind, zone, sku_names or {}) if p]
    text = translate(lang, "sum.sep").join(parts) if parts else translate(lang, "sum.none")
    return text[:1].upper() + text[1:] if lang == "en" else text


def _reduction(b: Mapping[str, Any], currency: str, lang: Lang, *_: Any) -> list[str]:
    basis = b.get("basis") or "amount"
    tiers = list(b.get("tiers") or [])
    cap = b.get("cap")
    parts: list[str] = []
    if b.get("every") and tiers:
        each = amount(tiers[0].get("amount_off") or 0, currency)
        parts.append(translate(lang, "sum.every", th=_threshold(b["every"], basis, currency, lang, every=True), off=each))
        if cap:
            parts.append(translate(lang, "sum.cap.every", cap=amount(cap, currency)))
        return parts
    for tier in sorted(tiers, key=lambda t: t.get("threshold") or 0):
        threshold = tier.get("threshold") or 0
        off = _fraction(tier.get("percent_off"))
        if off is not None:
            fraction = rate(off, lang)
            parts.append(translate(lang, "sum.tier.rate", th=_threshold(threshold, basis, currency, lang), rate=fraction)
                         if threshold else translate(lang, "sum.flat.rate", rate=fraction))
        else:
            money = amount(tier.get("amount_off") or 0, currency)
            parts.append(translate(lang, "sum.tier.off", th=_threshold(threshold, basis, currency, lang), off=money)
                         if threshold else translate(lang, "sum.flat.off", off=money))
    if cap:
        parts.append(translate(lang, "sum.cap.most", cap=amount(cap, currency)))
    return parts


def _unit_price(b: Mapping[str, Any], currency: str, lang: Lang, kind: str | None, *_: Any) -> list[str]:
    parts: list[str] = []
    prices = {int(k): int(v) for k, v in (b.get("prices") or {}).items()}
    off = _fraction(b.get("percent_off"))
    label = kind_name(kind, lang) if kind and kind != "other" else translate(lang, "sum.price.label")
    if b.get("price") is not None:
        parts.append(translate(lang, "sum.price", price=amount(b["price"], currency), label=label))
    elif prices:
        if len(prices) == 1:
            parts.append(translate(lang, "sum.price", price=amount(next(iter(prices.values())), currency), label=label))
        else:
            parts.append(translate(lang, "sum.prices", price=amount(min(prices.values()), currency)))
    elif off is not None:
        parts.append(rate(off, lang))
    elif b.get("amount_off"):
        parts.append(translate(lang, "sum.unit.off", off=amount(b["amount_off"], currency)))
    if b.get("cap") is not None:
        parts.append(translate(lang, "sum.unit.cap", cap=amount(b["cap"], currency)))
    floor = _fraction(b.get("floor_percent"))
    if floor is not None:
        parts.append(translate(lang, "sum.floor", n=number(floor * (10 if lang == "zh" else 100))))
    return parts


def _early_bird(b: Mapping[str, Any], currency: str, lang: Lang, kind: str | None, zone: str, *_: Any) -> list[str]:
    parts = []
    tz = timezone.utc if zone == "UTC" else ZoneInfo(zone)
    for step in sorted(b.get("steps") or [], key=lambda s: s["until"]):
        until = datetime.fromisoformat(step["until"]).astimezone(tz).strftime("%m-%d %H:%M")
        parts.append(translate(lang, "sum.early", until=until, rate=rate(Decimal(step["percent_off"]), lang)))
    return parts


def _bulk_price(b: Mapping[str, Any], currency: str, lang: Lang, *_: Any) -> list[str]:
    return [translate(lang, "sum.bulk", n=t["min_quantity"], rate=rate(Decimal(t["percent_off"]), lang))
            for t in sorted(b.get("tiers") or [], key=lambda t: t["min_quantity"])]


def _nth_unit(b: Mapping[str, Any], currency: str, lang: Lang, *_: Any) -> list[str]:
    every = int(b.get("every") or 2)
    off = _fraction(b.get("percent_off"))
    if b.get("price") is not None:
        price = amount(b["price"], currency)
        text = (translate(lang, "sum.addon", price=price) if every == 2
                else translate(lang, "sum.nth.price", nth=_ordinal(every, lang), price=price))
    elif off is not None and off >= 1:
        text = translate(lang, "sum.nth.free", nth=_ordinal(every, lang))
    else:
        text = translate(lang, "sum.nth.rate", nth=_ordinal(every, lang), rate=rate(off or Decimal(0), lang))
    if b.get("same_sku") is False:
        text += translate(lang, "sum.nth.mix")
    return [text]


def _bundle(b: Mapping[str, Any], currency: str, lang: Lang, *_: Any) -> list[str]:
    units = sum(int(q) for q in (b.get("items") or {}).values())
    return [translate(lang, "sum.bundle", price=amount(b.get("price") or 0, currency), n=units)]


def _points_price(b: Mapping[str, Any], currency: str, lang: Lang, *_: Any) -> list[str]:
    return [translate(lang, "sum.points", price=amount(b.get("cash") or 0, currency), points=b.get("points") or 0)]


def _gift(b: Mapping[str, Any], currency: str, lang: Lang, kind: str | None, zone: str,
          sku_names: Mapping[int, str]) -> list[str]:
    sku_id = int(b.get("sku_id") or 0)
    gift = sku_names.get(sku_id) or translate(lang, "sum.gift.sku", id=sku_id)
    quantity = b.get("quantity") or 1
    threshold = b.get("threshold") or 0
    basis = b.get("basis") or "amount"
    if not threshold:
        return [translate(lang, "sum.gift.any", gift=gift, q=quantity)]
    if b.get("per_threshold"):
        return [translate(lang, "sum.gift.each", gift=gift, q=quantity, sets=b.get("max_sets") or default(Gift, "max_sets"),
                          th=_threshold(threshold, basis, currency, lang, every=True))]
    return [translate(lang, "sum.gift.th", gift=gift, q=quantity, th=_threshold(threshold, basis, currency, lang))]


def _fields(b: Mapping[str, Any], *_: Any) -> list[str]:
    """A kind the registry knows and this module has no words for: its name and stored fields as they are."""
    return [f"{b['type']} " + " ".join(f"{key}={value}" for key, value in b.items() if key != "type" and value is not None)]


def _free_shipping(b: Mapping[str, Any], currency: str, lang: Lang, *_: Any) -> list[str]:
    threshold = b.get("threshold") or 0
    if not threshold:
        return [translate(lang, "sum.ship.any")]
    return [translate(lang, "sum.ship.th", th=_threshold(threshold, b.get("basis") or "amount", currency, lang))]


_WRITERS: dict[str, Any] = {
    "reduction": _reduction, "unit_price": _unit_price, "early_bird": _early_bird, "bulk_price": _bulk_price,
    "nth_unit": _nth_unit, "bundle": _bundle, "points_price": _points_price, "gift": _gift,
    "free_shipping": _free_shipping,
}


# --- scope and audience -------------------------------------------------------------------------

def _items(ids: Sequence[int], names: Mapping[int, str], lang: Lang, limit: int | None) -> str:
    shown = list(ids) if limit is None else list(ids)[:limit]
    text = ", ".join(names.get(int(i)) or f"#{i}" for i in shown)
    if len(ids) > len(shown):
        text += " " + translate(lang, "scope.more", n=len(ids) - len(shown))
    return text


def scope_text(scope: Mapping[str, Any], lang: Lang, names: Mapping[int, str] | None = None,
               limit: int | None = SCOPE_SHOWN, sku_names: Mapping[int, str] | None = None) -> str:
    """"Whole store", "SKUs: TEE-RED-M", with "except …" for excluded SKUs.

    `names` labels the scope's ids, `sku_names` the excluded SKUs (default: `names`); ids without
    a label show as "#id". `limit` names that many ids before "and N more".
    """
    names = names or {}
    sku_names = names if sku_names is None else sku_names
    level = str(scope.get("level") or "store")
    ids = list(scope.get("ids") or [])
    if level in ("platform", "store"):
        text = translate(lang, f"scope.{level}")
    else:
        text = translate(lang, f"scope.{level}", items=_items(ids, names, lang, limit))
    excluded = list(scope.get("exclude_sku_ids") or [])
    if excluded:
        text += translate(lang, "sum.sep") + translate(lang, "scope.except", items=_items(excluded, sku_names, lang, limit))
    return text


def level_name(level: str, lang: Lang) -> str:
    key = f"level.{level}"
    text = translate(lang, key)
    return level if text == key else text


def audience_text(audience: Mapping[str, Any], lang: Lang) -> str:
    """Who may have it: "Gold members and above, new customers"; "Everyone" when nobody is left out."""
    parts = []
    level = audience.get("min_member_level")
    if level and level != "regular":
        parts.append(translate(lang, "aud.level", level=level_name(level, lang)))
    customer = audience.get("customer") or "any"
    if customer in ("new", "returning"):
        parts.append(translate(lang, f"aud.{customer}"))
    if audience.get("birthday_month"):
        parts.append(translate(lang, "aud.birthday"))
    if audience.get("buyer_ids"):
        parts.append(translate(lang, "aud.targeted", n=len(audience["buyer_ids"])))
    if audience.get("fans_only"):
        parts.append(translate(lang, "aud.fans"))
    if not parts:
        return translate(lang, "aud.everyone")
    text = translate(lang, "sum.sep").join(parts)
    return text[:1].upper() + text[1:] if lang == "en" else text


# --- campaign sign-up checks ----------------------------------------------------------------------

def check_text(check: Mapping[str, Any], currency: str, lang: Lang, sku_names: Mapping[int, str] | None = None,
               zone: str = "UTC") -> str:
    """One sign-up check's result in words, from its stored numbers; unknown checks show their stored detail."""
    name = str(check.get("name", ""))
    key = f"check.{name}.{'ok' if check.get('passed') else 'fail'}"
    if translate(lang, key) == key:
        return str(check.get("detail", name))
    money = check.get("money") or {}
    facts = check.get("facts") or {}
    sku_id = check.get("sku_id")
    values: dict[str, Any] = {}
    if name == "threshold_price":
        values = {k: Money(int(money.get(k) or 0), currency).display() for k in ("price", "threshold", "basis")}
        values["sku"] = (sku_names or {}).get(int(sku_id)) if sku_id is not None else None
        values["sku"] = values["sku"] or translate(lang, "sum.gift.sku", id=sku_id)
    elif name == "stock":
        values = {"counted": facts.get("counted", 0), "min_stock": facts.get("min_stock", 0)}
    elif name == "registration_window":
        closes = facts.get("closes_at")
        values = {"closes_at": _moment(closes, zone) if closes else "—"}
    elif name == "one_entry":
        values = {"entry_id": facts.get("entry_id", "")}
    return translate(lang, key, **values)


def _moment(iso: str, zone: str) -> str:
    tz = timezone.utc if zone == "UTC" else ZoneInfo(zone)
    return datetime.fromisoformat(iso).astimezone(tz).strftime("%Y-%m-%d %H:%M")
