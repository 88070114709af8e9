"""The buyer's protection on a cross-border order with a promised delivery time (承诺运达时间, RULES.md §5.5, §7.2.2).

Readings chosen (the sources give the 90-day cap for RU, BR, AR and name "not received within the promised time" as
the commonest dispute, nothing more):
- The promise runs from shipment (the tracking number entered), as the after-sales windows do (§5.6).
- Receipt confirms itself no sooner than the rulebook's own wait (§17.1) counted from the promise's end: the buyer
  keeps, after the goods are late, the same time to react that an ordinary order gives after shipment. So the escrow
  is never released while the goods may still be on their way, and never sooner than a domestic order's.
- A "not received" case does not open before the promise has passed (the goods are not late yet); once it has, it may
  open until the later of the shipping class's own window and that protection's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Protection:
    promise_ends: datetime  # shipped + promised days
    confirm_by: datetime  # when receipt confirms itself


def protection(shipped_at: datetime, promised_days: int, ordinary_confirm_by: datetime, auto_confirm: timedelta) -> Protection:
    """When the promise ends and when receipt may confirm itself: never before the ordinary `confirm_by`."""
    ends = shipped_at + timedelta(days=promised_days)
    return Protection(ends, max(ordinary_confirm_by, ends + auto_confirm))


def not_received_window(window: tuple[datetime, datetime], guard: Protection) -> tuple[datetime, datetime]:
    """The span in which a "not received" case may open: from the promise's end to the later of the class window's
    close and the protection's end."""
    _, closes = window
    return guard.promise_ends, max(closes, guard.confirm_by)
