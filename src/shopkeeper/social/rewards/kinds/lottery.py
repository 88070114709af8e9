"""满就抽奖: a paid order of at least `threshold_minor` earns one draw from the program's prize pool."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shopkeeper.social.rewards.kinds import OrderFacts
    from shopkeeper.social.rewards.rules import Reward

TRIGGER, GRANTS = "paid", "draw"


def check_terms(terms: dict[str, Any]) -> dict[str, Any]:
    from shopkeeper.social.rewards.kinds import whole
    return {"threshold_minor": whole(terms, "threshold_minor", 0, 0)}


def earns(terms: dict[str, Any], reward: Reward | None, order: OrderFacts) -> bool:
    return order.total_minor >= int(terms["threshold_minor"])
