"""Buyer-journey funnels (购物路径): how many sessions reach each step of the way to a paid order, and by which paths.

RULES.md §9.1 lists the buyer's journey (need → interest → search/entry → browse → consult → order → delivery →
receipt → review → after-sales) and §9.2 the traditional flow "traffic → store entry → consultation → interaction";
§9.3 asks for GA-style goals and top conversion paths. What a shop can observe of the journey before the money moves
are the steps below, in journey order. Pure: no database, no clock; the caller passes the recorded events.

Readings where RULES.md is silent (our choices):
- The funnel counts SESSIONS (one `Journey` is one visit), not buyers: a buyer who comes back twice is two journeys.
  A caller wanting buyers merges a buyer's sessions into one journey first.
- The funnel stages, in order: page view, search, product view, add to cart, checkout start, order, pay. Search is
  optional in the default funnel: §9.1 stage 3 "search / entry" names search as one entrance among activity pages
  and known stores, so a session that lands on a product without searching still goes on. The default funnel is
  page view → product view → add to cart → checkout start → order → pay; a caller may ask for one with search.
- Favourite, follow, share and consult are side events: they are recorded on a journey but are never a funnel
  step, do not break a step sequence and are left out of paths (§9.1 consult is "silent" on the detail page for
  most buyers, so it cannot be a step every buyer takes; favourite/follow/share are §9.4 connection signals).
- A session reaches a stage when its events contain the funnel's stages up to that one in time order (not
  necessarily adjacent: a side event or an unrequested stage in between does not matter). Events at the same
  instant keep the order they were recorded in. Each step is matched at its earliest occurrence after the
  previous step, which gives the most sessions credit.
- Step conversion is this stage's sessions over the previous stage's; overall conversion is over the first
  stage's. Both are exact `Fraction`s; `None` when the base is zero sessions (nothing to convert). The first
  stage's step conversion is 1 when anyone entered.
- A path to an order is the session's funnel stages up to its first order, with a stage repeated back to back
  counted once (viewing three products in a row is one "product view"). Top paths are ordered by sessions, then
  the shorter path, then journey order of the stages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Iterable, Literal, Sequence, get_args

from shopkeeper.errors import InvalidInput

Stage = Literal["page_view", "search", "product_view", "add_to_cart", "checkout_start", "order", "pay"]
SideEvent = Literal["favourite", "follow", "share", "consult"]

# RULES.md §9.1: the journey's observable steps, in the order a buyer takes them.
STAGES: tuple[Stage, ...] = get_args(Stage)
SIDE_EVENTS: tuple[SideEvent, ...] = get_args(SideEvent)
# Search is one entrance among several (§9.1 stage 3), so the default funnel does not require it.
DEFAULT_FUNNEL: tuple[Stage, ...] = ("page_view", "product_view", "add_to_cart", "checkout_start", "order", "pay")


@dataclass(frozen=True)
class JourneyEvent:
    kind: str  # a Stage or a SideEvent
    at: datetime


@dataclass(frozen=True)
class Journey:
    """One session's recorded events, in any order (they are sorted by time, ties kept as recorded)."""

    session_id: str
    events: tuple[JourneyEvent, ...]


@dataclass(frozen=True)
class FunnelStep:
    stage: Stage
    sessions: int
    step_conversion: Fraction | None
    overall_conversion: Fraction | None


@dataclass(frozen=True)
class PathCount:
    path: tuple[Stage, ...]
    sessions: int
    share: Fraction  # of all sessions that reached an order


def check_stages(stages: Sequence[str]) -> tuple[Stage, ...]:
    """The funnel's stages, validated: known funnel stages, none twice, in journey order."""
    if not stages:
        raise InvalidInput("a funnel needs at least one stage")
    for stage in stages:
        if stage not in STAGES:
            raise InvalidInput(f"not a funnel stage: {stage!r}", stage=stage)
    positions = [STAGES.index(stage) for stage in stages]
    if any(a >= b for a, b in zip(positions, positions[1:])):
        raise InvalidInput("funnel stages must be distinct and in journey order", stages=list(stages))
    return tuple(stages)  # type: ignore[arg-type]


def ordered_kinds(journey: Journey) -> list[str]:
    """The journey's event kinds in time order; an unknown kind is bad input."""
    for event in journey.events:
        if event.kind not in STAGES and event.kind not in SIDE_EVENTS:
            raise InvalidInput(f"not a journey event: {event.kind!r}", kind=event.kind)
        if event.at.tzinfo is None:
            raise InvalidInput("journey event times must carry a time zone")
    return [event.kind for event in sorted(journey.events, key=lambda e: e.at)]  # sorted() is stable


def stages_reached(journey: Journey, stages: Sequence[Stage]) -> int:
    """How many of `stages` the journey reached in order (0 when it never reached the first)."""
    reached = 0
    for kind in ordered_kinds(journey):
        if reached < len(stages) and kind == stages[reached]:
            reached += 1
    return reached


def funnel(journeys: Iterable[Journey], stages: Sequence[str] = DEFAULT_FUNNEL) -> list[FunnelStep]:
    """Per stage, the sessions that reached it in order, with step and overall conversion."""
    funnel_stages = check_stages(stages)
    reached = [stages_reached(journey, funnel_stages) for journey in journeys]
    counts = [sum(1 for r in reached if r > index) for index in range(len(funnel_stages))]
    steps: list[FunnelStep] = []
    for index, stage in enumerate(funnel_stages):
        previous = counts[index - 1] if index else counts[0]
        steps.append(
            FunnelStep(
                stage,
                counts[index],
                Fraction(counts[index], previous) if previous else None,
                Fraction(counts[index], counts[0]) if counts[0] else None,
            )
        )
    return steps


def path_to_order(journey: Journey) -> tuple[Stage, ...] | None:
    """The funnel stages the session went through up to its first order; None when it never ordered."""
    path: list[Stage] = []
    for kind in ordered_kinds(journey):
        if kind in SIDE_EVENTS:
            continue
        stage: Stage = kind  # type: ignore[assignment]
        if not path or path[-1] != stage:
            path.append(stage)
        if stage == "order":
            return tuple(path)
    return None


def top_paths(journeys: Iterable[Journey], n: int) -> list[PathCount]:
    """The `n` most common paths to an order (§9.3 "Top Conversion Paths"), each with its share of ordering sessions."""
    if n < 1:
        raise InvalidInput("ask for at least one path", n=n)
    counts = Counter(path for path in map(path_to_order, journeys) if path is not None)
    ordering = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda item: (-item[1], len(item[0]), [STAGES.index(s) for s in item[0]]))
    return [PathCount(path, sessions, Fraction(sessions, ordering)) for path, sessions in ranked[:n]]


def percent(fraction: Fraction | None, places: int = 1) -> str:
    """A conversion for display, half-up to `places` decimals ("—" when undefined); the maths stays exact."""
    if fraction is None:
        return "—"
    value = Decimal(fraction.numerator) * 100 / Decimal(fraction.denominator)
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}%"
