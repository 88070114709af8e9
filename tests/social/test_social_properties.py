"""Across random group, pool, promoter, refund and clock sequences the ledger sums to zero and stock is conserved
(RULES.md §4.1, §4.2): a hypothesis state machine over ONE store that sells a tea in groups (拼团) and in pools (拼单),
runs a two-level distribution program (分销) with three promoters, and takes ordinary orders.

Rules: open, join, pay and cancel groups and pools; buyers touch promoters; ordinary orders placed and paid; orders
shipped and receipt confirmed; full refunds (after-sales closing a paid order, `orders.close_refunded`) and partial ones
(`orders.refund`); the clock jumping forward, firing every timer that falls due (group and pool expiry, unpaid orders
closing, receipt confirming itself, commission release).

Invariants, after every step: every ledger posting sums to zero, and so does the ledger; the commission accounts equal
the promoters' own frozen and payable counters; escrow holds exactly what paid, unfinished orders took less what was
refunded from them; stock received = on hand + reserved + shipped, reservations = open orders' units; no group holds
more paid members than its size, and a group's and a pool's paid counters are exactly their paid members'.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from invariants import escrow_holds_open_paid_orders, ledger_sums_to_zero, stock_conserved
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
from shopkeeper.orders.models import Order
from shopkeeper.orders.rules import LineRequest, OrderStatus
from shopkeeper.scope import SYSTEM
from shopkeeper.social.distribution import service as distribution
from shopkeeper.social.distribution.models import Promoter
from shopkeeper.social.distribution.rules import CommissionRule, Level, ProgramTerms
from shopkeeper.social.groupbuys import service as groupbuys
from shopkeeper.social.groupbuys.models import GroupBuy, GroupBuyMember
from shopkeeper.social.pools import service as pools
from shopkeeper.social.pools.models import Pool, PoolMember
from support import START, empty, examples

BUYERS, PROMOTERS, STOCK = 4, 3, 40
PICK = st.integers(0, 5)  # which of the latest orders (or groups, pools) a step acts on, newest first
PAY = st.sampled_from([True, True, False])


def _paid(s: Session, now: datetime, order_id: int) -> None:
    order = s.get(Order, order_id)
    assert order is not None
    buyer = Principal(Role.BUYER, 0, buyer_id=order.buyer_id)
    payment = payments.start_payment(s, now, buyer, order_id)
    payments.handle_notification(s, now, payments.Notification(payment.id, payments.new_reference(), "succeeded",
                                                               payment.amount_minor, payment.currency))


class OneSocialStore(RuleBasedStateMachine):
    db: Database  # set by the test before the machine runs: one database per backend, emptied for each example

    @initialize()
    def a_store_with_a_group_offer_a_pool_offer_and_a_distribution_program(self) -> None:
        empty(self.db)
        self.clock = SimulatedClock(START)
        now = self.clock.now()
        with self.db.transaction() as s:
            self.store = catalog.create_store(s, now, SYSTEM, "Social shop", "taobao", "CNY").id
            warehouse = inventory.create_warehouse(s, SYSTEM, self.store, "W1", "Main", "CN")
            _, skus = catalog.create_product(s, now, SYSTEM, self.store, catalog.ProductSpec(
                title="Tea", skus=[catalog.SkuSpec(code="A", price_minor=1999), catalog.SkuSpec(code="B", price_minor=650)]))
            self.skus = [sku.id for sku in skus]
            for sku_id in self.skus:
                inventory.receive(s, now, SYSTEM, sku_id, warehouse.id, STOCK)
            self.group_offer = groupbuys.create_offer(s, now, SYSTEM, groupbuys.OfferSpec(
                store_id=self.store, sku_id=self.skus[0], name="三人团", group_size=3, group_price_minor=1299,
                leader_price_minor=999, time_limit_hours=24, per_buyer_limit=3)).id
            self.pool_offer = pools.create_offer(s, now, SYSTEM, pools.OfferSpec(
                store_id=self.store, name="四件九折", basis="quantity", threshold=4, percent_off=Decimal(10),
                time_limit_hours=24)).id
            distribution.set_program(s, now, SYSTEM, self.store, ProgramTerms(
                enabled=True, attribution_days=7, rules=(CommissionRule("store", None, percent=Decimal("7.5")),),
                levels=(Level("silver", 3000, Decimal(1)),), levels_paid=2, second_level_opt_in=True,
                acknowledged_warning=True, second_level_percent=Decimal(2)))
            self.buyers: list[tuple[Principal, int]] = []
            for n in range(BUYERS + PROMOTERS):
                buyer = customers.create_buyer(s, now, SYSTEM, f"buyer {n}")
                address = customers.add_address(s, SYSTEM, buyer.id, f"buyer {n}", "CN", "Zhejiang")
                self.buyers.append((Principal(Role.BUYER, 0, buyer_id=buyer.id), address.id))
            self.promoter_codes: list[str] = []
            code = None
            for who, _ in self.buyers[BUYERS:]:  # each promoter recruited by the one before: two levels paid
                promoter, _ = distribution.join(s, now, who, self.store, code)
                code = promoter.code
                self.promoter_codes.append(code)
        self.moved = True  # something happened since the invariants last looked
        self.order_ids: list[int] = []
        self.group_codes: list[str] = []
        self.pool_codes: list[str] = []

    # --- steps: each one transaction; a refusal (DomainError) rolls it back and the books must still hold ----------

    def _step(self, act) -> None:  # type: ignore[no-untyped-def]
        self.moved = True
        try:
            with self.db.transaction() as s:
                act(s, self.clock.now())
        except DomainError:
            pass
        self.clock.advance(minutes=1)

    def _order(self, pick: int) -> int | None:
        return self.order_ids[-1 - pick % len(self.order_ids)] if self.order_ids else None

    def _placed(self, s: Session, now: datetime, order_id: int, pay: bool) -> None:
        self.order_ids.append(order_id)
        if pay:  # most buyers pay at once; the others leave an unpaid order for `pay`, `cancel` or the clock
            _paid(s, now, order_id)

    @rule(buyer=st.integers(0, BUYERS - 1), quantity=st.integers(1, 2), pay=PAY)
    def open_group(self, buyer: int, quantity: int, pay: bool) -> None:
        who, address = self.buyers[buyer]

        def act(s: Session, now: datetime) -> None:
            group, order = groupbuys.open_group(s, now, who, self.group_offer, groupbuys.GroupOrder(address, quantity))
            self.group_codes.append(group.code)
            self._placed(s, now, order.id, pay)
        self._step(act)

    @rule(buyer=st.integers(0, BUYERS - 1), pick=PICK, pay=PAY)
    def join_group(self, buyer: int, pick: int, pay: bool) -> None:
        if not self.group_codes:
            return
        who, address = self.buyers[buyer]
        code = self.group_codes[-1 - pick % len(self.group_codes)]

        def act(s: Session, now: datetime) -> None:
            self._placed(s, now, groupbuys.join_group(s, now, who, code, groupbuys.GroupOrder(address))[1].id, pay)
        self._step(act)

    @rule(buyer=st.integers(0, BUYERS - 1), sku=st.integers(0, 1), quantity=st.integers(1, 3), join=st.booleans(),
          pick=PICK, pay=PAY)
    def pool_order(self, buyer: int, sku: int, quantity: int, join: bool, pick: int, pay: bool) -> None:
        who, address = self.buyers[buyer]
        request = pools.PoolOrder(address, [LineRequest(self.skus[sku], quantity)])

        def act(s: Session, now: datetime) -> None:
            if join and self.pool_codes:
                order = pools.join_pool(s, now, who, self.pool_codes[-1 - pick % len(self.pool_codes)], request)[1]
            else:
                pool, order = pools.open_pool(s, now, who, self.pool_offer, request)
                self.pool_codes.append(pool.code)
            self._placed(s, now, order.id, pay)
        self._step(act)

    @rule(buyer=st.integers(0, BUYERS - 1), sku=st.integers(0, 1), quantity=st.integers(1, 3))
    def buy(self, buyer: int, sku: int, quantity: int) -> None:
        """An ordinary order, placed and paid at once."""
        who, address = self.buyers[buyer]

        def act(s: Session, now: datetime) -> None:
            order = checkout.place_order(s, now, who, self.store, address, [LineRequest(self.skus[sku], quantity)])
            self._placed(s, now, order.id, pay=True)
        self._step(act)

    @rule(buyer=st.integers(0, BUYERS - 1), promoter=st.integers(0, PROMOTERS - 1))
    def touch(self, buyer: int, promoter: int) -> None:
        self._step(lambda s, now: distribution.touch(s, now, self.buyers[buyer][0], self.promoter_codes[promoter]))

    @rule(pick=PICK)
    def pay(self, pick: int) -> None:
        if (order_id := self._order(pick)) is not None:
            self._step(lambda s, now: _paid(s, now, order_id))

    @rule(pick=PICK)
    def cancel(self, pick: int) -> None:
        if (order_id := self._order(pick)) is not None:
            self._step(lambda s, now: orders.cancel(s, now, Principal(Role.BUYER, 0, buyer_id=s.get(Order, order_id).buyer_id),
                                                    order_id))

    @rule(pick=PICK, confirm=st.booleans())
    def ship(self, pick: int, confirm: bool) -> None:
        if (order_id := self._order(pick)) is None:
            return

        def act(s: Session, now: datetime) -> None:
            order = orders.ship(s, now, SYSTEM, order_id, "SF", f"SF{order_id}")
            if confirm:
                orders.confirm_receipt(s, now, Principal(Role.BUYER, 0, buyer_id=order.buyer_id), order_id)
        self._step(act)

    @rule(pick=PICK, percent=st.sampled_from([100, 1, 35, 100]))
    def refund(self, pick: int, percent: int) -> None:
        """After-sales: a paid order refunded in full before shipment (it closes), or a shipped or completed one partly
        or wholly refunded (it stays as it is)."""
        if (order_id := self._order(pick)) is None:
            return

        def act(s: Session, now: datetime) -> None:
            order = s.get(Order, order_id)
            assert order is not None
            if order.status == OrderStatus.PAID:
                orders.close_refunded(s, now, order_id, reason="refund_before_shipment")
            elif order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED):
                left = order.total_minor - ledger.refunded(s, order.store_id, order.id)
                part = min(left, max(1, left * percent // 100))
                if part > 0:
                    orders.refund(s, now, order, Money(part, order.currency))
        self._step(act)

    @rule(hours=st.sampled_from([1, 5, 23, 25, 24 * 8, 24 * 16]))
    def wait(self, hours: int) -> None:
        """The clock jumps; every timer that falls due fires (expiry, unpaid orders, receipt, commission release)."""
        self.moved = True
        timers.advance_to(self.db, self.clock, self.clock.now() + timedelta(hours=hours))
        self.clock.advance(minutes=1)

    # --- invariants ---------------------------------------------------------------------------------------------

    @invariant()
    def the_books_stock_groups_and_pools_hold(self) -> None:
        if not self.moved:
            return  # the step had nothing to act on: nothing changed since the last check
        self.moved = False
        with self.db.read() as s:
            self.money_adds_up(s)
            stock_conserved(s, self.skus)
            self.no_group_over_full_and_every_basket_counted(s)

    def money_adds_up(self, s: Session) -> None:
        books = ledger_sums_to_zero(s, self.store)
        escrow_holds_open_paid_orders(s, self.store, books)
        promoters = list(s.scalars(select(Promoter)))
        assert books[ledger.COMMISSION_FROZEN] == sum(p.frozen_minor for p in promoters) == -books[ledger.COMMISSION_PLEDGED]
        assert books[ledger.COMMISSION_PAYABLE] == sum(p.balance_minor for p in promoters)
        assert all(p.frozen_minor >= 0 for p in promoters)

    def no_group_over_full_and_every_basket_counted(self, s: Session) -> None:
        seated = dict(s.execute(select(GroupBuyMember.group_id, func.count()).where(GroupBuyMember.status == "seated")
                                .group_by(GroupBuyMember.group_id)).all())
        for group_id, status, paid, size in s.execute(select(GroupBuy.id, GroupBuy.status, GroupBuy.paid_members, GroupBuy.size)):
            assert 0 <= paid <= size
            if status != "failed":  # a failed group keeps its count; its members were refunded
                assert paid == seated.get(group_id, 0), (group_id, status, paid, seated)
        counted = {pool_id: (n, units) for pool_id, n, units in s.execute(
            select(PoolMember.pool_id, func.count(), func.sum(PoolMember.units)).where(PoolMember.status == "seated")
            .group_by(PoolMember.pool_id))}
        for pool_id, status, paid, units, threshold in s.execute(
                select(Pool.id, Pool.status, Pool.paid_members, Pool.paid_units, Pool.threshold)):
            if status != "failed":  # a failed pool keeps its basket's count; its members were refunded
                assert (paid, units) == counted.get(pool_id, (0, 0)), (pool_id, status, paid, units, counted)
            if status == "complete":
                assert units >= threshold
        ended = ["complete", "failed", "cancelled"]
        waiting = s.scalar(select(func.count()).select_from(Order).join(Pool, Pool.id == Order.held_for_pool).where(
            Order.status == OrderStatus.PAID, Pool.status.in_(ended)))
        waiting += s.scalar(select(func.count()).select_from(Order).join(GroupBuy, GroupBuy.id == Order.held_for_group)
                            .where(Order.status == OrderStatus.PAID, GroupBuy.status.in_(ended))) or 0
        assert waiting == 0  # no paid order waits for a group or a pool that has ended


def test_the_ledger_sums_to_zero_and_stock_is_conserved_across_social_sequences(db: Database) -> None:
    OneSocialStore.db = db
    try:
        run_state_machine_as_test(OneSocialStore, settings=settings(
            max_examples=examples(12), stateful_step_count=25, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    finally:
        del OneSocialStore.db

