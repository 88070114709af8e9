"""Platform rule sets as data.

A store chooses a rulebook; code reads its numbers from here and never
hard-codes them. Each entry in the TOML files cites its RULES.md section, the
reading chosen where §15 lists an ambiguity, and says "our choice" where §16
says the sources are silent.

`check.problems` says what is missing or inconsistent in a rulebook; `load`
refuses one with problems, so a broken file fails when a store chooses it,
not when a timer first reads the entry.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import resources
from typing import Any, Literal

from shopkeeper.errors import InvalidInput
from shopkeeper.rulebooks import check
from shopkeeper.rulebooks.aftersales import AftersalesRules
from shopkeeper.rulebooks.aftersales import parse as _parse_aftersales


@dataclass(frozen=True)
class PaymentRules:
    window: timedelta


@dataclass(frozen=True)
class ShippingRules:
    ship_within: timedelta
    shipped_means: Literal["pickup", "tracking"]


@dataclass(frozen=True)
class ReceiptRules:
    auto_confirm_after: timedelta


@dataclass(frozen=True)
class Rulebook:
    name: str
    title: str
    timezone: str  # the store's default clock for "today", daily reports and campaign hours
    payment: PaymentRules
    shipping: ShippingRules
    receipt: ReceiptRules
    aftersales: AftersalesRules


def names() -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in resources.files(__package__).iterdir() if p.name.endswith(".toml"))


@cache
def load(name: str) -> Rulebook:
    if name not in names():
        raise InvalidInput(f"unknown rulebook {name!r}; choose one of {', '.join(names())}")
    return from_text(name, resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8"))


def from_text(name: str, source: str) -> Rulebook:
    """A rulebook from TOML text; `InvalidInput` lists every problem `check` finds, each naming its entry."""
    problems = check.check_text(source)
    if problems:
        raise InvalidInput(f"rulebook {name!r} is not valid: " + "; ".join(problems), problems=problems)
    return _parse(name, tomllib.loads(source))


def _parse(name: str, raw: dict[str, Any]) -> Rulebook:
    return Rulebook(
        name=name,
        title=raw["title"],
        timezone=raw["timezone"],
        payment=PaymentRules(window=timedelta(minutes=raw["payment"]["window_minutes"])),
        shipping=ShippingRules(
            ship_within=timedelta(hours=raw["shipping"]["ship_within_hours"]),
            shipped_means=raw["shipping"]["shipped_means"],
        ),
        receipt=ReceiptRules(auto_confirm_after=timedelta(days=raw["receipt"]["auto_confirm_days"])),
        aftersales=_parse_aftersales(raw["aftersales"]),
    )
