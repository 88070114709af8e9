"""Member levels (会员等级), lowest first: the vocabulary that buyers, promotions' audiences and rulebooks share."""

from __future__ import annotations

MEMBER_LEVELS: tuple[str, ...] = ("regular", "silver", "gold", "platinum")
