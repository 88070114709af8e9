"""After-sales rules (RULES.md §7): refund requests, agreements, disputes, their clocks and the evidence they call for.

Pure functions over `cases.Case`: no database, no clock (`now` is an argument),
no I/O. Every number and every default outcome comes from the store's rulebook
(`book.aftersales`); the comments say which rule a step follows, and the
rulebook entry says which reading was chosen where RULES.md §15 lists an
ambiguity. A timer asks `next_deadline` when to wake and `on_deadline` what to
do; a stale or repeated timer gets `None` and does nothing. `evidence_deadlines`
says which party owes which evidence by when (AliExpress, §7.2.2).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal, Mapping, Sequence

from shopkeeper.aftersales.cases import (
    Actor,
    Case,
    Clock,
    Deadline,
    Origin,
    Proposal,
    Resolution,
    Settlement,
    Stage,
    Step,
    Transition,
)
from shopkeeper.aftersales.complaints import Compensation, compensation, complaint_open_until, may_complain
from shopkeeper.aftersales.metrics import SellerMetrics, seller_metrics
from shopkeeper.errors import DomainError, InvalidInput, NotAllowedInState
from shopkeeper.money import CurrencyMismatch, Money
from shopkeeper.orders.rules import ship_by  # one ship-by deadline for both domains (RULES.md §5.7, §7.3)
from shopkeeper.rulebooks import Rulebook
from shopkeeper.rulebooks.aftersales import Outcome, Reason, ReshipLeg, ReturnLeg
from shopkeeper.rulebooks.carriers import Carrier, classify

# The domain's rules in one place; complaints, metrics and ship_by are defined elsewhere and re-exported.
__all__ = [
    "DeadlinePassed", "Evidence", "EvidenceDeadline", "EvidenceParty", "Ruling",
    "refund_limit", "ship_by", "shipping_class", "may_take_instant_refund", "take_instant_refund",
    "open_pre_shipment_refund", "case_window", "may_open_case", "open_case",
    "next_deadline", "reminders", "next_actor", "on_deadline",
    "answer", "refuse_prepared", "accept_counter", "withdraw", "may_escalate", "escalate",
    "record_tracking", "confirm_received", "record_shortage_proof", "report_problem", "arbitrate",
    "evidence_due", "late_damage_claim", "evidence_deadlines", "ensure_evidence_in_time",
    "Compensation", "compensation", "complaint_open_until", "may_complain", "SellerMetrics", "seller_metrics",
]


Evidence = Literal["seller_tracking_proof", "damage_claim", "buyer_shortage_evidence", "seller_shortage_evidence",
                   "shortage_agreement", "supplement"]
EvidenceParty = Literal["buyer", "seller"]

# AliExpress (RULES.md §7.2.2) ties its evidence deadlines to kinds of dispute; the rulebooks name reasons, not the
# evidence each calls for. Our reading: a not-received reason makes the seller prove the shipment; these codes are
# the damage claim (货物损坏) and the short quantity (货物短装, DHgate's 数量少), in every rulebook that has them.
DAMAGE_REASONS = ("inad_damaged",)
SHORTAGE_REASONS = ("inad_short", "inad_missing_quantity")


@dataclass(frozen=True)
class Ruling:
    decision: Literal["full_refund", "partial_refund", "release_seller"]
    responsible: Literal["seller", "buyer", "third_party"]  # what the specialist found (卖家责任纠纷率 counts "seller")
    refund: Money | None = None  # the amount of a partial refund
    allowed: tuple[Money, Money] | None = None  # the refund range the platform gave both sides


class DeadlinePassed(DomainError):
    code = "deadline-passed"
    status = 409
    title = "The deadline for this has passed"


_OUTCOME_TEXT: dict[str, str] = {
    "refund_buyer": "the buyer is refunded",
    "release_seller": "the funds go to the seller",
    "escalate": "the case goes to the platform",
    "carry_out_buyer_proposal": "the buyer's proposal is carried out",
    "keep_order": "the request lapses and the order stands",
    "assume_received": "the return counts as received and the seller must reship",
    "alert_operator": "the operator is reminded that a ruling is due",
    "await_ruling": "the specialist rules on the evidence on file",
}


# --- money -------------------------------------------------------------------------------------

def refund_limit(line_paid: Money, already_refunded: Money) -> Money:
    """The most a refund may be: a refund never exceeds what was paid for a line, less what went back already."""
    left = line_paid - already_refunded
    return left if left.minor > 0 else Money.zero(line_paid.currency)


def _check_proposal(proposal: Proposal, limit: Money) -> None:
    if proposal.refund.currency != limit.currency:
        raise CurrencyMismatch(f"a refund in {proposal.refund.currency} on lines paid in {limit.currency}")
    if proposal.agreement in ("reship", "return_reship"):
        if proposal.refund.minor != 0:
            raise InvalidInput(f"a {proposal.agreement} agreement refunds nothing; the refund must be 0")
    elif not 0 < proposal.refund.minor <= limit.minor:
        raise InvalidInput(f"the refund must be above 0 and at most {limit} (what was paid for the lines, less refunds)")


# --- opening -----------------------------------------------------------------------------------

def shipping_class(carrier: str | None, book: Rulebook, filed: Sequence[Carrier] = ()) -> str:
    """The shipping class of a carrier: when a case may open depends on it (RULES.md §5.6).

    `filed`: the store's own carriers, which come before the rulebook's list (§15 #6); a carrier in neither gets
    the rulebook's default class. Names match whole, never by prefix: "DHL eCommerce" is not DHL Express.
    """
    return classify(carrier, book.carriers, filed)


def _reason(book: Rulebook, code: str, stage: str) -> Reason:
    reason = book.aftersales.reason(code)
    if reason is None or reason.stage != stage:
        codes = ", ".join(r.code for r in book.aftersales.reasons if r.stage == stage)
        raise InvalidInput(f"{code!r} is not a {stage.replace('_', '-')} reason of {book.title}; choose one of {codes}")
    return reason


def open_pre_shipment_refund(book: Rulebook, reason: str, paid: Money, refunded: Money, now: datetime) -> Case:
    """The buyer asks for the money back before shipment; any time after payment (DHgate, RULES.md §7.1.1)."""
    if _reason(book, reason, "pre_shipment").category != "order":
        raise InvalidInput(f"{reason!r} is the instant refund's reason; use take_instant_refund")
    full = Proposal("refund_only", refund_limit(paid, refunded))
    _check_proposal(full, full.refund)
    return Case(Origin.PRE_SHIPMENT, reason, now, paid, refunded, full, full)


def may_take_instant_refund(book: Rulebook, paid_at: datetime, shipped: bool, now: datetime,
                            deadline: datetime | None = None) -> bool:
    """Taobao/Tmall: past the ship-by deadline with no pickup, the buyer refunds without the seller (RULES.md §7.3).

    `shipped`: the order counts as shipped under the rulebook (`orders.rules.counted_as_shipped`: on Taobao/Tmall
    the carrier's pickup, not the tracking number). `deadline`: the order's ship-by time (a campaign may have set
    it); by default the rulebook's.
    """
    deadline = ship_by(paid_at, book) if deadline is None else deadline
    return book.aftersales.late_shipment.instant_refund and not shipped and now > deadline


def take_instant_refund(book: Rulebook, paid_at: datetime, shipped: bool, paid: Money, refunded: Money,
                        now: datetime, deadline: datetime | None = None) -> Transition:
    """The refund "未按约定时间发货" (not shipped on time) succeeds at once, without seller consent (RULES.md §7.3).

    `shipped` and `deadline` as for `may_take_instant_refund`.
    """
    if not book.aftersales.late_shipment.instant_refund:
        raise NotAllowedInState(f"{book.title} has no instant refund for late shipment")
    if not may_take_instant_refund(book, paid_at, shipped, now, deadline):
        deadline = ship_by(paid_at, book) if deadline is None else deadline
        raise NotAllowedInState(f"the order is shipped or still within its ship-by time ({deadline:%Y-%m-%d %H:%M})")
    reason = next(r.code for r in book.aftersales.reasons if r.category == "late_shipment")
    full = Proposal("refund_only", refund_limit(paid, refunded))
    _check_proposal(full, full.refund)
    case = Case(Origin.LATE_SHIPMENT, reason, now, paid, refunded, full, full, agreed=full)
    return _close(case, now, full.refund, cancel_order=True)


def case_window(book: Rulebook, shipping_class: str, tracking_given_at: datetime) -> tuple[datetime, datetime]:
    """When a buyer may open a case after shipment, by shipping class (DHgate: express 5–90 days, RULES.md §5.6)."""
    window = book.aftersales.opening.get(shipping_class)
    if window is None:
        raise InvalidInput(f"unknown shipping class {shipping_class!r}; {book.title} has {', '.join(book.aftersales.opening)}")
    return tracking_given_at + window.opens_after, tracking_given_at + window.closes_after


def may_open_case(book: Rulebook, shipping_class: str, tracking_given_at: datetime, now: datetime) -> bool:
    opens, closes = case_window(book, shipping_class, tracking_given_at)
    return opens <= now <= closes


def open_case(book: Rulebook, proposal: Proposal, reason: str, shipping_class: str, tracking_given_at: datetime,
              paid: Money, refunded: Money, now: datetime, received_at: datetime | None = None) -> Case:
    """The buyer opens an agreement dispute (协议纠纷) after shipment, with what they want done.

    `received_at`, when the goods are known to have arrived, starts the damage and shortage claim clocks (§7.2.2).
    """
    _reason(book, reason, "post_shipment")
    opens, closes = case_window(book, shipping_class, tracking_given_at)
    if now < opens:
        raise NotAllowedInState(f"a case on a {shipping_class} shipment opens on {opens:%Y-%m-%d %H:%M}")
    if now > closes:
        raise DeadlinePassed(f"a case on a {shipping_class} shipment could be opened until {closes:%Y-%m-%d %H:%M}")
    if received_at is not None:
        _claim_in_time(book, reason, received_at, now)
    _check_proposal(proposal, refund_limit(paid, refunded))
    return Case(Origin.AFTER_SHIPMENT, reason, now, paid, refunded, proposal, proposal)


# --- what happens when -------------------------------------------------------------------------

def _return_leg(book: Rulebook, case: Case) -> ReturnLeg:
    a = book.aftersales
    return a.return_reship.returning if case.kind == "return_reship" else a.return_refund


def _reship_tracking(book: Rulebook, case: Case) -> tuple[timedelta, Outcome]:
    a = book.aftersales
    if case.kind == "return_reship":  # after the return is in (§7.1.4 C)
        return a.return_reship.seller_reship, a.return_reship.on_seller_reship_silence
    return a.reship.seller_tracking, a.reship.on_seller_silence


def _deadline(due: datetime, clock: Clock, who: Actor, action: Outcome, what: str) -> Deadline:
    return Deadline(due, clock, who, action, f"{what}; then {_OUTCOME_TEXT[action]}")


def next_deadline(case: Case, book: Rulebook) -> Deadline | None:
    """The next moment a timer acts on an open case; None only once it is closed."""
    a, t = book.aftersales, case.opened_at
    if case.stage is Stage.CLOSED:
        return None
    if case.stage is Stage.NEGOTIATING and case.origin is Origin.PRE_SHIPMENT:
        # DHgate: 7 days to agree before shipment, then an automatic refund (RULES.md §7.1.1)
        p = a.pre_shipment
        return _deadline(t + p.negotiate, "pre_shipment", "seller", p.on_silence,
                         f"no agreement {p.negotiate.days} days after the request")
    if case.stage is Stage.NEGOTIATING and case.reason in SHORTAGE_REASONS:
        return _shortage_deadline(case, book)
    if case.stage is Stage.NEGOTIATING:
        n = a.negotiation
        if case.seller_answered_at is None and _answer_clock_runs(case, book):
            # DHgate: the seller answers within 5 days of opening (RULES.md §7.1.2, §15 #1 first clock)
            return _deadline(t + n.seller_answer, "seller_answer", "seller", n.on_seller_silence,
                             f"the seller has not answered within {n.seller_answer.days} days")
        # DHgate: no agreement in 10 days → platform dispute (RULES.md §7.1.2); AliExpress 7 days (§7.2.2)
        return _deadline(t + n.negotiate, "negotiation", "buyer" if case.seller_answered_at else "seller",
                         n.on_no_agreement, f"no agreement within {n.negotiate.days} days")
    if case.stage is Stage.ESCALATED:
        assert case.escalated_at is not None
        f = a.platform
        if case.seller_fed_back_at is None and f.seller_feedback is not None:
            # DHgate: the seller answers within 5 days of the escalation (RULES.md §7.1.2, §15 #1 second clock)
            return _deadline(case.escalated_at + f.seller_feedback, "platform_feedback", "seller", f.on_seller_silence,
                             f"the seller has not answered the escalation within {f.seller_feedback.days} days")
        # DHgate: a ruling within 10 days of escalation (RULES.md §7.1.2); reminded each period after
        return _deadline(case.escalated_at + f.ruling_within * (case.ruling_reminders + 1), "ruling", "platform",
                         f.on_ruling_overdue, f"no ruling within {f.ruling_within.days} days")
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
    days = e.shortage_agree.days
    if case.shortage_proven:
        return _deadline(case.opened_at + e.shortage_agree, "shortage_agreement", "buyer", e.on_shortage_proven,
                         f"no agreement within {days} days; the seller proved shipped quantity = ordered and the buyer signed")
    return _deadline(case.opened_at + e.shortage_agree, "shortage_agreement", "seller", e.on_shortage_no_agreement,
                     f"no agreement within {days} days and no proof that shipped quantity = ordered with the buyer's "
                     f"signature on delivery")


def _performing_deadline(case: Case, book: Rulebook) -> Deadline:
    assert case.step_started_at is not None
    s = case.step_started_at
    if case.step is Step.RETURN_TRACKING:
        leg = _return_leg(book, case)  # DHgate: return tracking within 7 days (RULES.md §7.1.4 A, C)
        return _deadline(s + leg.buyer_tracking, "return_tracking", "buyer", leg.on_buyer_silence,
                         f"the buyer has given no return tracking number within {leg.buyer_tracking.days} days")
    if case.step is Step.RETURN_RECEIPT:
        leg = _return_leg(book, case)  # DHgate: 30 days to receive; assumed received then (§15 #3)
        return _deadline(s + leg.assume_received_after, "return_receipt", "seller", leg.on_seller_silence,
                         f"the seller has neither confirmed the return nor reported a problem "
                         f"by day {leg.assume_received_after.days}")
    if case.step is Step.RESHIP_TRACKING:
        days, outcome = _reship_tracking(book, case)  # DHgate: 7 days, full refund on day 8 (§15 #4)
        return _deadline(s + days, "reship_tracking", "seller", outcome, f"the seller has not reshipped within {days.days} days")
    r: ReshipLeg = book.aftersales.reship  # DHgate: the buyer has 90 days; assumed received then (§15 #4)
    return _deadline(s + r.assume_received_after, "reship_receipt", "buyer", r.on_buyer_silence,
                     f"the buyer has neither confirmed receipt nor reported a problem by day {r.assume_received_after.days}")


def reminders(case: Case, book: Rulebook) -> tuple[datetime, ...]:
    """When the system asks the waiting party to confirm receipt (DHgate: days 15 and 20, 10 and 15; §7.1.4)."""
    if case.stage is not Stage.PERFORMING or case.step_started_at is None:
        return ()
    if case.step is Step.RETURN_RECEIPT:
        return tuple(case.step_started_at + d for d in _return_leg(book, case).remind_seller_on)
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


def on_deadline(case: Case, book: Rulebook, now: datetime) -> Transition | None:
    """What the timer does when a deadline passes; None when nothing is due (a stale or early timer)."""
    due = next_deadline(case, book)
    if due is None or now < due.due_at:
        return None
    if due.action == "refund_buyer":
        if due.clock == "pre_shipment":
            # DHgate: the automatic refund cancels the order and counts as 成交不卖 (RULES.md §7.1.1, §8.1)
            marked = replace(case, sold_not_shipped=book.aftersales.pre_shipment.silence_is_sold_not_shipped)
            return _close(marked, now, case.on_table.refund, cancel_order=True)
        if due.clock == "return_receipt" and case.agreed is not None:
            return _close(case, now, case.agreed.refund)  # the agreed refund, full or partial (§7.1.4 A)
        return _close(case, now, refund_limit(case.paid, case.refunded_before))  # the seller abandoned: full refund
    if due.action == "release_seller":
        if due.clock == "shortage_agreement":  # §7.2.2: "buyer fully responsible; full release to the seller"
            case = replace(case, responsible="buyer")
        return _close(case, now, Money.zero(case.paid.currency))
    if due.action == "keep_order":
        return _close(case, now, None, resolution="kept_order")
    if due.action == "escalate":
        return _escalate(case, now, seller_has_spoken=False)
    if due.action == "carry_out_buyer_proposal":
        return _agree(case, case.buyer_proposal, now)
    if due.action == "assume_received":  # §7.1.4 C: the seller must now reship
        return Transition(replace(case, step=Step.RESHIP_TRACKING, step_started_at=now), "case.return_assumed_received")
    return Transition(replace(case, ruling_reminders=case.ruling_reminders + 1), "case.ruling_overdue")


# --- what the parties do -----------------------------------------------------------------------

def _close(case: Case, now: datetime, refund: Money | None, *, cancel_order: bool = False,
           resolution: Resolution | None = None) -> Transition:
    limit = refund_limit(case.paid, case.refunded_before)
    if refund is None:
        closed = replace(case, stage=Stage.CLOSED, step=None, closed_at=now, resolution=resolution)
        return Transition(closed, "case.closed")
    if refund > limit:
        raise InvalidInput(f"a refund of {refund} is more than the {limit} left on the lines")
    chosen = resolution or ("released" if refund.minor == 0 else "refunded" if refund == limit else "partly_refunded")
    closed = replace(case, stage=Stage.CLOSED, step=None, closed_at=now, resolution=chosen, refund=refund)
    return Transition(closed, "case.closed", Settlement(refund, release_rest=refund < limit, cancel_order=cancel_order))


def _agree(case: Case, proposal: Proposal, now: datetime) -> Transition:
    """An agreement binds both sides; money-only executes at once (DHgate, RULES.md §7.1.1)."""
    agreed = replace(case, agreed=proposal, on_table=proposal)
    if proposal.agreement == "refund_only":
        return _close(agreed, now, proposal.refund, cancel_order=case.origin is Origin.PRE_SHIPMENT)
    first = Step.RESHIP_TRACKING if proposal.agreement == "reship" else Step.RETURN_TRACKING
    return Transition(replace(agreed, stage=Stage.PERFORMING, step=first, step_started_at=now), "case.agreed")


def _escalate(case: Case, now: datetime, *, seller_has_spoken: bool) -> Transition:
    escalated = replace(case, stage=Stage.ESCALATED, step=None, escalated_at=now,
                        seller_fed_back_at=now if seller_has_spoken else None)
    return Transition(escalated, "case.escalated")


def _in_time(case: Case, book: Rulebook, now: datetime) -> None:
    due = next_deadline(case, book)
    if due is None:
        raise NotAllowedInState("the case is closed", current_status="closed")
    if due.clock != "ruling" and now >= due.due_at:
        raise DeadlinePassed(f"too late: {due.description} ({due.due_at:%Y-%m-%d %H:%M})")


def answer(case: Case, book: Rulebook, now: datetime, agree: bool, counter: Proposal | None = None) -> Transition:
    """The seller agrees, or rejects with or without a counter-proposal, in negotiation or on the platform."""
    if case.stage not in (Stage.NEGOTIATING, Stage.ESCALATED):
        raise NotAllowedInState(f"the case is {case.stage}; there is no request to answer", current_status=str(case.stage))
    _in_time(case, book, now)
    if agree:
        return _agree(case, case.buyer_proposal, now)
    if counter is not None:
        if case.origin is not Origin.AFTER_SHIPMENT:
            raise InvalidInput("a refund before shipment is agreed or rejected; there is nothing to counter")
        _check_proposal(counter, refund_limit(case.paid, case.refunded_before))
    on_table = counter or case.on_table
    if case.stage is Stage.ESCALATED:
        return Transition(replace(case, seller_fed_back_at=now, on_table=on_table), "case.seller_fed_back")
    return Transition(replace(case, seller_answered_at=now, on_table=on_table), "case.seller_rejected")


def refuse_prepared(case: Case, book: Rulebook, now: datetime) -> Transition:
    """The seller refuses with "我已备货": the goods are in production, so the order ships (DHgate, RULES.md §7.1.5)."""
    if case.origin is not Origin.PRE_SHIPMENT or case.stage is not Stage.NEGOTIATING:
        raise NotAllowedInState("only a refund request before shipment can be refused as prepared")
    if not book.aftersales.pre_shipment.seller_may_refuse_prepared:
        raise NotAllowedInState(f"{book.title} does not let a seller refuse a refund because the goods are prepared")
    _in_time(case, book, now)
    return _close(case, now, None, resolution="refused_prepared")


def accept_counter(case: Case, book: Rulebook, now: datetime) -> Transition:
    """The buyer accepts what the seller offered instead."""
    _in_time(case, book, now)
    if case.stage not in (Stage.NEGOTIATING, Stage.ESCALATED) or case.on_table == case.buyer_proposal:
        raise NotAllowedInState("there is no counter-proposal to accept")
    return _agree(case, case.on_table, now)


def withdraw(case: Case, now: datetime) -> Transition:
    """The buyer drops the request before any agreement; the order goes on as it was."""
    if case.stage not in (Stage.NEGOTIATING, Stage.ESCALATED):
        raise NotAllowedInState("only an unsettled case can be withdrawn")
    return _close(case, now, None, resolution="withdrawn")


def is_vip(book: Rulebook, member_level: str | None) -> bool:
    """Whether a buyer of this member level counts as VIP under the rulebook (who may escalate sooner)."""
    return member_level in book.aftersales.negotiation.vip_member_levels


def may_escalate(case: Case, book: Rulebook, buyer_is_vip: bool, now: datetime) -> bool:
    # DHgate: VIP buyers after 3 days, others after 5, until day 10 (RULES.md §7.1.2)
    if case.origin is not Origin.AFTER_SHIPMENT or case.stage is not Stage.NEGOTIATING:
        return False
    n = book.aftersales.negotiation
    wait = n.vip_may_escalate_after if buyer_is_vip else n.others_may_escalate_after
    return case.opened_at + wait <= now <= case.opened_at + n.negotiate


def escalate(case: Case, book: Rulebook, buyer_is_vip: bool, now: datetime) -> Transition:
    """The buyer takes the case to the platform (平台纠纷)."""
    if not may_escalate(case, book, buyer_is_vip, now):
        n = book.aftersales.negotiation
        wait = (n.vip_may_escalate_after if buyer_is_vip else n.others_may_escalate_after).days
        raise NotAllowedInState(f"a {'VIP' if buyer_is_vip else 'non-VIP'} buyer may escalate an unsettled case after shipment "
                                f"from day {wait} to day {n.negotiate.days} after it opened")
    return _escalate(case, now, seller_has_spoken=False)


def record_tracking(case: Case, book: Rulebook, now: datetime) -> Transition:
    """The buyer's return tracking number, or the seller's reship tracking number, starts the next clock."""
    _in_time(case, book, now)
    if case.step is Step.RETURN_TRACKING:
        return Transition(replace(case, step=Step.RETURN_RECEIPT, step_started_at=now), "case.return_sent")
    if case.step is Step.RESHIP_TRACKING:
        return Transition(replace(case, step=Step.RESHIP_RECEIPT, step_started_at=now), "case.reshipped")
    raise NotAllowedInState("no tracking number is awaited on this case")


def confirm_received(case: Case, book: Rulebook, now: datetime) -> Transition:
    """Seller confirms the return → refund at once; buyer confirms the reship → release at once (§7.1.4)."""
    if case.step is Step.RETURN_RECEIPT and case.agreed is not None:
        if case.kind == "return_reship":  # §7.1.4 C: the reship clock starts at the confirmation
            return Transition(replace(case, step=Step.RESHIP_TRACKING, step_started_at=now), "case.return_received")
        return _close(case, now, case.agreed.refund)
    if case.step is Step.RESHIP_RECEIPT:
        return _close(case, now, Money.zero(case.paid.currency))
    raise NotAllowedInState("no receipt is awaited on this case")


def record_shortage_proof(case: Case, book: Rulebook, now: datetime, shipped_quantity_matches: bool,
                          buyer_signed: bool) -> Transition:
    """The facts the short-quantity clock decides on, recorded before it runs out (AliExpress, RULES.md §7.2.2).

    A later record replaces an earlier one; the deadline's outcome follows the facts on file when it passes.
    """
    if case.reason not in SHORTAGE_REASONS:
        raise NotAllowedInState(f"{case.reason!r} is not a short-quantity case; there is no shortage proof to record")
    if case.stage is not Stage.NEGOTIATING:
        raise NotAllowedInState(f"the case is {case.stage}; the shortage proof is recorded while the parties negotiate",
                                current_status=str(case.stage))
    _in_time(case, book, now)
    recorded = replace(case, shipped_quantity_matches=shipped_quantity_matches, buyer_signed=buyer_signed)
    return Transition(recorded, "case.shortage_proof_recorded")


def report_problem(case: Case, book: Rulebook, by: Literal["seller", "buyer"], now: datetime,
                   delivered_at: datetime | None = None, proposal: Proposal | None = None) -> Transition:
    """Feedback given in advance stops the "assumed received" default and brings in a specialist (§7.1.4)."""
    due = next_deadline(case, book)
    if due is None or case.step_started_at is None or now >= due.due_at:
        raise NotAllowedInState("there is nothing to report on this case now")
    if case.step is Step.RETURN_RECEIPT and by == "seller":
        # DHgate FAQ: return not in by day 25 → contact CS on days 25–30 (RULES.md §7.1.4 A, §15 #3)
        opens = case.step_started_at + _return_leg(book, case).seller_report_from
        if now < opens:
            raise NotAllowedInState(f"the seller may report a missing return from {opens:%Y-%m-%d %H:%M}")
        return _escalate(case, now, seller_has_spoken=True)
    if case.step is Step.RESHIP_RECEIPT and by == "buyer":
        if proposal is not None:
            _check_proposal(proposal, refund_limit(case.paid, case.refunded_before))
            case = replace(case, buyer_proposal=proposal, on_table=proposal)
        return _escalate(case, now, seller_has_spoken=False)
    if case.step is Step.RESHIP_RECEIPT and by == "seller" and delivered_at is not None:
        # DHgate FAQ: delivered, never confirmed → a specialist 30 days after delivery (RULES.md §7.1.4 B)
        if now < delivered_at + book.aftersales.reship.seller_may_ask_specialist_after_delivery:
            raise NotAllowedInState("the seller may ask a specialist only once the wait after delivery has passed")
        return _escalate(case, now, seller_has_spoken=True)
    raise NotAllowedInState(f"the {by} has nothing to report at this step")


# --- the platform's ruling ---------------------------------------------------------------------

def arbitrate(case: Case, ruling: Ruling, now: datetime) -> Transition:
    """The specialist rules: full refund, partial refund inside the allowed range, or release (§7.1.1, §7.2.2)."""
    if case.stage is not Stage.ESCALATED:
        raise NotAllowedInState("only a case on the platform can be ruled on", current_status=str(case.stage))
    limit = refund_limit(case.paid, case.refunded_before)
    if ruling.decision == "full_refund":
        refund = limit
    elif ruling.decision == "release_seller":
        refund = Money.zero(limit.currency)
    else:
        refund = _partial(ruling, limit)
    return _close(replace(case, responsible=ruling.responsible), now, refund)


def _partial(ruling: Ruling, limit: Money) -> Money:
    # AliExpress: the platform sets a reasonable refund range and may fix the amount (RULES.md §7.2.2)
    if ruling.refund is None:
        raise InvalidInput("a partial refund needs its amount")
    low, high = ruling.allowed or (Money(1, limit.currency), limit - Money(1, limit.currency))
    if {ruling.refund.currency, low.currency, high.currency} != {limit.currency}:
        raise CurrencyMismatch(f"the ruling must be in {limit.currency}")
    if not 0 < ruling.refund.minor < limit.minor:
        raise InvalidInput(f"a partial refund is above 0 and below the {limit} left on the lines")
    if not low <= ruling.refund <= high:
        raise InvalidInput(f"the refund must lie within the allowed range {low} – {high}")
    return ruling.refund


# --- evidence (AliExpress, RULES.md §7.2.2) ----------------------------------------------------

def evidence_due(book: Rulebook, what: Evidence, since: datetime) -> datetime:
    """When evidence is due, counted from the event that asks for it (receipt, the request, the dispute)."""
    e = book.aftersales.evidence
    days = {"seller_tracking_proof": e.seller_tracking_proof, "damage_claim": e.damage_claim,
            "buyer_shortage_evidence": e.buyer_shortage_evidence, "seller_shortage_evidence": e.seller_shortage_evidence,
            "shortage_agreement": e.shortage_agree, "supplement": e.supplement}[what]
    return since + days


def late_damage_claim(book: Rulebook, received_at: datetime, claimed_at: datetime) -> Outcome | None:
    """AliExpress: damage claimed more than 3 days after receipt is rejected and the seller paid; None when in time."""
    if claimed_at <= evidence_due(book, "damage_claim", received_at):
        return None
    return book.aftersales.evidence.on_late_damage_claim


@dataclass(frozen=True)
class EvidenceDeadline:
    party: EvidenceParty
    what: Evidence
    due_at: datetime
    description: str


_EVIDENCE_TEXT: dict[str, tuple[str, str]] = {
    "seller_tracking_proof": ("the seller's proof of shipment (waybill, tracking page, proof of delivery)", "the case opened"),
    "damage_claim": ("the damage claim with the carrier's proof", "receipt"),
    "buyer_shortage_evidence": ("the buyer's evidence of the quantity and weight received", "receipt"),
    "seller_shortage_evidence": ("the seller's evidence of the quantity and weight shipped", "the case opened"),
    "supplement": ("the further evidence asked for", "the request"),
}


def _evidence_deadline(book: Rulebook, party: EvidenceParty, what: Evidence, since: datetime) -> EvidenceDeadline:
    due = evidence_due(book, what, since)
    text, start = _EVIDENCE_TEXT[what]
    return EvidenceDeadline(party, what, due, f"{text}, within {(due - since).days} days of {start}")


def evidence_deadlines(book: Rulebook, reason: str, opened_at: datetime, received_at: datetime | None,
                       asked: Mapping[EvidenceParty, datetime]) -> tuple[EvidenceDeadline, ...]:
    """The evidence each party owes on a case and by when (AliExpress, RULES.md §7.2.2).

    `received_at` is None while the goods are not known to have arrived; `asked` holds when the platform last
    asked each party for more evidence.
    """
    owed: list[EvidenceDeadline] = []
    found = book.aftersales.reason(reason)
    if found is not None and found.category == "not_received":
        # goods in transit, tracking not found: the seller proves the shipment within 3 days
        owed.append(_evidence_deadline(book, "seller", "seller_tracking_proof", opened_at))
    if reason in DAMAGE_REASONS and received_at is not None:
        # damage: claimed, with the carrier's proof, within 3 days of receipt
        owed.append(_evidence_deadline(book, "buyer", "damage_claim", received_at))
    if reason in SHORTAGE_REASONS:
        # short quantity: the buyer's received weight within 10 days of receipt, the seller's shipped weight within 3
        if received_at is not None:
            owed.append(_evidence_deadline(book, "buyer", "buyer_shortage_evidence", received_at))
        owed.append(_evidence_deadline(book, "seller", "seller_shortage_evidence", opened_at))
    for party, at in sorted(asked.items()):  # insufficient evidence: supplemented within 3 days of the request
        owed.append(_evidence_deadline(book, party, "supplement", at))
    return tuple(owed)


def ensure_evidence_in_time(deadlines: tuple[EvidenceDeadline, ...], party: EvidenceParty, now: datetime) -> None:
    """A party bound by evidence deadlines files until the latest of them; one bound by none, while the case is open."""
    mine = [d for d in deadlines if d.party == party]
    if not mine:
        return
    last = max(mine, key=lambda d: d.due_at)
    if now > last.due_at:
        raise DeadlinePassed(f"too late: {last.description}, was due by {last.due_at:%Y-%m-%d %H:%M} UTC",
                             deadline=last.what, due_at=last.due_at.isoformat())


def _claim_in_time(book: Rulebook, reason: str, received_at: datetime, now: datetime) -> None:
    """A damage claim after 3 days of receipt, or a shortage claim after the buyer's 10 days for evidence, is refused."""
    if reason in DAMAGE_REASONS and late_damage_claim(book, received_at, now) is not None:
        due = evidence_due(book, "damage_claim", received_at)
        outcome = _OUTCOME_TEXT[book.aftersales.evidence.on_late_damage_claim]
        raise DeadlinePassed(f"damage is claimed within {(due - received_at).days} days of receipt, by {due:%Y-%m-%d %H:%M} UTC; "
                             f"the claim is rejected and {outcome}", deadline="damage_claim", due_at=due.isoformat())
    if reason in SHORTAGE_REASONS:
        due = evidence_due(book, "buyer_shortage_evidence", received_at)
        if now > due:
            raise DeadlinePassed(f"a short quantity is claimed with its evidence within {(due - received_at).days} days of "
                                 f"receipt, by {due:%Y-%m-%d %H:%M} UTC", deadline="buyer_shortage_evidence",
                                 due_at=due.isoformat())
