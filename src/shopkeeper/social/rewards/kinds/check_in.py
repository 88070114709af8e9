"""签到有礼: a buyer checks in once a day (the store's calendar day) and gets the program's reward."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shopkeeper.social.rewards.kinds import ClaimFacts

from shopkeeper.social.rewards import rules

TRIGGER, GRANTS = "claim", "reward"


def check_terms(terms: dict[str, Any]) -> dict[str, Any]:
    return {}


def key(terms: dict[str, Any], facts: ClaimFacts) -> str:
    return f"day:{rules.check_in_day(facts.now, facts.timezone).isoformat()}"
