"""What the console's campaign pages show of entries: how many each campaign has, the campaign behind an entry.

Read-only, one SQL statement each.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal
from shopkeeper.promotions.campaigns.models import CampaignEntry
from shopkeeper.scope import scoped


def entry_counts(session: Session, actor: Principal, campaign_ids: list[int]) -> dict[int, int]:
    """Entries per campaign the principal may see: staff count their own store's only."""
    counts = {cid: 0 for cid in campaign_ids}
    if campaign_ids:
        rows = session.execute(scoped(select(CampaignEntry.campaign_id, func.count(CampaignEntry.id))
                                      .where(CampaignEntry.campaign_id.in_(campaign_ids)), actor, CampaignEntry.store_id)
                               .group_by(CampaignEntry.campaign_id))
        counts.update({int(cid): int(n) for cid, n in rows})
    return counts


def campaigns_of_entries(session: Session, entry_ids: Collection[int]) -> dict[int, int]:
    """The campaign each entry was sent to, by entry id (an order's pricing names the entries that priced it).
    The campaign's page checks who may see it."""
    if not entry_ids:
        return {}
    rows = session.execute(select(CampaignEntry.id, CampaignEntry.campaign_id).where(CampaignEntry.id.in_(entry_ids)))
    return {int(entry_id): int(campaign_id) for entry_id, campaign_id in rows}
