"""Community group buying's waves (社区团购): a wave closed at its cut-off (a timer), its pick lists per wave and per
leader from the same order lines, delivery to the pickup points, pickup by code, the pickup deadline (a timer) and a
leader's page. Orders join a wave in `service.order_paid`; locks as `service` says: the order first, then the wave,
then the community order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper import events, timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import Clock
from shopkeeper.db import newest_first
from shopkeeper.errors import Forbidden, NotFound
from shopkeeper.orders import pickup_points
from shopkeeper.orders import service as orders
from shopkeeper.orders.rules import OrderStatus
from shopkeeper.scope import SYSTEM, require_store_manager, scoped
from shopkeeper.social.community import moves, rules
from shopkeeper.social.community.models import CommunityOrder, Leader, PickupPoint, Wave
from shopkeeper.social.community.moves import PickupStatus, WaveStatus
from shopkeeper.social.distribution import commissions

if TYPE_CHECKING:
    pass

from shopkeeper.social.community.service import (
    CARRIER,
    IN_WAVE,
    PICKUP_DEADLINE,
    get_leader,
    new_code,
    settings_of,
    wave_subject,
)

# --- waves -----------------------------------------------------------------------------------------

def close_wave(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """The cut-off: the wave takes no more orders; its pick list is final for the merchant's allocation."""
    now = clock.now()
    wave = session.scalar(select(Wave).where(Wave.id == timer.payload["wave_id"]).with_for_update())
    if wave is None or wave.status != WaveStatus.OPEN or now < wave.cutoff_at:
        return
    wave.status, wave.closed_at = moves.wave_next(wave.status, "close"), now
    listed = pick_list_of(session, wave)
    events.record(session, now, "community.wave_closed", wave_subject(wave), wave.store_id,
                  orders=sum(len(p.orders) for p in listed.leaders), leaders=len(listed.leaders),
                  units=sum(t.quantity for t in listed.totals))


def get_wave(session: Session, actor: Principal, wave_id: int) -> Wave:
    wave = session.get(Wave, wave_id)
    if wave is None or actor.role is Role.BUYER or not actor.may_see_store(wave.store_id):
        raise NotFound(f"wave {wave_id} does not exist")
    return wave


def list_waves(session: Session, actor: Principal, store_id: int | None, status: str | None, limit: int,
               before_id: int | None) -> list[Wave]:
    query = scoped(newest_first(select(Wave), Wave.id, limit, before_id), actor, Wave.store_id)
    if store_id is not None:
        query = query.where(Wave.store_id == store_id)
    if status is not None:
        query = query.where(Wave.status == WaveStatus(status).value)
    return list(session.scalars(query))


@dataclass(frozen=True)
class WaveCounts:
    """A wave's orders on the wave board: all of them, those their buyers collected, and those delivered to the points
    and not collected (still waiting, or refunded or returned at the pickup deadline)."""

    orders: int = 0
    collected: int = 0
    uncollected: int = 0


UNCOLLECTED = (PickupStatus.DELIVERED, PickupStatus.REFUNDED, PickupStatus.RETURNED)


def counts_of(session: Session, wave_ids: list[int]) -> dict[int, WaveCounts]:
    """Each of these waves' counts, in one grouped read; a wave without orders counts zeros."""
    found: dict[int, dict[str, int]] = {wave_id: {"orders": 0, "collected": 0, "uncollected": 0} for wave_id in wave_ids}
    if wave_ids:
        for wave_id, status, n in session.execute(
                select(CommunityOrder.wave_id, CommunityOrder.status, func.count(CommunityOrder.id))
                .where(CommunityOrder.wave_id.in_(wave_ids), CommunityOrder.status.in_(IN_WAVE))
                .group_by(CommunityOrder.wave_id, CommunityOrder.status)):
            assert wave_id is not None  # in one of the waves asked for
            tally = found[wave_id]
            tally["orders"] += int(n)
            if status == PickupStatus.COLLECTED:
                tally["collected"] += int(n)
            elif status in UNCOLLECTED:
                tally["uncollected"] += int(n)
    return {wave_id: WaveCounts(**tally) for wave_id, tally in found.items()}


def _wave_orders(session: Session, wave_id: int, leader_id: int | None = None) -> list[CommunityOrder]:
    query = select(CommunityOrder).where(CommunityOrder.wave_id == wave_id, CommunityOrder.status.in_(IN_WAVE))
    if leader_id is not None:
        query = query.where(CommunityOrder.leader_id == leader_id)
    return list(session.scalars(query.order_by(CommunityOrder.order_id)))


def pick_list_of(session: Session, wave: Wave, leader_id: int | None = None) -> rules.PickList:
    """商家配货: the wave's orders as SKU totals and per leader (one leader's only, when given)."""
    return rules.pick_list([_wave_order(found) for found in _wave_orders(session, wave.id, leader_id)])


def _wave_order(found: CommunityOrder) -> rules.WaveOrder:
    return rules.WaveOrder(found.order_id, found.leader_id, tuple(
        rules.Line(line["sku_id"], line["sku_code"], line["title"], line["quantity"]) for line in found.lines))


def pick_list(session: Session, actor: Principal, wave_id: int) -> tuple[Wave, rules.PickList]:
    return (wave := get_wave(session, actor, wave_id)), pick_list_of(session, wave)


def deliver_wave(session: Session, now: datetime, actor: Principal, wave_id: int) -> Wave:
    """The closed wave's goods reached the pickup points (store staff): each order is delivered through orders'
    service and gets its pickup code; the pickup deadline starts (the store's setting)."""
    wave = get_wave(session, actor, wave_id)
    require_store_manager(actor, wave.store_id)
    moves.wave_next(wave.status, "deliver")
    settings = settings_of(session, wave.store_id)
    assert settings is not None
    for found in _wave_orders(session, wave.id):
        order = orders.get_order(session, SYSTEM, found.order_id, for_update=True)  # the order first, then ours
        session.refresh(found, with_for_update=True)
        if found.status != PickupStatus.PAID or order.status != OrderStatus.PAID:
            continue
        pickup_points.deliver_to_pickup(session, now, order.id, CARRIER, f"W{wave.id}-L{found.leader_id}")
        found.status, found.delivered_at = moves.order_next(found.status, "deliver"), now
        found.pickup_code = new_code(session, CommunityOrder.pickup_code)
    session.refresh(wave, with_for_update=True)
    wave.status = moves.wave_next(wave.status, "deliver")
    wave.delivered_at, wave.pickup_by = now, now + timedelta(days=settings.unpicked_days)
    events.record(session, now, "community.wave_delivered", wave_subject(wave), wave.store_id,
                  pickup_by=wave.pickup_by.isoformat())
    timers.schedule(session, PICKUP_DEADLINE, wave_subject(wave), wave.pickup_by, wave.store_id, wave_id=wave.id)
    return wave


def waiting(session: Session, actor: Principal, wave_id: int) -> list[CommunityOrder]:
    """The wave's orders at the points waiting for their buyers (store staff)."""
    wave = get_wave(session, actor, wave_id)
    return [o for o in _wave_orders(session, wave.id) if o.status == PickupStatus.DELIVERED]


# --- pickup ----------------------------------------------------------------------------------------

def collect(session: Session, now: datetime, actor: Principal, point_id: int, code: str) -> CommunityOrder:
    """The buyer shows their pickup code at the point; its leader (or store staff) enters it. The order completes
    through orders' service; the leader's commission is frozen first, so the completion schedules its release."""
    point = session.get(PickupPoint, point_id)
    if point is None:
        raise NotFound(f"pickup point {point_id} does not exist")
    _may_hand_out(session, actor, point)
    found = session.scalar(select(CommunityOrder).where(CommunityOrder.pickup_point_id == point.id,
                                                        CommunityOrder.pickup_code == code.strip().upper()))
    rules.check_pickup(None if found is None else found.status)
    assert found is not None
    order = orders.get_order(session, SYSTEM, found.order_id, for_update=True)
    session.refresh(found, with_for_update=True)
    rules.check_pickup(found.status)  # a second scan of the same code waited for the first: refused now
    found.status, found.collected_at = moves.order_next(found.status, "collect"), now
    per_line = rules.leader_commission([(line["line_id"], line["paid_minor"]) for line in found.lines],
                                       Decimal(found.leader_rate))
    commissions.freeze_for_leader(session, now, order, found.leader_id, sum(line["paid_minor"] for line in found.lines),
                                  per_line)
    pickup_points.complete_on_pickup(session, now, order.id)
    events.record(session, now, "community.collected", orders.subject(order), order.store_id, leader_id=found.leader_id,
                  pickup_point_id=point.id, by=actor.role.value)
    return found


def _may_hand_out(session: Session, actor: Principal, point: PickupPoint) -> None:
    if actor.role is Role.BUYER:
        leader = session.scalar(select(Leader).where(Leader.pickup_point_id == point.id, Leader.buyer_id == actor.buyer_id))
        if leader is None:
            raise NotFound(f"pickup point {point.id} does not exist")
        if leader.status != "active":
            raise Forbidden("only the point's active leader or the store's staff hand out its orders")
    else:
        require_store_manager(actor, point.store_id)


def pickup_deadline(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """The wave's pickup deadline: each order still waiting is refunded, its goods written off at the point or taken
    back to stock, as the store's setting says (now, not when the wave was delivered)."""
    now = clock.now()
    wave = session.scalar(select(Wave).where(Wave.id == timer.payload["wave_id"]))
    if wave is None or wave.status != WaveStatus.DELIVERED or wave.pickup_by is None or now < wave.pickup_by:
        return
    settings = settings_of(session, wave.store_id)
    assert settings is not None
    outcome: rules.Outcome = "return" if settings.unpicked_outcome == "return" else "refund"
    left = 0
    for found in _wave_orders(session, wave.id):
        if found.status != PickupStatus.DELIVERED:
            continue
        order = orders.get_order(session, SYSTEM, found.order_id, for_update=True)
        session.refresh(found, with_for_update=True)
        if found.status != PickupStatus.DELIVERED:
            continue
        found.status, found.ended_at = moves.order_next(found.status, outcome), now
        pickup_points.close_uncollected(session, now, order.id, outcome)
        events.record(session, now, "community.not_collected", orders.subject(order), order.store_id,
                      leader_id=found.leader_id, outcome=outcome)
        left += 1
    session.refresh(wave, with_for_update=True)
    wave.status = moves.wave_next(wave.status, "settle")
    events.record(session, now, "community.wave_settled", wave_subject(wave), wave.store_id, not_collected=left,
                  outcome=outcome)


# --- a leader's page -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LeaderView:
    leader: Leader
    point: PickupPoint
    figures: dict[str, int]
    currency: str
    waves: list[Wave]  # the waves with orders at the leader's point, newest first
    wave: Wave | None  # the one shown
    picks: rules.PickList | None  # the leader's part of it
    orders: list[CommunityOrder]  # the leader's orders in it


def leader_view(session: Session, actor: Principal, leader_id: int, wave_id: int | None = None, waves: int = 20) -> LeaderView:
    """The leader page: their point, their commission, the waves at their point and one wave's pick list for them."""
    leader = get_leader(session, actor, leader_id)
    point = session.get(PickupPoint, leader.pickup_point_id)
    assert point is not None
    mine = select(CommunityOrder.wave_id).where(CommunityOrder.leader_id == leader.id, CommunityOrder.status.in_(IN_WAVE))
    recent = list(session.scalars(select(Wave).where(Wave.id.in_(mine)).order_by(Wave.cutoff_at.desc()).limit(waves)))
    shown = next((w for w in recent if w.id == wave_id), None) if wave_id is not None else (recent[0] if recent else None)
    if wave_id is not None and shown is None:
        raise NotFound(f"wave {wave_id} does not exist")
    picks = pick_list_of(session, shown, leader.id) if shown is not None else None
    listed = _wave_orders(session, shown.id, leader.id) if shown is not None else []
    currency = catalog.store_by_id(session, leader.store_id).currency
    return LeaderView(leader, point, commissions.leader_figures(session, leader.id), currency, recent, shown, picks, listed)
