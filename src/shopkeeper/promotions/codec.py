"""Benefits, scopes and audiences to JSON and back, as stored in a promotion's `rule` column.

Plain dicts with a `type` tag: amounts in minor units, fractions as strings
("0.2"), times in ISO 8601 UTC. Input is validated by the API schemas before it
gets here, so decoding trusts what it reads.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from shopkeeper.promotions.engine.terms import (
    Audience,
    Benefit,
    BulkPrice,
    Bundle,
    EarlyBird,
    FreeShipping,
    Gift,
    NthUnit,
    PointsPrice,
    QuantityTier,
    Reduction,
    Scope,
    Tier,
    TimeStep,
    UnitPrice,
)

TYPES: dict[str, type] = {
    "unit_price": UnitPrice, "early_bird": EarlyBird, "bulk_price": BulkPrice, "nth_unit": NthUnit, "bundle": Bundle,
    "points_price": PointsPrice, "reduction": Reduction, "gift": Gift, "free_shipping": FreeShipping,
}
_NAMES = {cls: name for name, cls in TYPES.items()}


def _fraction(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def encode_benefit(b: Benefit) -> dict[str, Any]:
    data: dict[str, Any] = {"type": _NAMES[type(b)]}
    if isinstance(b, UnitPrice):
        data |= {"price": b.price, "prices": {str(k): v for k, v in b.prices.items()}, "percent_off": _fraction(b.percent_off),
                 "amount_off": b.amount_off, "cap": b.cap, "floor_percent": _fraction(b.floor_percent)}
    elif isinstance(b, EarlyBird):
        data["steps"] = [{"until": s.until.isoformat(), "percent_off": str(s.percent_off)} for s in b.steps]
    elif isinstance(b, BulkPrice):
        data["tiers"] = [{"min_quantity": t.min_quantity, "percent_off": str(t.percent_off)} for t in b.tiers]
    elif isinstance(b, NthUnit):
        data |= {"every": b.every, "percent_off": _fraction(b.percent_off), "price": b.price, "same_sku": b.same_sku}
    elif isinstance(b, Bundle):
        data |= {"items": {str(k): v for k, v in b.items.items()}, "price": b.price}
    elif isinstance(b, PointsPrice):
        data |= {"cash": b.cash, "points": b.points}
    elif isinstance(b, Reduction):
        data |= {"tiers": [{"threshold": t.threshold, "amount_off": t.amount_off, "percent_off": _fraction(t.percent_off)}
                           for t in b.tiers], "basis": b.basis, "every": b.every, "cap": b.cap}
    elif isinstance(b, Gift):
        data |= {"sku_id": b.sku_id, "quantity": b.quantity, "threshold": b.threshold, "basis": b.basis,
                 "per_threshold": b.per_threshold, "max_sets": b.max_sets}
    elif isinstance(b, FreeShipping):
        data |= {"threshold": b.threshold, "basis": b.basis}
    return data


def decode_benefit(data: dict[str, Any]) -> Benefit:
    kind = data["type"]
    if kind == "unit_price":
        return UnitPrice(price=data.get("price"), prices={int(k): v for k, v in (data.get("prices") or {}).items()},
                         percent_off=_decimal(data.get("percent_off")), amount_off=data.get("amount_off"),
                         cap=data.get("cap"), floor_percent=_decimal(data.get("floor_percent")))
    if kind == "early_bird":
        return EarlyBird(tuple(TimeStep(datetime.fromisoformat(s["until"]), Decimal(s["percent_off"])) for s in data["steps"]))
    if kind == "bulk_price":
        return BulkPrice(tuple(QuantityTier(t["min_quantity"], Decimal(t["percent_off"])) for t in data["tiers"]))
    if kind == "nth_unit":
        return NthUnit(data["every"], _decimal(data.get("percent_off")), data.get("price"), data.get("same_sku", True))
    if kind == "bundle":
        return Bundle({int(k): v for k, v in data["items"].items()}, data["price"])
    if kind == "points_price":
        return PointsPrice(data["cash"], data["points"])
    if kind == "reduction":
        return Reduction(tuple(Tier(t["threshold"], t.get("amount_off", 0), _decimal(t.get("percent_off"))) for t in data["tiers"]),
                         data.get("basis", "amount"), data.get("every"), data.get("cap"))
    if kind == "gift":
        return Gift(data["sku_id"], data.get("quantity", 1), data.get("threshold", 0), data.get("basis", "amount"),
                    data.get("per_threshold", False), data.get("max_sets", 10))
    if kind == "free_shipping":
        return FreeShipping(data.get("threshold", 0), data.get("basis", "amount"))
    raise ValueError(f"unknown benefit type {kind!r}")


def encode_scope(s: Scope) -> dict[str, Any]:
    return {"level": s.level, "ids": sorted(s.ids), "exclude_sku_ids": sorted(s.exclude_sku_ids)}


def decode_scope(data: dict[str, Any], store_id: int | None) -> Scope:
    return Scope(data["level"], store_id, frozenset(data.get("ids", ())), frozenset(data.get("exclude_sku_ids", ())))


def encode_audience(a: Audience) -> dict[str, Any]:
    return {"min_member_level": a.min_member_level, "customer": a.customer, "birthday_month": a.birthday_month,
            "buyer_ids": sorted(a.buyer_ids)}


def decode_audience(data: dict[str, Any]) -> Audience:
    return Audience(data.get("min_member_level"), data.get("customer", "any"), data.get("birthday_month", False),
                    frozenset(data.get("buyer_ids", ())))
