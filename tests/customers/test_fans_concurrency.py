"""Following holds under concurrency (PostgreSQL): one buyer tapping follow eight times at once follows once, and
claims on two follow programs of one store at once are granted once (关注送券 once per buyer and store).

A buyer's follows queue on their row (`customers.lock_buyer`) and the open spell's key is unique; the follow reward
holds the buyer's row before it looks for the store's earlier grant.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from shopkeeper.auth import Principal, Role
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.customers.models import StoreFollow
from shopkeeper.db import Database
from shopkeeper.errors import DomainError
from shopkeeper.events import Event
from shopkeeper.social.rewards import service as rewards
from shopkeeper.social.rewards.models import RewardGrant
from social.rewards import program
from support import Shop


@pytest.fixture(autouse=True)
def postgres_only(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a race needs concurrent writers: PostgreSQL only")


def test_eight_follows_at_once_make_one_fan(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    buyer = Principal(Role.BUYER, 0, buyer_id=shop.buyer["id"])

    def tap(_: int) -> bool:
        with db.transaction() as session:
            return customers.follow(session, clock.now(), buyer, shop.store_id).following

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(tap, range(8)))
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(StoreFollow)) == 1
        assert session.scalar(select(func.count()).select_from(Event).where(Event.type == "store.followed")) == 1


def test_claims_on_two_follow_programs_at_once_are_granted_once(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given two follow programs of one store, and a fan
    programs = [program(shop, "follow", reward={"type": "points", "points": 5}, name=f"关注 {n}")["id"] for n in range(2)]
    buyer = Principal(Role.BUYER, 0, buyer_id=shop.buyer["id"])
    with db.transaction() as session:
        customers.follow(session, clock.now(), buyer, shop.store_id)

    # when the fan claims both at once, a few times over
    def attempt(program_id: int) -> str:
        try:
            with db.transaction() as session:
                rewards.claim(session, clock.now(), buyer, program_id)
            return "granted"
        except DomainError as refused:
            return refused.code

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(attempt, programs * 3))
    # then one claim was granted, the others found it rewarded already
    assert sorted(outcomes) == ["already-rewarded"] * 5 + ["granted"]
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(RewardGrant)) == 1
