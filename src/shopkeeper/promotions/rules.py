"""The lifecycles of promotions and coupons, outside the pricing engine (`engine/`): pure, no tables.

The console and other domains read the statuses here; `models` keeps them under the same names.
"""

from __future__ import annotations

from enum import StrEnum


class PromotionStatus(StrEnum):
    """A promotion's, and a coupon template's: active, paused by its owner, or ended for good."""

    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class CouponStatus(StrEnum):
    """A coupon a buyer holds."""

    AVAILABLE = "available"
    LOCKED = "locked"  # on an unpaid order; given back if that order closes unpaid
    USED = "used"
