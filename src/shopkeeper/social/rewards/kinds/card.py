"""先领卡再购买: a buyer claims the store's card (新客卡, 会员卡 ...: the program's name) once, while `cards` are left,
and gets the coupon the card carries; the coupon gives the card's price benefit at checkout through the promotions
engine (RULES.md §3.6.2, CRM interaction tools). Only a buyer who claimed the card before buying holds the coupon,
so only they get the benefit; the count budget is the number of cards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shopkeeper.social.rewards.kinds import ClaimFacts

TRIGGER, GRANTS = "claim", "reward"
REWARDS = ("coupon",)  # the card's benefit is priced by the promotions engine: a coupon, never money or points
PRIVATE_COUPON = True  # a code coupon, off the claimable list: only the card gives it, so only card holders hold it


def check_terms(terms: dict[str, Any]) -> dict[str, Any]:
    from shopkeeper.social.rewards.kinds import whole
    return {"cards": whole(terms, "cards", 1)}


def budget_count(terms: dict[str, Any]) -> int:
    return int(terms["cards"])


def key(terms: dict[str, Any], facts: ClaimFacts) -> str:
    return "card"  # once per buyer and card program
