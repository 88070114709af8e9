"""Distribution payouts (提现): a payee asks for released money, staff approve (the money leaves the payee's balance for
the provider) or reject.

One code path for either payee a commission has: a promoter (here, through `service.get_promoter`) or a community
leader (`social.community.payouts` checks who asks, then calls `payout_requested` / `payout_decided`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.db import newest_first
from shopkeeper.errors import NotFound
from shopkeeper.money import Money
from shopkeeper.orders import ledger
from shopkeeper.scope import require_role, require_store_manager
from shopkeeper.social.distribution import rules
from shopkeeper.social.distribution.models import Commission, Payout, Promoter, PromoterEntry
from shopkeeper.social.distribution.moves import CommissionStatus, PayoutStatus, next_state
from shopkeeper.social.distribution.service import get_promoter


@dataclass(frozen=True)
class Payee:
    """Whom a payout pays: a promoter, or a community leader (社区团购 团长), as a commission's payee is
    (`Commission.promoter_id` / `Commission.leader_id`). Built by `promoter_payee` here and, for a leader, by
    `social.community` once it has checked who asks (`leader_payee`)."""

    store_id: int
    currency: str
    promoter_id: int | None = None
    leader_id: int | None = None

    @property
    def subject(self) -> str:
        return f"promoter:{self.promoter_id}" if self.promoter_id is not None else f"leader:{self.leader_id}"

    def owns(self) -> Any:
        """The payee's payouts, as a WHERE clause."""
        return Payout.promoter_id == self.promoter_id if self.promoter_id is not None else Payout.leader_id == self.leader_id


def promoter_payee(promoter: Promoter) -> Payee:
    return Payee(promoter.store_id, promoter.currency, promoter_id=promoter.id)


def leader_payee(session: Session, store_id: int, leader_id: int) -> Payee:
    return Payee(store_id, catalog.store_by_id(session, store_id).currency, leader_id=leader_id)


def balance_of(session: Session, payee: Payee, lock: bool = False) -> int:
    """Payable now. A promoter's is their counter. A leader keeps no counter (their figures are sums over their
    commissions, `commissions.leader_figures`): released less later claw-backs, less what approved payouts took;
    `lock` first locks their released commissions, so concurrent approvals and claw-backs of one leader queue."""
    if payee.promoter_id is not None:
        found = session.scalar(select(Promoter.balance_minor).where(Promoter.id == payee.promoter_id)
                               .execution_options(populate_existing=True))
        return int(found or 0)
    released = (Commission.leader_id == payee.leader_id, Commission.status == CommissionStatus.RELEASED.value)
    if lock:
        session.execute(select(Commission.id).where(*released).order_by(Commission.id).with_for_update()).all()
    earned = session.scalar(select(func.coalesce(func.sum(Commission.amount_minor - Commission.clawed_back_minor), 0))
                            .where(*released))
    paid = session.scalar(select(func.coalesce(func.sum(Payout.amount_minor), 0))
                          .where(payee.owns(), Payout.status == PayoutStatus.APPROVED.value))
    return int(earned or 0) - int(paid or 0)


def paid_out_of(session: Session, payee: Payee) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(Payout.amount_minor), 0))
                              .where(payee.owns(), Payout.status == PayoutStatus.APPROVED.value)) or 0)


def request_payout(session: Session, now: datetime, actor: Principal, promoter_id: int, amount_minor: int) -> Payout:
    """The promoter asks for released money, no more than their balance now; staff decide."""
    require_role(actor, Role.BUYER)  # only the promoter asks for their money
    return payout_requested(session, now, promoter_payee(get_promoter(session, actor, promoter_id)), amount_minor)


def payout_requested(session: Session, now: datetime, payee: Payee, amount_minor: int) -> Payout:
    """A payee asks for released money, no more than their balance now. The caller checked that the payee asks."""
    rules.check_payout(amount_minor, balance_of(session, payee))
    payout = Payout(store_id=payee.store_id, promoter_id=payee.promoter_id, leader_id=payee.leader_id,
                    amount_minor=amount_minor, currency=payee.currency, status=PayoutStatus.REQUESTED.value,
                    requested_at=now)
    session.add(payout)
    session.flush()
    events.record(session, now, "distribution.payout_requested", payee.subject, payee.store_id, payout_id=payout.id,
                  amount_minor=amount_minor)
    return payout


def list_payouts(session: Session, actor: Principal, promoter_id: int, limit: int, before_id: int | None) -> list[Payout]:
    return payouts_of(session, promoter_payee(get_promoter(session, actor, promoter_id)), limit, before_id)


def payouts_of(session: Session, payee: Payee, limit: int, before_id: int | None) -> list[Payout]:
    """A payee's payouts, newest first. The caller checked that the reader may see them."""
    return list(session.scalars(newest_first(select(Payout).where(payee.owns()), Payout.id, limit, before_id)))


def decide_payout(session: Session, now: datetime, actor: Principal, promoter_id: int, payout_id: int, approve: bool,
                  note: str | None = None) -> Payout:
    """Staff approve (the money leaves the promoter's balance) or reject."""
    promoter = get_promoter(session, actor, promoter_id)
    require_store_manager(actor, promoter.store_id)
    return payout_decided(session, now, promoter_payee(promoter), payout_id, approve, note)


def payout_decided(session: Session, now: datetime, payee: Payee, payout_id: int, approve: bool,
                   note: str | None = None) -> Payout:
    """Approve (the money leaves the payee's balance for the provider) or reject; the caller checked that the actor
    manages the payee's store. The decision is one conditional UPDATE of the payout (`requested` only), and approval
    takes the balance under `balance_minor >= amount` (a promoter's counter) or with the leader's released commissions
    locked (`balance_of`), so concurrent approvals never pay out more than was released."""
    payout = session.scalar(select(Payout).where(Payout.id == payout_id, payee.owns()))
    if payout is None:
        raise NotFound(f"payout {payout_id} does not exist")
    to = next_state(payout.status, "approve" if approve else "reject")
    decided = session.execute(update(Payout).where(Payout.id == payout.id, Payout.status == PayoutStatus.REQUESTED.value)
                              .values(status=to, decided_at=now, note=note).execution_options(synchronize_session=False))
    if decided.rowcount != 1:  # type: ignore[attr-defined]  # another decision came first
        session.refresh(payout)
        next_state(payout.status, "approve" if approve else "reject")
    if approve:
        _take(session, now, payee, payout)
    session.refresh(payout)
    if approve:
        events.record(session, now, "distribution.payout_approved", payee.subject, payee.store_id,
                      payout_id=payout.id, amount_minor=payout.amount_minor)
    else:
        events.record(session, now, "distribution.payout_rejected", payee.subject, payee.store_id,
                      payout_id=payout.id, amount_minor=payout.amount_minor, note=note)
    return payout


def _take(session: Session, now: datetime, payee: Payee, payout: Payout) -> None:
    """The approved amount leaves the payee's balance (refused if it holds less) and `commission_payable`."""
    if payee.promoter_id is not None:
        taken = session.execute(update(Promoter).where(Promoter.id == payee.promoter_id,
                                                       Promoter.balance_minor >= payout.amount_minor)
                                .values(balance_minor=Promoter.balance_minor - payout.amount_minor,
                                        paid_out_minor=Promoter.paid_out_minor + payout.amount_minor)
                                .execution_options(synchronize_session=False)).rowcount == 1  # type: ignore[attr-defined]
        balance = balance_of(session, payee)
    else:  # this payout is approved already in this transaction: the balance left must not be negative
        balance = balance_of(session, payee, lock=True)
        taken = balance >= 0
        balance += 0 if taken else payout.amount_minor
    if not taken:
        raise rules.PayoutExceedsBalance(f"the payout {payout.amount_minor} is more than the released balance {balance}",
                                         balance_minor=balance)
    transfer = ledger.transfer(session, now, "payout", payee.store_id, None, Money(payout.amount_minor, payout.currency),
                               ledger.COMMISSION_PAYABLE, ledger.PROVIDER)
    if payee.promoter_id is not None:
        session.add(PromoterEntry(promoter_id=payee.promoter_id, store_id=payee.store_id, kind="paid_out",
                                  amount_minor=payout.amount_minor, currency=payout.currency, payout_id=payout.id,
                                  transfer=transfer, at=now))
