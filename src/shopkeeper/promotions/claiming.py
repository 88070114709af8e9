"""Claiming coupons (领券): one more coupon of a template for a buyer, within its total and per-buyer limit; finding a
code coupon (达人推广码) by its code; the checks a claim and a priced code both make; a buyer's own coupons.

Creating, listing and moving coupon templates is `service.py`; checkout takes a code coupon through `quoting.py`,
which issues it here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.errors import Conflict, NotFound
from shopkeeper.promotions import codec
from shopkeeper.promotions.engine.price import audience_refusal
from shopkeeper.promotions.engine.terms import Shopper
from shopkeeper.promotions.models import Coupon, CouponStatus, CouponTemplate, PromotionStatus
from shopkeeper.promotions.service import get_coupon_template
from shopkeeper.scope import require_role


class CouponUnavailable(Conflict):
    code = "coupon-unavailable"
    title = "The coupon cannot be had"


class CouponLimitReached(Conflict):
    code = "coupon-limit-reached"
    title = "This buyer already holds as many of these coupons as allowed"


def claim_coupon(session: Session, now: datetime, actor: Principal, template_id: int, shopper: Shopper) -> Coupon:
    """领券: one more coupon of this template for the buyer, within the total and the per-buyer limit."""
    require_role(actor, Role.BUYER)
    template = get_coupon_template(session, actor, template_id)
    return issue(session, now, template, shopper)


def find_code(session: Session, code: str) -> CouponTemplate:
    template = session.scalar(select(CouponTemplate).where(CouponTemplate.code == code.strip().upper()))
    if template is None:
        raise NotFound(f"no coupon has the code {code.strip().upper()}")
    return template


def issue(session: Session, now: datetime, template: CouponTemplate, shopper: Shopper) -> Coupon:
    assert shopper.buyer_id is not None
    check_open_to(now, template, shopper)
    # The conditional UPDATE both guards the total and locks the template row, so the
    # per-buyer count below cannot race with another claim of the same template.
    taken = session.execute(update(CouponTemplate).where(
        CouponTemplate.id == template.id,
        (CouponTemplate.total_quantity.is_(None)) | (CouponTemplate.issued < CouponTemplate.total_quantity),
    ).values(issued=CouponTemplate.issued + 1))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise CouponUnavailable(f"{_named(template)} is all claimed", reason="sold_out")
    check_buyer_limit(session, template, shopper.buyer_id)
    valid_from = template.valid_from or now
    valid_until = template.valid_until or now + timedelta(days=template.valid_days or 0)
    coupon = Coupon(template_id=template.id, buyer_id=shopper.buyer_id, store_id=template.store_id,
                    status=CouponStatus.AVAILABLE.value, claimed_at=now, valid_from=valid_from, valid_until=valid_until)
    session.add(coupon)
    session.flush()
    events.record(session, now, "coupon.claimed", f"coupon:{coupon.id}", template.store_id, template_id=template.id,
                  buyer_id=shopper.buyer_id)
    return coupon


def _named(template: CouponTemplate) -> str:
    return f"the code {template.code}" if template.code else f"coupon {template.id}"


def check_open_to(now: datetime, template: CouponTemplate, shopper: Shopper) -> None:
    """Active, within its claiming window, and for this buyer's audience."""
    if template.status != PromotionStatus.ACTIVE:
        raise CouponUnavailable(f"{_named(template)} is {template.status}")
    if now < template.claim_from or (template.claim_until is not None and now >= template.claim_until):
        raise CouponUnavailable(f"{_named(template)} cannot be claimed now")
    refusal = audience_refusal_for(template, shopper)
    if refusal:
        raise CouponUnavailable(f"{_named(template)} is not for this buyer ({refusal})", reason=refusal)


def check_buyer_limit(session: Session, template: CouponTemplate, buyer_id: int | None) -> None:
    held = session.scalar(select(func.count()).select_from(Coupon).where(
        Coupon.template_id == template.id, Coupon.buyer_id == buyer_id)) or 0
    if held >= template.per_buyer_limit:
        raise CouponLimitReached(f"at most {template.per_buyer_limit} of {_named(template)} per buyer",
                                 limit=template.per_buyer_limit)


def audience_refusal_for(template: CouponTemplate, shopper: Shopper) -> str | None:
    refusal = audience_refusal(codec.decode_audience(template.rule["audience"]), shopper, template.store_id)
    return refusal.reason if refusal else None


def my_coupons(session: Session, actor: Principal, status: str | None, store_id: int | None) -> list[tuple[Coupon, CouponTemplate]]:
    require_role(actor, Role.BUYER)
    query = (select(Coupon, CouponTemplate).join(CouponTemplate, CouponTemplate.id == Coupon.template_id)
             .where(Coupon.buyer_id == actor.buyer_id).order_by(Coupon.valid_until, Coupon.id))
    if status:
        query = query.where(Coupon.status == status)
    if store_id is not None:
        query = query.where((Coupon.store_id == store_id) | Coupon.store_id.is_(None))
    return [(coupon, template) for coupon, template in session.execute(query).all()]
