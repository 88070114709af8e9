"""The order page's "Promotions" section, read from what checkout stored.

`Order.pricing` is the engine's decision (see `orders.service.explanation`):
every promotion considered, applied with its amount or not with its reason,
the nearest threshold, and each line's amount after each promotion. The
order's lines carry the money: list total, discount shares with who funds
them, payable. This module joins the two into rows a template can print;
it reads nothing but its arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shopkeeper.console.i18n import translate
from shopkeeper.console.promotion_text import kind_name
from shopkeeper.languages import Lang
from shopkeeper.promotions.explain import describe, hint_text


@dataclass(frozen=True)
class VerdictRow:
    ref: str
    name: str
    kind: str  # the kind's business name
    stage: str
    funder: str
    applied: bool
    amount_minor: int
    text: str  # "saves ¥10.00" or why not
    link: str | None


@dataclass(frozen=True)
class Share:
    name: str
    funder: str
    minor: int
    link: str | None


@dataclass(frozen=True)
class LineRow:
    title: str
    sku_code: str
    options: dict[str, Any]
    quantity: int
    gift: bool
    list_minor: int
    discount_minor: int
    payable_minor: int
    points_spent: int
    shares: list[Share]
    path: list[tuple[str, int]]  # (promotion name, the line's amount right after it)


@dataclass(frozen=True)
class ShippingRow:
    fee_minor: int
    payable_minor: int


@dataclass(frozen=True)
class PricingView:
    recorded: bool  # False for orders placed before pricing was stored
    verdicts: list[VerdictRow] = field(default_factory=list)
    hint: str | None = None
    lines: list[LineRow] = field(default_factory=list)
    shipping: list[ShippingRow] = field(default_factory=list)
    search: str | None = None
    points_spent: int = 0
    points_earned: int = 0
    platform_funded_minor: int = 0

    @property
    def applied_total(self) -> int:
        return sum(v.amount_minor for v in self.verdicts if v.applied)


def refs_of(pricing: Mapping[str, Any] | None, lines: Sequence[Any]) -> set[str]:
    """Every promotion reference the section may link to."""
    refs = {str(v.get("promotion")) for v in (pricing or {}).get("verdicts", []) if v.get("promotion")}
    refs |= {str(share.get("promotion")) for line in lines for share in (line.discounts or []) if share.get("promotion")}
    return refs


def pricing_view(order: Any, lines: Sequence[Any], lang: Lang, links: Mapping[str, str] | None = None) -> PricingView:
    """Rows for the section; `order` and `lines` are an Order and its OrderLines (or look-alikes)."""
    links = links or {}
    pricing: Mapping[str, Any] | None = order.pricing
    if pricing is None:
        return PricingView(recorded=False, lines=[_line(line, [], {}, links) for line in lines],
                           points_spent=order.points_spent, points_earned=order.points_earned,
                           platform_funded_minor=order.platform_funded_minor)
    currency = order.currency
    verdicts = [
        VerdictRow(
            ref=str(v.get("promotion")), name=str(v.get("name", "")), kind=kind_name(str(v.get("kind", "")), lang),
            stage=str(v.get("stage", "")), funder=str(v.get("funder", "")), applied=bool(v.get("applied")),
            amount_minor=int(v.get("amount_minor") or 0),
            text=describe(str(v.get("reason", "")), int(v.get("amount_minor") or 0), v.get("detail") or {}, currency, lang),
            link=links.get(str(v.get("promotion"))),
        ) for v in pricing.get("verdicts", [])
    ]
    names = {v.ref: v.name for v in verdicts}
    steps = list(pricing.get("steps", []))
    return PricingView(
        recorded=True, verdicts=verdicts, hint=_hint(pricing.get("hint"), currency, lang),
        lines=[_line(line, _steps_for(steps, index, line), names, links) for index, line in enumerate(lines)],
        shipping=[ShippingRow(int(s.get("fee_minor") or 0), int(s.get("payable_minor") or 0)) for s in pricing.get("shipping", [])],
        search=pricing.get("search"), points_spent=order.points_spent, points_earned=order.points_earned,
        platform_funded_minor=order.platform_funded_minor,
    )


def _hint(hint: Mapping[str, Any] | None, currency: str, lang: Lang) -> str | None:
    if not hint:
        return None
    text = hint_text(str(hint.get("basis", "amount")), int(hint.get("short") or 0), int(hint.get("saves_minor") or 0),
                     currency, bool(hint.get("free_shipping")), hint.get("gift_sku_id") is not None, lang)
    return translate(lang, "order.hint", name=hint.get("name", ""), text=text)


def _steps_for(steps: list[Mapping[str, Any]], index: int, line: Any) -> list[Mapping[str, Any]]:
    """Checkout stores one step list per order line, in the same order; match by position, check the SKU."""
    if index < len(steps) and steps[index].get("sku_id") == line.sku_id and bool(steps[index].get("gift")) == bool(line.gift):
        return list(steps[index].get("after", []))
    found = next((s for s in steps if s.get("sku_id") == line.sku_id and bool(s.get("gift")) == bool(line.gift)), None)
    return list(found.get("after", [])) if found else []


def _line(line: Any, after: list[Mapping[str, Any]], names: Mapping[str, str], links: Mapping[str, str]) -> LineRow:
    def name(ref: str) -> str:
        return names.get(ref) or ref

    return LineRow(
        title=line.title, sku_code=line.sku_code, options=dict(line.options or {}), quantity=line.quantity, gift=bool(line.gift),
        list_minor=line.line_total_minor, discount_minor=line.discount_minor, payable_minor=line.payable_minor,
        points_spent=line.points_spent,
        shares=[Share(name(str(s.get("promotion"))), str(s.get("funder", "")), int(s.get("minor") or 0),
                      links.get(str(s.get("promotion")))) for s in (line.discounts or [])],
        path=[(name(str(step.get("promotion"))), int(step.get("amount_minor") or 0)) for step in after],
    )
