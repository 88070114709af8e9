"""套餐/搭配: a set of SKUs bought together at one price (RULES.md §3.6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Collection, Mapping, final

from shopkeeper.promotions.engine.ledger import Ledger, Line, Outcome, split_by_weight
from shopkeeper.promotions.engine.terms import BenefitTerms, Stage

if TYPE_CHECKING:
    from shopkeeper.promotions.engine.terms import Promotion


@final
@dataclass(frozen=True)
class Bundle(BenefitTerms):
    """套餐/搭配: a set of SKUs and quantities bought together costs `price` per complete set."""

    items: Mapping[int, int]
    price: int

    @property
    def stage(self) -> Stage:
        return "item"  # where it runs (`terms.stage_of`)

    @property
    def only_skus(self) -> Collection[int]:
        return self.items  # only worth looking at with one of its SKUs in the cart, whatever its scope


def apply(run: Ledger, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, Bundle)
    by_sku = {line.src.sku_id: line for line in lines}
    missing = [sku for sku in sorted(b.items) if by_sku.get(sku) is None or by_sku[sku].src.quantity < b.items[sku]]
    if missing:
        return Outcome(False, reason="bundle_incomplete", detail={"sku_id": missing[0]})
    sets = run.units_allowed(promo, min(by_sku[sku].src.quantity // need for sku, need in b.items.items()))
    if sets == 0:
        return Outcome(False, reason="limit_reached")
    members = [by_sku[sku] for sku in sorted(b.items)]
    weights = [line.src.unit_price * b.items[line.src.sku_id] for line in members]
    saving = sum(weights) - b.price
    if saving <= 0:
        return Outcome(False, reason="no_saving")
    for line, part in zip(members, split_by_weight(saving * sets, weights)):
        run.take(promo, line, part)
    return Outcome(True, saving * sets, detail={"sets": sets}, units=sets)
