"""Assists (邀请助力, 分享互惠): pure rules over plain facts. No database, no clock: `now` is an argument.

The platform's numbers (how many steps, hours, helps a helper may give a store a day) are the store's rulebook's
(`Rulebook.assist`); the merchant's choices (kind, target, steps and rewards, hours, new users only, its own daily
cap, how long a granted coupon lasts) are the offer's fields.

Rewards are coupons for buying, granted to the task's opener only, one level, for no fee: nothing here pays for
recruiting or charges to join (RULES.md §4.2, §17.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from shopkeeper.errors import Conflict, InvalidInput
from shopkeeper.rulebooks import AssistRules
from shopkeeper.social.assists.moves import TaskStatus

OfferKind = Literal["boost", "share", "pool"]  # pool (拼单) is named here and refused: it is a pool offer (social.pools)
OFFERED_KINDS = ("boost", "share")
RewardKind = Literal["coupon", "price", "free_item"]


class AssistNotOpen(Conflict):
    code = "assist-not-open"
    title = "The assist task takes no more help"


class OwnAssist(Conflict):
    code = "own-assist"
    title = "A buyer cannot help their own assist task"


class AlreadyHelped(Conflict):
    code = "already-helped"
    title = "This buyer has helped this task already"


class NewUsersOnly(Conflict):
    code = "assist-new-users-only"
    title = "Only the store's new customers may help this task"


class HelperDailyCap(Conflict):
    code = "assist-daily-cap"
    title = "This helper has helped as many tasks today as allowed"


class TaskAlreadyOpen(Conflict):
    code = "assist-task-open"
    title = "The buyer has an open task on this offer already"


@dataclass(frozen=True)
class Reward:
    kind: RewardKind
    template_id: int | None = None  # coupon: the store's coupon template a coupon is issued from
    price_minor: int | None = None  # price: one unit of the offer's SKU at this price

    def encode(self) -> dict[str, Any]:
        found: dict[str, Any] = {"kind": self.kind}
        if self.template_id is not None:
            found["template_id"] = self.template_id
        if self.price_minor is not None:
            found["price_minor"] = self.price_minor
        return found


@dataclass(frozen=True)
class Step:
    helpers: int  # helpers the task needs to reach this step
    reward: Reward


def encode_steps(steps: tuple[Step, ...]) -> list[dict[str, Any]]:
    return [{"helpers": s.helpers, "reward": s.reward.encode()} for s in steps]


def decode_steps(raw: list[dict[str, Any]]) -> tuple[Step, ...]:
    return tuple(Step(int(s["helpers"]), Reward(s["reward"]["kind"], s["reward"].get("template_id"),
                                                 s["reward"].get("price_minor"))) for s in raw)


@dataclass(frozen=True)
class OfferTerms:
    kind: str
    list_price: int | None  # the SKU's own price; None: the offer is for the whole store
    steps: tuple[Step, ...]
    time_limit_hours: int
    helper_daily_cap: int


def check_offer(terms: OfferTerms, book: AssistRules) -> None:
    """Refuse an offer the rulebook or plain sense does not allow, saying which field."""
    if terms.kind not in OFFERED_KINDS:
        raise InvalidInput("a pool (拼单) is offered as a pool offer (POST /pools/offers), not an assist offer; "
                           "an assist offer is boost or share")
    if not 1 <= len(terms.steps) <= book.max_steps:
        raise InvalidInput(f"an assist offer has 1 to {book.max_steps} steps on this platform, not {len(terms.steps)}")
    needed = [s.helpers for s in terms.steps]
    if needed[0] < 1 or any(b <= a for a, b in zip(needed, needed[1:])):
        raise InvalidInput("each step needs more helpers than the one before, the first at least 1")
    if not book.min_hours <= terms.time_limit_hours <= book.max_hours:
        raise InvalidInput(f"an assist task has {book.min_hours} to {book.max_hours} hours on this platform, "
                           f"not {terms.time_limit_hours}")
    if not 1 <= terms.helper_daily_cap <= book.max_helps_per_helper_per_day:
        raise InvalidInput(f"a helper may help 1 to {book.max_helps_per_helper_per_day} tasks a day on this platform, "
                           f"not {terms.helper_daily_cap}")
    for step in terms.steps:
        _check_reward(step.reward, terms.list_price)


def _check_reward(reward: Reward, list_price: int | None) -> None:
    if reward.kind == "coupon":
        if reward.template_id is None:
            raise InvalidInput("a coupon reward names its coupon template")
        return
    if list_price is None:
        raise InvalidInput("a price or free-item reward needs the offer to be for one SKU")
    if reward.kind == "price" and (reward.price_minor is None or not 0 < reward.price_minor < list_price):
        raise InvalidInput("a price reward is above zero and below the SKU's own price")


def expires_at(opened_at: datetime, time_limit_hours: int) -> datetime:
    return opened_at + timedelta(hours=time_limit_hours)


def goal(steps: tuple[Step, ...]) -> int:
    """The helpers the last step needs: the task is complete when it has them."""
    return steps[-1].helpers


def steps_crossed(steps: tuple[Step, ...], before: int, after: int) -> list[int]:
    """The 1-based steps a move from `before` to `after` helpers reaches: granted by that move and no other."""
    return [n for n, s in enumerate(steps, start=1) if before < s.helpers <= after]


def steps_reached(steps: tuple[Step, ...], helpers: int) -> list[int]:
    return steps_crossed(steps, 0, helpers)


def amount_off(reward: Reward, list_price: int) -> int:
    """A price or free-item reward as a coupon: this much off one unit of the SKU (0: nothing left to take off)."""
    target = 0 if reward.kind == "free_item" else reward.price_minor or 0
    return max(list_price - target, 0)


@dataclass(frozen=True)
class TaskFacts:
    status: str
    buyer_id: int
    helpers: int
    goal: int
    expires_at: datetime


def check_helpable(task: TaskFacts, helper_id: int, now: datetime) -> None:
    """Open, time left, and not the helper's own task. Only a hint: the help is taken by one conditional UPDATE."""
    if task.buyer_id == helper_id:
        raise OwnAssist("you cannot help your own task; share its code with friends")
    if task.status != TaskStatus.OPEN:
        raise AssistNotOpen(f"the assist task is {task.status}; it takes no more help")
    if now >= task.expires_at:
        raise AssistNotOpen("the assist task's time is up")


def check_new_user(new_users_only: bool, paid_orders_in_store: int) -> None:
    if new_users_only and paid_orders_in_store > 0:
        raise NewUsersOnly("this task may be helped by new customers of the store only")


def daily_cap(offer_cap: int, book: AssistRules) -> int:
    """The helps a helper may give a store's tasks today when helping on this offer: the offer's, within the platform's."""
    return min(offer_cap, book.max_helps_per_helper_per_day)


def day_of(now: datetime, timezone: str) -> str:
    """The store's calendar day a help counts on."""
    return now.astimezone(ZoneInfo(timezone)).date().isoformat()


@dataclass(frozen=True)
class Progress:
    """A task's progress as its share page and the store's board show it."""

    helpers: int
    goal: int
    steps_reached: int
    next_step_helpers: int | None  # helpers the next step needs; None: every step reached
    seconds_left: int | None  # None: the task has ended


def progress(task: TaskFacts, steps: tuple[Step, ...], now: datetime) -> Progress:
    reached = len(steps_reached(steps, task.helpers))
    upcoming = next((s.helpers for s in steps if s.helpers > task.helpers), None)
    seconds = max(int((task.expires_at - now).total_seconds()), 0) if task.status == TaskStatus.OPEN else None
    return Progress(task.helpers, task.goal, reached, upcoming, seconds)
