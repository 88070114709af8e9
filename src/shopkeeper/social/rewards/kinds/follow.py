"""关注送券: following the store earns the reward once, ever."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shopkeeper.social.rewards.kinds import ClaimFacts

TRIGGER, GRANTS = "claim", "reward"


def check_terms(terms: dict[str, Any]) -> dict[str, Any]:
    return {}


def key(terms: dict[str, Any], facts: ClaimFacts) -> str:
    return "follow"
