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
from datetime import datetime
from typing import Literal, Sequence

from shopkeeper.aftersales.cases import moves
from shopkeeper.aftersales.cases.case import Case, Origin, Proposal, Resolution, Settlement, Stage, Step, Transition
from shopkeeper.aftersales.cases.clocks import SHORTAGE_REASONS, DeadlinePassed, next_deadline, return_leg
from shopkeeper.aftersales.cases.evidence_rules import claim_in_time
from shopkeeper.errors import InvalidInput, NotAllowedInState
from shopkeeper.money import CurrencyMismatch, Money
from shopkeeper.orders.rules import ship_by  # one ship-by deadline for both domains (RULES.md §5.7, §7.3)
from shopkeeper.rulebooks import Rulebook
from shopkeeper.rulebooks.aftersales import Reason
from shopkeeper.rulebooks.carriers import Carrier, classify


@dataclass(frozen=True)
class Ruling:
    decision: Literal["full_refund", "partial_refund", "release_seller"]
    responsible: Literal["seller", "buyer", "third_party"]  # what the specialist found (卖家责任纠纷率 counts "seller")
    refund: Money | None = None  # the amount of a partial refund
    allowed: tuple[Money, Money] | None = None  # the refund range the platform gave both sides


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
              paid: Money, refunded: Money, now: datetime, received_at: datetime | None = None,
              window: tuple[datetime, datetime] | None = None) -> Case:
    """The buyer opens an agreement dispute (协议纠纷) after shipment, with what they want done.

    `received_at`, when the goods are known to have arrived, starts the damage and shortage claim clocks (§7.2.2).
    `window` replaces the shipping class's window: a cross-border "not received" case waits for the promised
    delivery time (RULES.md §5.5, crossborder.protection).
    """
    _reason(book, reason, "post_shipment")
    opens, closes = window or case_window(book, shipping_class, tracking_given_at)
    if now < opens:
        raise NotAllowedInState(f"a case on a {shipping_class} shipment opens on {opens:%Y-%m-%d %H:%M}")
    if now > closes:
        raise DeadlinePassed(f"a case on a {shipping_class} shipment could be opened until {closes:%Y-%m-%d %H:%M}")
    if received_at is not None:
        claim_in_time(book, reason, received_at, now)
    _check_proposal(proposal, refund_limit(paid, refunded))
    return Case(Origin.AFTER_SHIPMENT, reason, now, paid, refunded, proposal, proposal)



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
        raise DeadlinePassed(f"too late: the {due.clock} clock ran out ({due.due_at:%Y-%m-%d %H:%M})",
                             deadline=due.clock, due_at=due.due_at.isoformat())


def answer(case: Case, book: Rulebook, now: datetime, agree: bool, counter: Proposal | None = None) -> Transition:
    """The seller agrees, or rejects with or without a counter-proposal, in negotiation or on the platform."""
    if not moves.parties_for(case, "accept" if agree else "reject"):
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
    if case.origin is not Origin.PRE_SHIPMENT or not moves.parties_for(case, "refuse_prepared"):
        raise NotAllowedInState("only a refund request before shipment can be refused as prepared")
    if not book.aftersales.pre_shipment.seller_may_refuse_prepared:
        raise NotAllowedInState(f"{book.title} does not let a seller refuse a refund because the goods are prepared")
    _in_time(case, book, now)
    return _close(case, now, None, resolution="refused_prepared")


def accept_counter(case: Case, book: Rulebook, now: datetime) -> Transition:
    """The buyer accepts what the seller offered instead."""
    _in_time(case, book, now)
    if not moves.parties_for(case, "accept_counter") or case.on_table == case.buyer_proposal:
        raise NotAllowedInState("there is no counter-proposal to accept")
    return _agree(case, case.on_table, now)


def withdraw(case: Case, now: datetime) -> Transition:
    """The buyer drops the request before any agreement; the order goes on as it was."""
    if not moves.parties_for(case, "withdraw"):
        raise NotAllowedInState("only an unsettled case can be withdrawn")
    return _close(case, now, None, resolution="withdrawn")


def is_vip(book: Rulebook, member_level: str | None) -> bool:
    """Whether a buyer of this member level counts as VIP under the rulebook (who may escalate sooner)."""
    return member_level in book.aftersales.negotiation.vip_member_levels


def may_escalate(case: Case, book: Rulebook, buyer_is_vip: bool, now: datetime) -> bool:
    # DHgate: VIP buyers after 3 days, others after 5, until day 10 (RULES.md §7.1.2)
    if case.origin is not Origin.AFTER_SHIPMENT or not moves.parties_for(case, "escalate"):
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
    if not moves.parties_for(case, "give_tracking"):
        raise NotAllowedInState("no tracking number is awaited on this case")
    if case.step is Step.RETURN_TRACKING:
        return Transition(replace(case, step=Step.RETURN_RECEIPT, step_started_at=now), "case.return_sent")
    return Transition(replace(case, step=Step.RESHIP_RECEIPT, step_started_at=now), "case.reshipped")


def confirm_received(case: Case, book: Rulebook, now: datetime) -> Transition:
    """Seller confirms the return → refund at once; buyer confirms the reship → release at once (§7.1.4)."""
    if not moves.parties_for(case, "confirm_received"):
        raise NotAllowedInState("no receipt is awaited on this case")
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
    if not moves.parties_for(case, "record_shortage_proof"):
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
    if by not in moves.parties_for(case, "report_problem"):
        raise NotAllowedInState(f"the {by} has nothing to report at this step")
    if case.step is Step.RETURN_RECEIPT and by == "seller":
        # DHgate FAQ: return not in by day 25 → contact CS on days 25–30 (RULES.md §7.1.4 A, §15 #3)
        opens = case.step_started_at + return_leg(book, case).seller_report_from
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
    if not moves.parties_for(case, "arbitrate"):
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


