"""好评有礼 / 好评返利: a review of a line of a completed order earns the reward once per order line.

There is no review store in the engine yet: the buyer's claim names the order line reviewed (the review itself
lives where reviews are posted); the program checks the line is the buyer's, of a completed order of its store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shopkeeper.errors import InvalidInput
from shopkeeper.social.rewards import rules

if TYPE_CHECKING:
    from shopkeeper.social.rewards.kinds import ClaimFacts

TRIGGER, GRANTS = "claim", "reward"


def check_terms(terms: dict[str, Any]) -> dict[str, Any]:
    return {}


def key(terms: dict[str, Any], facts: ClaimFacts) -> str:
    line = facts.line
    if line is None:
        raise InvalidInput("say which order line was reviewed (order_id and sku_id)")
    if facts.store_id is not None and line.store_id != facts.store_id:
        raise rules.RewardUnavailable("the order is not from this program's store")
    if not line.completed:
        raise rules.RewardUnavailable("a review is rewarded once the order is completed")
    return f"line:{line.order_id}:{line.sku_id}"
