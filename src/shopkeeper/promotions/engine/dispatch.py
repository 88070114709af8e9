"""From a promotion's benefit to its kind's module, by direct calls: the engine's hottest branch.

`benefits/__init__.py` is the registry of benefit kinds (codec, request schema, console words);
this is its fast twin for the compiled engine. `FAST` lists the kinds the chain below calls
directly, in the chain's order, and `tests/promotions/test_benefits.py` holds it equal to the
registry. A kind registered without a line here (`benefits.register`) is reached through
`REGISTERED`, more slowly; a benefit of no registered kind stops at `assert_never`.
"""

from __future__ import annotations

from typing import Callable, Union, assert_never

from shopkeeper.promotions.engine.benefits import (
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
from shopkeeper.promotions.engine.benefits.bulk_price import BulkPrice
from shopkeeper.promotions.engine.benefits.bundle import Bundle
from shopkeeper.promotions.engine.benefits.early_bird import EarlyBird
from shopkeeper.promotions.engine.benefits.free_shipping import FreeShipping
from shopkeeper.promotions.engine.benefits.gift import Gift
from shopkeeper.promotions.engine.benefits.nth_unit import NthUnit
from shopkeeper.promotions.engine.benefits.points_price import PointsPrice
from shopkeeper.promotions.engine.benefits.reduction import Reduction
from shopkeeper.promotions.engine.benefits.unit_price import UnitPrice
from shopkeeper.promotions.engine.ledger import Ledger, Line, Outcome, Threshold
from shopkeeper.promotions.engine.terms import Basis, PricingRequest, Promotion

Benefit = Union[UnitPrice, EarlyBird, BulkPrice, NthUnit, Bundle, PointsPrice, Reduction, Gift, FreeShipping]

Apply = Callable[[Ledger, Promotion, list[Line]], Outcome]

# the chain's kinds, in its order, with what each calls (held equal to the registry by a test)
FAST: tuple[tuple[type, Apply], ...] = (
    (Reduction, reduction.apply), (UnitPrice, unit_price.apply), (FreeShipping, free_shipping.apply), (Gift, gift.apply),
    (BulkPrice, bulk_price.apply), (NthUnit, nth_unit.apply), (Bundle, bundle.apply), (EarlyBird, early_bird.apply),
    (PointsPrice, points_price.apply),
)

REGISTERED: dict[type, Apply] = {}  # kinds registered beyond the chain (`benefits.register`)


def apply_benefit(run: Ledger, promo: Promotion, lines: list[Line]) -> Outcome:
    """What the promotion's benefit does to its eligible lines."""
    b = promo.benefit
    if type(b) is Reduction:
        return reduction.apply(run, promo, lines)
    if type(b) is UnitPrice:
        return unit_price.apply(run, promo, lines)
    if type(b) is FreeShipping:
        return free_shipping.apply(run, promo, lines)
    if type(b) is Gift:
        return gift.apply(run, promo, lines)
    if type(b) is BulkPrice:
        return bulk_price.apply(run, promo, lines)
    if type(b) is NthUnit:
        return nth_unit.apply(run, promo, lines)
    if type(b) is Bundle:
        return bundle.apply(run, promo, lines)
    if type(b) is EarlyBird:
        return early_bird.apply(run, promo, lines)
    if type(b) is PointsPrice:
        return points_price.apply(run, promo, lines)
    registered = REGISTERED.get(type(b))
    if registered is not None:
        return registered(run, promo, lines)
    assert_never(b)


# --- thresholds: what each can save at most, how far the next step is, the 凑单 hint ---------------------
# Only the threshold kinds (reduction, gift, free shipping) answer these; an item price has no threshold.

def ceiling(promo: Promotion, lines: tuple[int, ...], request: PricingRequest) -> int:
    """The most a threshold promotion could take off this cart in any branch (a gift: nothing, it costs the buyer nothing)."""
    b = promo.benefit
    if type(b) is Reduction:
        return reduction.ceiling(b, lines, request)
    if type(b) is FreeShipping:
        return free_shipping.ceiling(b, lines, request)
    return 0


def most_saved(promo: Promotion, run: Ledger) -> int:
    """The most a promotion of the order stage or later can still take off, from what its lines cost now."""
    b = promo.benefit
    if type(b) is Gift:
        return 0
    lines, covered = run.lines, run.covered[promo.id]
    amount = 0
    for i in covered:
        amount += lines[i].amount
    if type(b) is FreeShipping:
        return free_shipping.most_saved(b, run, covered, amount)
    if type(b) is Reduction:
        return reduction.most_saved(b, run, covered, amount)
    return amount


def gap_to_next(promo: Promotion, basis: int) -> int | None:
    """Money still missing to the next threshold of a money-basis threshold promotion (None: cannot say)."""
    b = promo.benefit
    if type(b) is Reduction:
        return reduction.gap_to_next(b, basis)
    if type(b) is Gift:
        return gift.gap_to_next(b, basis)
    if type(b) is FreeShipping:
        return free_shipping.gap_to_next(b, basis)
    return None


def hint(promo: Promotion, run: Ledger, standing: Threshold) -> tuple[Basis, int, int, int | None] | None:
    """凑单 for one threshold promotion: (its basis, short, saves, gift SKU), or None when nothing is ahead."""
    b = promo.benefit
    found: tuple[int, int, int | None] | None = None
    if type(b) is Reduction:
        found = reduction.hint(b, run, promo, standing)
    elif type(b) is Gift:
        found = gift.hint(b, run, promo, standing)
    elif type(b) is FreeShipping:
        found = free_shipping.hint(b, run, promo, standing)
    else:
        return None
    if found is None:
        return None
    return b.basis, found[0], found[1], found[2]
