"""A case's lifecycle as data: at each (stage, step), which party may take which action (RULES.md §7).

One table, read three ways: the rules' guards refuse an action the table does not
list at the case's stage and step (with the error each rule gave before the table
existed); the API's `allowed_actions` and the console's buttons offer the moves
the table lists for the caller's party whose `when` holds now.

`when` names a fact of the case that narrows what is offered, not what is
accepted: the rule itself still checks the finer facts (its deadline, the
amounts, the rulebook's own switches) and says why it refuses. Messages are
offered while a case is open; they move nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from shopkeeper.aftersales.cases.case import Case, Origin, Stage, Step
from shopkeeper.aftersales.cases.clocks import SHORTAGE_REASONS
from shopkeeper.rulebooks import Rulebook

Party = Literal["buyer", "seller", "platform"]
CaseAction = Literal[
    "accept",  # the seller agrees to the buyer's request
    "reject",  # the seller rejects it, with or without a counter-proposal (拒绝协议 → 提交新协议)
    "refuse_prepared",  # "我已备货" (DHgate, §7.1.5)
    "accept_counter",  # the buyer accepts the seller's counter-proposal
    "withdraw",  # the buyer drops the request
    "escalate",  # the buyer takes the case to the platform (平台纠纷, §7.1.2)
    "record_shortage_proof",  # short quantity (短缺): the waybill and the signature on file (§7.2.2)
    "give_tracking",  # the return's or the reshipment's tracking number (§7.1.4)
    "confirm_received",  # the return or the reshipment arrived (§7.1.4)
    "report_problem",  # feedback before "assumed received" (§7.1.4)
    "arbitrate",  # the specialist rules (§7.1.1, §7.2.2)
    "message",
]
ACTIONS: tuple[CaseAction, ...] = get_args(CaseAction)
When = Literal["pre_shipment", "after_shipment", "seller_yet_to_answer", "seller_yet_to_feed_back",
               "prepared_refusal_allowed", "counter_on_table", "short_quantity"]


@dataclass(frozen=True)
class Move:
    stage: Stage
    step: Step | None
    party: Party
    action: CaseAction
    when: tuple[When, ...] = ()  # all must hold for the move to be offered


N, E, P = Stage.NEGOTIATING, Stage.ESCALATED, Stage.PERFORMING

MOVES: tuple[Move, ...] = (
    # negotiating (协议): the parties talk, the platform stays out
    Move(N, None, "seller", "accept"),
    Move(N, None, "seller", "reject", ("after_shipment", "seller_yet_to_answer")),
    Move(N, None, "seller", "refuse_prepared", ("pre_shipment", "prepared_refusal_allowed")),
    Move(N, None, "seller", "record_shortage_proof", ("short_quantity",)),
    Move(N, None, "platform", "record_shortage_proof", ("short_quantity",)),
    Move(N, None, "buyer", "accept_counter", ("counter_on_table",)),
    Move(N, None, "buyer", "withdraw"),
    Move(N, None, "buyer", "escalate", ("after_shipment",)),
    # escalated (平台纠纷): the seller feeds back once, a specialist rules
    Move(E, None, "seller", "accept", ("seller_yet_to_feed_back",)),
    Move(E, None, "seller", "reject", ("seller_yet_to_feed_back",)),
    Move(E, None, "buyer", "accept_counter", ("counter_on_table",)),
    Move(E, None, "buyer", "withdraw"),
    Move(E, None, "platform", "arbitrate"),
    # performing: the goods move under the agreement's clocks (§7.1.4)
    Move(P, Step.RETURN_TRACKING, "buyer", "give_tracking"),
    Move(P, Step.RETURN_RECEIPT, "seller", "confirm_received"),
    Move(P, Step.RETURN_RECEIPT, "seller", "report_problem"),
    Move(P, Step.RESHIP_TRACKING, "seller", "give_tracking"),
    Move(P, Step.RESHIP_RECEIPT, "buyer", "confirm_received"),
    Move(P, Step.RESHIP_RECEIPT, "buyer", "report_problem"),
    Move(P, Step.RESHIP_RECEIPT, "seller", "report_problem"),
) + tuple(Move(stage, step, who, "message")
          for stage, step in ((N, None), (E, None), (P, Step.RETURN_TRACKING), (P, Step.RETURN_RECEIPT),
                              (P, Step.RESHIP_TRACKING), (P, Step.RESHIP_RECEIPT))
          for who in ("seller", "buyer", "platform"))

_HOLDS: Mapping[When, Callable[[Case, Rulebook], bool]] = {
    "pre_shipment": lambda case, book: case.origin is Origin.PRE_SHIPMENT,
    "after_shipment": lambda case, book: case.origin is Origin.AFTER_SHIPMENT,
    "seller_yet_to_answer": lambda case, book: case.seller_answered_at is None,
    "seller_yet_to_feed_back": lambda case, book: case.seller_fed_back_at is None,
    "prepared_refusal_allowed": lambda case, book: book.aftersales.pre_shipment.seller_may_refuse_prepared,
    "counter_on_table": lambda case, book: case.on_table != case.buyer_proposal,
    "short_quantity": lambda case, book: case.reason in SHORTAGE_REASONS,
}


def _here(case: Case) -> list[Move]:
    return [m for m in MOVES if m.stage is case.stage and m.step is case.step]


def parties_for(case: Case, action: CaseAction) -> frozenset[Party]:
    """Who may take `action` at the case's stage and step: the guard's question. Empty: nobody, now."""
    return frozenset(m.party for m in _here(case) if m.action == action)


def parties_ever(action: CaseAction) -> frozenset[Party]:
    """Who may take `action` at some stage: checked before a case is even loaded."""
    return frozenset(m.party for m in MOVES if m.action == action)


def allowed_actions(case: Case, book: Rulebook, who: Party) -> list[CaseAction]:
    """The moves offered to `who` now, in the table's order: what the API lists and the console shows."""
    offered = [m.action for m in _here(case) if m.party == who and all(_HOLDS[w](case, book) for w in m.when)]
    return list(dict.fromkeys(offered))
