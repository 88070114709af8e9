"""AliExpress after-sales (RULES.md §7.2.2 and the §15 readings its rulebook chose): the evidence each side owes and
by when, the answer and negotiation clocks, and the specialist who rules at once."""

from __future__ import annotations

from datetime import datetime

import pytest

from aftersales_clock import ALI, DAY, DH, NONE, PAID, SECOND, T0, fire, on_aliexpress
from shopkeeper.aftersales.cases.case import Proposal, Stage
from shopkeeper.aftersales.cases.clocks import DeadlinePassed, next_actor, next_deadline
from shopkeeper.aftersales.cases.evidence_rules import (
    ensure_evidence_in_time,
    evidence_deadlines,
    evidence_due,
    late_damage_claim,
)
from shopkeeper.aftersales.cases.rules import (
    answer,
    on_deadline,
    open_case,
    record_shortage_proof,
    record_tracking,
    report_problem,
)

# --- evidence and its deadlines -------------------------------------------------------------------


def test_aliexpress_evidence_is_due_in_3_days_and_the_buyers_shortage_evidence_in_10() -> None:
    # given AliExpress's rulebook, when each kind of evidence is asked for at T0, then it is due 3 days on, or 10
    assert evidence_due(ALI, "seller_tracking_proof", T0) == T0 + 3 * DAY
    assert evidence_due(ALI, "damage_claim", T0) == T0 + 3 * DAY
    assert evidence_due(ALI, "buyer_shortage_evidence", T0) == T0 + 10 * DAY
    assert evidence_due(ALI, "seller_shortage_evidence", T0) == T0 + 3 * DAY
    assert evidence_due(ALI, "shortage_agreement", T0) == T0 + 3 * DAY
    assert evidence_due(ALI, "supplement", T0) == T0 + 3 * DAY


def test_aliexpress_damage_claimed_after_3_days_is_rejected_and_the_seller_paid() -> None:
    # given goods received at T0, when damage is claimed on the 3rd day, then the claim stands
    assert late_damage_claim(ALI, T0, T0 + 3 * DAY) is None
    # when it is claimed a second later, then the funds go to the seller
    assert late_damage_claim(ALI, T0, T0 + 3 * DAY + SECOND) == "release_seller"


def test_a_damage_claim_opens_within_3_days_of_receipt_and_a_shortage_within_10() -> None:
    """§7.2.2: damage after 3 days is rejected (the seller is paid); a shortage needs its evidence within 10 days."""
    # given goods received 3 days ago, when a damage case opens, then it may; a second later it is refused
    assert on_aliexpress("inad_damaged", T0 - 3 * DAY).reason == "inad_damaged"
    with pytest.raises(DeadlinePassed, match="damage is claimed within 3 days of receipt.*the funds go to the seller") as late:
        on_aliexpress("inad_damaged", T0 - 3 * DAY - SECOND)
    assert late.value.extra == {"deadline": "damage_claim", "due_at": (T0 - SECOND).isoformat()}
    # given goods received 10 days ago, when a shortage case opens, then it may; a second later it is refused
    assert on_aliexpress("inad_short", T0 - 10 * DAY).reason == "inad_short"
    with pytest.raises(DeadlinePassed, match="within 10 days of receipt"):
        on_aliexpress("inad_short", T0 - 10 * DAY - SECOND)
    # then other reasons, or goods not known to have arrived, have no such clock
    assert on_aliexpress("inad_description", T0 - 30 * DAY).reason == "inad_description"
    assert on_aliexpress("inad_damaged", None).reason == "inad_damaged"


def test_evidence_deadlines_follow_the_reason_receipt_and_the_platforms_requests() -> None:
    """§7.2.2: the seller's proof of shipment 3 days after a not-received case opens; the buyer's damage proof 3 days
    and shortage evidence 10 days after receipt, the seller's shipped weight 3 days after opening; a supplement 3 days
    after the platform asks."""
    # given a case opened at T0 for a reason, the goods perhaps received, the platform perhaps asking for more
    def owed(reason: str, received: datetime | None = None, **asked: datetime) -> list[tuple[str, str, datetime]]:
        return [(d.party, d.what, d.due_at) for d in evidence_deadlines(ALI, reason, T0, received, asked)]  # type: ignore[arg-type]

    # then a not-received case waits for the seller's proof of shipment
    assert owed("inr_in_transit") == [("seller", "seller_tracking_proof", T0 + 3 * DAY)]
    assert owed("inr_customs") == [("seller", "seller_tracking_proof", T0 + 3 * DAY)]
    # then damage and shortage wait on the buyer from receipt, and a shortage on the seller's weight from opening
    assert owed("inad_damaged", T0 - DAY) == [("buyer", "damage_claim", T0 + 2 * DAY)]
    assert owed("inad_short", T0 - DAY) == [("buyer", "buyer_shortage_evidence", T0 + 9 * DAY),
                                            ("seller", "seller_shortage_evidence", T0 + 3 * DAY)]
    assert owed("inad_short") == [("seller", "seller_shortage_evidence", T0 + 3 * DAY)]
    # then other reasons owe nothing until the platform asks, and then 3 days from its request
    assert owed("inad_description") == []
    assert owed("inad_description", buyer=T0 + DAY, seller=T0 + 2 * DAY) == [
        ("buyer", "supplement", T0 + 4 * DAY), ("seller", "supplement", T0 + 5 * DAY)]
    assert owed("inad_missing_quantity", T0) == owed("inad_short", T0)  # DHgate's 数量少 is AliExpress's 货物短装


def test_a_party_files_evidence_until_its_latest_deadline() -> None:
    # given a not-received case whose seller the platform asked for more on day 2
    deadlines = evidence_deadlines(ALI, "inr_in_transit", T0, None, {"seller": T0 + 2 * DAY})
    # when the seller files on day 5, then that is in time: the request gave 3 more days
    ensure_evidence_in_time(deadlines, "seller", T0 + 5 * DAY)
    # when the seller files a second later, then it is refused, naming the request's deadline
    with pytest.raises(DeadlinePassed, match="the further evidence asked for, within 3 days of the request") as late:
        ensure_evidence_in_time(deadlines, "seller", T0 + 5 * DAY + SECOND)
    assert late.value.extra["deadline"] == "supplement"
    # when the buyer files on day 90, then that is in time: no deadline binds the buyer
    ensure_evidence_in_time(deadlines, "buyer", T0 + 90 * DAY)


@pytest.mark.parametrize("matches, signed, action, responsible", [
    (True, True, "release_seller", "buyer"), (True, False, "escalate", None), (False, True, "escalate", None),
    (False, False, "escalate", None)])
def test_a_shortage_without_agreement_in_3_days_follows_the_sellers_proof(matches: bool, signed: bool, action: str,
                                                                          responsible: str | None) -> None:
    """§7.2.2: proved quantity and the buyer's signature → released to the seller, the buyer responsible; else (our
    reading, §15 #8) the platform rules."""
    # given a shortage case whose seller filed on day 1 whether the weight matches and the buyer signed
    case = on_aliexpress("inad_short", T0 - DAY)
    case = record_shortage_proof(case, ALI, T0 + DAY, matches, signed).case
    # then the parties have until day 3 to agree, and the seller's proof decides what happens if they do not
    due = next_deadline(case, ALI)
    assert due is not None and (due.due_at, due.clock, due.action) == (T0 + 3 * DAY, "shortage_agreement", action)
    assert next_actor(case) == due.waiting_for
    # when they do not agree by day 3
    assert on_deadline(case, ALI, T0 + 3 * DAY - SECOND) is None
    done = on_deadline(case, ALI, T0 + 3 * DAY)
    # then a proved and signed shipment is released to the seller, the buyer responsible; otherwise the platform rules
    assert done is not None and done.case.responsible == responsible
    if action == "release_seller":
        assert done.case.stage is Stage.CLOSED and done.settlement is not None and done.settlement.refund == NONE
    else:
        assert done.case.stage is Stage.ESCALATED and done.settlement is None
    # when the seller's proof comes on day 3, then it is too late
    with pytest.raises(DeadlinePassed):
        record_shortage_proof(on_aliexpress("inad_short", T0 - DAY), ALI, T0 + 3 * DAY, True, True)


# --- the answer, negotiation and ruling clocks ------------------------------------------------------


def test_aliexpress_seller_answer_clock_is_for_not_received_disputes_only() -> None:
    """§7.2.2: the 5-day answer (else the buyer's refund) is stated for not-received disputes; a not-as-described
    case negotiates 7 days and goes to AliExpress, which sets a refund range (partial refund)."""
    # given a not-received case and a not-as-described case opened at T0
    inr = on_aliexpress("inr_in_transit", None)
    inad = on_aliexpress("inad_quality", None)
    # then the not-received one waits 5 days for the seller's answer, else the buyer's proposal is carried out
    assert (d := next_deadline(inr, ALI)) is not None and (d.clock, d.due_at, d.action) == (
        "seller_answer", T0 + 5 * DAY, "carry_out_buyer_proposal")
    # then the not-as-described one negotiates 7 days with the seller, then escalates
    assert (d := next_deadline(inad, ALI)) is not None and (d.clock, d.due_at, d.action, d.waiting_for) == (
        "negotiation", T0 + 7 * DAY, "escalate", "seller")
    # when day 5 passes, then nothing happens to it; when day 7 passes, then it goes to the platform
    assert on_deadline(inad, ALI, T0 + 5 * DAY) is None
    moved = on_deadline(inad, ALI, T0 + 7 * DAY)
    assert moved is not None and moved.case.stage is Stage.ESCALATED
    # then on the platform no clock waits on the seller: the specialist rules (DHgate would carry out the buyer's proposal)
    d = next_deadline(moved.case, ALI)
    assert d is not None and (d.clock, d.waiting_for, d.action) == ("ruling", "platform", "alert_operator")
    assert next_actor(moved.case, ALI) == "platform"
    dh = open_case(DH, Proposal("refund_only", PAID), "inad_not_working", "express", T0 - 6 * DAY, PAID, NONE, T0)
    assert (d := next_deadline(dh, DH)) is not None and d.clock == "seller_answer"


def test_aliexpress_seller_answers_within_5_days_negotiation_7_platform_within_7() -> None:
    # given a not-received case opened at T0, then the seller has 5 days to answer, else the buyer's proposal is carried out
    case = on_aliexpress("inr_in_transit", None)
    due = next_deadline(case, ALI)
    assert due is not None and (due.due_at, due.action) == (T0 + 5 * DAY, "carry_out_buyer_proposal")
    # when the seller rejects it on day 1, then the negotiation escalates on day 7
    rejected = answer(case, ALI, T0 + DAY, agree=False).case
    due = next_deadline(rejected, ALI)
    assert due is not None and (due.due_at, due.action) == (T0 + 7 * DAY, "escalate")
    # when it escalates and the seller answers the platform on day 8, then the platform rules within 7 days
    on_platform = answer(fire(rejected, ALI).case, ALI, T0 + 8 * DAY, agree=False).case
    due = next_deadline(on_platform, ALI)
    assert due is not None and due.due_at == T0 + 14 * DAY


def test_aliexpress_seller_may_report_an_unreceived_return_any_time_in_30_days() -> None:
    # given an agreed return whose tracking number the buyer gave on day 1
    case = on_aliexpress("inad_quality", None, proposal="return_refund")
    sent = record_tracking(answer(case, ALI, T0, agree=True).case, ALI, T0 + DAY).case
    # when the seller reports it missing the same day, then the case goes to the platform at once
    assert report_problem(sent, ALI, "seller", T0 + DAY).case.stage is Stage.ESCALATED
    # then left alone the seller's 30 days to receive it run to day 31
    due = next_deadline(sent, ALI)
    assert due is not None and due.due_at == T0 + 31 * DAY
