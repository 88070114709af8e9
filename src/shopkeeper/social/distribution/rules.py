"""Distribution (分销): pure rules over plain facts. No database, no clock.

The law first (RULES.md §4.2, §17.2, 禁止传销条例 Art. 7): becoming a promoter is free and needs no purchase (form 2),
nothing is paid for recruiting itself (form 1), commission is paid only on real sales to buyers, and a promoter's
recruiter is paid on that promoter's sales (form 3's neighbour) only as an explicit, warned opt-in, never beyond two
levels. A program that crosses a line is refused (`PyramidRule`) naming the form, never quietly corrected.

Money is in integer minor units; a percentage is a Decimal rounded half-up per line; a fixed commission is per unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal

from shopkeeper.errors import Conflict, DomainError, InvalidInput
from shopkeeper.money import largest_remainder_allocate, round_half_up
from shopkeeper.rulebooks import DistributionRules

LAW = "禁止传销条例 Art. 7"
FORMS = {
    1: "form 1: pay for recruiting people (拉人头)",
    2: "form 2: a fee or a required purchase to join (入门费)",
    3: "form 3: pay on a downline's sales (团队计酬)",
}
MAX_LEVELS = 2  # RULES.md §17.2 reading: the direct promoter, and at most their direct recruiter, opted in and warned
SECOND_LEVEL_WARNING = (
    "Paying a promoter's recruiter on that promoter's sales sits next to 禁止传销条例 Art. 7 form 3 (团队计酬); "
    "it is allowed here only at one level above the promoter, on real sales to buyers, never for recruiting.")


class PyramidRule(DomainError):
    """A program configuration the anti-pyramid-selling law (RULES.md §17.2) forbids."""

    code = "pyramid-rule"
    status = 422
    title = "The program would break the anti-pyramid-selling rule"


class PayoutExceedsBalance(Conflict):
    code = "payout-exceeds-balance"
    title = "The payout is more than the promoter's released balance"


class NotAPromoter(Conflict):
    code = "not-a-promoter"
    title = "No promoter of this store has that code"


class NotAnInfluencer(Conflict):
    code = "not-an-influencer"
    title = "The store has not signed you as an influencer"


class ProgramClosed(Conflict):
    code = "distribution-closed"
    title = "The store runs no distribution program"


@dataclass(frozen=True)
class CommissionRule:
    """Commission on a product, a category, or the whole store: `percent` of the line's paid amount, or `fixed_minor`
    per unit. Exactly one of the two."""

    scope: str  # store | category | product
    target_id: int | None
    percent: Decimal | None = None
    fixed_minor: int | None = None


@dataclass(frozen=True)
class Level:
    """A promoter level (会员成长): reached by released sales only, never by recruits; may add to percentage rates."""

    name: str
    min_sales_minor: int
    bonus_percent: Decimal = Decimal(0)


@dataclass(frozen=True)
class ProgramTerms:
    """What a store asks of its program. The law's fields are here so a forbidden choice is refused by name."""

    enabled: bool
    attribution_days: int
    rules: Sequence[CommissionRule]
    levels: Sequence[Level] = ()
    level_basis: str = "sales"  # what raises a level: only "sales" is lawful
    entry_fee_minor: int = 0
    required_purchase_minor: int = 0
    pay_per_recruit_minor: int = 0
    levels_paid: int = 1
    second_level_opt_in: bool = False
    acknowledged_warning: bool = False
    second_level_percent: Decimal = Decimal(0)
    excluded_promotions: Sequence[str] = field(default_factory=tuple)


def _refuse(form: int, why: str) -> PyramidRule:
    return PyramidRule(f"{why}: {LAW} {FORMS[form]}", form=form, law=LAW)


def check_program(terms: ProgramTerms, book: DistributionRules) -> None:
    """Refuse a program the law forbids (`PyramidRule`) or plain sense does not allow (`InvalidInput`). The rulebook
    may allow fewer levels than the law's reading; never more."""
    max_levels, max_attribution_days = min(book.max_levels_paid, MAX_LEVELS), book.max_attribution_days
    if terms.entry_fee_minor != 0:
        raise _refuse(2, "becoming a promoter is free; an entry fee is refused")
    if terms.required_purchase_minor != 0:
        raise _refuse(2, "becoming a promoter needs no purchase; a required purchase is refused")
    if terms.pay_per_recruit_minor != 0:
        raise _refuse(1, "nothing is paid for recruiting a promoter")
    if terms.level_basis != "sales":
        raise _refuse(1, "a promoter level rises with sales only, never with recruits")
    if terms.levels_paid > max_levels:
        raise _refuse(3, f"commission reaches at most {max_levels} levels, not {terms.levels_paid}")
    if terms.levels_paid < 1:
        raise InvalidInput("commission reaches at least the promoter's own level: levels_paid is 1 or 2")
    second = terms.levels_paid == 2 or terms.second_level_opt_in or terms.second_level_percent > 0
    if second and not (terms.levels_paid == 2 and terms.second_level_opt_in and terms.acknowledged_warning):
        raise _refuse(3, "a second level needs levels_paid 2, second_level_opt_in and acknowledged_warning")
    if not 1 <= terms.attribution_days <= max_attribution_days:
        raise InvalidInput(f"attribution lasts 1 to {max_attribution_days} days on this platform, "
                           f"not {terms.attribution_days}")
    for rule in terms.rules:
        if (rule.percent is None) == (rule.fixed_minor is None):
            raise InvalidInput("a commission rule is a percentage or a fixed amount per unit, not both or neither")
        if rule.percent is not None and not 0 <= rule.percent <= 100:
            raise InvalidInput("a commission percentage is 0 to 100")
        if rule.fixed_minor is not None and rule.fixed_minor < 0:
            raise InvalidInput("a fixed commission is not negative")
        if (rule.scope == "store") != (rule.target_id is None):
            raise InvalidInput("a store rule names no target; a product or category rule names one")
    if second and not 0 < terms.second_level_percent < min(_percents(terms.rules), default=Decimal(100)):
        raise InvalidInput("the second level's percentage is above 0 and below every first-level percentage")
    sales = [level.min_sales_minor for level in terms.levels]
    if sales != sorted(set(sales)) or any(s < 0 for s in sales):
        raise InvalidInput("levels rise with sales: distinct thresholds, 0 or more, in increasing order")
    if any(not 0 <= level.bonus_percent <= 100 for level in terms.levels):
        raise InvalidInput("a level's bonus percentage is 0 to 100")


def _percents(rules: Sequence[CommissionRule]) -> list[Decimal]:
    return [r.percent for r in rules if r.percent is not None]


# --- commission on a paid order -----------------------------------------------------------------------

@dataclass(frozen=True)
class PaidLine:
    """An order line as paid: `paid_minor` after every discount; `promotions`: the refs that discounted it."""

    line_id: int
    product_id: int
    category_id: int | None
    quantity: int
    paid_minor: int
    promotions: tuple[str, ...] = ()


def rule_for(line: PaidLine, rules: Sequence[CommissionRule]) -> CommissionRule | None:
    """The most specific rule: the product's, else its category's, else the store's."""
    for scope, target in (("product", line.product_id), ("category", line.category_id), ("store", None)):
        for rule in rules:
            if rule.scope == scope and rule.target_id == target and (scope == "store" or target is not None):
                return rule
    return None


def excluded(line: PaidLine, excluded_promotions: Sequence[str]) -> bool:
    """A line priced by a campaign that switched profit-sharing off (RULES.md §3.3's 0-yuan case) earns nothing.
    An entry names one promotion ("campaign-entry:3") or every one of a kind ("campaign-entry")."""
    return any(ref == x or ref.split(":", 1)[0] == x for ref in line.promotions for x in excluded_promotions)


def line_commission(line: PaidLine, rule: CommissionRule | None, bonus_percent: Decimal = Decimal(0)) -> int:
    """Never more than the line paid: a percentage (plus the level's bonus) half-up, or fixed per unit, capped."""
    if rule is None or line.paid_minor <= 0:
        return 0
    if rule.percent is not None:
        amount = round_half_up(Decimal(line.paid_minor) * (rule.percent + bonus_percent) / 100)
    else:
        amount = (rule.fixed_minor or 0) * line.quantity
    return max(0, min(amount, line.paid_minor))


def commissions(lines: Sequence[PaidLine], terms: ProgramTerms, bonus_percent: Decimal = Decimal(0)) -> dict[int, int]:
    """The first level's commission per line id."""
    return {line.line_id: 0 if excluded(line, terms.excluded_promotions)
            else line_commission(line, rule_for(line, terms.rules), bonus_percent) for line in lines}


def second_level(lines: Sequence[PaidLine], first: dict[int, int], terms: ProgramTerms) -> dict[int, int]:
    """The recruiter's (smaller) commission per line, when the program opted in: a percentage of the same real sale,
    only on lines that earned the first level something, and never taking the two above what the line paid."""
    if not (terms.levels_paid == 2 and terms.second_level_opt_in and terms.acknowledged_warning):
        return {line.line_id: 0 for line in lines}
    out = {}
    for line in lines:
        amount = round_half_up(Decimal(line.paid_minor) * terms.second_level_percent / 100) if first[line.line_id] else 0
        out[line.line_id] = max(0, min(amount, line.paid_minor - first[line.line_id]))
    return out


def level_for(released_sales_minor: int, levels: Sequence[Level]) -> int:
    """0: no level reached; n: the n-th level (1-based), the highest whose threshold the released sales meet."""
    return sum(1 for level in levels if released_sales_minor >= level.min_sales_minor)


def bonus_of(level: int, levels: Sequence[Level]) -> Decimal:
    return levels[level - 1].bonus_percent if 1 <= level <= len(levels) else Decimal(0)


# --- attribution, release, claw-back --------------------------------------------------------------------

def attributed(touched_at: datetime | None, paid_at: datetime, attribution_days: int) -> bool:
    """Last touch wins when it is no older than the store's attribution window."""
    return touched_at is not None and paid_at - timedelta(days=attribution_days) <= touched_at <= paid_at


def release_at(completed_at: datetime, case_window_closes: datetime | None) -> datetime:
    """Commission is released when no after-sales case can open any more: the rulebook's case window, counted from
    shipment (aftersales.cases.rules.case_window), and never before the order completed."""
    return completed_at if case_window_closes is None else max(completed_at, case_window_closes)


def clawback_targets(amounts: Sequence[int], refunded_minor: int, paid_minor: int) -> list[int]:
    """How much of each commission is clawed back in all once `refunded_minor` of `paid_minor` went back: in
    proportion, the total rounded half-up and split by largest remainder; a full refund claws back everything."""
    if paid_minor <= 0 or refunded_minor >= paid_minor:
        return list(amounts)
    total = round_half_up(Decimal(sum(amounts)) * max(refunded_minor, 0) / paid_minor)
    if total == 0 or not any(amounts):
        return [0 for _ in amounts]
    return [min(part, amount) for part, amount in zip(largest_remainder_allocate(total, list(amounts)), amounts)]


def check_payout(amount_minor: int, balance_minor: int) -> None:
    if amount_minor <= 0:
        raise InvalidInput("a payout is a positive amount")
    if amount_minor > balance_minor:
        raise PayoutExceedsBalance(f"the payout {amount_minor} is more than the released balance {balance_minor}",
                                   balance_minor=balance_minor)


def at_percent(terms: ProgramTerms, percent: Decimal) -> ProgramTerms:
    """The program's terms with one store-wide percentage in place of its rules: what a live session or content task
    agreed with its influencer (RULES.md §4.3). Campaigns the program excludes still earn nothing."""
    return replace(terms, rules=(CommissionRule("store", None, percent, None),))
