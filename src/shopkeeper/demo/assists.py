"""The demo's 邀请助力: the tea house offers one of its teas for friends' help: two helpers bring it to a lower price,
four make it free. Buyers open tasks and share them; friends help over the next hours, as many as the task's fate
allows: some tasks reach every step and unlock the tea, some stop short and expire when their time is up (the
engine's timer), keeping the step they reached, some find no friend at all. The first day's tasks take the fates in turn,
so every run shows each; one is opened a few hours before the end, still gathering help on the console.

Everything goes through `social.assists` (open a task, help by its share code), as the API would. The desk draws
its own choices from a stream of its own, seeded by the run's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from shopkeeper.demo.core import about
from shopkeeper.errors import DomainError
from shopkeeper.social.assists import helping
from shopkeeper.social.assists import rules as assist_rules
from shopkeeper.social.assists import service as assists

if TYPE_CHECKING:
    from shopkeeper.demo.core import DemoShop, DemoShopper
    from shopkeeper.demo.simulation import DemoRun

Fate = Literal["unlock", "short", "alone", "live"]  # every step; some steps, then expiry; no helper; still open at the end
FATES: tuple[Fate, ...] = ("unlock", "short", "alone")
FATE_WEIGHTS = (55, 30, 15)
TASKS_PER_DAY = 2.0  # at full traffic (the run's scale 1); never fewer than one a day
LEAST_PER_DAY = 1.0
TIME_LIMIT_HOURS = 24
HELPER_DAILY_CAP = 3
STEPS = ((2, 0.5), (4, 0.0))  # helpers → the tea at this share of its price (0: free)
LIVE_BEFORE_END = timedelta(hours=6)


@dataclass
class Task:
    code: str
    fate: Fate


class AssistDesk:
    def __init__(self, demo: DemoRun) -> None:
        self.demo = demo
        self.rng = random.Random(repr(demo.rng.getstate()[1][24:32]))  # the run's seed decides it; nothing drawn from the run's
        self.shop: DemoShop | None = None
        self.offer_id = 0
        self.goal = STEPS[-1][0]
        self.tasks: list[Task] = []

    def launch(self, shop: DemoShop) -> None:
        """好友助力: one SKU of a popular tea, at half price with two helpers and free with four, in 24 hours."""
        self.shop = shop
        item = sorted((i for i in shop.items if not i.scarce), key=lambda i: -i.popularity)[3]
        steps = tuple(assist_rules.Step(helpers, assist_rules.Reward("free_item") if share == 0 else
                                        assist_rules.Reward("price", price_minor=int(round(item.price * share, -1))))
                      for helpers, share in STEPS)
        spec = assists.OfferSpec(store_id=shop.store_id, kind="boost", name="好友助力 免费领茶", steps=steps,
                                 time_limit_hours=TIME_LIMIT_HOURS, helper_daily_cap=HELPER_DAILY_CAP, sku_id=item.sku_id)
        with self.demo.db.transaction() as session:
            self.offer_id = assists.create_offer(session, self.demo.now, shop.staff, spec).id
        for n, fate in enumerate(FATES):  # the first day, one task of each fate: every run shows each
            self.demo.later(self.demo.start + timedelta(hours=2 + 3 * n + self.rng.uniform(0, 2)), self.open_task, fate)
        self.demo.later(self.demo.end - LIVE_BEFORE_END, self.open_task, "live")

    def plan_day(self, day_start: datetime, day_end: datetime) -> None:
        for _ in range(about(self.rng, max(TASKS_PER_DAY * self.demo.scale, LEAST_PER_DAY))):
            at = day_start + timedelta(hours=self.rng.uniform(1, 14))  # 09:00 to 22:00 in China
            if at < day_end - LIVE_BEFORE_END:
                self.demo.later(at, self.open_task, self.rng.choices(FATES, FATE_WEIGHTS)[0])

    def open_task(self, fate: Fate) -> None:
        """发起助力, then the share: friends come over the task's hours, as many as its fate allows."""
        assert self.shop is not None
        opener = self._shopper()
        try:
            with self.demo.db.transaction() as session:
                task = Task(helping.open_task(session, self.demo.now, opener.principal, self.offer_id).code, fate)
        except DomainError:  # this buyer has a task open on the offer already
            self.demo.tally["assist tasks refused"] += 1
            return
        self.tasks.append(task)
        self.demo.tally["assist tasks opened"] += 1
        first, last = STEPS[0][0], self.goal
        helpers = {"unlock": last, "short": self.rng.randint(first, last - 1), "alone": 0, "live": 1}[fate]
        span = timedelta(hours=TIME_LIMIT_HOURS - 2 if fate != "live" else 4)
        for _ in range(helpers):
            self.demo.later(self.demo.now + timedelta(minutes=5) + span * self.rng.random() ** 2, self.help, task, opener)

    def help(self, task: Task, opener: DemoShopper) -> None:
        """助力 by the share code: a friend who helped today's share of tasks already is turned away, and another
        friend comes a little later."""
        helper = self._shopper()
        if helper is opener:
            helper = self._shopper()
        try:
            with self.demo.db.transaction() as session:
                _, granted = helping.help_task(session, self.demo.now, helper.principal, task.code)
                unlocked = sum(1 for r in granted if r.status == helping.GRANTED)
        except (assist_rules.HelperDailyCap, assist_rules.AlreadyHelped):
            self.demo.tally["assist helps refused"] += 1
            self.demo.later(self.demo.now + timedelta(minutes=self.rng.uniform(5, 40)), self.help, task, opener)
            return
        except DomainError:  # the task completed or ran out of time meanwhile, or the friend was its opener
            self.demo.tally["assist helps refused"] += 1
            return
        self.demo.tally["assist helps"] += 1
        self.demo.tally["assist rewards unlocked"] += unlocked

    def _shopper(self) -> DemoShopper:
        assert self.shop is not None
        return self.rng.choice(self.shop.shoppers)

    def summary(self) -> str:
        tally = self.demo.tally
        return (f"{tally['assist tasks opened']} 助力 tasks opened, {tally['assist helps']} helps given and "
                f"{tally['assist rewards unlocked']} rewards unlocked")
