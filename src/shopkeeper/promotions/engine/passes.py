"""One pass of the pricing pipeline: apply a set of promotions, in stage order, to a cart.

The pass is deterministic: promotions run stage by stage (item → order →
shipping → coupon → platform), inside a stage by priority (highest first)
then id. A promotion touches only the lines it may stack on; everything it
takes off is allocated to those lines by largest remainder, with its funder.
`price.price_cart` chooses *which* promotions run; this module runs them, and
each benefit's own module (`benefits/<kind>.py`, reached through `dispatch`)
says what it does to the lines.
"""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from shopkeeper.promotions.engine.dispatch import apply_benefit
from shopkeeper.promotions.engine.ledger import Alone, Ledger, Line, Outcome
from shopkeeper.promotions.engine.terms import CartLine, PricingRequest, Promotion


class Pass(Ledger):
    """A ledger that runs: promotions applied one by one, each only where it may stack."""

    # --- running ------------------------------------------------------------------------------

    def run(self, promotions: Sequence[Promotion]) -> "Pass":
        self.choose_item_prices(promotions)
        for promo in promotions:
            self.apply(promo)
        return self

    def payable(self) -> int:
        return sum(line.amount for line in self.lines) + sum(fee.payable for fee in self.shipping.values())

    def apply(self, promo: Promotion) -> None:
        """One more promotion, in application order (item prices come after `choose_item_prices`)."""
        self.outcomes[promo.id] = self._apply(promo)

    def choose_item_prices(self, promotions: Sequence[Promotion]) -> None:
        if self.alone is None:
            self.alone = alone_prices(self.request, self.covered)
        self.item_winner = cheapest_item_prices(self.alone, promotions)

    def fresh(self) -> "Pass":
        """A new pass over the same cart, from list prices, sharing what does not depend on the choice."""
        twin = Pass(self.request, self.covered)
        twin.alone = self.alone
        return twin

    def copy(self) -> "Pass":
        """A branch of the search: the same cart at the same point, to go on differently."""
        twin = Pass(self.request, self.covered, [line.copy() for line in self.lines],
                    {store: fee.copy() for store, fee in self.shipping.items()})
        twin.points_left = self.points_left
        twin.allowance = dict(self.allowance)
        twin.groups_used = dict(self.groups_used)
        twin.outcomes = dict(self.outcomes)
        twin.thresholds = dict(self.thresholds)
        twin.switched_off = self.switched_off
        twin.settled = self.settled
        twin.item_winner = self.item_winner
        twin.alone = self.alone
        return twin

    def later_stages_see(self) -> tuple[object, ...]:
        """All that the stages after the item prices read of the lines: what each costs and what may still
        stack on it. Two passes alike in this end alike, whatever item prices brought them here."""
        return tuple((line.amount, line.item_owner is None, line.exclusive_owner is None, line.coupons_only_owner is None,
                      line.touched_other, bool(line.discounts), line.tags) for line in self.lines)

    def _apply(self, promo: Promotion) -> Outcome:
        if promo.coupon_group is not None and promo.coupon_group in self.groups_used:
            return Outcome(False, reason="coupon_group_taken", detail={"with": self.groups_used[promo.coupon_group]})
        eligible, blocked = self._eligible(promo)
        if not eligible:
            reason, other = blocked or ("nothing_covered", None)
            return Outcome(False, reason=reason, detail=None if other is None else {"with": other})
        self.allowance[promo.id] = promo.allowance
        outcome = apply_benefit(self, promo, eligible)
        if outcome.applied and promo.coupon_group is not None:
            self.groups_used[promo.coupon_group] = promo.id
        return outcome

    def _eligible(self, promo: Promotion) -> tuple[list[Line], tuple[str, int | str] | None]:
        """Covered lines this promotion may stack on; else the first reason it may not."""
        stage = promo.stage
        is_coupon = promo.coupon_id is not None
        eligible: list[Line] = []
        blocked: tuple[str, int | str] | None = None
        for index in self.covered[promo.id]:
            line = self.lines[index]
            if line.exclusive_owner is not None:
                blocked = blocked or ("exclusive_conflict", line.exclusive_owner)
            elif stage == "item" and line.item_owner is not None:
                blocked = blocked or ("line_has_item_price", line.item_owner)
            elif stage == "item" and self.item_winner.get(index, promo.id) != promo.id:
                blocked = blocked or ("line_has_item_price", self.item_winner[index])
            elif promo.stacking == "exclusive" and (line.touched_other or line.discounts):
                blocked = blocked or ("exclusive_conflict", line.steps[-1][0] if line.steps else "")
            elif line.coupons_only_owner is not None and not is_coupon:
                blocked = blocked or ("coupons_only_conflict", line.coupons_only_owner)
            elif promo.stacking == "coupons_only" and line.touched_other:
                blocked = blocked or ("coupons_only_conflict", line.steps[-1][0] if line.steps else "")
            elif promo.excludes_tags and line.tags & promo.excludes_tags:
                blocked = blocked or ("excluded_by_tag", sorted(line.tags & promo.excludes_tags)[0])
            elif promo.full_price_only and line.item_owner is not None:
                blocked = blocked or ("full_price_only", line.item_owner)
            else:
                eligible.append(line)
        return eligible, blocked


# --- several item prices on one line: the buyer gets the cheapest --------------------------------

def separable(promo: Promotion, covered: dict[int, tuple[int, ...]]) -> bool:
    """An item price whose effect on a line does not depend on its other lines (its kind works `per_line`: a unit
    price, an early-bird price, a per-SKU N-th unit), with no allowance shared between lines."""
    return promo.benefit.per_line and (promo.allowance is None or len(covered[promo.id]) == 1)


def line_amount_alone(promo: Promotion, line: CartLine, now: datetime) -> int:
    """What `line` would cost under this separable item price alone, as far as its allowance goes."""
    return promo.benefit.line_alone(line, line.quantity if promo.allowance is None else min(line.quantity, promo.allowance), now)




def alone_prices(request: PricingRequest, covered: dict[int, tuple[int, ...]]) -> Alone:
    """What each separable item price alone would make each line it covers cost, with its tie-breaks."""
    alone: Alone = {}
    for promo in request.promotions:
        if promo.stage != "item" or promo.id not in covered or not separable(promo, covered):
            continue
        for index in covered[promo.id]:
            key = (line_amount_alone(promo, request.lines[index], request.now), -promo.priority, promo.id)
            alone.setdefault(index, []).append(key)
    return alone


def cheapest_item_prices(alone: Alone, promotions: Sequence[Promotion]) -> dict[int, int]:
    """Where several of the separable item prices among `promotions` cover a line, the one that makes it cheapest
    (then higher priority, lower id).

    One item price per line is the rule; choosing the cheapest per line is what the buyer would choose, and
    it spares the search every such choice (thresholds it affects are still searched)."""
    enabled = {promo.id for promo in promotions if promo.stage == "item"}
    winners: dict[int, int] = {}
    for index, keys in alone.items():
        best: tuple[int, int, int] | None = None
        rivals = 0
        for key in keys:
            if key[2] in enabled:
                rivals += 1
                if best is None or key < best:
                    best = key
        if rivals > 1 and best is not None:
            winners[index] = best[2]
    return winners
