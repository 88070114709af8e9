"""RFM: recency, frequency and monetary value per buyer, scored 1–5 against the store's own buyers.

RULES.md §9.4 names customer segmentation (客户分层) as a step of the CRM loop and §9.5 purchase frequency
(purchase × time) as an extracted fact; the sources give no scoring, so this is the classic RFM model, made exact.

Readings (decision lines, Analytics and CRM):
- the values come from paid orders whose payment is at or before `as_of`; an order paid later does not exist yet;
- recency is the whole days (floored) from the last payment to `as_of`; frequency the count of paid orders;
  monetary their sum in minor units, in one currency (a mixed population is refused: convert first);
- a score is the quintile of the buyer's mid-rank in the population: with `below` buyers strictly worse and `tied`
  buyers equal (the buyer included) among `n`, score = ceil(5 × (below + tied / 2) / n). Ties always share a score,
  a population of one value scores 3, five distinct values score 1..5, ten score 1,1,2,2,…,5,5; integer maths only;
- a more recent, more frequent or bigger-spending buyer never scores lower than one with less;
- the segment names are the classic R × F grid (M does not pick a segment; it ranks within one):
  R 1–2 × F 1–2 hibernating, R 1–2 × F 3–4 at risk, R 1–2 × F 5 can't lose them, R 3 × F 1–2 about to sleep,
  R 3 × F 3 need attention, R 3–4 × F 4–5 loyal, R 4 × F 1 promising, R 5 × F 1 new customers,
  R 4–5 × F 2–3 potential loyalists, R 5 × F 4–5 champions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from shopkeeper.errors import InvalidInput
from shopkeeper.money import Money


@dataclass(frozen=True)
class PaidOrder:
    buyer: str
    paid_at: datetime
    amount: Money


@dataclass(frozen=True)
class RfmValues:
    recency_days: int
    frequency: int
    monetary: Money


@dataclass(frozen=True)
class RfmScore:
    buyer: str
    values: RfmValues
    r: int
    f: int
    m: int
    segment: str

    @property
    def code(self) -> str:
        """The usual three-digit cell, e.g. "545"."""
        return f"{self.r}{self.f}{self.m}"


SEGMENT_NAMES: dict[str, dict[str, str]] = {
    "champions": {"en": "Champions", "zh": "冠军客户"},
    "loyal": {"en": "Loyal customers", "zh": "忠诚客户"},
    "potential_loyalists": {"en": "Potential loyalists", "zh": "潜在忠诚客户"},
    "new_customers": {"en": "New customers", "zh": "新客户"},
    "promising": {"en": "Promising", "zh": "有潜力客户"},
    "need_attention": {"en": "Need attention", "zh": "需要关注客户"},
    "about_to_sleep": {"en": "About to sleep", "zh": "即将沉睡客户"},
    "at_risk": {"en": "At risk", "zh": "有流失风险客户"},
    "cant_lose": {"en": "Can't lose them", "zh": "不能流失的客户"},
    "hibernating": {"en": "Hibernating", "zh": "沉睡客户"},
}


def segment_of(r: int, f: int) -> str:
    """The classic R × F grid: every one of the 25 cells has exactly one name."""
    if not (1 <= r <= 5 and 1 <= f <= 5):
        raise InvalidInput("RFM scores run from 1 to 5", field="score")
    if r <= 2:
        return "hibernating" if f <= 2 else "at_risk" if f <= 4 else "cant_lose"
    if r == 3:
        return "about_to_sleep" if f <= 2 else "need_attention" if f == 3 else "loyal"
    if f == 1:
        return "promising" if r == 4 else "new_customers"
    if f <= 3:
        return "potential_loyalists"
    return "loyal" if r == 4 else "champions"


def rfm_values(orders: Iterable[PaidOrder], as_of: datetime) -> dict[str, RfmValues]:
    """Each buyer's R, F and M from the orders paid up to and including `as_of`."""
    if as_of.tzinfo is None:
        raise InvalidInput("as_of must carry its time zone", field="as_of")
    last: dict[str, datetime] = {}
    count: dict[str, int] = {}
    spent: dict[str, int] = {}
    currency: str | None = None
    for order in orders:
        if order.paid_at > as_of:
            continue
        if currency is not None and order.amount.currency != currency:
            raise InvalidInput(f"orders in {currency} and {order.amount.currency} cannot be scored together",
                               field="currency")
        currency = order.amount.currency
        last[order.buyer] = max(last.get(order.buyer, order.paid_at), order.paid_at)
        count[order.buyer] = count.get(order.buyer, 0) + 1
        spent[order.buyer] = spent.get(order.buyer, 0) + order.amount.minor
    if currency is None:
        return {}
    return {buyer: RfmValues((as_of - last[buyer]).days, count[buyer], Money(spent[buyer], currency))
            for buyer in sorted(last)}


def quintile_scores(values: Mapping[str, int]) -> dict[str, int]:
    """1–5 by the quintile of each one's mid-rank, higher value scoring higher; ties share a score."""
    n = len(values)
    ordered: Sequence[int] = sorted(values.values())
    below_of: dict[int, int] = {}
    tied_of: dict[int, int] = {}
    for position, value in enumerate(ordered):
        below_of.setdefault(value, position)
        tied_of[value] = tied_of.get(value, 0) + 1
    # ceil(5 × (below + tied/2) / n) == ceil(5 × (2·below + tied) / 2n), in integers
    return {key: -(-5 * (2 * below_of[v] + tied_of[v]) // (2 * n)) for key, v in values.items()}


def score(orders: Iterable[PaidOrder], as_of: datetime) -> list[RfmScore]:
    """Every buyer with a paid order up to `as_of`, scored against the others, ordered by buyer id."""
    values = rfm_values(orders, as_of)
    # fewer days since the last payment is better: rank on the negated recency
    r = quintile_scores({b: -v.recency_days for b, v in values.items()})
    f = quintile_scores({b: v.frequency for b, v in values.items()})
    m = quintile_scores({b: v.monetary.minor for b, v in values.items()})
    return [RfmScore(b, v, r[b], f[b], m[b], segment_of(r[b], f[b])) for b, v in values.items()]
