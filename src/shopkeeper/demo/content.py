"""The demo's influencers and live selling (RULES.md §4.3): the tea house signs two of its buyers as influencers
(达人), one of them streams a live session mid-run with its own code and rate, and the store publishes a content task
that the other accepts, delivers (sent back once, then approved: the fee is paid) and sells through.

Buyers who watch the session open its link while it is live and order as they always do; fans of the task's video
use its code over the following days. Their paid orders are attributed to the session or the task and their
commission goes through distribution's lifecycle (frozen, released when the after-sales window closes, clawed back on
refunds), so the console's live and content page has figures on first run.

Everything goes through `social.content.service` and `social.distribution.service`, as the API would. The desk draws
its own choices from a stream of its own, seeded by the run's, so it disturbs the rest of the demo's draws as little as
it can. A store that already runs a distribution program keeps its terms; otherwise the desk starts one (5% of what
each line paid, a 7-day attribution window), the terms a small Taobao shop would choose.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from shopkeeper.errors import DomainError
from shopkeeper.social.content import service as content
from shopkeeper.social.distribution import rules as distribution_rules
from shopkeeper.social.distribution import service as distribution

if TYPE_CHECKING:
    from shopkeeper.demo.core import DemoShop, DemoShopper
    from shopkeeper.demo.simulation import DemoRun

INFLUENCERS = ("小林穿搭", "茶语阿May")
PROGRAM = distribution_rules.ProgramTerms(enabled=True, attribution_days=7,
                                          rules=(distribution_rules.CommissionRule("store", None, Decimal(5), None),))
SESSION_PERCENT, SESSION_HOURS, VIEWERS = Decimal(8), 2, 12
TASK_PERCENT, TASK_FEE_MINOR, FANS = Decimal(10), 20000, 8


class ContentDesk:
    def __init__(self, demo: DemoRun) -> None:
        self.demo = demo
        self.rng = random.Random(repr(demo.rng.getstate()[1][8:16]))  # the run's seed decides it; nothing drawn from the run's
        self.shop: DemoShop | None = None
        self.influencers: list[DemoShopper] = []
        self.session_code = ""
        self.task_id = 0

    def launch(self, shop: DemoShop) -> None:
        """Sign two influencers, schedule a live session at 40% of the run, publish a task at its start."""
        self.shop = shop
        span = self.demo.end - self.demo.now
        self.influencers = self.rng.sample(shop.shoppers, len(INFLUENCERS))
        starts = self.demo.now + span * 0.4
        with self.demo.db.transaction() as session:
            now = self.demo.now
            if not distribution.get_program(session, shop.staff, shop.store_id).enabled:
                distribution.set_program(session, now, shop.staff, shop.store_id, PROGRAM)
            signed = []
            for who, name in zip(self.influencers, INFLUENCERS):
                promoter, _ = distribution.join(session, now, who.principal, shop.store_id)
                signed.append(distribution.enroll_influencer(session, now, shop.staff, promoter.id, name).id)
            live = content.schedule_session(session, now, shop.staff, content.SessionSpec(
                shop.store_id, signed[0], "周五晚八点 新茶直播", starts, starts + timedelta(hours=SESSION_HOURS),
                SESSION_PERCENT))
            task = content.publish_task(session, now, shop.staff, content.TaskSpec(
                shop.store_id, "春茶开箱短视频", "一分钟开箱并冲泡演示，口播店铺链接。", (), now + span * 0.3,
                self.demo.end + timedelta(days=7), TASK_PERCENT, TASK_FEE_MINOR))
            self.session_code, self.task_id = live.code, task.id
        for _ in range(VIEWERS):
            self.demo.later(starts + timedelta(minutes=self.rng.uniform(5, SESSION_HOURS * 60 - 5)), self.watch, self.session_code)
        self.demo.later(self.demo.now + span * 0.05, self.accept)

    def accept(self) -> None:
        assert self.shop is not None
        try:
            with self.demo.db.transaction() as session:
                code = content.accept(session, self.demo.now, self.influencers[1].principal, self.task_id).code
        except DomainError:
            return
        assert code is not None
        self.demo.later(self.demo.now + timedelta(hours=self.rng.uniform(10, 30)), self.submit, 1)
        for _ in range(FANS):
            self.demo.later(self.demo.now + timedelta(hours=self.rng.uniform(30, 24 * 8)), self.watch, code)

    def submit(self, attempt: int) -> None:
        assert self.shop is not None
        try:
            with self.demo.db.transaction() as session:
                content.submit(session, self.demo.now, self.influencers[1].principal, self.task_id,
                               f"https://video.example.com/tea/{self.task_id}/{attempt}")
        except DomainError:  # a short run: the deadline came first and the timer expired the task
            return
        self.demo.later(self.demo.staff_hours(self.shop, self.demo.now + timedelta(hours=self.rng.uniform(2, 12))),
                        self.review, attempt)

    def review(self, attempt: int) -> None:
        """Staff send the first cut back (口播 missing) and approve the second: its fee goes to the influencer."""
        assert self.shop is not None
        try:
            with self.demo.db.transaction() as session:
                content.decide(session, self.demo.now, self.shop.staff, self.task_id, approve=attempt > 1,
                               note=None if attempt > 1 else "请口播店铺链接")
        except DomainError:
            return
        self.demo.tally["content reviews"] += 1
        if attempt == 1:
            self.demo.later(self.demo.now + timedelta(hours=self.rng.uniform(3, 10)), self.submit, 2)

    def watch(self, code: str) -> None:
        """A viewer or fan opens the link, then orders as buyers do (most pay)."""
        assert self.shop is not None
        shopper = self.rng.choice([s for s in self.shop.shoppers if s not in self.influencers])
        try:
            with self.demo.db.transaction() as session:
                content.touch(session, self.demo.now, shopper.principal, code, "link")
        except DomainError:
            return
        self.demo.tally["content touches"] += 1
        self.demo.place_order(self.shop, shopper)

    def plan_day(self, day_start: datetime, day_end: datetime) -> None:
        """Nothing to plan day by day: the session and the task are scheduled at launch."""

    def summary(self) -> str:
        tally = self.demo.tally
        return f"{tally['content touches']} buyers came through a live session or content task"
