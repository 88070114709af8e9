"""Money and stock add up whatever happens: random runs of the whole order loop.

Hypothesis drives sequences of checkouts, payments, shipments, receipts,
cancellations and passing time through the real services on a fresh database,
and after every step checks the books:
- every store's ledger sums to zero; escrow holds exactly the open paid orders;
  the store's balance is exactly its completed orders;
- for every SKU, units received = available + reserved + shipped, and the
  reservations are exactly the units of unshipped open orders.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from invariants import escrow_holds_open_paid_orders, ledger_sums_to_zero, stock_conserved
from shopkeeper import timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.errors import DomainError
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import checkout, ledger, payments
from shopkeeper.orders import service as orders
from shopkeeper.orders.models import Order
from shopkeeper.orders.rules import LineRequest, OrderStatus
from shopkeeper.scope import SYSTEM
from support import START, examples

STOCK = 6
steps = st.lists(st.one_of(
    st.tuples(st.just("place"), st.integers(0, 2), st.integers(0, 1), st.integers(1, 4)),
    st.tuples(st.just("pay"), st.integers(0, 3)),
    st.tuples(st.just("ship"), st.integers(0, 3)),
    st.tuples(st.just("deliver"), st.integers(0, 3)),
    st.tuples(st.just("confirm"), st.integers(0, 3)),
    st.tuples(st.just("cancel"), st.integers(0, 3)),
    st.tuples(st.just("wait"), st.sampled_from([1, 6, 23, 25, 72, 240, 250])),
), min_size=1, max_size=25)


class World:
    def __init__(self, db: Database, clock: SimulatedClock) -> None:
        self.db, self.clock = db, clock
        now = clock.now()
        with db.transaction() as s:
            self.store = catalog.create_store(s, now, SYSTEM, "Invariant shop", "taobao", "CNY")
            warehouse = inventory.create_warehouse(s, SYSTEM, self.store.id, "W1", "Main", "CN")
            _, skus = catalog.create_product(s, now, SYSTEM, self.store.id, catalog.ProductSpec(
                title="Tea", skus=[catalog.SkuSpec(code="A", price_minor=1999), catalog.SkuSpec(code="B", price_minor=350)]))
            self.skus = [sku.id for sku in skus]
            for sku_id in self.skus:
                inventory.receive(s, now, SYSTEM, sku_id, warehouse.id, STOCK)
            self.buyers = []
            for n in range(3):
                buyer = customers.create_buyer(s, now, SYSTEM, f"buyer {n}")
                address = customers.add_address(s, SYSTEM, buyer.id, f"buyer {n}", "CN", "Zhejiang")
                self.buyers.append((Principal(Role.BUYER, 0, buyer_id=buyer.id), address.id))
        self.order_ids: list[int] = []

    def run(self, step: tuple) -> None:
        kind, *args = step
        now = self.clock.now()
        try:
            with self.db.transaction() as s:
                if kind == "place":
                    buyer, address_id = self.buyers[args[0]]
                    order = checkout.place_order(s, now, buyer, self.store.id, address_id, [LineRequest(self.skus[args[1]], args[2])])
                    self.order_ids.append(order.id)
                elif kind == "wait":
                    pass
                elif self.order_ids:
                    self._act(s, kind, self.order_ids[-1 - args[0] % len(self.order_ids)], now)
        except DomainError:
            pass  # out of stock, wrong state: refused, and the books must still balance
        if kind == "wait":
            timers.advance_to(self.db, self.clock, now + timedelta(hours=args[0]))
        self.clock.advance(minutes=1)

    def _act(self, s, kind: str, order_id: int, now) -> None:  # type: ignore[no-untyped-def]
        order = s.get(Order, order_id)
        buyer = Principal(Role.BUYER, 0, buyer_id=order.buyer_id)
        if kind == "pay":
            payment = payments.start_payment(s, now, buyer, order_id)
            payments.handle_notification(s, now, payments.Notification(payment.id, payments.new_reference(), "succeeded",
                                                                       payment.amount_minor, payment.currency))
        elif kind == "ship":
            orders.ship(s, now, SYSTEM, order_id, "SF", f"SF{order_id}")
        elif kind == "deliver":
            orders.mark_delivered(s, now, SYSTEM, order_id)
        elif kind == "confirm":
            orders.confirm_receipt(s, now, buyer, order_id)
        elif kind == "cancel":
            orders.cancel(s, now, buyer, order_id)

    def check_books(self) -> None:
        with self.db.read() as s:
            books = ledger_sums_to_zero(s, self.store.id)
            escrow_holds_open_paid_orders(s, self.store.id, books)
            completed = s.scalar(select(func.coalesce(func.sum(Order.total_minor), 0)).where(
                Order.status == OrderStatus.COMPLETED))
            assert books[ledger.STORE_BALANCE] == completed
            stock_conserved(s, self.skus)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_books_balance_after_any_sequence(scratch_sqlite: Callable[[], Database], sequence: list[tuple]) -> None:
    db = scratch_sqlite()
    world = World(db, SimulatedClock(START))
    for step in sequence:
        world.run(step)
        world.check_books()
