"""签到抽奖: a buyer checks in once a day (the store's calendar day) and the check-in is one draw from the program's
prize pool (RULES.md §3.6.2, CRM interaction tools). The draw is the lottery's own (`draws.draw`): seeded, recorded,
each prize's stock and the program's budget taken as every grant takes them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shopkeeper.social.rewards.kinds import check_in

if TYPE_CHECKING:
    from shopkeeper.social.rewards.kinds import ClaimFacts

TRIGGER, GRANTS = "claim", "draw"


def check_terms(terms: dict[str, Any]) -> dict[str, Any]:
    return {}


def key(terms: dict[str, Any], facts: ClaimFacts) -> str:
    return check_in.key(terms, facts)  # once per store day, as a check-in
