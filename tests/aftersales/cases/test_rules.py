"""After-sales rules before and after shipment on DHgate, Taobao and Tmall: the request, the negotiation, the platform
and its ruling, walked with the numbers of RULES.md §7 and the §15 readings the rulebooks chose. Carrying out an
agreement is in test_agreements.py, AliExpress in test_aliexpress_rules.py, the invariants in test_invariants.py."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from aftersales_clock import DAY, DH, NONE, PAID, SECOND, T0, TAOBAO, TMALL, after_shipment, cny, escalated, fire, usd
from shopkeeper import rulebooks
from shopkeeper.aftersales.cases.case import Proposal, Stage, Step
from shopkeeper.aftersales.cases.clocks import DeadlinePassed, next_actor, next_deadline
from shopkeeper.aftersales.cases.rules import (
    Ruling,
    accept_counter,
    answer,
    arbitrate,
    case_window,
    escalate,
    is_vip,
    may_escalate,
    may_open_case,
    may_take_instant_refund,
    open_case,
    open_pre_shipment_refund,
    refuse_prepared,
    take_instant_refund,
)
from shopkeeper.errors import InvalidInput, NotAllowedInState
from shopkeeper.money import CurrencyMismatch
from shopkeeper.orders.rules import ship_by

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
    # given a DHgate order not yet shipped
    # when a refund request names an after-shipment reason, then it is refused with the reasons allowed
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
    # given a DHgate order paid $100 and shipped 6 days ago
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
