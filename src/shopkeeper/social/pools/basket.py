"""What moves a pool: its members' payments and cancellations (heard from orders, in their transaction) and the
expiry timer. The paid basket moves by one conditional UPDATE of the pool's row, and the pool completes by another,
so however many payments arrive at once exactly one of them completes it, and none is counted in a pool that ended.

Locks are taken in the group buy's order (`groupbuys.seats`): orders before their pool.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shopkeeper import events, timers
from shopkeeper.clock import Clock
from shopkeeper.orders import service as orders
from shopkeeper.social.groupbuys.seats import LEFT, REFUSED, lock_orders, send_back
from shopkeeper.social.pools import rules
from shopkeeper.social.pools.models import Pool, PoolMember, PoolOffer
from shopkeeper.social.pools.moves import PoolAction, PoolStatus, next_state
from shopkeeper.social.pools.service import HOLDING, PLACED, SEATED, facts, measure, subject

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

EXPIRE = "pool.expire"
BY = "pool"  # who closes an order the pool ended (order.closed `by`)


def _member(session: Session, order_id: int) -> PoolMember | None:
    return session.scalar(select(PoolMember).where(PoolMember.order_id == order_id))


def _fresh(session: Session, pool_id: int, lock: bool = False) -> Pool:
    query = select(Pool).where(Pool.id == pool_id).execution_options(populate_existing=True)
    pool = session.scalar(query.with_for_update() if lock else query)
    assert pool is not None
    return pool


# --- payments -------------------------------------------------------------------------------------

def member_paid(session: Session, now: datetime, order: Order) -> None:
    """A member's order was paid: the opener's opens the pool; anyone's adds its items to the paid basket, and the
    payment that brings the basket to the threshold completes the pool. A payment for a pool that ended (or whose
    time is up) is refunded in full at once. Orders not held for a pool are none of its business."""
    if order.held_for_pool is None:
        return
    member = _member(session, order.id)
    if member is None or member.status != PLACED:
        return
    if member.role == "leader":
        added = _open(session, now, member)
    else:
        added = session.execute(
            update(Pool).where(Pool.id == member.pool_id, Pool.status == PoolStatus.OPEN.value, Pool.expires_at > now)
            .values(paid_members=Pool.paid_members + 1, paid_units=Pool.paid_units + member.units,
                    paid_amount_minor=Pool.paid_amount_minor + member.amount_minor)
            .execution_options(synchronize_session=False)).rowcount == 1  # type: ignore[attr-defined]
    pool = _fresh(session, member.pool_id)
    if not added:
        _refuse(session, now, member, pool)
        return
    member.status, member.paid_at = SEATED, now
    events.record(session, now, "pool.added", subject(pool), pool.store_id, order_id=order.id, buyer_id=member.buyer_id,
                  units=member.units, amount_minor=member.amount_minor, **measure(pool))
    if rules.reached(facts(pool)):
        _complete(session, now, pool)


def _open(session: Session, now: datetime, member: PoolMember) -> bool:
    offer = session.get(PoolOffer, member.offer_id)
    assert offer is not None
    expiry = rules.expires_at(now, offer.time_limit_hours)
    opened = session.execute(
        update(Pool).where(Pool.id == member.pool_id, Pool.status == PoolStatus.PENDING.value)
        .values(status=next_state(PoolStatus.PENDING, "open").value, opened_at=now, expires_at=expiry, paid_members=1,
                paid_units=member.units, paid_amount_minor=member.amount_minor)
        .execution_options(synchronize_session=False))
    if opened.rowcount != 1:  # type: ignore[attr-defined]
        return False
    pool = _fresh(session, member.pool_id)
    events.record(session, now, "pool.opened", subject(pool), pool.store_id, code=pool.code, order_id=member.order_id,
                  buyer_id=member.buyer_id, expires_at=expiry.isoformat())
    timers.schedule(session, EXPIRE, subject(pool), expiry, pool.store_id, pool_id=pool.id)
    return True


def _refuse(session: Session, now: datetime, member: PoolMember, pool: Pool) -> None:
    """Paid after the pool ended or ran out of time: not counted, and the money goes straight back."""
    reason = "pool_time_up" if pool.status == PoolStatus.OPEN else "pool_closed"
    member.status = REFUSED
    events.record(session, now, "pool.refused", subject(pool), pool.store_id, order_id=member.order_id,
                  buyer_id=member.buyer_id, reason=reason)
    orders.close_refunded(session, now, member.order_id, reason=reason, by=BY)


def _complete(session: Session, now: datetime, pool: Pool) -> None:
    """拼单成功: one conditional UPDATE decides it; every paid order goes on to fulfilment and its ship-by clock starts."""
    done = session.execute(update(Pool).where(Pool.id == pool.id, Pool.status == PoolStatus.OPEN.value)
                           .values(status=next_state(pool.status, "reach").value, completed_at=now)
                           .execution_options(synchronize_session=False))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return
    pool = _fresh(session, pool.id)
    events.record(session, now, "pool.completed", subject(pool), pool.store_id, paid_members=pool.paid_members,
                  **measure(pool))
    for member in session.scalars(select(PoolMember).where(PoolMember.pool_id == pool.id, PoolMember.status == SEATED)
                                  .order_by(PoolMember.order_id)):
        orders.release_pool_hold(session, now, member.order_id)


# --- cancellations --------------------------------------------------------------------------------

def member_closed(session: Session, now: datetime, order: Order) -> None:
    """A member's order closed before the pool was complete (cancelled, refunded, not paid in time): a paid order's
    items leave the basket; the opener's unpaid order takes its pending pool with it; the last paid member's, an open
    one. An order no longer held (its pool complete) or never held is none of its business."""
    if order.held_for_pool is None:
        return
    member = _member(session, order.id)
    if member is None or member.status not in HOLDING:
        return
    seated = member.status == SEATED
    member.status, member.left_at = LEFT, now
    pool = _fresh(session, member.pool_id)
    if member.role == "leader" and pool.status == PoolStatus.PENDING:
        _end(session, now, pool, "abandon", reason="opener_did_not_pay")
        return
    if seated and pool.status == PoolStatus.OPEN:
        session.execute(update(Pool).where(Pool.id == pool.id, Pool.status == PoolStatus.OPEN.value, Pool.paid_members > 0)
                        .values(paid_members=Pool.paid_members - 1, paid_units=Pool.paid_units - member.units,
                                paid_amount_minor=Pool.paid_amount_minor - member.amount_minor)
                        .execution_options(synchronize_session=False))
        pool = _fresh(session, pool.id)
    events.record(session, now, "pool.member_left", subject(pool), pool.store_id, order_id=order.id,
                  buyer_id=member.buyer_id, counted=seated, **measure(pool))
    if seated and pool.status == PoolStatus.OPEN and pool.paid_members == 0:
        _end(session, now, pool, "empty", reason="everyone_left")


def _end(session: Session, now: datetime, pool: Pool, action: PoolAction, reason: str) -> None:
    pool.status = next_state(pool.status, action).value
    pool.closed_at = now
    events.record(session, now, "pool.cancelled", subject(pool), pool.store_id, reason=reason)


# --- the expiry timer ----------------------------------------------------------------------------

def expire(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """Time is up short of the threshold (拼单失败): every member is refunded in full through escrow and the stock
    comes back, the way a failed group's are (`groupbuys.seats.send_back`). A stale or repeated timer finds the pool
    settled and does nothing."""
    now = clock.now()
    pool = session.get(Pool, timer.payload["pool_id"])
    if pool is None or pool.status != PoolStatus.OPEN or pool.expires_at is None or now < pool.expires_at:
        return
    lock_orders(session, session.scalars(select(PoolMember.order_id).where(
        PoolMember.pool_id == pool.id, PoolMember.status.in_(HOLDING)).order_by(PoolMember.order_id)).all())
    pool = _fresh(session, pool.id, lock=True)
    if pool.status != PoolStatus.OPEN:
        return
    pool.status, pool.closed_at = next_state(pool.status, "expire").value, now
    events.record(session, now, "pool.failed", subject(pool), pool.store_id, paid_members=pool.paid_members,
                  **measure(pool))
    send_back(session, now, session.scalars(select(PoolMember).where(PoolMember.pool_id == pool.id,
                                                                     PoolMember.status.in_(HOLDING))
                                            .order_by(PoolMember.order_id).execution_options(populate_existing=True)).all(),
              reason="pool_failed", by=BY)
