"""Campaign use cases: create, list, cancel, sign products up (报名), and the promotions live now."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.db import newest_first
from shopkeeper.errors import InvalidInput, NotAllowedInState, NotFound
from shopkeeper.inventory.service import available_by_sku
from shopkeeper.members import MEMBER_LEVELS
from shopkeeper.promotions.campaigns import rules
from shopkeeper.promotions.campaigns.models import Campaign, CampaignEntry, CampaignEntrySku, CampaignPhase, EntryStatus
from shopkeeper.promotions.engine import terms
from shopkeeper.scope import get_or_404, require_role, require_store_manager

StatusFilter = Literal["upcoming", "live", "build_up", "warm_up", "main", "review", "ended", "cancelled"]


@dataclass(frozen=True)
class CampaignSpec:
    theme: str
    starts_at: datetime
    ends_at: datetime
    discount: Decimal
    basis: rules.BasisKind
    basis_days: int | None
    earns_points: bool
    stacking: terms.Stacking
    per_account_limit: int | None
    store_id: int | None = None
    goals: tuple[rules.Goal, ...] = ()
    notes: str = ""
    phases: tuple[rules.Phase, ...] = ()
    audience: rules.AudienceKind = "all_members"
    min_member_level: str | None = None
    product_scope: rules.ProductScopeLevel = "store"
    product_ids: tuple[int, ...] = ()
    registration_required: bool = False
    stock_check: rules.StockCheckMode = "product"
    min_stock: int = 0
    ship_within_hours: int | None = None  # the campaign period's own ship-by time after payment (RULES.md §7.3)


@dataclass(frozen=True)
class EntrySpec:
    product_id: int
    tier: rules.Tier
    prices: dict[int, int] = field(default_factory=dict)  # ticked SKU id → activity price, minor units


# --- campaigns ------------------------------------------------------------------------------------


def create_campaign(session: Session, now: datetime, actor: Principal, spec: CampaignSpec) -> tuple[Campaign, list[CampaignPhase]]:
    """A store's own campaign (its staff or the operator), or a platform one (store_id None, the operator only)."""
    if spec.store_id is None:
        require_role(actor, Role.OPERATOR)
    else:
        require_store_manager(actor, spec.store_id)
        catalog.store_by_id(session, spec.store_id)
    if not spec.theme.strip():
        raise InvalidInput("a campaign needs a theme (活动主题)")
    phases = rules.campaign_phases(spec.starts_at, spec.ends_at, spec.phases, now)
    _check_terms(spec)
    _check_product_ids(session, spec)
    campaign = Campaign(
        store_id=spec.store_id, theme=spec.theme.strip(), goals=list(dict.fromkeys(spec.goals)), notes=spec.notes,
        starts_at=spec.starts_at, ends_at=spec.ends_at, audience=spec.audience, min_member_level=spec.min_member_level,
        product_scope=spec.product_scope, product_ids=sorted(set(spec.product_ids)), discount=format(spec.discount, "f"),
        basis=spec.basis, basis_days=spec.basis_days if spec.basis == "last_n_days" else None,
        earns_points=spec.earns_points, stacking=spec.stacking, per_account_limit=spec.per_account_limit,
        registration_required=spec.registration_required, stock_check=spec.stock_check, min_stock=spec.min_stock,
        ship_within_hours=spec.ship_within_hours, created_at=now,
    )
    session.add(campaign)
    session.flush()
    rows = [CampaignPhase(campaign_id=campaign.id, name=p.name, starts_at=p.starts_at, ends_at=p.ends_at) for p in phases]
    session.add_all(rows)
    session.flush()
    events.record(session, now, "campaign.created", f"campaign:{campaign.id}", spec.store_id, theme=campaign.theme,
                  starts_at=spec.starts_at.isoformat(), ends_at=spec.ends_at.isoformat(), phases=[p.name for p in phases])
    return campaign, rows


def _check_terms(spec: CampaignSpec) -> None:
    if not Decimal(0) <= spec.discount < Decimal(1):
        raise InvalidInput("discount is a fraction from 0 up to (not including) 1, e.g. '0.10' for 10% below the basis")
    if spec.ship_within_hours is not None and spec.ship_within_hours <= 0:
        raise InvalidInput("ship_within_hours must be a positive number of hours")
    if spec.basis == "last_n_days" and (spec.basis_days is None or spec.basis_days < 1):
        raise InvalidInput("basis last_n_days needs basis_days (the lowest price of the last N days is the basis)")
    if spec.audience == "min_level":
        if spec.min_member_level not in MEMBER_LEVELS:
            raise InvalidInput(f"audience min_level needs min_member_level, one of {', '.join(MEMBER_LEVELS)}")
    elif spec.min_member_level is not None:
        raise InvalidInput("min_member_level goes with audience min_level only")
    if spec.per_account_limit is not None and spec.per_account_limit < 1:
        raise InvalidInput("per_account_limit must be 1 or more, or null for no limit")
    if spec.min_stock < 0:
        raise InvalidInput("min_stock cannot be negative")


def _check_product_ids(session: Session, spec: CampaignSpec) -> None:
    """Categories and SKUs named must exist, and for a store's campaign belong to that store (§3.1 #5: "must not be wrong")."""
    if spec.product_scope == "store":
        if spec.product_ids:
            raise InvalidInput("a whole-store campaign names no categories or SKUs")
        return
    if not spec.product_ids:
        raise InvalidInput(f"a {spec.product_scope} campaign names at least one {spec.product_scope}")
    ids = set(spec.product_ids)
    missing = ids - catalog.existing_ids(session, "category" if spec.product_scope == "category" else "sku", ids, spec.store_id)
    if missing:
        raise NotFound(f"{spec.product_scope} {', '.join(map(str, sorted(missing)))} does not exist", missing=sorted(missing))


def get_campaign(session: Session, actor: Principal, campaign_id: int) -> Campaign:
    """Operators and staff see the platform's campaigns and their own store's; buyers see none."""
    require_role(actor, Role.OPERATOR, Role.STAFF)
    campaign = get_or_404(session, Campaign, campaign_id, "campaign")
    if campaign.store_id is not None and not actor.may_see_store(campaign.store_id):
        raise NotFound(f"campaign {campaign_id} does not exist")
    return campaign


def phases_of(session: Session, campaign_ids: list[int]) -> dict[int, list[rules.Phase]]:
    grouped: dict[int, list[rules.Phase]] = {cid: [] for cid in campaign_ids}
    rows = session.scalars(select(CampaignPhase).where(CampaignPhase.campaign_id.in_(campaign_ids)).order_by(CampaignPhase.starts_at))
    for row in rows:
        grouped[row.campaign_id].append(rules.Phase(row.name, row.starts_at, row.ends_at))  # type: ignore[arg-type]
    return grouped


def status_of(campaign: Campaign, phases: list[rules.Phase], now: datetime) -> str:
    return rules.campaign_status(campaign.starts_at, campaign.ends_at, phases, campaign.cancelled_at is not None, now)


def list_campaigns(session: Session, actor: Principal, now: datetime, store_id: int | None, status: StatusFilter | None,
                   limit: int, before_id: int | None) -> list[Campaign]:
    """Newest first. `store_id` keeps that store's own campaigns; without it, everything the key may see."""
    require_role(actor, Role.OPERATOR, Role.STAFF)
    query = select(Campaign)
    if store_id is not None:
        require_store_manager(actor, store_id)
        query = query.where(Campaign.store_id == store_id)
    elif actor.role is Role.STAFF:
        query = query.where(or_(Campaign.store_id.is_(None), Campaign.store_id == actor.store_id))
    if status is not None:
        query = query.where(_status_clause(status, now))
    return list(session.scalars(newest_first(query, Campaign.id, limit, before_id)))


def _status_clause(status: StatusFilter, now: datetime) -> ColumnElement[bool]:
    if status == "cancelled":
        return Campaign.cancelled_at.is_not(None)
    going = Campaign.cancelled_at.is_(None)
    if status == "upcoming":
        return and_(going, Campaign.starts_at > now)
    if status == "ended":
        return and_(going, Campaign.ends_at <= now)
    live = and_(going, Campaign.starts_at <= now, Campaign.ends_at > now)
    if status == "live":
        return live
    in_phase = exists().where(CampaignPhase.campaign_id == Campaign.id, CampaignPhase.name == status,
                              CampaignPhase.starts_at <= now, CampaignPhase.ends_at > now)
    return and_(live, in_phase)


def cancel_campaign(session: Session, now: datetime, actor: Principal, campaign_id: int, reason: str = "") -> Campaign:
    """Any time before it ends; its entries stop being offered at once."""
    campaign = get_campaign(session, actor, campaign_id)
    if campaign.store_id is None:
        require_role(actor, Role.OPERATOR)
    else:
        require_store_manager(actor, campaign.store_id)
    if campaign.cancelled_at is not None:
        raise NotAllowedInState(f"campaign {campaign_id} is already cancelled")
    if campaign.ends_at <= now:
        raise NotAllowedInState(f"campaign {campaign_id} has ended")
    campaign.cancelled_at = now
    campaign.cancel_reason = reason
    events.record(session, now, "campaign.cancelled", f"campaign:{campaign.id}", campaign.store_id, reason=reason)
    return campaign


# --- sign-up (报名) -------------------------------------------------------------------------------


def entry_currency(session: Session, product_id: int) -> str:
    """The currency activity prices for this product are given in: its store's."""
    product = catalog.product_by_id(session, product_id)
    return catalog.store_by_id(session, product.store_id).currency


def sign_up(session: Session, now: datetime, actor: Principal, campaign_id: int, spec: EntrySpec) -> CampaignEntry:
    """Check a product's ticked SKUs and activity prices against the campaign (RULES.md §3.2, §3.5).

    The entry is kept accepted or rejected, with every check's result, so the merchant sees
    all the reasons at once. A store's staff sign up their own store's products only.
    """
    campaign = get_campaign(session, actor, campaign_id)
    product = catalog.product_by_id(session, spec.product_id)
    require_store_manager(actor, product.store_id)
    if campaign.cancelled_at is not None:
        raise NotAllowedInState(f"campaign {campaign_id} is cancelled")
    if not spec.prices:
        raise InvalidInput("tick at least one SKU with its activity price")
    if any(price < 0 for price in spec.prices.values()):
        raise InvalidInput("an activity price cannot be negative")
    skus = {s.id: s for s in catalog.skus_of(session, [product.id])[product.id]}
    strangers = sorted(set(spec.prices) - set(skus))
    if strangers:
        raise InvalidInput(f"SKU {', '.join(map(str, strangers))} is not a SKU of product {product.id}", sku_ids=strangers)
    store = catalog.store_by_id(session, product.store_id)
    ticked = sorted(spec.prices)
    phases = phases_of(session, [campaign.id])[campaign.id]

    checks = [rules.check_scope(_scope(session, campaign), product.store_id, product.category_id, ticked),
              rules.check_listed(product.status)]
    since = rules.basis_since(campaign.basis, campaign.basis_days, now, store.timezone)  # type: ignore[arg-type]
    history = _price_history(session, ticked, since)
    discount = Decimal(campaign.discount)
    for sku_id in ticked:
        basis = rules.lowest_price(history.get(sku_id, []), skus[sku_id].price_minor, since)
        checks.append(rules.check_threshold(sku_id, spec.prices[sku_id], basis, discount, since))
    stock = available_by_sku(session, ticked)
    checks.append(rules.check_stock(campaign.stock_check, campaign.min_stock,  # type: ignore[arg-type]
                                    [rules.TickedSku(s, skus[s].price_minor, stock[s]) for s in ticked]))
    checks.append(rules.check_registration_window(rules.main_phase(phases).starts_at, now))
    already = session.scalar(select(CampaignEntry.id).where(
        CampaignEntry.campaign_id == campaign.id, CampaignEntry.product_id == product.id,
        CampaignEntry.status == EntryStatus.ACCEPTED.value))
    checks.append(rules.check_one_entry(already))

    status = EntryStatus.ACCEPTED if rules.accepted(checks) else EntryStatus.REJECTED
    entry = CampaignEntry(campaign_id=campaign.id, store_id=product.store_id, product_id=product.id, tier=spec.tier,
                          status=status.value, currency=store.currency, checks=[c.record() for c in checks], created_at=now)
    session.add(entry)
    session.flush()
    session.add_all(CampaignEntrySku(entry_id=entry.id, store_id=product.store_id, sku_id=s, price_minor=spec.prices[s]) for s in ticked)
    session.flush()
    events.record(session, now, f"campaign.entry_{status.value}", f"campaign:{campaign.id}", product.store_id,
                  entry_id=entry.id, product_id=product.id, tier=spec.tier,
                  failed=[c.name for c in checks if not c.passed])
    return entry


def _scope(session: Session, campaign: Campaign) -> rules.ProductScope:
    ids = {int(i) for i in campaign.product_ids}
    if campaign.product_scope == "category":
        ids = catalog.categories_under(session, ids)
    return rules.ProductScope(campaign.product_scope, frozenset(ids), campaign.store_id)  # type: ignore[arg-type]


def _price_history(session: Session, sku_ids: list[int], since: datetime) -> dict[int, list[rules.PricePoint]]:
    """Each SKU's price changes after `since`, plus the last one at or before it (the price in effect then)."""
    history: dict[int, list[rules.PricePoint]] = {s: [] for s in sku_ids}
    for row in catalog.prices_since(session, sku_ids, since):
        history[row.sku_id].append(rules.PricePoint(row.at, row.old_minor, row.new_minor))
    return history


def list_entries(session: Session, actor: Principal, campaign_id: int, limit: int, before_id: int | None) -> list[CampaignEntry]:
    """Newest first. Staff see their own store's entries only, also in a platform campaign."""
    get_campaign(session, actor, campaign_id)
    query = select(CampaignEntry).where(CampaignEntry.campaign_id == campaign_id)
    if actor.role is Role.STAFF:
        query = query.where(CampaignEntry.store_id == actor.store_id)
    return list(session.scalars(newest_first(query, CampaignEntry.id, limit, before_id)))


def entry_prices(session: Session, entry_ids: list[int]) -> dict[int, dict[int, int]]:
    grouped: dict[int, dict[int, int]] = {eid: {} for eid in entry_ids}
    rows = session.scalars(select(CampaignEntrySku).where(CampaignEntrySku.entry_id.in_(entry_ids)).order_by(CampaignEntrySku.sku_id))
    for row in rows:
        grouped[row.entry_id][row.sku_id] = row.price_minor
    return grouped


# --- what pricing sees ----------------------------------------------------------------------------


def live_campaign_promotions(session: Session, store_id: int, now: datetime) -> list[terms.Promotion]:
    """Accepted entries of this store in campaigns (the store's or the platform's) whose main phase runs now."""
    query = (select(CampaignEntry, Campaign, CampaignPhase)
             .join(Campaign, Campaign.id == CampaignEntry.campaign_id)
             .join(CampaignPhase, and_(CampaignPhase.campaign_id == Campaign.id, CampaignPhase.name == "main"))
             .where(CampaignEntry.store_id == store_id, CampaignEntry.status == EntryStatus.ACCEPTED.value,
                    or_(Campaign.store_id.is_(None), Campaign.store_id == store_id), Campaign.cancelled_at.is_(None),
                    CampaignPhase.starts_at <= now, CampaignPhase.ends_at > now)
             .order_by(CampaignEntry.id))
    found = session.execute(query).all()
    prices = entry_prices(session, [entry.id for entry, _, _ in found])
    promotions = []
    for entry, campaign, main in found:
        campaign_terms = rules.CampaignTerms(
            id=campaign.id, theme=campaign.theme, stacking=campaign.stacking,  # type: ignore[arg-type]
            audience=rules.audience(campaign.audience, campaign.min_member_level),  # type: ignore[arg-type]
            earns_points=campaign.earns_points, per_account_limit=campaign.per_account_limit,
            main=rules.Phase("main", main.starts_at, main.ends_at))
        promotions.append(rules.entry_promotion(campaign_terms, entry.id, store_id, prices[entry.id]))
    return promotions



# --- what orders see ------------------------------------------------------------------------------


def ship_within_hours(session: Session, entry_ids: list[int], at: datetime) -> list[int]:
    """The `ship_within_hours` of the campaigns, live at `at` (inside their window, not cancelled), whose accepted
    entries these are; campaigns without one are left out (the rulebook's time applies to them)."""
    if not entry_ids:
        return []
    query = (select(Campaign.ship_within_hours).join(CampaignEntry, CampaignEntry.campaign_id == Campaign.id)
             .where(CampaignEntry.id.in_(entry_ids), CampaignEntry.status == EntryStatus.ACCEPTED.value,
                    Campaign.cancelled_at.is_(None), Campaign.starts_at <= at, Campaign.ends_at > at,
                    Campaign.ship_within_hours.is_not(None)))
    return sorted(int(hours) for hours in session.scalars(query) if hours is not None)
