"""延长收货: putting the automatic receipt confirmation off (RULES.md §17.1). Pure: no database, no clock.

On Taobao/Tmall the buyer may extend once by 3 days when 3 days are left, and
the seller by 3, 5, 7 or 10 days; the numbers, and how often each may do it,
are the rulebook's (`receipt.extension`). An extension moves the moment the
receipt confirms itself; it does not move the after-sales windows, which count
from the shipment.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from shopkeeper.errors import InvalidInput, NotAllowedInState
from shopkeeper.rulebooks import Rulebook

Extender = Literal["buyer", "seller"]


def extended_confirm_by(book: Rulebook, by: Extender, days: int, confirm_by: datetime, used: int, now: datetime) -> datetime:
    """When receipt confirms itself after this extension; raises when the rulebook does not allow it.

    `confirm_by`: when it would confirm now; `used`: how many extensions this party made on the order already.
    """
    x = book.receipt.extension
    if x is None:
        raise NotAllowedInState(f"{book.title} offers no extension of the time to confirm receipt")
    if now >= confirm_by:
        raise NotAllowedInState(f"receipt was due to confirm itself at {confirm_by:%Y-%m-%d %H:%M} UTC; it is too late to extend")
    if by == "buyer":
        if days != x.buyer_days:
            raise InvalidInput(f"a buyer extends by {x.buyer_days} days, not {days}")
        if used >= x.buyer_times:
            raise NotAllowedInState(f"a buyer may extend {_times(x.buyer_times)} on an order; the extension was used")
        opens = confirm_by - timedelta(days=x.buyer_from_days_left)
        if now < opens:
            # §17.1: only once 3 days or less are left
            raise NotAllowedInState(f"a buyer may extend once {x.buyer_from_days_left} days or less are left, "
                                    f"from {opens:%Y-%m-%d %H:%M} UTC")
    else:
        if days not in x.seller_days:
            raise InvalidInput(f"a seller extends by one of {', '.join(map(str, x.seller_days))} days, not {days}")
        if used >= x.seller_times:
            raise NotAllowedInState(f"a seller may extend {_times(x.seller_times)} on an order; the extension was used")
    return confirm_by + timedelta(days=days)


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def seller_choices(book: Rulebook, confirm_by: datetime, used: int, now: datetime) -> tuple[int, ...]:
    """The days the seller may still extend by (the rulebook's choices), or none: `extended_confirm_by`'s
    seller checks, asked before a form is shown rather than after it is sent."""
    x = book.receipt.extension
    if x is None or now >= confirm_by or used >= x.seller_times:
        return ()
    return x.seller_days
