"""Community group buying (社区团购, RULES.md §4.1) as pure rules: a store's settings within the rulebook's bounds,
who may lead a pickup point, the wave a paid order gathers in, the pick lists, the pickup code, the leader's
commission. No database, no clock: `now` is an argument.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from shopkeeper.errors import Conflict, InvalidInput, NotFound
from shopkeeper.money import round_half_up
from shopkeeper.rulebooks import CommunityRules

Outcome = Literal["refund", "return"]
OUTCOMES: tuple[Outcome, ...] = ("refund", "return")
CUTOFF = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class CommunityClosed(Conflict):
    code = "community-closed"
    title = "The store runs no community group buying"


class LeaderNotActive(Conflict):
    code = "leader-not-active"
    title = "The leader or their pickup point takes no orders now"


class PointHasLeader(Conflict):
    code = "pickup-point-has-leader"
    title = "The pickup point has a leader already"


class AlreadyLeader(Conflict):
    code = "already-leader"
    title = "The buyer leads a pickup point of this store already"


class PickupCodeUnknown(NotFound):
    code = "pickup-code-unknown"
    title = "No order waits at this pickup point with that code"


class AlreadyCollected(Conflict):
    code = "already-collected"
    title = "The order was collected already"


# --- a store's settings ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    enabled: bool
    cutoffs: tuple[str, ...]  # "HH:MM" on the store's clock, each day
    unpicked_days: int
    unpicked_outcome: Outcome
    leader_rate: Decimal


def check_settings(s: Settings, book: CommunityRules) -> None:
    """The rulebook's `[community]` bounds (§16: the sources give none; see the rulebook for the choice)."""
    if not s.cutoffs or len(s.cutoffs) > book.max_cutoffs_per_day:
        raise InvalidInput(f"a store sets 1 to {book.max_cutoffs_per_day} cut-offs a day on this platform, not {len(s.cutoffs)}")
    for cutoff in s.cutoffs:
        if not CUTOFF.match(cutoff):
            raise InvalidInput(f"a cut-off is a time of day as HH:MM, not {cutoff}")
    if len(set(s.cutoffs)) != len(s.cutoffs):
        raise InvalidInput("each cut-off comes once")
    if not book.min_unpicked_days <= s.unpicked_days <= book.max_unpicked_days:
        raise InvalidInput(f"a delivered order waits {book.min_unpicked_days} to {book.max_unpicked_days} days for its buyer "
                           f"on this platform, not {s.unpicked_days}")
    if s.unpicked_outcome not in OUTCOMES:
        raise InvalidInput(f"an order not collected in time is refunded or returned, not {s.unpicked_outcome}")
    if not Decimal(0) <= s.leader_rate <= book.max_leader_rate:
        raise InvalidInput(f"a leader's commission is 0 to {book.max_leader_rate} of what the order paid on this platform, "
                           f"not {s.leader_rate}")


# --- leaders ---------------------------------------------------------------------------------------

def check_appointment(point_status: str, point_led: bool, buyer_leads: bool) -> None:
    """One active leader per pickup point, one point per buyer in a store; a closed point gets none."""
    if point_status != "active":
        raise LeaderNotActive("the pickup point is closed")
    if point_led:
        raise PointHasLeader("the pickup point has an active leader already")
    if buyer_leads:
        raise AlreadyLeader("the buyer leads a pickup point of this store already")


def check_takes_orders(enabled: bool, leader_status: str, point_status: str) -> None:
    """A buyer orders through a leader's link while the store runs community buying, the leader is active and their
    point open."""
    if not enabled:
        raise CommunityClosed("the store runs no community group buying")
    if leader_status != "active" or point_status != "active":
        raise LeaderNotActive("the leader or their pickup point takes no orders now")


# --- waves -----------------------------------------------------------------------------------------

def next_cutoff(paid_at: datetime, cutoffs: Sequence[str], zone: str) -> datetime:
    """The wave a paid order gathers in: the first cut-off strictly after `paid_at` on the store's clock, in UTC.
    An order paid at the cut-off itself goes to the next wave: the cut-off closes the one before."""
    tz = ZoneInfo(zone)
    local = paid_at.astimezone(tz)
    found: list[datetime] = []
    for days in (0, 1, 2):  # two days ahead: a local day may be short (DST) but never skips a whole day
        day = local.date() + timedelta(days=days)
        for cutoff in cutoffs:
            hour, minute = (int(x) for x in cutoff.split(":"))
            at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).astimezone(timezone.utc)
            if at > paid_at:
                found.append(at)
    return min(found)


# --- pick lists ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    sku_id: int
    sku_code: str
    title: str
    quantity: int


@dataclass(frozen=True)
class WaveOrder:
    order_id: int
    leader_id: int
    lines: tuple[Line, ...]


@dataclass
class SkuTotal:
    sku_id: int
    sku_code: str
    title: str
    quantity: int


@dataclass
class LeaderPick:
    """A leader's part of a wave: the SKU totals to pack for their point, and each order's lines to hand out."""

    leader_id: int
    totals: list[SkuTotal] = field(default_factory=list)
    orders: list[WaveOrder] = field(default_factory=list)


@dataclass
class PickList:
    """商家配货: a wave's SKU totals, and per leader the same split by point; every figure sums the orders' lines."""

    totals: list[SkuTotal]
    leaders: list[LeaderPick]


def _totals(orders: Sequence[WaveOrder]) -> list[SkuTotal]:
    by_sku: dict[int, SkuTotal] = {}
    for order in orders:
        for line in order.lines:
            if line.sku_id in by_sku:
                by_sku[line.sku_id].quantity += line.quantity
            else:
                by_sku[line.sku_id] = SkuTotal(line.sku_id, line.sku_code, line.title, line.quantity)
    return sorted(by_sku.values(), key=lambda t: (t.sku_code, t.sku_id))


def pick_list(orders: Sequence[WaveOrder]) -> PickList:
    """The wave's totals and each leader's, both sums of the same order lines, so the leaders' lists add up to the
    wave's exactly."""
    per_leader: dict[int, list[WaveOrder]] = {}
    for order in sorted(orders, key=lambda o: o.order_id):
        per_leader.setdefault(order.leader_id, []).append(order)
    leaders = [LeaderPick(leader_id, _totals(mine), mine) for leader_id, mine in sorted(per_leader.items())]
    return PickList(_totals(orders), leaders)


# --- pickup and commission -------------------------------------------------------------------------

def check_pickup(status: str | None) -> None:
    """The code names an order at this point (`status` None: it does not) that waits for its buyer."""
    if status is None:
        raise PickupCodeUnknown("no order waits at this pickup point with that code")
    if status == "collected":
        raise AlreadyCollected("the order with that code was collected already")
    if status != "delivered":
        raise PickupCodeUnknown("no order waits at this pickup point with that code")


def leader_commission(lines: Sequence[tuple[int, int]], rate: Decimal) -> dict[int, int]:
    """Per order line (id, what it paid): the leader's commission, `rate` of it rounded half-up to the minor unit.
    One level, on a sale at their own point only (RULES.md §17.2: a direct sales commission)."""
    return {line_id: round_half_up(Decimal(paid) * rate) for line_id, paid in lines}
