"""Grants never exceed a program's budget or a buyer's cap, whatever buyers do: random runs of check-ins, lottery
draws and red-packet grabs by a few buyers over a few days. After every step: each program's spent count is its
grants, within its budget; its money spent is its credits, within its money budget; no buyer holds more than the
per-person limit; red packets handed out sum to what was spent; the ledger sums to zero."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from invariants import ledger_sums_to_zero, walk
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.errors import DomainError
from shopkeeper.orders import ledger
from shopkeeper.scope import SYSTEM
from shopkeeper.social.rewards import draws, service
from shopkeeper.social.rewards.models import RedPacket, RewardGrant, RewardProgram
from support import START, examples

BUYERS = 4
steps = st.lists(st.one_of(
    st.tuples(st.sampled_from(["check_in", "draw", "grab"]), st.integers(0, BUYERS - 1)),
    st.tuples(st.just("wait"), st.sampled_from([1, 7, 24])),
), min_size=1, max_size=30)


class World:
    def __init__(self, db: Database, clock: SimulatedClock) -> None:
        self.db, self.clock = db, clock
        now = clock.now()
        with db.transaction() as s:
            self.store = catalog.create_store(s, now, SYSTEM, "Reward shop", "taobao", "CNY").id
            spec = service.ProgramSpec
            self.programs = {
                "check_in": service.create_program(s, now, SYSTEM, spec(
                    self.store, "check_in", "签到", now, reward={"type": "credit", "amount_minor": 30},
                    budget_count=6, budget_minor=150, per_person_limit=2)).id,
                "draw": service.create_program(s, now, SYSTEM, spec(
                    self.store, "lottery", "抽奖", now, budget_count=3, per_person_limit=1, prizes=[
                        service.PrizeSpec("1元", 700_000, 2, {"type": "credit", "amount_minor": 100}),
                        service.PrizeSpec("积分", 200_000, 9, {"type": "points", "points": 5})])).id,
                "grab": service.create_program(s, now, SYSTEM, spec(
                    self.store, "red_packet", "红包", now, terms={"total_minor": 500, "packets": 3, "min_minor": 50})).id,
            }
            self.buyers = [Principal(Role.BUYER, 0, buyer_id=customers.create_buyer(s, now, SYSTEM, f"b{n}").id)
                           for n in range(BUYERS)]
        self.draws = 0

    def run(self, step: tuple) -> None:  # type: ignore[type-arg]
        kind, arg = step
        if kind == "wait":
            self.clock.advance(hours=arg)
            return
        buyer, now = self.buyers[arg], self.clock.now()
        try:
            with self.db.transaction() as s:
                if kind == "draw":
                    self.draws += 1
                    program = s.get(RewardProgram, self.programs["draw"])
                    assert program is not None and buyer.buyer_id is not None
                    draws.draw(s, now, program, buyer.buyer_id, f"order:{self.draws}", seed=f"seed{self.draws}")
                else:
                    service.claim(s, now, buyer, self.programs[kind])
        except DomainError:
            pass  # rewarded already, limit reached, budget spent: refused, and the figures must still hold
        self.clock.advance(minutes=5)

    def check(self) -> None:
        with self.db.read() as s:
            for program in s.scalars(select(RewardProgram)):
                granted = s.scalars(select(RewardGrant).where(RewardGrant.program_id == program.id,
                                                               RewardGrant.reward_type != "none")).all()
                assert program.spent_count == len(granted)
                assert program.budget_count is None or program.spent_count <= program.budget_count
                assert program.spent_minor == sum(g.amount_minor for g in granted)
                assert program.budget_minor is None or program.spent_minor <= program.budget_minor
                per_buyer = Counter(g.buyer_id for g in granted)
                assert program.per_person_limit is None or max(per_buyer.values(), default=0) <= program.per_person_limit
            packets = s.scalar(select(func.coalesce(func.sum(RedPacket.amount_minor), 0)).where(RedPacket.buyer_id.is_not(None)))
            grab = s.get(RewardProgram, self.programs["grab"])
            assert grab is not None and packets == grab.spent_minor
            paid = -ledger_sums_to_zero(s, self.store)[ledger.STORE_BALANCE]
            assert paid == sum(p.spent_minor for p in s.scalars(select(RewardProgram)))  # every credit, out of the store


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_grants_stay_within_budgets_and_caps_after_any_sequence(scratch_sqlite: Callable[[], Database], sequence: list[tuple]) -> None:  # type: ignore[type-arg]
    db = scratch_sqlite()
    walk(World(db, SimulatedClock(START)), sequence)
