"""Community group buying (社区团购) use cases: a store's settings, pickup points and leaders (staff), orders through a
leader's link (buyers, through checkout), the delivery waves and their pick lists, delivery, pickup by code, and the
pickup deadline.

Orders are heard, never imported: a paid order placed through a leader gathers in the wave whose cut-off comes next
(`order_paid`), a closed one leaves it (`order_closed`). The cut-off closes the wave (a timer); the merchant
allocates from its pick list and delivers it; each order's pickup code completes it through orders' service; what
is not collected by the store's deadline is refunded or returned (a timer).

The leader's commission is frozen at collection, not at payment: it is earned on a collected order, so an order
never collected (refunded at the deadline) never freezes one, and a refund after collection claws it back through
distribution's one commission lifecycle (`commissions.freeze_for_leader`).

Locks: the order first (orders hold it when they tell us; pickup and timers take it through orders' service), then
the wave, then the community order.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks, timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.customers import service as customers
from shopkeeper.db import newest_first
from shopkeeper.errors import NotFound
from shopkeeper.orders import checkout
from shopkeeper.orders import service as orders
from shopkeeper.orders.rules import LineRequest, OrderStatus
from shopkeeper.scope import SYSTEM, require_role, require_store_manager, scoped
from shopkeeper.social.community import moves, rules
from shopkeeper.social.community.models import CommunityOrder, CommunitySettings, Leader, PickupPoint, Wave
from shopkeeper.social.community.moves import PickupStatus, WaveStatus

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

CUTOFF = "community.cutoff"
PICKUP_DEADLINE = "community.pickup_deadline"
CARRIER = "community"  # the merchant's own delivery to the pickup points
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: a code read aloud or typed from a phone
IN_WAVE = (PickupStatus.PAID, PickupStatus.DELIVERED, PickupStatus.COLLECTED, PickupStatus.REFUNDED, PickupStatus.RETURNED)


def wave_subject(wave: Wave) -> str:
    return f"community_wave:{wave.id}"


def leader_subject(leader: Leader) -> str:
    return f"community_leader:{leader.id}"


# --- a store's settings ------------------------------------------------------------------------------

def settings_of(session: Session, store_id: int) -> CommunitySettings | None:
    return session.get(CommunitySettings, store_id)


def terms_of(found: CommunitySettings | None) -> rules.Settings | None:
    if found is None:
        return None
    outcome: rules.Outcome = "return" if found.unpicked_outcome == "return" else "refund"
    return rules.Settings(found.enabled, tuple(found.cutoffs), found.unpicked_days, outcome, Decimal(found.leader_rate))


def get_settings(session: Session, actor: Principal, store_id: int) -> CommunitySettings:
    require_store_manager(actor, store_id)
    catalog.get_store(session, actor, store_id)
    found = settings_of(session, store_id)
    if found is None:
        raise NotFound(f"community settings {store_id} do not exist")
    return found


def set_settings(session: Session, now: datetime, actor: Principal, store_id: int, terms: rules.Settings) -> CommunitySettings:
    """Put a store's community settings: the daily cut-offs on its clock, how long a delivered order waits for its
    buyer and what happens then, the leaders' commission rate; the rulebook's `[community]` bounds them."""
    require_store_manager(actor, store_id)
    store = catalog.get_store(session, actor, store_id)
    rules.check_settings(terms, rulebooks.load(store.rulebook).community)
    found = settings_of(session, store_id)
    if found is None:
        found = CommunitySettings(store_id=store_id)
        session.add(found)
    found.enabled, found.cutoffs = terms.enabled, sorted(terms.cutoffs)
    found.unpicked_days, found.unpicked_outcome = terms.unpicked_days, terms.unpicked_outcome
    found.leader_rate, found.updated_at = str(terms.leader_rate), now
    events.record(session, now, "community.settings_changed", f"store:{store_id}", store_id, enabled=terms.enabled,
                  cutoffs=list(found.cutoffs), unpicked_days=terms.unpicked_days, unpicked_outcome=terms.unpicked_outcome,
                  leader_rate=found.leader_rate)
    return found


# --- pickup points -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PointSpec:
    store_id: int
    name: str
    community: str
    country: str
    line1: str
    region: str = ""
    city: str = ""


def create_point(session: Session, now: datetime, actor: Principal, spec: PointSpec) -> PickupPoint:
    require_store_manager(actor, spec.store_id)
    catalog.get_store(session, actor, spec.store_id)
    point = PickupPoint(store_id=spec.store_id, name=spec.name, community=spec.community, country=spec.country.upper(),
                        region=spec.region, city=spec.city, line1=spec.line1, status="active", created_at=now)
    session.add(point)
    session.flush()
    events.record(session, now, "community.point_created", f"pickup_point:{point.id}", point.store_id, name=point.name,
                  community=point.community)
    return point


def get_point(session: Session, actor: Principal, point_id: int) -> PickupPoint:
    """Staff see their store's points; buyers see open ones (they collect there)."""
    point = session.get(PickupPoint, point_id)
    visible = point is not None and (point.status == "active" if actor.role is Role.BUYER else actor.may_see_store(point.store_id))
    if point is None or not visible:
        raise NotFound(f"pickup point {point_id} does not exist")
    return point


def list_points(session: Session, actor: Principal, store_id: int | None, limit: int, before_id: int | None) -> list[PickupPoint]:
    query = newest_first(select(PickupPoint), PickupPoint.id, limit, before_id)
    query = query.where(PickupPoint.status == "active") if actor.role is Role.BUYER else scoped(query, actor, PickupPoint.store_id)
    return list(session.scalars(query if store_id is None else query.where(PickupPoint.store_id == store_id)))


def close_point(session: Session, now: datetime, actor: Principal, point_id: int) -> PickupPoint:
    """No new order is placed for a closed point; orders already on their way are delivered and collected there."""
    point = get_point(session, actor, point_id)
    require_store_manager(actor, point.store_id)
    if point.status != "active":
        raise rules.LeaderNotActive("the pickup point is closed")
    point.status = "closed"
    events.record(session, now, "community.point_closed", f"pickup_point:{point.id}", point.store_id)
    return point


# --- leaders ---------------------------------------------------------------------------------------

def appoint(session: Session, now: datetime, actor: Principal, point_id: int, buyer_id: int, name: str) -> Leader:
    """Store staff appoint a buyer as the leader (团长) of one of the store's points; no fee, no purchase (RULES.md §17.2)."""
    point = get_point(session, actor, point_id)
    require_store_manager(actor, point.store_id)
    if terms_of(settings_of(session, point.store_id)) is None:
        raise rules.CommunityClosed("the store runs no community group buying")
    customers.get_buyer(session, SYSTEM, buyer_id)
    session.execute(select(PickupPoint.id).where(PickupPoint.id == point.id).with_for_update())  # one leader per point
    led = session.scalar(select(Leader.id).where(Leader.pickup_point_id == point.id, Leader.status == "active").limit(1))
    leads = session.scalar(select(Leader.id).where(Leader.store_id == point.store_id, Leader.buyer_id == buyer_id).limit(1))
    rules.check_appointment(point.status, led is not None, leads is not None)
    leader = Leader(store_id=point.store_id, buyer_id=buyer_id, pickup_point_id=point.id, code=new_code(session, Leader.code),
                    name=name, status="active", appointed_at=now)
    session.add(leader)
    session.flush()
    events.record(session, now, "community.leader_appointed", leader_subject(leader), leader.store_id, buyer_id=buyer_id,
                  pickup_point_id=point.id, code=leader.code)
    return leader


def suspend(session: Session, now: datetime, actor: Principal, leader_id: int) -> Leader:
    """No new order through the leader's link; orders on their way are still delivered and collected at the point."""
    leader = get_leader(session, actor, leader_id)
    require_store_manager(actor, leader.store_id)
    if leader.status != "active":
        raise rules.LeaderNotActive("the leader or their pickup point takes no orders now")
    leader.status, leader.suspended_at = "suspended", now
    events.record(session, now, "community.leader_suspended", leader_subject(leader), leader.store_id)
    return leader


def get_leader(session: Session, actor: Principal, ref: int | str) -> Leader:
    """By id: the store's staff, the operator, the leader themselves. By code (the link): any buyer."""
    if isinstance(ref, int):
        leader = session.get(Leader, ref)
        visible = leader is not None and (leader.buyer_id == actor.buyer_id if actor.role is Role.BUYER
                                          else actor.may_see_store(leader.store_id))
    else:
        leader = session.scalar(select(Leader).where(Leader.code == ref.strip().upper()))
        visible = leader is not None and (actor.role is Role.BUYER or actor.may_see_store(leader.store_id))
    if leader is None or not visible:
        raise NotFound(f"leader {ref} does not exist")
    return leader


def list_leaders(session: Session, actor: Principal, store_id: int | None, limit: int, before_id: int | None) -> list[Leader]:
    """Newest first: a store's leaders for its staff, every store's for the operator, a buyer's own."""
    query = scoped(newest_first(select(Leader), Leader.id, limit, before_id), actor, Leader.store_id, Leader.buyer_id)
    return list(session.scalars(query if store_id is None else query.where(Leader.store_id == store_id)))


def new_code(session: Session, column: Any) -> str:
    """Eight letters and digits, the first a letter: a link code is never read as a leader's id."""
    while True:
        code = secrets.choice(CODE_LETTERS[:24]) + "".join(secrets.choice(CODE_LETTERS) for _ in range(7))
        if session.scalar(select(column).where(column == code)) is None:
            return code


# --- ordering through a leader -------------------------------------------------------------------------

@dataclass(frozen=True)
class CommunityOrderRequest:
    address_id: int
    lines: Sequence[LineRequest]
    coupon_ids: Sequence[int] | None = None
    codes: Sequence[str] = ()


def order_through(session: Session, now: datetime, actor: Principal, code: str,
                  request: CommunityOrderRequest) -> tuple[CommunityOrder, Order]:
    """A buyer orders through a leader's link: an order of the leader's store, delivered to the leader's pickup point
    (its `ship_to`), gathered in the next wave once paid."""
    require_role(actor, Role.BUYER)
    assert actor.buyer_id is not None
    leader = get_leader(session, actor, code)
    point = session.get(PickupPoint, leader.pickup_point_id)
    assert point is not None
    terms = terms_of(settings_of(session, leader.store_id))
    rules.check_takes_orders(terms is not None and terms.enabled, leader.status, point.status)
    assert terms is not None
    deliver_to = {"country": point.country, "region": point.region, "city": point.city, "line1": point.line1,
                  "postcode": "", "pickup_point": f"{point.name} ({point.community})"}
    order = checkout.place_order(session, now, actor, leader.store_id, request.address_id, request.lines,
                                 request.coupon_ids, request.codes, deliver_to=deliver_to)
    found = CommunityOrder(store_id=leader.store_id, order_id=order.id, buyer_id=actor.buyer_id, leader_id=leader.id,
                           pickup_point_id=point.id, status=PickupStatus.PLACED.value, leader_rate=str(terms.leader_rate),
                           lines=[{"line_id": line.id, "sku_id": line.sku_id, "sku_code": line.sku_code, "title": line.title,
                                   "quantity": line.quantity, "paid_minor": line.payable_minor} for line in order.lines],
                           placed_at=now)
    session.add(found)
    session.flush()
    events.record(session, now, "community.ordered", orders.subject(order), order.store_id, leader_id=leader.id,
                  pickup_point_id=point.id)
    return found, order


def pickup_of(session: Session, actor: Principal, order_id: int) -> CommunityOrder:
    """An order's place in community buying: the buyer (with their pickup code), the store's staff, the operator."""
    found = session.scalar(select(CommunityOrder).where(CommunityOrder.order_id == order_id))
    visible = found is not None and (found.buyer_id == actor.buyer_id if actor.role is Role.BUYER
                                     else actor.may_see_store(found.store_id))
    if found is None or not visible:
        raise NotFound(f"community order {order_id} does not exist")
    return found


def of_order(session: Session, order_id: int) -> CommunityOrder | None:
    return session.scalar(select(CommunityOrder).where(CommunityOrder.order_id == order_id).with_for_update())


# --- heard from orders ------------------------------------------------------------------------------

def order_paid(session: Session, now: datetime, order: Order) -> None:
    """A paid order placed through a leader gathers in the wave whose cut-off comes next on the store's clock."""
    found = of_order(session, order.id)
    if found is None or order.status != OrderStatus.PAID or found.status != PickupStatus.PLACED:
        return
    settings = settings_of(session, order.store_id)
    assert settings is not None
    zone = catalog.store_by_id(session, order.store_id).timezone
    wave = _open_wave(session, now, order.store_id, rules.next_cutoff(now, settings.cutoffs, zone))
    while wave.status != WaveStatus.OPEN:  # its cut-off timer ran on a faster clock than ours: the next one
        wave = _open_wave(session, now, order.store_id, rules.next_cutoff(wave.cutoff_at, settings.cutoffs, zone))
    found.status, found.wave_id, found.paid_at = moves.order_next(found.status, "pay"), wave.id, now
    events.record(session, now, "community.wave_joined", orders.subject(order), order.store_id, wave_id=wave.id,
                  cutoff_at=wave.cutoff_at.isoformat(), leader_id=found.leader_id)


def _open_wave(session: Session, now: datetime, store_id: int, cutoff_at: datetime) -> Wave:
    """The store's wave for this cut-off, locked; made (and its cut-off timer set) by the first order to need it."""
    query = select(Wave).where(Wave.store_id == store_id, Wave.cutoff_at == cutoff_at).with_for_update()
    wave = session.scalar(query)
    if wave is not None:
        return wave
    try:
        with session.begin_nested():  # two payments may make it at once: one row wins, the other reads it
            wave = Wave(store_id=store_id, cutoff_at=cutoff_at, status=WaveStatus.OPEN.value, created_at=now)
            session.add(wave)
            session.flush()
    except IntegrityError:
        found = session.scalar(query)
        assert found is not None
        return found
    events.record(session, now, "community.wave_opened", wave_subject(wave), store_id, cutoff_at=cutoff_at.isoformat())
    timers.schedule(session, CUTOFF, wave_subject(wave), cutoff_at, store_id, wave_id=wave.id)
    return wave


def order_closed(session: Session, now: datetime, order: Order) -> None:
    """An order closed unpaid, or cancelled and refunded before delivery, leaves its wave and pick list."""
    found = of_order(session, order.id)
    if found is None or found.status not in (PickupStatus.PLACED, PickupStatus.PAID):
        return
    found.status, found.ended_at = moves.order_next(found.status, "end"), now
