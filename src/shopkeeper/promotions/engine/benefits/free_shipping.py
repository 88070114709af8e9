"""包邮: shipping off by covered amount or unit count (满N件包邮) (RULES.md §3.6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, final

from shopkeeper.promotions.engine.ledger import Ledger, Line, Outcome, Threshold
from shopkeeper.promotions.engine.terms import Basis, BenefitTerms, PricingRequest, Stage

if TYPE_CHECKING:
    from shopkeeper.promotions.engine.terms import Promotion


@final
@dataclass(frozen=True)
class FreeShipping(BenefitTerms):
    """包邮: by covered amount or unit count (满N件包邮); a free-shipping coupon has threshold 0."""

    threshold: int = 0
    basis: Basis = "amount"

    @property
    def stage(self) -> Stage:
        return "shipping"  # where it runs (`terms.stage_of`)

    @property
    def is_threshold(self) -> bool:
        return True

    def tier_gain(self, achieved: int, basis: int, gap: int, amount: int, shipping: int) -> int:
        return shipping if self.basis == "amount" else 0

    @property
    def frees_shipping(self) -> bool:
        return True


def apply(run: Ledger, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, FreeShipping)
    basis, list_basis = run.basis(promo, lines, b.basis)
    stores = sorted({line.src.store_id for line in lines})
    fee_left = sum(run.shipping[s].payable for s in stores if s in run.shipping)
    run.thresholds[promo.id] = Threshold(basis, list_basis, fee_left if basis >= b.threshold else 0,
                                         fee_left if list_basis >= b.threshold else 0)
    if basis < b.threshold:
        reason = "below_quantity" if b.basis == "quantity" else "below_threshold"
        return Outcome(False, reason=reason, detail={"short": b.threshold - basis, "threshold": b.threshold})
    if fee_left == 0:
        return Outcome(False, reason="no_saving")
    for store in stores:
        fee = run.shipping.get(store)
        if fee and fee.payable:
            fee.discounts += ((promo.id, promo.funder, fee.payable),)
            fee.payable = 0
    for line in lines:
        run.mark(promo, line)
    return Outcome(True, fee_left)


# --- what it can save at most, and the 凑单 hint ----------------------------------------------------

def ceiling(b: FreeShipping, lines: tuple[int, ...], request: PricingRequest) -> int:
    """The most it could take off in any branch of the search: the fees of its lines' stores."""
    return sum(request.shipping.get(store, 0) for store in {request.lines[i].store_id for i in lines})


def most_saved(b: FreeShipping, run: Ledger, covered: tuple[int, ...], amount: int) -> int:
    lines = run.lines
    reach = amount if b.basis == "amount" else sum(lines[i].src.quantity for i in covered)
    if reach < b.threshold:
        return 0  # its lines only get cheaper from here: a threshold not reached now never is
    shipping = run.shipping
    return sum(shipping[store].payable for store in {lines[i].src.store_id for i in covered} if store in shipping)


def gap_to_next(b: FreeShipping, basis: int) -> int | None:
    return b.threshold - basis if b.basis == "amount" and basis < b.threshold else None


def hint(b: FreeShipping, run: Ledger, promo: Promotion, standing: Threshold) -> tuple[int, int, int | None] | None:
    if standing.achieved != 0 or standing.basis >= b.threshold:
        return None
    stores = {run.lines[i].src.store_id for i in run.covered[promo.id]}
    return b.threshold - standing.basis, sum(run.shipping[s].payable for s in stores if s in run.shipping), None
