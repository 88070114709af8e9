from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from sqlalchemy.orm import Session

from shopkeeper.api.deps import Ctx, IdPath, IdQuery, Limit
from shopkeeper.api.schemas import cut_page
from shopkeeper.promotions.campaigns import service
from shopkeeper.promotions.campaigns.models import Campaign
from shopkeeper.promotions.campaigns.schemas import CampaignIn, CampaignOut, CampaignPage, CancelIn, EntryIn, EntryOut, EntryPage

router = APIRouter(tags=["campaigns"])


def _out(session: Session, campaigns: list[Campaign], now: datetime) -> list[CampaignOut]:
    phases = service.phases_of(session, [c.id for c in campaigns])
    return [CampaignOut.of(c, phases[c.id], service.status_of(c, phases[c.id], now)) for c in campaigns]


@router.post("/campaigns", status_code=201)
def create_campaign(body: CampaignIn, ctx: Ctx) -> CampaignOut:
    """A store's campaign, or (store_id null, operator only) a platform campaign stores sign up to."""
    with ctx.transaction() as session:
        campaign, _ = service.create_campaign(session, ctx.now(), ctx.actor, body.spec())
        return _out(session, [campaign], ctx.now())[0]


@router.get("/campaigns")
def list_campaigns(ctx: Ctx, limit: Limit = 50, cursor: IdQuery = None, store_id: IdQuery = None,
                   status: service.StatusFilter | None = None) -> CampaignPage:
    """Newest first; `status` live means any time inside the window, a phase name only that phase."""
    with ctx.read() as session:
        now = ctx.now()
        found, next_cursor = cut_page(service.list_campaigns(session, ctx.actor, now, store_id, status, limit + 1, cursor), limit)
        return CampaignPage(items=_out(session, found, now), next_cursor=next_cursor)


@router.get("/campaigns/{campaign_id}")
def get_campaign(campaign_id: IdPath, ctx: Ctx) -> CampaignOut:
    """One campaign with its phases and sign-up terms."""
    with ctx.read() as session:
        return _out(session, [service.get_campaign(session, ctx.actor, campaign_id)], ctx.now())[0]


@router.post("/campaigns/{campaign_id}/cancel")
def cancel_campaign(campaign_id: IdPath, ctx: Ctx, body: CancelIn | None = None) -> CampaignOut:
    """Cancel a campaign any time before it ends; its entries stop being offered at once."""
    with ctx.transaction() as session:
        campaign = service.cancel_campaign(session, ctx.now(), ctx.actor, campaign_id, (body or CancelIn()).reason)
        return _out(session, [campaign], ctx.now())[0]


@router.post("/campaigns/{campaign_id}/entries", status_code=201)
def sign_up(campaign_id: IdPath, body: EntryIn, ctx: Ctx) -> EntryOut:
    """报名: one product, its ticked SKUs with activity prices. Kept accepted or rejected with every check's result."""
    with ctx.transaction() as session:
        service.get_campaign(session, ctx.actor, campaign_id)
        spec = body.spec(service.entry_currency(session, body.product_id))
        entry = service.sign_up(session, ctx.now(), ctx.actor, campaign_id, spec)
        return EntryOut.of(entry, service.entry_prices(session, [entry.id])[entry.id])


@router.get("/campaigns/{campaign_id}/entries")
def list_entries(campaign_id: IdPath, ctx: Ctx, limit: Limit = 50, cursor: IdQuery = None) -> EntryPage:
    """Newest first; a store's staff see their own store's entries."""
    with ctx.read() as session:
        found, next_cursor = cut_page(service.list_entries(session, ctx.actor, campaign_id, limit + 1, cursor), limit)
        prices = service.entry_prices(session, [e.id for e in found])
        return EntryPage(items=[EntryOut.of(e, prices[e.id]) for e in found], next_cursor=next_cursor)
