"""An after-sales case as the console shows it: its state in words, and its next deadline as a countdown.

The rules hand a deadline over as codes; its words, in English and Chinese, are
all in `i18n_case_deadlines`, and the API and `shopkeeper simulate` word it through
`deadline_line` here.

What happens at a deadline is not restated here: the console asks the rule
itself (`rules.on_deadline` at the due moment, a pure call) and words what it
returns, so the page cannot promise an outcome the timer will not deliver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shopkeeper.aftersales.cases import rules
from shopkeeper.aftersales.cases.case import Case, Deadline, Origin, Proposal
from shopkeeper.aftersales.cases.rows import CaseView
from shopkeeper.console.display import TimeLeft, time_left
from shopkeeper.console.i18n import translate
from shopkeeper.errors import DomainError
from shopkeeper.languages import Lang
from shopkeeper.money import Money
from shopkeeper.orders.rules import OrderStatus

DAY = timedelta(days=1)
STAGES = ("negotiating", "escalated", "performing")
STATUSES = ("open", *STAGES, "closed", "all")  # the list's filter; "open" is the default


@dataclass(frozen=True)
class Countdown:
    """A deadline as the page shows it: the server's text, and the seconds the script counts down from."""

    due_at: datetime
    seconds_left: int  # negative once overdue
    left: TimeLeft


@dataclass(frozen=True)
class NextDeadline:
    countdown: Countdown
    clock: str
    action: str
    waiting_for: str  # in words
    condition: str  # what, left undone by then, lets the clock run out
    outcome: str  # what the system then does
    sentence: str  # both in one line


@dataclass(frozen=True)
class CaseSummary:
    """One case in a list: enough to decide which to open first."""

    view: CaseView
    kind: str
    reason: str
    state: str
    responsible: str
    at_stake: Money | None  # what the open case may still refund; None once closed
    refund: Money | None
    deadline: NextDeadline | None


def countdown(due_at: datetime, now: datetime, lang: Lang) -> Countdown:
    left = time_left(due_at, now, lang)
    assert left is not None
    return Countdown(due_at, int((due_at - now).total_seconds() // 1), left)


def summary(view: CaseView, now: datetime, lang: Lang, order_status: str | None = None) -> CaseSummary:
    row, case = view.row, view.case
    limit = case.paid - case.refunded_before
    return CaseSummary(
        view=view, kind=translate(lang, f"case.kind.{case.kind}"), reason=reason_text(view, lang), state=state_text(view, lang),
        responsible=translate(lang, f"case.party.{row.responsible}"),
        at_stake=(limit if limit.minor > 0 else Money.zero(limit.currency)) if case.is_open else None, refund=case.refund,
        deadline=next_deadline(view, now, lang, order_status),
    )


def reason_text(view: CaseView, lang: Lang) -> str:
    if view.reason is None:
        return view.row.reason
    return view.reason.zh if lang == "zh" else view.reason.en


def state_text(view: CaseView, lang: Lang) -> str:
    row = view.row
    stage = translate(lang, f"case.stage.{row.stage}")
    if row.closed_at is not None and row.resolution:
        return f"{stage} · {translate(lang, f'case.resolution.{row.resolution}')}"
    if row.step:
        return f"{stage} · {translate(lang, f'case.step.{row.step}')}"
    return stage


def proposal_text(proposal: Proposal, lang: Lang) -> str:
    return translate(lang, f"case.proposal.{proposal.agreement}", amount=proposal.refund.display())


def next_deadline(view: CaseView, now: datetime, lang: Lang, order_status: str | None = None) -> NextDeadline | None:
    due = view.deadline
    if due is None:
        return None
    condition = translate(lang, f"case.clock.{due.clock}", days=clock_days(view.case, due))
    outcome = outcome_text(view, due, lang, order_status)
    return NextDeadline(
        countdown=countdown(due.due_at, now, lang), clock=due.clock, action=due.action,
        waiting_for=translate(lang, f"case.party.{due.waiting_for}"), condition=condition, outcome=outcome,
        sentence=translate(lang, "case.at_deadline", condition=condition, outcome=outcome),
    )


def deadline_line(view: CaseView, lang: Lang) -> str | None:
    """The next deadline in one line, for the API and `shopkeeper simulate`: what, left undone, runs the clock out;
    then what the system does (the rule's outcome code, worded here)."""
    due = view.deadline
    if due is None:
        return None
    return translate(lang, "case.deadline.line", condition=deadline_condition(view, due, lang),
                     outcome=translate(lang, f"case.deadline.outcome.{due.action}"))


def deadline_condition(view: CaseView, due: Deadline, lang: Lang) -> str:
    """What, left undone by the deadline, lets its clock run out, in one short clause."""
    proven = ".proven" if due.clock == "shortage_agreement" and view.case.shortage_proven else ""
    return translate(lang, f"case.deadline.clock.{due.clock}{proven}", days=clock_days(view.case, due))


def clock_days(case: Case, due: Deadline) -> int:
    """The length of the running clock in days, counted from the event that started it (as the rulebook counts)."""
    start = {"pre_shipment": case.opened_at, "seller_answer": case.opened_at, "negotiation": case.opened_at,
             "shortage_agreement": case.opened_at, "platform_feedback": case.escalated_at, "ruling": case.escalated_at}.get(due.clock, case.step_started_at)
    span = due.due_at - (start or case.opened_at)
    if due.clock == "ruling":  # reminded once per ruling period: say the period, not the total
        span /= case.ruling_reminders + 1
    return round(span / DAY)


def outcome_text(view: CaseView, due: Deadline, lang: Lang, order_status: str | None = None) -> str:
    """What the deadline's timer will do, worded from what the rule returns when asked at the due moment."""
    case = view.case
    if case.origin is Origin.PRE_SHIPMENT and order_status not in (None, OrderStatus.PAID.value):
        return translate(lang, "case.action.lapse")  # the service lapses a request the order outran
    try:
        transition = rules.on_deadline(case, view.book, due.due_at)
    except DomainError:
        transition = None
    settlement = transition.settlement if transition else None
    if due.action == "refund_buyer":
        refund = settlement.refund if settlement else rules.refund_limit(case.paid, case.refunded_before)
        key = "case.action.refund_and_cancel" if settlement and settlement.cancel_order else "case.action.refund_buyer"
        return translate(lang, key, amount=refund.display())
    if due.action == "carry_out_buyer_proposal":
        return translate(lang, "case.action.carry_out_buyer_proposal", proposal=proposal_text(case.buyer_proposal, lang))
    return translate(lang, f"case.action.{due.action}")
