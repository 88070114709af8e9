"""The registry of benefit kinds: one module per kind, one line per kind in `KINDS` below.

A kind's module (`benefits/<kind>.py`, compiled with the engine) holds its terms (a frozen
dataclass whose `stage` property says where it runs: item, order or shipping), how it applies
(`apply(run, promo, lines)`, writing on the pass's `Ledger`) and the helpers only it needs.
The terms inherit `terms.BenefitTerms`: what the engine asks of every kind (does it look at some
SKUs only, work line by line, spend points, have a threshold, lower the payable, ...), answered as
most kinds answer; a kind overrides the properties where it answers otherwise, and the engine asks
these instead of naming kinds.
The registry gives each kind its name, the `type` tag of stored rules and of the API, and drives:

- the codec (`promotions/codec.py`): a benefit to JSON and back, field by field from its terms;
- the request schema (`promotions/benefit_schemas.py`): a union of one schema per kind, told apart by `type`;
- the console's one-line summary (`console/promotion_text.py`), which falls back to the terms'
  fields for a kind that has no words of its own yet;
- the engine's fast dispatch (`engine/dispatch.py`), held equal to `KINDS` by
  `tests/promotions/test_benefits.py`.

To add a benefit kind:

1. write `benefits/<kind>.py`: the terms dataclass, inheriting `BenefitTerms`, with its `stage`
   property and the `BenefitTerms` properties its kind answers otherwise than the default (a price
   that works line by line: `per_line` and `line_alone`; a threshold: `is_threshold`, and so on), and
   `apply(run: Ledger, promo: Promotion, lines: list[Line]) -> Outcome` (see `points_price.py`,
   the smallest); a threshold kind also answers `ceiling`, `most_saved`, `gap_to_next` and `hint`
   (see `free_shipping.py`); the terms' fields use the codec's types (int, str, bool, Literal, Decimal,
   datetime, Mapping[int, int], tuples of such dataclasses, or None);
2. add its line to `KINDS`; it is now validated (a request schema made from its terms), stored,
   described (its fields) and, as plain Python, priced (through `dispatch.REGISTERED`);
3. to run it compiled and at full speed, add it to `dispatch.Benefit`, `dispatch.FAST` and the chain
   of `dispatch.apply_benefit` (the registry test says when these disagree), a threshold kind to
   the threshold functions below it too, and its module to `native.ENGINE`; give it words in
   `console/promotion_text.py` and, for amounts in major units, a request schema in
   `promotions/benefit_schemas.py` (`REQUESTS`).

`tests/promotions/test_benefits.py` adds a throwaway kind in a test in exactly those two steps.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from shopkeeper.promotions import native

native.activate(__path__, "benefits")

from shopkeeper.promotions.engine.benefits import (  # noqa: E402  (after `activate`: the compiled modules when built)
    bulk_price,
    bundle,
    early_bird,
    free_shipping,
    gift,
    nth_unit,
    points_price,
    reduction,
    unit_price,
)
from shopkeeper.promotions.engine.benefits.bulk_price import BulkPrice, QuantityTier  # noqa: E402
from shopkeeper.promotions.engine.benefits.bundle import Bundle  # noqa: E402
from shopkeeper.promotions.engine.benefits.early_bird import EarlyBird, TimeStep  # noqa: E402
from shopkeeper.promotions.engine.benefits.free_shipping import FreeShipping  # noqa: E402
from shopkeeper.promotions.engine.benefits.gift import Gift  # noqa: E402
from shopkeeper.promotions.engine.benefits.nth_unit import NthUnit  # noqa: E402
from shopkeeper.promotions.engine.benefits.points_price import PointsPrice  # noqa: E402
from shopkeeper.promotions.engine.benefits.reduction import Reduction, Tier  # noqa: E402
from shopkeeper.promotions.engine.benefits.unit_price import UnitPrice  # noqa: E402


@dataclass(frozen=True)
class Kind:
    name: str  # the `type` tag in stored rules and in the API
    terms: type  # the benefit's frozen dataclass
    module: ModuleType  # where its `apply` and helpers are


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("unit_price", UnitPrice, unit_price),
    Kind("early_bird", EarlyBird, early_bird),
    Kind("bulk_price", BulkPrice, bulk_price),
    Kind("nth_unit", NthUnit, nth_unit),
    Kind("bundle", Bundle, bundle),
    Kind("points_price", PointsPrice, points_price),
    Kind("reduction", Reduction, reduction),
    Kind("gift", Gift, gift),
    Kind("free_shipping", FreeShipping, free_shipping),
)}


def kind_of(benefit: object) -> Kind:
    """The registered kind of a benefit (KeyError for a benefit of no registered kind)."""
    return _BY_TERMS[type(benefit)]


def default(terms: type, field: str) -> Any:
    """A field's default in a kind's terms, for the request schema and the console, which never restate it."""
    return next(f.default for f in dataclasses.fields(terms) if f.name == field)


def register(kind: Kind) -> None:
    """Add a kind to the registry (what its line in `KINDS` does); one not in the fast dispatch goes by `REGISTERED`."""
    from shopkeeper.promotions.engine import dispatch

    KINDS[kind.name] = kind
    _BY_TERMS[kind.terms] = kind
    if all(fast is not kind.terms for fast, _ in dispatch.FAST):
        dispatch.REGISTERED[kind.terms] = kind.module.apply


def unregister(name: str) -> None:
    from shopkeeper.promotions.engine import dispatch

    kind = KINDS.pop(name)
    _BY_TERMS.pop(kind.terms, None)
    dispatch.REGISTERED.pop(kind.terms, None)


_BY_TERMS: dict[type, Kind] = {kind.terms: kind for kind in KINDS.values()}

from shopkeeper.promotions.engine.dispatch import Benefit  # noqa: E402  (the dispatch imports the kinds above)

__all__ = ["KINDS", "Benefit", "BulkPrice", "Bundle", "EarlyBird", "FreeShipping", "Gift", "Kind", "NthUnit", "PointsPrice",
           "QuantityTier", "Reduction", "Tier", "TimeStep", "UnitPrice", "default", "kind_of", "register", "unregister"]
