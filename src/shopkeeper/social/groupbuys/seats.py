"""What moves a group: its members' payments and cancellations (heard from orders, in their transaction) and the
expiry timer. Every seat moves by one conditional UPDATE of the group's row, so the database, not Python, keeps
`paid_members` between 0 and the group's size however many payments arrive at once.

Locks are taken in one order everywhere, orders before their group: a payment or a cancellation holds its order
when it reaches the group; the expiry timer locks the members' orders first, then the group.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shopkeeper import events, timers
from shopkeeper.clock import Clock
from shopkeeper.orders import service as orders
from shopkeeper.scope import SYSTEM
from shopkeeper.social.groupbuys import rules
from shopkeeper.social.groupbuys.models import GroupBuy, GroupBuyMember, GroupBuyOffer
from shopkeeper.social.groupbuys.moves import GroupAction, GroupStatus, next_state
from shopkeeper.social.groupbuys.service import HOLDING, PLACED, SEATED, facts, settings_of, subject

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

EXPIRE = "group_buy.expire"
REFUSED, LEFT, REFUNDED, CLOSED = "refused", "left", "refunded", "closed"
BY = "group_buy"  # who closes an order the group ended (order.closed `by`)


def _member(session: Session, order_id: int) -> GroupBuyMember | None:
    return session.scalar(select(GroupBuyMember).where(GroupBuyMember.order_id == order_id))


def _fresh(session: Session, group_id: int, lock: bool = False) -> GroupBuy:
    query = select(GroupBuy).where(GroupBuy.id == group_id).execution_options(populate_existing=True)
    group = session.scalar(query.with_for_update() if lock else query)
    assert group is not None
    return group


# --- payments (orders.service.mark_paid, through the composition root's hooks) -------------------------

def member_paid(session: Session, now: datetime, order: Order) -> None:
    """A member's order was paid: the opener's opens the group; anyone else's takes a seat, or, the group being
    full, closed or out of time, is refunded in full at once. Orders not held for a group are none of its business."""
    if order.held_for_group is None:
        return
    member = _member(session, order.id)
    if member is None or member.status != PLACED:
        return
    if member.role == "leader" and _open(session, now, member):
        return
    seated = session.execute(
        update(GroupBuy).where(GroupBuy.id == member.group_id, GroupBuy.status == GroupStatus.OPEN.value,
                               GroupBuy.paid_members < GroupBuy.size, GroupBuy.expires_at > now)
        .values(paid_members=GroupBuy.paid_members + 1).returning(GroupBuy.paid_members)
        .execution_options(synchronize_session=False)).first()
    group = _fresh(session, member.group_id)
    if seated is None:
        _refuse(session, now, member, group)
        return
    member.status, member.paid_at = SEATED, now
    events.record(session, now, "group_buy.seat_taken", subject(group), group.store_id, order_id=order.id,
                  buyer_id=member.buyer_id, paid_members=group.paid_members, size=group.size)
    if group.paid_members >= group.size:
        _complete(session, now, group)


def _open(session: Session, now: datetime, member: GroupBuyMember) -> bool:
    offer = session.get(GroupBuyOffer, member.offer_id)
    assert offer is not None
    expiry = rules.expires_at(now, offer.time_limit_hours)
    opened = session.execute(
        update(GroupBuy).where(GroupBuy.id == member.group_id, GroupBuy.status == GroupStatus.PENDING.value)
        .values(status=next_state(GroupStatus.PENDING, "open").value, paid_members=1, opened_at=now, expires_at=expiry)
        .execution_options(synchronize_session=False))
    if opened.rowcount != 1:  # type: ignore[attr-defined]
        return False
    group = _fresh(session, member.group_id)
    member.status, member.paid_at = SEATED, now
    events.record(session, now, "group_buy.opened", subject(group), group.store_id, code=group.code, order_id=member.order_id,
                  buyer_id=member.buyer_id, size=group.size, expires_at=expiry.isoformat())
    timers.schedule(session, EXPIRE, subject(group), expiry, group.store_id, group_id=group.id)
    return True


def _refuse(session: Session, now: datetime, member: GroupBuyMember, group: GroupBuy) -> None:
    """The (N+1)th payer: no seat, and the money goes straight back (the order closes, its stock on sale again)."""
    if group.status == GroupStatus.OPEN and group.paid_members < group.size:
        reason = "group_time_up"
    elif group.status in (GroupStatus.OPEN, GroupStatus.COMPLETE):
        reason = "group_full"
    else:
        reason = "group_closed"
    member.status = REFUSED
    events.record(session, now, "group_buy.seat_refused", subject(group), group.store_id, order_id=member.order_id,
                  buyer_id=member.buyer_id, reason=reason)
    orders.close_refunded(session, now, member.order_id, reason=reason, by=BY)


def _complete(session: Session, now: datetime, group: GroupBuy, auto_filled_seats: int = 0) -> None:
    """成团: every paid member's order goes on to fulfilment; its ship-by clock starts now."""
    group.status = next_state(group.status, "auto_fill" if auto_filled_seats else "fill").value
    group.completed_at, group.auto_filled_seats = now, auto_filled_seats
    if auto_filled_seats:
        events.record(session, now, "group_buy.auto_filled", subject(group), group.store_id, seats=auto_filled_seats,
                      paid_members=group.paid_members, size=group.size)
    events.record(session, now, "group_buy.completed", subject(group), group.store_id, paid_members=group.paid_members,
                  size=group.size, auto_filled_seats=auto_filled_seats)
    for member in session.scalars(select(GroupBuyMember).where(GroupBuyMember.group_id == group.id,
                                                               GroupBuyMember.status == SEATED).order_by(GroupBuyMember.order_id)):
        orders.release_group_hold(session, now, member.order_id)


# --- cancellations (orders.service._close, through the hooks) ------------------------------------

def member_closed(session: Session, now: datetime, order: Order) -> None:
    """A member's order closed before the group ended (cancelled, refunded, not paid in time): a paid member's seat
    is free again; the opener's unpaid order takes its pending group with it; the last paid member's, an open one.
    An order no longer held (its group complete) or never held is none of its business."""
    if order.held_for_group is None:
        return
    member = _member(session, order.id)
    if member is None or member.status not in HOLDING:
        return  # the group already settled this member (refused, refunded, closed)
    seated = member.status == SEATED
    member.status, member.left_at = LEFT, now
    group = _fresh(session, member.group_id)
    if member.role == "leader" and group.status == GroupStatus.PENDING:
        _end(session, now, group, "abandon", reason="opener_did_not_pay")
        return
    if seated and group.status == GroupStatus.OPEN:
        session.execute(update(GroupBuy).where(GroupBuy.id == group.id, GroupBuy.status == GroupStatus.OPEN.value,
                                               GroupBuy.paid_members > 0)
                        .values(paid_members=GroupBuy.paid_members - 1).execution_options(synchronize_session=False))
        group = _fresh(session, group.id)
    events.record(session, now, "group_buy.member_left", subject(group), group.store_id, order_id=order.id,
                  buyer_id=member.buyer_id, seat_freed=seated, paid_members=group.paid_members, size=group.size)
    if seated and group.status == GroupStatus.OPEN and group.paid_members == 0:
        _end(session, now, group, "empty", reason="everyone_left")


def _end(session: Session, now: datetime, group: GroupBuy, action: GroupAction, reason: str) -> None:
    group.status = next_state(group.status, action).value
    group.closed_at = now
    events.record(session, now, "group_buy.cancelled", subject(group), group.store_id, reason=reason)


# --- the expiry timer ----------------------------------------------------------------------------

def expire(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """Time is up (RULES.md §4.1, 拼团失败): every paid member is refunded in full through escrow and the stock comes
    back; unpaid orders close. Unless the store's 模拟成团 fills the few seats missing: then the group completes,
    recorded as filled by the system. A stale or repeated timer finds the group settled and does nothing."""
    now = clock.now()
    group = session.get(GroupBuy, timer.payload["group_id"])
    if group is None or group.status != GroupStatus.OPEN or group.expires_at is None or now < group.expires_at:
        return
    lock_orders(session, _holding_orders(session, group.id))
    group = _fresh(session, group.id, lock=True)
    if group.status != GroupStatus.OPEN:
        return
    settings = settings_of(session, group.store_id)
    outcome = rules.at_expiry(facts(group), settings.auto_fill, settings.auto_fill_seats)
    if outcome == "fail":
        group.status, group.closed_at = next_state(group.status, "expire").value, now
        events.record(session, now, "group_buy.failed", subject(group), group.store_id, paid_members=group.paid_members,
                      size=group.size)
    else:
        _complete(session, now, group, auto_filled_seats=group.size - group.paid_members)
    holding = session.scalars(select(GroupBuyMember).where(GroupBuyMember.group_id == group.id,
                                                           GroupBuyMember.status.in_(HOLDING))
                              .order_by(GroupBuyMember.order_id).execution_options(populate_existing=True)).all()
    if outcome == "fail":
        send_back(session, now, holding, reason="group_failed", by=BY)
    else:  # the completed group released its seated members' orders to fulfilment; the unpaid ones close
        send_back(session, now, [m for m in holding if m.status != SEATED], reason="group_full", by=BY)


class Held(Protocol):
    """A member row of a group buy or a pool (拼单): its order, and where it stands (placed, seated, ...)."""

    order_id: int
    status: str


def lock_orders(session: Session, order_ids: Iterable[int]) -> None:
    """Orders first, then their group (or pool): the order in which payments and cancellations lock."""
    for order_id in order_ids:
        orders.get_order(session, SYSTEM, order_id, for_update=True)


def send_back(session: Session, now: datetime, members: Iterable[Held], reason: str, by: str) -> None:
    """拼团失败, and 拼单失败 (`pools.basket.expire`): every order still in the group or pool closes; a paid member's is
    refunded in full through escrow, an unpaid one's simply closes, and either way its stock is on sale again
    (`orders.close_refunded`). The one place a failed group's or pool's money and stock go back."""
    for member in members:
        member.status = REFUNDED if member.status == SEATED else CLOSED
        orders.close_refunded(session, now, member.order_id, reason=reason, by=by)


def _holding_orders(session: Session, group_id: int) -> list[int]:
    return list(session.scalars(select(GroupBuyMember.order_id).where(
        GroupBuyMember.group_id == group_id, GroupBuyMember.status.in_(HOLDING)).order_by(GroupBuyMember.order_id)))
