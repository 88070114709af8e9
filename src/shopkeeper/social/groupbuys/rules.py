"""Group buying (拼团): pure rules over plain facts. No database, no clock: `now` is an argument.

The numbers a platform sets (group sizes, time limits, how many seats 模拟成团 may fill) come from the store's
rulebook (`Rulebook.group_buy`); the merchant's choices (size, price, time limit, per-buyer limit, the opener's
price, new customers only) are the offer's fields; whether the system may fill a group is the store's setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from shopkeeper.errors import Conflict, InvalidInput
from shopkeeper.promotions.engine.benefits import UnitPrice
from shopkeeper.promotions.engine.terms import Audience, Promotion, Scope
from shopkeeper.rulebooks import GroupBuyRules
from shopkeeper.social.groupbuys.moves import GroupStatus

KIND = "group_buy"
TAGS = frozenset({"group_buy"})


class GroupNotJoinable(Conflict):
    code = "group-not-joinable"
    title = "The group buy takes no more members"


class AlreadyInGroup(Conflict):
    code = "already-in-group"
    title = "The buyer is in this group already"


class GroupBuyLimitReached(Conflict):
    code = "group-buy-limit-reached"
    title = "The buyer has bought as many as this group offer allows"


class GroupPriceNotApplied(Conflict):
    code = "group-price-not-applied"
    title = "The group price does not apply to this buyer"


@dataclass(frozen=True)
class OfferTerms:
    """What a store offers in groups: its choices, checked against its rulebook by `check_offer`."""

    list_price: int  # the SKU's own price, minor units
    group_size: int
    group_price: int
    leader_price: int | None  # the opener's (团长) price; None: the opener pays the group price
    time_limit_hours: int
    per_buyer_limit: int  # units one buyer may buy at the offer's prices, across its groups
    new_customers_only: bool  # only buyers who never paid an order in the store may open or join


def check_offer(terms: OfferTerms, book: GroupBuyRules) -> None:
    """Refuse an offer the rulebook or plain sense does not allow, saying which field."""
    if not book.min_group_size <= terms.group_size <= book.max_group_size:
        raise InvalidInput(f"a group has {book.min_group_size} to {book.max_group_size} members on this platform, "
                           f"not {terms.group_size}")
    if not book.min_hours <= terms.time_limit_hours <= book.max_hours:
        raise InvalidInput(f"a group has {book.min_hours} to {book.max_hours} hours to fill on this platform, "
                           f"not {terms.time_limit_hours}")
    if not 0 <= terms.group_price < terms.list_price:
        raise InvalidInput("the group price must be below the SKU's own price")
    if terms.leader_price is not None and not 0 <= terms.leader_price <= terms.group_price:
        raise InvalidInput("the opener's price must not be above the group price")
    if terms.per_buyer_limit < 1:
        raise InvalidInput("the per-buyer limit is at least 1")


def check_auto_fill(seats: int, book: GroupBuyRules) -> None:
    """模拟成团: a store chooses how many missing seats the system may fill, within its rulebook's bound."""
    if not 1 <= seats <= book.max_auto_fill_seats:
        raise InvalidInput(f"the system may fill 1 to {book.max_auto_fill_seats} seats on this platform, not {seats}")


def price_promotion(offer_id: int, name: str, store_id: int, sku_id: int, price: int, new_customers_only: bool) -> Promotion:
    """The offer as the pricing engine sees it, for a group checkout only: a unit price on its SKU (拼团价).

    Stacking as the platforms do: the group price goes with store coupons and platform vouchers, and with no other
    price or reduction on its line (`coupons_only`); it is the store's discount. New customers are counted in the
    store (店铺新客), as the engine does for a store's promotion."""
    return Promotion(
        id=offer_id, name=name, benefit=UnitPrice(price=price), scope=Scope("sku", store_id, frozenset({sku_id})),
        audience=Audience(customer="new" if new_customers_only else "any"), kind=KIND, funder="store",
        stacking="coupons_only", tags=TAGS,
    )


def expires_at(opened_at: datetime, time_limit_hours: int) -> datetime:
    return opened_at + timedelta(hours=time_limit_hours)


@dataclass(frozen=True)
class GroupFacts:
    status: str
    size: int
    paid_members: int
    expires_at: datetime | None


def check_joinable(group: GroupFacts, now: datetime) -> None:
    """Open, not full, and time left. Only a hint at checkout: the seat itself is taken at payment (`seat_taken`)."""
    if group.status != GroupStatus.OPEN:
        raise GroupNotJoinable(f"the group buy is {group.status}; it takes no more members")
    if group.expires_at is not None and now >= group.expires_at:
        raise GroupNotJoinable("the group buy's time is up")
    if group.paid_members >= group.size:
        raise GroupNotJoinable("the group buy is full")


def check_units(quantity: int, bought: int, limit: int) -> None:
    """`bought`: units of the offer this buyer holds already in orders not closed (paid or awaiting payment)."""
    if bought + quantity > limit:
        raise GroupBuyLimitReached(f"a buyer may buy {limit} at this group price; {bought} bought or ordered already")


def price_refusal(applied: bool, reason: str | None) -> None:
    """A group order is priced at the group price or not placed: say why the engine did not apply it."""
    if applied:
        return
    if reason == "new_customers_only":
        raise GroupPriceNotApplied("this group buy is for new customers of the store only")
    raise GroupPriceNotApplied(f"the group price does not apply to this order ({reason or 'not applied'})")


Outcome = Literal["complete", "auto_fill", "fail"]


def at_expiry(group: GroupFacts, auto_fill: bool, auto_fill_seats: int) -> Outcome:
    """Time is up: a full group completes; 模拟成团 fills a group missing at most `auto_fill_seats` members (with at
    least one paid member: the system never makes a group of nobody); any other group fails."""
    missing = group.size - group.paid_members
    if missing <= 0:
        return "complete"
    if auto_fill and group.paid_members >= 1 and missing <= auto_fill_seats:
        return "auto_fill"
    return "fail"


@dataclass(frozen=True)
class Progress:
    """A group's fill, as the buyer's share page and the store's list show it."""

    size: int
    paid_members: int
    seats_left: int
    expires_at: datetime | None
    seconds_left: int | None


def progress(group: GroupFacts, now: datetime) -> Progress:
    left = max(group.size - group.paid_members, 0) if group.status == GroupStatus.OPEN else 0
    seconds = None
    if group.status == GroupStatus.OPEN and group.expires_at is not None:
        seconds = max(int((group.expires_at - now).total_seconds()), 0)
    return Progress(group.size, group.paid_members, left, group.expires_at, seconds)
