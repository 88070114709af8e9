"""Exactly once: 100 helpers at once on a task whose last step needs 10 grant each step's reward once, count exactly 10.

The count is one conditional UPDATE of the task's row (open, time left, `helpers < goal`); on PostgreSQL the racing
helps queue on that row, each gets its own count, and the help that makes count n alone grants the step needing n.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.social.assists.models import AssistHelp, AssistReward
from social.assists import AssistShop
from support import Shop

HELPERS, GOAL = 100, 10


def test_100_helpers_at_once_on_a_10_helper_step_grant_each_reward_once(shop: Shop, db: Database,
                                                                          clock: SimulatedClock) -> None:
    # given a task whose steps need 5 and 10 helpers, and 100 friends with the share code
    assists = AssistShop(shop, db, clock, steps=[{"helpers": 5, "reward": {"kind": "price", "price": "19.90"}},
                                                 {"helpers": GOAL, "reward": {"kind": "free_item"}}])
    task = assists.open()
    helpers = assists.helpers(HELPERS)

    # when all of them help at once over HTTP
    def attempt(n: int) -> str:
        who = helpers[n]
        response = who.client.post(f"/api/v1/assists/{task['code']}/help", headers={"Authorization": f"Bearer {who.key}"})
        return "helped" if response.status_code == 200 else str(response.json()["code"])

    with ThreadPoolExecutor(max_workers=24) as pool:
        outcomes = Counter(pool.map(attempt, range(HELPERS)))

    # then exactly ten helped, the rest found the task complete, and each step granted one coupon
    assert outcomes == Counter({"helped": GOAL, "assist-not-open": HELPERS - GOAL}), outcomes
    seen = assists.task(task["id"])
    assert (seen["status"], seen["helpers"]) == ("complete", GOAL)
    assert [(r["step"], r["status"]) for r in seen["rewards"]] == [(1, "granted"), (2, "granted")]
    assert len(shop.shopper.get("/me/coupons")) == 2
    with db.read() as session:
        positions = sorted(session.scalars(select(AssistHelp.position).where(AssistHelp.task_id == task["id"])))
        rewards = session.scalar(select(func.count()).select_from(AssistReward).where(AssistReward.task_id == task["id"]))
    assert positions == list(range(1, GOAL + 1)) and rewards == 2
