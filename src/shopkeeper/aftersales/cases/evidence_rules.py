"""The evidence each side owes on a case and by when (AliExpress, RULES.md §7.2.2).

Pure: no database, no clock; every number comes from the store's rulebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Mapping

from shopkeeper.aftersales.cases.clocks import DAMAGE_REASONS, SHORTAGE_REASONS, DeadlinePassed
from shopkeeper.rulebooks import Rulebook
from shopkeeper.rulebooks.aftersales import Outcome

Evidence = Literal["seller_tracking_proof", "damage_claim", "buyer_shortage_evidence", "seller_shortage_evidence",
                   "shortage_agreement", "supplement"]
EvidenceParty = Literal["buyer", "seller"]


# what a late damage claim brings, in the English of the error that refuses it (api/problem_text.py words errors)
_OUTCOME_IN_DETAIL: dict[str, str] = {
    "refund_buyer": "the buyer is refunded",
    "release_seller": "the funds go to the seller",
    "escalate": "the case goes to the platform",
    "carry_out_buyer_proposal": "the buyer's proposal is carried out",
    "keep_order": "the request lapses and the order stands",
    "assume_received": "the return counts as received and the seller must reship",
    "alert_operator": "the operator is reminded that a ruling is due",
    "await_ruling": "the specialist rules on the evidence on file",
}


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


def claim_in_time(book: Rulebook, reason: str, received_at: datetime, now: datetime) -> None:
    """A damage claim after 3 days of receipt, or a shortage claim after the buyer's 10 days for evidence, is refused."""
    if reason in DAMAGE_REASONS and late_damage_claim(book, received_at, now) is not None:
        due = evidence_due(book, "damage_claim", received_at)
        outcome = _OUTCOME_IN_DETAIL[book.aftersales.evidence.on_late_damage_claim]
        raise DeadlinePassed(f"damage is claimed within {(due - received_at).days} days of receipt, by {due:%Y-%m-%d %H:%M} UTC; "
                             f"the claim is rejected and {outcome}", deadline="damage_claim", due_at=due.isoformat())
    if reason in SHORTAGE_REASONS:
        due = evidence_due(book, "buyer_shortage_evidence", received_at)
        if now > due:
            raise DeadlinePassed(f"a short quantity is claimed with its evidence within {(due - received_at).days} days of "
                                 f"receipt, by {due:%Y-%m-%d %H:%M} UTC", deadline="buyer_shortage_evidence",
                                 due_at=due.isoformat())
