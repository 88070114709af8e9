"""Platform red-packet money adds up whatever happens: random runs of grabs, checkouts across a participating and a
non-participating store, payments, completions, cancellations and passing time (expiry timers, unpaid orders closing)
through the real services. After every step:
- the programs' ledger sums to zero, every transfer too; the buyers' credit is exactly what their packets hold;
- money waiting on open orders is exactly their unsettled spends, money settled exactly their completed spends;
- the fund has paid out exactly the packets grabbed less what came back at expiry;
- every order's platform-funded part is exactly what it took from packets (never from the outsider's goods);
- each store's ledger sums to zero and its balance is its completed orders at full price.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from invariants import walk
from shopkeeper import timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.errors import DomainError
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import ledger, payments
from shopkeeper.orders import service as orders
from shopkeeper.orders.models import Order
from shopkeeper.orders.rules import LineRequest, OrderStatus
from shopkeeper.scope import SYSTEM
from shopkeeper.social.packets import rules, service, spending
from shopkeeper.social.packets.models import PacketSpend, PlatformPacket
from social.packets import packet_books
from support import START, examples

steps = st.lists(st.one_of(
    st.tuples(st.just("grab"), st.integers(0, 1)),
    st.tuples(st.just("place"), st.integers(0, 1), st.sampled_from([(0,), (1,), (0, 1)])),
    st.tuples(st.sampled_from(["pay", "complete", "cancel"]), st.integers(0, 3)),
    st.tuples(st.just("wait"), st.sampled_from([1, 25, 80])),
), min_size=1, max_size=20)


class World:
    def __init__(self, db: Database, clock: SimulatedClock) -> None:
        self.db, self.clock = db, clock
        now = clock.now()
        with db.transaction() as s:
            self.stores, self.skus = [], []
            for name in ("Joined", "Outsider"):
                store = catalog.create_store(s, now, SYSTEM, name, "taobao", "CNY")
                warehouse = inventory.create_warehouse(s, SYSTEM, store.id, "W1", "Main", "CN")
                _, skus = catalog.create_product(s, now, SYSTEM, store.id, catalog.ProductSpec(
                    title="Tea", skus=[catalog.SkuSpec(code="A", price_minor=1999)]))
                inventory.receive(s, now, SYSTEM, skus[0].id, warehouse.id, 50)
                self.stores.append(store.id)
                self.skus.append(skus[0].id)
            self.program = service.create_program(s, now, SYSTEM, service.ProgramSpec(
                "红包雨", rules.ProgramTerms("grab", total_minor=3000, packets=6, min_minor=100, valid_days=3,
                                            per_person_limit=4), now, store_ids=[self.stores[0]])).id
            self.buyers = []
            for n in range(2):
                buyer = customers.create_buyer(s, now, SYSTEM, f"buyer {n}")
                address = customers.add_address(s, SYSTEM, buyer.id, f"buyer {n}", "CN", "Zhejiang")
                self.buyers.append((Principal(Role.BUYER, 0, buyer_id=buyer.id), address.id))
        self.order_ids: list[int] = []

    def run(self, step: tuple) -> None:  # type: ignore[type-arg]
        kind, *args = step
        now = self.clock.now()
        if kind == "wait":
            timers.advance_to(self.db, self.clock, now + timedelta(hours=args[0]))
            return
        try:
            with self.db.transaction() as s:
                if kind == "grab":
                    service.grab(s, now, self.buyers[args[0]][0], self.program)
                elif kind == "place":
                    buyer, address_id = self.buyers[args[0]]
                    baskets = [(self.stores[i], [LineRequest(self.skus[i], 1)]) for i in args[1]]
                    self.order_ids += [p.order.id for p in spending.checkout(s, now, buyer, baskets, address_id)]
                elif self.order_ids:
                    self._act(s, kind, self.order_ids[-1 - args[0] % len(self.order_ids)], now)
        except DomainError:
            pass  # limits, the pool gone, an order in the wrong state: refused, and the books must still balance
        self.clock.advance(minutes=5)

    def _act(self, s, kind: str, order_id: int, now) -> None:  # type: ignore[no-untyped-def]
        order = s.get(Order, order_id)
        buyer = Principal(Role.BUYER, 0, buyer_id=order.buyer_id)
        if kind == "pay":
            payment = payments.start_payment(s, now, buyer, order_id)
            payments.handle_notification(s, now, payments.Notification(payment.id, payments.new_reference(), "succeeded",
                                                                       payment.amount_minor, payment.currency))
        elif kind == "complete":
            orders.ship(s, now, SYSTEM, order_id, "SF", f"SF{order_id}")
            orders.confirm_receipt(s, now, buyer, order_id)
        else:
            orders.cancel(s, now, buyer, order_id)

    def check(self) -> None:
        books = packet_books(self.db)
        with self.db.read() as s:
            spends = {status: int(total or 0) for status, total in s.execute(
                select(PacketSpend.status, func.sum(PacketSpend.amount_minor)).group_by(PacketSpend.status)).all()}
            assert books[rules.ORDER_FUNDING] == spends.get("held", 0)
            assert books[rules.STORE_SETTLED] == spends.get("settled", 0)
            grabbed, expired = s.execute(select(func.coalesce(func.sum(PlatformPacket.amount_minor), 0),
                                                func.coalesce(func.sum(PlatformPacket.expired_minor), 0))
                                         .where(PlatformPacket.buyer_id.is_not(None))).one()
            assert books[rules.PACKET_FUND] == -grabbed + expired
            per_order = dict(s.execute(select(PacketSpend.order_id, func.sum(PacketSpend.amount_minor))
                                       .group_by(PacketSpend.order_id)).all())
            for order in s.scalars(select(Order)):
                assert order.platform_funded_minor == per_order.get(order.id, 0)
                assert order.store_id == self.stores[0] or order.platform_funded_minor == 0
            for store_id in self.stores:
                sums = ledger.balances(s, store_id, "CNY")
                assert sum(m.minor for m in sums.values()) == 0
                done = s.scalar(select(func.coalesce(func.sum(Order.total_minor + Order.platform_funded_minor), 0))
                                .where(Order.store_id == store_id, Order.status == OrderStatus.COMPLETED))
                assert sums[ledger.STORE_BALANCE].minor == done  # at full price: the packets' part is the platform's


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_packet_money_adds_up_after_any_sequence(scratch_sqlite: Callable[[], Database], sequence: list[tuple]) -> None:  # type: ignore[type-arg]
    db = scratch_sqlite()
    walk(World(db, SimulatedClock(START)), sequence)
