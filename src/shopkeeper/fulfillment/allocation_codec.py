"""Allocation rules and outcomes as JSON: how the engine's values are stored and answered (RULES.md §5.1).

Pure: the service stores `conditions_to_dict` in a rule's row and reads it back with `conditions_from_dict`,
which checks through the engine, so a row can never hold a rule the engine would refuse. Money is kept as
integer minor units with its currency.
"""

from __future__ import annotations

from typing import Any

from shopkeeper.errors import InvalidInput
from shopkeeper.fulfillment.allocation import Allocated, Conditions, Held, Outcome, RuleMiss, Unallocated
from shopkeeper.money import Money

_LISTS = ("countries", "sales_channels", "any_line_has", "no_line_has")
_WEIGHTS = ("min_weight_grams", "max_weight_grams")
_VALUES = ("min_value", "max_value")


def _money(value: object, field: str) -> Money | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"minor", "currency"}:
        raise InvalidInput(f"{field} must be an object with minor and currency", field=field)
    try:
        return Money(value["minor"], value["currency"])
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{field} is not an amount: {exc}", field=field) from exc


def conditions_from_dict(data: dict[str, Any]) -> Conditions:
    """The engine's conditions from stored or sent JSON; the engine's own checks name the bad field."""
    unknown = sorted(set(data) - set(_LISTS) - set(_WEIGHTS) - set(_VALUES))
    if unknown:
        raise InvalidInput(f"unknown condition {', '.join(unknown)}", field=unknown[0])
    lists: dict[str, tuple[str, ...]] = {}
    for name in _LISTS:
        value = data.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidInput(f"{name} must be a list of codes", field=name)
        lists[name] = tuple(value)
    return Conditions(countries=lists["countries"], min_weight_grams=data.get("min_weight_grams"),
                      max_weight_grams=data.get("max_weight_grams"), min_value=_money(data.get("min_value"), "min_value"),
                      max_value=_money(data.get("max_value"), "max_value"), sales_channels=lists["sales_channels"],
                      any_line_has=lists["any_line_has"], no_line_has=lists["no_line_has"])


def conditions_to_dict(conditions: Conditions) -> dict[str, Any]:
    data: dict[str, Any] = {name: list(getattr(conditions, name)) for name in _LISTS}
    data.update({name: getattr(conditions, name) for name in _WEIGHTS})
    for name in _VALUES:
        value: Money | None = getattr(conditions, name)
        data[name] = None if value is None else {"minor": value.minor, "currency": value.currency}
    return data


def passed_over_to_list(passed: tuple[RuleMiss, ...]) -> list[dict[str, Any]]:
    """Why each earlier rule did not match: every failed condition with what the rule asks and the order has."""
    return [{"rule": miss.rule, "misses": [{"code": m.code, "expected": m.expected, "actual": m.actual} for m in miss.misses]}
            for miss in passed]


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    data: dict[str, Any] = {"status": outcome.status, "order_number": outcome.order_number,
                            "passed_over": passed_over_to_list(outcome.passed_over)}
    if isinstance(outcome, Allocated):
        data.update(rule=outcome.rule, reason=None, split=outcome.split, parcels=[
            {"warehouse_code": p.warehouse_code, "channel_code": p.channel_code,
             "items": [{"sku_code": sku, "quantity": n} for sku, n in p.items]} for p in outcome.parcels])
    elif isinstance(outcome, Held):
        data.update(rule=outcome.rule, reason=outcome.reason, warehouse_code=outcome.warehouse_code, short=[
            {"sku_code": s.sku_code, "wanted": s.wanted, "available": s.available} for s in outcome.short])
    elif isinstance(outcome, Unallocated):
        data.update(rule=None, reason=outcome.reason)
    return data
