"""A fee paid to a promoter for work rather than for a sale: a content task's fee, on its approval (RULES.md §4.3).

No order carries it, so nothing freezes or claws it back: the store funds it from its balance into
`commission_payable` at once, it lands on the promoter's balance (counted as released) beside their commission,
and leaves through the same payouts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.money import Money
from shopkeeper.orders import ledger
from shopkeeper.social.distribution.models import Promoter, PromoterEntry


def pay_fee(session: Session, now: datetime, promoter_id: int, amount_minor: int, reason: str) -> str:
    """Credit a fee to a promoter's balance, funded by their store; returns the ledger transfer. `reason` names what
    earned it (e.g. `content_task:7`) in the event."""
    promoter = session.get(Promoter, promoter_id)
    assert promoter is not None and amount_minor > 0
    transfer = ledger.transfer(session, now, "promoter_fee", promoter.store_id, None,
                               Money(amount_minor, promoter.currency), ledger.STORE_BALANCE, ledger.COMMISSION_PAYABLE)
    session.execute(update(Promoter).where(Promoter.id == promoter_id)
                    .values(released_minor=Promoter.released_minor + amount_minor,
                            balance_minor=Promoter.balance_minor + amount_minor)
                    .execution_options(synchronize_session=False))
    session.add(PromoterEntry(promoter_id=promoter_id, store_id=promoter.store_id, kind="fee", amount_minor=amount_minor,
                              currency=promoter.currency, transfer=transfer, at=now))
    events.record(session, now, "distribution.fee_paid", f"promoter:{promoter_id}", promoter.store_id,
                  amount_minor=amount_minor, reason=reason)
    return transfer
