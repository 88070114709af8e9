"""An after-sales case as plain data, and what a rule hands back to the service.

A case is a frozen value: every rule in `rules.py` takes one and returns a new
one inside a `Transition`, together with the money to move (`Settlement`) and
the event to record. Nothing here knows a database or a clock, so a service can
store a case however it likes and a test can build one in a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from shopkeeper.money import Money
from shopkeeper.rulebooks.aftersales import Outcome, Party

Agreement = Literal["refund_only", "return_refund", "reship", "return_reship"]
CaseKind = Literal["pre_shipment_refund", "not_shipped_on_time", "refund_only", "return_refund", "reship", "return_reship"]
Actor = Literal["seller", "buyer", "platform"]
Resolution = Literal["refunded", "partly_refunded", "released", "kept_order", "refused_prepared", "withdrawn"]
Clock = Literal[
    "pre_shipment", "seller_answer", "negotiation", "platform_feedback", "ruling",
    "return_tracking", "return_receipt", "reship_tracking", "reship_receipt", "shortage_agreement",
]


class Origin(StrEnum):
    PRE_SHIPMENT = "pre_shipment"  # a refund request before shipment (发货前协议)
    LATE_SHIPMENT = "not_shipped_on_time"  # the instant refund after the ship-by deadline (RULES.md §7.3)
    AFTER_SHIPMENT = "after_shipment"  # an agreement dispute after shipment (协议纠纷)


class Stage(StrEnum):
    NEGOTIATING = "negotiating"  # agreement stage: the parties talk, the platform stays out
    ESCALATED = "escalated"  # platform stage (平台纠纷): a specialist will rule
    PERFORMING = "performing"  # agreed; goods are moving under the agreement's clocks
    CLOSED = "closed"


class Step(StrEnum):
    """Where an agreement with goods stands (RULES.md §7.1.4)."""

    RETURN_TRACKING = "awaiting_return_tracking"  # buyer sends the goods back
    RETURN_RECEIPT = "awaiting_return_receipt"  # seller receives them
    RESHIP_TRACKING = "awaiting_reship_tracking"  # seller sends new goods
    RESHIP_RECEIPT = "awaiting_reship_receipt"  # buyer receives them


@dataclass(frozen=True)
class Proposal:
    """What one side asks for. `refund` is zero for the reship agreements."""

    agreement: Agreement
    refund: Money


@dataclass(frozen=True)
class Case:
    origin: Origin
    reason: str  # a reason code of the store's rulebook
    opened_at: datetime
    paid: Money  # what the buyer paid for the lines under the case
    refunded_before: Money  # refunded on those lines before the case opened
    buyer_proposal: Proposal
    on_table: Proposal  # the proposal the other side may accept now
    stage: Stage = Stage.NEGOTIATING
    step: Step | None = None
    agreed: Proposal | None = None
    seller_answered_at: datetime | None = None
    escalated_at: datetime | None = None
    seller_fed_back_at: datetime | None = None
    step_started_at: datetime | None = None
    ruling_reminders: int = 0
    responsible: Party | None = None  # set by the ruling
    closed_at: datetime | None = None
    resolution: Resolution | None = None
    refund: Money | None = None  # what the case paid back, once closed
    sold_not_shipped: bool = False  # 成交不卖 (RULES.md §8.1)
    # a short quantity (短缺): what the seller (or the operator) recorded with the evidence (RULES.md §7.2.2)
    shipped_quantity_matches: bool = False  # the waybill shows shipped quantity = ordered quantity
    buyer_signed: bool = False  # the buyer or the buyer's representative signed on delivery

    @property
    def shortage_proven(self) -> bool:
        return self.shipped_quantity_matches and self.buyer_signed

    @property
    def kind(self) -> CaseKind:
        if self.origin is Origin.PRE_SHIPMENT:
            return "pre_shipment_refund"
        if self.origin is Origin.LATE_SHIPMENT:
            return "not_shipped_on_time"
        return (self.agreed or self.on_table).agreement

    @property
    def is_open(self) -> bool:
        return self.stage is not Stage.CLOSED

    @property
    def reached_platform(self) -> bool:
        return self.escalated_at is not None


@dataclass(frozen=True)
class Settlement:
    """Money to move when a case closes: an instruction for the escrow ledger, not a payment."""

    refund: Money  # to the buyer
    release_rest: bool  # what the case still holds goes to the seller
    cancel_order: bool = False  # a refund before shipment ends the order


@dataclass(frozen=True)
class Transition:
    case: Case
    event: str  # "case.agreed", "case.escalated", "case.closed", ...
    settlement: Settlement | None = None


@dataclass(frozen=True)
class Deadline:
    """The next moment a timer must act on a case, and what it will do then: codes, worded by the interfaces."""

    due_at: datetime
    clock: Clock
    waiting_for: Actor
    action: Outcome
