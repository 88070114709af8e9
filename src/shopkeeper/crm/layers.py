"""User layers (用户分层) and how strongly each holds a person to the store (RULES.md §9.4).

A person stands in the strongest layer their facts reach: visitor (a visit), guest (an interaction), fan (a one-way
follow), friend (a mutual follow), customer (a paid order), member (a customer in the membership system). The CRM
target is to move people toward the strong layers; the source calls that "settling downward" (from the weak layers
at the top of its table to the strong ones at the bottom), so directions here are named `stronger` / `weaker`,
never up / down, to leave no doubt.

Readings where §9.4 is silent (decision lines, Analytics and CRM):
- the layers are ordered as the source's table lists them; a person is in the strongest one reached, so a member
  who never visited is still a member, and a customer who also follows is a customer;
- a favourite (收藏) and a share count as interactions (互动), like a comment or a chat;
- a member is a customer in the membership system: joining without a paid order makes a person no more than what
  the rest of their facts make them;
- connection strength: the source grades visitor weak, guest medium, friend and customer strong, and leaves fan and
  member ungraded; we read fan as medium (a follow is one-way, like an interaction) and member as strong (built on
  the purchase relationship);
- layers can weaken: unfollowing, losing the store's follow back, or leaving the membership system moves a person
  back; a paid order once made stays (refunds are not a fact of this model);
- a person with no fact at all is in no layer (`None`), not a visitor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Literal, get_args

from shopkeeper.errors import InvalidInput


class Layer(IntEnum):
    """Weakest first: a greater value is a stronger connection."""

    VISITOR = 1  # 访客
    GUEST = 2  # 游客
    FAN = 3  # 粉丝
    FRIEND = 4  # 好友
    CUSTOMER = 5  # 客户
    MEMBER = 6  # 会员


Strength = Literal["weak", "medium", "strong"]

# RULES.md §9.4: visitor weak, guest medium, friend and customer strong; fan and member are our readings.
STRENGTH: dict[Layer, Strength] = {
    Layer.VISITOR: "weak",
    Layer.GUEST: "medium",
    Layer.FAN: "medium",
    Layer.FRIEND: "strong",
    Layer.CUSTOMER: "strong",
    Layer.MEMBER: "strong",
}

LAYER_NAMES: dict[Layer, dict[str, str]] = {
    Layer.VISITOR: {"en": "visitor", "zh": "访客"},
    Layer.GUEST: {"en": "guest", "zh": "游客"},
    Layer.FAN: {"en": "fan", "zh": "粉丝"},
    Layer.FRIEND: {"en": "friend", "zh": "好友"},
    Layer.CUSTOMER: {"en": "customer", "zh": "客户"},
    Layer.MEMBER: {"en": "member", "zh": "会员"},
}


@dataclass(frozen=True)
class PersonFacts:
    """What the store knows of one person at one moment."""

    visits: int = 0
    interactions: int = 0  # comments, chats, favourites, shares
    follows_store: bool = False  # they follow us
    followed_back: bool = False  # we follow them
    paid_orders: int = 0
    member: bool = False

    def __post_init__(self) -> None:
        for name in ("visits", "interactions", "paid_orders"):
            if getattr(self, name) < 0:
                raise InvalidInput(f"{name} cannot be negative", field=name)


def layer_of(facts: PersonFacts) -> Layer | None:
    """The strongest layer the facts reach (RULES.md §9.4), or None for a person never seen."""
    if facts.paid_orders > 0:
        # RULES.md §9.4: a member is a customer linked through the membership system (会员体系)
        return Layer.MEMBER if facts.member else Layer.CUSTOMER
    if facts.follows_store and facts.followed_back:
        return Layer.FRIEND  # a mutual follow (互相关注)
    if facts.follows_store:
        return Layer.FAN  # a one-way follow (单向关注)
    if facts.interactions > 0:
        return Layer.GUEST
    if facts.visits > 0:
        return Layer.VISITOR
    return None


def strength_of(layer: Layer) -> Strength:
    return STRENGTH[layer]


EventKind = Literal[
    "visit", "interaction", "favourite", "share", "follow", "unfollow", "follow_back", "unfollow_back",
    "order_paid", "member_joined", "member_left",
]
EVENT_KINDS: frozenset[str] = frozenset(get_args(EventKind))


@dataclass(frozen=True)
class PersonEvent:
    kind: EventKind
    at: datetime

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise InvalidInput(f"unknown person event {self.kind!r}", field="kind")
        if self.at.tzinfo is None:
            raise InvalidInput("an event time must carry its time zone", field="at")


def facts_at(events: Iterable[PersonEvent], at: datetime) -> PersonFacts:
    """The facts of one person from their events up to and including `at`, in time order.

    Events at the same instant apply in the order given (a follow and an unfollow in one second: the last wins)."""
    visits = interactions = paid = 0
    follows = back = member = False
    for event in sorted((e for e in events if e.at <= at), key=lambda e: e.at):
        kind = event.kind
        if kind == "visit":
            visits += 1
        elif kind in ("interaction", "favourite", "share"):
            interactions += 1
        elif kind in ("follow", "unfollow"):
            follows = kind == "follow"
        elif kind in ("follow_back", "unfollow_back"):
            back = kind == "follow_back"
        elif kind == "order_paid":
            paid += 1
        else:
            member = kind == "member_joined"
    return PersonFacts(visits, interactions, follows, back, paid, member)


Direction = Literal["stronger", "weaker"]


@dataclass(frozen=True)
class Movement:
    person: str
    before: Layer | None
    after: Layer | None
    direction: Direction


def movements(before: Mapping[str, PersonFacts], after: Mapping[str, PersonFacts]) -> list[Movement]:
    """Who changed layer between two snapshots, by person id; a person missing from a snapshot is in no layer.

    A person first seen moves `stronger`; nobody is listed who kept their layer."""
    moved: list[Movement] = []
    for person in sorted(set(before) | set(after)):
        was = layer_of(before[person]) if person in before else None
        now = layer_of(after[person]) if person in after else None
        if was == now:
            continue
        stronger = (now or 0) > (was or 0)
        moved.append(Movement(person, was, now, "stronger" if stronger else "weaker"))
    return moved


def movements_between(events_by_person: Mapping[str, Iterable[PersonEvent]], start: datetime,
                      end: datetime) -> list[Movement]:
    """Who changed layer from `start` to `end` (both inclusive instants), from each person's events."""
    if end < start:
        raise InvalidInput("the end of a period cannot come before its start", field="end")
    events = {person: list(seen) for person, seen in events_by_person.items()}
    return movements({p: facts_at(e, start) for p, e in events.items()},
                     {p: facts_at(e, end) for p, e in events.items()})


def flows(moved: Iterable[Movement]) -> dict[tuple[Layer | None, Layer | None], int]:
    """How many people went from each layer to each other one: the CRM loop's "review effect" in one table."""
    counted: dict[tuple[Layer | None, Layer | None], int] = {}
    for movement in moved:
        key = (movement.before, movement.after)
        counted[key] = counted.get(key, 0) + 1
    return dict(sorted(counted.items(), key=lambda item: ((item[0][0] or 0), (item[0][1] or 0))))
