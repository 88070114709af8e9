"""Money and stock add up whatever buyers do in groups: random runs of open, join, pay, cancel, ship and waiting
(RULES.md §4.1). After every step: the ledger sums to zero and escrow holds exactly the open paid orders; units
received = available + reserved + shipped; a group's paid seats are exactly its seated members, never above its
size; no order waits for a group that has ended."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from invariants import escrow_holds_open_paid_orders, ledger_sums_to_zero, stock_conserved, walk
from shopkeeper import timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.errors import DomainError
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import payments
from shopkeeper.orders import service as orders
from shopkeeper.orders.models import Order
from shopkeeper.orders.rules import OrderStatus
from shopkeeper.scope import SYSTEM
from shopkeeper.social.groupbuys import service as groupbuys
from shopkeeper.social.groupbuys.models import GroupBuy, GroupBuyMember
from support import START, examples

pytestmark = pytest.mark.long  # minutes, not seconds: run first (tests/conftest.py)

STOCK, BUYERS = 12, 5
steps = st.lists(st.one_of(
    st.tuples(st.just("open"), st.integers(0, BUYERS - 1)),
    st.tuples(st.just("join"), st.integers(0, BUYERS - 1), st.integers(0, 3)),
    st.tuples(st.just("pay"), st.integers(0, 5)),
    st.tuples(st.just("cancel"), st.integers(0, 5)),
    st.tuples(st.just("ship"), st.integers(0, 5)),
    st.tuples(st.just("wait"), st.sampled_from([1, 5, 23, 25])),
), min_size=1, max_size=25)


class World:
    def __init__(self, db: Database, clock: SimulatedClock) -> None:
        self.db, self.clock = db, clock
        now = clock.now()
        with db.transaction() as s:
            self.store = catalog.create_store(s, now, SYSTEM, "Group shop", "taobao", "CNY")
            warehouse = inventory.create_warehouse(s, SYSTEM, self.store.id, "W1", "Main", "CN")
            _, skus = catalog.create_product(s, now, SYSTEM, self.store.id, catalog.ProductSpec(
                title="Tea", skus=[catalog.SkuSpec(code="A", price_minor=1999)]))
            self.sku = skus[0].id
            inventory.receive(s, now, SYSTEM, self.sku, warehouse.id, STOCK)
            self.offer = groupbuys.create_offer(s, now, SYSTEM, groupbuys.OfferSpec(
                store_id=self.store.id, sku_id=self.sku, name="三人团", group_size=3, group_price_minor=1299,
                leader_price_minor=999, time_limit_hours=24, per_buyer_limit=3)).id
            self.buyers = []
            for n in range(BUYERS):
                buyer = customers.create_buyer(s, now, SYSTEM, f"buyer {n}")
                address = customers.add_address(s, SYSTEM, buyer.id, f"buyer {n}", "CN", "Zhejiang")
                self.buyers.append((Principal(Role.BUYER, 0, buyer_id=buyer.id), address.id))
        self.order_ids: list[int] = []
        self.codes: list[str] = []

    def run(self, step: tuple) -> None:  # type: ignore[type-arg]
        kind, *args = step
        now = self.clock.now()
        try:
            with self.db.transaction() as s:
                if kind in ("open", "join"):
                    buyer, address_id = self.buyers[args[0]]
                    if kind == "open":
                        group, order = groupbuys.open_group(s, now, buyer, self.offer, groupbuys.GroupOrder(address_id))
                        self.codes.append(group.code)
                    elif self.codes:
                        code = self.codes[-1 - args[1] % len(self.codes)]
                        group, order = groupbuys.join_group(s, now, buyer, code, groupbuys.GroupOrder(address_id))
                    else:
                        return
                    self.order_ids.append(order.id)
                elif kind != "wait" and self.order_ids:
                    self._act(s, kind, self.order_ids[-1 - args[0] % len(self.order_ids)], now)
        except DomainError:
            pass  # full, out of time, in the group already, wrong state: refused, and the books must still balance
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
        elif kind == "cancel":
            orders.cancel(s, now, buyer, order_id)
        elif kind == "ship":
            orders.ship(s, now, SYSTEM, order_id, "SF", f"SF{order_id}")

    def check(self) -> None:
        with self.db.read() as s:
            escrow_holds_open_paid_orders(s, self.store.id, ledger_sums_to_zero(s, self.store.id))
            stock_conserved(s, [self.sku])
            for group in s.scalars(select(GroupBuy)):
                seated = s.scalar(select(func.count()).where(GroupBuyMember.group_id == group.id,
                                                             GroupBuyMember.status == "seated"))
                assert 0 <= group.paid_members <= group.size
                if group.status in ("open", "complete"):
                    assert group.paid_members == seated
                if group.status == "complete":
                    assert group.paid_members + group.auto_filled_seats == group.size
                if group.status in ("complete", "failed", "cancelled"):
                    waiting = s.scalar(select(func.count()).where(Order.held_for_group == group.id,
                                                                  Order.status == OrderStatus.PAID))
                    assert waiting == 0, group.id
                if group.status == "failed":
                    assert seated == 0


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_books_and_seats_hold_after_any_sequence(scratch_sqlite: Callable[[], Database], sequence: list[tuple]) -> None:  # type: ignore[type-arg]
    db = scratch_sqlite()
    walk(World(db, SimulatedClock(START)), sequence)
