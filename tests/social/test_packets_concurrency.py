"""The pool, the caps and the buyer's credit hold under concurrency (PostgreSQL): 40 buyers grabbing 10 packets at
once get exactly the 10, summing to the pool; one buyer grabbing with 8 watched ads at once gets only the day's 2;
two checkouts of the same buyer at once never spend more credit than the packets hold.

The pool is one conditional UPDATE of the program's row (`spent_count < packets`), each tally one (`granted < cap`),
each packet's balance one (`left_minor >= x`); the racing transactions queue on those rows and the losers find them
spent.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from shopkeeper.auth import Principal, Role
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.errors import DomainError
from shopkeeper.orders.rules import LineRequest
from shopkeeper.scope import SYSTEM
from shopkeeper.social.packets import rules, service, spending
from shopkeeper.social.packets.models import PacketProgram, PlatformPacket
from social.packets import packet_books
from support import Shop


@pytest.fixture(autouse=True)
def postgres_only(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency is PostgreSQL's to prove; SQLite takes one writer at a time")


def _program(db: Database, clock: SimulatedClock, terms: rules.ProgramTerms, store_ids: list[int] | None = None) -> int:
    with db.transaction() as s:
        return service.create_program(s, clock.now(), SYSTEM, service.ProgramSpec(
            "红包雨", terms, clock.now(), store_ids=store_ids or [])).id


def _attempt(db: Database, clock: SimulatedClock, buyer: Principal, program_id: int, token: str | None = None) -> str:
    try:
        with db.transaction() as s:
            service.grab(s, clock.now(), buyer, program_id, token)
        return "grabbed"
    except DomainError as refused:
        return refused.code


def test_40_buyers_grabbing_10_packets_at_once_get_exactly_the_10(db: Database, clock: SimulatedClock) -> None:
    # given a pool of 50.00 in 10 packets and 40 buyers
    program_id = _program(db, clock, rules.ProgramTerms("grab", total_minor=5000, packets=10, min_minor=1, valid_days=7))
    with db.transaction() as s:
        buyers = [Principal(Role.BUYER, 0, buyer_id=customers.create_buyer(s, clock.now(), SYSTEM, f"g{n}").id)
                  for n in range(40)]
    # when they all grab at once
    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = Counter(pool.map(lambda b: _attempt(db, clock, b, program_id), buyers))
    # then ten got a packet, the rest found none, and the packets sum to the pool
    assert outcomes == Counter({"grabbed": 10, "packets-gone": 30}), outcomes
    with db.read() as s:
        program = s.get(PacketProgram, program_id)
        assert program is not None and (program.spent_count, program.spent_minor) == (10, 5000)
        assert s.scalar(select(func.count(PlatformPacket.buyer_id.distinct())).where(PlatformPacket.program_id == program_id)) == 10
    assert packet_books(db)["buyer_credit"] == 5000


def test_one_buyer_with_8_watched_ads_at_once_gets_only_the_days_2(db: Database, clock: SimulatedClock) -> None:
    # given an ad program with 2 packets a day per buyer, and a buyer who watched 8 ads
    program_id = _program(db, clock, rules.ProgramTerms("ad", total_minor=10000, packets=100, min_minor=1, valid_days=7,
                                                        per_day_limit=2, min_watch_seconds=15, view_valid_minutes=30))
    with db.transaction() as s:
        buyer = Principal(Role.BUYER, 0, buyer_id=customers.create_buyer(s, clock.now(), SYSTEM, "eager").id)
        tokens = [service.start_ad_view(s, clock.now(), buyer, program_id).token for _ in range(8)]
    clock.advance(seconds=20)
    # when all 8 grabs arrive at once, and the first token once more beside them
    with ThreadPoolExecutor(max_workers=9) as pool:
        outcomes = Counter(pool.map(lambda t: _attempt(db, clock, buyer, program_id, t), tokens + tokens[:1]))
    # then the day's cap held: two packets, whatever the order of arrival
    assert outcomes["grabbed"] == 2 and sum(outcomes.values()) == 9, outcomes
    assert set(outcomes) <= {"grabbed", "packet-limit-reached", "ad-view-refused"}


def test_two_checkouts_at_once_never_spend_more_than_the_packets_hold(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given the buyer's one packet of 30.00 in a program this store takes part in
    program_id = _program(db, clock, rules.ProgramTerms("grab", total_minor=3000, packets=1, min_minor=1, valid_days=7),
                          [shop.store_id])
    buyer = Principal(Role.BUYER, 0, buyer_id=shop.buyer["id"])
    with db.transaction() as s:
        service.grab(s, clock.now(), buyer, program_id)

    # when the buyer checks out twice at once
    def buy(_: int) -> int:
        with db.transaction() as s:
            placed = spending.checkout(s, clock.now(), buyer, [(shop.store_id, [LineRequest(shop.skus[0], 1)])],
                                      shop.address["id"])
            return placed[0].packets_minor

    with ThreadPoolExecutor(max_workers=2) as pool:
        spent = sorted(pool.map(buy, range(2)))
    # then one order took the packet and the other paid in full
    assert spent == [0, 3000]
    with db.read() as s:
        assert s.scalar(select(func.sum(PlatformPacket.left_minor))) == 0
    books = packet_books(db)
    assert (books["order_funding"], books["buyer_credit"]) == (3000, 0)
