"""The search for the cheapest choice of promotions, once `price.price_cart` has found some that compete.

Exact while at most `EXACT_LIMIT` promotions are contested: branch and bound
over every on/off choice, branches sharing their common start and leaving as
soon as they cannot beat the best found. Above that, bounded, in three moves,
each starting from the best so far (at first the full run):

1. *entangled item prices* (one keeps another off a line): each that holds a
   line is left out in a pass of its own, and kept out when that is cheaper;
   then each coupon of a contested coupon group is tried as the one used;
2. the other *structural* choices — what blocks what on a line in the later
   stages, which coupon of a group — by branch and bound, stopped after
   `BOUNDED_NODES` branches; the other contested promotions stay on;
3. *thresholds reached on purpose*: for each threshold short of its next tier,
   the cheapest one to three promotions feeding it whose discounts on its lines
   cover the gap, switched off together when the next tier gives more than they
   cost, each such change priced by a pass of its own and kept only when the cart
   comes out cheaper (at most `THRESHOLD_TRIES` passes).

On the benchmark's searched carts this finds cheaper carts than a plain budget
of 40 branches over every contested promotion did, in less time
(benchmarks/RESULTS.md, docs/decisions.md).
"""

from __future__ import annotations

from shopkeeper.promotions.engine.analysis import feeders
from shopkeeper.promotions.engine.dispatch import ceiling, gap_to_next, most_saved
from shopkeeper.promotions.engine.ledger import Outcome
from shopkeeper.promotions.engine.passes import Pass
from shopkeeper.promotions.engine.results import Search
from shopkeeper.promotions.engine.terms import PricingRequest, Promotion

EXACT_LIMIT = 8  # up to 2^8 on/off choices, most cut short by the bound: exact
BOUNDED_NODES = 12  # above that, branches of the structural choices looked at before settling for the best found
THRESHOLD_TRIES = 6  # passes spent on reaching thresholds on purpose


def choose(request: PricingRequest, covered: dict[int, tuple[int, ...]], order: list[Promotion],
           contested: set[int], entangled: set[int], everything: Pass) -> tuple[Pass, Search]:
    """The cheapest on/off choice among the contested promotions (the others always run): exact while there are
    at most `EXACT_LIMIT` of them, else bounded (see the module's docstring). `everything` is the full run."""
    if len(contested) <= EXACT_LIMIT:
        return branch_and_bound(request, covered, order, contested, entangled, everything=everything), "exact"
    structural = contested & entangled
    items = [p.id for p in order if p.stage == "item" and p.id in structural]
    found = give_up_item_prices(order, everything, items)
    found = choose_group_coupons(order, found, structural)
    later = structural - set(items)
    if later:
        kept = found.switched_off
        found = branch_and_bound(request, covered, [p for p in order if p.id not in kept], later, entangled,
                                 BOUNDED_NODES, found)
        found.switched_off = found.switched_off | kept
    return reach_thresholds(request, covered, order, found, contested, THRESHOLD_TRIES), "bounded"


def give_up_item_prices(order: list[Promotion], best: Pass, rivals: list[int]) -> Pass:
    """`best`, or a cheaper run with some of the entangled item prices `rivals` left out, tried one at a time.

    An item price that holds a line keeps its rivals off it (the first in application order takes the line);
    leaving it out hands the line to the next one. Each holder is left out in a pass of its own, and kept out
    when the cart comes out cheaper."""
    best_payable = best.payable()
    for promo_id in rivals:
        outcome = best.outcomes.get(promo_id)
        if promo_id in best.switched_off or outcome is None or not outcome.applied:
            continue  # it holds no line: leaving it out changes nothing
        trial = cheaper_without(order, best, best.switched_off | {promo_id}, best_payable)
        if trial is not None:
            best, best_payable = trial, trial.payable()
    return best


def choose_group_coupons(order: list[Promotion], best: Pass, contested: set[int]) -> Pass:
    """`best`, or a cheaper run using another coupon of a group (at most one per group: the first that applies).

    Getting to the k-th coupon of a group by switching coupons off one by one takes a search k levels deep;
    here each coupon is tried directly as the one used, the group's coupons before it left out."""
    groups: dict[str, list[int]] = {}
    for promo in order:
        if promo.coupon_group is not None and promo.id in contested:
            groups.setdefault(promo.coupon_group, []).append(promo.id)
    best_payable = best.payable()
    for members in groups.values():
        for k in range(1, len(members)):
            off = (best.switched_off - frozenset(members)) | frozenset(members[:k])
            if off == best.switched_off:
                continue
            trial = cheaper_without(order, best, off, best_payable)
            if trial is not None:
                best, best_payable = trial, trial.payable()
    return best


def cheaper_without(order: list[Promotion], like: Pass, off: frozenset[int], below: int) -> Pass | None:
    """The run with `off` left out when it costs less than `below`; None otherwise. The item prices are applied
    first, and the later stages only when what they could still take off might bring the cart below."""
    trial = item_stage(like, [p for p in order if p.stage == "item"], off)
    later = [p for p in order if p.stage != "item" and p.id not in off]
    payable = trial.payable()
    if payable >= below and not could_save(later, 0, trial, payable - below):
        return None
    for promo in later:
        trial.apply(promo)
    return trial if trial.payable() < below else None


def item_stage(like: Pass, items: list[Promotion], off: frozenset[int]) -> Pass:
    """A fresh pass over `like`'s cart with the item prices not in `off` chosen and applied."""
    start = like.fresh()
    start.switched_off = off
    enabled = [p for p in items if p.id not in off]
    start.choose_item_prices(enabled)
    for promo in enabled:
        start.apply(promo)
    return start


def branch_and_bound(request: PricingRequest, covered: dict[int, tuple[int, ...]], order: list[Promotion],
                     contested: set[int], entangled: set[int], budget: int | None = None,
                     everything: Pass | None = None) -> Pass:
    """Every on/off choice of the contested promotions, as exact as trying each in a pass of its own, cheaper:
    branches share the passes' common start, and a branch is left as soon as it cannot beat the best found,
    since each promotion still to run can take off at most `most_saved` from what the lines cost by then.
    Item prices are chosen first (who holds each line depends on all of them); a choice that leaves the lines as
    another did is not followed again. The later stages branch as they come. Everything on is tried first (or
    taken as found: `everything`, the full run), and a tie keeps what was found first. A branch is weighed before
    the promotions that always run are applied to it, and again after.

    Leaving a later promotion out is not tried where it cannot help: where it did nothing with everything before
    it as chosen (the two branches would be the same), or where what it saves already outweighs the most that
    every promotion it feeds could ever give (`worth_keeping`)."""
    items = [p for p in order if p.stage == "item"]
    later = [p for p in order if p.stage != "item"]
    branching = any(p.id in contested for p in later)
    tree = Branches(later, contested, entangled, feeding_ceilings(later, covered, request) if branching else {},
                    budget, everything)
    item_rivals = [p.id for p in items if p.id in contested]
    seen: set[tuple[object, ...]] = set()
    template = Pass(request, covered) if everything is None else everything
    # with nothing later to choose, the first choice of item prices (all of them) ends in the full run itself
    first = 1 if everything is not None and not branching else 0
    for mask in range(first, 1 << len(item_rivals)):
        if tree.spent_out():
            break
        tree.spent += 1
        start = item_stage(template, items, frozenset(item_rivals[k] for k in range(len(item_rivals)) if mask >> k & 1))
        if start.later_stages_see() in seen:
            continue  # another choice of item prices left the lines just so: what follows is the same
        seen.add(start.later_stages_see())
        tree.descend(start, 0)
    assert tree.best is not None
    return tree.best


class Branches:
    """The later stages of `branch_and_bound`: the best leaf so far and the branches spent. A class rather than a
    closure, so that a search leaves no reference cycle behind for the garbage collector to find."""

    def __init__(self, later: list[Promotion], contested: set[int], entangled: set[int], outweighs: dict[int, int],
                 budget: int | None, best: Pass | None) -> None:
        self.later = later
        self.contested = contested
        self.entangled = entangled
        self.outweighs = outweighs
        self.budget = budget
        self.best = best
        self.best_payable = 0 if best is None else best.payable()
        self.spent = 0

    def spent_out(self) -> bool:
        return self.budget is not None and self.spent > self.budget and self.best is not None

    def beaten(self, state: Pass, i: int, payable: int) -> bool:
        """Whether the branch can no longer come out cheaper than the best leaf."""
        return (self.best is not None and payable >= self.best_payable
                and not could_save(self.later, i, state, payable - self.best_payable))

    def descend(self, state: Pass, i: int) -> None:
        self.spent += 1
        if self.spent_out():
            return  # bounded: the budget is spent, the best found stands
        later, contested = self.later, self.contested
        if self.beaten(state, i, state.payable()):
            return
        while i < len(later) and later[i].id not in contested:
            state.apply(later[i])
            i += 1
        payable = state.payable()
        if self.beaten(state, i, payable):
            return
        if i == len(later):
            self.best, self.best_payable = state, payable
            return
        promo = later[i]
        branch = state.copy()
        branch.apply(promo)
        saved = payable - branch.payable()
        self.descend(branch, i + 1)
        if worth_keeping(promo, branch.outcomes[promo.id], saved, self.outweighs, self.entangled):
            return
        state.switched_off = state.switched_off | {promo.id}
        self.descend(state, i + 1)


def worth_keeping(promo: Promotion, outcome: Outcome, saved: int, outweighs: dict[int, int], entangled: set[int]) -> bool:
    """True when running `promo` is at least as good as leaving it out, whatever comes after.

    A promotion that did not apply changed nothing. One that applied and keeps nothing off any line (it is not
    entangled: no exclusivity, coupons-only, excluded tag or coupon group at stake) only changes what the
    promotions after it are given: the cart is `saved` cheaper, and those it feeds take off less, at most all
    they could ever take off. When `saved` covers that, leaving it out never pays."""
    if not outcome.applied:
        return True
    return promo.id not in entangled and saved >= outweighs[promo.id]


def feeding_ceilings(later: list[Promotion], covered: dict[int, tuple[int, ...]], request: PricingRequest) -> dict[int, int]:
    """For each later promotion, the most that every promotion after it on its lines could ever take off."""
    fed = feeders(later, covered)
    ceilings = {promo.id: ceiling(promo, covered[promo.id], request) for promo in later}
    return {promo.id: sum(ceilings[t] for t, earlier in fed.items() if promo.id in earlier) for promo in later}


def could_save(later: list[Promotion], start: int, state: Pass, needed: int) -> bool:
    """Whether the promotions from `start` on might still take off more than `needed` (summed only as far as that)."""
    saved = 0
    for promo in later[start:]:
        saved += most_saved(promo, state)
        if saved > needed:
            return True
    return False


def reach_thresholds(request: PricingRequest, covered: dict[int, tuple[int, ...]], order: list[Promotion], best: Pass,
                     candidates: set[int], tries: int) -> Pass:
    """`best`, or a cheaper run that gives up some of the `candidates` so that a threshold reaches its next tier.

    Giving up a discount raises what the lines after it cost by what it took off them, and so the basis of the
    thresholds they feed. For each money threshold short of its next tier, the cheapest set of at most three
    candidates whose discounts on its lines cover the gap is tried when the tier's extra saving exceeds their cost.
    Each try is a pass of its own, so what the change does to every other promotion is priced exactly; the first
    try that makes the cart cheaper is kept and the thresholds are looked at again."""
    tried: set[frozenset[int]] = set()
    best_payable = best.payable()
    improved = True
    while improved and tries > 0:
        improved = False
        for position in range(len(order)):
            if tries == 0:
                break
            off = way_up(request, covered, order, best, position, candidates)
            if off is None or off in tried:
                continue
            tried.add(off)
            tries -= 1
            trial = cheaper_without(order, best, off, best_payable)
            if trial is not None:
                best, best_payable, improved = trial, trial.payable(), True
                break
    return best


def way_up(request: PricingRequest, covered: dict[int, tuple[int, ...]], order: list[Promotion], run: Pass,
           position: int, candidates: set[int]) -> frozenset[int] | None:
    """What to switch off (besides what `run` already left out) so that the threshold at `position` reaches its next
    tier for less than that tier gives; None when it is not a money threshold short of a tier worth reaching."""
    promo = order[position]
    standing = run.thresholds.get(promo.id)
    b = promo.benefit
    if standing is None or promo.id in run.switched_off or not b.is_threshold:
        return None
    gap = gap_to_next(promo, standing.basis)
    if gap is None:
        return None
    amount = sum(run.lines[i].amount for i in covered[promo.id])
    stores = {request.lines[i].store_id for i in covered[promo.id]}
    shipping = sum(run.shipping[s].payable for s in stores if s in run.shipping)
    gain = b.tier_gain(standing.achieved, standing.basis, gap, amount, shipping)
    if gain <= 0:
        return None
    lines = set(covered[promo.id])
    rises: list[tuple[int, int, int]] = []  # (what giving it up costs, what it raises the basis by, promotion id)
    for other in order[:position]:
        outcome = run.outcomes.get(other.id)
        if other.id not in candidates or other.id in run.switched_off or outcome is None or not outcome.applied:
            continue
        rise = 0
        for i in covered[other.id]:
            if i in lines:
                for taker, _, minor in run.lines[i].discounts:
                    if taker == other.id:
                        rise += minor
        if rise > 0:
            rises.append((outcome.amount, rise, other.id))
    chosen = cheapest_cover(rises, gap, gain)
    return None if chosen is None else run.switched_off | chosen


def cheapest_cover(rises: list[tuple[int, int, int]], gap: int, below: int) -> frozenset[int] | None:
    """The cheapest one, two or three of `rises` (cost, rise, id) whose rises add up to `gap`, costing under `below`."""
    best_cost, best = below, None
    count = len(rises)
    for a in range(count):
        cost_a, rise_a, id_a = rises[a]
        if cost_a < best_cost and rise_a >= gap:
            best_cost, best = cost_a, frozenset((id_a,))
        for b in range(a + 1, count):
            cost_b, rise_b, id_b = rises[b]
            if cost_a + cost_b < best_cost and rise_a + rise_b >= gap:
                best_cost, best = cost_a + cost_b, frozenset((id_a, id_b))
            for c in range(b + 1, count):
                cost_c, rise_c, id_c = rises[c]
                if cost_a + cost_b + cost_c < best_cost and rise_a + rise_b + rise_c >= gap:
                    best_cost, best = cost_a + cost_b + cost_c, frozenset((id_a, id_b, id_c))
    return best
