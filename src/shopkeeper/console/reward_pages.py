"""The reward-program pages (签到, 关注, 收藏, 好评, 邀请, 满就抽奖, 返现, 整点免单, 红包): each program with its budget
used and left, one program's grants, and for lotteries the prize pool, the odds and every draw with its seed.

Reads go through `social.rewards`: `figures.board` per store the principal may see (staff: theirs; the operator:
every store and the platform's programs), one program by `service.get_program` (another store's is a 404 like a
missing one) with `figures.program_figures`, its grants (`figures.list_grants`), prizes and draws (`draws.prizes_of`,
`draws.list_draws`). The one write, ending a program, is `end_program`, from a POST form that must come from the
console's own origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from shopkeeper import events
from shopkeeper.api import problem_text
from shopkeeper.auth import Principal
from shopkeeper.console import filters, timeline
from shopkeeper.console.display import money
from shopkeeper.console.i18n import STRINGS, event_label, translate
from shopkeeper.console.marketing import Stores, messages_of, page_of, pager, stores_of
from shopkeeper.console.web import detail, lang_of, not_found, refused_cross_origin, render, same_origin, signed_in
from shopkeeper.errors import DomainError, NotFound
from shopkeeper.languages import Lang
from shopkeeper.orders.order_lists import order_facts
from shopkeeper.social.rewards import draws, kinds, rules, service
from shopkeeper.social.rewards import figures as reward_figures
from shopkeeper.social.rewards.grants import subject

if TYPE_CHECKING:
    from shopkeeper.social.rewards.models import LotteryDraw, RewardGrant, RewardPrize

router = APIRouter(include_in_schema=False)

STATUSES = ["active", "ended"]


def reward_text(lang: Lang, reward: dict[str, Any] | None, currency: str) -> str:
    """What one grant gives, in words: a coupon from a template, points, or money credited."""
    if not reward:
        return "—"
    found = rules.reward_of(reward)
    if found.type == "coupon":
        return translate(lang, "rw.reward.coupon", id=found.template_id)
    if found.type == "points":
        return translate(lang, "rw.reward.points", points=found.points)
    return translate(lang, "rw.reward.credit", amount=money(found.amount_minor, currency))


def odds_text(odds_ppm: int) -> str:
    """Parts per million as a percentage, exactly (10,000 ppm = 1%)."""
    return f"{(Decimal(odds_ppm) / (rules.PPM // 100)).normalize():f}%"


def terms_text(lang: Lang, terms: dict[str, Any], currency: str) -> list[tuple[str, str]]:
    """A kind's own terms as label and value: money in the program's currency, basis points as a percentage."""
    shown = []
    for key, value in terms.items():
        if value is None:
            continue
        if key.endswith("_minor"):
            text = money(int(value), currency)
        elif key.endswith("_bp"):
            text = f"{(Decimal(int(value)) / 100).normalize():f}%"
        elif isinstance(value, bool):
            text = translate(lang, "rw.yes" if value else "rw.no")
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        else:
            text = str(value)
        shown.append((STRINGS[lang].get(f"rterm.{key}", key), text))
    return shown


@dataclass(frozen=True)
class Panel:
    """A store's programs, or the platform's (store_id None), on the board."""

    store_id: int | None
    name: str
    zone: str
    programs: list[reward_figures.ProgramFigures]
    may_manage: bool


def _owners(stores: Stores, who: Principal, wanted: filters.ListFilter) -> list[int | None]:
    if wanted.platform:
        return [None]
    if wanted.store_id is not None:
        return [wanted.store_id]
    return ([None] if who.is_operator else []) + list(stores.by_id)


@router.get("/rewards")
def board(request: Request) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    lang = lang_of(request)
    with request.app.state.db.read() as session:
        stores = stores_of(session, who, request)
        parsed = filters.parse_list(request.query_params, list(stores.by_id), [], platform=who.is_operator)
        owners = [] if parsed.problems else _owners(stores, who, parsed.list_filter)
        panels = [Panel(sid, stores.owner(sid, lang), stores.zone(sid), reward_figures.board(session, who, sid),
                        stores.may_manage(sid)) for sid in owners]
    messages = messages_of(lang, parsed.problems)
    return render(request, "rewards.html", status=400 if messages else 200, principal=who, nav="rewards",
                  stores=list(stores.by_id.values()), panels=panels, messages=messages, form=dict(request.query_params),
                  reward_text=reward_text)


# --- one program ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PrizeLine:
    prize: RewardPrize
    odds: str
    left: int


def _page(request: Request, who: Principal, raw_id: str, status: int = 200, error: str | None = None) -> Response:
    lang = lang_of(request)
    now: datetime = request.app.state.clock.now()
    with detail(request, raw_id, "reward", service.get_program, principal=who) as found:
        if isinstance(found, Response):
            return found
        session, program = found.session, found.row
        stores = stores_of(session, who, request)
        figures = reward_figures.program_figures(session, who, program.id)
        before = filters.parse_id(request.query_params.get("before", ""))
        grants, next_cursor = page_of(reward_figures.list_grants(session, who, program.id, filters.PAGE_SIZE + 1, before))
        grants_by = kinds.kind_of(program.kind).grants
        lottery, trial = grants_by == "draw", grants_by == "apply"
        prizes = [PrizeLine(p, odds_text(p.odds_ppm), p.stock - p.awarded) for p in draws.prizes_of(session, program.id)]
        shown_draws: list[LotteryDraw] = (draws.list_draws(session, who, program.id, filters.PAGE_SIZE, None)
                                          if lottery or trial else [])
        zone = stores.zone(program.store_id)
        history = timeline.lines(events.timeline(session, subject(program)), lang, zone, program.currency)
        context = dict(
            figures=figures, grants=_grant_lines(grants, order_facts(session, [g.order_id for g in grants if g.order_id]),
                                                 lang), lottery=lottery, trial=trial, prizes=prizes,
            no_prize=odds_text(rules.PPM - sum(p.prize.odds_ppm for p in prizes)), draws=shown_draws,
            prize_names={p.prize.id: p.prize.name for p in prizes}, owner=stores.owner(program.store_id, lang),
            zone=zone, terms=terms_text(lang, program.terms, program.currency),
            lead=STRINGS[lang].get(f"rlead.{program.kind}", "").format(**program.terms) or None,
            reward=reward_text(lang, program.reward, program.currency), live=rules.is_live(
                program.status, program.starts_at, program.ends_at, now),
            may_manage=stores.may_manage(program.store_id) and program.status == "active")
    done = request.query_params.get("done")
    return render(request, "reward.html", status=status, principal=who, nav="rewards", p=program, timeline=history,
                  event_label=event_label, error=error, notice="rw.done.ended" if done == "ended" else None,
                  reward_text=reward_text, odds_text=odds_text, **context, **pager(request, next_cursor))


@dataclass(frozen=True)
class GrantLine:
    grant: RewardGrant
    text: str
    order_number: str | None


def _grant_lines(grants: list[RewardGrant], orders: dict[int, tuple[str, str]], lang: Lang) -> list[GrantLine]:
    out = []
    for g in grants:
        if g.reward_type == "coupon":
            text = translate(lang, "rw.granted.coupon", id=g.coupon_id)
        elif g.reward_type == "points":
            text = translate(lang, "rw.reward.points", points=g.points)
        elif g.reward_type == "credit":
            text = translate(lang, "rw.reward.credit", amount=money(g.amount_minor, g.currency))
        elif g.trigger == draws.APPLY:
            text = translate(lang, "rw.granted.applied")  # a free trial's application: the draw decides
        else:
            text = translate(lang, "rw.granted.none")
        number = orders.get(g.order_id, (f"#{g.order_id}", ""))[0] if g.order_id else None
        out.append(GrantLine(g, text, number))
    return out


@router.get("/rewards/{program_id}")
def program_detail(request: Request, program_id: str) -> Response:
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    return _page(request, who, program_id)


@router.post("/rewards/{program_id}/end")
def end_program(request: Request, program_id: str) -> Response:
    """Nothing more is granted; what was granted stays (service.end_program)."""
    who = signed_in(request)
    if isinstance(who, Response):
        return who
    if not same_origin(request):
        return refused_cross_origin(request, who)
    wanted = filters.parse_id(program_id)
    if wanted is None:
        return _not_found(request, who)
    try:
        with request.app.state.db.transaction() as session:
            service.end_program(session, request.app.state.clock.now(), who, wanted)
    except NotFound:
        return _not_found(request, who)
    except DomainError as refused:
        return _page(request, who, program_id, status=refused.status,
                     error=problem_text.detail(refused.detail, lang_of(request)))
    return RedirectResponse(f"/rewards/{wanted}?done=ended", status_code=303)


def _not_found(request: Request, who: Principal) -> HTMLResponse:
    return not_found(request, who, "reward")
