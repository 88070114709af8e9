"""Reward programs: pure rules over plain facts. No database, no clock: `now` and seeds are arguments.

What a grant gives (`Reward`), how a red-packet pool splits (`split_packets`: random, each at least the minimum,
summing exactly), how a seeded lottery draw lands (`draw`: reproducible from the recorded seed), which day a
check-in counts for (the store's time zone), how much cash back an order earns, whether an order is a free one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from shopkeeper.errors import Conflict, InvalidInput
from shopkeeper.rulebooks import RewardRules

RewardType = Literal["coupon", "points", "credit"]
PPM = 1_000_000  # lottery odds are parts per million; what the prizes leave is "no prize"


class RewardUnavailable(Conflict):
    code = "reward-unavailable"
    title = "The reward program grants nothing now"


class RewardBudgetSpent(Conflict):
    code = "reward-budget-spent"
    title = "The reward program's budget is spent"


class RewardLimitReached(Conflict):
    code = "reward-limit-reached"
    title = "The buyer has every reward this program gives one person"


class AlreadyRewarded(Conflict):
    code = "already-rewarded"
    title = "This action was rewarded already"


@dataclass(frozen=True)
class Reward:
    """What one grant gives: a coupon from a template, points, or a ledger credit (money paid back to the buyer)."""

    type: RewardType
    template_id: int | None = None
    points: int = 0
    amount_minor: int = 0

    @property
    def money(self) -> int:
        """What the grant takes of a money budget: credits only (a coupon's worth is counted when it is used)."""
        return self.amount_minor if self.type == "credit" else 0

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "template_id": self.template_id, "points": self.points, "amount_minor": self.amount_minor}


def reward_of(raw: dict[str, Any]) -> Reward:
    """A stored or requested reward, checked: a coupon names its template, points and credits are positive."""
    kind = raw.get("type")
    if kind == "coupon" and isinstance(raw.get("template_id"), int):
        return Reward("coupon", template_id=raw["template_id"])
    if kind == "points" and isinstance(raw.get("points"), int) and raw["points"] > 0:
        return Reward("points", points=raw["points"])
    if kind == "credit" and isinstance(raw.get("amount_minor"), int) and raw["amount_minor"] > 0:
        return Reward("credit", amount_minor=raw["amount_minor"])
    raise InvalidInput("a reward is a coupon (template_id), points (points > 0) or a credit (amount > 0)")


def check_budget(budget_count: int | None, budget_minor: int | None, per_person_limit: int | None) -> None:
    if budget_count is not None and budget_count < 1:
        raise InvalidInput("a count budget is at least 1")
    if budget_minor is not None and budget_minor < 1:
        raise InvalidInput("a money budget is above zero")
    if per_person_limit is not None and per_person_limit < 1:
        raise InvalidInput("the per-person limit is at least 1")


def is_live(status: str, starts_at: datetime, ends_at: datetime | None, now: datetime) -> bool:
    return status == "active" and starts_at <= now and (ends_at is None or now < ends_at)


def check_in_day(now: datetime, timezone: str) -> date:
    """签到: a buyer checks in once per calendar day of the store (the platform: Asia/Shanghai)."""
    return now.astimezone(ZoneInfo(timezone)).date()


# --- red packets (红包) ----------------------------------------------------------------------------

def check_pool(packets: int, min_minor: int, book: RewardRules) -> None:
    """A store's pool within its rulebook: at most `max_red_packets` packets of at least `min_red_packet_minor`."""
    if packets > book.max_red_packets:
        raise InvalidInput(f"a red-packet pool has at most {book.max_red_packets} packets on this platform, not {packets}")
    if min_minor < book.min_red_packet_minor:
        raise InvalidInput(f"a red packet holds at least {book.min_red_packet_minor} minor units on this platform")


def split_packets(total: int, count: int, minimum: int, rng: random.Random) -> list[int]:
    """Split `total` minor units into `count` packets, each at least `minimum`, summing exactly to `total`.

    Each packet gets the minimum; the rest is cut at `count - 1` random points (uniform over the compositions), so
    no packet's share depends on its place in line."""
    if count < 1 or minimum < 1:
        raise InvalidInput("a red-packet pool has at least one packet of at least the minimum")
    spare = total - count * minimum
    if spare < 0:
        raise InvalidInput(f"{count} packets of at least {minimum} need {count * minimum}, more than the pool's {total}")
    cuts = sorted(rng.randint(0, spare) for _ in range(count - 1))
    edges = [0, *cuts, spare]
    return [minimum + edges[i + 1] - edges[i] for i in range(count)]


# --- lotteries (满就抽奖) ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Odds:
    prize_id: int
    odds_ppm: int


def check_odds(odds: list[int]) -> None:
    if not odds or any(o < 0 for o in odds) or sum(odds) > PPM:
        raise InvalidInput(f"a lottery has prizes whose odds (parts per million) are not negative and sum to at most {PPM}")


def draw(seed: str, odds: list[Odds]) -> tuple[int, int | None]:
    """The roll (0 to 999,999) `random.Random(seed)` gives, and the prize it lands on (None: no prize).

    The same seed and odds give the same result: the draw's record (`GET /rewards/draws/{id}`) lets anyone
    replay it."""
    roll = random.Random(seed).randrange(PPM)
    edge = 0
    for o in odds:
        edge += o.odds_ppm
        if roll < edge:
            return roll, o.prize_id
    return roll, None


# --- order-triggered kinds -------------------------------------------------------------------------

def cash_back(total_minor: int, percent_bp: int, cap_minor: int | None) -> int:
    """返现: basis points of what the buyer paid, rounded down, at most the cap."""
    amount = total_minor * percent_bp // 10_000
    return min(amount, cap_minor) if cap_minor is not None else amount


def free_order_hour(paid_at: datetime, timezone: str, minutes: int, hours: list[int]) -> bool:
    """整点免单: paid within the first `minutes` of one of the store's listed hours (local time)."""
    local = paid_at.astimezone(ZoneInfo(timezone))
    return local.hour in hours and local.minute < minutes


def free_order_amount(total_minor: int, cap_minor: int) -> int:
    """免单: what the buyer paid comes back, up to the program's cap."""
    return min(total_minor, cap_minor)


# --- free trials (免费试用) --------------------------------------------------------------------------

def trial_winners(rolls: dict[int, int], units: int) -> list[int]:
    """免费试用: the buyers (keys) whose rolls (values, each from its recorded seed, as a lottery draw's) are the
    `units` lowest win; a tie goes to the lower buyer id. Anyone holding the draws can replay the choice."""
    return [buyer for _, buyer in sorted((roll, buyer) for buyer, roll in rolls.items())][:units]
