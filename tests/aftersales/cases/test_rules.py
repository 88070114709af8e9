"""After-sales rules, walked with the numbers of RULES.md §7 and the §15 readings the rulebooks chose."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales_clock import ALI, DAY, DEFAULT, DH, SECOND, T0, TAOBAO, TMALL, cny, usd
from shopkeeper import rulebooks
from shopkeeper.aftersales.cases.case import Case, Origin, Proposal, Stage, Step, Transition
from shopkeeper.aftersales.cases.clocks import DeadlinePassed, next_actor, next_deadline, reminders
from shopkeeper.aftersales.cases.evidence_rules import (
    ensure_evidence_in_time,
    evidence_deadlines,
    evidence_due,
    late_damage_claim,
)
from shopkeeper.aftersales.cases.rules import (
    Ruling,
    accept_counter,
    answer,
    arbitrate,
    case_window,
    confirm_received,
    escalate,
    is_vip,
    may_escalate,
    may_open_case,
    may_take_instant_refund,
    on_deadline,
    open_case,
    open_pre_shipment_refund,
    record_shortage_proof,
    record_tracking,
    refund_limit,
    refuse_prepared,
    report_problem,
    shipping_class,
    take_instant_refund,
    withdraw,
)
from shopkeeper.errors import InvalidInput, NotAllowedInState
from shopkeeper.money import CurrencyMismatch, Money
from shopkeeper.orders.rules import confirm_by, ship_by
from shopkeeper.rulebooks.carriers import Carrier

PAID, NONE = usd("100.00"), usd("0")


def after_shipment(proposal: Proposal, *, reason: str = "inad_color", at: datetime = T0, paid: Money = PAID) -> Case:
    """A DHgate case opened on an express shipment whose tracking number was given 6 days earlier."""
    return open_case(DH, proposal, reason, "express", at - 6 * DAY, paid, Money.zero(paid.currency), at)


def agreed(proposal: Proposal) -> Case:
    case = answer(after_shipment(proposal), DH, T0 + DAY, agree=True).case
    assert case.stage is Stage.PERFORMING and case.step_started_at == T0 + DAY
    return case


def fire(case: Case, book: rulebooks.Rulebook = DH) -> Transition:
    due = next_deadline(case, book)
    assert due is not None
    assert on_deadline(case, book, due.due_at - SECOND) is None  # a timer that wakes early does nothing
    moved = on_deadline(case, book, due.due_at)
    assert moved is not None
    return moved


# --- §7.1.1 before shipment -----------------------------------------------------------------------

def test_dhgate_pre_shipment_silence_refunds_on_day_7_and_counts_as_sold_not_shipped() -> None:
    """RULES.md §7.1.1, §8.1: no agreement after 7 days → automatic refund, order cancelled, 成交不卖."""
    # given a refund request before shipment on DHgate
    case = open_pre_shipment_refund(DH, "out_of_stock", PAID, NONE, T0)
    due = next_deadline(case, DH)
    assert due is not None and due.due_at == T0 + 7 * DAY and due.action == "refund_buyer"
    # when the seller stays silent for 7 days
    moved = fire(case)
    # then the buyer is refunded, the order cancelled, and it counts as sold but not shipped
    assert moved.settlement is not None
    assert (moved.settlement.refund, moved.settlement.cancel_order) == (PAID, True)
    assert moved.case.sold_not_shipped and moved.case.resolution == "refunded"


def test_a_seller_who_agrees_before_shipment_refunds_at_once_without_sold_not_shipped() -> None:
    # given a refund request before shipment, when the seller agrees on day 1
    moved = answer(open_pre_shipment_refund(DH, "not_required", PAID, NONE, T0), DH, T0 + DAY, agree=True)
    # then the refund is at once, the order cancelled, and no sold-but-not-shipped mark
    assert moved.settlement is not None and moved.settlement.refund == PAID and moved.settlement.cancel_order
    assert not moved.case.sold_not_shipped


def test_a_rejected_pre_shipment_request_still_refunds_when_the_7_days_end() -> None:
    # given a request before shipment the seller rejected
    rejected = answer(open_pre_shipment_refund(DH, "out_of_stock", PAID, NONE, T0), DH, T0 + DAY, agree=False).case
    # when the 7 days end, then the buyer is refunded all the same, as sold but not shipped
    assert fire(rejected).case.sold_not_shipped


def test_dhgate_seller_may_refuse_because_the_goods_are_prepared() -> None:
    """RULES.md §7.1.5: "我已备货" rejects the refund; the order stands and nothing is refunded."""
    # given a request before shipment, when the seller answers that the goods are prepared
    moved = refuse_prepared(open_pre_shipment_refund(DH, "not_required", PAID, NONE, T0), DH, T0 + DAY)
    # then the case closes with nothing refunded
    assert moved.settlement is None and moved.case.resolution == "refused_prepared"


def test_taobao_has_no_prepared_refusal_and_its_timeout_is_not_sold_not_shipped() -> None:
    # given a request before shipment on Taobao
    case = open_pre_shipment_refund(TAOBAO, "not_required", cny("10.00"), cny("0"), T0)
    # when the seller refuses it as prepared, then that is refused
    with pytest.raises(NotAllowedInState):
        refuse_prepared(case, TAOBAO, T0 + DAY)
    # when its clock runs out, then it closes on day 2 without a sold-but-not-shipped mark
    moved = fire(case, TAOBAO)
    assert moved.case.closed_at == T0 + 2 * DAY and not moved.case.sold_not_shipped


def test_a_pre_shipment_request_needs_a_pre_shipment_reason_from_the_rulebook() -> None:
    # when a request before shipment names an after-shipment reason, then it is refused with the reasons allowed
    with pytest.raises(InvalidInput, match="out_of_stock"):
        open_pre_shipment_refund(DH, "inad_color", PAID, NONE, T0)


# --- §7.3 ship-by and the instant refund ------------------------------------------------------

@pytest.mark.parametrize("book, hours", [(TAOBAO, 72), (TMALL, 48)])
def test_after_ship_by_the_buyer_takes_an_instant_refund_without_the_seller(book: rulebooks.Rulebook, hours: int) -> None:
    """RULES.md §7.3: Taobao 72 h, Tmall 48 h after payment; then "未按约定时间发货" refunds in 0 s."""
    # given an order paid at T0, then it ships by 72 h (Taobao) or 48 h (Tmall)
    assert ship_by(T0, book) == T0 + timedelta(hours=hours)
    deadline = T0 + timedelta(hours=hours)
    # when the deadline passes unshipped, then the buyer may take the refund, not before and not once shipped
    assert not may_take_instant_refund(book, T0, False, deadline)
    assert may_take_instant_refund(book, T0, False, deadline + SECOND)
    assert not may_take_instant_refund(book, T0, True, deadline + SECOND)
    # when the buyer takes it, then what is left is refunded at once and the order cancelled
    moved = take_instant_refund(book, T0, False, cny("80.00"), cny("20.00"), deadline + SECOND)
    assert moved.case.kind == "not_shipped_on_time" and moved.case.reason == "not_shipped_on_time"
    assert moved.settlement is not None and moved.settlement.refund == cny("60.00") and moved.settlement.cancel_order
    with pytest.raises(NotAllowedInState):
        take_instant_refund(book, T0, False, cny("80.00"), cny("0"), deadline)


def test_dhgate_has_no_instant_refund() -> None:
    # given an order on DHgate never shipped, then even a year on there is no instant refund to take
    assert not may_take_instant_refund(DH, T0, False, T0 + 365 * DAY)
    with pytest.raises(NotAllowedInState):
        take_instant_refund(DH, T0, False, PAID, NONE, T0 + 365 * DAY)


# --- §5.6 when a case may be opened -----------------------------------------------------------

@pytest.mark.parametrize("shipping_class, first_day", [("express", 5), ("standard", 7), ("post", 10)])
def test_dhgate_opening_windows_by_shipping_class(shipping_class: str, first_day: int) -> None:
    """RULES.md §5.6: Big-4 express 5–90, general express 7–90, surface post 10–90 days after tracking."""
    # given tracking given at T0, then the window opens on the class's first day and closes on day 90
    assert case_window(DH, shipping_class, T0) == (T0 + first_day * DAY, T0 + 90 * DAY)
    assert not may_open_case(DH, shipping_class, T0, T0 + first_day * DAY - SECOND)
    assert may_open_case(DH, shipping_class, T0, T0 + first_day * DAY)
    assert may_open_case(DH, shipping_class, T0, T0 + 90 * DAY)
    assert not may_open_case(DH, shipping_class, T0, T0 + 90 * DAY + SECOND)


def test_opening_outside_the_window_or_on_an_unknown_class_is_refused() -> None:
    # given a post shipment, when a case opens on day 9 (too soon) or day 91 (too late), then it is refused
    proposal = Proposal("refund_only", usd("10.00"))
    with pytest.raises(NotAllowedInState):
        open_case(DH, proposal, "inad_color", "post", T0, PAID, NONE, T0 + 9 * DAY)
    with pytest.raises(DeadlinePassed):
        open_case(DH, proposal, "inad_color", "post", T0, PAID, NONE, T0 + 91 * DAY)
    # when the shipping class is unknown, then the known ones are named
    with pytest.raises(InvalidInput, match="express, standard, post"):
        may_open_case(DH, "pigeon", T0, T0)


@pytest.mark.parametrize("proposal", [
    Proposal("refund_only", usd("100.01")), Proposal("refund_only", usd("0")), Proposal("reship", usd("1.00")),
])
def test_a_proposal_never_asks_more_than_was_paid_nor_money_for_a_reship(proposal: Proposal) -> None:
    # when a case asks more than was paid, nothing, or money with a reship, then it is refused
    with pytest.raises(InvalidInput):
        after_shipment(proposal)


def test_a_refund_in_another_currency_is_refused() -> None:
    # given an order paid in dollars, when the buyer asks for yuan, then it is refused
    with pytest.raises(CurrencyMismatch):
        after_shipment(Proposal("refund_only", cny("1.00")))


# --- §7.1.2 negotiation and escalation --------------------------------------------------------

def test_dhgate_seller_silent_5_days_the_buyers_refund_amount_is_carried_out() -> None:
    """RULES.md §7.1.2, §15 #1 first clock: 5 natural days from opening, then the buyer's refund amount."""
    # given a case after shipment asking $35 back, waiting for the seller's answer
    case = after_shipment(Proposal("refund_only", usd("35.00")))
    assert next_actor(case) == "seller"
    due = next_deadline(case, DH)
    assert due is not None and (due.due_at, due.action) == (T0 + 5 * DAY, "carry_out_buyer_proposal")
    # when the seller stays silent 5 days
    moved = fire(case)
    # then the buyer's $35 is refunded and the rest released to the seller
    assert moved.settlement is not None and moved.settlement.refund == usd("35.00") and moved.settlement.release_rest
    assert moved.case.resolution == "partly_refunded"


def test_a_seller_who_missed_the_answer_deadline_is_refused() -> None:
    # given a case after shipment, when the seller answers on day 5, then it is too late
    with pytest.raises(DeadlinePassed):
        answer(after_shipment(Proposal("refund_only", usd("35.00"))), DH, T0 + 5 * DAY, agree=False)


def test_after_a_rejection_the_case_escalates_itself_after_10_days() -> None:
    """RULES.md §7.1.2: no agreement and no escalation within 10 natural days → platform dispute."""
    # given a request the seller rejected on day 2, now waiting for the buyer
    rejected = answer(after_shipment(Proposal("refund_only", PAID)), DH, T0 + 2 * DAY, agree=False).case
    assert next_actor(rejected) == "buyer"
    # when nobody agrees or escalates until day 10, then the case escalates itself
    moved = fire(rejected)
    assert moved.event == "case.escalated" and moved.case.escalated_at == T0 + 10 * DAY


def test_a_counter_proposal_the_buyer_accepts_is_the_agreement() -> None:
    # given the seller offered $20 instead of the full refund
    counter = Proposal("refund_only", usd("20.00"))
    countered = answer(after_shipment(Proposal("refund_only", PAID)), DH, T0 + DAY, agree=False, counter=counter).case
    # when the buyer accepts, then $20 is refunded
    moved = accept_counter(countered, DH, T0 + 2 * DAY)
    assert moved.settlement is not None and moved.settlement.refund == usd("20.00")


def test_who_counts_as_vip_is_the_rulebooks_list_of_member_levels() -> None:
    # given DHgate's rulebook, whose VIP levels are gold and platinum, and a copy that names silver too
    silver_too = dataclasses.replace(DH, aftersales=dataclasses.replace(DH.aftersales, negotiation=dataclasses.replace(
        DH.aftersales.negotiation, vip_member_levels=("silver", "gold", "platinum"))))
    # then a gold buyer is VIP under both, a silver buyer only under the copy, and a regular or unknown buyer never
    assert DH.aftersales.negotiation.vip_member_levels == ("gold", "platinum")
    assert is_vip(DH, "gold") and is_vip(silver_too, "gold")
    assert not is_vip(DH, "silver") and is_vip(silver_too, "silver")
    assert not is_vip(silver_too, "regular") and not is_vip(DH, None)


@pytest.mark.parametrize("vip, first_day", [(True, 3), (False, 5)])
def test_vip_buyers_may_escalate_after_3_days_others_after_5_until_day_10(vip: bool, first_day: int) -> None:
    """RULES.md §7.1.2: "3(VIP买家)/5(其他买家)-10个自然日"."""
    # given a request the seller rejected on day 1
    case = answer(after_shipment(Proposal("refund_only", PAID)), DH, T0 + DAY, agree=False).case
    # then the buyer may escalate from day 3 (VIP) or 5 (others) to day 10, and not outside those days
    assert not may_escalate(case, DH, vip, T0 + first_day * DAY - SECOND)
    assert may_escalate(case, DH, vip, T0 + first_day * DAY)
    assert may_escalate(case, DH, vip, T0 + 10 * DAY)
    assert not may_escalate(case, DH, vip, T0 + 10 * DAY + SECOND)
    with pytest.raises(NotAllowedInState, match=f"from day {first_day} to day 10"):
        escalate(case, DH, vip, T0 + DAY)
    assert escalate(case, DH, vip, T0 + first_day * DAY).case.stage is Stage.ESCALATED


def test_a_pre_shipment_request_is_never_escalated() -> None:
    # given a refund request before shipment, then even a VIP buyer may not take it to the platform
    assert not may_escalate(open_pre_shipment_refund(DH, "out_of_stock", PAID, NONE, T0), DH, True, T0 + 5 * DAY)


# --- platform stage and the ruling --------------------------------------------------------------

def escalated(proposal: Proposal = Proposal("refund_only", PAID)) -> Case:
    case = answer(after_shipment(proposal), DH, T0 + DAY, agree=False).case
    return escalate(case, DH, False, T0 + 5 * DAY).case


def test_seller_silent_5_days_after_escalation_the_buyers_proposal_is_carried_out() -> None:
    """RULES.md §7.1.2 (§六), §15 #1 second clock: 5 days from the buyer's escalation."""
    # given a return-and-refund request the buyer escalated on day 5
    case = escalated(Proposal("return_refund", usd("60.00")))
    due = next_deadline(case, DH)
    assert due is not None and (due.due_at, due.clock) == (T0 + 10 * DAY, "platform_feedback")
    # when the seller gives no feedback for 5 days, then the buyer's proposal is carried out: the return starts
    moved = fire(case)
    assert moved.case.stage is Stage.PERFORMING and moved.case.step is Step.RETURN_TRACKING


def test_a_ruling_is_due_10_days_after_escalation_and_the_operator_is_reminded_each_period() -> None:
    # given an escalated case the seller answered, now waiting for the platform
    case = answer(escalated(), DH, T0 + 6 * DAY, agree=False).case
    assert next_actor(case) == "platform"
    # when no ruling comes in 10 days, then the operator is reminded, the case stays open, and the next period starts
    first = fire(case)
    assert first.event == "case.ruling_overdue" and first.case.is_open
    due = next_deadline(first.case, DH)
    assert due is not None and due.due_at == T0 + 25 * DAY and due.waiting_for == "platform"


def test_arbitration_full_partial_and_release() -> None:
    # given a case on the platform, when the specialist rules a full refund, a partial one, or a release
    case = answer(escalated(), DH, T0 + 6 * DAY, agree=False).case
    # then the money follows the ruling
    full = arbitrate(case, Ruling("full_refund", "seller"), T0 + 7 * DAY)
    assert full.settlement is not None and full.settlement.refund == PAID and full.case.responsible == "seller"
    partial = arbitrate(case, Ruling("partial_refund", "seller", usd("60.00"), (usd("40.00"), usd("70.00"))), T0 + 7 * DAY)
    assert partial.settlement is not None and partial.settlement.refund == usd("60.00") and partial.settlement.release_rest
    released = arbitrate(case, Ruling("release_seller", "buyer"), T0 + 7 * DAY)
    assert released.settlement is not None and released.settlement.refund == NONE and released.case.resolution == "released"


@pytest.mark.parametrize("ruling", [
    Ruling("partial_refund", "seller", usd("100.00")),
    Ruling("partial_refund", "seller", usd("0")),
    Ruling("partial_refund", "seller", usd("30.00"), (usd("40.00"), usd("70.00"))),
    Ruling("partial_refund", "seller"),
])
def test_a_partial_refund_outside_the_allowed_range_is_refused(ruling: Ruling) -> None:
    # given a case on the platform, when the partial refund is all, nothing, outside the range or missing, then refused
    with pytest.raises(InvalidInput):
        arbitrate(escalated(), ruling, T0 + 7 * DAY)


def test_only_an_escalated_case_is_ruled_on() -> None:
    # given a case still in negotiation, when the specialist rules, then it is refused
    with pytest.raises(NotAllowedInState):
        arbitrate(after_shipment(Proposal("refund_only", PAID)), Ruling("full_refund", "seller"), T0)


# --- §7.1.4 A return then refund --------------------------------------------------------------

def test_return_refund_buyer_without_tracking_for_7_days_abandons_and_the_seller_is_paid() -> None:
    moved = fire(agreed(Proposal("return_refund", PAID)))
    assert moved.settlement is not None and moved.settlement.refund == NONE and moved.settlement.release_rest


def test_return_refund_seller_asked_on_days_15_and_20_and_assumed_received_on_day_30() -> None:
    """RULES.md §7.1.4 A, §15 #3: 30 days to receive, asked on days 15 and 20, silence → refund when they end."""
    sent = record_tracking(agreed(Proposal("return_refund", usd("70.00"))), DH, T0 + 3 * DAY).case
    assert next_actor(sent) == "seller"
    assert reminders(sent, DH) == (T0 + 18 * DAY, T0 + 23 * DAY)
    due = next_deadline(sent, DH)
    assert due is not None and due.due_at == T0 + 33 * DAY
    moved = fire(sent)
    assert moved.settlement is not None and moved.settlement.refund == usd("70.00")  # the agreed amount (partial too)


def test_a_seller_confirming_the_return_refunds_at_once() -> None:
    sent = record_tracking(agreed(Proposal("return_refund", PAID)), DH, T0 + 3 * DAY).case
    moved = confirm_received(sent, DH, T0 + 9 * DAY)
    assert moved.settlement is not None and moved.settlement.refund == PAID and moved.case.closed_at == T0 + 9 * DAY


def test_a_seller_may_report_a_missing_return_from_day_25() -> None:
    """RULES.md §7.1.4 A (FAQ): not received by day 25 → contact CS on days 25–30 for a specialist."""
    sent = record_tracking(agreed(Proposal("return_refund", PAID)), DH, T0 + 3 * DAY).case
    with pytest.raises(NotAllowedInState):
        report_problem(sent, DH, "seller", T0 + 28 * DAY - SECOND)
    moved = report_problem(sent, DH, "seller", T0 + 28 * DAY)
    assert moved.case.stage is Stage.ESCALATED and next_actor(moved.case) == "platform"
    with pytest.raises(NotAllowedInState):
        report_problem(sent, DH, "seller", T0 + 33 * DAY)


def test_a_late_return_tracking_number_is_refused() -> None:
    with pytest.raises(DeadlinePassed):
        record_tracking(agreed(Proposal("return_refund", PAID)), DH, T0 + 8 * DAY)


# --- §7.1.4 B reship ----------------------------------------------------------------------------

def test_dhgate_reship_seller_silent_7_days_full_refund_on_day_8() -> None:
    """RULES.md §7.1.4 B, §15 #4: no reship tracking within 7 natural days → full refund as day 8 starts."""
    case = agreed(Proposal("reship", NONE))
    due = next_deadline(case, DH)
    assert due is not None and due.due_at == T0 + DAY + 7 * DAY and due.action == "refund_buyer"
    moved = fire(case)
    assert moved.settlement is not None and moved.settlement.refund == PAID and not moved.settlement.release_rest


def test_reship_buyer_asked_on_days_10_and_15_and_funds_released_when_the_90_days_end() -> None:
    """RULES.md §7.1.4 B, §15 #4 reading: checks on days 10 and 15; silence releases at day 90, not before."""
    shipped = record_tracking(agreed(Proposal("reship", NONE)), DH, T0 + 3 * DAY).case
    assert next_actor(shipped) == "buyer"
    assert reminders(shipped, DH) == (T0 + 13 * DAY, T0 + 18 * DAY)
    assert on_deadline(shipped, DH, T0 + 19 * DAY) is None
    moved = fire(shipped)
    assert moved.case.closed_at == T0 + 93 * DAY
    assert moved.settlement is not None and moved.settlement.refund == NONE and moved.settlement.release_rest


def test_the_buyer_confirming_the_reship_releases_at_once_or_reports_a_problem() -> None:
    shipped = record_tracking(agreed(Proposal("reship", NONE)), DH, T0 + 3 * DAY).case
    released = confirm_received(shipped, DH, T0 + 10 * DAY)
    assert released.settlement is not None and released.case.resolution == "released"
    reported = report_problem(shipped, DH, "buyer", T0 + 20 * DAY, proposal=Proposal("refund_only", PAID))
    assert reported.case.stage is Stage.ESCALATED and reported.case.buyer_proposal.refund == PAID
    assert next_actor(reported.case) == "seller"


def test_a_seller_may_ask_a_specialist_30_days_after_the_reship_is_delivered() -> None:
    """RULES.md §7.1.4 B (FAQ)."""
    shipped = record_tracking(agreed(Proposal("reship", NONE)), DH, T0 + 3 * DAY).case
    delivered = T0 + 12 * DAY
    with pytest.raises(NotAllowedInState):
        report_problem(shipped, DH, "seller", delivered + 30 * DAY - SECOND, delivered_at=delivered)
    assert report_problem(shipped, DH, "seller", delivered + 30 * DAY, delivered_at=delivered).case.stage is Stage.ESCALATED


# --- §7.1.4 C return then reship ----------------------------------------------------------------

def test_return_reship_assumed_return_starts_the_7_day_reship_clock_then_full_refund() -> None:
    """RULES.md §7.1.4 C: silence on the return counts as received; no reship within 7 days → full refund."""
    sent = record_tracking(agreed(Proposal("return_reship", NONE)), DH, T0 + 3 * DAY).case
    assumed = fire(sent)
    assert assumed.settlement is None and assumed.case.step is Step.RESHIP_TRACKING
    assert assumed.case.step_started_at == T0 + 33 * DAY
    refunded = fire(assumed.case)
    assert refunded.case.closed_at == T0 + 40 * DAY
    assert refunded.settlement is not None and refunded.settlement.refund == PAID


def test_return_reship_confirmed_return_then_reship_follows_the_reship_buyer_leg() -> None:
    sent = record_tracking(agreed(Proposal("return_reship", NONE)), DH, T0 + 3 * DAY).case
    confirmed = confirm_received(sent, DH, T0 + 10 * DAY).case
    due = next_deadline(confirmed, DH)
    assert due is not None and due.due_at == T0 + 17 * DAY
    shipped = record_tracking(confirmed, DH, T0 + 12 * DAY).case
    assert reminders(shipped, DH) == (T0 + 22 * DAY, T0 + 27 * DAY)


def test_return_reship_buyer_without_tracking_abandons() -> None:
    moved = fire(agreed(Proposal("return_reship", NONE)))
    assert moved.case.resolution == "released"


def test_a_money_only_agreement_executes_immediately() -> None:
    moved = answer(after_shipment(Proposal("refund_only", usd("25.00"))), DH, T0 + DAY, agree=True)
    assert moved.case.stage is Stage.CLOSED and moved.settlement is not None and moved.settlement.refund == usd("25.00")


def test_a_withdrawn_case_closes_without_moving_money() -> None:
    moved = withdraw(after_shipment(Proposal("refund_only", PAID)), T0 + DAY)
    assert moved.settlement is None and moved.case.resolution == "withdrawn" and next_deadline(moved.case, DH) is None


# --- invariants -------------------------------------------------------------------------------------

@given(st.integers(0, 10**9), st.integers(0, 2 * 10**9))
def test_refund_limit_is_never_negative_nor_above_what_was_paid(paid: int, before: int) -> None:
    limit = refund_limit(Money(paid, "USD"), Money(before, "USD"))
    assert 0 <= limit.minor <= paid and limit.minor == max(0, paid - before)


ACTIONS = ["deadline", "agree", "reject", "counter", "escalate", "tracking", "confirm", "report_seller", "report_buyer",
           "rule_partial", "rule_full", "rule_release", "withdraw", "refuse_prepared", "accept_counter"]


def act(case: Case, action: str, now: datetime, book: rulebooks.Rulebook) -> Transition | None:
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


@settings(max_examples=300, deadline=None)
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
    now, refunds = T0, []
    for action, hours in steps:
        now += timedelta(hours=hours)
        moved = act(case, action, now, book)
        if moved is None:
            continue
        case = moved.case
        if moved.settlement is not None:
            refunds.append(moved.settlement.refund)
        if case.is_open:
            due = next_deadline(case, book)
            assert due is not None and next_actor(case, book) == due.waiting_for
        else:
            assert next_deadline(case, book) is None and next_actor(case) is None
    assert sum(r.minor for r in refunds) <= limit.minor
    assert all(r.minor >= 0 for r in refunds) and len(refunds) <= 1
    while case.is_open:  # left alone, the clocks always bring a case to an end (or to the platform, which rules)
        if case.stage is Stage.ESCALATED and next_actor(case, book) == "platform":  # AliExpress: at once (§7.2.2)
            case = arbitrate(case, Ruling("full_refund", "seller"), now).case
            break
        due = next_deadline(case, book)
        assert due is not None
        now = max(now, due.due_at)
        moved = on_deadline(case, book, now)
        assert moved is not None
        case = moved.case
    assert case.stage is Stage.CLOSED


# --- AliExpress evidence (§7.2.2) ---------------------------------------------------------------

def test_aliexpress_evidence_deadlines() -> None:
    assert evidence_due(ALI, "seller_tracking_proof", T0) == T0 + 3 * DAY
    assert evidence_due(ALI, "damage_claim", T0) == T0 + 3 * DAY
    assert evidence_due(ALI, "buyer_shortage_evidence", T0) == T0 + 10 * DAY
    assert evidence_due(ALI, "seller_shortage_evidence", T0) == T0 + 3 * DAY
    assert evidence_due(ALI, "shortage_agreement", T0) == T0 + 3 * DAY
    assert evidence_due(ALI, "supplement", T0) == T0 + 3 * DAY


def test_aliexpress_damage_claimed_after_3_days_is_rejected_and_the_seller_paid() -> None:
    assert late_damage_claim(ALI, T0, T0 + 3 * DAY) is None
    assert late_damage_claim(ALI, T0, T0 + 3 * DAY + SECOND) == "release_seller"


def _ali_case(reason: str, received: datetime | None, at: datetime) -> Case:
    """An AliExpress case on an express shipment whose tracking number was given 6 days before `at`."""
    return open_case(ALI, Proposal("refund_only", PAID), reason, "express", at - 6 * DAY, PAID, NONE, at, received_at=received)


def test_a_damage_claim_opens_within_3_days_of_receipt_and_a_shortage_within_10() -> None:
    """§7.2.2: damage after 3 days is rejected (the seller is paid); a shortage needs its evidence within 10 days."""
    assert _ali_case("inad_damaged", T0 - 3 * DAY, T0).reason == "inad_damaged"
    with pytest.raises(DeadlinePassed, match="damage is claimed within 3 days of receipt.*the funds go to the seller") as late:
        _ali_case("inad_damaged", T0 - 3 * DAY - SECOND, T0)
    assert late.value.extra == {"deadline": "damage_claim", "due_at": (T0 - SECOND).isoformat()}
    assert _ali_case("inad_short", T0 - 10 * DAY, T0).reason == "inad_short"
    with pytest.raises(DeadlinePassed, match="within 10 days of receipt"):
        _ali_case("inad_short", T0 - 10 * DAY - SECOND, T0)
    # other reasons, or goods not known to have arrived, have no such clock
    assert _ali_case("inad_description", T0 - 30 * DAY, T0).reason == "inad_description"
    assert _ali_case("inad_damaged", None, T0).reason == "inad_damaged"


def test_evidence_deadlines_follow_the_reason_receipt_and_the_platforms_requests() -> None:
    """§7.2.2: the seller's proof of shipment 3 days after a not-received case opens; the buyer's damage proof 3 days
    and shortage evidence 10 days after receipt, the seller's shipped weight 3 days after opening; a supplement 3 days
    after the platform asks."""
    def owed(reason: str, received: datetime | None = None, **asked: datetime) -> list[tuple[str, str, datetime]]:
        return [(d.party, d.what, d.due_at) for d in evidence_deadlines(ALI, reason, T0, received, asked)]  # type: ignore[arg-type]

    assert owed("inr_in_transit") == [("seller", "seller_tracking_proof", T0 + 3 * DAY)]
    assert owed("inr_customs") == [("seller", "seller_tracking_proof", T0 + 3 * DAY)]
    assert owed("inad_damaged", T0 - DAY) == [("buyer", "damage_claim", T0 + 2 * DAY)]
    assert owed("inad_short", T0 - DAY) == [("buyer", "buyer_shortage_evidence", T0 + 9 * DAY),
                                            ("seller", "seller_shortage_evidence", T0 + 3 * DAY)]
    assert owed("inad_short") == [("seller", "seller_shortage_evidence", T0 + 3 * DAY)]
    assert owed("inad_description") == []
    assert owed("inad_description", buyer=T0 + DAY, seller=T0 + 2 * DAY) == [
        ("buyer", "supplement", T0 + 4 * DAY), ("seller", "supplement", T0 + 5 * DAY)]
    assert owed("inad_missing_quantity", T0) == owed("inad_short", T0)  # DHgate's 数量少 is AliExpress's 货物短装


def test_a_party_files_until_its_latest_deadline() -> None:
    deadlines = evidence_deadlines(ALI, "inr_in_transit", T0, None, {"seller": T0 + 2 * DAY})
    ensure_evidence_in_time(deadlines, "seller", T0 + 5 * DAY)  # the request gave 3 more days
    with pytest.raises(DeadlinePassed, match="the further evidence asked for, within 3 days of the request") as late:
        ensure_evidence_in_time(deadlines, "seller", T0 + 5 * DAY + SECOND)
    assert late.value.extra["deadline"] == "supplement"
    ensure_evidence_in_time(deadlines, "buyer", T0 + 90 * DAY)  # no deadline binds the buyer


@pytest.mark.parametrize("carrier, found", [("DHL", "express"), ("UPS Saver", "express"), ("fedex", "express"),
                                            ("  tnt express ", "express"), ("敦豪", "express"), ("ＤＨＬ", "express"),
                                            ("DHLX", "standard"), ("DHL eCommerce", "standard"), ("DHL Supply", "standard"),
                                            ("SF Express", "standard"), ("顺丰国际", "standard"), ("YunExpress", "standard"),
                                            ("China Post", "post"), ("中国邮政", "post"), ("Posti", "standard"),
                                            (None, "standard")])
def test_shipping_class_of_a_carrier_on_dhgate(carrier: str | None, found: str) -> None:
    """§5.6, §15 #6 reading: DHL, UPS, FedEx, TNT are Big-4 express, by whole name or alias, case and spaces aside;
    SF is general express there; a name no list has is the default class (standard), never matched by a prefix."""
    assert shipping_class(carrier, DH) == found


@pytest.mark.parametrize("carrier", ["SF Express", "顺丰国际", "sf international", "Shunfeng", "UPS", "TNT"])
def test_sf_international_is_commercial_express_on_aliexpress(carrier: str) -> None:
    """§5.5: commercial logistics = air express excluding EMS, by UPS, DHL, FedEx, TNT and SF (顺丰国际)."""
    assert shipping_class(carrier, ALI) == "express"
    assert shipping_class("EMS", ALI) == "standard" and shipping_class("DHL eCommerce", ALI) == "standard"


def test_a_stores_filed_carrier_comes_before_the_rulebooks_list_and_the_default() -> None:
    """§15 #6: the store files its own carriers; they win over the rulebook's entry of the same name."""
    filed = (Carrier("SF Express", ("顺丰",), "express"), Carrier("Royal Mail", ("皇家邮政",), "post"))
    assert shipping_class("sf express", DH, filed) == "express"  # the rulebook says standard
    assert shipping_class(" 皇家邮政 ", DH, filed) == "post"  # the rulebook does not know it
    assert shipping_class("Royal Mail Tracked", DH, filed) == "standard"  # no prefix match: the default
    assert shipping_class("DHL", DH, filed) == "express"  # the rulebook's list still applies


@pytest.mark.parametrize("book, carrier, days", [(TAOBAO, "YTO", 10), (TAOBAO, "中通快递", 10), (TAOBAO, "平邮", 30),
                                                 (TMALL, "China Post", 30), (TMALL, "Unknown Courier", 10),
                                                 (DEFAULT, "DHL", 10), (DEFAULT, "China Post", 30), (ALI, "China Post", 90)])
def test_auto_confirm_follows_the_shipping_class_of_the_carrier(book: rulebooks.Rulebook, carrier: str, days: int) -> None:
    """§17.1: on Taobao/Tmall receipt confirms itself 10 days after an express shipment, 30 after surface post."""
    assert confirm_by(T0, book, shipping_class(carrier, book)) == T0 + days * DAY


@pytest.mark.parametrize("book", [TAOBAO, TMALL])
def test_the_post_case_window_ends_15_days_after_the_post_auto_confirm(book: rulebooks.Rulebook) -> None:
    """§17.1, §7.3: the window closes 15 days after receipt would confirm itself, for each class alike."""
    for shipping in ("express", "standard", "post"):
        _, closes = case_window(book, shipping, T0)
        assert closes == confirm_by(T0, book, shipping) + 15 * DAY


def test_aliexpress_seller_answer_clock_is_for_not_received_disputes_only() -> None:
    """§7.2.2: the 5-day answer (else the buyer's refund) is stated for not-received disputes; a not-as-described
    case negotiates 7 days and goes to AliExpress, which sets a refund range (partial refund)."""
    inr = open_case(ALI, Proposal("refund_only", PAID), "inr_in_transit", "express", T0 - 6 * DAY, PAID, NONE, T0)
    inad = open_case(ALI, Proposal("refund_only", PAID), "inad_quality", "express", T0 - 6 * DAY, PAID, NONE, T0)
    assert (d := next_deadline(inr, ALI)) is not None and (d.clock, d.due_at, d.action) == (
        "seller_answer", T0 + 5 * DAY, "carry_out_buyer_proposal")
    assert (d := next_deadline(inad, ALI)) is not None and (d.clock, d.due_at, d.action, d.waiting_for) == (
        "negotiation", T0 + 7 * DAY, "escalate", "seller")
    assert on_deadline(inad, ALI, T0 + 5 * DAY) is None
    moved = on_deadline(inad, ALI, T0 + 7 * DAY)
    assert moved is not None and moved.case.stage is Stage.ESCALATED
    # on the platform no clock waits on the seller: the specialist rules (DHgate would carry out the buyer's proposal)
    d = next_deadline(moved.case, ALI)
    assert d is not None and (d.clock, d.waiting_for, d.action) == ("ruling", "platform", "alert_operator")
    assert next_actor(moved.case, ALI) == "platform"
    dh = open_case(DH, Proposal("refund_only", PAID), "inad_not_working", "express", T0 - 6 * DAY, PAID, NONE, T0)
    assert (d := next_deadline(dh, DH)) is not None and d.clock == "seller_answer"


def test_aliexpress_seller_answers_within_5_days_negotiation_7_platform_within_7() -> None:
    case = open_case(ALI, Proposal("refund_only", PAID), "inr_in_transit", "express", T0 - 6 * DAY, PAID, NONE, T0)
    due = next_deadline(case, ALI)
    assert due is not None and (due.due_at, due.action) == (T0 + 5 * DAY, "carry_out_buyer_proposal")
    rejected = answer(case, ALI, T0 + DAY, agree=False).case
    due = next_deadline(rejected, ALI)
    assert due is not None and (due.due_at, due.action) == (T0 + 7 * DAY, "escalate")
    on_platform = answer(fire(rejected, ALI).case, ALI, T0 + 8 * DAY, agree=False).case
    due = next_deadline(on_platform, ALI)
    assert due is not None and due.due_at == T0 + 14 * DAY


def test_aliexpress_seller_may_report_an_unreceived_return_any_time_in_30_days() -> None:
    case = open_case(ALI, Proposal("return_refund", PAID), "inad_quality", "express", T0 - 6 * DAY, PAID, NONE, T0)
    sent = record_tracking(answer(case, ALI, T0, agree=True).case, ALI, T0 + DAY).case
    assert report_problem(sent, ALI, "seller", T0 + DAY).case.stage is Stage.ESCALATED
    due = next_deadline(sent, ALI)
    assert due is not None and due.due_at == T0 + 31 * DAY


# --- the rulebooks hold RULES.md §7's numbers ---------------------------------------------------

def test_dhgate_rulebook_holds_the_section_7_1_numbers() -> None:
    a = DH.aftersales
    p = a.pre_shipment
    assert (p.negotiate, p.on_silence) == (7 * DAY, "refund_buyer")
    assert p.silence_is_sold_not_shipped and p.seller_may_refuse_prepared
    n = a.negotiation
    assert (n.seller_answer, n.negotiate) == (5 * DAY, 10 * DAY)
    assert (n.vip_may_escalate_after, n.others_may_escalate_after) == (3 * DAY, 5 * DAY)
    assert (a.platform.seller_feedback, a.platform.ruling_within) == (5 * DAY, 10 * DAY)
    r = a.return_refund
    assert (r.buyer_tracking, r.seller_receive, r.seller_report_from) == (7 * DAY, 30 * DAY, 25 * DAY)
    assert r.remind_seller_on == (15 * DAY, 20 * DAY)
    s = a.reship
    assert (s.seller_tracking, s.buyer_receive, s.remind_buyer_on, s.seller_may_ask_specialist_after_delivery) == (
        7 * DAY, 90 * DAY, (10 * DAY, 15 * DAY), 30 * DAY)
    assert a.return_reship.seller_reship == 7 * DAY
    assert not a.metrics.agreement_cases_are_disputes and a.metrics.refund_rate_counts == "platform_stage"


def test_dhgate_reason_taxonomy_has_23_reasons_with_their_responsible_party() -> None:
    """RULES.md §7.1.3, §15 #5."""
    reasons = DH.aftersales.reasons
    categories = ("order", "not_as_described", "not_received", "no_reason_return")
    by_category = {c: sum(r.category == c for r in reasons) for c in categories}
    assert len(reasons) == 23 and by_category == {"order": 6, "not_as_described": 12, "not_received": 4, "no_reason_return": 1}
    party = {r.code: r.responsible for r in reasons}
    assert party["customs_worry"] == "buyer" and party["not_required"] == "buyer" and party["out_of_stock"] == "seller"
    assert party["inr_in_transit"] == "third_party" and party["inr_customs"] == "investigation"
    assert party["no_reason_return"] == "buyer" and party["inad_service"] == party["inr_service"] == "seller"


def test_aliexpress_reasons_merge_the_duplicate_returned_parcel() -> None:
    """RULES.md §7.2.1, §15 #7: 9 not-received subtypes with (3) = (7) are 8 reasons; 6 not-as-described."""
    reasons = ALI.aftersales.reasons
    assert sum(r.category == "not_received" for r in reasons) == 8
    assert sum(r.category == "not_as_described" for r in reasons) == 6


def test_every_rulebook_is_complete_for_every_clock() -> None:
    for name in rulebooks.names():
        a = rulebooks.load(name).aftersales
        assert set(a.opening) == {"express", "standard", "post"}
        assert any(r.stage == "pre_shipment" for r in a.reasons) and any(r.stage == "post_shipment" for r in a.reasons)


def test_the_late_shipment_reason_belongs_to_the_instant_refund_only() -> None:
    with pytest.raises(InvalidInput):
        open_pre_shipment_refund(TAOBAO, "not_shipped_on_time", cny("1.00"), cny("0"), T0)
    assert Origin.LATE_SHIPMENT.value == "not_shipped_on_time"


@pytest.mark.parametrize("matches, signed, action, responsible", [
    (True, True, "release_seller", "buyer"), (True, False, "escalate", None), (False, True, "escalate", None),
    (False, False, "escalate", None)])
def test_a_shortage_without_agreement_in_3_days_follows_the_sellers_proof(matches: bool, signed: bool, action: str,
                                                                          responsible: str | None) -> None:
    """§7.2.2: proved quantity and the buyer's signature → released to the seller, the buyer responsible; else (our
    reading, §15 #8) the platform rules."""
    case = _ali_case("inad_short", T0 - DAY, T0)
    case = record_shortage_proof(case, ALI, T0 + DAY, matches, signed).case
    due = next_deadline(case, ALI)
    assert due is not None and (due.due_at, due.clock, due.action) == (T0 + 3 * DAY, "shortage_agreement", action)
    assert next_actor(case) == due.waiting_for
    assert on_deadline(case, ALI, T0 + 3 * DAY - SECOND) is None
    done = on_deadline(case, ALI, T0 + 3 * DAY)
    assert done is not None and done.case.responsible == responsible
    if action == "release_seller":
        assert done.case.stage is Stage.CLOSED and done.settlement is not None and done.settlement.refund == NONE
    else:
        assert done.case.stage is Stage.ESCALATED and done.settlement is None
    with pytest.raises(DeadlinePassed):
        record_shortage_proof(_ali_case("inad_short", T0 - DAY, T0), ALI, T0 + 3 * DAY, True, True)
