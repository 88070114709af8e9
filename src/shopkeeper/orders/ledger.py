"""Escrow and settlement as a double-entry ledger.

Paid money sits in `escrow` until receipt is confirmed, then moves to the
store's `store_balance`; a refund moves it back to `provider`. Each transfer's
entries sum to zero, so money is never created or lost.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.db import newest_first
from shopkeeper.money import Money
from shopkeeper.orders.models import LedgerEntry

PROVIDER, ESCROW, STORE_BALANCE = "provider", "escrow", "store_balance"
PLATFORM_SUBSIDY = "platform_subsidy"  # what the platform owes stores for the discounts it funds
# Distribution (分销): a commission frozen at payment is the store's pledge (`commission_pledged`, negative) against
# `commission_frozen`; at release the pledge is undone and the store funds it from its balance into
# `commission_payable`, which the promoters' payouts empty (to `provider`, as money leaving the system).
COMMISSION_PLEDGED, COMMISSION_FROZEN, COMMISSION_PAYABLE = "commission_pledged", "commission_frozen", "commission_payable"
ACCOUNTS = (PROVIDER, ESCROW, STORE_BALANCE, PLATFORM_SUBSIDY, COMMISSION_PLEDGED, COMMISSION_FROZEN, COMMISSION_PAYABLE)


def transfer(session: Session, now: datetime, kind: str, store_id: int, order_id: int | None,
             amount: Money, source: str, destination: str) -> str:
    if amount.minor < 0:
        raise ValueError("transfer a positive amount; swap the accounts instead")
    reference = f"{kind}-{uuid.uuid4().hex[:16]}"
    for account, minor in ((source, -amount.minor), (destination, amount.minor)):
        session.add(LedgerEntry(transfer=reference, store_id=store_id, order_id=order_id, account=account,
                                amount_minor=minor, currency=amount.currency, at=now, kind=kind))
    return reference


def hold_in_escrow(session: Session, now: datetime, store_id: int, order_id: int, amount: Money) -> str:
    return transfer(session, now, "payment", store_id, order_id, amount, PROVIDER, ESCROW)


def release_escrow(session: Session, now: datetime, store_id: int, order_id: int, amount: Money) -> str:
    return transfer(session, now, "release", store_id, order_id, amount, ESCROW, STORE_BALANCE)


def pay_platform_subsidy(session: Session, now: datetime, store_id: int, order_id: int, amount: Money) -> str:
    return transfer(session, now, "subsidy", store_id, order_id, amount, PLATFORM_SUBSIDY, STORE_BALANCE)


def refund_from_escrow(session: Session, now: datetime, store_id: int, order_id: int, amount: Money) -> str:
    return transfer(session, now, "refund", store_id, order_id, amount, ESCROW, PROVIDER)


def pay_compensation(session: Session, now: datetime, store_id: int, order_id: int, amount: Money) -> str:
    """An upheld complaint (赔付, RULES.md §7.3): the store pays the buyer out of its settled balance."""
    return transfer(session, now, "compensation", store_id, order_id, amount, STORE_BALANCE, PROVIDER)


def refunded(session: Session, store_id: int, order_id: int) -> int:
    """Everything refunded on an order so far, in minor units (from escrow or from the store's balance)."""
    return int(session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).where(
        LedgerEntry.store_id == store_id, LedgerEntry.order_id == order_id, LedgerEntry.kind == "refund",
        LedgerEntry.account == PROVIDER)) or 0)


def entries(session: Session, store_id: int, limit: int, before_id: int | None = None) -> list[LedgerEntry]:
    """A store's ledger lines, newest first."""
    query = select(LedgerEntry).where(LedgerEntry.store_id == store_id)
    return list(session.scalars(newest_first(query, LedgerEntry.id, limit, before_id)))


def balances(session: Session, store_id: int, currency: str, order_id: int | None = None) -> dict[str, Money]:
    query = select(LedgerEntry.account, func.sum(LedgerEntry.amount_minor)).where(
        LedgerEntry.store_id == store_id, LedgerEntry.currency == currency)
    if order_id is not None:
        query = query.where(LedgerEntry.order_id == order_id)
    sums = dict(session.execute(query.group_by(LedgerEntry.account)).all())
    return {account: Money(int(sums.get(account) or 0), currency) for account in ACCOUNTS}


def pay_reward(session: Session, now: datetime, store_id: int, order_id: int | None, amount: Money,
               platform_funded: bool) -> str:
    """A reward paid to a buyer as money (返现, 免单, 红包; social.rewards): out of the store's settled balance, or,
    for a platform program, out of the platform's account, to the buyer through the provider."""
    return transfer(session, now, "reward", store_id, order_id, amount,
                    PLATFORM_SUBSIDY if platform_funded else STORE_BALANCE, PROVIDER)
