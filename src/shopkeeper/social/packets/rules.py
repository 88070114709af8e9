"""Platform red packets (跨店铺红包, 看广告抢红包; RULES.md §3.6.2): pure rules over plain facts. No database, no
clock: `now` is an argument.

The money shape. A grabbed packet is the buyer's platform credit: the platform's fund owes it to the buyer
(`packet_fund` → `buyer_credit`). At checkout the credit is a platform-funded reduction priced by the promotions
engine across the participating stores' lines (largest remainder, so a line's refund is exact); the order's total is
what the buyer still pays, and the order records the reduction as platform-funded, so the store is paid it from the
platform's subsidy when the order completes and is never out of pocket (`buyer_credit` → `order_funding` at checkout,
→ `store_settled` at completion). An order closed with everything given back (unpaid, cancelled, refunded in full)
returns its packets' part to the buyer's credit, or to the fund when the packet expired meanwhile. Expiry, a
durable timer, returns what is left to the fund. Every transfer has two entries summing to zero.

§16: the sources give no numbers for platform red packets. Our choices, each a program's term set by the operator
within the bounds below: the pool split like a store's (the default rulebook's `[rewards]` bounds), a per-person
and a per-day cap, the packet's validity in days, the ad's minimum watch time and how long a view may be used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from shopkeeper.errors import Conflict, InvalidInput
from shopkeeper.promotions.engine.benefits import Reduction, Tier
from shopkeeper.promotions.engine.terms import Promotion, Scope
from shopkeeper.rulebooks import RewardRules

Mode = Literal["grab", "ad"]  # 抢红包 | 看广告抢红包
PACKET_FUND, BUYER_CREDIT, ORDER_FUNDING, STORE_SETTLED = "packet_fund", "buyer_credit", "order_funding", "store_settled"
ACCOUNTS = (PACKET_FUND, BUYER_CREDIT, ORDER_FUNDING, STORE_SETTLED)
KIND = "platform_red_packet"
TAGS = frozenset({"platform_red_packet"})

# Bounds on the operator's terms (§16, our choice): an ad of 5 s to 5 min, a view usable for 1 min to a day, a
# packet valid for 1 to 90 days (Taobao's own red packets run for days to weeks), caps of 1 to 1,000.
MIN_WATCH_SECONDS, MAX_WATCH_SECONDS = 5, 300
MIN_VIEW_MINUTES, MAX_VIEW_MINUTES = 1, 1440
MIN_VALID_DAYS, MAX_VALID_DAYS = 1, 90
MAX_CAP = 1000


class PacketUnavailable(Conflict):
    code = "packet-unavailable"
    title = "The red-packet program gives no packet now"


class PacketsGone(Conflict):
    code = "packets-gone"
    title = "Every red packet of the program has been grabbed"


class PacketLimitReached(Conflict):
    code = "packet-limit-reached"
    title = "The buyer has grabbed every packet allowed"


class AdViewRefused(Conflict):
    code = "ad-view-refused"
    title = "The ad view does not allow a grab"


@dataclass(frozen=True)
class ProgramTerms:
    mode: Mode
    total_minor: int
    packets: int
    min_minor: int
    valid_days: int
    per_person_limit: int | None = None
    per_day_limit: int | None = None
    min_watch_seconds: int | None = None  # 看广告: the least an ad is watched before the grab
    view_valid_minutes: int | None = None  # 看广告: how long after the ad started its view may be used
    min_spend_minor: int = 0  # 使用门槛: the participating goods a checkout must reach for the packets to apply


def check_terms(terms: ProgramTerms, book: RewardRules) -> None:
    """The operator's terms, within the platform's bounds (the default rulebook's for the split, ours for the rest)."""
    if terms.packets > book.max_red_packets:
        raise InvalidInput(f"a red-packet pool splits into at most {book.max_red_packets} packets")
    if terms.min_minor < book.min_red_packet_minor:
        raise InvalidInput(f"a red packet holds at least {book.min_red_packet_minor} minor unit(s)")
    if terms.total_minor < terms.packets * terms.min_minor:
        raise InvalidInput(f"{terms.packets} packets of at least {terms.min_minor} need {terms.packets * terms.min_minor}, "
                           f"more than the pool's {terms.total_minor}")
    if not MIN_VALID_DAYS <= terms.valid_days <= MAX_VALID_DAYS:
        raise InvalidInput(f"a platform red packet is valid for {MIN_VALID_DAYS} to {MAX_VALID_DAYS} days")
    for cap in (terms.per_person_limit, terms.per_day_limit):
        if cap is not None and not 1 <= cap <= MAX_CAP:
            raise InvalidInput(f"a per-person or per-day cap is from 1 to {MAX_CAP}")
    if terms.per_person_limit is not None and terms.per_day_limit is not None and terms.per_day_limit > terms.per_person_limit:
        raise InvalidInput("the per-day cap is no more than the per-person cap")
    if terms.mode == "ad":
        if terms.min_watch_seconds is None or not MIN_WATCH_SECONDS <= terms.min_watch_seconds <= MAX_WATCH_SECONDS:
            raise InvalidInput(f"an ad is watched {MIN_WATCH_SECONDS} to {MAX_WATCH_SECONDS} seconds before a grab")
        if terms.view_valid_minutes is None or not MIN_VIEW_MINUTES <= terms.view_valid_minutes <= MAX_VIEW_MINUTES:
            raise InvalidInput(f"an ad view is usable {MIN_VIEW_MINUTES} to {MAX_VIEW_MINUTES} minutes after it starts")
        if terms.min_watch_seconds > terms.view_valid_minutes * 60:
            raise InvalidInput("an ad view stays usable at least as long as the ad is watched")
    elif terms.min_watch_seconds is not None or terms.view_valid_minutes is not None:
        raise InvalidInput("only an ad program (mode ad) has a watch time")
    if terms.min_spend_minor < 0:
        raise InvalidInput("the spend threshold is not negative")


def is_live(status: str, starts_at: datetime, ends_at: datetime | None, now: datetime) -> bool:
    return status == "active" and starts_at <= now and (ends_at is None or now < ends_at)


def grab_day(now: datetime, timezone: str) -> str:
    """The day a grab counts for, on the platform's clock: the per-day cap restarts at its midnight."""
    return now.astimezone(ZoneInfo(timezone)).date().isoformat()


def expires_at(grabbed_at: datetime, valid_days: int) -> datetime:
    return grabbed_at + timedelta(days=valid_days)


def check_view(started_at: datetime, used_at: datetime | None, now: datetime, min_watch_seconds: int,
               view_valid_minutes: int) -> None:
    """A grab needs an ad view watched long enough, not yet used, and not stale."""
    if used_at is not None:
        raise AdViewRefused("this ad view was used for a grab already")
    if now < started_at + timedelta(seconds=min_watch_seconds):
        raise AdViewRefused(f"watch the ad for at least {min_watch_seconds} seconds before grabbing")
    if now >= started_at + timedelta(minutes=view_valid_minutes):
        raise AdViewRefused("this ad view is too old; watch the ad again")


def take_from(balances: list[tuple[int, int]], amount: int) -> list[tuple[int, int]]:
    """Spend `amount` out of (packet, left) balances in the order given (soonest to expire first): what to take from
    each. The caller gives only what it may spend; more than they hold is an error in the caller."""
    taken: list[tuple[int, int]] = []
    rest = amount
    for packet_id, left in balances:
        if rest == 0:
            break
        take = min(left, rest)
        if take > 0:
            taken.append((packet_id, take))
            rest -= take
    if rest:
        raise ValueError(f"{amount} is more than the packets hold")
    return taken


def returns_to(packet_expires_at: datetime, now: datetime) -> str:
    """Where a closed order's packet part goes back: the buyer's credit, or the fund once the packet expired."""
    return BUYER_CREDIT if now < packet_expires_at else PACKET_FUND


def checkout_promotion(program_id: int, name: str, credit_minor: int, min_spend_minor: int,
                       excluded_sku_ids: frozenset[int]) -> Promotion:
    """The buyer's credit of one program as the pricing engine sees it at checkout: a platform-funded reduction on
    every participating store's lines (the others' SKUs excluded), after every other promotion (the engine runs a
    platform-funded order benefit last). The engine never takes off more than the lines cost."""
    return Promotion(id=program_id, name=name, benefit=Reduction(tiers=(Tier(threshold=min_spend_minor, amount_off=credit_minor),)),
                     scope=Scope("platform", None, exclude_sku_ids=excluded_sku_ids), kind=KIND, funder="platform",
                     tags=TAGS)
