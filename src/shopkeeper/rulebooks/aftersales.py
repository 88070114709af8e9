"""The after-sales part of a rulebook, typed (RULES.md §7, §8.1).

Every deadline, default outcome, opening window, reason and compensation
figure the after-sales rules use lives in a rulebook's `[aftersales]` table and
arrives here as a frozen dataclass; `shopkeeper.aftersales.cases.rules` reads these
and holds no number of its own. `parse` assumes the table passed
`rulebooks.check.problems`; it does no checking itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, Literal, Mapping, get_args

from shopkeeper.money import Money

# Who a reason blames; "investigation" means the platform decides after looking (e.g. customs, RULES.md §7.1.3).
Party = Literal["seller", "buyer", "third_party", "investigation"]
# What a clock does when the party it waits for stays silent.
Outcome = Literal[
    "refund_buyer", "release_seller", "escalate", "carry_out_buyer_proposal", "keep_order", "assume_received", "alert_operator",
    "await_ruling",
]
ReasonStage = Literal["pre_shipment", "post_shipment"]
ReasonCategory = Literal["order", "late_shipment", "not_received", "not_as_described", "no_reason_return"]
PaidIn = Literal["cash", "points"]
RefundRateBasis = Literal["platform_stage", "all_refunds"]

PARTIES: tuple[str, ...] = get_args(Party)
REASON_STAGES: tuple[str, ...] = get_args(ReasonStage)
REASON_CATEGORIES: tuple[str, ...] = get_args(ReasonCategory)
PAID_IN: tuple[str, ...] = get_args(PaidIn)
REFUND_RATE_BASES: tuple[str, ...] = get_args(RefundRateBasis)


@dataclass(frozen=True)
class Reason:
    code: str
    zh: str
    en: str
    responsible: Party
    stage: ReasonStage
    category: ReasonCategory


@dataclass(frozen=True)
class PreShipmentRules:
    """A refund request before shipment (发货前协议)."""

    negotiate: timedelta
    on_silence: Outcome  # refund_buyer (the order is cancelled) or keep_order
    silence_is_sold_not_shipped: bool  # 成交不卖
    seller_may_refuse_prepared: bool  # 我已备货


@dataclass(frozen=True)
class LateShipmentRules:
    instant_refund: bool  # "not shipped on time": no seller consent needed


@dataclass(frozen=True)
class NegotiationRules:
    """The agreement stage after shipment (协议纠纷): the platform does not step in yet."""

    seller_answer: timedelta
    on_seller_silence: Outcome
    seller_answer_for: tuple[ReasonCategory, ...]  # the kinds of case the seller-answer clock runs on (AliExpress: not received)
    negotiate: timedelta
    on_no_agreement: Outcome
    vip_member_levels: tuple[str, ...]  # the member levels whose buyers count as VIP here
    vip_may_escalate_after: timedelta
    others_may_escalate_after: timedelta


@dataclass(frozen=True)
class PlatformRules:
    """The platform stage (平台纠纷): a specialist rules."""

    seller_feedback: timedelta | None  # None: no clock on the seller's feedback; the specialist rules on what is on file
    on_seller_silence: Outcome
    ruling_within: timedelta
    on_ruling_overdue: Outcome


@dataclass(frozen=True)
class OpeningWindow:
    opens_after: timedelta  # counted from the moment the seller gives the tracking number
    closes_after: timedelta


@dataclass(frozen=True)
class ReturnLeg:
    """The buyer sends the goods back; the seller receives them."""

    buyer_tracking: timedelta
    on_buyer_silence: Outcome
    seller_receive: timedelta
    remind_seller_on: tuple[timedelta, ...]
    seller_report_from: timedelta
    assume_received_after: timedelta
    on_seller_silence: Outcome


@dataclass(frozen=True)
class ReshipLeg:
    """The seller sends new goods; the buyer receives them."""

    seller_tracking: timedelta
    on_seller_silence: Outcome
    buyer_receive: timedelta
    remind_buyer_on: tuple[timedelta, ...]
    assume_received_after: timedelta
    on_buyer_silence: Outcome
    seller_may_ask_specialist_after_delivery: timedelta


@dataclass(frozen=True)
class ReturnReshipRules:
    """Return, then reship: the return leg, then a reship clock; the buyer's leg is `reship`'s."""

    returning: ReturnLeg
    seller_reship: timedelta
    on_seller_reship_silence: Outcome


@dataclass(frozen=True)
class EvidenceRules:
    seller_tracking_proof: timedelta
    damage_claim: timedelta
    on_late_damage_claim: Outcome
    buyer_shortage_evidence: timedelta
    seller_shortage_evidence: timedelta
    shortage_agree: timedelta
    on_shortage_proven: Outcome  # shipped quantity = ordered and the buyer signed (AliExpress: release to the seller)
    on_shortage_no_agreement: Outcome  # either is missing
    supplement: timedelta


@dataclass(frozen=True)
class CompensationRules:
    rate: Decimal  # a fraction of the goods amount: "0.05" is 5%
    min: Money
    max: Money
    special_category_min: Money
    paid_in: PaidIn
    points_per_major_unit: int | None  # only when paid in points


@dataclass(frozen=True)
class ComplaintRules:
    window: timedelta
    compensation: CompensationRules


@dataclass(frozen=True)
class MetricRules:
    agreement_cases_are_disputes: bool
    refund_rate_counts: RefundRateBasis


@dataclass(frozen=True)
class AftersalesRules:
    pre_shipment: PreShipmentRules
    late_shipment: LateShipmentRules
    negotiation: NegotiationRules
    platform: PlatformRules
    opening: Mapping[str, OpeningWindow]  # shipping class → window
    return_refund: ReturnLeg
    reship: ReshipLeg
    return_reship: ReturnReshipRules
    evidence: EvidenceRules
    complaint: ComplaintRules | None  # None: the platform offers no complaint compensation
    metrics: MetricRules
    reasons: tuple[Reason, ...]

    def reason(self, code: str) -> Reason | None:
        return next((r for r in self.reasons if r.code == code), None)


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _return_leg(t: dict[str, Any]) -> ReturnLeg:
    return ReturnLeg(
        buyer_tracking=_days(t["buyer_tracking_days"]), on_buyer_silence=t["on_buyer_silence"],
        seller_receive=_days(t["seller_receive_days"]), remind_seller_on=tuple(_days(d) for d in t["remind_seller_on_days"]),
        seller_report_from=_days(t["seller_report_from_day"]), assume_received_after=_days(t["assume_received_on_day"]),
        on_seller_silence=t["on_seller_silence"],
    )


def _compensation(t: dict[str, Any]) -> CompensationRules:
    currency = t["currency"]
    return CompensationRules(
        rate=Decimal(t["rate"]), min=Money.of(t["min"], currency), max=Money.of(t["max"], currency),
        special_category_min=Money.of(t["special_category_min"], currency), paid_in=t["paid_in"],
        points_per_major_unit=t.get("points_per_major_unit"),
    )


def parse(a: dict[str, Any]) -> AftersalesRules:
    pre, neg, plat, rs, rr, ev, c, m = (a[k] for k in (
        "pre_shipment", "negotiation", "platform", "reship", "return_reship", "evidence", "complaint", "metrics"))
    return AftersalesRules(
        pre_shipment=PreShipmentRules(_days(pre["negotiate_days"]), pre["on_silence"],
                                      pre["silence_counts_as_sold_not_shipped"], pre["seller_may_refuse_prepared"]),
        late_shipment=LateShipmentRules(a["late_shipment"]["instant_refund"]),
        negotiation=NegotiationRules(
            _days(neg["seller_answer_days"]), neg["on_seller_silence"], tuple(neg["seller_answer_for"]),
            _days(neg["negotiate_days"]), neg["on_no_agreement"],
            tuple(neg["vip_member_levels"]), _days(neg["vip_may_escalate_after_days"]),
            _days(neg["others_may_escalate_after_days"]),
        ),
        platform=PlatformRules(
            _days(plat["seller_feedback_days"]) if plat["on_seller_silence"] != "await_ruling" else None,
            plat["on_seller_silence"], _days(plat["ruling_days"]), plat["on_ruling_overdue"],
        ),
        opening={name: OpeningWindow(_days(w["opens_after_days"]), _days(w["closes_after_days"]))
                 for name, w in a["opening"].items()},
        return_refund=_return_leg(a["return_refund"]),
        reship=ReshipLeg(
            _days(rs["seller_tracking_days"]), rs["on_seller_silence"], _days(rs["buyer_receive_days"]),
            tuple(_days(d) for d in rs["remind_buyer_on_days"]), _days(rs["assume_received_on_day"]), rs["on_buyer_silence"],
            _days(rs["seller_may_ask_specialist_days_after_delivery"]),
        ),
        return_reship=ReturnReshipRules(_return_leg(rr), _days(rr["seller_reship_days"]), rr["on_seller_reship_silence"]),
        evidence=EvidenceRules(
            _days(ev["seller_tracking_proof_days"]), _days(ev["damage_claim_days"]), ev["on_late_damage_claim"],
            _days(ev["buyer_shortage_evidence_days"]), _days(ev["seller_shortage_evidence_days"]),
            _days(ev["shortage_agree_days"]), ev["on_shortage_proven"],
            ev["on_shortage_no_agreement"], _days(ev["supplement_days"]),
        ),
        complaint=ComplaintRules(_days(c["window_days"]), _compensation(c["compensation"])) if c["offered"] else None,
        metrics=MetricRules(m["agreement_cases_are_disputes"], m["refund_rate_counts"]),
        reasons=tuple(Reason(r["code"], r["zh"], r["en"], r["responsible"], r["stage"], r["category"]) for r in a["reasons"]),
    )
