"""Benefits, scopes and audiences to JSON and back, as stored in a promotion's `rule` column.

Plain dicts with a `type` tag: amounts in minor units, fractions as strings
("0.2"), times in ISO 8601 UTC. Input is validated by the API schemas before it
gets here, so decoding trusts what it reads.

A benefit is written field by field from its terms (the dataclass of its kind in
`engine/benefits/`, named by the registry), so a kind's shape is written once: a field
missing from a stored rule takes the dataclass's default.
"""

from __future__ import annotations

import ast
import collections.abc
import dataclasses
import sys
import types
import typing
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Mapping, Union

from shopkeeper.promotions import native
from shopkeeper.promotions.engine.benefits import KINDS, Benefit, kind_of
from shopkeeper.promotions.engine.terms import Audience, Scope


def encode_benefit(b: Benefit) -> dict[str, Any]:
    data: dict[str, Any] = {"type": kind_of(b).name}
    data.update(_encode_fields(b))
    return data


def decode_benefit(data: dict[str, Any]) -> Benefit:
    kind = KINDS.get(data["type"])
    if kind is None:
        raise ValueError(f"unknown benefit type {data['type']!r}")
    return typing.cast(Benefit, _decode_fields(kind.terms, data))


def _encode_fields(terms: object) -> dict[str, Any]:
    return {f.name: _encode(getattr(terms, f.name)) for f in dataclasses.fields(terms)}  # type: ignore[arg-type]


def _encode(value: object) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    if dataclasses.is_dataclass(value):
        return _encode_fields(value)
    raise TypeError(f"the codec cannot write {type(value).__name__}")


@cache
def field_types(terms: type) -> dict[str, Any]:
    """The field types of a kind's terms, read from its source: compiled by mypyc, a class keeps erased
    annotations (`tuple`, `type`), so they are evaluated here in the namespace of the module that defines it."""
    module = sys.modules[terms.__module__]
    source = Path(module.__file__ or "")
    if source.suffix != ".py":  # the compiled build: the sources sit where `native` found them
        source = native.SOURCES.joinpath(*terms.__module__.split(".")[3:]).with_suffix(".py")
    tree = ast.parse(source.read_text(encoding="utf-8"))
    body = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == terms.__name__).body
    return {node.target.id: eval(ast.unparse(node.annotation), vars(module))  # noqa: S307  (our own source)
            for node in body if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)}


def _decode_fields(terms: type, data: Mapping[str, Any]) -> object:
    hints = field_types(terms)
    given = {f.name: _decode(hints[f.name], data[f.name]) for f in dataclasses.fields(terms) if f.init and f.name in data}
    return terms(**given)


def _decode(hint: Any, value: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        hint = next(a for a in args if a is not type(None))
        if len(args) > 2:  # a union of several kinds is not a field the codec writes
            raise TypeError(f"the codec cannot read {hint}")
        return _decode(hint, value)
    if value is None and origin in (collections.abc.Mapping, dict):
        return {}  # an absent mapping was stored as null by older rules
    if hint is Decimal:
        return Decimal(value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if origin is tuple:
        return tuple(_decode(args[0], v) for v in value)
    if origin in (collections.abc.Mapping, dict):
        key, item = args
        return {_decode(key, k): _decode(item, v) for k, v in value.items()}
    if hint is int and isinstance(value, str):
        return int(value)  # a mapping's key: JSON keys are strings
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _decode_fields(hint, value)
    return value  # str, bool and Literal tags, as stored


def encode_scope(s: Scope) -> dict[str, Any]:
    return {"level": s.level, "ids": sorted(s.ids), "exclude_sku_ids": sorted(s.exclude_sku_ids)}


def decode_scope(data: dict[str, Any], store_id: int | None) -> Scope:
    return Scope(data["level"], store_id, frozenset(data.get("ids", ())), frozenset(data.get("exclude_sku_ids", ())))


def encode_audience(a: Audience) -> dict[str, Any]:
    return {"min_member_level": a.min_member_level, "customer": a.customer, "birthday_month": a.birthday_month,
            "buyer_ids": sorted(a.buyer_ids), "fans_only": a.fans_only}


def decode_audience(data: dict[str, Any]) -> Audience:
    return Audience(data.get("min_member_level"), data.get("customer", "any"), data.get("birthday_month", False),
                    frozenset(data.get("buyer_ids", ())), data.get("fans_only", False))
