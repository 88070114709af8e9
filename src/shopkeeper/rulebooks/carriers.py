"""Carriers and their shipping classes, typed (RULES.md §5.5, §5.6, §15 #6, §17.1).

How long a buyer waits before opening a case (§5.6) and when receipt confirms
itself (§17.1) depend on the shipping class of the carrier that took the
parcel: express, standard (general express and dedicated lines) or post. A
class is decided by the carrier's name, never by a prefix of it ("DHL
eCommerce" is not DHL Express): each rulebook lists the carriers it knows, with
their names and aliases in Chinese and English, and a store may file its own,
which come first. A name nobody filed gets the rulebook's default class.

`classify` is pure: the service passes the store's filed carriers in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Carrier:
    name: str
    aliases: tuple[str, ...]
    shipping_class: str  # a class of the rulebook's `aftersales.opening` and `receipt.auto_confirm_days`

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class CarrierRules:
    known: tuple[Carrier, ...]
    default_class: str  # the class of a carrier neither the store nor the rulebook lists


def normalise(name: str) -> str:
    """How two carrier names compare: trimmed, inner spaces collapsed, case-folded, full-width folded (NFKC)."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def find(name: str | None, carriers: Iterable[Carrier]) -> Carrier | None:
    """The carrier whose name or an alias is `name` exactly (after `normalise`); None when none is."""
    if not name:
        return None
    wanted = normalise(name)
    return next((c for c in carriers if any(normalise(n) == wanted for n in c.names())), None)


def classify(name: str | None, rules: CarrierRules, filed: Sequence[Carrier] = ()) -> str:
    """The shipping class of a carrier: the store's filed entry first, then the rulebook's, then its default.

    RULES.md §15 #6: DHgate does not name its "Big 4", so no rule of code does; the tables do.
    """
    found = find(name, filed) or find(name, rules.known)
    return found.shipping_class if found is not None else rules.default_class


def parse(t: dict[str, Any]) -> CarrierRules:
    """The `[carriers]` table of a rulebook that passed `rulebooks.check`."""
    known = tuple(Carrier(c["name"].strip(), tuple(a.strip() for a in c.get("aliases", [])), c["shipping_class"])
                  for c in t["known"])
    return CarrierRules(known=known, default_class=t["default_class"])
