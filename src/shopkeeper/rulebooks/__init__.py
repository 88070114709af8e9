"""Platform rule sets as data.

A store chooses a rulebook; code reads its numbers from here and never
hard-codes them. Each entry in the TOML files cites its RULES.md section, the
reading chosen where §15 lists an ambiguity, and says "our choice" where §16
says the sources are silent.

`check.problems` says what is missing or inconsistent in a rulebook; `load`
refuses one with problems, so a broken file fails when a store chooses it,
not when a timer first reads the entry.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Literal, Mapping

from shopkeeper.errors import InvalidInput
from shopkeeper.rulebooks import check
from shopkeeper.rulebooks.aftersales import AftersalesRules
from shopkeeper.rulebooks.aftersales import parse as _parse_aftersales
from shopkeeper.rulebooks.carriers import CarrierRules
from shopkeeper.rulebooks.carriers import parse as _parse_carriers


@dataclass(frozen=True)
class PaymentRules:
    window: timedelta


@dataclass(frozen=True)
class ShippingRules:
    ship_within: timedelta
    shipped_means: Literal["pickup", "tracking"]


@dataclass(frozen=True)
class ReceiptExtensionRules:
    """Who may put off the automatic receipt confirmation, by how much and how often (RULES.md §17.1)."""

    buyer_days: int
    buyer_times: int
    buyer_from_days_left: int  # the buyer may ask only once this little time or less is left
    seller_days: tuple[int, ...]  # the seller chooses one of these
    seller_times: int


@dataclass(frozen=True)
class ReceiptRules:
    auto_confirm: Mapping[str, timedelta]  # shipping class → time after shipment (RULES.md §17.1: express 10, post 30)
    default_class: str  # the carriers' default class: an unknown carrier's
    extension: ReceiptExtensionRules | None  # None: the rulebook offers no extension

    def auto_confirm_after(self, shipping_class: str | None = None) -> timedelta:
        """The wait after shipment for a parcel of this class; an unknown class waits as the default one does."""
        return self.auto_confirm.get(shipping_class or self.default_class, self.auto_confirm[self.default_class])


@dataclass(frozen=True)
class GroupBuyRules:
    """拼团 (RULES.md §4.1): the bounds a store's group offers keep; the sources give no numbers (§16)."""

    min_group_size: int
    max_group_size: int
    min_hours: int  # the time a group has to fill, from the opener's payment
    max_hours: int
    max_auto_fill_seats: int  # 模拟成团: the most missing members a store may let the system fill; 0: not allowed


@dataclass(frozen=True)
class DistributionRules:
    """分销 (RULES.md §4.2, §17.2): how long a buyer's touch may win an order, how many levels may be paid (the law's
    reading: never more than 2). The commission's release follows `aftersales.opening`, the case window."""

    max_attribution_days: int
    max_levels_paid: int


@dataclass(frozen=True)
class RewardRules:
    """红包 (RULES.md §3.6): the bounds a store's red-packet pools keep; the sources give no numbers (§16)."""

    max_red_packets: int  # packets one pool splits into
    min_red_packet_minor: int  # the least a packet may hold


@dataclass(frozen=True)
class AssistRules:
    """邀请助力 / 分享互惠 (RULES.md §4.1): the bounds a store's assist offers keep; the sources give no numbers (§16)."""

    max_steps: int  # reward steps one offer may have
    min_hours: int  # the time a task has to gather its helpers, from its opening
    max_hours: int
    max_helps_per_helper_per_day: int  # tasks of one store a helper may help in a day, whatever the offer says


@dataclass(frozen=True)
class CommunityRules:
    """社区团购 (RULES.md §4.1): the bounds a store's community settings keep; the sources give no numbers (§16)."""

    max_cutoffs_per_day: int  # delivery waves a day
    min_unpicked_days: int  # how long a delivered order waits at the pickup point for its buyer
    max_unpicked_days: int
    max_leader_rate: Decimal  # of what the collected lines paid


@dataclass(frozen=True)
class Rulebook:
    name: str
    title: str
    timezone: str  # the store's default clock for "today", daily reports and campaign hours
    payment: PaymentRules
    shipping: ShippingRules
    receipt: ReceiptRules
    aftersales: AftersalesRules
    carriers: CarrierRules
    group_buy: GroupBuyRules
    distribution: DistributionRules
    rewards: RewardRules
    assist: AssistRules
    community: CommunityRules


def names() -> list[str]:
    return sorted(p.name.removesuffix(".toml") for p in resources.files(__package__).iterdir() if p.name.endswith(".toml"))


@cache
def load(name: str) -> Rulebook:
    if name not in names():
        raise InvalidInput(f"unknown rulebook {name!r}; choose one of {', '.join(names())}")
    return from_text(name, resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8"))


def from_text(name: str, source: str) -> Rulebook:
    """A rulebook from TOML text; `InvalidInput` lists every problem `check` finds, each naming its entry."""
    problems = check.check_text(source)
    if problems:
        raise InvalidInput(f"rulebook {name!r} is not valid: " + "; ".join(problems), problems=problems)
    return _parse(name, tomllib.loads(source))


def _parse(name: str, raw: dict[str, Any]) -> Rulebook:
    return Rulebook(
        name=name,
        title=raw["title"],
        timezone=raw["timezone"],
        payment=PaymentRules(window=timedelta(minutes=raw["payment"]["window_minutes"])),
        shipping=ShippingRules(
            ship_within=timedelta(hours=raw["shipping"]["ship_within_hours"]),
            shipped_means=raw["shipping"]["shipped_means"],
        ),
        receipt=_receipt(raw["receipt"], raw["carriers"]["default_class"]),
        aftersales=_parse_aftersales(raw["aftersales"]),
        carriers=_parse_carriers(raw["carriers"]),
        group_buy=GroupBuyRules(**raw["group_buy"]),
        distribution=DistributionRules(**raw["distribution"]),
        rewards=RewardRules(**raw["rewards"]),
        assist=AssistRules(**raw["assist"]),
        community=CommunityRules(**{**raw["community"], "max_leader_rate": Decimal(raw["community"]["max_leader_rate"])}),
    )


def _receipt(t: dict[str, Any], default_class: str) -> ReceiptRules:
    x = t["extension"]
    extension = ReceiptExtensionRules(
        buyer_days=x["buyer_days"], buyer_times=x["buyer_times"], buyer_from_days_left=x["buyer_from_days_left"],
        seller_days=tuple(x["seller_days"]), seller_times=x["seller_times"],
    ) if x["offered"] else None
    return ReceiptRules(auto_confirm={k: timedelta(days=d) for k, d in t["auto_confirm_days"].items()},
                        default_class=default_class, extension=extension)
