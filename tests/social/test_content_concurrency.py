"""A content task goes to one influencer, however many accept at once (RULES.md §4.3).

Acceptance is one conditional UPDATE (`status = 'published'`); on PostgreSQL the racing acceptances queue on the
task's row and re-check the status against the committed one.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.content import ContentShop
from support import Shop

INFLUENCERS = 6


def test_concurrent_acceptances_give_the_task_to_exactly_one_influencer(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given six influencers of the store and one published task
    kol = ContentShop(shop, db, clock)
    keys = []
    for n in range(INFLUENCERS):
        who = shop.new_buyer(f"达人 {n}")
        shop.staff.post("/influencers", {"promoter_id": kol.join(who)["id"], "name": f"达人 {n}"})
        keys.append(who[2].key)
    task = kol.publish()

    # when all six accept at once
    def accept(n: int) -> str:
        response = shop.staff.client.post(f"/api/v1/content-tasks/{task['id']}/accept",
                                          headers={"Authorization": f"Bearer {keys[n]}"})
        return str(response.json()["status"] if response.status_code == 200 else response.json()["code"])

    with ThreadPoolExecutor(max_workers=INFLUENCERS) as pool:
        outcomes = Counter(pool.map(accept, range(INFLUENCERS)))

    # then one took it and the others were told why
    assert outcomes["accepted"] == 1, outcomes
    assert set(outcomes) - {"accepted"} <= {"task-taken", "not-allowed-in-state", "not-found"}
    taken = kol.task(task["id"])
    assert taken["status"] == "accepted" and taken["code"]
