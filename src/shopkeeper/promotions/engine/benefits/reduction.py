"""满减 and 满折: money or a fraction off the covered subtotal once a threshold is reached (RULES.md §3.6)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Sequence, final

from shopkeeper.promotions.engine.ledger import Ledger, Line, Outcome, Threshold, percent_of
from shopkeeper.promotions.engine.terms import Basis, BenefitTerms, PricingRequest, Stage

if TYPE_CHECKING:
    from shopkeeper.promotions.engine.terms import Promotion


@dataclass(frozen=True)
class Tier:
    """A threshold and what reaching it gives: minor units off, or a fraction off (one of the two)."""

    threshold: int
    amount_off: int = 0
    percent_off: Decimal | None = None


@final
@dataclass(frozen=True)
class Reduction(BenefitTerms):
    """满减 and 满折 on the covered subtotal.

    Multi-tier: the highest tier reached applies (满100减10 / 满200减30).
    Repeating: `every` set, the first tier's reduction applies once per whole
    `every` reached (每满100减10), up to `cap`. A tier with threshold 0 is a plain
    order discount. `basis` "quantity" counts units (满2件8折).
    """

    tiers: tuple[Tier, ...]
    basis: Basis = "amount"
    every: int | None = None
    cap: int | None = None

    @property
    def stage(self) -> Stage:
        return "order"  # where it runs (`terms.stage_of`)

    @property
    def is_threshold(self) -> bool:
        return True

    def tier_gain(self, achieved: int, basis: int, gap: int, amount: int, shipping: int) -> int:
        return reduction_off(self, basis + gap, amount + gap) - achieved if self.basis == "amount" else 0

    @property
    def bounded_at_list(self) -> bool:
        return True  # every tier on list prices is the most it can take (`reduction_off` only grows with its basis)


def tier_reached(tiers: tuple[Tier, ...], basis: int) -> Tier | None:
    reached: Tier | None = None
    for tier in tiers:
        if basis >= tier.threshold and (reached is None or tier.threshold > reached.threshold):
            reached = tier
    return reached


def tier_key(b: Reduction, basis: int) -> int:
    """Which step of the reduction a basis stands on: the 每满 multiple, or the threshold of the tier reached."""
    if b.every:
        return basis // b.every
    tier = tier_reached(b.tiers, basis)
    return -1 if tier is None else tier.threshold


def proportional_share(promotions: Sequence[Promotion]) -> Decimal:
    """The least share of a price rise the buyer keeps paying after every percentage reduction (满折, % coupons)
    has taken its part of it: the product of (1 − the largest percentage of each)."""
    kept = Decimal(1)
    for promo in promotions:
        b = promo.benefit
        if isinstance(b, Reduction):
            percents = [t.percent_off for t in b.tiers if t.percent_off is not None]
            if percents:
                kept *= 1 - max(percents)
    return kept


def reduction_off(b: Reduction, basis: int, amount: int) -> int:
    """What a 满减/满折 takes off at `basis` (the threshold measure) over `amount` (money it may take from)."""
    if b.every:
        first = b.tiers[0]
        off = first.amount_off * (basis // b.every)
    else:
        tier = tier_reached(b.tiers, basis)
        if tier is None:
            return 0
        off = percent_of(amount, tier.percent_off) if tier.percent_off is not None else tier.amount_off
    if b.cap is not None:
        off = min(off, b.cap)
    return max(0, min(off, amount))


def apply(run: Ledger, promo: Promotion, lines: list[Line]) -> Outcome:
    b = promo.benefit
    assert isinstance(b, Reduction)
    basis, list_basis = run.basis(promo, lines, b.basis)
    amount = sum(line.amount for line in lines)
    list_amount = sum(run.lines[i].list_total for i in run.covered[promo.id])
    off = reduction_off(b, basis, amount)
    reachable = reduction_off(b, list_basis, list_amount)
    if (len(lines) == len(run.covered[promo.id]) and all(t.percent_off is not None for t in b.tiers)
            and tier_key(b, list_basis) == tier_key(b, basis)):
        # Within one tier a 满折 on every line it covers only takes less from a cheaper cart in proportion, and
        # raising the cart by X gives back less than X (`analysis.cannot_pay_off` counts that share): nothing to chase.
        reachable = off
    run.thresholds[promo.id] = Threshold(basis, list_basis, off, reachable)
    if off == 0:
        first = b.every or min(t.threshold for t in b.tiers)
        if basis < first:
            reason = "below_quantity" if b.basis == "quantity" else "below_threshold"
            return Outcome(False, reason=reason, detail={"short": first - basis, "threshold": first})
        return Outcome(False, reason="no_saving")
    run.allocate(promo, lines, off)
    return Outcome(True, off)


# --- what it can save at most, and the 凑单 hint ----------------------------------------------------

def ceiling(b: Reduction, lines: tuple[int, ...], request: PricingRequest) -> int:
    """The most it could take off this cart in any branch of the search: every tier on list prices."""
    listed = sum(request.lines[i].unit_price * request.lines[i].quantity for i in lines)
    if b.every:
        most = b.tiers[0].amount_off * (max(listed, sum(request.lines[i].quantity for i in lines)) // b.every)
    else:
        most = max(percent_of(listed, t.percent_off) if t.percent_off is not None else t.amount_off for t in b.tiers)
    if b.cap is not None:
        most = min(most, b.cap)
    return min(most, listed)


def most_saved(b: Reduction, run: Ledger, covered: tuple[int, ...], amount: int) -> int:
    """The most it can still take off, its lines costing `amount` now (they only get cheaper; tiers rise with the basis)."""
    return reduction_off(b, amount if b.basis == "amount" else sum(run.lines[i].src.quantity for i in covered), amount)


def gap_to_next(b: Reduction, basis: int) -> int | None:
    """Money still missing to the next tier (None: a unit basis, or no tier ahead)."""
    if b.basis != "amount":
        return None
    if b.every:
        return (basis // b.every + 1) * b.every - basis
    ahead = [t.threshold for t in b.tiers if t.threshold > basis]
    return min(ahead) - basis if ahead else None


def hint(b: Reduction, run: Ledger, promo: Promotion, standing: Threshold) -> tuple[int, int, int | None] | None:
    """凑单: (short, saves, gift SKU) to the next tier, or None when no tier is ahead."""
    if b.every:
        target = (standing.basis // b.every + 1) * b.every
    else:
        target = -1
        for tier in b.tiers:
            if tier.threshold > standing.basis and (target < 0 or tier.threshold < target):
                target = tier.threshold
        if target < 0:
            return None
    # what the lines would cost before this reduction: now plus what it took, plus what the buyer adds
    amount = standing.achieved
    for i in run.covered[promo.id]:
        amount += run.lines[i].amount
    grown = target if b.basis == "amount" else amount
    return target - standing.basis, reduction_off(b, target, grown) - standing.achieved, None
