"""A community leader's payouts (社区团购 团长): their released commission, in `commission_payable` like a promoter's,
paid out on request once store staff approve. The money moves through distribution's one payout code path
(`distribution.payouts.payout_requested` / `payout_decided`, the payee a leader); here is who may ask and decide:
the leader asks for their own money, their store's staff decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from shopkeeper.auth import Principal, Role
from shopkeeper.scope import require_role, require_store_manager
from shopkeeper.social.community.models import Leader
from shopkeeper.social.community.service import get_leader
from shopkeeper.social.distribution import commissions
from shopkeeper.social.distribution import payouts as distribution

if TYPE_CHECKING:
    from shopkeeper.social.distribution.models import Payout


def payee_of(session: Session, leader: Leader) -> distribution.Payee:
    return distribution.leader_payee(session, leader.store_id, leader.id)


def request_payout(session: Session, now: datetime, actor: Principal, leader_id: int, amount_minor: int) -> Payout:
    """The leader asks for released commission, at most their balance now; staff decide."""
    require_role(actor, Role.BUYER)  # only the leader asks for their money
    leader = get_leader(session, actor, leader_id)
    return distribution.payout_requested(session, now, payee_of(session, leader), amount_minor)


def list_payouts(session: Session, actor: Principal, leader_id: int, limit: int, before_id: int | None) -> list[Payout]:
    """The leader's payouts, newest first: the leader, their store's staff, the operator."""
    return distribution.payouts_of(session, payee_of(session, get_leader(session, actor, leader_id)), limit, before_id)


def decide_payout(session: Session, now: datetime, actor: Principal, leader_id: int, payout_id: int, approve: bool,
                  note: str | None = None) -> Payout:
    """Store staff approve (the money leaves the leader's balance) or reject."""
    leader = get_leader(session, actor, leader_id)
    require_store_manager(actor, leader.store_id)
    return distribution.payout_decided(session, now, payee_of(session, leader), payout_id, approve, note)


@dataclass(frozen=True)
class Balance:
    """A leader's commission: frozen, released (less later claw-backs), clawed back, paid out, payable now."""

    currency: str
    frozen: int
    released: int
    clawed_back: int
    paid_out: int
    payable: int


def balance(session: Session, actor: Principal, leader_id: int) -> Balance:
    leader = get_leader(session, actor, leader_id)
    payee = payee_of(session, leader)
    figures = commissions.leader_figures(session, leader.id)
    return Balance(payee.currency, figures["frozen"], figures["released"], figures["clawed_back"],
                   distribution.paid_out_of(session, payee), distribution.balance_of(session, payee))
