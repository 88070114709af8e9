"""The shipped rulebooks hold RULES.md §7's numbers and reason lists, and every clock the case rules read."""

from __future__ import annotations

import pytest

from aftersales_clock import ALI, DAY, DH, T0, TAOBAO, cny
from shopkeeper import rulebooks
from shopkeeper.aftersales.cases.case import Origin
from shopkeeper.aftersales.cases.rules import open_pre_shipment_refund
from shopkeeper.errors import InvalidInput


def test_dhgate_rulebook_holds_the_section_7_1_numbers() -> None:
    """RULES.md §7.1.1–§7.1.4, §8.1."""
    a = DH.aftersales
    # then before shipment: 7 days, silence refunds and counts as sold not shipped, "我已备货" may refuse
    p = a.pre_shipment
    assert (p.negotiate, p.on_silence) == (7 * DAY, "refund_buyer")
    assert p.silence_is_sold_not_shipped and p.seller_may_refuse_prepared
    # then negotiation: 5 days to answer, 10 to agree; VIP buyers escalate from day 3, others from day 5
    n = a.negotiation
    assert (n.seller_answer, n.negotiate) == (5 * DAY, 10 * DAY)
    assert (n.vip_may_escalate_after, n.others_may_escalate_after) == (3 * DAY, 5 * DAY)
    # then on the platform: 5 days for the seller's feedback, a ruling within 10
    assert (a.platform.seller_feedback, a.platform.ruling_within) == (5 * DAY, 10 * DAY)
    # then return and refund: 7 days to send, 30 to receive, reports from day 25, reminders on days 15 and 20
    r = a.return_refund
    assert (r.buyer_tracking, r.seller_receive, r.seller_report_from) == (7 * DAY, 30 * DAY, 25 * DAY)
    assert r.remind_seller_on == (15 * DAY, 20 * DAY)
    # then reship: 7 days to ship, 90 to receive, reminders on days 10 and 15, a specialist 30 days after delivery
    s = a.reship
    assert (s.seller_tracking, s.buyer_receive, s.remind_buyer_on, s.seller_may_ask_specialist_after_delivery) == (
        7 * DAY, 90 * DAY, (10 * DAY, 15 * DAY), 30 * DAY)
    assert a.return_reship.seller_reship == 7 * DAY
    # then only platform-stage cases count as disputes and refunds in the seller's figures
    assert not a.metrics.agreement_cases_are_disputes and a.metrics.refund_rate_counts == "platform_stage"


def test_dhgate_reason_taxonomy_has_23_reasons_with_their_responsible_party() -> None:
    """RULES.md §7.1.3, §15 #5."""
    # given DHgate's reasons, then there are 23 in four categories
    reasons = DH.aftersales.reasons
    categories = ("order", "not_as_described", "not_received", "no_reason_return")
    by_category = {c: sum(r.category == c for r in reasons) for c in categories}
    assert len(reasons) == 23 and by_category == {"order": 6, "not_as_described": 12, "not_received": 4, "no_reason_return": 1}
    # then each names who is responsible for it
    party = {r.code: r.responsible for r in reasons}
    assert party["customs_worry"] == "buyer" and party["not_required"] == "buyer" and party["out_of_stock"] == "seller"
    assert party["inr_in_transit"] == "third_party" and party["inr_customs"] == "investigation"
    assert party["no_reason_return"] == "buyer" and party["inad_service"] == party["inr_service"] == "seller"


def test_aliexpress_reasons_merge_the_duplicate_returned_parcel() -> None:
    """RULES.md §7.2.1, §15 #7: 9 not-received subtypes with (3) = (7) are 8 reasons; 6 not-as-described."""
    # given AliExpress's reasons, then the duplicated "returned parcel" is one reason, not two
    reasons = ALI.aftersales.reasons
    assert sum(r.category == "not_received" for r in reasons) == 8
    assert sum(r.category == "not_as_described" for r in reasons) == 6


def test_every_rulebook_is_complete_for_every_clock() -> None:
    # given each shipped rulebook, then it opens cases for every shipping class, with reasons before and after shipment
    for name in rulebooks.names():
        a = rulebooks.load(name).aftersales
        assert set(a.opening) == {"express", "standard", "post"}
        assert any(r.stage == "pre_shipment" for r in a.reasons) and any(r.stage == "post_shipment" for r in a.reasons)


def test_the_late_shipment_reason_belongs_to_the_instant_refund_only() -> None:
    # when a buyer asks for a refund before shipment giving "not shipped on time", then it is refused: that is the
    # instant refund's own reason (§7.3)
    with pytest.raises(InvalidInput):
        open_pre_shipment_refund(TAOBAO, "not_shipped_on_time", cny("1.00"), cny("0"), T0)
    assert Origin.LATE_SHIPMENT.value == "not_shipped_on_time"
