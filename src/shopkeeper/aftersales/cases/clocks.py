"""When an after-sales case's clocks run out (RULES.md §7): the next deadline, who it waits for, the reminders.

Pure functions over `case.Case`: no database, no clock (`now` is an argument).
Every number and every default outcome comes from the store's rulebook
(`book.aftersales`). A timer asks `next_deadline` when to wake; what it then
does is `rules.on_deadline`. A deadline is codes (its clock, who it waits for,
what its silence brings); the interfaces word it (console/i18n_case_deadlines.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from shopkeeper.aftersales.cases.case import Actor, Case, Deadline, Origin, Stage, Step
from shopkeeper.errors import DomainError
from shopkeeper.rulebooks import Rulebook
from shopkeeper.rulebooks.aftersales import Outcome, ReshipLeg, ReturnLeg

# AliExpress (RULES.md §7.2.2) ties its evidence deadlines to kinds of dispute; the rulebooks name reasons, not the
# evidence each calls for. Our reading: a not-received reason makes the seller prove the shipment; these codes are
# the damage claim (货物损坏) and the short quantity (货物短装, DHgate's 数量少), in every rulebook that has them.
DAMAGE_REASONS = ("inad_damaged",)
SHORTAGE_REASONS = ("inad_short", "inad_missing_quantity")


class DeadlinePassed(DomainError):
    code = "deadline-passed"
    status = 409
    title = "The deadline for this has passed"


# --- what happens when -------------------------------------------------------------------------

def return_leg(book: Rulebook, case: Case) -> ReturnLeg:
    a = book.aftersales
    return a.return_reship.returning if case.kind == "return_reship" else a.return_refund


def _reship_tracking(book: Rulebook, case: Case) -> tuple[timedelta, Outcome]:
    a = book.aftersales
    if case.kind == "return_reship":  # after the return is in (§7.1.4 C)
        return a.return_reship.seller_reship, a.return_reship.on_seller_reship_silence
    return a.reship.seller_tracking, a.reship.on_seller_silence


def next_deadline(case: Case, book: Rulebook) -> Deadline | None:
    """The next moment a timer acts on an open case; None only once it is closed."""
    a, t = book.aftersales, case.opened_at
    if case.stage is Stage.CLOSED:
        return None
    if case.stage is Stage.NEGOTIATING and case.origin is Origin.PRE_SHIPMENT:
        # DHgate: 7 days to agree before shipment, then an automatic refund (RULES.md §7.1.1)
        p = a.pre_shipment
        return Deadline(t + p.negotiate, "pre_shipment", "seller", p.on_silence)
    if case.stage is Stage.NEGOTIATING and case.reason in SHORTAGE_REASONS:
        return _shortage_deadline(case, book)
    if case.stage is Stage.NEGOTIATING:
        n = a.negotiation
        if case.seller_answered_at is None and _answer_clock_runs(case, book):
            # DHgate: the seller answers within 5 days of opening (RULES.md §7.1.2, §15 #1 first clock)
            return Deadline(t + n.seller_answer, "seller_answer", "seller", n.on_seller_silence)
        # DHgate: no agreement in 10 days → platform dispute (RULES.md §7.1.2); AliExpress 7 days (§7.2.2)
        return Deadline(t + n.negotiate, "negotiation", "buyer" if case.seller_answered_at else "seller",
                         n.on_no_agreement)
    if case.stage is Stage.ESCALATED:
        assert case.escalated_at is not None
        f = a.platform
        if case.seller_fed_back_at is None and f.seller_feedback is not None:
            # DHgate: the seller answers within 5 days of the escalation (RULES.md §7.1.2, §15 #1 second clock)
            return Deadline(case.escalated_at + f.seller_feedback, "platform_feedback", "seller", f.on_seller_silence)
        # DHgate: a ruling within 10 days of escalation (RULES.md §7.1.2); reminded each period after
        return Deadline(case.escalated_at + f.ruling_within * (case.ruling_reminders + 1), "ruling", "platform",
                         f.on_ruling_overdue)
    return _performing_deadline(case, book)


def _answer_clock_runs(case: Case, book: Rulebook) -> bool:
    """AliExpress: the seller's 5-day answer is for not-received disputes only (RULES.md §7.2.2); DHgate: every case."""
    reason = book.aftersales.reason(case.reason)
    return reason is None or reason.category in book.aftersales.negotiation.seller_answer_for


def _shortage_deadline(case: Case, book: Rulebook) -> Deadline:
    """AliExpress short quantity (短缺): no agreement within 3 days of the case → decided by the seller's proof (§7.2.2).

    Proved (shipped quantity = ordered, the buyer signed on delivery): the buyer is fully responsible and the seller
    paid in full. Otherwise, our reading (§15 #8, the text is silent): the platform rules. The clock replaces the
    general negotiation clocks while the parties talk; once proved, it is the buyer who must agree in time.
    """
    e = book.aftersales.evidence
    if case.shortage_proven:
        return Deadline(case.opened_at + e.shortage_agree, "shortage_agreement", "buyer", e.on_shortage_proven)
    return Deadline(case.opened_at + e.shortage_agree, "shortage_agreement", "seller", e.on_shortage_no_agreement)


def _performing_deadline(case: Case, book: Rulebook) -> Deadline:
    assert case.step_started_at is not None
    s = case.step_started_at
    if case.step is Step.RETURN_TRACKING:
        leg = return_leg(book, case)  # DHgate: return tracking within 7 days (RULES.md §7.1.4 A, C)
        return Deadline(s + leg.buyer_tracking, "return_tracking", "buyer", leg.on_buyer_silence)
    if case.step is Step.RETURN_RECEIPT:
        leg = return_leg(book, case)  # DHgate: 30 days to receive; assumed received then (§15 #3)
        return Deadline(s + leg.assume_received_after, "return_receipt", "seller", leg.on_seller_silence)
    if case.step is Step.RESHIP_TRACKING:
        days, outcome = _reship_tracking(book, case)  # DHgate: 7 days, full refund on day 8 (§15 #4)
        return Deadline(s + days, "reship_tracking", "seller", outcome)
    r: ReshipLeg = book.aftersales.reship  # DHgate: the buyer has 90 days; assumed received then (§15 #4)
    return Deadline(s + r.assume_received_after, "reship_receipt", "buyer", r.on_buyer_silence)


def reminders(case: Case, book: Rulebook) -> tuple[datetime, ...]:
    """When the system asks the waiting party to confirm receipt (DHgate: days 15 and 20, 10 and 15; §7.1.4)."""
    if case.stage is not Stage.PERFORMING or case.step_started_at is None:
        return ()
    if case.step is Step.RETURN_RECEIPT:
        return tuple(case.step_started_at + d for d in return_leg(book, case).remind_seller_on)
    if case.step is Step.RESHIP_RECEIPT:
        return tuple(case.step_started_at + d for d in book.aftersales.reship.remind_buyer_on)
    return ()


def next_actor(case: Case, book: Rulebook | None = None) -> Actor | None:
    """Who must act next: the one whose silence the next deadline punishes.

    With the rulebook, exactly the next deadline's party (on AliExpress the platform, not a silent seller, is next
    once a case is escalated, RULES.md §7.2.2); without it, DHgate's order of clocks.
    """
    if book is not None:
        due = next_deadline(case, book)
        return due.waiting_for if due is not None else None
    if case.stage is Stage.CLOSED:
        return None
    if case.stage is Stage.NEGOTIATING and case.reason in SHORTAGE_REASONS:
        return "buyer" if case.shortage_proven else "seller"
    if case.stage is Stage.NEGOTIATING:
        return "seller" if case.seller_answered_at is None else "buyer"
    if case.stage is Stage.ESCALATED:
        return "seller" if case.seller_fed_back_at is None else "platform"
    return "buyer" if case.step in (Step.RETURN_TRACKING, Step.RESHIP_RECEIPT) else "seller"


