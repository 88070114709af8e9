"""免费试用: the store offers `units` trial units of one SKU (`sku_id`); buyers apply (a claim, once each) while the
program runs; when it ends a durable timer draws up to `units` winners (`draws.draw_trial`: each applicant's roll
seeded and recorded as a lottery draw's; the lowest rolls win) and each winner gets the program's coupon, which
makes one unit of the SKU free at checkout (the store funds it), and is asked for a review (RULES.md §3.6.1,
免费试用). The count budget is the units: never more winners than units."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shopkeeper.social.rewards.kinds import ClaimFacts

TRIGGER, GRANTS = "claim", "apply"
REWARDS = ("coupon",)  # the free unit goes through checkout: stock and money move as any order's do
PRIVATE_COUPON = True  # a code coupon, off the claimable list: only winning the trial gives it


def check_terms(terms: dict[str, Any]) -> dict[str, Any]:
    from shopkeeper.social.rewards.kinds import whole
    return {"sku_id": whole(terms, "sku_id", 1), "units": whole(terms, "units", 1)}


def budget_count(terms: dict[str, Any]) -> int:
    return int(terms["units"])


def key(terms: dict[str, Any], facts: ClaimFacts) -> str:
    return "apply"  # once per buyer and trial
