"""邀请有礼: a buyer who came by another's invitation says so once (`POST .../invitations`); their first paid order
in the program's store of at least `threshold_minor` earns the inviter the reward, once per invitee."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shopkeeper.social.rewards.kinds import OrderFacts
    from shopkeeper.social.rewards.rules import Reward

TRIGGER, GRANTS = "paid", "invite"


def check_terms(terms: dict[str, Any]) -> dict[str, Any]:
    from shopkeeper.social.rewards.kinds import whole
    return {"threshold_minor": whole(terms, "threshold_minor", 0, 0)}


def earns(terms: dict[str, Any], reward: Reward | None, order: OrderFacts) -> Reward | None:
    return reward if order.total_minor >= int(terms["threshold_minor"]) else None
