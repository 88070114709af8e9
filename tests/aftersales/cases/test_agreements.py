"""Carrying out an agreement (协议) on DHgate: return then refund, reship, return then reship (RULES.md §7.1.4 and
the §15 readings the rulebook chose). Every case here was agreed by the seller on day 1."""

from __future__ import annotations

import pytest

from aftersales_clock import DAY, DH, NONE, PAID, SECOND, T0, after_shipment, agreed, fire, usd
from shopkeeper.aftersales.cases.case import Proposal, Stage, Step
from shopkeeper.aftersales.cases.clocks import DeadlinePassed, next_actor, next_deadline, reminders
from shopkeeper.aftersales.cases.rules import answer, confirm_received, on_deadline, record_tracking, report_problem, withdraw
from shopkeeper.errors import NotAllowedInState

# --- §7.1.4 A return then refund --------------------------------------------------------------


def test_a_buyer_who_sends_no_return_tracking_in_7_days_abandons_and_the_seller_is_paid() -> None:
    """RULES.md §7.1.4 A: the buyer returns the goods within 7 days of the agreement, else gives the case up."""
    # given an agreed return and refund, when the buyer gives no return tracking number for 7 days
    moved = fire(agreed(Proposal("return_refund", PAID)))
    # then nothing is refunded and the money is released to the seller
    assert moved.settlement is not None and moved.settlement.refund == NONE and moved.settlement.release_rest


def test_a_seller_silent_on_a_return_is_asked_on_days_15_and_20_and_refunds_the_agreed_amount_on_day_30() -> None:
    """RULES.md §7.1.4 A, §15 #3: 30 days to receive, asked on days 15 and 20, silence → refund when they end."""
    # given a return of a $70 agreement whose tracking number the buyer gave on day 3
    sent = record_tracking(agreed(Proposal("return_refund", usd("70.00"))), DH, T0 + 3 * DAY).case
    # then the seller is waited for, reminded on days 15 and 20 of the return, and has until day 30 of it
    assert next_actor(sent) == "seller"
    assert reminders(sent, DH) == (T0 + 18 * DAY, T0 + 23 * DAY)
    due = next_deadline(sent, DH)
    assert due is not None and due.due_at == T0 + 33 * DAY
    # when the seller neither confirms nor reports by then
    moved = fire(sent)
    # then the return counts as received and the agreed amount is refunded, a partial one too
    assert moved.settlement is not None and moved.settlement.refund == usd("70.00")


def test_a_seller_who_confirms_the_return_refunds_at_once() -> None:
    # given a return whose tracking number the buyer gave on day 3
    sent = record_tracking(agreed(Proposal("return_refund", PAID)), DH, T0 + 3 * DAY).case
    # when the seller confirms receipt on day 9
    moved = confirm_received(sent, DH, T0 + 9 * DAY)
    # then the buyer is refunded in full at once and the case closes that moment
    assert moved.settlement is not None and moved.settlement.refund == PAID and moved.case.closed_at == T0 + 9 * DAY


def test_a_seller_may_report_a_missing_return_from_day_25_to_day_30() -> None:
    """RULES.md §7.1.4 A (FAQ): not received by day 25 → contact CS on days 25–30 for a specialist."""
    # given a return whose tracking number the buyer gave on day 3 (so day 25 of it is T0 + 28 days)
    sent = record_tracking(agreed(Proposal("return_refund", PAID)), DH, T0 + 3 * DAY).case
    # when the seller reports it missing a second before day 25, then that is refused
    with pytest.raises(NotAllowedInState):
        report_problem(sent, DH, "seller", T0 + 28 * DAY - SECOND)
    # when the seller reports it on day 25, then the case goes to the platform, which acts next
    moved = report_problem(sent, DH, "seller", T0 + 28 * DAY)
    assert moved.case.stage is Stage.ESCALATED and next_actor(moved.case) == "platform"
    # when the seller reports it once the 30 days are over, then that is refused
    with pytest.raises(NotAllowedInState):
        report_problem(sent, DH, "seller", T0 + 33 * DAY)


def test_a_return_tracking_number_after_the_7_days_is_refused() -> None:
    # given an agreed return on day 1, when the buyer gives the tracking number on day 8, then it is too late
    with pytest.raises(DeadlinePassed):
        record_tracking(agreed(Proposal("return_refund", PAID)), DH, T0 + 8 * DAY)


# --- §7.1.4 B reship ----------------------------------------------------------------------------


def test_a_seller_who_gives_no_reship_tracking_for_7_days_refunds_the_buyer_in_full_on_day_8() -> None:
    """RULES.md §7.1.4 B, §15 #4: no reship tracking within 7 natural days → full refund as day 8 starts."""
    # given a reship agreed on day 1, then the seller has 7 days to give its tracking number, else the buyer is refunded
    case = agreed(Proposal("reship", NONE))
    due = next_deadline(case, DH)
    assert due is not None and due.due_at == T0 + DAY + 7 * DAY and due.action == "refund_buyer"
    # when the seller stays silent those 7 days
    moved = fire(case)
    # then the buyer gets everything back and the seller nothing
    assert moved.settlement is not None and moved.settlement.refund == PAID and not moved.settlement.release_rest


def test_a_reshipped_buyer_is_asked_on_days_10_and_15_and_silence_releases_the_funds_on_day_90() -> None:
    """RULES.md §7.1.4 B, §15 #4 reading: checks on days 10 and 15; silence releases at day 90, not before."""
    # given a reship whose tracking number the seller gave on day 3
    shipped = record_tracking(agreed(Proposal("reship", NONE)), DH, T0 + 3 * DAY).case
    # then the buyer is waited for and reminded on days 10 and 15 of the reship
    assert next_actor(shipped) == "buyer"
    assert reminders(shipped, DH) == (T0 + 13 * DAY, T0 + 18 * DAY)
    # when the reminders pass, then nothing moves yet
    assert on_deadline(shipped, DH, T0 + 19 * DAY) is None
    # when the buyer stays silent until day 90 of the reship
    moved = fire(shipped)
    # then the case closes, nothing is refunded and the money is released to the seller
    assert moved.case.closed_at == T0 + 93 * DAY
    assert moved.settlement is not None and moved.settlement.refund == NONE and moved.settlement.release_rest


def test_a_reshipped_buyer_confirming_releases_at_once_and_a_reported_problem_goes_back_to_the_seller() -> None:
    # given a reship whose tracking number the seller gave on day 3
    shipped = record_tracking(agreed(Proposal("reship", NONE)), DH, T0 + 3 * DAY).case
    # when the buyer confirms receipt on day 10, then the money is released at once
    released = confirm_received(shipped, DH, T0 + 10 * DAY)
    assert released.settlement is not None and released.case.resolution == "released"
    # when instead the buyer reports a problem on day 20 asking for a full refund
    reported = report_problem(shipped, DH, "buyer", T0 + 20 * DAY, proposal=Proposal("refund_only", PAID))
    # then the case is escalated with the buyer's new proposal, and the seller answers next
    assert reported.case.stage is Stage.ESCALATED and reported.case.buyer_proposal.refund == PAID
    assert next_actor(reported.case) == "seller"


def test_a_seller_may_ask_a_specialist_30_days_after_the_reship_is_delivered() -> None:
    """RULES.md §7.1.4 B (FAQ)."""
    # given a reship shipped on day 3 and delivered on day 12
    shipped = record_tracking(agreed(Proposal("reship", NONE)), DH, T0 + 3 * DAY).case
    delivered = T0 + 12 * DAY
    # when the seller asks for a specialist a second before 30 days from delivery, then that is refused
    with pytest.raises(NotAllowedInState):
        report_problem(shipped, DH, "seller", delivered + 30 * DAY - SECOND, delivered_at=delivered)
    # when the seller asks on the 30th day, then the case goes to the platform
    assert report_problem(shipped, DH, "seller", delivered + 30 * DAY, delivered_at=delivered).case.stage is Stage.ESCALATED


# --- §7.1.4 C return then reship ----------------------------------------------------------------


def test_a_return_the_seller_is_silent_on_counts_as_received_and_no_reship_in_7_days_refunds_in_full() -> None:
    """RULES.md §7.1.4 C: silence on the return counts as received; no reship within 7 days → full refund."""
    # given a return-then-reship whose return tracking the buyer gave on day 3
    sent = record_tracking(agreed(Proposal("return_reship", NONE)), DH, T0 + 3 * DAY).case
    # when the seller is silent for the 30 days of the return
    assumed = fire(sent)
    # then the return counts as received and the seller's 7 days to reship start, with no money moved yet
    assert assumed.settlement is None and assumed.case.step is Step.RESHIP_TRACKING
    assert assumed.case.step_started_at == T0 + 33 * DAY
    # when the seller gives no reship tracking number in those 7 days
    refunded = fire(assumed.case)
    # then the buyer is refunded in full and the case closes
    assert refunded.case.closed_at == T0 + 40 * DAY
    assert refunded.settlement is not None and refunded.settlement.refund == PAID


def test_a_confirmed_return_starts_the_reship_and_then_the_reship_buyer_leg() -> None:
    # given a return-then-reship whose return tracking the buyer gave on day 3
    sent = record_tracking(agreed(Proposal("return_reship", NONE)), DH, T0 + 3 * DAY).case
    # when the seller confirms the return on day 10, then the seller has 7 days from then to reship
    confirmed = confirm_received(sent, DH, T0 + 10 * DAY).case
    due = next_deadline(confirmed, DH)
    assert due is not None and due.due_at == T0 + 17 * DAY
    # when the seller reships on day 12, then the buyer is reminded on days 10 and 15 of the reship
    shipped = record_tracking(confirmed, DH, T0 + 12 * DAY).case
    assert reminders(shipped, DH) == (T0 + 22 * DAY, T0 + 27 * DAY)


def test_a_return_then_reship_buyer_who_sends_no_return_tracking_abandons() -> None:
    # given an agreed return-then-reship, when the buyer gives no return tracking number for 7 days
    moved = fire(agreed(Proposal("return_reship", NONE)))
    # then the money is released to the seller
    assert moved.case.resolution == "released"


# --- agreements without goods moving ------------------------------------------------------------


def test_a_money_only_agreement_refunds_the_agreed_amount_at_once() -> None:
    # given a request for $25 back, when the seller agrees on day 1
    moved = answer(after_shipment(Proposal("refund_only", usd("25.00"))), DH, T0 + DAY, agree=True)
    # then the case closes with $25 refunded
    assert moved.case.stage is Stage.CLOSED and moved.settlement is not None and moved.settlement.refund == usd("25.00")


def test_a_withdrawn_case_closes_without_moving_money() -> None:
    # given an open case, when the buyer withdraws it on day 1
    moved = withdraw(after_shipment(Proposal("refund_only", PAID)), T0 + DAY)
    # then nothing is refunded, the case is withdrawn, and no clock is left running
    assert moved.settlement is None and moved.case.resolution == "withdrawn" and next_deadline(moved.case, DH) is None
