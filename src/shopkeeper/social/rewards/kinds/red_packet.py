"""红包: a pool of `total_minor` split at creation into `packets` packets of at least `min_minor` each; each buyer
grabs one (once per person) and gets its amount as a ledger credit. The store's rulebook bounds the packets and
the least one holds (`rules.check_pool`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shopkeeper.social.rewards.kinds import ClaimFacts

TRIGGER, GRANTS = "claim", "packet"


def check_terms(terms: dict[str, Any]) -> dict[str, Any]:
    from shopkeeper.social.rewards.kinds import whole
    return {"total_minor": whole(terms, "total_minor", 1), "packets": whole(terms, "packets", 1),
            "min_minor": whole(terms, "min_minor", 1, 1)}


def key(terms: dict[str, Any], facts: ClaimFacts) -> str:
    return "packet"
