"""Reward programs' use cases: creating and ending programs, a buyer's claims (check in, follow, favourite, grab a
red packet, review), what orders earn (heard from orders: paid, completed; lotteries draw through `draws.py`),
invitations.

Granting itself (trigger, per-person tally, budget, then the reward) is `grants.py`; the kinds' own rules are
`kinds/`; reading grants and the board's figures is `figures.py`; nothing here names a kind.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.customers import service as customers
from shopkeeper.db import matching, newest_first
from shopkeeper.errors import DomainError, InvalidInput, NotAllowedInState, NotFound
from shopkeeper.orders import service as orders
from shopkeeper.promotions import codec
from shopkeeper.promotions import service as promotions
from shopkeeper.scope import SYSTEM, require_role, require_store_manager
from shopkeeper.settings import DEFAULT_PLATFORM_TIMEZONE
from shopkeeper.social.rewards import draws, grants, kinds, rules
from shopkeeper.social.rewards.grants import subject
from shopkeeper.social.rewards.models import (
    LotteryDraw,
    RedPacket,
    RewardGrant,
    RewardInvitation,
    RewardPrize,
    RewardProgram,
)

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

# a platform program's days and hours: the platform's default clock (settings; our choice §16, Beijing time)
PLATFORM_TIMEZONE = DEFAULT_PLATFORM_TIMEZONE


@dataclass(frozen=True)
class PrizeSpec:
    name: str
    odds_ppm: int
    stock: int
    reward: dict[str, Any]


@dataclass(frozen=True)
class ProgramSpec:
    store_id: int | None  # None: a platform program (the operator's)
    kind: str
    name: str
    starts_at: datetime
    terms: dict[str, Any] = field(default_factory=dict)
    reward: dict[str, Any] | None = None
    currency: str | None = None  # a platform program's; a store's is the store's
    budget_count: int | None = None
    budget_minor: int | None = None
    per_person_limit: int | None = None
    ends_at: datetime | None = None
    prizes: Sequence[PrizeSpec] = ()


# --- programs -----------------------------------------------------------------------------------

def create_program(session: Session, now: datetime, actor: Principal, spec: ProgramSpec) -> RewardProgram:
    """A store's program (its staff) or the platform's (the operator), checked against its kind's rules."""
    if spec.store_id is None:
        require_role(actor, Role.OPERATOR)
        currency = spec.currency or "CNY"
    else:
        require_store_manager(actor, spec.store_id)
        currency = catalog.get_store(session, actor, spec.store_id).currency
    kind = kinds.kind_of(spec.kind)
    terms = kind.check_terms(dict(spec.terms))
    rules.check_budget(spec.budget_count, spec.budget_minor, spec.per_person_limit)
    if spec.ends_at is not None and spec.ends_at <= spec.starts_at:
        raise InvalidInput("a program ends after it starts")
    reward = None
    if kind.grants in ("invite", "apply") or kind.grants == "reward" and kind.trigger == "claim":
        if spec.reward is None:
            raise InvalidInput("say what the program gives (reward)")
        reward = _owned_reward(session, spec.store_id, spec.reward, kind.trigger)
        if reward.type not in kind.reward_types:
            raise InvalidInput(f"a {kind.name} program gives {' or '.join(kind.reward_types)}, not {reward.type}")
        if kind.private_coupon and reward.type == "coupon" and reward.template_id is not None and \
                promotions.get_coupon_template(session, SYSTEM, reward.template_id).code is None:
            raise InvalidInput(f"a {kind.name} program's coupon is a code coupon, off the claimable list: only the "
                               "program gives it")
    budget_count, budget_minor = spec.budget_count, spec.budget_minor
    fixed = kind.budget_count(terms)
    if fixed is not None:
        budget_count = fixed  # the terms fix it: a card's number of cards, a trial's units
    if kind.grants == "apply":
        if spec.store_id is None or spec.ends_at is None:
            raise InvalidInput("a free trial is a store's and has an end: its winners are drawn when it ends")
        _check_trial_coupon(session, spec.store_id, terms["sku_id"], reward)
    if kind.grants == "packet":
        if spec.store_id is None:
            raise InvalidInput("a red-packet pool is a store's: its packets are paid out of the store's balance")
        book = rulebooks.load(catalog.store_by_id(session, spec.store_id).rulebook)
        rules.check_pool(terms["packets"], terms["min_minor"], book.rewards)
        budget_count, budget_minor = terms["packets"], terms["total_minor"]
    if kind.grants == "draw":
        if not spec.prizes:
            raise InvalidInput("a lottery has at least one prize")
        rules.check_odds([p.odds_ppm for p in spec.prizes])
    program = RewardProgram(store_id=spec.store_id, kind=kind.name, name=spec.name, status="active", currency=currency,
                            terms=terms, reward=reward.to_json() if reward else None, budget_count=budget_count,
                            budget_minor=budget_minor, spent_count=0, spent_minor=0,
                            per_person_limit=spec.per_person_limit, starts_at=spec.starts_at, ends_at=spec.ends_at,
                            created_at=now)
    session.add(program)
    session.flush()
    for prize in spec.prizes:
        if prize.stock < 0:
            raise InvalidInput("a prize's stock is not negative")
        won = _owned_reward(session, spec.store_id, prize.reward, "paid")
        session.add(RewardPrize(program_id=program.id, name=prize.name, odds_ppm=prize.odds_ppm, stock=prize.stock,
                                awarded=0, reward=won.to_json()))
    if kind.grants == "packet":
        split = rules.split_packets(terms["total_minor"], terms["packets"], terms["min_minor"],
                                    random.Random(secrets.token_hex(16)))
        session.add_all(RedPacket(program_id=program.id, seq=n, amount_minor=amount) for n, amount in enumerate(split, 1))
    if kind.grants == "apply":
        draws.schedule_trial(session, program)
    events.record(session, now, "reward.program_created", subject(program), program.store_id, kind=program.kind,
                  name=program.name, budget_count=budget_count, budget_minor=budget_minor, currency=currency)
    return program


def _owned_reward(session: Session, store_id: int | None, raw: dict[str, Any], trigger: str) -> rules.Reward:
    reward = rules.reward_of(raw)
    if reward.type == "coupon":
        assert reward.template_id is not None
        template = promotions.get_coupon_template(session, SYSTEM, reward.template_id)
        if template.store_id != store_id:
            raise InvalidInput(f"coupon {reward.template_id} is not the program owner's")
    if reward.type == "credit" and store_id is None and trigger == "claim":
        raise InvalidInput("a platform program pays money only on an order's store; give coupons or points")
    return reward


def _check_trial_coupon(session: Session, store_id: int, sku_id: int, reward: rules.Reward | None) -> None:
    """免费试用: the trial gives one of the store's own SKUs on sale, and its coupon covers that SKU at checkout."""
    sku = catalog.sellable_sku(session, store_id, sku_id)
    assert reward is not None and reward.template_id is not None
    template = promotions.get_coupon_template(session, SYSTEM, reward.template_id)
    product = catalog.skus_with_products(session, [sku.id])[1][sku.product_id]
    if not codec.decode_scope(template.rule["scope"], template.store_id).covers(store_id, product.category_id,
                                                                                sku.product_id, sku.id):
        raise InvalidInput(f"coupon {template.id} does not cover SKU {sku_id}, the trial's")


def end_program(session: Session, now: datetime, actor: Principal, program_id: int) -> RewardProgram:
    """Nothing more is granted; what was granted stays."""
    program = get_program(session, actor, program_id)
    _require_owner(actor, program)
    if program.status != "active":
        raise NotAllowedInState(f"cannot end a reward program that is {program.status}", current_status=program.status,
                                action="end")
    program.status, program.ended_at = "ended", now
    events.record(session, now, "reward.program_ended", subject(program), program.store_id,
                  spent_count=program.spent_count, spent_minor=program.spent_minor or None, currency=program.currency)
    return program


def _require_owner(actor: Principal, program: RewardProgram) -> None:
    if program.store_id is None:
        require_role(actor, Role.OPERATOR)
    else:
        require_store_manager(actor, program.store_id)


def get_program(session: Session, actor: Principal, program_id: int) -> RewardProgram:
    """Buyers see active programs (they claim them); staff their store's and the platform's; the operator all."""
    program = session.get(RewardProgram, program_id)
    visible = program is not None and (
        program.status == "active" if actor.role is Role.BUYER else
        program.store_id is None or actor.may_see_store(program.store_id))
    if program is None or not visible:
        raise NotFound(f"reward program {program_id} does not exist")
    return program


def list_programs(session: Session, actor: Principal, store_id: int | None, status: str | None, limit: int,
                  before_id: int | None) -> list[RewardProgram]:
    query = newest_first(select(RewardProgram), RewardProgram.id, limit, before_id)
    if actor.role is Role.BUYER:
        query = query.where(RewardProgram.status == "active")
    elif actor.role is Role.STAFF:
        query = query.where((RewardProgram.store_id == actor.store_id) | RewardProgram.store_id.is_(None))
    query = matching(query, (RewardProgram.store_id, store_id), (RewardProgram.status, status))
    return list(session.scalars(query))


def _timezone(session: Session, store_id: int | None) -> str:
    return PLATFORM_TIMEZONE if store_id is None else catalog.store_by_id(session, store_id).timezone


# --- a buyer's claims: check in, follow, favourite, grab a red packet --------------------------------

@dataclass(frozen=True)
class ClaimRequest:
    product_id: int | None = None  # the product favourited
    order_id: int | None = None  # the order, and its line, reviewed
    sku_id: int | None = None


def claim(session: Session, now: datetime, actor: Principal, program_id: int,
          request: ClaimRequest = ClaimRequest()) -> RewardGrant:
    """The buyer's action the program rewards; once per trigger (a day, a follow, a product, an order line, a packet,
    a card); a free trial's application (a grant row of no reward: the winners are drawn when the trial ends)."""
    program, kind, trigger = _claimed(session, now, actor, program_id, request)
    assert actor.buyer_id is not None
    if kind.grants == "draw":
        raise rules.RewardUnavailable("this program's claim is a draw: POST its draw")
    if kind.grants == "packet":
        return _grab(session, now, program, actor.buyer_id)
    if kind.grants == "apply":
        applied = grants.claim_trigger(session, now, program, actor.buyer_id, draws.APPLY)
        events.record(session, now, "reward.applied", subject(program), program.store_id, buyer_id=actor.buyer_id)
        return applied
    assert program.reward is not None
    if kind.once_per_store:
        _once_per_store(session, program, actor.buyer_id, trigger)
    return grants.grant(session, now, program, actor.buyer_id, trigger, rules.reward_of(program.reward))


def claim_draw(session: Session, now: datetime, actor: Principal, program_id: int) -> LotteryDraw:
    """签到抽奖: the buyer's check-in is one draw from the prize pool, once per store day (the lottery's own draw)."""
    program, kind, trigger = _claimed(session, now, actor, program_id, ClaimRequest())
    assert actor.buyer_id is not None
    if kind.grants != "draw":
        raise rules.RewardUnavailable("this program grants by claim, not by a draw")
    return draws.draw(session, now, program, actor.buyer_id, trigger, program.store_id)


def _claimed(session: Session, now: datetime, actor: Principal, program_id: int,
             request: ClaimRequest) -> tuple[RewardProgram, kinds.Kind, str]:
    """A buyer's claim on a live claim program, and the trigger it counts as (the kind's `key`)."""
    require_role(actor, Role.BUYER)
    assert actor.buyer_id is not None
    program = get_program(session, actor, program_id)
    kind = kinds.kind_of(program.kind)
    if kind.trigger != "claim":
        raise rules.RewardUnavailable("this program is earned by orders, not claimed")
    if not rules.is_live(program.status, program.starts_at, program.ends_at, now):
        raise rules.RewardUnavailable("the program is not running now")
    follows = program.store_id is not None and customers.is_fan(session, actor.buyer_id, program.store_id)
    facts = kinds.ClaimFacts(now, _timezone(session, program.store_id), program.store_id, request.product_id,
                             _line(session, actor, request), follows)
    trigger: str = kind.module.key(program.terms, facts)
    return program, kind, trigger


def _once_per_store(session: Session, program: RewardProgram, buyer_id: int, trigger: str) -> None:
    """关注送券 once per buyer and store, ever: an earlier program of the store that granted it counts. The buyer's row
    is held first, so two claims on two programs of one store queue and the second finds the first's grant."""
    customers.lock_buyer(session, buyer_id)
    earlier = session.scalar(select(RewardGrant.id).where(
        RewardGrant.store_id == program.store_id, RewardGrant.buyer_id == buyer_id, RewardGrant.trigger == trigger,
        RewardGrant.program_id != program.id).limit(1))
    if earlier is not None:
        raise rules.AlreadyRewarded(f"this was rewarded already ({trigger})")


def _line(session: Session, actor: Principal, request: ClaimRequest) -> kinds.LineFacts | None:
    """The order line the claim names, when it names one: the buyer's own (another's answers 404 like a missing one)."""
    if request.order_id is None or request.sku_id is None:
        return None
    order = orders.get_order(session, actor, request.order_id)
    if request.sku_id not in {line.sku_id for line in order.lines}:
        raise NotFound(f"order {request.order_id} has no line of SKU {request.sku_id}")
    return kinds.LineFacts(request.order_id, request.sku_id, order.store_id, order.completed_at is not None)


def _grab(session: Session, now: datetime, program: RewardProgram, buyer_id: int) -> RewardGrant:
    """抢红包: the grab that takes count n of the budget gets packet n."""
    row = grants.claim_trigger(session, now, program, buyer_id, "packet")
    grants.take_tally(session, program, buyer_id)
    seq = grants.take_budget(session, program, 0)
    packet = session.scalar(select(RedPacket).where(RedPacket.program_id == program.id, RedPacket.seq == seq))
    assert packet is not None and packet.buyer_id is None
    packet.buyer_id, packet.grabbed_at = buyer_id, now
    session.execute(update(RewardProgram).where(RewardProgram.id == program.id)
                    .values(spent_minor=RewardProgram.spent_minor + packet.amount_minor)
                    .execution_options(synchronize_session=False))
    return grants.deliver(session, now, program, row, rules.Reward("credit", amount_minor=packet.amount_minor), None)


# --- what orders earn (orders.service.listen, in the order's transaction) --------------------------

def order_paid(session: Session, now: datetime, order: Order) -> None:
    _order_event(session, now, order, "paid")


def order_completed(session: Session, now: datetime, order: Order) -> None:
    _order_event(session, now, order, "completed")


def _order_event(session: Session, now: datetime, order: Order, trigger: str) -> None:
    """Every live program of the order's store (or the platform's) set off by this event gets its chance. A refusal
    (budget spent, the buyer's limit reached) is recorded and rolls back that program's steps only: it never stops
    the payment or the completion that set it off."""
    if order.status != trigger:
        return  # a payment the group buys refused and refunded at once earns nothing
    names = [k.name for k in kinds.KINDS.values() if k.trigger == trigger]
    programs = session.scalars(select(RewardProgram).where(
        RewardProgram.kind.in_(names), RewardProgram.status == "active",
        (RewardProgram.store_id == order.store_id) | RewardProgram.store_id.is_(None)).order_by(RewardProgram.id)).all()
    for program in programs:
        if not rules.is_live(program.status, program.starts_at, program.ends_at, now) or program.currency != order.currency:
            continue  # a platform program in another currency than the order's has nothing to give it
        kind = kinds.kind_of(program.kind)
        facts = kinds.OrderFacts(order.id, order.store_id, order.total_minor, order.paid_at,
                                 _timezone(session, order.store_id))
        reward = rules.reward_of(program.reward) if program.reward else None
        earned = kind.module.earns(program.terms, reward, facts)
        if not earned:
            continue
        try:
            with session.begin_nested():
                if kind.grants == "draw":
                    draws.draw(session, now, program, order.buyer_id, f"order:{order.id}", order.store_id, order.id)
                elif kind.grants == "invite":
                    _reward_inviter(session, now, program, order, earned)
                else:
                    grants.grant(session, now, program, order.buyer_id, f"order:{order.id}", earned,
                                 order_id=order.id, store_id=order.store_id)
        except DomainError as refused:
            events.record(session, now, "reward.not_granted", subject(program), program.store_id,
                          buyer_id=order.buyer_id, order_id=order.id, reason=refused.code)


def _reward_inviter(session: Session, now: datetime, program: RewardProgram, order: Order, reward: rules.Reward) -> None:
    """邀请有礼: the invitee's paid order earns whoever invited them the reward, once per invitee."""
    invitation = session.get(RewardInvitation, (program.id, order.buyer_id))
    if invitation is None or invitation.rewarded_at is not None:
        return
    grants.grant(session, now, program, invitation.inviter_id, f"invitee:{order.buyer_id}", reward, order_id=order.id,
                 store_id=order.store_id)
    invitation.rewarded_at = now


def accept_invitation(session: Session, now: datetime, actor: Principal, program_id: int, inviter_id: int) -> RewardInvitation:
    """The invitee says who invited them, once per program, before the order that earns the inviter the reward."""
    require_role(actor, Role.BUYER)
    assert actor.buyer_id is not None
    program = get_program(session, actor, program_id)
    if kinds.kind_of(program.kind).grants != "invite":
        raise rules.RewardUnavailable("this program rewards no invitations")
    if not rules.is_live(program.status, program.starts_at, program.ends_at, now):
        raise rules.RewardUnavailable("the program is not running now")
    if inviter_id == actor.buyer_id:
        raise InvalidInput("a buyer cannot invite themselves")
    customers.get_buyer(session, SYSTEM, inviter_id)
    if session.get(RewardInvitation, (program.id, actor.buyer_id)) is not None:
        raise rules.AlreadyRewarded("you said who invited you already")
    invitation = RewardInvitation(program_id=program.id, invitee_id=actor.buyer_id, inviter_id=inviter_id, at=now)
    try:
        with session.begin_nested():
            session.add(invitation)
    except IntegrityError:
        raise rules.AlreadyRewarded("you said who invited you already") from None
    events.record(session, now, "reward.invited", subject(program), program.store_id, inviter_id=inviter_id,
                  invitee_id=actor.buyer_id)
    return invitation
