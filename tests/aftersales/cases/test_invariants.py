"""After-sales rules under any sequence of moves: money never goes back beyond what was paid, every open case has
a clock, and the clocks alone bring every case to an end (RULES.md §7). The rules are pure, so hypothesis walks
them without a database; tests/aftersales/cases/test_service.py walks the same through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales_clock import DAY, T0
from shopkeeper import rulebooks
from shopkeeper.aftersales.cases.case import Case, Proposal, Stage, Transition
from shopkeeper.aftersales.cases.clocks import DeadlinePassed, next_actor, next_deadline
from shopkeeper.aftersales.cases.rules import (
    Ruling,
    accept_counter,
    answer,
    arbitrate,
    confirm_received,
    escalate,
    on_deadline,
    open_case,
    open_pre_shipment_refund,
    record_tracking,
    refund_limit,
    refuse_prepared,
    report_problem,
    withdraw,
)
from shopkeeper.errors import InvalidInput, NotAllowedInState
from shopkeeper.money import Money
from support import examples


@given(st.integers(0, 10**9), st.integers(0, 2 * 10**9))
def test_refund_limit_is_never_negative_nor_above_what_was_paid(paid: int, before: int) -> None:
    # given any amount paid and any amount already refunded, when the line for a further refund is drawn
    limit = refund_limit(Money(paid, "USD"), Money(before, "USD"))
    # then it is what is left of the payment, never below zero
    assert 0 <= limit.minor <= paid and limit.minor == max(0, paid - before)


ACTIONS = ["deadline", "agree", "reject", "counter", "escalate", "tracking", "confirm", "report_seller", "report_buyer",
           "rule_partial", "rule_full", "rule_release", "withdraw", "refuse_prepared", "accept_counter"]


def act(case: Case, action: str, now: datetime, book: rulebooks.Rulebook) -> Transition | None:
    """One party's move, or the clock's; None when the rules refuse it in the case's state."""
    half = Money(max(1, case.paid.minor // 2), case.paid.currency)
    moves = {
        "deadline": lambda: on_deadline(case, book, now),
        "agree": lambda: answer(case, book, now, agree=True),
        "reject": lambda: answer(case, book, now, agree=False),
        "counter": lambda: answer(case, book, now, agree=False, counter=Proposal("refund_only", half)),
        "escalate": lambda: escalate(case, book, True, now),
        "tracking": lambda: record_tracking(case, book, now),
        "confirm": lambda: confirm_received(case, book, now),
        "report_seller": lambda: report_problem(case, book, "seller", now, delivered_at=case.opened_at),
        "report_buyer": lambda: report_problem(case, book, "buyer", now),
        "rule_partial": lambda: arbitrate(case, Ruling("partial_refund", "seller", half), now),
        "rule_full": lambda: arbitrate(case, Ruling("full_refund", "seller"), now),
        "rule_release": lambda: arbitrate(case, Ruling("release_seller", "buyer"), now),
        "withdraw": lambda: withdraw(case, now),
        "refuse_prepared": lambda: refuse_prepared(case, book, now),
        "accept_counter": lambda: accept_counter(case, book, now),
    }
    try:
        return moves[action]()
    except (NotAllowedInState, InvalidInput, DeadlinePassed):
        return None


@settings(max_examples=examples(300), deadline=None)
@given(
    book_name=st.sampled_from(["dhgate", "aliexpress", "taobao", "tmall", "default"]),
    pre_shipment=st.booleans(),
    agreement=st.sampled_from(["refund_only", "return_refund", "reship", "return_reship"]),
    paid=st.integers(2, 10**7),
    refunded_before=st.integers(0, 10**7),
    share=st.integers(1, 100),
    # withdrawing ends a case at once, so it is drawn less often; steps of up to 8 days reach every clock
    steps=st.lists(st.tuples(st.sampled_from([a for a in ACTIONS if a != "withdraw"] * 3 + ["withdraw"]), st.integers(0, 8 * 24)),
                   max_size=25),
)
def test_every_open_case_has_a_next_deadline_and_no_refund_exceeds_the_line(
    book_name: str, pre_shipment: bool, agreement: str, paid: int, refunded_before: int, share: int,
    steps: list[tuple[str, int]],
) -> None:
    # given a case on any platform, before or after shipment, with part of the order perhaps refunded already
    book = rulebooks.load(book_name)
    paid_m, before_m = Money(paid, "USD"), Money(min(refunded_before, paid - 1), "USD")
    limit = refund_limit(paid_m, before_m)
    if pre_shipment:
        case = open_pre_shipment_refund(book, "out_of_stock", paid_m, before_m, T0)
    else:
        money_back = agreement in ("refund_only", "return_refund")
        refund = Money(max(1, limit.minor * share // 100) if money_back else 0, "USD")
        proposal = Proposal(agreement, refund)  # type: ignore[arg-type]
        case = open_case(book, proposal, "inr_in_transit", "post", T0 - 20 * DAY, paid_m, before_m, T0)
    # when the parties, the platform and the clock move in any order, hours or days apart
    now, refunds = T0, []
    for action, hours in steps:
        now += timedelta(hours=hours)
        moved = act(case, action, now, book)
        if moved is None:
            continue
        case = moved.case
        if moved.settlement is not None:
            refunds.append(moved.settlement.refund)
        # then after every move an open case has a deadline on whoever it waits for, and a closed one none
        if case.is_open:
            due = next_deadline(case, book)
            assert due is not None and next_actor(case, book) == due.waiting_for
        else:
            assert next_deadline(case, book) is None and next_actor(case) is None
    # when everyone then falls silent, then the clocks alone close the case (or bring it to the platform, which rules)
    while case.is_open:
        if case.stage is Stage.ESCALATED and next_actor(case, book) == "platform":  # AliExpress: at once (§7.2.2)
            moved = arbitrate(case, Ruling("full_refund", "seller"), now)
        else:
            due = next_deadline(case, book)
            assert due is not None
            now = max(now, due.due_at)
            moved = on_deadline(case, book, now)
            assert moved is not None
        case = moved.case
        if moved.settlement is not None:
            refunds.append(moved.settlement.refund)
    assert case.stage is Stage.CLOSED
    # then, the silent clocks' settlement included, at most one refund was made, never negative, and never beyond
    # what was left of the payment
    assert sum(r.minor for r in refunds) <= limit.minor
    assert all(r.minor >= 0 for r in refunds) and len(refunds) <= 1
