"""Pool buying (拼单): pure rules over plain facts. No database, no clock: `now` is an argument.

A pool offer names its basket's threshold (an amount of goods at the SKUs' own prices, or a count of items), the
discount the basket unlocks (拼单折扣, RULES.md §3.6 row 9) and the hours a pool has to reach it. The sources give no
numbers for 拼单 (§4.1 "Not in text"); as another form of group purchase (§4.1), a pool keeps the time window the
store's rulebook sets for group buys (`Rulebook.group_buy`).

How the money stays exact: every member pays their own order at the unlocked price from the start, held for the
pool; the price never changes afterwards. Reached, the orders ship as paid; short at expiry, each is refunded in
full. No difference is ever refunded, so no partial refund has to be allocated.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from shopkeeper.errors import Conflict, InvalidInput
from shopkeeper.promotions.engine.benefits import Reduction, Tier
from shopkeeper.promotions.engine.terms import Promotion, Scope
from shopkeeper.rulebooks import GroupBuyRules
from shopkeeper.social.pools.moves import PoolStatus

KIND = "pool"
TAGS = frozenset({"pool"})
Basis = Literal["amount", "quantity"]


class PoolNotJoinable(Conflict):
    code = "pool-not-joinable"
    title = "The pool takes no more orders"


class AlreadyInPool(Conflict):
    code = "already-in-pool"
    title = "The buyer has an order in this pool already"


class PoolPriceNotApplied(Conflict):
    code = "pool-price-not-applied"
    title = "The pool's price does not apply to this order"


class NotInPoolOffer(InvalidInput):
    code = "not-in-pool-offer"
    title = "An item is not part of the pool offer"


@dataclass(frozen=True)
class OfferTerms:
    """What a store offers as a pool: its choices, checked against its rulebook by `check_offer`."""

    basis: Basis
    threshold: int  # minor units of goods at the SKUs' own prices, or items
    percent_off: Decimal  # 拼单折扣: "10" is 10% off every line of the pool's orders
    time_limit_hours: int
    sku_ids: frozenset[int]  # the SKUs a basket may hold; empty: every SKU of the store


def check_offer(terms: OfferTerms, book: GroupBuyRules) -> None:
    """Refuse an offer the rulebook or plain sense does not allow, saying which field."""
    if not book.min_hours <= terms.time_limit_hours <= book.max_hours:
        raise InvalidInput(f"a pool has {book.min_hours} to {book.max_hours} hours to fill on this platform, "
                           f"not {terms.time_limit_hours}")
    if terms.threshold < 1:
        raise InvalidInput("a pool's threshold is at least 1")
    if not Decimal(0) < terms.percent_off < Decimal(100) or terms.percent_off != terms.percent_off.quantize(Decimal("0.01")):
        raise InvalidInput("a pool's discount is more than 0% and less than 100%, in hundredths of a percent at most")


def price_promotion(offer_id: int, name: str, store_id: int, sku_ids: Collection[int], percent_off: Decimal) -> Promotion:
    """The offer as the pricing engine sees it, for a pool checkout only: a fraction off its lines (拼单折扣).

    Stacking as a group price does (`groupbuys.rules.price_promotion`): it goes with store coupons and platform
    vouchers and with no other promotion on its lines (`coupons_only`); the store funds it."""
    scope = Scope("sku", store_id, frozenset(sku_ids)) if sku_ids else Scope("store", store_id)
    return Promotion(id=offer_id, name=name, benefit=Reduction(tiers=(Tier(0, percent_off=percent_off / 100),)),
                     scope=scope, kind=KIND, funder="store", stacking="coupons_only", tags=TAGS)


def check_lines(sku_ids: Collection[int], offered: Collection[int]) -> None:
    """Every item of a pool order is one the offer covers: the basket is the offer's."""
    outside = sorted(set(sku_ids) - set(offered)) if offered else []
    if outside:
        raise NotInPoolOffer(f"SKU {outside[0]} is not part of this pool offer")


def expires_at(opened_at: datetime, time_limit_hours: int) -> datetime:
    return opened_at + timedelta(hours=time_limit_hours)


@dataclass(frozen=True)
class PoolFacts:
    status: str
    basis: str
    threshold: int
    paid_amount: int  # the paid basket's goods at the SKUs' own prices, minor units
    paid_units: int
    expires_at: datetime | None

    @property
    def achieved(self) -> int:
        return self.paid_amount if self.basis == "amount" else self.paid_units


def reached(pool: PoolFacts) -> bool:
    return pool.achieved >= pool.threshold


def check_joinable(pool: PoolFacts, now: datetime) -> None:
    """Open and time left. Only a hint at checkout: the basket takes the order at its payment."""
    if pool.status != PoolStatus.OPEN:
        raise PoolNotJoinable(f"the pool is {pool.status}; it takes no more orders")
    if pool.expires_at is not None and now >= pool.expires_at:
        raise PoolNotJoinable("the pool's time is up")


@dataclass(frozen=True)
class Progress:
    """A pool's basket against its threshold, as the share page and the board show it."""

    basis: str
    threshold: int
    achieved: int
    missing: int
    expires_at: datetime | None
    seconds_left: int | None


def progress(pool: PoolFacts, now: datetime) -> Progress:
    missing = max(pool.threshold - pool.achieved, 0) if pool.status in (PoolStatus.PENDING, PoolStatus.OPEN) else 0
    seconds = None
    if pool.status == PoolStatus.OPEN and pool.expires_at is not None:
        seconds = max(int((pool.expires_at - now).total_seconds()), 0)
    return Progress(pool.basis, pool.threshold, pool.achieved, missing, pool.expires_at, seconds)
