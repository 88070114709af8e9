"""Group buying (拼团) use cases: offers, a store's settings, opening and joining through checkout, reading groups.

When a seat is taken: at payment, never at checkout. A buyer may place an order in a group that is open, not full
and not out of time; that checks nothing for sure, it only spares a hopeless order. The seat is taken when the
order's payment arrives, by one conditional UPDATE of the group (`seats.member_paid`); a payment that finds the
group full, closed or out of time has its order refunded in full at once through escrow. So an unpaid order
never keeps a paying buyer out, and nobody pays for a seat they do not get.

Payments, cancellations and the expiry timer move a group: `seats.py`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.db import matching, newest_first
from shopkeeper.errors import NotAllowedInState, NotFound
from shopkeeper.orders import checkout
from shopkeeper.orders.rules import LineRequest
from shopkeeper.promotions import quoting
from shopkeeper.scope import require_role, require_store_manager, scoped
from shopkeeper.social.groupbuys import moves, rules
from shopkeeper.social.groupbuys.models import GroupBuy, GroupBuyMember, GroupBuyOffer, GroupBuySettings
from shopkeeper.social.groupbuys.moves import GroupStatus

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

PLACED, SEATED = "placed", "seated"
HOLDING = (PLACED, SEATED)  # a member whose order is still in the group
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: a code read aloud or typed from a picture


def subject(group: GroupBuy) -> str:
    return f"group_buy:{group.id}"


def facts(group: GroupBuy) -> rules.GroupFacts:
    return rules.GroupFacts(group.status, group.size, group.paid_members, group.expires_at)


# --- offers (store staff) -----------------------------------------------------------------------

@dataclass(frozen=True)
class OfferSpec:
    store_id: int
    sku_id: int
    name: str
    group_size: int
    group_price_minor: int
    time_limit_hours: int
    per_buyer_limit: int
    leader_price_minor: int | None = None
    new_customers_only: bool = False


def create_offer(session: Session, now: datetime, actor: Principal, spec: OfferSpec) -> GroupBuyOffer:
    require_store_manager(actor, spec.store_id)
    store = catalog.get_store(session, actor, spec.store_id)
    sku = catalog.sellable_sku(session, spec.store_id, spec.sku_id)
    rules.check_offer(rules.OfferTerms(
        list_price=sku.price_minor, group_size=spec.group_size, group_price=spec.group_price_minor,
        leader_price=spec.leader_price_minor, time_limit_hours=spec.time_limit_hours,
        per_buyer_limit=spec.per_buyer_limit, new_customers_only=spec.new_customers_only,
    ), rulebooks.load(store.rulebook).group_buy)
    offer = GroupBuyOffer(store_id=spec.store_id, sku_id=spec.sku_id, name=spec.name, currency=store.currency,
                          group_size=spec.group_size, group_price_minor=spec.group_price_minor,
                          leader_price_minor=spec.leader_price_minor, time_limit_hours=spec.time_limit_hours,
                          per_buyer_limit=spec.per_buyer_limit, new_customers_only=spec.new_customers_only,
                          status="active", created_at=now)
    session.add(offer)
    session.flush()
    events.record(session, now, "group_buy.offer_created", f"group_buy_offer:{offer.id}", offer.store_id, name=offer.name,
                  sku_id=offer.sku_id, group_size=offer.group_size, group_price_minor=offer.group_price_minor,
                  time_limit_hours=offer.time_limit_hours, currency=offer.currency)
    return offer


def end_offer(session: Session, now: datetime, actor: Principal, offer_id: int) -> GroupBuyOffer:
    """No new group opens on an ended offer; groups already open run on until they fill or their time is up."""
    offer = get_offer(session, actor, offer_id)
    require_store_manager(actor, offer.store_id)
    if offer.status != "active":
        raise NotAllowedInState(f"cannot end a group offer that is {offer.status}", current_status=offer.status, action="end")
    offer.status, offer.ended_at = "ended", now
    events.record(session, now, "group_buy.offer_ended", f"group_buy_offer:{offer.id}", offer.store_id)
    return offer


def get_offer(session: Session, actor: Principal, offer_id: int) -> GroupBuyOffer:
    """Buyers see the active offers of every store (they open groups on them); staff their store's; the operator all."""
    offer = session.get(GroupBuyOffer, offer_id)
    visible = offer is not None and (offer.status == "active" if actor.role is Role.BUYER else actor.may_see_store(offer.store_id))
    if offer is None or not visible:
        raise NotFound(f"group offer {offer_id} does not exist")
    return offer


def list_offers(session: Session, actor: Principal, store_id: int | None, status: str | None, limit: int,
                before_id: int | None) -> list[GroupBuyOffer]:
    query = newest_first(select(GroupBuyOffer), GroupBuyOffer.id, limit, before_id)
    if actor.role is Role.BUYER:
        query = query.where(GroupBuyOffer.status == "active")
    else:
        query = scoped(query, actor, GroupBuyOffer.store_id)
    query = matching(query, (GroupBuyOffer.store_id, store_id), (GroupBuyOffer.status, status))
    return list(session.scalars(query))


# --- a store's settings -------------------------------------------------------------------------

def settings_of(session: Session, store_id: int) -> GroupBuySettings:
    """The store's settings, or the defaults (模拟成团 off) when it never set any."""
    found = session.get(GroupBuySettings, store_id)
    return found if found is not None else GroupBuySettings(store_id=store_id, auto_fill=False, auto_fill_seats=1)


def get_settings(session: Session, actor: Principal, store_id: int) -> GroupBuySettings:
    require_store_manager(actor, store_id)
    catalog.get_store(session, actor, store_id)
    return settings_of(session, store_id)


def set_settings(session: Session, now: datetime, actor: Principal, store_id: int, auto_fill: bool,
                 auto_fill_seats: int) -> GroupBuySettings:
    require_store_manager(actor, store_id)
    store = catalog.get_store(session, actor, store_id)
    rules.check_auto_fill(auto_fill_seats, rulebooks.load(store.rulebook).group_buy)
    found = session.get(GroupBuySettings, store_id)
    if found is None:
        found = GroupBuySettings(store_id=store_id)
        session.add(found)
    found.auto_fill, found.auto_fill_seats, found.updated_at = auto_fill, auto_fill_seats, now
    events.record(session, now, "group_buy.settings_changed", f"store:{store_id}", store_id, auto_fill=auto_fill,
                  auto_fill_seats=auto_fill_seats)
    return found


# --- opening and joining: an order placed through checkout at the group's price ----------------------

@dataclass(frozen=True)
class GroupOrder:
    address_id: int
    quantity: int = 1
    coupon_ids: Sequence[int] | None = None
    codes: Sequence[str] = ()


def open_group(session: Session, now: datetime, actor: Principal, offer_id: int, request: GroupOrder) -> tuple[GroupBuy, Order]:
    """开团: the opener's order; the group opens, and its clock starts, when that order is paid."""
    require_role(actor, Role.BUYER)
    offer = get_offer(session, actor, offer_id)
    if offer.status != "active":
        raise NotAllowedInState("the group offer has ended; no new group opens on it", current_status=offer.status,
                                action="open")
    group = GroupBuy(store_id=offer.store_id, offer_id=offer.id, code=_new_code(session), leader_buyer_id=actor.buyer_id,
                     size=offer.group_size, paid_members=0, status=GroupStatus.PENDING.value, created_at=now)
    session.add(group)
    session.flush()
    order = _place(session, now, actor, offer, group, request, role="leader")
    events.record(session, now, "group_buy.started", subject(group), group.store_id, offer_id=offer.id, code=group.code,
                  order_id=order.id, buyer_id=actor.buyer_id, size=group.size)
    return group, order


def join_group(session: Session, now: datetime, actor: Principal, code: str, request: GroupOrder) -> tuple[GroupBuy, Order]:
    """参团: an order in the group the share code names; the seat is the payment's to take."""
    require_role(actor, Role.BUYER)
    group = _by_code(session, code)
    rules.check_joinable(facts(group), now)
    offer = session.get(GroupBuyOffer, group.offer_id)
    assert offer is not None
    order = _place(session, now, actor, offer, group, request, role="member")
    events.record(session, now, "group_buy.joined", subject(group), group.store_id, order_id=order.id,
                  buyer_id=actor.buyer_id, paid_members=group.paid_members, size=group.size)
    return group, order


def _place(session: Session, now: datetime, actor: Principal, offer: GroupBuyOffer, group: GroupBuy, request: GroupOrder,
           role: str) -> Order:
    assert actor.buyer_id is not None
    leader_price = offer.leader_price_minor if role == "leader" else None
    extra = quoting.ExtraPromotion(f"group-buy-offer:{offer.id}", rules.price_promotion(
        offer.id, offer.name, offer.store_id, offer.sku_id,
        leader_price if leader_price is not None else offer.group_price_minor, offer.new_customers_only))
    order = checkout.place_order(session, now, actor, offer.store_id, request.address_id,
                                 [LineRequest(offer.sku_id, request.quantity)], request.coupon_ids, request.codes,
                                 extras=[extra], held_for_group=group.id)
    # checkout locked the buyer's row until commit: what this buyer holds in groups cannot change under these checks
    if membership(session, group.id, actor.buyer_id) is not None:
        raise rules.AlreadyInGroup("you are in this group buy already")
    bought = session.scalar(select(func.coalesce(func.sum(GroupBuyMember.quantity), 0)).where(
        GroupBuyMember.offer_id == offer.id, GroupBuyMember.buyer_id == actor.buyer_id, GroupBuyMember.status.in_(HOLDING)))
    rules.check_units(request.quantity, int(bought or 0), offer.per_buyer_limit)
    verdict = next((v for v in (order.pricing or {}).get("verdicts", []) if v["promotion"] == extra.ref), None)
    rules.price_refusal(bool(verdict and verdict["applied"]), verdict["reason"] if verdict else None)
    session.add(GroupBuyMember(group_id=group.id, store_id=group.store_id, offer_id=offer.id, buyer_id=actor.buyer_id,
                               order_id=order.id, role=role, status=PLACED, quantity=request.quantity, joined_at=now))
    return order


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_LETTERS) for _ in range(8))
        if session.scalar(select(GroupBuy.id).where(GroupBuy.code == code)) is None:
            return code


def _by_code(session: Session, code: str) -> GroupBuy:
    group = session.scalar(select(GroupBuy).where(GroupBuy.code == code.strip().upper()))
    if group is None:
        raise NotFound(f"group buy {code} does not exist")
    return group


# --- reading ------------------------------------------------------------------------------------

def membership(session: Session, group_id: int, buyer_id: int | None) -> GroupBuyMember | None:
    """The buyer's order still in the group, if any."""
    return session.scalar(select(GroupBuyMember).where(
        GroupBuyMember.group_id == group_id, GroupBuyMember.buyer_id == buyer_id, GroupBuyMember.status.in_(HOLDING)))


def get_group(session: Session, actor: Principal, ref: str) -> GroupBuy:
    """By share code: any buyer (the link is for sharing), the store's staff, the operator. By id: the store's staff,
    the operator, and buyers who are or were in it. Another store's group answers 404 like a missing one."""
    if ref.isdigit():
        group = session.get(GroupBuy, int(ref))
        visible = group is not None and (actor.may_see_store(group.store_id) if actor.role is not Role.BUYER else
                                         session.scalar(select(GroupBuyMember.id).where(
                                             GroupBuyMember.group_id == group.id,
                                             GroupBuyMember.buyer_id == actor.buyer_id).limit(1)) is not None)
    else:
        group = session.scalar(select(GroupBuy).where(GroupBuy.code == ref.strip().upper()))
        visible = group is not None and (actor.role is Role.BUYER or actor.may_see_store(group.store_id))
    if group is None or not visible:
        raise NotFound(f"group buy {ref} does not exist")
    return group


@dataclass(frozen=True)
class GroupFilter:
    store_id: int | None = None
    offer_id: int | None = None
    status: str | None = None
    limit: int = 50
    before_id: int | None = None


def list_groups(session: Session, actor: Principal, f: GroupFilter) -> list[GroupBuy]:
    """Newest first: a buyer's groups (opened or joined), a store's, or every group for the operator."""
    visible = scoped(select(GroupBuyMember.group_id), actor, GroupBuyMember.store_id, GroupBuyMember.buyer_id)
    query = newest_first(select(GroupBuy), GroupBuy.id, f.limit, f.before_id).where(GroupBuy.id.in_(visible))
    query = matching(query, (GroupBuy.store_id, f.store_id), (GroupBuy.offer_id, f.offer_id))
    if f.status is not None:
        query = query.where(GroupBuy.status == GroupStatus(f.status).value)
    return list(session.scalars(query))


@dataclass(frozen=True)
class GroupView:
    """A group as one caller sees it: its offer, its fill, the members (staff and operator only), the caller's own
    order in it, and the moves offered to the caller."""

    group: GroupBuy
    offer: GroupBuyOffer
    progress: rules.Progress
    members: list[GroupBuyMember] | None
    mine: GroupBuyMember | None
    allowed_actions: list[moves.GroupAction]


def view(session: Session, now: datetime, actor: Principal, group: GroupBuy) -> GroupView:
    offer = session.get(GroupBuyOffer, group.offer_id)
    assert offer is not None
    mine = membership(session, group.id, actor.buyer_id) if actor.role is Role.BUYER else None
    members = None if actor.role is Role.BUYER else list(session.scalars(
        select(GroupBuyMember).where(GroupBuyMember.group_id == group.id).order_by(GroupBuyMember.id)))
    offered: list[moves.GroupAction] = []
    if actor.role is Role.BUYER:
        offered = moves.allowed_actions(group.status, "member" if mine is not None else "buyer")
        if "join" in offered:
            try:
                rules.check_joinable(facts(group), now)
            except rules.GroupNotJoinable:
                offered.remove("join")
    return GroupView(group, offer, rules.progress(facts(group), now), members, mine, offered)


def store_board(session: Session, now: datetime, actor: Principal, store_id: int,
                statuses: Sequence[str] = (GroupStatus.OPEN.value,)) -> list[tuple[GroupBuy, GroupBuyOffer, rules.Progress]]:
    """A store's groups in these states, soonest expiry first, with their fill: the console's group-buy board."""
    require_store_manager(actor, store_id)
    rows = session.execute(select(GroupBuy, GroupBuyOffer).join(GroupBuyOffer, GroupBuyOffer.id == GroupBuy.offer_id)
                           .where(GroupBuy.store_id == store_id, GroupBuy.status.in_(statuses))
                           .order_by(GroupBuy.expires_at, GroupBuy.id)).all()
    return [(group, offer, rules.progress(facts(group), now)) for group, offer in rows]
