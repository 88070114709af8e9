"""The demo's after-sales desk: buyers who want their money back, sellers who answer or stay silent, an operator who rules.

Everything goes through `aftersales.cases.service`, as the API would call it. A case
gets a temperament when it opens (does the seller agree, reject, counter or
stay silent; does the buyer escalate, send the goods back, confirm the
reshipment; does the operator rule), and each side acts on it before its clock
runs out or leaves the clock to decide: the case's own timers carry out the
rulebook's default outcome, so the month ends with cases settled every way.

So that the console has a live countdown at every stage on first run, the
desk keeps one case waiting in each clock that runs past the end of the demo
(its waiting party stays silent); `live_cases` fills in, in the demo's last
half-day, any clock the month left without one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.aftersales.cases import evidence as case_evidence
from shopkeeper.aftersales.cases import rows as case_rows
from shopkeeper.aftersales.cases import rules, service
from shopkeeper.aftersales.cases.case import Agreement, Origin, Stage, Step
from shopkeeper.aftersales.models import CaseRow
from shopkeeper.auth import Principal, Role
from shopkeeper.customers.models import Buyer
from shopkeeper.demo.data import (
    AFTER_SHIPMENT_CASE_SHARE,
    CASE_WORDS,
    LATE_REFUND_SHARE,
    PRE_SHIPMENT_CASE_SHARE,
    WANTED,
)
from shopkeeper.demo.live_cases import CLOCKS
from shopkeeper.errors import DomainError
from shopkeeper.money import Money
from shopkeeper.orders import rules as order_rules
from shopkeeper.orders import service as orders
from shopkeeper.scope import SYSTEM

if TYPE_CHECKING:
    from shopkeeper.demo.core import DemoShop, DemoShopper
    from shopkeeper.demo.simulation import DemoRun

HOUR, DAY = timedelta(hours=1), timedelta(days=1)
Move = tuple[str, timedelta, Callable[[Session, datetime, CaseRow], Any]]  # who acts, after how long, doing what


@dataclass(frozen=True)
class Temper:
    """How the parties to one case behave, drawn once when it opens."""

    seller: str  # agree | reject | counter | silent | prepared (before shipment)
    buyer_takes_counter: bool
    buyer_escalates: bool
    seller_answers_dispute: bool
    operator_rules: bool
    buyer_returns: bool
    seller_confirms_return: bool
    seller_reships: bool
    buyer_confirms_reship: bool
    buyer_complains: bool  # reports a problem with the reshipment: a specialist steps in


class AfterSalesDesk:
    def __init__(self, demo: DemoRun) -> None:
        self.demo, self.rng = demo, demo.rng
        self.tempers: dict[int, Temper] = {}
        self.held: set[int] = set()  # paid orders the seller does not ship while a request before shipment runs
        self.waiting: dict[str, int] = {}  # clock → the case kept waiting in it past the end
        self.shipping: dict[int, tuple[DemoShop, DemoShopper, int, bool]] = {}  # case → how to ship its order if refused
        self.tally: Counter[str] = Counter()

    @property
    def now(self) -> datetime:
        return self.demo.now

    def words(self, shop: DemoShop, kind: str) -> str:
        return self.rng.choice(CASE_WORDS["zh" if shop.currency == "CNY" else "en"][kind])

    # --- before shipment ---------------------------------------------------------------------------

    def after_payment(self, shop: DemoShop, shopper: DemoShopper, order_id: int, ship_at: datetime, from_us: bool) -> bool:
        """A paid order: its buyer may take the late-shipment refund or ask for the money back. True: the desk ships it."""
        book = shop.book
        ship_by = order_rules.ship_by(self.now, book)  # paid now
        if ship_at > ship_by and book.aftersales.late_shipment.instant_refund:
            if self.rng.random() < LATE_REFUND_SHARE or not self.tally["late-shipment refunds"]:
                wait = max(ship_at - ship_by, 2 * HOUR)
                self.demo.later(ship_by + wait * self.rng.uniform(0.2, 0.8), self.take_late_refund, shopper, order_id)
                return True
        share = PRE_SHIPMENT_CASE_SHARE.get(book.name, 0.0)
        if self.rng.random() >= share or ship_at - self.now < 2 * HOUR:
            return False
        seller = self.rng.choices(("agree", "silent", "prepared"),
                                  (40, 35, 25 if book.aftersales.pre_shipment.seller_may_refuse_prepared else 0))[0]
        at = self.now + (ship_at - self.now) * self.rng.uniform(0.1, 0.6)
        self.demo.later(at, self.ask_before_shipment, shop, shopper, order_id, seller, from_us)
        return True

    def take_late_refund(self, shopper: DemoShopper, order_id: int) -> None:
        try:
            with self.demo.db.transaction() as session:
                service.take_late_shipment_refund(session, self.now, shopper.principal, order_id)
        except DomainError:
            self.tally["requests refused"] += 1
            return
        self.tally["late-shipment refunds"] += 1

    def ask_before_shipment(self, shop: DemoShop, shopper: DemoShopper, order_id: int, seller: str, from_us: bool) -> None:
        book = shop.book
        codes = [r.code for r in book.aftersales.reasons if r.stage == "pre_shipment" and r.category == "order"]
        reason = "not_required" if seller == "prepared" and "not_required" in codes else self.rng.choice(codes)
        self.held.add(order_id)
        case_id = self.open(shopper.principal, order_id, service.CaseRequest(reason, message=self.words(shop, "order")))
        if case_id is None:
            self.held.discard(order_id)
            self.demo.later(self.now + HOUR, self.demo.ship, shop, shopper, order_id, from_us)
            return
        self.tempers[case_id] = self.temper(seller)
        self.shipping[case_id] = (shop, shopper, order_id, from_us)
        self.react(case_id)

    # --- after shipment ----------------------------------------------------------------------------

    def after_shipment(self, shop: DemoShop, shopper: DemoShopper, order_id: int, carrier: str, arrives: datetime) -> None:
        """Some buyers open a case once the window for the carrier's shipping class opens (RULES.md §5.6)."""
        book = shop.book
        if self.rng.random() >= AFTER_SHIPMENT_CASE_SHARE.get(book.name, 0.0):
            return
        opens, closes = rules.case_window(book, rules.shipping_class(carrier, book), self.now)
        at = max(opens, arrives) + timedelta(hours=self.rng.uniform(2, 96))
        if at < closes:
            self.demo.later(at, self.ask_after_shipment, shop, shopper, order_id)

    def ask_after_shipment(self, shop: DemoShop, shopper: DemoShopper, order_id: int) -> None:
        book = shop.book
        categories = [c for c in WANTED if any(r.category == c and r.stage == "post_shipment" for r in book.aftersales.reasons)]
        category = self.rng.choices(categories, [{"not_as_described": 70, "not_received": 15}.get(c, 15) for c in categories])[0]
        reason = self.rng.choice([r.code for r in book.aftersales.reasons if r.category == category and r.stage == "post_shipment"])
        agreement: Agreement = self.rng.choices([a for a, _ in WANTED[category]], [w for _, w in WANTED[category]])[0]  # type: ignore[assignment]
        with self.demo.db.read() as session:
            order = orders.get_order(session, SYSTEM, order_id)
            lines = [(line.id, line.payable_minor) for line in order.lines]
        chosen = [self.rng.choice(lines)] if len(lines) > 1 and self.rng.random() < 0.35 else lines
        refund = None
        if agreement == "refund_only" and self.rng.random() < 0.45:  # part of the price back, keep the goods
            paid = sum(minor for _, minor in chosen)
            refund = max(100, _hundreds(paid * self.rng.uniform(0.2, 0.7))) if paid > 200 else None
        request = service.CaseRequest(reason, agreement, refund, tuple(i for i, _ in chosen) if chosen != lines else None,
                                      self.words(shop, category))
        case_id = self.open(shopper.principal, order_id, request)
        if case_id is not None:
            self.tempers[case_id] = self.temper(self.rng.choices(("agree", "reject", "counter", "silent"), (40, 25, 20, 15))[0])
            self.react(case_id)

    def open(self, buyer: Principal, order_id: int, request: service.CaseRequest) -> int | None:
        try:
            with self.demo.db.transaction() as session:
                case_id = service.open_case(session, self.now, buyer, order_id, request).id
        except DomainError:  # the order moved on, or a case is open on it already
            self.tally["requests refused"] += 1
            return None
        self.tally["cases opened"] += 1
        return case_id

    def temper(self, seller: str) -> Temper:
        r = self.rng.random
        return Temper(seller=seller, buyer_takes_counter=r() < 0.5, buyer_escalates=r() < 0.6, seller_answers_dispute=r() < 0.75,
                      operator_rules=r() < 0.8, buyer_returns=r() < 0.85, seller_confirms_return=r() < 0.8,
                      seller_reships=r() < 0.8, buyer_confirms_reship=r() < 0.7, buyer_complains=r() < 0.12)

    # --- each side's next move ----------------------------------------------------------------------

    def react(self, case_id: int) -> None:
        """Schedule whoever acts next on the case, or, if they stay silent, a look again once the clock has run out."""
        with self.demo.db.read() as session:
            row = session.get(CaseRow, case_id)
            assert row is not None
            view = case_rows.describe(row)
            vip = rules.is_vip(view.book, session.scalar(select(Buyer.member_level).where(Buyer.id == row.buyer_id)))
            session.expunge(row)
        due = view.deadline
        if due is None:
            self.tally[f"closed {row.resolution}"] += 1
            return
        if self.keep_waiting(row):
            return
        move = self.next_move(view, vip)
        if move is not None:
            who, after, act = move
            at = self.now + after
            at = self.demo.staff_hours(self.shop_of(row.store_id), at) if who == "seller" else at
            if at < due.due_at - timedelta(minutes=5):
                self.demo.later(at, self.act, case_id, act)
                return
        self.demo.later(due.due_at + timedelta(minutes=1), self.react, case_id)

    def keep_waiting(self, row: CaseRow) -> bool:
        """One case per clock stays where it is past the end of the demo, so the console counts down at every stage."""
        if row.id in self.waiting.values():
            return True
        if row.due_clock in self.waiting or row.due_at is None or row.due_at <= self.demo.end:
            return False
        self.waiting[str(row.due_clock)] = row.id
        return True

    def act(self, case_id: int, act: Callable[[Session, datetime, CaseRow], Any]) -> None:
        try:
            with self.demo.db.transaction() as session:
                row = session.get(CaseRow, case_id)
                assert row is not None
                act(session, self.now, row)
        except DomainError:
            self.tally["moves refused"] += 1
        self.react(case_id)

    def next_move(self, view: case_rows.CaseView, vip: bool) -> Move | None:
        case, temper = view.case, self.tempers.get(view.row.id)
        if temper is None:
            return None
        r = self.rng.uniform
        if case.origin is Origin.PRE_SHIPMENT:
            if temper.seller == "agree":
                return "seller", timedelta(hours=r(1, 30)), lambda s, now, row: service.accept(s, now, staff(row), row.id)
            if temper.seller == "prepared":
                return "seller", timedelta(hours=r(0.5, 12)), self.refuse_and_ship
            return None
        if case.stage is Stage.NEGOTIATING and case.seller_answered_at is None:
            return self.seller_answers(view, temper)
        if case.stage is Stage.NEGOTIATING:
            if case.on_table != case.buyer_proposal and temper.buyer_takes_counter:
                return "buyer", timedelta(hours=r(2, 48)), lambda s, now, row: service.accept(s, now, buyer(row), row.id)
            if temper.buyer_escalates:
                wait = view.book.aftersales.negotiation.vip_may_escalate_after if vip else \
                    view.book.aftersales.negotiation.others_may_escalate_after
                after = max(case.opened_at + wait - self.now, timedelta(0)) + timedelta(hours=r(1, 48))
                return "buyer", after, lambda s, now, row: service.escalate(s, now, buyer(row), row.id)
            return None
        if case.stage is Stage.ESCALATED and case.seller_fed_back_at is None:
            if temper.seller_answers_dispute:
                return "seller", timedelta(hours=r(6, 72)), self.answer_dispute
            return None
        if case.stage is Stage.ESCALATED:
            return ("platform", timedelta(hours=r(12, 120)), self.rule) if temper.operator_rules else None
        return self.perform(view, temper)

    def seller_answers(self, view: case_rows.CaseView, temper: Temper) -> Move | None:
        r = self.rng.uniform
        if temper.seller == "agree":
            return "seller", timedelta(hours=r(2, 72)), lambda s, now, row: service.accept(s, now, staff(row), row.id)
        if temper.seller == "silent":
            return None
        counter: tuple[Agreement, int] | None = None
        limit = view.case.paid - view.case.refunded_before
        if temper.seller == "counter" and limit.minor >= 400:
            counter = ("refund_only", max(100, _hundreds(limit.minor * r(0.15, 0.45))))

        def reject(session: Session, now: datetime, row: CaseRow) -> None:
            service.answer(session, now, staff(row), row.id, agree=False, counter=counter)
            case_evidence.post_message(session, now, staff(row), row.id, self.words(self.shop_of(row.store_id), "seller"))

        return "seller", timedelta(hours=r(2, 72)), reject

    def perform(self, view: case_rows.CaseView, temper: Temper) -> Move | None:
        """The goods under an agreement: returned, received, reshipped, received again (RULES.md §7.1.4)."""
        step, r = view.case.step, self.rng.uniform
        shop = self.shop_of(view.row.store_id)
        transit = timedelta(days=r(1.5, 5) if not shop.cross_border else r(6, 20))
        if step is Step.RETURN_TRACKING and temper.buyer_returns:
            return "buyer", timedelta(hours=r(6, 120)), lambda s, now, row: service.give_tracking(
                s, now, buyer(row), row.id, "YunExpress" if shop.cross_border else "中通 ZTO", f"RT{row.id:06d}")
        if step is Step.RETURN_RECEIPT and temper.seller_confirms_return:
            return "seller", transit, lambda s, now, row: service.confirm_received(s, now, staff(row), row.id)
        if step is Step.RESHIP_TRACKING and temper.seller_reships:
            return "seller", timedelta(hours=r(4, 60)), lambda s, now, row: service.give_tracking(
                s, now, staff(row), row.id, "DHL" if shop.cross_border else "顺丰 SF Express", f"RS{row.id:06d}")
        if step is Step.RESHIP_RECEIPT and temper.buyer_complains:
            return "buyer", transit, lambda s, now, row: service.report_problem(s, now, buyer(row), row.id)
        if step is Step.RESHIP_RECEIPT and temper.buyer_confirms_reship:
            return "buyer", transit, lambda s, now, row: service.confirm_received(s, now, buyer(row), row.id)
        return None

    def refuse_and_ship(self, session: Session, now: datetime, row: CaseRow) -> None:
        """"我已备货": the goods are prepared, so the seller refuses and ships (DHgate, RULES.md §7.1.5)."""
        service.refuse_prepared(session, now, staff(row), row.id)
        shop, shopper, order_id, from_us = self.shipping[row.id]
        self.held.discard(order_id)
        self.demo.later(now + timedelta(hours=self.rng.uniform(2, 30)), self.demo.ship, shop, shopper, order_id, from_us)

    def answer_dispute(self, session: Session, now: datetime, row: CaseRow) -> None:
        service.answer(session, now, staff(row), row.id, agree=False)
        case_evidence.post_message(session, now, staff(row), row.id, self.words(self.shop_of(row.store_id), "seller"))

    def rule(self, session: Session, now: datetime, row: CaseRow) -> None:
        """The operator's specialist rules: full refund, a partial refund, or release (RULES.md §7.1.1, §7.2.2)."""
        limit = row.paid_minor - row.refunded_before_minor
        decision = self.rng.choices(("full_refund", "partial_refund", "release_seller"), (45, 30 if limit >= 300 else 0, 25))[0]
        responsible = {"full_refund": "seller", "release_seller": "buyer"}.get(decision) or \
            self.rng.choice(("seller", "third_party"))
        refund = Money(max(100, min(limit - 100, _hundreds(limit * self.rng.uniform(0.3, 0.7)))), row.currency) \
            if decision == "partial_refund" else None
        service.arbitrate(session, now, SYSTEM, row.id, rules.Ruling(decision, responsible, refund))  # type: ignore[arg-type]
        self.tally["rulings"] += 1

    def shop_of(self, store_id: int) -> DemoShop:
        return next(s for s in self.demo.shops if s.store_id == store_id)

    # --- the summary -----------------------------------------------------------------------------------

    def summary(self) -> str:
        with self.demo.db.read() as session:
            live = dict(session.execute(select(CaseRow.due_clock, func.count(CaseRow.id)).where(CaseRow.closed_at.is_(None))
                                        .group_by(CaseRow.due_clock)).all())
            ended = dict(session.execute(select(CaseRow.resolution, func.count(CaseRow.id)).where(CaseRow.closed_at.is_not(None))
                                         .group_by(CaseRow.resolution)).all())
        def listed(counts: dict[Any, int], order: list[Any]) -> str:
            shown = ", ".join(f"{counts[k]} {str(k).replace('_', ' ')}" for k in order if counts.get(k))
            return f" ({shown})" if shown else ""

        return (f"{sum(live.values()) + sum(ended.values())} after-sales cases: "
                f"{sum(live.values())} open{listed(live, list(CLOCKS))}, "
                f"{sum(ended.values())} closed{listed(ended, sorted(ended, key=str))}; "
                f"{self.tally['late-shipment refunds']} late-shipment refunds, {self.tally['rulings']} rulings by the operator")


def _hundreds(minor: float) -> int:
    """Amounts people type: whole units of the currency."""
    return int(round(minor / 100)) * 100


def staff(row: CaseRow) -> Principal:
    return Principal(Role.STAFF, 0, store_id=row.store_id)


def buyer(row: CaseRow) -> Principal:
    return Principal(Role.BUYER, 0, buyer_id=row.buyer_id)
