"""What moves commission, heard from orders in their transaction (composition root's listeners) and from the timer.

- paid: the buyer's last touch within the store's window names the promoter; commission per line from what the
  lines paid (after discounts) is frozen: the store's pledge `commission_pledged` → `commission_frozen`.
- completed: the release is scheduled for when the rulebook's after-sales case window closes (a durable timer).
- release (timer): the pledge is undone and the store funds the commission from its balance into
  `commission_payable`, the promoters' balances, out of which payouts go.
- closed / refunded: commission is clawed back in proportion to what was refunded (all of it on a full refund);
  after release, out of the promoter's balance, which may go negative and is carried to the next payout.

A community leader (社区团购 团长, social.community) is the other payee: `freeze_for_leader` freezes their commission
on an order collected at their point, through the same `_hold`; release and claw-back are the same code for both, and
only a promoter has counters, statement entries and a level to move.

Locks: the order first (orders hold it when they tell us; the timer takes it), then its commissions; a promoter's
counters move by atomic UPDATEs.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks, timers
from shopkeeper.aftersales.cases.rules import case_window
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import Clock
from shopkeeper.fulfillment import service as fulfillment
from shopkeeper.money import Money
from shopkeeper.orders import ledger
from shopkeeper.orders import service as orders
from shopkeeper.orders.rules import OrderStatus
from shopkeeper.scope import SYSTEM
from shopkeeper.social.distribution import rules
from shopkeeper.social.distribution.models import Attribution, Commission, Promoter, PromoterEntry, Touch
from shopkeeper.social.distribution.moves import CommissionStatus, next_state
from shopkeeper.social.distribution.service import program_of, terms_of

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

RELEASE = "distribution.release"
LEADER_TIER = 0  # a community leader's commission: one level, on a sale at their own pickup point


def _subject(order: Order) -> str:
    return f"order:{order.id}"


# --- paid: attribute and freeze -------------------------------------------------------------------------

def order_paid(session: Session, now: datetime, order: Order) -> None:
    """Attribute a paid order to the buyer's last touch within the window and freeze its commission."""
    if order.status != OrderStatus.PAID:
        return  # e.g. a group buy refused the payment and closed the order in this same transaction
    terms = terms_of(program_of(session, order.store_id))
    if not terms.enabled or session.scalar(select(Commission.id).where(Commission.order_id == order.id,
                                                                       Commission.promoter_id.is_not(None)).limit(1)):
        return
    last = session.scalar(select(Touch).where(Touch.buyer_id == order.buyer_id, Touch.store_id == order.store_id,
                                              Touch.at <= now).order_by(Touch.at.desc(), Touch.id.desc()).limit(1))
    if last is None or not rules.attributed(last.at, now, terms.attribution_days):
        return
    promoter = session.get(Promoter, last.promoter_id)
    if promoter is None or promoter.buyer_id == order.buyer_id:
        return  # commission only on sales to other buyers
    _attribute(session, now, order, last)
    lines = [_paid_line(session, line) for line in order.lines]
    if last.commission_percent is not None:  # a live session's or content task's own terms (RULES.md §4.3)
        terms = rules.at_percent(terms, Decimal(last.commission_percent))
        first = rules.commissions(lines, terms)
    else:
        first = rules.commissions(lines, terms, rules.bonus_of(promoter.level, terms.levels))
    _freeze(session, now, order, promoter, 1, lines, first)
    recruiter = session.get(Promoter, promoter.recruiter_id) if promoter.recruiter_id else None
    if recruiter is not None and recruiter.buyer_id != order.buyer_id:  # the direct recruiter only: never a third
        _freeze(session, now, order, recruiter, 2, lines, rules.second_level(lines, first, terms))


def _attribute(session: Session, now: datetime, order: Order, touch: Touch) -> None:
    """Record which touch won the order, with the live session or content task it named: their figures' source."""
    session.add(Attribution(store_id=order.store_id, order_id=order.id, promoter_id=touch.promoter_id, touch_id=touch.id,
                            live_session_id=touch.live_session_id, task_id=touch.task_id, currency=order.currency,
                            paid_minor=order.total_minor, refunded_minor=0, at=now))


def _paid_line(session: Session, line: Any) -> rules.PaidLine:
    product = catalog.product_by_id(session, line.product_id)
    return rules.PaidLine(line.id, line.product_id, product.category_id, line.quantity, line.payable_minor,
                          tuple(str(d.get("promotion", "")) for d in line.discounts or []))


def _freeze(session: Session, now: datetime, order: Order, promoter: Promoter, tier: int, lines: list[rules.PaidLine],
            per_line: dict[int, int]) -> None:
    sales = sum(line.paid_minor for line in lines if per_line[line.line_id])
    held = _hold(session, now, order, tier, sales, per_line, promoter_id=promoter.id)
    if held is not None:
        commission, transfer = held
        _move(session, promoter.id, frozen_minor=commission.amount_minor)
        _entry(session, now, commission, "frozen", commission.amount_minor, transfer)


def freeze_for_leader(session: Session, now: datetime, order: Order, leader_id: int, sales_minor: int,
                      per_line: dict[int, int]) -> Commission | None:
    """社区团购: a leader's commission on an order collected at their pickup point, frozen now. Call it before the
    order completes: its completion schedules the release (`order_completed`), and refunds claw it back (`claw_back`),
    exactly as for a promoter's."""
    held = _hold(session, now, order, LEADER_TIER, sales_minor, per_line, leader_id=leader_id)
    return None if held is None else held[0]


def _hold(session: Session, now: datetime, order: Order, tier: int, sales: int, per_line: dict[int, int],
          promoter_id: int | None = None, leader_id: int | None = None) -> tuple[Commission, str] | None:
    """Freeze one payee's commission: the row, the store's pledge moved to `commission_frozen`, the event."""
    amount = sum(per_line.values())
    if amount <= 0:
        return None
    commission = Commission(store_id=order.store_id, order_id=order.id, promoter_id=promoter_id, leader_id=leader_id,
                            tier=tier, currency=order.currency, sales_minor=sales, amount_minor=amount, clawed_back_minor=0,
                            lines={str(k): v for k, v in per_line.items() if v}, status=CommissionStatus.FROZEN.value,
                            frozen_at=now)
    session.add(commission)
    session.flush()
    transfer = ledger.transfer(session, now, "commission_freeze", order.store_id, order.id, Money(amount, order.currency),
                               ledger.COMMISSION_PLEDGED, ledger.COMMISSION_FROZEN)
    events.record(session, now, "commission.frozen", _subject(order), order.store_id, **_payee(commission), tier=tier,
                  amount_minor=amount, sales_minor=sales)
    return commission, transfer


def _payee(c: Commission) -> dict[str, int]:
    return {"promoter_id": c.promoter_id} if c.promoter_id is not None else {"leader_id": c.leader_id or 0}


def _move(session: Session, promoter_id: int, **deltas: int) -> None:
    """Add to a promoter's counters in one atomic UPDATE (concurrent orders of one promoter never lose an update)."""
    session.execute(update(Promoter).where(Promoter.id == promoter_id)
                    .values({name: getattr(Promoter, name) + delta for name, delta in deltas.items()})
                    .execution_options(synchronize_session=False))


def _entry(session: Session, now: datetime, c: Commission, kind: str, amount: int, transfer: str) -> None:
    assert c.promoter_id is not None
    session.add(PromoterEntry(promoter_id=c.promoter_id, store_id=c.store_id, kind=kind, amount_minor=amount,
                              currency=c.currency, order_id=c.order_id, commission_id=c.id, transfer=transfer, at=now))


def _commissions(session: Session, order_id: int) -> list[Commission]:
    return list(session.scalars(select(Commission).where(Commission.order_id == order_id).order_by(Commission.tier)
                                .with_for_update().execution_options(populate_existing=True)))


# --- completed: schedule the release --------------------------------------------------------------------

def order_completed(session: Session, now: datetime, order: Order) -> None:
    """The order completed: its frozen commission is released when no after-sales case can open any more."""
    frozen = [c for c in _commissions(session, order.id) if c.status == CommissionStatus.FROZEN]
    if not frozen:
        return
    at = rules.release_at(now, window_closes(session, order))
    for c in frozen:
        c.release_at = at
    events.record(session, now, "commission.release_scheduled", _subject(order), order.store_id, release_at=at.isoformat())
    timers.schedule(session, RELEASE, _subject(order), at, order.store_id, order_id=order.id)


def window_closes(session: Session, order: Order) -> datetime | None:
    """When the rulebook's case window closes for the order's parcel (aftersales.cases.rules.case_window)."""
    shipped = fulfillment.shipping_class_of(session, order.id)
    if shipped is None:
        return None
    book = rulebooks.load(catalog.store_by_id(session, order.store_id).rulebook)
    return case_window(book, shipped[1] or book.receipt.default_class, shipped[0])[1]


def release(session: Session, clock: Clock, timer: timers.Timer) -> None:
    """The window closed: what is left of each frozen commission goes to its promoter's balance, funded by the store.
    The promoter's released sales grow, and with them, maybe, the level. A repeated timer finds nothing frozen."""
    now = clock.now()
    order = orders.get_order(session, SYSTEM, timer.payload["order_id"], for_update=True)
    for c in _commissions(session, order.id):
        if c.status != CommissionStatus.FROZEN or c.release_at is None or now < c.release_at:
            continue
        c.status, c.released_at = next_state(c.status, "release"), now
        left = c.amount_minor - c.clawed_back_minor
        money = Money(left, c.currency)
        ledger.transfer(session, now, "commission_release", c.store_id, c.order_id, money, ledger.COMMISSION_FROZEN,
                        ledger.COMMISSION_PLEDGED)
        transfer = ledger.transfer(session, now, "commission_release", c.store_id, c.order_id, money,
                                   ledger.STORE_BALANCE, ledger.COMMISSION_PAYABLE)
        if c.promoter_id is None:  # a leader: their figures are sums over their commissions (`leader_figures`)
            events.record(session, now, "commission.released", _subject(order), c.store_id, **_payee(c), tier=c.tier,
                          amount_minor=left)
            continue
        sales = c.sales_minor * left // c.amount_minor if c.amount_minor else 0
        _move(session, c.promoter_id, frozen_minor=-left, released_minor=left, balance_minor=left,
              released_sales_minor=sales if c.tier == 1 else 0)
        _entry(session, now, c, "released", left, transfer)
        level = _relevel(session, c.promoter_id)
        events.record(session, now, "commission.released", _subject(order), c.store_id, promoter_id=c.promoter_id,
                      tier=c.tier, amount_minor=left, level=level)


def _relevel(session: Session, promoter_id: int) -> int:
    """Levels rise with released sales only, never with recruits (RULES.md §17.2); they never fall."""
    promoter = session.scalar(select(Promoter).where(Promoter.id == promoter_id).execution_options(populate_existing=True))
    assert promoter is not None
    reached = rules.level_for(promoter.released_sales_minor, terms_of(program_of(session, promoter.store_id)).levels)
    if reached > promoter.level:
        promoter.level = reached
    return promoter.level


# --- closed / refunded: claw back ----------------------------------------------------------------------

def order_closed(session: Session, now: datetime, order: Order) -> None:
    """A paid order closed with everything refunded: all its commission comes back."""
    _note_refunds(session, order)
    claw_back(session, now, order)


def order_refunded(session: Session, now: datetime, order: Order) -> None:
    """Part of the order was refunded: its commission comes back in proportion."""
    _note_refunds(session, order)
    claw_back(session, now, order)


def _note_refunds(session: Session, order: Order) -> None:
    """An attributed order's refunds so far, kept on its attribution for the session's and task's figures."""
    if session.scalar(select(Attribution.id).where(Attribution.order_id == order.id)) is None:
        return
    session.execute(update(Attribution).where(Attribution.order_id == order.id)
                    .values(refunded_minor=ledger.refunded(session, order.store_id, order.id))
                    .execution_options(synchronize_session=False))


def claw_back(session: Session, now: datetime, order: Order) -> None:
    """Bring each commission's clawed-back total to its share of what has been refunded so far. Before release it
    comes out of the frozen pledge; after, out of the promoter's balance (negative if need be) back to the store."""
    found = _commissions(session, order.id)
    if not found:
        return
    refunded = ledger.refunded(session, order.store_id, order.id)
    targets = rules.clawback_targets([c.amount_minor for c in found], refunded, order.total_minor)
    for c, target in zip(found, targets):
        delta = target - c.clawed_back_minor
        if delta <= 0:
            continue
        money = Money(delta, c.currency)
        c.clawed_back_minor = target
        if c.status == CommissionStatus.RELEASED:
            transfer = ledger.transfer(session, now, "commission_clawback", c.store_id, c.order_id, money,
                                       ledger.COMMISSION_PAYABLE, ledger.STORE_BALANCE)
            if c.promoter_id is not None:
                _move(session, c.promoter_id, clawed_back_minor=delta, balance_minor=-delta)
        else:
            transfer = ledger.transfer(session, now, "commission_clawback", c.store_id, c.order_id, money,
                                       ledger.COMMISSION_FROZEN, ledger.COMMISSION_PLEDGED)
            if c.promoter_id is not None:
                _move(session, c.promoter_id, clawed_back_minor=delta, frozen_minor=-delta)
            if target == c.amount_minor:
                c.status = next_state(c.status, "claw_back")
        if c.promoter_id is not None:
            _entry(session, now, c, "clawed_back", delta, transfer)
        events.record(session, now, "commission.clawed_back", _subject(order), c.store_id, **_payee(c), tier=c.tier,
                      amount_minor=delta, refunded_minor=refunded, after_release=c.status == CommissionStatus.RELEASED)


# --- a leader's figures ---------------------------------------------------------------------------------

def leader_figures(session: Session, leader_id: int) -> dict[str, int]:
    """A community leader's commission as sums over their commissions (a promoter keeps counters instead): frozen
    (what is left of the frozen ones), released (what is left of the released ones: their balance, payable), and
    everything clawed back."""
    rows = session.execute(select(Commission.status, func.coalesce(func.sum(Commission.amount_minor), 0),
                                  func.coalesce(func.sum(Commission.clawed_back_minor), 0))
                           .where(Commission.leader_id == leader_id).group_by(Commission.status)).all()
    out = {"frozen": 0, "released": 0, "clawed_back": 0}
    for status, amount, clawed in rows:
        out["clawed_back"] += int(clawed)
        if status == CommissionStatus.FROZEN:
            out["frozen"] += int(amount) - int(clawed)
        elif status == CommissionStatus.RELEASED:
            out["released"] += int(amount) - int(clawed)
    return out


def leader_commissions(session: Session, order_ids: list[int]) -> dict[int, Commission]:
    """The leader's commission of each of these orders that has one, by order id."""
    if not order_ids:
        return {}
    return {c.order_id: c for c in session.scalars(select(Commission).where(Commission.order_id.in_(order_ids),
                                                                             Commission.tier == LEADER_TIER))}
