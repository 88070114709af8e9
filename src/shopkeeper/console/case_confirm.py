"""Asking before an action moves money: what agreeing, confirming a return or ruling will pay, in words.

The case page's forms for these actions post to the same route as every other action. Without
`confirmed` the route answers with a page that names the amount, worked out by the same pure rules the
action runs, and carries the real submit; no script is needed (the console's pages run under a strict
Content-Security-Policy). The amount goes with the confirmation and is worked out again when it comes
back: if the case moved on meanwhile, the page asks again with the new amount instead of paying it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shopkeeper.aftersales.cases import rules
from shopkeeper.aftersales.cases.rows import CaseView
from shopkeeper.console.case_view import proposal_text
from shopkeeper.console.i18n import translate
from shopkeeper.languages import Lang

MONEY_ACTIONS = ("accept", "received", "arbitrate")  # agree to a request, confirm a return arrived, rule


@dataclass(frozen=True)
class Preview:
    """What one action will do to the money, said before it is done."""

    action: str
    text: str  # the money, in words
    button: str  # the real submit, naming the amount
    refund_minor: int | None  # what it refunds now; None when no money moves yet

    @property
    def expect(self) -> str:
        """The amount as the confirmation form carries it back."""
        return "none" if self.refund_minor is None else str(self.refund_minor)


def preview(view: CaseView, action: str, now: datetime, lang: Lang, ruling: rules.Ruling | None = None) -> Preview:
    """The money `action` moves on this case now (rules may refuse it here, as they will when it is sent)."""
    case, book = view.case, view.book
    if action == "accept":  # the seller agrees to what the buyer asked
        transition = rules.answer(case, book, now, agree=True)
    elif action == "received":
        transition = rules.confirm_received(case, book, now)
    else:
        assert ruling is not None
        transition = rules.arbitrate(case, ruling, now)
    settlement = transition.settlement
    if settlement is None:  # agreed; the goods move first, the money when they have
        text = translate(lang, "confirm.later", proposal=proposal_text(case.buyer_proposal, lang))
        return Preview(action, text, translate(lang, f"act.{action}"), None)
    refund = settlement.refund
    amount = refund.display()
    if settlement.cancel_order:
        key = "confirm.refund_cancel"
    elif refund.minor and settlement.release_rest:
        key = "confirm.refund_release"
    elif refund.minor:
        key = "confirm.refund"
    else:
        key = "confirm.release"
    button = translate(lang, "confirm.button.refund", amount=amount) if refund.minor else translate(lang, "confirm.button.release")
    return Preview(action, translate(lang, key, amount=amount), button, refund.minor)
