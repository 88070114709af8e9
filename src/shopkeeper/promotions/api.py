from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from sqlalchemy.orm import Session

from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.schemas import cut_page
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog.service import get_store
from shopkeeper.errors import InvalidInput
from shopkeeper.orders import quotes
from shopkeeper.promotions import claiming, service
from shopkeeper.promotions.engine.terms import Shopper
from shopkeeper.promotions.models import PromotionRow, PromotionStatus
from shopkeeper.promotions.schemas import (
    CodeIn,
    CouponIn,
    CouponOut,
    CouponTemplateOut,
    CouponTemplatePage,
    PromotionIn,
    PromotionOut,
    PromotionPage,
)
from shopkeeper.ratelimit import refuse_if_waiting
from shopkeeper.scope import require_role

router = APIRouter(tags=["promotions"])
Action = Literal["pause", "resume", "end"]


def _currency(session: Session, actor: Principal, store_id: int | None, currency: str | None) -> str:
    if store_id is None:
        if not currency:
            raise InvalidInput("a platform promotion names its currency")
        return currency
    return get_store(session, actor, store_id).currency


# --- promotions ---------------------------------------------------------------------------------

@router.post("/promotions", status_code=201)
def create_promotion(body: PromotionIn, ctx: Ctx) -> PromotionOut:
    """A store promotion (staff of the store) or a platform promotion (operator; no store_id, platform-funded)."""
    with ctx.transaction() as session:
        spec = body.to_spec(_currency(session, ctx.actor, body.store_id, body.currency), ctx.now())
        return _out(session, service.create_promotion(session, ctx.now(), ctx.actor, spec), ctx.now())


@router.get("/promotions")
def list_promotions(ctx: Ctx, store_id: IdQuery = None, status: PromotionStatus | None = None, platform: bool = False,
                    limit: Limit = 50, cursor: IdQuery = None) -> PromotionPage:
    """Newest first. `platform=true` lists platform promotions only."""
    now = ctx.now()
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_promotions(session, ctx.actor, now, store_id,
                                                             status.value if status else None, platform, limit + 1, cursor),
                                     limit)
        sold = service.units_sold(session, rows)
        return PromotionPage(items=[PromotionOut.of(r, now, sold[r.id]) for r in rows], next_cursor=next_cursor)


@router.get("/promotions/{promotion_id}")
def get_promotion(promotion_id: IdPath, ctx: Ctx) -> PromotionOut:
    """One promotion: its scope, audience, benefit and counters."""
    with ctx.read() as session:
        return _out(session, service.get_promotion(session, ctx.actor, promotion_id), ctx.now())


@router.post("/promotions/{promotion_id}/{action}")
def move_promotion(promotion_id: IdPath, action: Action, ctx: Ctx) -> PromotionOut:
    """Pause, resume, or end for good."""
    with ctx.transaction() as session:
        return _out(session, service.move_promotion(session, ctx.now(), ctx.actor, promotion_id, action), ctx.now())


def _out(session: Session, row: PromotionRow, now: datetime) -> PromotionOut:
    return PromotionOut.of(row, now, service.units_sold(session, [row])[row.id])


# --- coupons ------------------------------------------------------------------------------------

@router.post("/coupons", status_code=201)
def create_coupon(body: CouponIn, ctx: Ctx) -> CouponTemplateOut:
    """A claimable coupon, or a code coupon when `code` is given (influencer promo codes)."""
    with ctx.transaction() as session:
        spec = body.to_spec(_currency(session, ctx.actor, body.store_id, body.currency), ctx.now())
        return CouponTemplateOut.of(service.create_coupon(session, ctx.now(), ctx.actor, spec))


@router.get("/coupons")
def list_coupons(ctx: Ctx, store_id: IdQuery = None, status: PromotionStatus | None = None, limit: Limit = 50,
                 cursor: IdQuery = None) -> CouponTemplatePage:
    """Staff and operators see every coupon; buyers see the claimable ones."""
    with ctx.read() as session:
        rows, next_cursor = cut_page(service.list_coupon_templates(session, ctx.actor, store_id, status.value if status else None,
                                                                   limit + 1, cursor), limit)
        return CouponTemplatePage(items=[CouponTemplateOut.of(t, ctx.actor.role is not Role.BUYER) for t in rows],
                                  next_cursor=next_cursor)


@router.get("/coupons/{template_id}")
def get_coupon(template_id: IdPath, ctx: Ctx) -> CouponTemplateOut:
    """One coupon template; a buyer does not see its private counters."""
    with ctx.read() as session:
        return CouponTemplateOut.of(service.get_coupon_template(session, ctx.actor, template_id), ctx.actor.role is not Role.BUYER)


@router.post("/coupons/{template_id}/claim", status_code=201)
def claim_coupon(template_id: IdPath, ctx: Ctx) -> CouponOut:
    """领券: within the total quantity and the per-buyer limit, exact under concurrency."""
    _claim_turn(ctx)
    with ctx.transaction() as session:
        template = service.get_coupon_template(session, ctx.actor, template_id)
        coupon = claiming.claim_coupon(session, ctx.now(), ctx.actor, template_id, _shopper(session, ctx, template.store_id))
        return CouponOut.of(coupon, template)


@router.post("/coupon-codes/claim", status_code=201)
def claim_code(body: CodeIn, ctx: Ctx) -> CouponOut:
    """Put a code coupon in the wallet (it can also be given straight to checkout as `codes`)."""
    _claim_turn(ctx)
    with ctx.transaction() as session:
        require_role(ctx.actor, Role.BUYER)
        template = claiming.find_code(session, body.code)
        coupon = claiming.issue(session, ctx.now(), template, _shopper(session, ctx, template.store_id))
        return CouponOut.of(coupon, template)


@router.post("/coupons/{template_id}/{action}")
def move_coupon(template_id: IdPath, action: Action, ctx: Ctx) -> CouponTemplateOut:
    """Pause, resume or end a coupon template's claiming."""
    with ctx.transaction() as session:
        return CouponTemplateOut.of(service.move_coupon(session, ctx.now(), ctx.actor, template_id, action))


@router.get("/me/coupons")
def my_coupons(ctx: Ctx, status: Literal["available", "locked", "used"] | None = None, store_id: IdQuery = None) -> list[CouponOut]:
    """The buyer's wallet, soonest to expire first."""
    with ctx.read() as session:
        return [CouponOut.of(c, t) for c, t in claiming.my_coupons(session, ctx.actor, status, store_id)]


def _claim_turn(ctx: Ctx) -> None:
    """Claims per buyer per minute are limited (429 with Retry-After): a script guessing codes or sweeping
    every coupon meets the limit, a person clicking does not. Only buyers claim; others meet their 403."""
    if ctx.actor.role is Role.BUYER and ctx.actor.buyer_id is not None:
        refuse_if_waiting(ctx.limits.coupon_claims.take(ctx.actor.buyer_id), "coupon claims by this buyer")


def _shopper(session: Session, ctx: Ctx, store_id: int | None) -> Shopper:
    require_role(ctx.actor, Role.BUYER)
    assert ctx.actor.buyer_id is not None
    if store_id is None:
        return Shopper(buyer_id=ctx.actor.buyer_id)
    return quotes.shopper(session, ctx.now(), ctx.actor.buyer_id, [get_store(session, ctx.actor, store_id)])
