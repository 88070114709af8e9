"""Saved segments (人群): a rule kept as JSON data and evaluated over each buyer's facts (RULES.md §9.4, §3.6.1).

A rule is one of the five conditions below, or `{"all": [...]}`, `{"any": [...]}`, `{"not": rule}` over rules:
- `{"kind": "carted_not_ordered", "days": N}`: added something to the cart in the last N days and placed no order
  at or after that add;
- `{"kind": "ordered_not_paid", "days": N}`: placed an order in the last N days (`days` may be left out: any time)
  that is neither paid nor cancelled;
- `{"kind": "favourited_recently", "days": 7}`: favourited something in the last N days (7 when left out);
- `{"kind": "lapsed", "days": N}`: paid at least one order, none in the last N days;
- `{"kind": "upgrade_due", "currency": "CNY", "thresholds": {"silver": "500.00", ...}}`: paid spend (all time, or
  the last `days` when given) reaches a member level above the buyer's own (§3.6.1 #15 满额VIP升级); the thresholds
  are the store's, in major units, rising with the level (shopkeeper.members).

Readings (decision lines, Analytics and CRM): "the last N days" is the half-open window (now − N days, now];
facts after `now` are not yet facts; any order placed after a cart add, even one unpaid or later cancelled, takes
the buyer out of carted_not_ordered (an unpaid one puts them in ordered_not_paid); lapsed counts paid orders only
(an unpaid order is not a purchase); upgrade spend counts paid orders in the threshold currency only and never
moves a buyer down; `all` / `any` need at least one rule.
`parse` refuses a bad rule with InvalidInput naming the JSON path of the field (`rule.all[1].days`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Union

from shopkeeper.errors import InvalidInput
from shopkeeper.members import MEMBER_LEVELS
from shopkeeper.money import Money, valid_currency

MAX_DAYS = 3660  # ten years: a window longer than that is a typo


@dataclass(frozen=True)
class OrderFact:
    placed_at: datetime
    total: Money
    paid_at: datetime | None = None
    cancelled: bool = False


@dataclass(frozen=True)
class BuyerFacts:
    cart_adds: tuple[datetime, ...] = ()
    favourites: tuple[datetime, ...] = ()
    orders: tuple[OrderFact, ...] = ()
    member_level: str = MEMBER_LEVELS[0]

    def __post_init__(self) -> None:
        if self.member_level not in MEMBER_LEVELS:
            raise InvalidInput(f"{self.member_level!r} is not a member level", field="member_level")


ConditionKind = Literal["carted_not_ordered", "ordered_not_paid", "favourited_recently", "lapsed"]
KINDS = ("carted_not_ordered", "ordered_not_paid", "favourited_recently", "lapsed", "upgrade_due")


@dataclass(frozen=True)
class Condition:
    kind: ConditionKind
    days: int | None


@dataclass(frozen=True)
class UpgradeDue:
    currency: str
    thresholds: tuple[tuple[str, Money], ...]  # lowest level first
    days: int | None = None


@dataclass(frozen=True)
class AllOf:
    rules: tuple["Rule", ...]


@dataclass(frozen=True)
class AnyOf:
    rules: tuple["Rule", ...]


@dataclass(frozen=True)
class Not:
    rule: "Rule"


Rule = Union[Condition, UpgradeDue, AllOf, AnyOf, Not]


def _refuse(path: str, why: str) -> InvalidInput:
    return InvalidInput(f"{path}: {why}", field=path)


def _days(data: Mapping[str, Any], path: str, default: int | None, required: bool) -> int | None:
    if "days" not in data:
        if required:
            raise _refuse(f"{path}.days", "is required")
        return default
    days = data["days"]
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise _refuse(f"{path}.days", f"must be a whole number of days from 1 to {MAX_DAYS}")
    return days


def _keys(data: Mapping[str, Any], path: str, allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _refuse(f"{path}.{unknown[0]}", "is not a field of this rule")


def _upgrade(data: Mapping[str, Any], path: str) -> UpgradeDue:
    _keys(data, path, {"kind", "currency", "thresholds", "days"})
    currency = data.get("currency")
    if not isinstance(currency, str) or not valid_currency(currency):
        raise _refuse(f"{path}.currency", "must be an ISO 4217 code such as CNY")
    thresholds = data.get("thresholds")
    if not isinstance(thresholds, dict) or not thresholds:
        raise _refuse(f"{path}.thresholds", "must map member levels to spend amounts")
    levels: list[tuple[str, Money]] = []
    for level in MEMBER_LEVELS[1:]:
        if level not in thresholds:
            continue
        amount = thresholds[level]
        try:
            money = Money.of(amount, currency) if isinstance(amount, str) else None
        except ValueError:
            money = None
        if money is None or money.minor <= 0:
            raise _refuse(f"{path}.thresholds.{level}", "must be a positive amount written as a string, e.g. \"500.00\"")
        if levels and money <= levels[-1][1]:
            raise _refuse(f"{path}.thresholds.{level}", "must be above the threshold of the level below it")
        levels.append((level, money))
    unknown = sorted(set(thresholds) - set(MEMBER_LEVELS[1:]))
    if unknown:
        raise _refuse(f"{path}.thresholds.{unknown[0]}", f"is not a member level ({', '.join(MEMBER_LEVELS[1:])})")
    return UpgradeDue(currency, tuple(levels), _days(data, path, None, required=False))


def parse(data: object, path: str = "rule") -> Rule:
    """A rule from stored or sent JSON, every field checked; the error names the path of the first bad field."""
    if not isinstance(data, dict):
        raise _refuse(path, "must be an object")
    combinators = [key for key in ("all", "any", "not") if key in data]
    if combinators:
        key = combinators[0]
        _keys(data, path, {key})
        if key == "not":
            return Not(parse(data["not"], f"{path}.not"))
        parts = data[key]
        if not isinstance(parts, list) or not parts:
            raise _refuse(f"{path}.{key}", "must be a list of at least one rule")
        rules = tuple(parse(part, f"{path}.{key}[{i}]") for i, part in enumerate(parts))
        return AllOf(rules) if key == "all" else AnyOf(rules)
    kind = data.get("kind")
    if kind not in KINDS:
        raise _refuse(f"{path}.kind", f"must be one of {', '.join(KINDS)} (or use all / any / not)")
    if kind == "upgrade_due":
        return _upgrade(data, path)
    _keys(data, path, {"kind", "days"})
    if kind == "ordered_not_paid":
        return Condition("ordered_not_paid", _days(data, path, None, required=False))
    if kind == "favourited_recently":
        return Condition("favourited_recently", _days(data, path, 7, required=False))
    return Condition("lapsed" if kind == "lapsed" else "carted_not_ordered", _days(data, path, None, required=True))


def dump(rule: Rule) -> dict[str, Any]:
    """The JSON a rule is saved as; `parse(dump(rule)) == rule`."""
    if isinstance(rule, AllOf):
        return {"all": [dump(r) for r in rule.rules]}
    if isinstance(rule, AnyOf):
        return {"any": [dump(r) for r in rule.rules]}
    if isinstance(rule, Not):
        return {"not": dump(rule.rule)}
    if isinstance(rule, UpgradeDue):
        data: dict[str, Any] = {"kind": "upgrade_due", "currency": rule.currency,
                                "thresholds": {level: str(money.amount) for level, money in rule.thresholds}}
    else:
        data = {"kind": rule.kind}
    if rule.days is not None:
        data["days"] = rule.days
    return data


@dataclass(frozen=True)
class _Window:
    now: datetime
    days: int | None

    def holds(self, at: datetime) -> bool:
        """In (now − days, now]; with no days, anything up to now."""
        return at <= self.now and (self.days is None or at > self.now - timedelta(days=self.days))


def level_by_spend(spent: Money, thresholds: tuple[tuple[str, Money], ...]) -> str:
    """The highest member level whose threshold the spend reaches (满额VIP升级), the base level when none."""
    level = MEMBER_LEVELS[0]
    for name, threshold in thresholds:
        if spent >= threshold:
            level = name
    return level


def matches(rule: Rule, facts: BuyerFacts, now: datetime) -> bool:
    """Whether one buyer's facts, as they stand at `now`, meet the rule."""
    if isinstance(rule, AllOf):
        return all(matches(r, facts, now) for r in rule.rules)
    if isinstance(rule, AnyOf):
        return any(matches(r, facts, now) for r in rule.rules)
    if isinstance(rule, Not):
        return not matches(rule.rule, facts, now)
    window = _Window(now, rule.days)
    orders = [o for o in facts.orders if o.placed_at <= now]
    paid = [o.paid_at for o in orders if o.paid_at is not None and o.paid_at <= now]
    if isinstance(rule, UpgradeDue):
        spent = sum((o.total.minor for o in orders if o.paid_at is not None and o.total.currency == rule.currency
                     and window.holds(o.paid_at)), 0)
        reached = level_by_spend(Money(spent, rule.currency), rule.thresholds)
        return _rank(reached) > _rank(facts.member_level)
    if rule.kind == "carted_not_ordered":
        return any(window.holds(added) and not any(added <= o.placed_at for o in orders)
                   for added in facts.cart_adds)
    if rule.kind == "ordered_not_paid":
        return any(window.holds(o.placed_at) and not o.cancelled and (o.paid_at is None or o.paid_at > now)
                   for o in orders)
    if rule.kind == "favourited_recently":
        return any(window.holds(at) for at in facts.favourites)
    return bool(paid) and not any(window.holds(at) for at in paid)


def _rank(level: str) -> int:
    return MEMBER_LEVELS.index(level)


def members(rule: Rule | Mapping[str, Any], facts_by_buyer: Mapping[str, BuyerFacts], now: datetime) -> list[str]:
    """The buyers in the segment at `now`, ordered by id; a rule still in JSON form is parsed (and checked) first."""
    if now.tzinfo is None:
        raise InvalidInput("now must carry its time zone", field="now")
    parsed = rule if isinstance(rule, (Condition, UpgradeDue, AllOf, AnyOf, Not)) else parse(dict(rule))
    return sorted(buyer for buyer, facts in facts_by_buyer.items() if matches(parsed, facts, now))
