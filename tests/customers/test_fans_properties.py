"""Fan totals are follows less unfollows, whatever buyers do (RULES.md §4.3): random runs of follows, unfollows and
repeated taps by a few buyers on two stores over a few days. Afterwards, for each store: fans gained and lost over the
span are the follows and unfollows that changed something; each day's total is the day before's plus its net; the
last total is follows less unfollows, and the buyers the store counts are the ones the engine prices as fans."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import fan_growth
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.scope import SYSTEM
from support import START, examples

BUYERS, STORES = 3, 2
steps = st.lists(st.one_of(
    st.tuples(st.sampled_from(["follow", "unfollow"]), st.integers(0, BUYERS - 1), st.integers(0, STORES - 1)),
    st.tuples(st.just("wait"), st.sampled_from([1, 5, 13]), st.just(0)),
), min_size=1, max_size=30)


@settings(max_examples=examples(10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_fan_totals_are_follows_less_unfollows(scratch_sqlite: Callable[[], Database], sequence: list[tuple[str, int, int]]) -> None:
    db = scratch_sqlite()
    clock = SimulatedClock(START)
    with db.transaction() as s:
        # a Shanghai store and a New York one: their days are not the same days
        stores = [catalog.create_store(s, clock.now(), SYSTEM, "Fans A", "taobao", "CNY").id,
                  catalog.create_store(s, clock.now(), SYSTEM, "Fans B", "default", "USD", timezone="America/New_York").id]
        buyers = [Principal(Role.BUYER, 0, buyer_id=customers.create_buyer(s, clock.now(), SYSTEM, f"b{n}").id)
                  for n in range(BUYERS)]
    fans: set[tuple[int, int]] = set()
    opened = dict.fromkeys(stores, 0)
    closed = dict.fromkeys(stores, 0)
    # when the buyers follow and unfollow, taps twice over included
    for action, who, which in sequence:
        if action == "wait":
            clock.advance(hours=who)
            continue
        store, buyer = stores[which], buyers[who]
        with db.transaction() as s:
            if action == "follow":
                customers.follow(s, clock.now(), buyer, store)
                opened[store] += (who, store) not in fans
                fans.add((who, store))
            else:
                customers.unfollow(s, clock.now(), buyer, store)
                closed[store] += (who, store) in fans
                fans.discard((who, store))
        clock.advance(minutes=20)
    # then each store's days add up
    with db.read() as s:
        for store in stores:
            zone = ZoneInfo(catalog.store_by_id(s, store).timezone)
            first: date = START.astimezone(zone).date() - timedelta(days=1)
            days = fan_growth.fan_growth(s, clock.now(), SYSTEM, store, first, clock.now().astimezone(zone).date())
            assert sum(d.new for d in days) == opened[store]
            assert sum(d.lost for d in days) == closed[store]
            running = 0
            for day in days:
                running += day.net
                assert day.total == running
            assert days[-1].total == opened[store] - closed[store] == sum(1 for _, st_ in fans if st_ == store)
        for who, buyer in enumerate(buyers):
            assert buyer.buyer_id is not None
            assert customers.fan_of(s, buyer.buyer_id, stores) == {st_ for w, st_ in fans if w == who}
