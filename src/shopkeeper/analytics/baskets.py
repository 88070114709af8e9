"""Frequently bought together (RULES.md §9.5: association-rule analysis), and the bundles it suggests.

§9.5 names association rules as the first mining model and "ranking and personalized recommendation" as an
application, but gives no measure, threshold or algorithm. This module decides, from the SKU sets of paid orders,
which pairs (and triples) of SKUs go together, how strongly, and which pairs are worth a 搭配/套餐 bundle
promotion (RULES.md §3.6), written exactly as `POST /promotions` takes it (`promotions.schemas.PromotionIn`).

The measures, exact `Fraction`s over N orders:
- support(X) = orders holding every SKU of X / N;
- confidence(A → C) = orders holding A and C / orders holding A;
- lift(A → C) = confidence(A → C) / support(C): above 1, buying A makes C likelier than it is on its own.

Readings where RULES.md is silent (decision lines in the report):
- A basket is one paid order's set of SKUs: a SKU counts once per order whatever its quantity; unpaid, cancelled or
  fully refunded orders are the caller's to leave out. Every basket given counts in N, a one-SKU order too.
- An itemset is frequent when at least `min_orders` orders hold it (default 3) AND its support is at least
  `min_support` (default 1/100): both, so neither a tiny shop nor a big one is fooled by a handful of orders.
- A rule is kept when its confidence is at least `min_confidence` (default 1/5) and its lift is strictly above
  `min_lift` (default 1: independence is no association).
- Pairs give both directions (A → B and B → A: one lift, two confidences). Triples (`max_size=3`, off by default)
  are counted only when all three of their pairs are frequent (Apriori), and give the rules {A, B} → C.
- Ranking: lift, then confidence, then orders, highest first; then fewer SKUs first; then the SKU ids ascending.
- A bundle is suggested for the strongest pairs (each pair once, ranked by its best rule), one unit of each,
  priced at the sum of their prices less `discount` (default 1/10), rounded half-up to the minor unit. A pair with
  a SKU that has no price is passed over, and so is one whose discount rounds to nothing (the engine sells a
  bundle only at a saving).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from typing import Any

from shopkeeper.errors import InvalidInput
from shopkeeper.money import Money, round_half_up

SUGGESTION_TAG = "basket_mining"  # on every suggested promotion, so staff can find what mining proposed


@dataclass(frozen=True)
class Thresholds:
    """What makes an itemset frequent and a rule worth keeping (defaults: the module docstring)."""

    min_orders: int = 3
    min_support: Fraction = Fraction(1, 100)
    min_confidence: Fraction = Fraction(1, 5)
    min_lift: Fraction = Fraction(1)
    max_size: int = 2

    def __post_init__(self) -> None:
        if isinstance(self.min_orders, bool) or not isinstance(self.min_orders, int) or self.min_orders < 1:
            raise InvalidInput("min_orders must be at least 1")
        for name in ("min_support", "min_confidence"):
            if not 0 <= getattr(self, name) <= 1:
                raise InvalidInput(f"{name} must be between 0 and 1")
        if self.min_lift < 0:
            raise InvalidInput("min_lift cannot be negative")
        if self.max_size not in (2, 3):
            raise InvalidInput("rules run over pairs (max_size 2) or triples (max_size 3)")


@dataclass(frozen=True)
class Rule:
    """Orders holding `antecedent` also hold `consequent` (RULES.md §9.5: an association rule)."""

    antecedent: tuple[int, ...]  # ascending
    consequent: int
    orders: int  # orders holding every SKU of the rule
    antecedent_orders: int
    consequent_orders: int
    baskets: int  # N, every order looked at
    support: Fraction
    confidence: Fraction
    lift: Fraction

    @property
    def items(self) -> tuple[int, ...]:
        """Every SKU of the rule, ascending: the itemset it was drawn from."""
        return tuple(sorted((*self.antecedent, self.consequent)))


def _rule(antecedent: tuple[int, ...], consequent: int, counts: Mapping[tuple[int, ...], int], n: int) -> Rule:
    together = counts[tuple(sorted((*antecedent, consequent)))]
    before, after = counts[antecedent], counts[(consequent,)]
    confidence = Fraction(together, before)
    return Rule(antecedent, consequent, together, before, after, n, Fraction(together, n), confidence,
                confidence / Fraction(after, n))


def rank_key(rule: Rule) -> tuple[Fraction, Fraction, int, int, tuple[int, ...], int]:
    """Strongest first: lift, confidence, orders (each descending), fewer SKUs, then SKU ids (module docstring)."""
    return (-rule.lift, -rule.confidence, -rule.orders, len(rule.antecedent), rule.antecedent, rule.consequent)


def association_rules(baskets: Iterable[Collection[int]], thresholds: Thresholds = Thresholds()) -> list[Rule]:
    """The rules of the frequent pairs (and triples, with `max_size=3`) among these paid orders' SKU sets, ranked."""
    sets = [frozenset(basket) for basket in baskets]
    n = len(sets)
    if n == 0:
        return []

    def frequent(count: int) -> bool:
        return count >= thresholds.min_orders and Fraction(count, n) >= thresholds.min_support

    counts: Counter[tuple[int, ...]] = Counter((sku,) for basket in sets for sku in basket)
    singles = {sku for (sku,), count in counts.items() if frequent(count)}  # a pair is never more frequent than its SKUs
    for basket in sets:
        counts.update(combinations(sorted(basket & singles), 2))
    pairs = {pair for pair, count in counts.items() if len(pair) == 2 and frequent(count)}
    if thresholds.max_size == 3:
        for basket in sets:
            counts.update(t for t in combinations(sorted(basket & singles), 3)
                          if all(p in pairs for p in combinations(t, 2)))
    rules: list[Rule] = []
    for itemset, count in counts.items():
        if len(itemset) < 2 or not frequent(count):
            continue
        for consequent in itemset:
            rule = _rule(tuple(s for s in itemset if s != consequent), consequent, counts, n)
            if rule.confidence >= thresholds.min_confidence and rule.lift > thresholds.min_lift:
                rules.append(rule)
    return sorted(rules, key=rank_key)


def bundle_suggestions(rules: Iterable[Rule], prices: Mapping[int, Money], store_id: int, starts_at: datetime,
                       ends_at: datetime, discount: Fraction = Fraction(1, 10), limit: int = 5) -> list[dict[str, Any]]:
    """Bundle promotions for the strongest pairs, each the JSON body `POST /promotions` takes as it is.

    `prices`: each SKU's regular unit price, all in the store's currency. Amounts go out in major units as text
    ("17.10"), times as ISO 8601 with their offset, SKU ids as the object keys JSON allows (text).
    """
    if not 0 < discount < 1:
        raise InvalidInput("the bundle discount must be more than 0 and less than 1")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidInput("limit must be at least 1")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise InvalidInput("a bundle's start and end must carry a time zone")
    if ends_at <= starts_at:
        raise InvalidInput("a bundle must end after it starts")
    if len({price.currency for price in prices.values()}) > 1:
        raise InvalidInput("bundle prices must all be in one currency")
    if any(price.minor < 0 for price in prices.values()):
        raise InvalidInput("a price cannot be negative")
    suggestions: list[dict[str, Any]] = []
    seen: set[tuple[int, ...]] = set()
    for rule in sorted(rules, key=rank_key):
        pair = rule.items
        if len(pair) != 2 or pair in seen or any(sku not in prices for sku in pair):
            continue
        seen.add(pair)
        regular = prices[pair[0]] + prices[pair[1]]
        off = round_half_up(Decimal(regular.minor) * Decimal(discount.numerator) / Decimal(discount.denominator))
        if off <= 0:
            continue  # the engine sells a bundle only at a saving (engine/benefits/bundle.py: no_saving)
        price = regular - Money(off, regular.currency)
        suggestions.append(_spec(pair, price, store_id, starts_at, ends_at))
        if len(suggestions) == limit:
            break
    return suggestions


def _spec(pair: tuple[int, ...], price: Money, store_id: int, starts_at: datetime, ends_at: datetime) -> dict[str, Any]:
    """`promotions.schemas.PromotionIn` with a `BundleIn` benefit: one unit of each SKU at `price` per set."""
    return {
        "store_id": store_id,
        "currency": price.currency,
        "name": "套餐价 " + " + ".join(f"SKU {sku}" for sku in pair),  # 搭配/套餐 (RULES.md §3.6)
        "kind": "bundle",
        "benefit": {"type": "bundle", "items": {str(sku): 1 for sku in pair}, "price": str(price.amount)},
        "tags": [SUGGESTION_TAG],
        "starts_at": starts_at.isoformat(),
        "ends_at": ends_at.isoformat(),
    }
