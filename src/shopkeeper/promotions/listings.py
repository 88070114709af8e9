"""What the console's promotion pages show of coupons: how many buyers hold, and the template behind a coupon or code.

Read-only, one SQL statement each. The callers show pages that check who may see them
(`service.get_coupon_template`), so these take ids already found or links to be checked there.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.promotions.models import Coupon, CouponTemplate
from shopkeeper.promotions.rules import CouponStatus


def coupon_counts(session: Session, template_id: int) -> dict[str, int]:
    """How many coupons of a template buyers hold, by status (available, locked, used)."""
    rows = session.execute(select(Coupon.status, func.count(Coupon.id)).where(Coupon.template_id == template_id)
                           .group_by(Coupon.status))
    counts = {status.value: 0 for status in CouponStatus}
    counts.update({str(status): int(n) for status, n in rows})
    return counts


def templates_of_coupons(session: Session, coupon_ids: Collection[int]) -> dict[int, int]:
    """The template each coupon was issued from, by coupon id (an order's pricing names coupons it used)."""
    if not coupon_ids:
        return {}
    rows = session.execute(select(Coupon.id, Coupon.template_id).where(Coupon.id.in_(coupon_ids)))
    return {int(coupon_id): int(template_id) for coupon_id, template_id in rows}


def templates_of_codes(session: Session, codes: Collection[str]) -> dict[str, int]:
    """The template behind each code, by code (an order's pricing names the codes it took)."""
    if not codes:
        return {}
    rows = session.execute(select(CouponTemplate.code, CouponTemplate.id).where(CouponTemplate.code.in_(codes)))
    return {str(code): int(template_id) for code, template_id in rows}
