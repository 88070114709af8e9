"""Customer use cases: buyers, addresses, points, and the stores a buyer follows (the store club)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.customers import rules
from shopkeeper.customers.models import Address, Buyer, PointsEntry, StoreFollow
from shopkeeper.errors import InvalidInput, NotFound
from shopkeeper.members import MEMBER_LEVELS
from shopkeeper.scope import get_or_404, require_role


def create_buyer(session: Session, now: datetime, actor: Principal, name: str, email: str | None = None,
                 phone: str | None = None, member_level: str = "regular", birthday: date | None = None) -> Buyer:
    require_role(actor, Role.OPERATOR)
    if member_level not in MEMBER_LEVELS:
        raise InvalidInput(f"member level must be one of {', '.join(MEMBER_LEVELS)}")
    buyer = Buyer(name=name, email=email, phone=phone, member_level=member_level, birthday=birthday, created_at=now)
    session.add(buyer)
    session.flush()
    events.record(session, now, "buyer.created", f"buyer:{buyer.id}", None, level=member_level)
    return buyer


def get_buyer(session: Session, actor: Principal, buyer_id: int) -> Buyer:
    """Operators see every buyer; a buyer sees only themself."""
    if actor.role is Role.STAFF or (actor.role is Role.BUYER and actor.buyer_id != buyer_id):
        raise NotFound(f"buyer {buyer_id} does not exist")
    return get_or_404(session, Buyer, buyer_id, "buyer")


def add_address(session: Session, actor: Principal, buyer_id: int, recipient: str, country: str, region: str = "",
                city: str = "", line1: str = "", postcode: str = "", phone: str = "") -> Address:
    get_buyer(session, actor, buyer_id)
    if len(country) != 2 or not (country.isascii() and country.isalpha()):  # "中国" is two letters, not a code
        raise InvalidInput("country must be an ISO 3166 alpha-2 code such as CN or US")
    address = Address(buyer_id=buyer_id, recipient=recipient, country=country.upper(), region=region, city=city,
                      line1=line1, postcode=postcode, phone=phone)
    session.add(address)
    session.flush()
    return address


def list_addresses(session: Session, actor: Principal, buyer_id: int) -> list[Address]:
    get_buyer(session, actor, buyer_id)
    return list(session.scalars(select(Address).where(Address.buyer_id == buyer_id).order_by(Address.id)))


def buyer_address(session: Session, buyer_id: int, address_id: int) -> Address:
    address = session.get(Address, address_id)
    if address is None or address.buyer_id != buyer_id:
        raise NotFound(f"address {address_id} does not exist")
    return address


def record_points(session: Session, now: datetime, buyer_id: int, delta: int, reason: str, subject: str | None = None) -> PointsEntry:
    """Add (or, negative, spend) points; a balance never goes below zero."""
    # Lock the buyer so two concurrent spends cannot both pass the balance check.
    session.execute(select(Buyer.id).where(Buyer.id == buyer_id).with_for_update())
    if delta < 0 and points_balance(session, buyer_id) + delta < 0:
        raise InvalidInput("not enough points")
    entry = PointsEntry(buyer_id=buyer_id, at=now, delta=delta, reason=reason, subject=subject)
    session.add(entry)
    events.record(session, now, "points.recorded", f"buyer:{buyer_id}", None, delta=delta, reason=reason)
    return entry


def points_balance(session: Session, buyer_id: int) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(PointsEntry.delta), 0)).where(PointsEntry.buyer_id == buyer_id)) or 0)


# --- the store club: following a store (关注店铺, RULES.md §4.3) ---

@dataclass(frozen=True)
class Standing:
    """A buyer's standing with a store's club: following now or not, since when, and when they first followed."""

    store_id: int
    buyer_id: int
    following: bool
    since: datetime | None
    first_followed_at: datetime | None


def follow(session: Session, now: datetime, actor: Principal, store_id: int) -> Standing:
    """The buyer follows the store; following it again changes nothing. One buyer's follows queue on their row, and
    the open spell's unique key holds whatever else races."""
    return _move(session, now, actor, store_id, wants=True)


def unfollow(session: Session, now: datetime, actor: Principal, store_id: int) -> Standing:
    """The buyer leaves the store's club; leaving a club they are not in changes nothing. The spell stays, closed."""
    return _move(session, now, actor, store_id, wants=False)


def _move(session: Session, now: datetime, actor: Principal, store_id: int, wants: bool) -> Standing:
    require_role(actor, Role.BUYER)
    assert actor.buyer_id is not None
    catalog.get_store(session, actor, store_id)
    lock_buyer(session, actor.buyer_id)
    spell = _open_spell(session, actor.buyer_id, store_id)
    change = rules.follow_change(spell is not None, wants)
    if change == "open":
        spell = StoreFollow(store_id=store_id, buyer_id=actor.buyer_id, followed_at=now,
                            open_for=f"{actor.buyer_id}:{store_id}")
        session.add(spell)
        session.flush()
        events.record(session, now, "store.followed", f"buyer:{actor.buyer_id}", store_id, buyer_id=actor.buyer_id)
    elif change == "close":
        assert spell is not None
        spell.unfollowed_at, spell.open_for = now, None
        session.flush()
        events.record(session, now, "store.unfollowed", f"buyer:{actor.buyer_id}", store_id, buyer_id=actor.buyer_id)
    return standing(session, actor, store_id)


def _open_spell(session: Session, buyer_id: int, store_id: int) -> StoreFollow | None:
    return session.scalar(select(StoreFollow).where(StoreFollow.open_for == f"{buyer_id}:{store_id}"))


def standing(session: Session, actor: Principal, store_id: int) -> Standing:
    """The calling buyer's standing with a store's club."""
    require_role(actor, Role.BUYER)
    assert actor.buyer_id is not None
    catalog.get_store(session, actor, store_id)
    spell = _open_spell(session, actor.buyer_id, store_id)
    first = session.scalar(select(func.min(StoreFollow.followed_at)).where(
        StoreFollow.buyer_id == actor.buyer_id, StoreFollow.store_id == store_id))
    return Standing(store_id, actor.buyer_id, spell is not None, spell.followed_at if spell else None, first)


def followed_stores(session: Session, actor: Principal) -> list[StoreFollow]:
    """The stores the calling buyer follows now, latest follow first."""
    require_role(actor, Role.BUYER)
    return list(session.scalars(select(StoreFollow).where(
        StoreFollow.buyer_id == actor.buyer_id, StoreFollow.open_for.is_not(None))
        .order_by(StoreFollow.followed_at.desc(), StoreFollow.id.desc())))


def fan_of(session: Session, buyer_id: int, store_ids: Sequence[int]) -> frozenset[int]:
    """Which of these stores the buyer follows now, in one statement: fan-only prices and coupons read it."""
    if not store_ids:
        return frozenset()
    keys = [f"{buyer_id}:{store_id}" for store_id in store_ids]
    return frozenset(session.scalars(select(StoreFollow.store_id).where(StoreFollow.open_for.in_(keys))))


def is_fan(session: Session, buyer_id: int, store_id: int) -> bool:
    """Whether the buyer follows the store now (关注送券 asks before it grants)."""
    return store_id in fan_of(session, buyer_id, [store_id])


# --- reads for orders and promotions ---

@dataclass(frozen=True)
class PricingFacts:
    """What the customers domain knows of a buyer that prices may depend on: member level (会员价), birthday
    (生日特惠) and points balance (积分抵现). Whether the buyer is new to a store (新客) is counted by orders."""

    member_level: str
    birthday: date | None
    points_balance: int

    def born_in(self, month: int) -> bool:
        return self.birthday is not None and self.birthday.month == month


def pricing_facts(session: Session, buyer_id: int) -> PricingFacts:
    """The buyer's facts for pricing, in two statements (the buyer row, unless already loaded, and the points sum)."""
    buyer = session.get(Buyer, buyer_id)
    if buyer is None:
        raise NotFound(f"buyer {buyer_id} does not exist")
    return PricingFacts(buyer.member_level, buyer.birthday, points_balance(session, buyer_id))


def lock_buyer(session: Session, buyer_id: int) -> None:
    """Hold the buyer's row until commit: one checkout at a time per buyer, so per-buyer limits are counted, then
    taken, without a race."""
    session.execute(select(Buyer.id).where(Buyer.id == buyer_id).with_for_update())


def delivery_address(session: Session, buyer_id: int, address_id: int | None) -> Address | None:
    """Where a cart is priced to ship: the buyer's address named, or else their first; None when they have none."""
    query = select(Address).where(Address.buyer_id == buyer_id)
    if address_id is not None:
        address = session.scalar(query.where(Address.id == address_id))
        if address is None:
            raise NotFound(f"address {address_id} does not exist")
        return address
    return session.scalar(query.order_by(Address.id).limit(1))


# --- reads for after-sales ---

def member_level(session: Session, buyer_id: int) -> str | None:
    """A buyer's member level, None when there is no such buyer: a VIP may escalate a case sooner (RULES.md §7.1.2)."""
    buyer = session.get(Buyer, buyer_id)
    return buyer.member_level if buyer is not None else None
