"""The checks every money-and-stock property test makes, written once: the ledger is double entry, stock is conserved.

Each takes an open session and asserts; the property tests (orders, group buys, distribution, rewards, the social
state machine) and the scenario helpers call them after every step instead of keeping their own copies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.inventory.models import Stock, StockMovement
from shopkeeper.orders import ledger
from shopkeeper.orders.models import LedgerEntry, Order, OrderLine
from shopkeeper.orders.rules import OrderStatus

OPEN = (OrderStatus.AWAITING_PAYMENT, OrderStatus.PAID)  # orders whose units are reserved, not yet shipped


def ledger_sums_to_zero(session: Session, store_id: int | None = None, currency: str = "CNY") -> dict[str, int]:
    """Double entry: every posting (one `transfer`) sums to zero, so the whole ledger (or one store's) does too.
    Returns the store's balance per account in minor units when a store is given, else {}."""
    unbalanced = session.execute(select(LedgerEntry.transfer, func.sum(LedgerEntry.amount_minor))
                                 .group_by(LedgerEntry.transfer)
                                 .having(func.sum(LedgerEntry.amount_minor) != 0)).all()
    assert unbalanced == [], f"postings that do not sum to zero: {unbalanced[:5]}"
    whole = select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0))
    assert session.scalar(whole) == 0
    if store_id is None:
        return {}
    assert session.scalar(whole.where(LedgerEntry.store_id == store_id)) == 0
    return {account: money.minor for account, money in ledger.balances(session, store_id, currency).items()}


def escrow_holds_open_paid_orders(session: Session, store_id: int, books: dict[str, int]) -> None:
    """Escrow holds exactly what the store's paid, unfinished orders took, less what was refunded from it."""
    held = session.scalar(select(func.coalesce(func.sum(Order.total_minor), 0)).where(
        Order.store_id == store_id, Order.status.in_([OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED])))
    refunded = session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).join(
        Order, Order.id == LedgerEntry.order_id).where(
        LedgerEntry.store_id == store_id, LedgerEntry.kind == "refund", LedgerEntry.account == ledger.PROVIDER,
        Order.status.in_([OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED])))
    assert books[ledger.ESCROW] == held - refunded, (books, held, refunded)


def stock_conserved(session: Session, sku_ids: Iterable[int]) -> None:
    """Per SKU: units received = on hand (available) + reserved + shipped (consumed), none below zero, and the
    reservations are exactly the units of the orders not yet shipped nor closed."""
    wanted = list(sku_ids)
    stock = {row.sku_id: row for row in session.scalars(select(Stock).where(Stock.sku_id.in_(wanted)))}
    moved: dict[tuple[int, str], int] = {(sku, kind): int(n) for sku, kind, n in session.execute(
        select(StockMovement.sku_id, StockMovement.kind, func.sum(StockMovement.quantity))
        .where(StockMovement.sku_id.in_(wanted)).group_by(StockMovement.sku_id, StockMovement.kind))}
    open_units = dict(session.execute(select(OrderLine.sku_id, func.sum(OrderLine.quantity)).join(Order).where(
        OrderLine.sku_id.in_(wanted), Order.status.in_(OPEN)).group_by(OrderLine.sku_id)).all())
    for sku_id in wanted:
        held = stock[sku_id]
        assert moved[sku_id, "receive"] == held.available + held.reserved + moved.get((sku_id, "consume"), 0), (sku_id, moved)
        assert held.reserved == open_units.get(sku_id, 0) and held.available >= 0, (sku_id, held.reserved, open_units)


class World(Protocol):
    """A property test's world: it takes one generated step at a time and checks its invariants."""

    def run(self, step: Any) -> None: ...

    def check(self) -> None: ...


def walk(world: World, sequence: Sequence[Any]) -> None:
    """Take the steps in turn, checking the invariants after every one, so a failure names the first step that broke
    them."""
    for step in sequence:
        world.run(step)
        world.check()
