"""满送/有买有赠/买A送B: gift units at no charge once a threshold is reached (RULES.md §3.6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, final

from shopkeeper.promotions.engine.ledger import Ledger, Line, Outcome, Threshold
from shopkeeper.promotions.engine.terms import Basis, BenefitTerms, CartLine, Stage

if TYPE_CHECKING:
    from shopkeeper.promotions.engine.terms import Promotion


@final
@dataclass(frozen=True)
class Gift(BenefitTerms):
    """满送/有买有赠/买A送B: gift SKU units at zero price once the threshold is reached.

    `per_threshold` repeats the gift for each whole threshold reached (buy 2 A, get 2 B).
    """

    sku_id: int
    quantity: int = 1
    threshold: int = 0
    basis: Basis = "amount"
    per_threshold: bool = False
    max_sets: int = 10

    @property
    def stage(self) -> Stage:
        return "order"  # where it runs (`terms.stage_of`)

    @property
    def is_threshold(self) -> bool:
        return True

    @property
    def lowers_payable(self) -> bool:
        return False  # a gift costs the buyer nothing: it adds a line at no charge and takes nothing off


def gift_sets(b: Gift, basis: int) -> int:
    if basis < b.threshold or basis <= 0:
        return 0
    sets = basis // b.threshold if b.per_threshold and b.threshold else 1
    return min(sets, b.max_sets)


def apply(run: Ledger, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, Gift)
    basis, list_basis = run.basis(promo, lines, b.basis)
    sets = gift_sets(b, basis)
    info = run.request.gifts.get(b.sku_id)
    value = info.unit_price * b.quantity if info else 0
    run.thresholds[promo.id] = Threshold(basis, list_basis, sets * value, gift_sets(b, list_basis) * value)
    if sets == 0:
        reason = "below_quantity" if b.basis == "quantity" else "below_threshold"
        return Outcome(False, reason=reason, detail={"short": max(b.threshold, 1) - basis, "threshold": b.threshold})
    if info is None or info.available <= 0:
        return Outcome(False, reason="gift_out_of_stock", detail={"sku_id": b.sku_id})
    already = sum(line.src.quantity for line in run.lines if line.gift and line.src.sku_id == b.sku_id)
    units = run.units_allowed(promo, min(sets * b.quantity, info.available - already))
    if units <= 0:
        return Outcome(False, reason="gift_out_of_stock", detail={"sku_id": b.sku_id})
    gift = Line(CartLine(b.sku_id, info.product_id, info.store_id, info.unit_price, units), gift=True)
    gift.discounts = ((promo.id, promo.funder, gift.list_total),)
    gift.steps = ((promo.id, 0),)
    run.lines.append(gift)
    for line in lines:
        run.mark(promo, line)
    return Outcome(True, gift.list_total, detail={"sku_id": b.sku_id, "units": units}, units=units)


# --- the 凑单 hint (a gift costs the buyer nothing: it lowers no payable, so it never bounds the search) ---------

def gap_to_next(b: Gift, basis: int) -> int | None:
    return b.threshold - basis if b.basis == "amount" and basis < b.threshold else None


def hint(b: Gift, run: Ledger, promo: Promotion, standing: Threshold) -> tuple[int, int, int | None] | None:
    """Reaching the threshold earns one set of the gift, as far as the stock goes."""
    if standing.achieved != 0 or standing.basis >= b.threshold:
        return None
    info = run.request.gifts.get(b.sku_id)
    return b.threshold - standing.basis, info.unit_price * min(b.quantity, info.available) if info else 0, b.sku_id
