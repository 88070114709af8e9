"""Platform red packets' use cases: the operator's programs, stores taking part, ad views, grabs, checkout with the
buyer's packets, what orders' endings do to the packets they spent (heard from orders), expiry (a durable timer),
and the reads the API and the console need.

Every grab is one transaction of guards the database enforces: the ad view used once (a conditional UPDATE), the
buyer's tallies (`granted < cap`, in all and for the day), the pool (`spent_count < packets`); only then the packet,
its ledger transfer and its expiry timer. A refusal raises and the transaction rolls every step back together.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopkeeper import events, rulebooks, timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.db import newest_first
from shopkeeper.errors import InvalidInput, NotAllowedInState, NotFound
from shopkeeper.scope import require_role, require_store_manager
from shopkeeper.settings import DEFAULT_PLATFORM_TIMEZONE
from shopkeeper.social.packets import rules
from shopkeeper.social.packets.models import (
    AdView,
    PacketEntry,
    PacketProgram,
    PacketStore,
    PacketTally,
    PlatformPacket,
)
from shopkeeper.social.rewards.rules import split_packets

if TYPE_CHECKING:
    pass

EXPIRE = "platform_packet.expire"
# the platform's day for per-day caps: the platform's default clock (settings; our choice §16, Beijing time)
PLATFORM_TIMEZONE = DEFAULT_PLATFORM_TIMEZONE
# a platform program splits its pool within the bounds a store's pool keeps (the default rulebook's [rewards])
PLATFORM_RULEBOOK = "default"
ALL_DAYS = "all"


def subject(program: PacketProgram | int) -> str:
    return f"packet_program:{program if isinstance(program, int) else program.id}"


def ledger_ref(program_id: int) -> str:
    return f"platform-packets:{program_id}"


# --- programs and stores ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ProgramSpec:
    name: str
    terms: rules.ProgramTerms
    starts_at: datetime
    ends_at: datetime | None = None
    currency: str = "CNY"
    store_ids: Sequence[int] = ()  # stores the operator names; others may opt in
    split_seed: str | None = None  # the demo's, so a run repeats; otherwise a fresh secret seed per pool


def create_program(session: Session, now: datetime, actor: Principal, spec: ProgramSpec) -> PacketProgram:
    """The operator's program: its pool split into packets now (random, each at least the minimum, summing exactly)."""
    require_role(actor, Role.OPERATOR)
    terms = spec.terms
    rules.check_terms(terms, rulebooks.load(PLATFORM_RULEBOOK).rewards)
    if spec.ends_at is not None and spec.ends_at <= spec.starts_at:
        raise InvalidInput("a program ends after it starts")
    program = PacketProgram(
        name=spec.name, mode=terms.mode, status="active", currency=spec.currency, total_minor=terms.total_minor,
        packets=terms.packets, min_minor=terms.min_minor, spent_count=0, spent_minor=0,
        per_person_limit=terms.per_person_limit, per_day_limit=terms.per_day_limit,
        min_watch_seconds=terms.min_watch_seconds, view_valid_minutes=terms.view_valid_minutes,
        valid_days=terms.valid_days, min_spend_minor=terms.min_spend_minor, starts_at=spec.starts_at,
        ends_at=spec.ends_at, created_at=now)
    session.add(program)
    session.flush()
    seed = spec.split_seed or secrets.token_hex(16)
    split = split_packets(terms.total_minor, terms.packets, terms.min_minor, random.Random(seed))
    session.add_all(PlatformPacket(program_id=program.id, seq=n, amount_minor=amount, left_minor=0, expired_minor=0)
                    for n, amount in enumerate(split, 1))
    events.record(session, now, "platform_packet.program_created", subject(program), None, name=program.name,
                  mode=program.mode, total_minor=program.total_minor, packets=program.packets, currency=program.currency)
    for store_id in spec.store_ids:
        _join(session, now, program, store_id, "operator")
    return program


def join(session: Session, now: datetime, actor: Principal, program_id: int, store_id: int) -> PacketStore:
    """A store takes part: its staff opt in, or the operator names it. Taking part twice changes nothing."""
    require_store_manager(actor, store_id)
    program = get_program(session, actor, program_id)
    if program.status != "active":
        raise NotAllowedInState(f"a red-packet program that is {program.status} takes no more stores",
                                current_status=program.status, action="join")
    return _join(session, now, program, store_id, "operator" if actor.is_operator else "store")


def _join(session: Session, now: datetime, program: PacketProgram, store_id: int, by: str) -> PacketStore:
    store = catalog.store_by_id(session, store_id)
    if store.currency != program.currency:
        raise InvalidInput(f"store {store_id} sells in {store.currency}; the program pays in {program.currency}")
    row = session.get(PacketStore, (program.id, store_id))
    if row is not None:
        return row
    row = PacketStore(program_id=program.id, store_id=store_id, joined_by=by, joined_at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a concurrent join made it
        found = session.get(PacketStore, (program.id, store_id))
        assert found is not None
        return found
    events.record(session, now, "platform_packet.store_joined", subject(program), store_id, by=by)
    return row


def end_program(session: Session, now: datetime, actor: Principal, program_id: int) -> PacketProgram:
    """No more grabs; packets grabbed stay usable until they expire."""
    require_role(actor, Role.OPERATOR)
    program = get_program(session, actor, program_id)
    if program.status != "active":
        raise NotAllowedInState(f"a red-packet program that is {program.status} cannot be ended",
                                current_status=program.status, action="end")
    program.status, program.ended_at = "ended", now
    events.record(session, now, "platform_packet.program_ended", subject(program), None,
                  spent_count=program.spent_count, spent_minor=program.spent_minor, currency=program.currency)
    return program


def get_program(session: Session, actor: Principal, program_id: int) -> PacketProgram:
    """Buyers see active programs; staff and the operator every one (the platform's programs are no store's secret)."""
    program = session.get(PacketProgram, program_id)
    if program is None or actor.role is Role.BUYER and program.status != "active":
        raise NotFound(f"red-packet program {program_id} does not exist")
    return program


def list_programs(session: Session, actor: Principal, status: str | None, limit: int,
                  before_id: int | None) -> list[PacketProgram]:
    query = newest_first(select(PacketProgram), PacketProgram.id, limit, before_id)
    if actor.role is Role.BUYER:
        query = query.where(PacketProgram.status == "active")
    if status is not None:
        query = query.where(PacketProgram.status == status)
    return list(session.scalars(query))


def stores_of(session: Session, program_id: int) -> list[int]:
    return list(session.scalars(select(PacketStore.store_id).where(PacketStore.program_id == program_id)
                                .order_by(PacketStore.store_id)))


# --- 看广告: ad views ---------------------------------------------------------------------------------

def start_ad_view(session: Session, now: datetime, actor: Principal, program_id: int) -> AdView:
    """The platform starts an ad for the buyer: its token allows one grab once the ad has been watched long enough."""
    buyer_id = buyer_of(actor)
    program = _live(session, actor, program_id, now)
    if program.mode != "ad":
        raise rules.PacketUnavailable("this program's packets are grabbed without an ad")
    view = AdView(token=secrets.token_urlsafe(24), program_id=program.id, buyer_id=buyer_id, started_at=now)
    session.add(view)
    session.flush()
    return view


def buyer_of(actor: Principal) -> int:
    require_role(actor, Role.BUYER)
    assert actor.buyer_id is not None
    return actor.buyer_id


def _live(session: Session, actor: Principal, program_id: int, now: datetime) -> PacketProgram:
    program = get_program(session, actor, program_id)
    if not rules.is_live(program.status, program.starts_at, program.ends_at, now):
        raise rules.PacketUnavailable("the program is not running now")
    return program


# --- grabbing ------------------------------------------------------------------------------------

def grab(session: Session, now: datetime, actor: Principal, program_id: int, ad_view_token: str | None = None) -> PlatformPacket:
    """抢红包 (or 看广告抢红包 with a watched ad's token): the grab that takes count n of the pool gets packet n, as the
    buyer's credit until it expires."""
    buyer_id = buyer_of(actor)
    program = _live(session, actor, program_id, now)
    if program.mode == "ad":
        _use_view(session, now, program, buyer_id, ad_view_token)
    elif ad_view_token is not None:
        raise InvalidInput("this program's packets are grabbed without an ad")
    _take_tally(session, program, buyer_id, ALL_DAYS, program.per_person_limit)
    _take_tally(session, program, buyer_id, rules.grab_day(now, PLATFORM_TIMEZONE), program.per_day_limit)
    taken = session.execute(update(PacketProgram).where(
        PacketProgram.id == program.id, PacketProgram.status == "active", PacketProgram.spent_count < PacketProgram.packets)
        .values(spent_count=PacketProgram.spent_count + 1).returning(PacketProgram.spent_count)
        .execution_options(synchronize_session=False)).first()
    if taken is None:
        raise rules.PacketsGone("every packet of this program has been grabbed")
    packet = session.scalar(select(PlatformPacket).where(PlatformPacket.program_id == program.id,
                                                         PlatformPacket.seq == int(taken[0])))
    assert packet is not None and packet.buyer_id is None
    packet.buyer_id, packet.grabbed_at = buyer_id, now
    packet.expires_at, packet.left_minor = rules.expires_at(now, program.valid_days), packet.amount_minor
    session.execute(update(PacketProgram).where(PacketProgram.id == program.id)
                    .values(spent_minor=PacketProgram.spent_minor + packet.amount_minor)
                    .execution_options(synchronize_session=False))
    session.flush()
    post(session, now, "grab", program, packet, packet.amount_minor, rules.PACKET_FUND, rules.BUYER_CREDIT)
    timers.schedule(session, EXPIRE, f"platform_packet:{packet.id}", packet.expires_at, None, packet_id=packet.id)
    events.record(session, now, "platform_packet.grabbed", subject(program), None, buyer_id=buyer_id,
                  packet_id=packet.id, amount_minor=packet.amount_minor, currency=program.currency,
                  expires_at=packet.expires_at.isoformat())
    return packet


def _use_view(session: Session, now: datetime, program: PacketProgram, buyer_id: int, token: str | None) -> None:
    if token is None:
        raise rules.AdViewRefused("watch the program's ad first: a grab needs its ad view token")
    view = session.scalar(select(AdView).where(AdView.token == token))
    if view is None or view.buyer_id != buyer_id or view.program_id != program.id:
        raise rules.AdViewRefused("this ad view is not yours for this program")
    assert program.min_watch_seconds is not None and program.view_valid_minutes is not None
    rules.check_view(view.started_at, view.used_at, now, program.min_watch_seconds, program.view_valid_minutes)
    used = session.execute(update(AdView).where(AdView.id == view.id, AdView.used_at.is_(None)).values(used_at=now)
                           .execution_options(synchronize_session=False))
    if used.rowcount != 1:  # type: ignore[attr-defined]  # a racing grab used it first
        raise rules.AdViewRefused("this ad view was used for a grab already")


def _take_tally(session: Session, program: PacketProgram, buyer_id: int, day: str, cap: int | None) -> None:
    if cap is None:
        return
    if session.get(PacketTally, (program.id, buyer_id, day)) is None:
        try:
            with session.begin_nested():
                session.add(PacketTally(program_id=program.id, buyer_id=buyer_id, day=day, granted=0))
        except IntegrityError:
            pass  # a concurrent first grab made the row; the UPDATE below queues on it
    taken = session.execute(update(PacketTally).where(
        PacketTally.program_id == program.id, PacketTally.buyer_id == buyer_id, PacketTally.day == day,
        PacketTally.granted < cap).values(granted=PacketTally.granted + 1).execution_options(synchronize_session=False))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        if day == ALL_DAYS:
            raise rules.PacketLimitReached(f"one buyer grabs at most {cap} packet(s) of this program in all", limit=cap)
        raise rules.PacketLimitReached(f"one buyer grabs at most {cap} packet(s) of this program a day", limit=cap)


def post(session: Session, now: datetime, kind: str, program: PacketProgram | int, packet: PlatformPacket,
          amount: int, source: str, destination: str, order_id: int | None = None, store_id: int | None = None) -> None:
    """One balanced transfer of the programs' ledger."""
    assert amount > 0 and packet.buyer_id is not None
    program_id = program if isinstance(program, int) else program.id
    currency = program.currency if isinstance(program, PacketProgram) else currency_of(session, program_id)
    reference = f"{kind}-{uuid.uuid4().hex[:16]}"
    for account, minor in ((source, -amount), (destination, amount)):
        session.add(PacketEntry(transfer=reference, kind=kind, program_id=program_id, packet_id=packet.id,
                                buyer_id=packet.buyer_id, order_id=order_id, store_id=store_id, account=account,
                                amount_minor=minor, currency=currency, at=now))


def currency_of(session: Session, program_id: int) -> str:
    program = session.get(PacketProgram, program_id)
    assert program is not None
    return program.currency


# --- reading ------------------------------------------------------------------------------------

def wallet(session: Session, actor: Principal, live_at: datetime | None = None) -> list[PlatformPacket]:
    """A buyer's packets, soonest to expire first (`live_at`: only those with something left then)."""
    buyer_id = buyer_of(actor)
    query = select(PlatformPacket).where(PlatformPacket.buyer_id == buyer_id)
    if live_at is not None:
        query = query.where(PlatformPacket.left_minor > 0, PlatformPacket.expires_at > live_at)
    return list(session.scalars(query.order_by(PlatformPacket.expires_at, PlatformPacket.id)))


def balances(session: Session, program_id: int | None = None) -> dict[str, int]:
    """Each account's balance in the programs' ledger (one program's, or all): they sum to zero."""
    query = select(PacketEntry.account, func.sum(PacketEntry.amount_minor)).group_by(PacketEntry.account)
    if program_id is not None:
        query = query.where(PacketEntry.program_id == program_id)
    sums = dict(session.execute(query).all())
    return {account: int(sums.get(account) or 0) for account in rules.ACCOUNTS}


@dataclass(frozen=True)
class ProgramFigures:
    """A program on the console's board: its pool grabbed and left, its stores, its ledger."""

    program: PacketProgram
    stores: list[int]
    buyers: int
    accounts: dict[str, int]

    @property
    def packets_left(self) -> int:
        return self.program.packets - self.program.spent_count

    @property
    def money_left(self) -> int:
        return self.program.total_minor - self.program.spent_minor


def board(session: Session, actor: Principal) -> list[ProgramFigures]:
    """The console's platform red-packet page (the operator)."""
    require_role(actor, Role.OPERATOR)
    programs = session.scalars(select(PacketProgram).order_by(PacketProgram.id.desc())).all()
    buyers: dict[int, Any] = dict(session.execute(
        select(PlatformPacket.program_id, func.count(PlatformPacket.buyer_id.distinct()))
        .where(PlatformPacket.buyer_id.is_not(None)).group_by(PlatformPacket.program_id)).all())
    return [ProgramFigures(p, stores_of(session, p.id), int(buyers.get(p.id, 0)), balances(session, p.id)) for p in programs]
