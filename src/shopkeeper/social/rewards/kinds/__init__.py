"""The registry of reward kinds: one module per kind, one line per kind in `KINDS` below.

A kind's module says what sets it off (`TRIGGER`: a buyer's `claim` through the API, an order `paid` or
`completed` heard from orders), how it grants (`GRANTS`: the program's `reward` to the buyer, a lottery `draw`, a red `packet`,
`invite`, the reward to whoever invited the order's buyer, or `apply`, an application: winners are drawn when the
program ends, by a durable timer, and get the reward),
checks its own `terms` (`check_terms`), and answers its trigger:

- a claim kind, `key(terms, facts: ClaimFacts) -> str`: the trigger a claim counts as (once per key per buyer:
  the day for a check-in, `follow` for a follow, the product for a favourite, the order line for a review);
  `ONCE_PER_STORE = True` (optional) makes a key once per buyer across every program of the store, not per program;
  a `draw` claim kind draws from the prize pool at each claim (签到抽奖);
- an order kind, `earns(terms, reward, order: OrderFacts) -> Reward | None`: what the order earns (a draw kind:
  any reward means one draw), or nothing.

Optional: `REWARDS`, the reward types the kind may give (default: any); `PRIVATE_COUPON = True`, its coupon is a
code coupon (off the buyers' claimable list, so only the program gives it); `budget_count(terms) -> int`, a count
budget the terms fix (a card's number of cards, a trial's units), taking the place of the program's own.

To add a kind: write `kinds/<kind>.py` with those names, then add its line to `KINDS`. The service, the API's
schema (`kind` is one of `KINDS`) and the console ask the registry; nothing else names kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any, Literal

from shopkeeper.errors import InvalidInput
from shopkeeper.social.rewards.kinds import (
    card,
    cash_back,
    check_in,
    check_in_lottery,
    favourite,
    follow,
    free_order,
    invite,
    lottery,
    red_packet,
    review,
    trial,
)

Trigger = Literal["claim", "paid", "completed"]
Grants = Literal["reward", "draw", "packet", "invite", "apply"]


@dataclass(frozen=True)
class LineFacts:
    """An order line a buyer names in a claim (a review): theirs, checked by the service; its store; completed?"""

    order_id: int
    sku_id: int  # an order's lines are told apart by their SKU
    store_id: int
    completed: bool


@dataclass(frozen=True)
class ClaimFacts:
    now: datetime
    timezone: str  # the store's (a platform program: Asia/Shanghai)
    store_id: int | None = None  # the program's store (None: the platform's)
    product_id: int | None = None
    line: LineFacts | None = None
    follows_store: bool = False  # the buyer follows the program's store now (customers' store club)


@dataclass(frozen=True)
class OrderFacts:
    order_id: int
    store_id: int
    total_minor: int
    paid_at: datetime | None
    timezone: str


@dataclass(frozen=True)
class Kind:
    name: str
    module: ModuleType

    @property
    def trigger(self) -> Trigger:
        trigger: Trigger = self.module.TRIGGER
        return trigger

    @property
    def grants(self) -> Grants:
        grants: Grants = self.module.GRANTS
        return grants

    @property
    def once_per_store(self) -> bool:
        """A grant of this kind is once per buyer and store, whichever of the store's programs granted it."""
        return bool(getattr(self.module, "ONCE_PER_STORE", False))

    @property
    def reward_types(self) -> tuple[str, ...]:
        """The reward types a program of this kind may give."""
        return tuple(getattr(self.module, "REWARDS", ("coupon", "points", "credit")))

    @property
    def private_coupon(self) -> bool:
        """The program's coupon must be one buyers cannot claim by themselves (a code coupon)."""
        return bool(getattr(self.module, "PRIVATE_COUPON", False))

    def budget_count(self, terms: dict[str, Any]) -> int | None:
        """The count budget the kind's terms fix, if they fix one."""
        fixed = getattr(self.module, "budget_count", None)
        return None if fixed is None else int(fixed(terms))

    def check_terms(self, terms: dict[str, Any]) -> dict[str, Any]:
        checked: dict[str, Any] = self.module.check_terms(terms)
        return checked


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("check_in", check_in),  # 签到有礼
    Kind("follow", follow),  # 关注送券
    Kind("favourite", favourite),  # 收藏有礼
    Kind("review", review),  # 好评有礼, 好评返利
    Kind("invite", invite),  # 邀请有礼
    Kind("lottery", lottery),  # 满就抽奖
    Kind("cash_back", cash_back),  # 返现
    Kind("free_order", free_order),  # 免单, 整点免单
    Kind("red_packet", red_packet),  # 红包
    Kind("trial", trial),  # 免费试用
    Kind("check_in_lottery", check_in_lottery),  # 签到抽奖
    Kind("card", card),  # 先领卡再购买 (新客卡, 会员卡)
)}


def kind_of(name: str) -> Kind:
    if name not in KINDS:
        raise InvalidInput(f"a reward program's kind is one of {', '.join(KINDS)}, not {name}")
    return KINDS[name]


MOST = 10**12  # no term is larger: minor units of ten billion yuan, and well inside a BIGINT


def whole(terms: dict[str, Any], name: str, low: int, default: int | None = None, high: int = MOST) -> int:
    """A term that is a whole number from `low` to `high` (or its default when absent)."""
    value = terms.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidInput(f"the term {name} is a whole number from {low} to {high}")
    return value
