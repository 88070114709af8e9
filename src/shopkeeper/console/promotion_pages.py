"""The console's promotion and coupon-template pages, with pause / resume / end.

The only writes are the status moves, through the same service calls the API makes, from
POST forms that must come from the console's own origin (`web.same_origin`). Promotions and
coupon templates share their moves and statuses, so they share this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal
from shopkeeper.catalog.labels import scope_names
from shopkeeper.console import filters, promotion_text
from shopkeeper.console.display import when
from shopkeeper.console.i18n import translate
from shopkeeper.console.marketing import Stores, messages_of, page_of, pager, stores_of
from shopkeeper.console.web import detail, lang_of, not_found, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import Forbidden, NotAllowedInState, NotFound
from shopkeeper.languages import Lang
from shopkeeper.promotions import service
from shopkeeper.promotions.listings import coupon_counts
from shopkeeper.promotions.rules import PromotionStatus

if TYPE_CHECKING:
    from shopkeeper.promotions.models import CouponTemplate, PromotionRow

router = APIRouter(include_in_schema=False)

ACTIONS = ("pause", "resume", "end")
STATUSES = [s.value for s in PromotionStatus]


# --- promotions -----------------------------------------------------------------------------------

Labels = dict[str, dict[int, str]]  # scope level ("sku", "product", "category") → id → what people call it


@dataclass(frozen=True)
class PromotionView:
    row: PromotionRow
    kind: str
    summary: str
    scope: str
    audience: str
    owner: str
    zone: str
    currency: str
    status: str  # as of now: past its end a promotion has ended (service.status_at)
    units_sold: int  # service.units_sold
    timing: str | None
    may_manage: bool


def _promotion_view(row: PromotionRow, stores: Stores, now: datetime, lang: Lang, labels: Labels, units_sold: int,
                    limit: int | None = promotion_text.SCOPE_SHOWN) -> PromotionView:
    rule = row.rule or {}
    currency = str(rule.get("currency") or "CNY")
    zone = stores.zone(row.store_id)
    status = service.status_at(row, now)
    return PromotionView(
        row=row, kind=promotion_text.kind_name(row.kind, lang),
        summary=promotion_text.summary(rule.get("benefit") or {}, currency, lang, kind=row.kind, zone=zone,
                                       sku_names=labels.get("sku")),
        scope=_scope(rule, labels, lang, limit),
        audience=promotion_text.audience_text(rule.get("audience") or {}, lang),
        owner=stores.owner(row.store_id, lang), zone=zone, currency=currency, status=status.value, units_sold=units_sold,
        timing=_timing(row.starts_at, row.ends_at, now, lang) if status is PromotionStatus.ACTIVE else None,
        may_manage=stores.may_manage(row.store_id),
    )


def _timing(starts_at: datetime, ends_at: datetime | None, now: datetime, lang: Lang) -> str | None:
    if now < starts_at:
        return translate(lang, "timing.upcoming")
    if ends_at is not None and now >= ends_at:
        return translate(lang, "timing.over")
    return None


def _labels(session: Session, who: Principal, rules: list[dict[str, Any]], lang: Lang, limit: int | None) -> Labels:
    """One query per level for every id a page shows: scope ids (the first `limit` of each), excluded SKUs, gift SKUs."""
    wanted: dict[str, set[int]] = {"sku": set(), "product": set(), "category": set()}

    def first(ids: Any) -> list[int]:
        return list(ids or [])[:limit] if limit is not None else list(ids or [])

    for rule in rules:
        scope = rule.get("scope") or {}
        if scope.get("level") in wanted:
            wanted[str(scope["level"])] |= set(first(scope.get("ids")))
        wanted["sku"] |= set(first(scope.get("exclude_sku_ids")))
        benefit = rule.get("benefit") or {}
        if benefit.get("type") == "gift" and benefit.get("sku_id"):
            wanted["sku"].add(int(benefit["sku_id"]))
    return {level: scope_names(session, who, level, ids, lang) for level, ids in wanted.items()}


def _scope(rule: dict[str, Any], labels: Labels, lang: Lang, limit: int | None) -> str:
    scope = rule.get("scope") or {}
    return promotion_text.scope_text(scope, lang, labels.get(str(scope.get("level")), {}), limit=limit,
                                     sku_names=labels.get("sku", {}))


@router.get("/promotions")
def promotions(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    lang = lang_of(request)
    now: datetime = request.app.state.clock.now()
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        parsed = filters.parse_list(request.query_params, list(stores.by_id), STATUSES, platform=True)
        f = parsed.list_filter
        rows = [] if parsed.problems else service.list_promotions(
            session, who, now, f.store_id, f.status, f.platform, filters.PAGE_SIZE + 1, f.before_id)
        page, next_cursor = page_of(rows)
        labels = _labels(session, who, [row.rule or {} for row in page], lang, promotion_text.SCOPE_SHOWN)
        sold = service.units_sold(session, page)
        views = [_promotion_view(row, stores, now, lang, labels, sold[row.id]) for row in page]
    messages = messages_of(lang, parsed.problems)
    return render(request, "promotions.html", status=400 if messages else 200, principal=who, nav="promotions",
                  stores=list(stores.by_id.values()), statuses=STATUSES, promotions=views, messages=messages,
                  form=dict(request.query_params), **pager(request, next_cursor))


@router.get("/promotions/{promotion_id}")
def promotion_detail(request: Request, promotion_id: str) -> Response:
    done = request.query_params.get("done")
    return _promotion_page(request, None, promotion_id, notice=f"done.{done}" if done in ACTIONS else None)


def _promotion_page(request: Request, who: Principal | None, promotion_id: str, status: int = 200,
                    notice: str | None = None, error: str | None = None) -> Response:
    """A promotion's page; `who` is None on a plain visit (signed in here), the principal when re-shown after a move."""
    with detail(request, promotion_id, "promotion", service.get_promotion, who) as found:
        if isinstance(found, Response):
            return found
        who, session, row = found.principal, found.session, found.row
        lang = lang_of(request)
        now: datetime = request.app.state.clock.now()
        stores = stores_of(session, who, request)
        view = _promotion_view(row, stores, now, lang, _labels(session, who, [row.rule or {}], lang, None),
                               service.units_sold(session, [row])[row.id], limit=None)
    return render(request, "promotion.html", status=status, principal=who, nav="promotions", p=view, now=now,
                  actions=_actions(view.status), notice=notice, error=error,
                  rule_json=json.dumps(row.rule, ensure_ascii=False, indent=2, sort_keys=True))


def _actions(status: str) -> list[str]:
    return {"active": ["pause", "end"], "paused": ["resume", "end"]}.get(status, [])


@router.post("/promotions/{promotion_id}/{action}")
def move_promotion(request: Request, promotion_id: str, action: str) -> Response:
    return _move(request, "promotion", promotion_id, action)


def _move(request: Request, what: str, object_id: str, action: str) -> Response:
    """Pause, resume or end a promotion or coupon, then show its page again (303 on success)."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    wanted = filters.parse_id(object_id)
    if wanted is None or action not in ACTIONS:
        return not_found(request, who, what)
    mover = service.move_promotion if what == "promotion" else service.move_coupon
    page = _promotion_page if what == "promotion" else _coupon_page
    lang = lang_of(request)
    try:
        with request.app.state.db.transaction() as session:
            mover(session, request.app.state.clock.now(), who, wanted, action)
    except NotFound:
        return not_found(request, who, what)
    except Forbidden:
        return page(request, who, object_id, status=403, error=translate(lang, "move.refused.role"))
    except NotAllowedInState as refused:
        current = str(refused.extra.get("current_status", ""))
        return page(request, who, object_id, status=409,
                    error=translate(lang, "move.refused.state", status=translate(lang, f"pstatus.{current}")))
    base = "/promotions" if what == "promotion" else "/coupons"
    return RedirectResponse(f"{base}/{wanted}?done={action}", status_code=303)

# --- coupons --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CouponView:
    row: CouponTemplate
    kind: str
    summary: str
    scope: str
    audience: str
    owner: str
    zone: str
    currency: str
    validity: str
    may_manage: bool


def _coupon_view(row: CouponTemplate, stores: Stores, lang: Lang, labels: Labels,
                 limit: int | None = promotion_text.SCOPE_SHOWN) -> CouponView:
    rule = row.rule or {}
    currency = str(rule.get("currency") or "CNY")
    zone = stores.zone(row.store_id)
    return CouponView(
        row=row, kind=promotion_text.kind_name(f"coupon_{row.kind}", lang),
        summary=promotion_text.summary(rule.get("benefit") or {}, currency, lang, zone=zone),
        scope=_scope(rule, labels, lang, limit),
        audience=promotion_text.audience_text(rule.get("audience") or {}, lang),
        owner=stores.owner(row.store_id, lang), zone=zone, currency=currency,
        validity=_validity(row, zone, lang), may_manage=stores.may_manage(row.store_id),
    )


def _validity(row: CouponTemplate, zone: str, lang: Lang) -> str:
    if row.valid_days is not None:
        return translate(lang, "validity.days", days=row.valid_days)
    if row.valid_from is not None:
        return f"{when(row.valid_from, zone)} – {when(row.valid_until, zone)}"
    return translate(lang, "validity.until", end=when(row.valid_until, zone))


@router.get("/coupons")
def coupons(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    lang = lang_of(request)
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        parsed = filters.parse_list(request.query_params, list(stores.by_id), STATUSES)
        f = parsed.list_filter
        rows = [] if parsed.problems else service.list_coupon_templates(
            session, who, f.store_id, f.status, filters.PAGE_SIZE + 1, f.before_id)
        page, next_cursor = page_of(rows)
        labels = _labels(session, who, [row.rule or {} for row in page], lang, promotion_text.SCOPE_SHOWN)
        views = [_coupon_view(row, stores, lang, labels) for row in page]
    messages = messages_of(lang, parsed.problems)
    return render(request, "coupons.html", status=400 if messages else 200, principal=who, nav="coupons",
                  stores=list(stores.by_id.values()), statuses=STATUSES, coupons=views, messages=messages,
                  form=dict(request.query_params), **pager(request, next_cursor))


@router.get("/coupons/{template_id}")
def coupon_detail(request: Request, template_id: str) -> Response:
    done = request.query_params.get("done")
    return _coupon_page(request, None, template_id, notice=f"done.{done}" if done in ACTIONS else None)


def _coupon_page(request: Request, who: Principal | None, template_id: str, status: int = 200,
                 notice: str | None = None, error: str | None = None) -> Response:
    """A coupon template's page; `who` is None on a plain visit, the principal when re-shown after a move."""
    with detail(request, template_id, "coupon", service.get_coupon_template, who) as found:
        if isinstance(found, Response):
            return found
        who, session, row = found.principal, found.session, found.row
        lang = lang_of(request)
        stores = stores_of(session, who, request)
        view = _coupon_view(row, stores, lang, _labels(session, who, [row.rule or {}], lang, None), limit=None)
        held = coupon_counts(session, row.id) if view.may_manage else None
    return render(request, "coupon.html", status=status, principal=who, nav="coupons", c=view, held=held,
                  actions=_actions(row.status), notice=notice, error=error,
                  rule_json=json.dumps(row.rule, ensure_ascii=False, indent=2, sort_keys=True))


@router.post("/coupons/{template_id}/{action}")
def move_coupon(request: Request, template_id: str, action: str) -> Response:
    return _move(request, "coupon", template_id, action)

