"""Campaign rules: time and phases, the threshold price, and the sign-up (报名) checks.

Pure functions over plain values: no database, no clock. Each sign-up check returns a
`CheckResult` with its numbers, so a merchant sees every reason at once (RULES.md §3.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Iterable, Literal, Mapping, Sequence
from zoneinfo import ZoneInfo

from shopkeeper.errors import InvalidInput
from shopkeeper.promotions.engine.benefits import UnitPrice
from shopkeeper.promotions.engine.terms import Audience, Promotion, Scope, Stacking

# RULES.md §3.1 #3: a campaign has an end and "must not run indefinitely or become the norm".
# The sources give no number; 90 days is our cap: it holds AliExpress Double 11 from its
# momentum phase to its review (Oct 1 – Nov 20, 51 days, §3.3) with room to spare.
MAX_CAMPAIGN_DAYS = 90

Goal = Literal["acquisition", "retention", "conversion", "average_order_value", "brand_awareness"]
GOALS: tuple[Goal, ...] = ("acquisition", "retention", "conversion", "average_order_value", "brand_awareness")

# RULES.md §3.3 (AliExpress Double 11) and §3.1 #9: 造势/征集 → 预热 → 正式/活动期 → 复盘.
PhaseName = Literal["build_up", "warm_up", "main", "review"]
PHASES: tuple[PhaseName, ...] = ("build_up", "warm_up", "main", "review")

AudienceKind = Literal["all_members", "min_level", "new_customers"]
ProductScopeLevel = Literal["store", "category", "sku"]
BasisKind = Literal["last_n_days", "calendar_year"]
StockCheckMode = Literal["lowest_price_sku", "product"]

# RULES.md §3.4: product tiers (产品分级) and the activities each enters.
Tier = Literal["main_hit", "activity_item", "volume_item", "clearance_item"]
TIER_ENTERS: Mapping[str, tuple[str, ...]] = {
    "main_hit": ("premium_slots", "brand_flash_sale", "main_push"),  # 主打爆款: 海景房, 品牌闪购, 主推活动
    "activity_item": ("flash_deals", "group_buy"),  # 活动单品: FLASH DEALS, 俄团
    "volume_item": ("secondary_push", "store_item_discount"),  # 冲量单品: 次推, 店铺单品折扣
    "clearance_item": ("store_item_discount",),  # 清仓单品: 店铺单品折扣 only
}

CheckName = Literal["product_scope", "product_listed", "threshold_price", "stock", "registration_window", "one_entry"]


# --- time and phases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    name: PhaseName
    starts_at: datetime
    ends_at: datetime

    def contains(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at


def campaign_phases(starts_at: datetime, ends_at: datetime, phases: Sequence[Phase], now: datetime) -> tuple[Phase, ...]:
    """The campaign's phases in order, after checking its window (RULES.md §3.1 #3, #9; §3.3).

    The window runs from the first announcement to the end of the review, so every phase
    lies inside it (touching its edges is fine). Phases follow the fixed order build_up →
    warm_up → main → review, each at most once, none overlapping (gaps are allowed).
    A main phase is required; with no phases at all the whole window is the main phase.
    """
    if ends_at <= starts_at:
        raise InvalidInput("a campaign must end after it starts")
    if ends_at - starts_at > timedelta(days=MAX_CAMPAIGN_DAYS):
        raise InvalidInput(f"a campaign may run at most {MAX_CAMPAIGN_DAYS} days; it must not run indefinitely",
                           max_days=MAX_CAMPAIGN_DAYS)
    if ends_at <= now:
        raise InvalidInput("the campaign would already be over")
    if not phases:
        return (Phase("main", starts_at, ends_at),)
    names = [p.name for p in phases]
    if len(set(names)) != len(names):
        raise InvalidInput("each phase may appear once")
    if "main" not in names:
        raise InvalidInput("a campaign with phases needs a main phase (正式期), when the activity prices apply")
    ordered = sorted(phases, key=lambda p: PHASES.index(p.name))
    for phase in ordered:
        if phase.ends_at <= phase.starts_at:
            raise InvalidInput(f"phase {phase.name} must end after it starts")
        if phase.starts_at < starts_at or phase.ends_at > ends_at:
            raise InvalidInput(f"phase {phase.name} must lie inside the campaign's start and end")
    for earlier, later in zip(ordered, ordered[1:]):
        if later.starts_at < earlier.ends_at:
            raise InvalidInput(f"phase {later.name} must start after {earlier.name} ends (order: {', '.join(PHASES)})")
    return tuple(ordered)


def main_phase(phases: Iterable[Phase]) -> Phase:
    return next(p for p in phases if p.name == "main")


def campaign_status(starts_at: datetime, ends_at: datetime, phases: Sequence[Phase], cancelled: bool, now: datetime) -> str:
    """`cancelled`, `upcoming`, the name of the phase running now, `between_phases`, or `ended`."""
    if cancelled:
        return "cancelled"
    if now < starts_at:
        return "upcoming"
    if now >= ends_at:
        return "ended"
    current = next((p for p in phases if p.contains(now)), None)
    return current.name if current else "between_phases"


# --- the threshold price (报名门槛价) ---------------------------------------------------------------


@dataclass(frozen=True)
class PricePoint:
    """One price change of a SKU: `old_minor` None for the first price it had."""

    at: datetime
    old_minor: int | None
    new_minor: int


def basis_since(basis: BasisKind, days: int | None, now: datetime, zone: str) -> datetime:
    """Where the basis period starts; it ends at `now`, the moment of sign-up.

    calendar_year is AliExpress's "lowest base price since the start of the calendar year"
    (RULES.md §3.2), the year starting at midnight on 1 January on the store's clock.
    """
    if basis == "calendar_year":
        local = now.astimezone(ZoneInfo(zone))
        return datetime(local.year, 1, 1, tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)
    if days is None or days < 1:
        raise InvalidInput("basis last_n_days needs basis_days of 1 or more")
    return now - timedelta(days=days)


def lowest_price(history: Sequence[PricePoint], current: int, since: datetime) -> int:
    """The lowest price a SKU had at any moment from `since` until now.

    That is the price in effect at `since` (the last change at or before it, or else what the
    first later change replaced), every price set after it, and the current price.
    """
    points = sorted(history, key=lambda p: p.at)
    prices = [current]
    before = [p for p in points if p.at <= since]
    after = [p for p in points if p.at > since]
    if before:
        prices.append(before[-1].new_minor)
    elif after and after[0].old_minor is not None:
        prices.append(after[0].old_minor)
    prices.extend(p.new_minor for p in after)
    return min(prices)


def threshold_price(basis: int, discount: Decimal) -> int:
    """Basis × (1 − discount), rounded down to the minor unit: an activity price at or below it qualifies.

    Rounded down, not half-up, so a price that qualifies is always at least the full discount below
    the basis.
    """
    return int((Decimal(basis) * (1 - discount)).to_integral_value(rounding=ROUND_FLOOR))


# --- sign-up checks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome. `money` is in minor units of the entry's currency; `facts` holds the other numbers."""

    name: CheckName
    passed: bool
    detail: str
    sku_id: int | None = None
    money: Mapping[str, int] = field(default_factory=dict)
    facts: Mapping[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "detail": self.detail, "sku_id": self.sku_id,
                "money": dict(self.money), "facts": dict(self.facts)}


@dataclass(frozen=True)
class ProductScope:
    """Which products a campaign takes. `store_id` None (a platform campaign) takes any store's.

    For `category`, `ids` must already include every sub-category of the chosen ones.
    """

    level: ProductScopeLevel
    ids: frozenset[int]
    store_id: int | None


def check_scope(scope: ProductScope, store_id: int, category_id: int | None, sku_ids: Sequence[int]) -> CheckResult:
    """RULES.md §3.1 #5: whole store (全场), specified categories (指定类目) or specified SKUs (指定SKU)."""
    if scope.store_id is not None and store_id != scope.store_id:
        return CheckResult("product_scope", False, f"the product belongs to store {store_id}, the campaign to store {scope.store_id}",
                           facts={"store_id": store_id})
    if scope.level == "category":
        inside = category_id is not None and category_id in scope.ids
        return CheckResult("product_scope", inside, "the product's category is in the campaign" if inside
                           else "the product's category is not one the campaign takes", facts={"category_id": category_id})
    if scope.level == "sku":
        outside = sorted(set(sku_ids) - scope.ids)
        return CheckResult("product_scope", not outside, "every ticked SKU is in the campaign" if not outside
                           else f"SKUs not in the campaign: {', '.join(map(str, outside))}", facts={"outside": outside})
    return CheckResult("product_scope", True, "the campaign takes the whole store")


def check_listed(status: str) -> CheckResult:
    """§3.3: main items must be "in the warehouse and listed for sale"."""
    listed = status == "active"
    return CheckResult("product_listed", listed, "the product is listed" if listed else "the product is delisted (下架)",
                       facts={"status": status})


def check_threshold(sku_id: int, price: int, basis: int, discount: Decimal, since: datetime) -> CheckResult:
    """RULES.md §3.2: the activity price must be `discount` below the basis; the threshold shown prevails."""
    threshold = threshold_price(basis, discount)
    passed = price <= threshold
    detail = ("the activity price is at or below the threshold price" if passed
              else f"the activity price must be at most the threshold price ({threshold} minor units)")
    return CheckResult("threshold_price", passed, detail, sku_id=sku_id,
                       money={"price": price, "basis": basis, "threshold": threshold},
                       facts={"discount": str(discount), "basis_since": since.isoformat()})


@dataclass(frozen=True)
class TickedSku:
    sku_id: int
    current_price: int
    available: int


def check_stock(mode: StockCheckMode, min_stock: int, ticked: Sequence[TickedSku]) -> CheckResult:
    """RULES.md §3.5 stock validation (效验).

    lowest_price_sku: the stock of the ticked SKU with the lowest current price must reach
    `min_stock`; when several share that price, any one of them reaching it is enough.
    product: the ticked SKUs' stock together must reach it.
    """
    if mode == "product":
        total = sum(t.available for t in ticked)
        passed = total >= min_stock
        return CheckResult("stock", passed, f"ticked SKUs hold {total} units together; the campaign needs {min_stock}",
                           facts={"mode": mode, "min_stock": min_stock, "counted": total,
                                  "sku_ids": [t.sku_id for t in ticked]})
    lowest = min(t.current_price for t in ticked)
    cheapest = [t for t in ticked if t.current_price == lowest]
    best = max(cheapest, key=lambda t: (t.available, -t.sku_id))
    passed = best.available >= min_stock
    return CheckResult("stock", passed, f"the lowest-priced SKU {best.sku_id} holds {best.available} units; the campaign needs {min_stock}",
                       sku_id=best.sku_id, money={"lowest_price": lowest},
                       facts={"mode": mode, "min_stock": min_stock, "counted": best.available,
                              "sku_ids": [t.sku_id for t in cheapest]})


def check_registration_window(main_starts_at: datetime, now: datetime) -> CheckResult:
    """Sign-up closes when the main phase starts: the prices must be known before they apply."""
    open_ = now < main_starts_at
    return CheckResult("registration_window", open_, "sign-up is open" if open_ else "sign-up closed when the main phase started",
                       facts={"closes_at": main_starts_at.isoformat()})


def check_one_entry(accepted_entry_id: int | None) -> CheckResult:
    if accepted_entry_id is None:
        return CheckResult("one_entry", True, "the product has no accepted entry in this campaign yet")
    return CheckResult("one_entry", False, f"the product is already in this campaign (entry {accepted_entry_id})",
                       facts={"entry_id": accepted_entry_id})


def accepted(checks: Sequence[CheckResult]) -> bool:
    return all(c.passed for c in checks)


# --- the promotion an accepted entry becomes ------------------------------------------------------


def audience(kind: AudienceKind, min_member_level: str | None) -> Audience:
    """RULES.md §3.1 #4: all registered members, members of certain levels, or new users."""
    if kind == "min_level":
        return Audience(min_member_level=min_member_level)
    if kind == "new_customers":
        return Audience(customer="new")
    return Audience()


@dataclass(frozen=True)
class CampaignTerms:
    id: int
    theme: str
    audience: Audience
    stacking: Stacking
    earns_points: bool
    per_account_limit: int | None
    main: Phase


def entry_promotion(campaign: CampaignTerms, entry_id: int, store_id: int, prices: Mapping[int, int]) -> Promotion:
    """An accepted entry during its campaign's main phase: the activity price (活动价) per SKU, funded by the store."""
    return Promotion(
        id=entry_id, name=campaign.theme, kind="campaign", benefit=UnitPrice(prices=dict(prices)),
        scope=Scope("sku", store_id, frozenset(prices)), audience=campaign.audience, stacking=campaign.stacking,
        earns_points=campaign.earns_points, tags=frozenset({"campaign", f"campaign:{campaign.id}"}),
        starts_at=campaign.main.starts_at, ends_at=campaign.main.ends_at, allowance=campaign.per_account_limit,
    )
