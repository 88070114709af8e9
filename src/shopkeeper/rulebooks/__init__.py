"""Platform rule sets as data.

A store chooses a rulebook; code reads its numbers from here and never
hard-codes them. Each entry in the TOML files cites its RULES.md section, the
reading chosen where §15 lists an ambiguity, and says "our choice" where §16
says the sources are silent.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import resources
from typing import Any, Literal

from shopkeeper.errors import InvalidInput


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


def names() -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in resources.files(__package__).iterdir() if p.name.endswith(".toml"))


@cache
def load(name: str) -> Rulebook:
    if name not in names():
        raise InvalidInput(f"unknown rulebook {name!r}; choose one of {', '.join(names())}")
    raw = tomllib.loads(resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8"))
    return _parse(name, raw)


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
    )
