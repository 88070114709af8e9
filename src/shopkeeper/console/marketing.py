"""The console's marketing pages: promotions, coupons and campaigns, with pause / resume / end.

Reads go through the promotion and campaign services, which already scope
rows to the principal (staff: their store's and the platform's); another
store's row answers 404 like a missing one. The only writes are the status
moves, through the same service calls the API makes, from POST forms that
must come from the console's own origin (`web.same_origin`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, get_args

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from shopkeeper.api.schemas import cut_page
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog.models import Store
from shopkeeper.catalog.service import list_stores
from shopkeeper.console import filters, promotion_text, queries
from shopkeeper.console.display import when
from shopkeeper.console.i18n import Lang, translate
from shopkeeper.console.web import (
    detail,
    lang_of,
    not_found,
    refused_cross_origin,
    render,
    same_origin,
    signed_in,
    url_with,
)
from shopkeeper.errors import Forbidden, NotAllowedInState, NotFound
from shopkeeper.money import Money
from shopkeeper.promotions import service
from shopkeeper.promotions.campaigns import rules as campaign_rules
from shopkeeper.promotions.campaigns import service as campaigns
from shopkeeper.promotions.campaigns.models import Campaign
from shopkeeper.promotions.models import CouponTemplate, PromotionRow, PromotionStatus

router = APIRouter(include_in_schema=False)

ACTIONS = ("pause", "resume", "end")
STATUSES = [s.value for s in PromotionStatus]
CAMPAIGN_STATUSES = list(get_args(campaigns.StatusFilter))
ENTRIES_SHOWN = 200  # on a campaign's page, newest first


# --- shared ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stores:
    """The stores the principal may see, and the clock each row is shown on."""

    principal: Principal
    by_id: dict[int, Store]
    platform_zone: str = "UTC"

    def zone(self, store_id: int | None) -> str:
        """A store's own time zone; the platform's rows (its campaigns, promotions, vouchers) on the platform's
        clock (settings.platform_timezone), the one their times were set on, for every reader alike."""
        if store_id is None:
            return self.platform_zone
        store = self.by_id.get(store_id)
        return store.timezone if store else "UTC"

    def owner(self, store_id: int | None, lang: Lang) -> str:
        if store_id is None:
            return translate(lang, "list.platform")
        store = self.by_id.get(store_id)
        return store.name if store else f"#{store_id}"

    def may_manage(self, store_id: int | None) -> bool:
        """Staff manage their own store's rows; platform rows belong to the operator."""
        return self.principal.is_operator or (store_id is not None and self.principal.role is Role.STAFF
                                              and self.principal.store_id == store_id)


def _stores(session: Session, who: Principal, request: Request) -> Stores:
    return Stores(who, {s.id: s for s in list_stores(session, who)}, request.app.state.settings.platform_timezone)


def _timing(starts_at: datetime, ends_at: datetime | None, now: datetime, lang: Lang) -> str | None:
    if now < starts_at:
        return translate(lang, "timing.upcoming")
    if ends_at is not None and now >= ends_at:
        return translate(lang, "timing.over")
    return None


def _messages(lang: Lang, problems: list[filters.Problem]) -> list[str]:
    return [translate(lang, p.key, **p.values) for p in problems]


def _pager(request: Request, next_cursor: int | None) -> dict[str, str | None]:
    return {"next_url": url_with(request, before=str(next_cursor), lang=None) if next_cursor else None,
            "first_url": url_with(request, before=None, lang=None) if request.query_params.get("before") else None}


def _page(rows: list[Any]) -> tuple[list[Any], int | None]:
    return cut_page(rows, filters.PAGE_SIZE)  # read at call time: tests shrink the page


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
    return {level: queries.scope_names(session, who, level, ids, lang) for level, ids in wanted.items()}


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
        stores = _stores(session, who, request)
        parsed = filters.parse_list(request.query_params, list(stores.by_id), STATUSES, platform=True)
        f = parsed.list_filter
        rows = [] if parsed.problems else service.list_promotions(
            session, who, now, f.store_id, f.status, f.platform, filters.PAGE_SIZE + 1, f.before_id)
        page, next_cursor = _page(rows)
        labels = _labels(session, who, [row.rule or {} for row in page], lang, promotion_text.SCOPE_SHOWN)
        sold = service.units_sold(session, page)
        views = [_promotion_view(row, stores, now, lang, labels, sold[row.id]) for row in page]
    messages = _messages(lang, parsed.problems)
    return render(request, "promotions.html", status=400 if messages else 200, principal=who, nav="promotions",
                  stores=list(stores.by_id.values()), statuses=STATUSES, promotions=views, messages=messages,
                  form=dict(request.query_params), **_pager(request, next_cursor))


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
        stores = _stores(session, who, request)
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
        stores = _stores(session, who, request)
        parsed = filters.parse_list(request.query_params, list(stores.by_id), STATUSES)
        f = parsed.list_filter
        rows = [] if parsed.problems else service.list_coupon_templates(
            session, who, f.store_id, f.status, filters.PAGE_SIZE + 1, f.before_id)
        page, next_cursor = _page(rows)
        labels = _labels(session, who, [row.rule or {} for row in page], lang, promotion_text.SCOPE_SHOWN)
        views = [_coupon_view(row, stores, lang, labels) for row in page]
    messages = _messages(lang, parsed.problems)
    return render(request, "coupons.html", status=400 if messages else 200, principal=who, nav="coupons",
                  stores=list(stores.by_id.values()), statuses=STATUSES, coupons=views, messages=messages,
                  form=dict(request.query_params), **_pager(request, next_cursor))


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
        stores = _stores(session, who, request)
        view = _coupon_view(row, stores, lang, _labels(session, who, [row.rule or {}], lang, None), limit=None)
        held = queries.coupon_counts(session, row.id) if view.may_manage else None
    return render(request, "coupon.html", status=status, principal=who, nav="coupons", c=view, held=held,
                  actions=_actions(row.status), notice=notice, error=error,
                  rule_json=json.dumps(row.rule, ensure_ascii=False, indent=2, sort_keys=True))


@router.post("/coupons/{template_id}/{action}")
def move_coupon(request: Request, template_id: str, action: str) -> Response:
    return _move(request, "coupon", template_id, action)


# --- campaigns ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CampaignView:
    row: Campaign
    status: str
    phases: list[campaign_rules.Phase]
    owner: str
    zone: str
    audience: str
    products: str
    price_rule: str
    entries: int


def _campaign_view(row: Campaign, phases: list[campaign_rules.Phase], stores: Stores, now: datetime, lang: Lang,
                   entries: int, names: dict[int, str] | None = None, limit: int | None = promotion_text.SCOPE_SHOWN) -> CampaignView:
    if row.audience == "min_level":
        audience = translate(lang, "caud.min_level", level=promotion_text.level_name(row.min_member_level or "", lang))
    else:
        audience = translate(lang, f"caud.{row.audience}")
    level = "platform" if row.product_scope == "store" and row.store_id is None else row.product_scope
    products = promotion_text.scope_text({"level": level, "ids": row.product_ids}, lang, names, limit=limit)
    basis = (translate(lang, "basis.last_n_days", days=row.basis_days) if row.basis == "last_n_days"
             else translate(lang, f"basis.{row.basis}"))
    pct = promotion_text.number(Decimal(row.discount) * 100)
    return CampaignView(
        row=row, status=campaigns.status_of(row, phases, now), phases=phases, owner=stores.owner(row.store_id, lang),
        zone=stores.zone(row.store_id), audience=audience, products=products,
        price_rule=translate(lang, "campaign.discount", pct=pct, basis=basis), entries=entries,
    )


@router.get("/campaigns")
def campaign_list(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    lang = lang_of(request)
    now: datetime = request.app.state.clock.now()
    with request.app.state.db.read() as session:
        stores = _stores(session, who, request)
        parsed = filters.parse_list(request.query_params, list(stores.by_id), CAMPAIGN_STATUSES)
        f = parsed.list_filter
        rows = [] if parsed.problems else campaigns.list_campaigns(
            session, who, now, f.store_id, f.status, filters.PAGE_SIZE + 1, f.before_id)  # type: ignore[arg-type]
        page, next_cursor = _page(rows)
        ids = [c.id for c in page]
        phases = campaigns.phases_of(session, ids)
        counts = queries.entry_counts(session, who, ids)
        views = [_campaign_view(c, phases[c.id], stores, now, lang, counts[c.id]) for c in page]
    messages = _messages(lang, parsed.problems)
    return render(request, "campaigns.html", status=400 if messages else 200, principal=who, nav="campaigns",
                  stores=list(stores.by_id.values()), statuses=CAMPAIGN_STATUSES, campaigns=views, messages=messages,
                  form=dict(request.query_params), **_pager(request, next_cursor))


def _visible_campaign(session: Session, who: Principal, campaign_id: int) -> Campaign:
    """A role that may see no campaign at all (Forbidden) is told the same 404 as for a missing one."""
    try:
        return campaigns.get_campaign(session, who, campaign_id)
    except Forbidden as refused:
        raise NotFound("no such campaign") from refused


@dataclass(frozen=True)
class EntryView:
    id: int
    product: str
    store: str
    tier: str
    status: str
    prices: list[tuple[str, str]]  # (SKU label, activity price)
    checks: list[tuple[bool, str, str]]  # (passed, in words, as stored)
    created_at: datetime


@router.get("/campaigns/{campaign_id}")
def campaign_detail(request: Request, campaign_id: str) -> Response:
    with detail(request, campaign_id, "campaign", _visible_campaign) as found:
        if isinstance(found, Response):
            return found
        who, session, row = found.principal, found.session, found.row
        lang = lang_of(request)
        now: datetime = request.app.state.clock.now()
        stores = _stores(session, who, request)
        listed = campaigns.list_entries(session, who, row.id, ENTRIES_SHOWN + 1, None)
        shown = listed[:ENTRIES_SHOWN]
        prices = campaigns.entry_prices(session, [e.id for e in shown])
        sku_names = queries.scope_names(session, who, "sku", {s for p in prices.values() for s in p}, lang)
        titles = queries.product_titles(session, who, {e.product_id for e in shown}, lang)
        level = row.product_scope if row.product_scope != "store" else ""
        names = queries.scope_names(session, who, level, row.product_ids, lang)
        phases = campaigns.phases_of(session, [row.id])[row.id]
        view = _campaign_view(row, phases, stores, now, lang, queries.entry_counts(session, who, [row.id])[row.id],
                              names, limit=None)
        entries = [EntryView(
            id=e.id, product=titles.get(e.product_id) or f"#{e.product_id}", store=stores.owner(e.store_id, lang),
            tier=translate(lang, f"tier.{e.tier}"), status=e.status,
            prices=[(sku_names.get(s) or f"#{s}", Money(p, e.currency).display()) for s, p in prices[e.id].items()],
            checks=[(bool(c.get("passed")), promotion_text.check_text(c, e.currency, lang, sku_names, view.zone), str(c.get("detail", "")))
                    for c in e.checks],
            created_at=e.created_at) for e in shown]
    return render(request, "campaign.html", principal=who, nav="campaigns", c=view, entries=entries, now=now,
                  more_entries=len(listed) > ENTRIES_SHOWN)
