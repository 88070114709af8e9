"""返现: a completed order of at least `threshold_minor` earns `percent_bp` basis points of what was paid, at most
`cap_minor`, as a ledger credit (or, `as_points`, as that many points)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shopkeeper.errors import InvalidInput
from shopkeeper.social.rewards import rules

if TYPE_CHECKING:
    from shopkeeper.social.rewards.kinds import OrderFacts

TRIGGER, GRANTS = "completed", "reward"


def check_terms(terms: dict[str, Any]) -> dict[str, Any]:
    from shopkeeper.social.rewards.kinds import whole
    percent = whole(terms, "percent_bp", 1)
    if percent > 10_000:
        raise InvalidInput("cash back is at most 10000 basis points (all of it)")
    cap = terms.get("cap_minor")
    return {"threshold_minor": whole(terms, "threshold_minor", 0, 0), "percent_bp": percent,
            "cap_minor": None if cap is None else whole(terms, "cap_minor", 1), "as_points": bool(terms.get("as_points"))}


def earns(terms: dict[str, Any], reward: rules.Reward | None, order: OrderFacts) -> rules.Reward | None:
    if order.total_minor < terms["threshold_minor"]:
        return None
    amount = rules.cash_back(order.total_minor, terms["percent_bp"], terms["cap_minor"])
    if amount <= 0:
        return None
    return rules.Reward("points", points=amount) if terms["as_points"] else rules.Reward("credit", amount_minor=amount)
