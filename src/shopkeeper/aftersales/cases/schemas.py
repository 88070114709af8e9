"""Case API shapes: what a buyer, a seller and the platform send about a case, and how a case reads back."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shopkeeper.aftersales.cases.evidence_rules import EvidenceDeadline
from shopkeeper.aftersales.cases.moves import ACTIONS, CaseAction
from shopkeeper.aftersales.cases.rows import CaseView
from shopkeeper.aftersales.models import CaseLine, CaseMessage, EvidenceFile
from shopkeeper.api.schemas import Amount, Id, In, Moment, MoneyOut, Text, stripped
from shopkeeper.console.case_view import deadline_line
from shopkeeper.events import Event

AgreementIn = Literal["refund_only", "return_refund", "reship", "return_reship"]
ReasonCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,64}$")]
Short = Annotated[str, StringConstraints(min_length=1, max_length=64), stripped(1)]
Note = Annotated[str, StringConstraints(max_length=500), stripped()]

class CaseIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "reason": "inad_missing_parts",
        "agreement": "return_refund",
        "refund": "59.90",
        "lines": [1],
        "message": "The sleeve is torn.",
    }]})

    reason: ReasonCode = Field(description="a reason code of the store's rulebook, e.g. 'inad_color' or 'out_of_stock'")
    agreement: AgreementIn | None = Field(default=None, description="after shipment: what the buyer wants done; default refund_only")
    refund: Amount | None = Field(default=None, description="the refund asked for; default everything left on the lines "
                                                            "(0 for reship). Before shipment the whole order is refunded")
    lines: list[Id] | None = Field(default=None, min_length=1, max_length=100, description="order line ids; default every line")
    message: Text | None = None


class ProposalIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"agreement": "refund_only", "refund": "20.00"}]})

    agreement: AgreementIn
    refund: Amount = Decimal(0)


class AnswerIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "agree": False,
        "counter": {"agreement": "refund_only", "refund": "20.00"},
    }]})

    agree: bool
    counter: ProposalIn | None = Field(default=None, description="with agree: false, the seller's counter-proposal")


class TrackingIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"carrier": "SF", "tracking_number": "SF1234567890"}]})

    carrier: Short
    tracking_number: Short


class ProblemIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"delivered_at": "2026-11-10T15:00:00Z"}]})

    delivered_at: Moment | None = Field(default=None, description="seller, reshipment: when the carrier delivered it")
    proposal: ProposalIn | None = Field(default=None, description="buyer, reshipment: what the buyer now asks for")


class MessageIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"body": "Photos of the damage are attached as evidence."}]})

    body: Annotated[str, StringConstraints(min_length=1, max_length=4000), stripped(1)]


class RulingIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "decision": "partial_refund",
        "responsible": "seller",
        "refund": "30.00",
        "allowed_from": "10.00",
        "allowed_to": "59.90",
    }]})

    decision: Literal["full_refund", "partial_refund", "release_seller"]
    responsible: Literal["seller", "buyer", "third_party"] = Field(description="whom the specialist finds responsible")
    refund: Amount | None = Field(default=None, description="the amount of a partial refund")
    allowed_from: Amount | None = Field(default=None, description="the refund range given to both sides, from")
    allowed_to: Amount | None = None


class EvidenceRequestIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "of": "seller",
        "note": "the waybill showing the shipped weight",
    }]})

    of: Literal["buyer", "seller"] = Field(description="whose evidence is insufficient: they supplement it within 3 days")
    note: Note = ""


class ShortageProofIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{"shipped_quantity_matches": True, "buyer_signed": True}]})

    shipped_quantity_matches: bool = Field(description="the waybill shows shipped quantity = ordered quantity")
    buyer_signed: bool = Field(description="the buyer or the buyer's representative signed on delivery")


class ResponsibilityIn(In):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "responsible": "buyer",
        "note": "the buyer chose the wrong size",
    }]})

    responsible: Literal["buyer"] = Field(description="a buyer-side reason filed as the seller's is corrected to the buyer")
    note: Text = ""


class ProposalOut(BaseModel):
    agreement: str
    refund: MoneyOut


class ReasonOut(BaseModel):
    code: str
    zh: str
    en: str
    category: str
    responsible: str = Field(description="the rulebook's responsible party for this reason")


class DeadlineOut(BaseModel):
    due_at: datetime
    clock: str
    waiting_for: str = Field(description="who must act before due_at: seller, buyer or platform")
    action: str = Field(description="what the system does at due_at if they do not")
    description: dict[str, str] = Field(description="the same in words: en and zh")
    reminders: list[datetime] = Field(description="when the waiting party is asked to confirm receipt")


class EvidenceDueOut(BaseModel):
    party: str = Field(description="buyer or seller")
    what: str
    due_at: datetime
    description: str

    @classmethod
    def of(cls, d: EvidenceDeadline) -> "EvidenceDueOut":
        return cls(party=d.party, what=d.what, due_at=d.due_at, description=d.description)


class CaseLineOut(BaseModel):
    order_line_id: int
    sku_id: int
    quantity: int
    paid: MoneyOut
    refunded: MoneyOut = Field(description="what this case gave back on the line")

    @classmethod
    def of(cls, line: CaseLine, currency: str) -> "CaseLineOut":
        return cls(order_line_id=line.order_line_id, sku_id=line.sku_id, quantity=line.quantity,
                   paid=MoneyOut.of(line.paid_minor, currency), refunded=MoneyOut.of(line.refunded_minor, currency))


class CaseOut(BaseModel):
    id: int
    store_id: int
    order_id: int
    buyer_id: int
    rulebook: str
    kind: str
    origin: str
    status: Literal["open", "closed"]
    stage: str
    step: str | None
    reason: ReasonOut | None
    responsible: str
    responsible_by: str = Field(description="reason, operator (corrected) or ruling")
    shipping_class: str | None
    paid: MoneyOut = Field(description="what was paid for the lines under the case (and the shipping, before shipment)")
    refunded_before: MoneyOut
    refund_limit: MoneyOut = Field(description="the most the case may refund")
    buyer_proposal: ProposalOut
    on_table: ProposalOut
    agreed: ProposalOut | None
    opened_at: datetime
    seller_answered_at: datetime | None
    escalated_at: datetime | None
    closed_at: datetime | None
    resolution: str | None
    refund: MoneyOut | None = Field(description="what the case paid back, once closed")
    sold_not_shipped: bool = Field(description="成交不卖: the automatic refund before shipment counts against the seller")
    reached_platform: bool
    shipped_quantity_matches: bool = Field(description="short quantity: recorded with the seller's evidence (§7.2.2)")
    buyer_signed: bool = Field(description="short quantity: the buyer or their representative signed on delivery")
    next_deadline: DeadlineOut | None
    evidence_due: list[EvidenceDueOut] = Field(description="evidence a party owes and by when; a later file is refused")
    return_tracking: str | None
    reship_tracking: str | None
    lines: list[CaseLineOut]
    version: int
    allowed_actions: list[str] = Field(description="what the caller's party may do to the case now, from the case's "
                                                   "table of moves: " + ", ".join(ACTIONS))

    @classmethod
    def of(cls, view: CaseView, allowed_actions: list[CaseAction]) -> "CaseOut":
        row, case, c = view.row, view.case, view.row.currency
        due = view.deadline
        limit = case.paid - case.refunded_before
        return cls(
            id=row.id, store_id=row.store_id, order_id=row.order_id, buyer_id=row.buyer_id, rulebook=row.rulebook,
            kind=case.kind, origin=row.origin, status="open" if case.is_open else "closed", stage=row.stage, step=row.step,
            reason=ReasonOut(code=view.reason.code, zh=view.reason.zh, en=view.reason.en, category=view.reason.category,
                             responsible=view.reason.responsible) if view.reason else None,
            responsible=row.responsible, responsible_by=row.responsible_by, shipping_class=row.shipping_class,
            paid=MoneyOut.of(row.paid_minor, c), refunded_before=MoneyOut.of(row.refunded_before_minor, c),
            refund_limit=MoneyOut.of(max(limit.minor, 0), c),
            buyer_proposal=_proposal(case.buyer_proposal.agreement, case.buyer_proposal.refund.minor, c),
            on_table=_proposal(case.on_table.agreement, case.on_table.refund.minor, c),
            agreed=_proposal(case.agreed.agreement, case.agreed.refund.minor, c) if case.agreed else None,
            opened_at=row.opened_at, seller_answered_at=row.seller_answered_at, escalated_at=row.escalated_at,
            closed_at=row.closed_at, resolution=row.resolution,
            refund=MoneyOut.of(row.refund_minor, c) if row.refund_minor is not None else None,
            sold_not_shipped=row.sold_not_shipped, reached_platform=row.reached_platform,
            shipped_quantity_matches=case.shipped_quantity_matches, buyer_signed=case.buyer_signed,
            next_deadline=DeadlineOut(
                due_at=due.due_at, clock=due.clock, waiting_for=due.waiting_for, action=due.action,
                description={"en": deadline_line(view, "en") or "", "zh": deadline_line(view, "zh") or ""},
                reminders=list(view.reminders),
            ) if due else None,
            evidence_due=[EvidenceDueOut.of(d) for d in view.evidence_due],
            return_tracking=row.return_tracking, reship_tracking=row.reship_tracking,
            lines=[CaseLineOut.of(line, c) for line in row.lines], version=row.version,
            allowed_actions=list(allowed_actions),
        )


def _proposal(agreement: str, minor: int, currency: str) -> ProposalOut:
    return ProposalOut(agreement=agreement, refund=MoneyOut.of(minor, currency))


class CasePage(BaseModel):
    items: list[CaseOut]
    next_cursor: str | None = Field(description="pass back as `cursor` with the same `sort` for the next page")


class MessageOut(BaseModel):
    id: int
    at: datetime
    author: str
    body: str

    @classmethod
    def of(cls, m: CaseMessage) -> "MessageOut":
        return cls(id=m.id, at=m.at, author=m.author, body=m.body)


class EvidenceOut(BaseModel):
    id: int
    at: datetime
    uploader: str
    filename: str
    content_type: str
    size_bytes: int
    sha256: str

    @classmethod
    def of(cls, e: EvidenceFile) -> "EvidenceOut":
        return cls(id=e.id, at=e.at, uploader=e.uploader, filename=e.filename, content_type=e.content_type,
                   size_bytes=e.size_bytes, sha256=e.sha256)


class TimelineOut(BaseModel):
    id: int
    at: datetime
    type: str
    data: dict[str, Any]

    @classmethod
    def of(cls, e: Event) -> "TimelineOut":
        return cls(id=e.id, at=e.at, type=e.type, data=e.data)
