"""What the after-sales rule tests share: the moment their cases start, day and second steps, the shipped
rulebooks, money in the currencies the rulebooks use, and the cases they start from."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from shopkeeper import rulebooks
from shopkeeper.aftersales.cases.case import Agreement, Case, Proposal, Stage, Transition
from shopkeeper.aftersales.cases.clocks import next_deadline
from shopkeeper.aftersales.cases.rules import answer, escalate, on_deadline, open_case
from shopkeeper.money import Money

T0 = datetime(2026, 11, 11, 8, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
DH, ALI, TAOBAO, TMALL, DEFAULT = (rulebooks.load(n) for n in ("dhgate", "aliexpress", "taobao", "tmall", "default"))


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def cny(amount: str) -> Money:
    return Money.of(amount, "CNY")


PAID, NONE = usd("100.00"), usd("0")


def after_shipment(proposal: Proposal, *, reason: str = "inad_color", at: datetime = T0, paid: Money = PAID) -> Case:
    """A DHgate case opened on an express shipment whose tracking number was given 6 days earlier."""
    return open_case(DH, proposal, reason, "express", at - 6 * DAY, paid, Money.zero(paid.currency), at)


def agreed(proposal: Proposal) -> Case:
    """A DHgate case the seller agreed to on day 1: the agreement is being carried out from then."""
    case = answer(after_shipment(proposal), DH, T0 + DAY, agree=True).case
    assert case.stage is Stage.PERFORMING and case.step_started_at == T0 + DAY
    return case


def escalated(proposal: Proposal = Proposal("refund_only", PAID)) -> Case:
    """A DHgate case the seller rejected on day 1 and the buyer (not VIP) escalated on day 5."""
    case = answer(after_shipment(proposal), DH, T0 + DAY, agree=False).case
    return escalate(case, DH, False, T0 + 5 * DAY).case


def on_aliexpress(reason: str, received: datetime | None, at: datetime = T0, proposal: Agreement = "refund_only") -> Case:
    """An AliExpress case asking for the whole $100 back, opened at `at` on an express shipment whose tracking
    number was given 6 days earlier; `received` is when the goods arrived, if known."""
    return open_case(ALI, Proposal(proposal, PAID), reason, "express", at - 6 * DAY, PAID, NONE, at, received_at=received)


def fire(case: Case, book: rulebooks.Rulebook = DH) -> Transition:
    """The case's next deadline passes with nobody acting (a timer that wakes a second early does nothing)."""
    due = next_deadline(case, book)
    assert due is not None
    assert on_deadline(case, book, due.due_at - SECOND) is None
    moved = on_deadline(case, book, due.due_at)
    assert moved is not None
    return moved
