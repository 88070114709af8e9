"""The console's campaign pages: the platform's campaigns and the entries stores sent them.

Read only: entries are made and judged through the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, get_args

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal
from shopkeeper.catalog.labels import product_titles, scope_names
from shopkeeper.console import filters, promotion_text
from shopkeeper.console.i18n import translate
from shopkeeper.console.marketing import Stores, messages_of, page_of, pager, stores_of
from shopkeeper.console.web import detail, lang_of, render, signed_in
from shopkeeper.errors import Forbidden, NotFound
from shopkeeper.languages import Lang
from shopkeeper.money import Money
from shopkeeper.promotions.campaigns import rules as campaign_rules
from shopkeeper.promotions.campaigns import service as campaigns
from shopkeeper.promotions.campaigns.listings import entry_counts

if TYPE_CHECKING:
    from shopkeeper.promotions.campaigns.models import Campaign

router = APIRouter(include_in_schema=False)

CAMPAIGN_STATUSES = list(get_args(campaigns.StatusFilter))
ENTRIES_SHOWN = 200  # on a campaign's page, newest first


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
        stores = stores_of(session, who, request)
        parsed = filters.parse_list(request.query_params, list(stores.by_id), CAMPAIGN_STATUSES)
        f = parsed.list_filter
        rows = [] if parsed.problems else campaigns.list_campaigns(
            session, who, now, f.store_id, f.status, filters.PAGE_SIZE + 1, f.before_id)  # type: ignore[arg-type]
        page, next_cursor = page_of(rows)
        ids = [c.id for c in page]
        phases = campaigns.phases_of(session, ids)
        counts = entry_counts(session, who, ids)
        views = [_campaign_view(c, phases[c.id], stores, now, lang, counts[c.id]) for c in page]
    messages = messages_of(lang, parsed.problems)
    return render(request, "campaigns.html", status=400 if messages else 200, principal=who, nav="campaigns",
                  stores=list(stores.by_id.values()), statuses=CAMPAIGN_STATUSES, campaigns=views, messages=messages,
                  form=dict(request.query_params), **pager(request, next_cursor))


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
        stores = stores_of(session, who, request)
        listed = campaigns.list_entries(session, who, row.id, ENTRIES_SHOWN + 1, None)
        shown = listed[:ENTRIES_SHOWN]
        prices = campaigns.entry_prices(session, [e.id for e in shown])
        sku_names = scope_names(session, who, "sku", {s for p in prices.values() for s in p}, lang)
        titles = product_titles(session, who, {e.product_id for e in shown}, lang)
        level = row.product_scope if row.product_scope != "store" else ""
        names = scope_names(session, who, level, row.product_ids, lang)
        phases = campaigns.phases_of(session, [row.id])[row.id]
        view = _campaign_view(row, phases, stores, now, lang, entry_counts(session, who, [row.id])[row.id],
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
