"""免单 / 整点免单: a completed order paid within the first `minutes` of one of the listed `hours` (the store's time)
gets what was paid back, up to `cap_minor`, as a ledger credit; the count budget says how many orders win."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shopkeeper.errors import InvalidInput
from shopkeeper.social.rewards import rules

if TYPE_CHECKING:
    from shopkeeper.social.rewards.kinds import OrderFacts

TRIGGER, GRANTS = "completed", "reward"


def check_terms(terms: dict[str, Any]) -> dict[str, Any]:
    from shopkeeper.social.rewards.kinds import whole
    hours = terms.get("hours", list(range(24)))
    if not (isinstance(hours, list) and hours and all(isinstance(h, int) and 0 <= h <= 23 for h in hours)):
        raise InvalidInput("the term hours lists hours of the day, 0 to 23")
    minutes = whole(terms, "minutes", 1, 60)
    if minutes > 60:
        raise InvalidInput("the term minutes is at most 60")
    return {"hours": sorted(set(hours)), "minutes": minutes, "cap_minor": whole(terms, "cap_minor", 1)}


def earns(terms: dict[str, Any], reward: rules.Reward | None, order: OrderFacts) -> rules.Reward | None:
    if order.paid_at is None or not rules.free_order_hour(order.paid_at, order.timezone, terms["minutes"], terms["hours"]):
        return None
    return rules.Reward("credit", amount_minor=rules.free_order_amount(order.total_minor, terms["cap_minor"]))
