"""The replenishment read (采购建议, RULES.md §5.1): every SKU of a store with the formula's inputs and its suggestion,
and drafting purchase orders from the suggestions a manager picks.

Where the inputs come from (our choices, `rules.py` states the formula):
- Sales are units on the store's order lines *paid* in the window, by the day they were paid on the store's clock:
  a paid order is demand that happened; an unpaid one closed by its timer never was, and a `consume` movement (the
  shipment) comes days after the demand, and never for an order refunded before shipping.
- The window is the `window_days` whole days before today on the store's clock (default 14); today, half over, is
  left out. The last day (the surge test's) is yesterday.
- On hand is the units available for sale: units reserved for orders are spoken for. In transit is what placed
  purchase orders have open.
- A day had stock when the SKU had units on sale at its start or at any moment of it, walked back from today's
  level through the stock movements; a day with neither sales nor stock is a stock-out day, not a day of no demand.
- During a campaign, the stock at its start is the units on sale then, and the sales since are units paid since,
  today included. The campaign is the caller's (`campaign_start`), else, unless the caller turns it off
  (`campaign="none"`), the store's: the first campaign it has an accepted entry in whose official phase runs now or
  opens within `rules.CAMPAIGN_LOOKAHEAD_DAYS` (read through the campaigns domain), counted from
  `rules.counted_from`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from shopkeeper.auth import Principal
from shopkeeper.catalog import service as catalog
from shopkeeper.errors import InvalidInput
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import figures
from shopkeeper.promotions.campaigns import listings
from shopkeeper.purchasing import rules, service
from shopkeeper.purchasing.models import PurchaseOrder
from shopkeeper.scope import require_store_manager

Show = Literal["all", "due"]
CampaignMode = Literal["auto", "none"]


@dataclass(frozen=True)
class CampaignInForce:
    """The campaign that turned the §3.3 trigger on: a signed-up one (id, theme, official start), or the caller's
    start (no id, no name). `counted_from` is where the half-sold count starts."""

    id: int | None
    name: str | None
    starts_at: datetime
    counted_from: datetime


@dataclass(frozen=True)
class Request:
    window_days: int = rules.DEFAULT_WINDOW_DAYS
    campaign_start: datetime | None = None
    surge_factor: Decimal = rules.DEFAULT_SURGE_FACTOR
    show: Show = "all"
    supplier_id: int | None = None
    flag: rules.Flag | None = None
    search: str = ""
    campaign: CampaignMode = "auto"


@dataclass(frozen=True)
class Row:
    sku_id: int
    sku_code: str
    title: str
    supplier_id: int | None
    supplier_name: str | None
    currency: str | None
    unit_cost_minor: int | None
    reserved: int
    terms: rules.Terms
    suggestion: rules.Suggestion
    campaign: CampaignInForce | None = None

    @property
    def amount_minor(self) -> int | None:
        return None if self.unit_cost_minor is None else self.unit_cost_minor * self.suggestion.quantity


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(ZoneInfo("UTC"))


def suggestions(session: Session, now: datetime, actor: Principal, store_id: int, request: Request,
                on_each: Callable[[int], None] | None = None) -> list[Row]:
    """Every SKU of the store with what the formula saw and suggests, in SKU code order, filtered as asked.
    `on_each` hears the SKU count first, then once per SKU (the CLI's progress bar)."""
    require_store_manager(actor, store_id)
    store = catalog.get_store(session, actor, store_id)
    if not 1 <= request.window_days <= 90:
        raise InvalidInput("the window is 1 to 90 days", field="window_days")
    if request.campaign_start is not None and not now - timedelta(days=90) <= request.campaign_start <= now:
        raise InvalidInput("a campaign start lies within the last 90 days", field="campaign_start")
    zone = ZoneInfo(store.timezone)
    today = now.astimezone(zone).date()
    days = [today - timedelta(days=n) for n in range(request.window_days, 0, -1)]
    start, end = _local_midnight(days[0], zone), _local_midnight(today, zone)
    skus = catalog.skus_in_store(session, store_id)
    sku_ids = [sku.id for sku, _ in skus]
    if not sku_ids:
        return []
    in_force = campaign_in_force(session, now, store_id, request)
    campaign_start = None if in_force is None else in_force.counted_from
    since = min(start, campaign_start or start)
    sold: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    sold_since_campaign: dict[int, int] = defaultdict(int)
    for sku_id, paid_at, quantity in figures.units_paid(session, store_id, since, now):
        if paid_at < end and paid_at >= start:
            sold[sku_id][paid_at.astimezone(zone).date()] += quantity
        if campaign_start is not None and paid_at >= campaign_start:
            sold_since_campaign[sku_id] += quantity
    available: dict[int, int] = defaultdict(int)
    reserved: dict[int, int] = defaultdict(int)
    for level in inventory.levels(session, sku_ids):
        available[level.sku_id] += level.available
        reserved[level.sku_id] += level.reserved
    changes: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for sku_id, at, delta in inventory.on_sale_changes(session, sku_ids, since):
        changes[sku_id].append((at, delta))
    transit = service.in_transit(session, store_id)
    supplies = service.supplies_of(session, store_id)
    rows = []
    if on_each is not None:
        on_each(len(skus))
    for sku, product in skus:
        supply, supplier = supplies.get(sku.id, (None, None))
        terms = _terms(supply, supplier)
        history = _days_with_stock(days, zone, available[sku.id], changes[sku.id], start)
        campaign = None
        if campaign_start is not None:
            at_start = available[sku.id] - sum(d for at, d in changes[sku.id] if at >= campaign_start)
            campaign = rules.Campaign(max(at_start, 0), sold_since_campaign[sku.id], request.surge_factor)
        window = [rules.Day(d, sold[sku.id].get(d, 0), shelf) for d, shelf in zip(days, history)]
        suggestion = rules.suggest(rules.Position(available[sku.id], transit.get(sku.id, 0), window, campaign), terms)
        rows.append(Row(sku.id, sku.code, product.title, supplier.id if supplier else None,
                        supplier.name if supplier else None, supplier.currency if supplier else None,
                        supply.unit_cost_minor if supply else None, reserved[sku.id], terms, suggestion, in_force))
        if on_each is not None:
            on_each(0)
    return [row for row in rows if _shown(row, request)]


def campaign_in_force(session: Session, now: datetime, store_id: int, request: Request) -> CampaignInForce | None:
    """The caller's campaign start wins; else the store's signed-up campaign running now or soon, unless turned off."""
    if request.campaign_start is not None:
        return CampaignInForce(None, None, request.campaign_start, request.campaign_start)
    if request.campaign == "none":
        return None
    found = listings.signed_up_campaigns(session, store_id, now, rules.CAMPAIGN_LOOKAHEAD_DAYS)
    if not found:
        return None
    first = found[0]
    warm_up = next((p.starts_at for p in first.phases if p.name == "warm_up"), None)
    return CampaignInForce(first.id, first.theme, first.main.starts_at,
                           rules.counted_from(warm_up, first.main.starts_at, now))


def _terms(supply: object, supplier: object) -> rules.Terms:
    def pick(name: str, default: int) -> int:
        for source in (supply, supplier):
            value = getattr(source, name, None) if source is not None else None
            if value is not None:
                return int(value)
        return default

    return rules.Terms(lead_days=pick("lead_days", rules.DEFAULT_LEAD_DAYS),
                       safety_days=pick("safety_days", rules.DEFAULT_SAFETY_DAYS),
                       review_days=pick("review_days", rules.DEFAULT_REVIEW_DAYS),
                       pack_size=pick("pack_size", 1), moq=pick("moq", 1))


def _days_with_stock(days: Sequence[date], zone: ZoneInfo, available_now: int, changes: Sequence[tuple[datetime, int]],
                     start: datetime) -> list[bool]:
    """Whether each day had units on sale at some moment: the level at the window's start is today's less every
    change since, then the day's changes are replayed in order."""
    level = available_now - sum(delta for _, delta in changes)
    pending = sorted((at, delta) for at, delta in changes)
    history = []
    index = 0
    for day in days:
        day_end = _local_midnight(day + timedelta(days=1), zone)
        seen = level > 0
        while index < len(pending) and pending[index][0] < day_end:
            level += pending[index][1]
            seen = seen or level > 0
            index += 1
        history.append(seen)
    return history


def _shown(row: Row, request: Request) -> bool:
    s = row.suggestion
    if request.show == "due" and not s.due:
        return False
    if request.supplier_id is not None and row.supplier_id != request.supplier_id:
        return False
    if request.flag is not None and request.flag not in s.flags:
        return False
    needle = request.search.strip().casefold()
    return not needle or needle in row.sku_code.casefold() or needle in row.title.casefold()


def draft_from_suggestions(session: Session, now: datetime, actor: Principal, store_id: int, sku_ids: Sequence[int],
                           warehouse_id: int, request: Request | None = None) -> list[PurchaseOrder]:
    """One draft purchase order per supplier for the chosen SKUs, each line the suggested quantity at the SKU's cost.
    A chosen SKU with no supplier, or with nothing suggested, is refused: the draft would not say what to buy."""
    if not sku_ids:
        raise InvalidInput("choose at least one SKU", field="sku_ids")
    rows = {row.sku_id: row for row in suggestions(session, now, actor, store_id, request or Request())}
    by_supplier: dict[int, list[service.LineSpec]] = defaultdict(list)
    for sku_id in dict.fromkeys(sku_ids):
        row = rows.get(sku_id)
        if row is None:
            raise InvalidInput(f"SKU {sku_id} is not sold by store {store_id}", field="sku_ids")
        if row.supplier_id is None:
            raise InvalidInput(f"SKU {row.sku_code} has no supplier", field="sku_ids")
        if row.suggestion.quantity == 0:
            raise InvalidInput(f"nothing is suggested for SKU {row.sku_code}", field="sku_ids")
        by_supplier[row.supplier_id].append(service.LineSpec(sku_id, row.suggestion.quantity, row.unit_cost_minor))
    return [service.draft_order(session, now, actor, store_id, supplier_id, warehouse_id, lines,
                                note="from replenishment suggestions")
            for supplier_id, lines in sorted(by_supplier.items())]
