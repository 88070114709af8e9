"""Commission adds up whatever promoters, buyers, refunds and the clock do (RULES.md §4.2): random runs of touch,
buy, cancel, ship-and-confirm, partial refunds, payouts and waiting. After every step: the ledger sums to zero, the
frozen and payable accounts equal the promoters' frozen and payable balances, no commission exceeds what its lines
paid (nor the two levels together what the order's lines paid), claw-backs stay within each commission, and payouts
never exceed what was released."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from invariants import ledger_sums_to_zero, walk
from shopkeeper import timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.errors import DomainError
from shopkeeper.inventory import service as inventory
from shopkeeper.money import Money
from shopkeeper.orders import checkout, ledger, payments
from shopkeeper.orders import service as orders
from shopkeeper.orders.models import Order, OrderLine
from shopkeeper.orders.rules import LineRequest, OrderStatus
from shopkeeper.scope import SYSTEM
from shopkeeper.social.distribution import payouts as distribution_payouts
from shopkeeper.social.distribution import service as distribution
from shopkeeper.social.distribution.models import Commission, Promoter, PromoterEntry
from shopkeeper.social.distribution.rules import CommissionRule, Level, ProgramTerms
from support import START, examples

BUYERS = 4
steps = st.lists(st.one_of(
    st.tuples(st.just("touch"), st.integers(0, BUYERS - 1), st.integers(0, 2)),
    st.tuples(st.just("buy"), st.integers(0, BUYERS - 1), st.integers(1, 3)),
    st.tuples(st.just("cancel"), st.integers(0, 5)),
    st.tuples(st.just("ship"), st.integers(0, 5)),
    st.tuples(st.just("refund"), st.integers(0, 5), st.integers(1, 100)),
    st.tuples(st.just("payout"), st.integers(0, 2), st.integers(1, 500)),
    st.tuples(st.just("wait"), st.sampled_from([1, 8, 26])),
), min_size=1, max_size=20)


class World:
    def __init__(self, db: Database, clock: SimulatedClock) -> None:
        self.db, self.clock = db, clock
        now = clock.now()
        with db.transaction() as s:
            self.store = catalog.create_store(s, now, SYSTEM, "Dist shop", "taobao", "CNY")
            warehouse = inventory.create_warehouse(s, SYSTEM, self.store.id, "W1", "Main", "CN")
            _, skus = catalog.create_product(s, now, SYSTEM, self.store.id, catalog.ProductSpec(
                title="Tea", skus=[catalog.SkuSpec(code="A", price_minor=1999)]))
            self.sku = skus[0].id
            inventory.receive(s, now, SYSTEM, self.sku, warehouse.id, 500)
            distribution.set_program(s, now, SYSTEM, self.store.id, ProgramTerms(
                enabled=True, attribution_days=7, rules=(CommissionRule("store", None, percent=Decimal("7.5")),),
                levels=(Level("silver", 3000, Decimal(1)),), levels_paid=2, second_level_opt_in=True,
                acknowledged_warning=True, second_level_percent=Decimal(2)))
            self.buyers: list[tuple[Principal, int]] = []
            for n in range(BUYERS + 3):
                buyer = customers.create_buyer(s, now, SYSTEM, f"buyer {n}")
                address = customers.add_address(s, SYSTEM, buyer.id, f"buyer {n}", "CN", "Zhejiang")
                self.buyers.append((Principal(Role.BUYER, 0, buyer_id=buyer.id), address.id))
            self.promoters: list[int] = []
            code = None
            for who, _ in self.buyers[BUYERS:]:  # three promoters, each recruited by the one before
                promoter, _ = distribution.join(s, now, who, self.store.id, code)
                self.promoters.append(promoter.id)
                code = promoter.code
        self.order_ids: list[int] = []

    def run(self, step: tuple) -> None:  # type: ignore[type-arg]
        kind, *args = step
        now = self.clock.now()
        try:
            with self.db.transaction() as s:
                if kind == "touch":
                    promoter = s.get(Promoter, self.promoters[args[1]])
                    distribution.touch(s, now, self.buyers[args[0]][0], promoter.code)
                elif kind == "buy":
                    who, address_id = self.buyers[args[0]]
                    order = checkout.place_order(s, now, who, self.store.id, address_id, [LineRequest(self.sku, args[1])])
                    payment = payments.start_payment(s, now, who, order.id)
                    payments.handle_notification(s, now, payments.Notification(
                        payment.id, payments.new_reference(), "succeeded", payment.amount_minor, payment.currency))
                    self.order_ids.append(order.id)
                elif kind == "payout":
                    promoter = s.get(Promoter, self.promoters[args[0]])
                    me = Principal(Role.BUYER, 0, buyer_id=promoter.buyer_id)
                    payout = distribution_payouts.request_payout(s, now, me, promoter.id, args[1])
                    distribution_payouts.decide_payout(s, now, SYSTEM, promoter.id, payout.id, approve=True)
                elif kind != "wait" and self.order_ids:
                    self._act(s, kind, self.order_ids[-1 - args[0] % len(self.order_ids)], args[1:], now)
        except DomainError:
            pass  # refused: wrong state, over the balance, a promoter's own code; the books must still hold
        if kind == "wait":
            timers.advance_to(self.db, self.clock, now + timedelta(days=args[0]))
        self.clock.advance(minutes=1)

    def _act(self, s, kind: str, order_id: int, rest: list[int], now) -> None:  # type: ignore[no-untyped-def]
        order = s.get(Order, order_id)
        if kind == "cancel":
            orders.cancel(s, now, Principal(Role.BUYER, 0, buyer_id=order.buyer_id), order_id)
        elif kind == "ship":
            orders.ship(s, now, SYSTEM, order_id, "SF", f"SF{order_id}")
            orders.confirm_receipt(s, now, Principal(Role.BUYER, 0, buyer_id=order.buyer_id), order_id)
        elif kind == "refund" and order.status in (OrderStatus.SHIPPED, OrderStatus.COMPLETED):
            left = order.total_minor - ledger.refunded(s, order.store_id, order.id)
            part = min(left, max(1, left * rest[0] // 100))
            if part > 0:
                orders.refund(s, now, order, Money(part, order.currency))

    def check(self) -> None:
        with self.db.read() as s:
            sums = ledger_sums_to_zero(s, self.store.id)
            promoters = list(s.scalars(select(Promoter)))
            assert sums[ledger.COMMISSION_FROZEN] == sum(p.frozen_minor for p in promoters) == -sums[ledger.COMMISSION_PLEDGED]
            assert sums[ledger.COMMISSION_PAYABLE] == sum(p.balance_minor for p in promoters)
            for p in promoters:
                assert p.frozen_minor >= 0 and p.paid_out_minor <= p.released_minor
                assert p.balance_minor == p.released_minor - p.paid_out_minor - self._clawed_after_release(s, p.id)
            paid_lines = dict(s.execute(select(OrderLine.order_id, func.sum(OrderLine.payable_minor)).group_by(OrderLine.order_id)).all())
            per_order: dict[int, int] = {}
            for c in s.scalars(select(Commission)):
                assert 0 <= c.clawed_back_minor <= c.amount_minor <= c.sales_minor
                assert sum(c.lines.values()) == c.amount_minor
                per_order[c.order_id] = per_order.get(c.order_id, 0) + c.amount_minor
            assert all(total <= paid_lines[order_id] for order_id, total in per_order.items())

    @staticmethod
    def _clawed_after_release(s, promoter_id: int) -> int:  # type: ignore[no-untyped-def]
        """Claw-backs of released commission: all claw-backs less those taken while frozen."""
        entries = list(s.scalars(select(PromoterEntry).where(PromoterEntry.promoter_id == promoter_id).order_by(PromoterEntry.id)))
        released: set[int] = set()
        total = 0
        for e in entries:
            if e.kind == "released":
                released.add(e.commission_id)
            elif e.kind == "clawed_back" and e.commission_id in released:
                total += e.amount_minor
        return total


EVERYTHING = [("touch", 0, 2), ("buy", 0, 2), ("touch", 1, 0), ("buy", 1, 1), ("ship", 0), ("refund", 0, 40), ("wait", 26),
              ("payout", 0, 50), ("payout", 2, 100), ("payout", 1, 30), ("refund", 0, 100), ("ship", 1), ("cancel", 0), ("wait", 26)]


@example(EVERYTHING)
@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_the_books_hold_after_any_sequence(scratch_sqlite: Callable[[], Database], sequence: list[tuple]) -> None:  # type: ignore[type-arg]
    db = scratch_sqlite()
    walk(World(db, SimulatedClock(START)), sequence)
