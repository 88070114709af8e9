"""关注送券: following the store earns the reward once per buyer and store, ever (RULES.md §3.6.2, "routine
promotions that must not stop").

The follow must be real: the claim is granted only while the buyer follows the program's store (customers keeps the
follows, the service reads it into `ClaimFacts.follows_store`). Unfollowing and following again earns nothing more,
in this program or in any later follow program of the same store (`ONCE_PER_STORE`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shopkeeper.social.rewards import rules

if TYPE_CHECKING:
    from shopkeeper.social.rewards.kinds import ClaimFacts

TRIGGER, GRANTS = "claim", "reward"
ONCE_PER_STORE = True


def check_terms(terms: dict[str, Any]) -> dict[str, Any]:
    return {}


def key(terms: dict[str, Any], facts: ClaimFacts) -> str:
    if not facts.follows_store:
        raise rules.RewardUnavailable("follow the store first: the reward is for its fans")
    return "follow"
