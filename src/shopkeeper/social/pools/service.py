"""Pool buying (拼单) use cases: offers, opening a pool and adding to its basket through checkout, reading pools.

Who pays: every member pays their own order (RULES.md §4.1: a group purchase "aggregates consumers", and each
consumer gets the discount). Each order is the buyer's: their address, their escrow, their own after-sales case, as
in a group buy. The opener never pays for friends, so the engine keeps no debt between buyers.

What is counted: paid orders only. An order in the basket counts toward the threshold when its payment arrives
(`basket.member_paid`), and stops counting if it is cancelled before the pool is complete; an unpaid order never
holds the basket up or fills it.

Payments, cancellations and the expiry timer move a pool: `basket.py`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.db import matching, newest_first
from shopkeeper.errors import InvalidInput, NotAllowedInState, NotFound
from shopkeeper.orders import checkout
from shopkeeper.orders.rules import LineRequest
from shopkeeper.promotions import quoting
from shopkeeper.scope import require_role, require_store_manager, scoped
from shopkeeper.social.pools import moves, rules
from shopkeeper.social.pools.models import Pool, PoolMember, PoolOffer
from shopkeeper.social.pools.moves import PoolStatus

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

PLACED, SEATED = "placed", "seated"  # the group buy's words (`groupbuys.seats.send_back` reads them)
HOLDING = (PLACED, SEATED)
CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def subject(pool: Pool) -> str:
    return f"pool:{pool.id}"


def facts(pool: Pool) -> rules.PoolFacts:
    return rules.PoolFacts(pool.status, pool.basis, pool.threshold, pool.paid_amount_minor, pool.paid_units,
                           pool.expires_at)


def measure(pool: Pool) -> dict[str, int]:
    """The paid basket and the threshold for an event's data: minor units (`_minor`) or items, as the basis says."""
    suffix = "_minor" if pool.basis == "amount" else ""
    return {f"achieved{suffix}": facts(pool).achieved, f"threshold{suffix}": pool.threshold}


# --- offers (store staff) -----------------------------------------------------------------------

@dataclass(frozen=True)
class OfferSpec:
    store_id: int
    name: str
    basis: rules.Basis
    threshold: int
    percent_off: Decimal
    time_limit_hours: int
    sku_ids: Sequence[int] = ()


def create_offer(session: Session, now: datetime, actor: Principal, spec: OfferSpec) -> PoolOffer:
    require_store_manager(actor, spec.store_id)
    store = catalog.get_store(session, actor, spec.store_id)
    sku_ids = sorted(set(spec.sku_ids))
    for sku_id in sku_ids:
        catalog.sellable_sku(session, spec.store_id, sku_id)
    rules.check_offer(rules.OfferTerms(basis=spec.basis, threshold=spec.threshold, percent_off=spec.percent_off,
                                       time_limit_hours=spec.time_limit_hours, sku_ids=frozenset(sku_ids)),
                      rulebooks.load(store.rulebook).group_buy)
    offer = PoolOffer(store_id=spec.store_id, name=spec.name, currency=store.currency, sku_ids=sku_ids, basis=spec.basis,
                      threshold=spec.threshold, percent_off=spec.percent_off, time_limit_hours=spec.time_limit_hours,
                      status="active", created_at=now)
    session.add(offer)
    session.flush()
    events.record(session, now, "pool.offer_created", f"pool_offer:{offer.id}", offer.store_id, name=offer.name,
                  **{"threshold_minor" if offer.basis == "amount" else "threshold": offer.threshold},
                  percent_off=str(offer.percent_off), time_limit_hours=offer.time_limit_hours, currency=offer.currency)
    return offer


def end_offer(session: Session, now: datetime, actor: Principal, offer_id: int) -> PoolOffer:
    """No new pool opens on an ended offer; pools already open run on until they are complete or their time is up."""
    offer = get_offer(session, actor, offer_id)
    require_store_manager(actor, offer.store_id)
    if offer.status != "active":
        raise NotAllowedInState(f"cannot end a pool offer that is {offer.status}", current_status=offer.status, action="end")
    offer.status, offer.ended_at = "ended", now
    events.record(session, now, "pool.offer_ended", f"pool_offer:{offer.id}", offer.store_id)
    return offer


def get_offer(session: Session, actor: Principal, offer_id: int) -> PoolOffer:
    """Buyers see every store's active offers; staff their store's; the operator all."""
    offer = session.get(PoolOffer, offer_id)
    visible = offer is not None and (offer.status == "active" if actor.role is Role.BUYER else actor.may_see_store(offer.store_id))
    if offer is None or not visible:
        raise NotFound(f"pool offer {offer_id} does not exist")
    return offer


def list_offers(session: Session, actor: Principal, store_id: int | None, status: str | None, limit: int,
                before_id: int | None) -> list[PoolOffer]:
    query = newest_first(select(PoolOffer), PoolOffer.id, limit, before_id)
    if actor.role is Role.BUYER:
        query = query.where(PoolOffer.status == "active")
    else:
        query = scoped(query, actor, PoolOffer.store_id)
    query = matching(query, (PoolOffer.store_id, store_id), (PoolOffer.status, status))
    return list(session.scalars(query))


# --- opening and joining: an order placed through checkout at the pool's price ----------------------

@dataclass(frozen=True)
class PoolOrder:
    address_id: int
    lines: Sequence[LineRequest]
    coupon_ids: Sequence[int] | None = None
    codes: Sequence[str] = ()


def open_pool(session: Session, now: datetime, actor: Principal, offer_id: int, request: PoolOrder) -> tuple[Pool, Order]:
    """开拼单: the opener's order; the pool opens, and its clock starts, when that order is paid."""
    require_role(actor, Role.BUYER)
    offer = get_offer(session, actor, offer_id)
    if offer.status != "active":
        raise NotAllowedInState("the pool offer has ended; no new pool opens on it", current_status=offer.status,
                                action="open")
    assert actor.buyer_id is not None
    pool = Pool(store_id=offer.store_id, offer_id=offer.id, code=_new_code(session), leader_buyer_id=actor.buyer_id,
                basis=offer.basis, threshold=offer.threshold, status=PoolStatus.PENDING.value, created_at=now)
    session.add(pool)
    session.flush()
    order = _place(session, now, actor, offer, pool, request, role="leader")
    events.record(session, now, "pool.started", subject(pool), pool.store_id, offer_id=offer.id, code=pool.code,
                  order_id=order.id, buyer_id=actor.buyer_id, **measure(pool))
    return pool, order


def join_pool(session: Session, now: datetime, actor: Principal, code: str, request: PoolOrder) -> tuple[Pool, Order]:
    """Add an order to the shared basket the share code names; it counts toward the threshold once paid."""
    require_role(actor, Role.BUYER)
    pool = _by_code(session, code)
    rules.check_joinable(facts(pool), now)
    offer = session.get(PoolOffer, pool.offer_id)
    assert offer is not None
    order = _place(session, now, actor, offer, pool, request, role="member")
    events.record(session, now, "pool.joined", subject(pool), pool.store_id, order_id=order.id, buyer_id=actor.buyer_id)
    return pool, order


def _place(session: Session, now: datetime, actor: Principal, offer: PoolOffer, pool: Pool, request: PoolOrder,
           role: str) -> Order:
    assert actor.buyer_id is not None
    if not request.lines:
        raise InvalidInput("a pool order has at least one item")
    rules.check_lines([line.sku_id for line in request.lines], offer.sku_ids)
    extra = quoting.ExtraPromotion(f"pool-offer:{offer.id}", rules.price_promotion(
        offer.id, offer.name, offer.store_id, offer.sku_ids, offer.percent_off))
    order = checkout.place_order(session, now, actor, offer.store_id, request.address_id, list(request.lines),
                                 request.coupon_ids, request.codes, extras=[extra], held_for_pool=pool.id)
    # checkout locked the buyer's row until commit: what this buyer holds in the pool cannot change under this check
    if membership(session, pool.id, actor.buyer_id) is not None:
        raise rules.AlreadyInPool("you have an order in this pool already; cancel it to place another")
    verdict = next((v for v in (order.pricing or {}).get("verdicts", []) if v["promotion"] == extra.ref), None)
    if not (verdict and verdict["applied"]):
        raise rules.PoolPriceNotApplied(
            f"the pool's price does not apply to this order ({(verdict or {}).get('reason') or 'not applied'})")
    bought = [line for line in order.lines if not line.gift]
    session.add(PoolMember(pool_id=pool.id, store_id=pool.store_id, offer_id=offer.id, buyer_id=actor.buyer_id,
                           order_id=order.id, role=role, status=PLACED, units=sum(line.quantity for line in bought),
                           amount_minor=sum(line.line_total_minor for line in bought), joined_at=now))
    return order


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_LETTERS) for _ in range(8))
        if session.scalar(select(Pool.id).where(Pool.code == code)) is None:
            return code


def _by_code(session: Session, code: str) -> Pool:
    pool = session.scalar(select(Pool).where(Pool.code == code.strip().upper()))
    if pool is None:
        raise NotFound(f"pool {code} does not exist")
    return pool


# --- reading ------------------------------------------------------------------------------------

def membership(session: Session, pool_id: int, buyer_id: int | None) -> PoolMember | None:
    """The buyer's order still in the pool, if any."""
    return session.scalar(select(PoolMember).where(
        PoolMember.pool_id == pool_id, PoolMember.buyer_id == buyer_id, PoolMember.status.in_(HOLDING)))


def get_pool(session: Session, actor: Principal, ref: str) -> Pool:
    """By share code: any buyer (the link is for sharing), the store's staff, the operator. By id: the store's staff,
    the operator, and buyers who are or were in it. Another store's pool answers 404 like a missing one."""
    if ref.isdigit():
        pool = session.get(Pool, int(ref))
        visible = pool is not None and (actor.may_see_store(pool.store_id) if actor.role is not Role.BUYER else
                                        session.scalar(select(PoolMember.id).where(
                                            PoolMember.pool_id == pool.id, PoolMember.buyer_id == actor.buyer_id).limit(1))
                                        is not None)
    else:
        pool = session.scalar(select(Pool).where(Pool.code == ref.strip().upper()))
        visible = pool is not None and (actor.role is Role.BUYER or actor.may_see_store(pool.store_id))
    if pool is None or not visible:
        raise NotFound(f"pool {ref} does not exist")
    return pool


@dataclass(frozen=True)
class PoolFilter:
    store_id: int | None = None
    offer_id: int | None = None
    status: str | None = None
    limit: int = 50
    before_id: int | None = None


def list_pools(session: Session, actor: Principal, f: PoolFilter) -> list[Pool]:
    """Newest first: a buyer's pools (opened or joined), a store's, or every pool for the operator."""
    visible = scoped(select(PoolMember.pool_id), actor, PoolMember.store_id, PoolMember.buyer_id)
    query = newest_first(select(Pool), Pool.id, f.limit, f.before_id).where(Pool.id.in_(visible))
    query = matching(query, (Pool.store_id, f.store_id), (Pool.offer_id, f.offer_id))
    if f.status is not None:
        query = query.where(Pool.status == PoolStatus(f.status).value)
    return list(session.scalars(query))


@dataclass(frozen=True)
class PoolView:
    """A pool as one caller sees it: its offer, its basket against the threshold, the orders in it (staff and the
    operator only), the caller's own order, and the moves offered to the caller."""

    pool: Pool
    offer: PoolOffer
    progress: rules.Progress
    members: list[PoolMember] | None
    mine: PoolMember | None
    allowed_actions: list[moves.PoolAction]


def view(session: Session, now: datetime, actor: Principal, pool: Pool) -> PoolView:
    offer = session.get(PoolOffer, pool.offer_id)
    assert offer is not None
    mine = membership(session, pool.id, actor.buyer_id) if actor.role is Role.BUYER else None
    members = None if actor.role is Role.BUYER else list(session.scalars(
        select(PoolMember).where(PoolMember.pool_id == pool.id).order_by(PoolMember.id)))
    offered: list[moves.PoolAction] = []
    if actor.role is Role.BUYER:
        offered = moves.allowed_actions(pool.status, "member" if mine is not None else "buyer")
        if "join" in offered:
            try:
                rules.check_joinable(facts(pool), now)
            except rules.PoolNotJoinable:
                offered.remove("join")
    return PoolView(pool, offer, rules.progress(facts(pool), now), members, mine, offered)


def store_board(session: Session, now: datetime, actor: Principal, store_id: int,
                statuses: Sequence[str] = (PoolStatus.PENDING.value, PoolStatus.OPEN.value),
                limit: int = 50) -> list[tuple[Pool, PoolOffer, rules.Progress]]:
    """A store's pools in these states, soonest expiry first, with their basket against the threshold: the console's
    section on the group board."""
    require_store_manager(actor, store_id)
    rows = session.execute(select(Pool, PoolOffer).join(PoolOffer, PoolOffer.id == Pool.offer_id)
                           .where(Pool.store_id == store_id, Pool.status.in_(statuses))
                           .order_by(Pool.expires_at, Pool.id).limit(limit)).all()
    return [(pool, offer, rules.progress(facts(pool), now)) for pool, offer in rows]
