"""What other readers see of campaigns: how many entries each has and the campaign behind an entry (the console's
campaign pages), and the campaigns a store is signed up to that run now or soon (purchasing's §3.3 trigger).

Read-only, one or two SQL statements each.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal
from shopkeeper.promotions.campaigns import rules
from shopkeeper.promotions.campaigns.models import Campaign, CampaignEntry, CampaignPhase, EntryStatus
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


@dataclass(frozen=True)
class SignedUpCampaign:
    """A campaign the store has an accepted entry in, with its phases in order (the main one always among them)."""

    id: int
    theme: str
    starts_at: datetime
    ends_at: datetime
    phases: tuple[rules.Phase, ...]

    @property
    def main(self) -> rules.Phase:
        return rules.main_phase(self.phases)


def signed_up_campaigns(session: Session, store_id: int, now: datetime, within_days: int) -> list[SignedUpCampaign]:
    """The campaigns (the store's own or the platform's, not cancelled) the store has an accepted entry in whose main
    phase (正式期) runs now or starts within `within_days`: the ones its purchasing must stock for (RULES.md §3.3's
    warm-up wants the stock before the official day). The main phase soonest first, then by id. The caller checks
    that the principal may manage the store."""
    signed_up = exists().where(CampaignEntry.campaign_id == Campaign.id, CampaignEntry.store_id == store_id,
                               CampaignEntry.status == EntryStatus.ACCEPTED.value)
    main = and_(CampaignPhase.campaign_id == Campaign.id, CampaignPhase.name == "main")
    found = list(session.scalars(
        select(Campaign).join(CampaignPhase, main)
        .where(signed_up, or_(Campaign.store_id.is_(None), Campaign.store_id == store_id),
               Campaign.cancelled_at.is_(None), CampaignPhase.ends_at > now,
               CampaignPhase.starts_at <= now + timedelta(days=within_days))
        .order_by(CampaignPhase.starts_at, Campaign.id)))
    phases: dict[int, list[rules.Phase]] = {c.id: [] for c in found}
    if found:
        rows = session.scalars(select(CampaignPhase).where(CampaignPhase.campaign_id.in_(list(phases)))
                               .order_by(CampaignPhase.starts_at))
        for row in rows:
            phases[row.campaign_id].append(rules.Phase(row.name, row.starts_at, row.ends_at))  # type: ignore[arg-type]
    return [SignedUpCampaign(c.id, c.theme, c.starts_at, c.ends_at, tuple(phases[c.id])) for c in found]
