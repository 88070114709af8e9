"""Rewards granted are exactly the steps reached, never more: random runs of open, help and waiting (RULES.md §4.1).

After every step: each task's rewards are its reached steps, once each, and its owner holds one coupon per granted
reward; a task's helpers are exactly its help rows, never above its goal; an ended task holds no open slot and a
buyer has at most one open task per offer; no helper passed the daily cap, and the day counts add up to the helps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from invariants import walk
from shopkeeper import timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.errors import DomainError
from shopkeeper.promotions import service as promotions
from shopkeeper.promotions.engine.benefits.reduction import Reduction, Tier
from shopkeeper.promotions.models import Coupon
from shopkeeper.scope import SYSTEM
from shopkeeper.social.assists import helping, rules, service
from shopkeeper.social.assists.models import AssistHelp, AssistHelperDay, AssistReward, AssistTask
from support import START, examples

BUYERS, CAP = 6, 3
STEPS = (rules.Step(1, rules.Reward("coupon", template_id=0)), rules.Step(3, rules.Reward("price", price_minor=999)),
         rules.Step(5, rules.Reward("free_item")))
steps = st.lists(st.one_of(
    st.tuples(st.just("open"), st.integers(0, BUYERS - 1)),
    st.tuples(st.just("help"), st.integers(0, BUYERS - 1), st.integers(0, 3)),
    st.tuples(st.just("wait"), st.sampled_from([1, 7, 23, 25])),
), min_size=1, max_size=30)


class World:
    def __init__(self, db: Database, clock: SimulatedClock) -> None:
        self.db, self.clock = db, clock
        now = clock.now()
        with db.transaction() as s:
            store = catalog.create_store(s, now, SYSTEM, "Assist shop", "taobao", "CNY")
            _, skus = catalog.create_product(s, now, SYSTEM, store.id, catalog.ProductSpec(
                title="Tea", skus=[catalog.SkuSpec(code="A", price_minor=1999)]))
            template = promotions.create_coupon(s, now, SYSTEM, promotions.CouponSpec(
                name="助力券", kind="cash", benefit=Reduction((Tier(0, 300),)), claim_from=now, open_ended=True,
                store_id=store.id, per_buyer_limit=100, valid_days=30))
            steps = (rules.Step(1, rules.Reward("coupon", template_id=template.id)),) + STEPS[1:]
            self.offer = service.create_offer(s, now, SYSTEM, service.OfferSpec(
                store_id=store.id, kind="boost", name="助力", steps=steps, time_limit_hours=24, helper_daily_cap=CAP,
                sku_id=skus[0].id)).id
            self.buyers = [Principal(Role.BUYER, 0, buyer_id=customers.create_buyer(s, now, SYSTEM, f"buyer {n}").id)
                           for n in range(BUYERS)]
        self.codes: list[str] = []

    def run(self, step: tuple) -> None:  # type: ignore[type-arg]
        kind, *args = step
        now = self.clock.now()
        try:
            with self.db.transaction() as s:
                if kind == "open":
                    self.codes.append(helping.open_task(s, now, self.buyers[args[0]], self.offer).code)
                elif kind == "help" and self.codes:
                    helping.help_task(s, now, self.buyers[args[0]], self.codes[-1 - args[1] % len(self.codes)])
        except DomainError:
            pass  # own task, helped already, over the cap, ended: refused, and the rewards must still add up
        if kind == "wait":
            timers.advance_to(self.db, self.clock, now + timedelta(hours=args[0]))
        self.clock.advance(minutes=1)

    def check(self) -> None:
        with self.db.read() as s:
            open_slots: set[tuple[int, int]] = set()
            for task in s.scalars(select(AssistTask)):
                helps = s.scalar(select(func.count()).where(AssistHelp.task_id == task.id))
                granted = list(s.scalars(select(AssistReward.step).where(AssistReward.task_id == task.id)
                                         .order_by(AssistReward.step)))
                assert 0 <= task.helpers <= task.goal and task.helpers == helps
                assert granted == rules.steps_reached(STEPS, task.helpers), (task.id, task.helpers, granted)
                assert (task.status == "complete") == (task.helpers == task.goal)
                if task.status == "open":
                    assert task.open_for is not None and (task.offer_id, task.buyer_id) not in open_slots
                    open_slots.add((task.offer_id, task.buyer_id))
                else:
                    assert task.open_for is None and task.ended_at is not None
            rewards = s.scalar(select(func.count()).select_from(AssistReward).where(AssistReward.status == "granted"))
            assert rewards == s.scalar(select(func.count()).select_from(AssistReward))
            assert s.scalar(select(func.count()).select_from(Coupon)) == rewards
            days = list(s.scalars(select(AssistHelperDay.helps)))
            assert all(0 <= n <= CAP for n in days)
            assert sum(days) == s.scalar(select(func.count()).select_from(AssistHelp))


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_rewards_granted_are_the_steps_reached_after_any_sequence(scratch_sqlite: Callable[[], Database], sequence: list[tuple]) -> None:  # type: ignore[type-arg]
    db = scratch_sqlite()
    walk(World(db, SimulatedClock(START)), sequence)
