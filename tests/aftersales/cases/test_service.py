"""Money adds up and every open case has a clock, whatever the parties do and however far time jumps.

Hypothesis drives random runs of orders, after-sales cases, the parties' answers,
rulings and clock jumps through the real services, on SQLite and on PostgreSQL
when it is configured, and after every step checks:
- per order: paid = refunded + released to the seller + still in escrow, none of
  them negative; the refunds are exactly what the cases paid back (plus a plain
  cancellation's), and a completed or closed order holds nothing in escrow;
- no order line gets back more than it cost, over all its cases;
- every open case has its next deadline on the row and a pending timer for that
  very version; at most one case per order is open; an open case after shipment
  holds the order's automatic receipt;
- stock: units received (returns included) = available + reserved + shipped.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from shopkeeper import timers
from shopkeeper.aftersales.cases import rows as case_rows
from shopkeeper.aftersales.cases import rules
from shopkeeper.aftersales.cases import service as cases
from shopkeeper.aftersales.models import CaseLine, CaseRow
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.errors import DomainError
from shopkeeper.fulfillment import service as fulfillment
from shopkeeper.inventory import service as inventory
from shopkeeper.inventory.models import Stock, StockMovement
from shopkeeper.money import Money
from shopkeeper.orders import checkout, ledger, payments
from shopkeeper.orders import service as orders
from shopkeeper.orders.models import LedgerEntry, Order, OrderLine
from shopkeeper.orders.rules import LineRequest, OrderStatus
from shopkeeper.rulebooks import load
from shopkeeper.scope import SYSTEM
from support import START, empty, examples

pytestmark = pytest.mark.long  # minutes, not seconds: run first (tests/conftest.py)

STOCK = 20
CARRIERS = ("DHL", "YTO", "China Post")
AGREEMENTS = ("refund_only", "return_refund", "reship", "return_reship")
FRACTIONS = (None, 0.25, 0.5, 1.0)
SELLER = ("accept", "reject", "counter", "prepared", "tracking", "received", "problem")
BUYER = ("accept", "escalate", "withdraw", "tracking", "received", "problem", "late_refund", "cancel", "confirm")
HOURS = (1, 12, 49, 73, 24 * 3, 24 * 5, 24 * 7 + 1, 24 * 10, 24 * 31, 24 * 91)

# A step is (kind, which order, three numbers the kind reads as it needs): simple to generate and to shrink.
# "progress" has whoever a case waits for do the natural next thing, so cases get deep into their agreements.
KINDS = ("order", "ship", "open", "open", "open", "seller", "seller", "buyer", "buyer", "progress", "progress", "progress",
         "progress", "rule", "correct", "wait", "wait", "wait")
n = st.integers(0, 99)
steps = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 5), n, n, n), min_size=12, max_size=40)


class World:
    def __init__(self, db: Database, clock: SimulatedClock, rulebook: str) -> None:
        self.db, self.clock, self.book = db, clock, load(rulebook)
        now = clock.now()
        currency = "CNY" if rulebook == "taobao" else "USD"
        with db.transaction() as s:
            store = catalog.create_store(s, now, SYSTEM, "Invariant shop", rulebook, currency)
            self.store_id, self.currency = store.id, currency
            fulfillment.create_template(s, now, SYSTEM, store.id, {
                "name": "flat", "mode": "piece", "rules": [], "free": [], "excluded_regions": [],
                "default": {"regions": [], "first_units": 1, "first_fee_minor": 500, "extra_units": 1, "extra_fee_minor": 100}},
                is_default=True)
            warehouse = inventory.create_warehouse(s, SYSTEM, store.id, "W1", "Main", "CN")
            _, skus = catalog.create_product(s, now, SYSTEM, store.id, catalog.ProductSpec(
                title="Tea", skus=[catalog.SkuSpec(code="A", price_minor=1999), catalog.SkuSpec(code="B", price_minor=333)]))
            self.skus = [sku.id for sku in skus]
            for sku_id in self.skus:
                inventory.receive(s, now, SYSTEM, sku_id, warehouse.id, STOCK)
            self.buyers = []
            for n, level in enumerate(("regular", "gold")):
                buyer = customers.create_buyer(s, now, SYSTEM, f"buyer {n}", member_level=level)
                address = customers.add_address(s, SYSTEM, buyer.id, f"buyer {n}", "CN", "Zhejiang")
                self.buyers.append((Principal(Role.BUYER, 0, buyer_id=buyer.id), address.id))
        self.staff = Principal(Role.STAFF, 0, store_id=self.store_id)
        self.order_ids: list[int] = []
        # a head start: one order paid, two shipped five days ago (a DHgate express case may open now, a post one not yet)
        for i, carrier in enumerate((None, "DHL", "China Post")):
            self.run(("order", 0, i % 2, i % 2, i))
            if carrier:
                self.run(("ship", 0, CARRIERS.index(carrier), 0, 0))
        timers.advance_to(db, clock, clock.now() + timedelta(days=5, hours=1))
        self.pre = [r.code for r in self.book.aftersales.reasons if r.stage == "pre_shipment" and r.category == "order"]
        self.post = [r.code for r in self.book.aftersales.reasons if r.stage == "post_shipment"]

    def run(self, step: tuple[Any, ...]) -> None:
        kind, which, a, b, c = step
        now = self.clock.now()
        if kind == "wait":
            timers.advance_to(self.db, self.clock, now + timedelta(hours=HOURS[a % len(HOURS)]))
            return
        try:
            with self.db.transaction() as s:
                if kind == "order":
                    self._order(s, now, a % 2, b % 2, 1 + c % 3)
                elif kind == "progress":
                    self._progress(s, now, which, a, b)
                elif self.order_ids:
                    order = s.get(Order, self.order_ids[-1 - which % len(self.order_ids)])
                    assert order is not None
                    self._act(s, now, kind, order, a, b, c)
        except DomainError:
            pass  # refused by a rule or a state: the books must still balance
        self.clock.advance(minutes=7)

    def _order(self, s: Any, now: Any, buyer: int, sku: int, quantity: int) -> None:
        principal, address_id = self.buyers[buyer]
        order = checkout.place_order(s, now, principal, self.store_id, address_id, [LineRequest(self.skus[sku], quantity)])
        payment = payments.start_payment(s, now, principal, order.id)
        payments.handle_notification(s, now, payments.Notification(payment.id, payments.new_reference(), "succeeded",
                                                                   payment.amount_minor, payment.currency))
        self.order_ids.append(order.id)

    def _case(self, s: Any, order: Order) -> CaseRow | None:
        return s.scalar(select(CaseRow).where(CaseRow.order_id == order.id).order_by(CaseRow.id.desc()).limit(1))

    def _proposal(self, row: CaseRow, agreement: str, fraction: float | None) -> tuple[Any, int]:
        left = row.paid_minor - row.refunded_before_minor
        refund = 0 if agreement in ("reship", "return_reship") else max(1, int(left * (fraction or 1.0)))
        return agreement, refund  # type: ignore[return-value]

    def _act(self, s: Any, now: Any, kind: str, order: Order, a: int, b: int, c: int) -> None:
        buyer = Principal(Role.BUYER, 0, buyer_id=order.buyer_id)
        row = self._case(s, order)
        if kind == "ship":
            orders.ship(s, now, self.staff, order.id, CARRIERS[a % len(CARRIERS)], f"T{order.id}")
        elif kind == "open":
            pre = order.status == OrderStatus.PAID
            reasons = self.pre if pre else self.post
            agreement, fraction = AGREEMENTS[b % len(AGREEMENTS)], FRACTIONS[c % len(FRACTIONS)]
            lines_paid = sum(line.payable_minor for line in order.lines)
            goods = agreement in ("reship", "return_reship")
            refund = None if pre or goods or fraction is None else max(1, int(lines_paid * fraction))
            request = cases.CaseRequest(reasons[a % len(reasons)], None if pre else agreement, refund)
            cases.open_case(s, now, buyer, order.id, request)
        elif row is None:
            return
        elif kind == "seller":
            self._seller(s, now, row, SELLER[a % len(SELLER)], b % len(FRACTIONS))
        elif kind == "buyer":
            self._buyer(s, now, buyer, order, row, BUYER[a % len(BUYER)], b % len(FRACTIONS))
        elif kind == "rule":
            decision, in_range = ("full_refund", "partial_refund", "release_seller")[a % 3], b % 2 == 0
            limit = row.paid_minor - row.refunded_before_minor
            partial = Money(max(1, limit // 2), row.currency) if decision == "partial_refund" else None
            allowed = (Money(1, row.currency), Money(max(1, limit - 1), row.currency)) if in_range else None
            cases.arbitrate(s, now, SYSTEM, row.id, rules.Ruling(decision, "seller", partial, allowed))
        elif kind == "correct":
            cases.correct_responsibility(s, now, SYSTEM, row.id)

    def _progress(self, s: Any, now: Any, which: int, a: int, b: int) -> None:
        open_cases = list(s.scalars(select(CaseRow).where(CaseRow.closed_at.is_(None)).order_by(CaseRow.id)))
        if not open_cases:
            return
        row = open_cases[which % len(open_cases)]
        order = s.get(Order, row.order_id)
        case = case_rows.as_case(row)
        if case.origin.value == "pre_shipment" or (case.stage.value == "negotiating" and case.seller_answered_at is None):
            self._seller(s, now, row, ("accept", "reject", "counter", "prepared")[a % 4], b % len(FRACTIONS))
        elif case.stage.value == "negotiating":
            self._buyer(s, now, Principal(Role.BUYER, 0, buyer_id=row.buyer_id), order, row, ("escalate", "accept", "withdraw")[a % 3], 0)
        elif case.stage.value == "escalated":
            if case.seller_fed_back_at is None and a % 2:
                self._seller(s, now, row, "reject", 0)
            else:
                self._act(s, now, "rule", order, a, b, 0)
        else:
            step = case.step.value if case.step else ""
            party = "buyer" if step in ("awaiting_return_tracking", "awaiting_reship_receipt") else "seller"
            action = "tracking" if step.endswith("tracking") else ("received", "received", "problem")[a % 3]
            if party == "buyer":
                self._buyer(s, now, Principal(Role.BUYER, 0, buyer_id=row.buyer_id), order, row, action, b % len(FRACTIONS))
            else:
                self._seller(s, now, row, action, b % len(FRACTIONS))

    def _seller(self, s: Any, now: Any, row: CaseRow, action: str, fraction: int) -> None:
        if action == "accept":
            cases.accept(s, now, self.staff, row.id)
        elif action == "reject":
            cases.answer(s, now, self.staff, row.id, False)
        elif action == "counter":
            cases.answer(s, now, self.staff, row.id, False, self._proposal(row, "refund_only", FRACTIONS[fraction]))
        elif action == "prepared":
            cases.refuse_prepared(s, now, self.staff, row.id)
        elif action == "tracking":
            cases.give_tracking(s, now, self.staff, row.id, "DHL", f"S{row.id}")
        elif action == "received":
            cases.confirm_received(s, now, self.staff, row.id)
        elif action == "problem":
            cases.report_problem(s, now, self.staff, row.id, delivered_at=now - timedelta(days=40))

    def _buyer(self, s: Any, now: Any, buyer: Principal, order: Order, row: CaseRow, action: str, fraction: int) -> None:
        if action == "accept":
            cases.accept(s, now, buyer, row.id)
        elif action == "escalate":
            cases.escalate(s, now, buyer, row.id)
        elif action == "withdraw":
            cases.withdraw(s, now, buyer, row.id)
        elif action == "tracking":
            cases.give_tracking(s, now, buyer, row.id, "EMS", f"R{row.id}")
        elif action == "received":
            cases.confirm_received(s, now, buyer, row.id)
        elif action == "problem":
            cases.report_problem(s, now, buyer, row.id, proposal=self._proposal(row, "refund_only", FRACTIONS[fraction]))
        elif action == "late_refund":
            cases.take_late_shipment_refund(s, now, buyer, order.id)
        elif action == "cancel":
            orders.cancel(s, now, buyer, order.id)
        elif action == "confirm":
            orders.confirm_receipt(s, now, buyer, order.id)

    def check(self) -> None:
        with self.db.read() as s:
            sums: dict[tuple[int, str, str], int] = {
                (order_id, kind, account): int(total) for order_id, kind, account, total in s.execute(
                    select(LedgerEntry.order_id, LedgerEntry.kind, LedgerEntry.account, func.sum(LedgerEntry.amount_minor))
                    .group_by(LedgerEntry.order_id, LedgerEntry.kind, LedgerEntry.account))}
            case_refunds = dict(s.execute(select(CaseRow.order_id, func.sum(CaseRow.refund_minor))
                                          .where(CaseRow.closed_at.is_not(None)).group_by(CaseRow.order_id)).all())
            for order in s.scalars(select(Order)):
                balance = ledger.balances(s, self.store_id, self.currency, order.id)
                paid = sums.get((order.id, "payment", ledger.ESCROW), 0)
                refunded = sums.get((order.id, "refund", ledger.PROVIDER), 0)
                released, escrow = balance[ledger.STORE_BALANCE].minor, balance[ledger.ESCROW].minor
                assert paid == refunded + released + escrow, (order.id, paid, refunded, released, escrow)
                assert min(refunded, released, escrow) >= 0 and paid == order.total_minor
                if order.status in (OrderStatus.COMPLETED, OrderStatus.CLOSED):
                    assert escrow == 0
                else:
                    assert escrow == paid and refunded == released == 0
                cancelled = order.total_minor if order.status == OrderStatus.CLOSED and order.close_reason == "cancelled" else 0
                assert refunded == int(case_refunds.get(order.id) or 0) + cancelled
            for line_id, payable, refunded in s.execute(
                    select(OrderLine.id, OrderLine.payable_minor, func.sum(CaseLine.refunded_minor))
                    .join(CaseLine, CaseLine.order_line_id == OrderLine.id).group_by(OrderLine.id, OrderLine.payable_minor)):
                assert 0 <= int(refunded) <= payable, (line_id, payable, refunded)
            pending = {(t.subject, t.payload.get("version"), t.due_at) for t in s.scalars(
                select(timers.Timer).where(timers.Timer.kind == case_rows.DEADLINE, timers.Timer.status == "pending"))}
            open_orders: set[int] = set()
            for row in s.scalars(select(CaseRow).where(CaseRow.closed_at.is_(None))):
                assert row.due_at is not None and (case_rows.subject(row), row.version, row.due_at) in pending, row.id
                assert row.order_id not in open_orders
                open_orders.add(row.order_id)
                order = s.get(Order, row.order_id)
                assert order is not None
                if row.origin == "after_shipment" and order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
                    assert order.confirm_by is None
            for sku_id in self.skus:
                stock = s.scalar(select(Stock).where(Stock.sku_id == sku_id))
                assert stock is not None
                moved = dict(s.execute(select(StockMovement.kind, func.sum(StockMovement.quantity))
                                       .where(StockMovement.sku_id == sku_id).group_by(StockMovement.kind)).all())
                assert moved["receive"] == stock.available + stock.reserved + moved.get("consume", 0)
                assert stock.available >= 0 and stock.reserved >= 0


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rulebook=st.sampled_from(["dhgate", "taobao", "aliexpress"]), sequence=steps)
def test_money_is_conserved_and_every_open_case_has_a_deadline(db: Database, rulebook: str, sequence: list[tuple[Any, ...]]) -> None:
    empty(db)
    world = World(db, SimulatedClock(START), rulebook)
    for step in sequence:
        world.run(step)
        world.check()
