"""A case's table of moves drives the rules' guards and what is offered (aftersales/cases/moves.py, RULES.md §7)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from shopkeeper import rulebooks
from shopkeeper.aftersales.cases import moves, rules
from shopkeeper.aftersales.cases.case import Case, Origin, Proposal, Stage, Step, Transition
from shopkeeper.errors import NotAllowedInState
from shopkeeper.money import Money

T0 = datetime(2026, 11, 11, 8, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)
DH = rulebooks.load("dhgate")
PAID, NONE = Money(5990, "USD"), Money(0, "USD")
ASKED = Proposal("return_refund", PAID)
COUNTER = Proposal("refund_only", Money(1500, "USD"))
PLACES: tuple[tuple[Stage, Step | None], ...] = (
    (Stage.NEGOTIATING, None), (Stage.ESCALATED, None), (Stage.PERFORMING, Step.RETURN_TRACKING),
    (Stage.PERFORMING, Step.RETURN_RECEIPT), (Stage.PERFORMING, Step.RESHIP_TRACKING),
    (Stage.PERFORMING, Step.RESHIP_RECEIPT), (Stage.CLOSED, None),
)


def at(stage: Stage, step: Step | None, *, origin: Origin = Origin.AFTER_SHIPMENT, reason: str = "inad_color") -> Case:
    """A case a minute old at `stage` and `step`, with a counter-proposal on the table, every clock just started."""
    case = Case(origin, reason, T0, PAID, NONE, ASKED, COUNTER)
    if stage is Stage.ESCALATED:
        return replace(case, stage=stage, escalated_at=T0)
    if stage is Stage.PERFORMING:
        return replace(case, stage=stage, step=step, agreed=ASKED, step_started_at=T0)
    if stage is Stage.CLOSED:
        return replace(case, stage=stage, closed_at=T0, resolution="withdrawn")
    return case


# Each rule a move runs, on a case that has every other fact the move needs.
RULES: dict[moves.CaseAction, Callable[[Stage, Step | None], Transition]] = {
    "accept": lambda stage, step: rules.answer(at(stage, step), DH, T0 + HOUR, agree=True),
    "reject": lambda stage, step: rules.answer(at(stage, step), DH, T0 + HOUR, agree=False),
    "refuse_prepared": lambda stage, step: rules.refuse_prepared(at(stage, step, origin=Origin.PRE_SHIPMENT), DH, T0 + HOUR),
    "accept_counter": lambda stage, step: rules.accept_counter(at(stage, step), DH, T0 + HOUR),
    "withdraw": lambda stage, step: rules.withdraw(at(stage, step), T0 + HOUR),
    "escalate": lambda stage, step: rules.escalate(at(stage, step), DH, False, T0 + timedelta(days=6)),
    "record_shortage_proof": lambda stage, step: rules.record_shortage_proof(
        at(stage, step, reason="inad_missing_quantity"), DH, T0 + HOUR, True, True),
    "give_tracking": lambda stage, step: rules.record_tracking(at(stage, step), DH, T0 + HOUR),
    "confirm_received": lambda stage, step: rules.confirm_received(at(stage, step), DH, T0 + HOUR),
    "arbitrate": lambda stage, step: rules.arbitrate(at(stage, step), rules.Ruling("release_seller", "seller"), T0 + HOUR),
}


@pytest.mark.parametrize("action", list(RULES))
@pytest.mark.parametrize("stage, step", PLACES)
def test_a_move_the_table_lists_nowhere_here_is_refused_and_one_it_lists_goes_through(
        action: moves.CaseAction, stage: Stage, step: Step | None) -> None:
    # given a case at this stage and step
    listed = moves.parties_for(at(stage, step), action)
    if not listed:
        # when the move is tried where the table lists it for nobody, then the rule refuses it
        with pytest.raises(NotAllowedInState):
            RULES[action](stage, step)
    else:
        # when it is tried where the table lists it, then the rule carries it out
        assert isinstance(RULES[action](stage, step), Transition)


def test_taking_a_row_out_of_the_table_makes_the_rule_refuse_it_with_the_same_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # given a buyer may withdraw while the parties negotiate
    assert rules.withdraw(at(Stage.NEGOTIATING, None), T0 + HOUR).case.resolution == "withdrawn"
    # when the table no longer lists that move
    monkeypatch.setattr(moves, "MOVES", tuple(m for m in moves.MOVES if (m.stage, m.action) != (Stage.NEGOTIATING, "withdraw")))
    # then the rule refuses it with the error it gives at any other stage
    with pytest.raises(NotAllowedInState, match="only an unsettled case can be withdrawn"):
        rules.withdraw(at(Stage.NEGOTIATING, None), T0 + HOUR)
    with pytest.raises(NotAllowedInState, match="only an unsettled case can be withdrawn"):
        rules.withdraw(at(Stage.PERFORMING, Step.RETURN_TRACKING), T0 + HOUR)


@pytest.mark.parametrize("by", ["buyer", "seller"])
@pytest.mark.parametrize("stage, step", [p for p in PLACES if p[0] is Stage.PERFORMING])
def test_reporting_a_problem_is_refused_to_a_party_the_table_does_not_list(by: moves.Party, stage: Stage,
                                                                           step: Step | None) -> None:
    # given goods on their way under an agreement
    case = at(stage, step)
    if by in moves.parties_for(case, "report_problem"):
        return
    # when a party the table does not list at this step reports a problem, then it is refused, as before the table
    with pytest.raises(NotAllowedInState, match=f"the {by} has nothing to report at this step"):
        rules.report_problem(case, DH, by, T0 + HOUR)


def test_what_is_offered_is_the_tables_moves_whose_conditions_hold() -> None:
    # given a case after shipment in negotiation, with the seller's counter-proposal on the table
    case = replace(at(Stage.NEGOTIATING, None), seller_answered_at=T0)
    # then the seller may accept (no second rejection), the buyer accept the counter, withdraw or escalate
    assert moves.allowed_actions(case, DH, "seller") == ["accept", "message"]
    assert moves.allowed_actions(case, DH, "buyer") == ["accept_counter", "withdraw", "escalate", "message"]
    assert moves.allowed_actions(case, DH, "platform") == ["message"]
    # given a request before shipment on DHgate, which lets a seller refuse it as prepared (§7.1.5)
    before = at(Stage.NEGOTIATING, None, origin=Origin.PRE_SHIPMENT)
    assert moves.allowed_actions(before, DH, "seller") == ["accept", "refuse_prepared", "message"]
    # given a closed case, nobody may do anything
    assert all(moves.allowed_actions(at(Stage.CLOSED, None), DH, who) == [] for who in ("seller", "buyer", "platform"))


def test_every_offered_move_is_one_the_table_lets_that_party_take_there() -> None:
    for stage, step in PLACES:
        case = at(stage, step)
        for who in ("seller", "buyer", "platform"):
            for action in moves.allowed_actions(case, DH, who):
                assert who in moves.parties_for(case, action), (stage, step, who, action)
