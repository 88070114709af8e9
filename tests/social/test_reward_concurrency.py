"""Budgets hold under concurrency: 100 buyers drawing at once against a budget of 10 prizes get at most 10, and
30 buyers grabbing 10 red packets at once get exactly the 10, summing to the pool.

The budget is one conditional UPDATE of the program's row (`spent + x <= budget`); on PostgreSQL the racing
transactions queue on that row and the losers find it spent.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from shopkeeper.auth import Role, create_key
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers import service as customers
from shopkeeper.db import Database
from shopkeeper.scope import SYSTEM
from shopkeeper.social.rewards import draws
from shopkeeper.social.rewards.models import RewardGrant, RewardPrize, RewardProgram
from social.rewards import books, program
from support import Shop

DRAWERS, BUDGET = 100, 10


def test_100_buyers_drawing_at_once_never_win_more_than_the_budget(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given a lottery whose one prize always comes up, with stock for everyone but a budget of 10 grants
    lottery = program(shop, "lottery", budget_count=BUDGET, prizes=[
        {"name": "1元", "odds_ppm": 1_000_000, "stock": 1000, "reward": {"type": "credit", "amount_minor": 100}}])
    with db.transaction() as session:
        buyers = [customers.create_buyer(session, clock.now(), SYSTEM, f"drawer {n}").id for n in range(DRAWERS)]

    # when 100 buyers draw at once, each in a transaction of their own
    def attempt(buyer_id: int) -> str:
        with db.transaction() as session:
            row = session.get(RewardProgram, lottery["id"])
            assert row is not None
            return draws.draw(session, clock.now(), row, buyer_id, f"order:{buyer_id}").outcome

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = Counter(pool.map(attempt, buyers))

    # then exactly the budget was won, the rest found it spent; the budget row, the prize and the grants agree
    assert outcomes == Counter({"won": BUDGET, "budget_spent": DRAWERS - BUDGET}), outcomes
    with db.read() as session:
        row = session.get(RewardProgram, lottery["id"])
        assert row is not None and row.spent_count == BUDGET
        assert session.scalar(select(func.sum(RewardPrize.awarded)).where(RewardPrize.program_id == row.id)) == BUDGET
        assert session.scalar(select(func.count()).select_from(RewardGrant).where(
            RewardGrant.program_id == row.id, RewardGrant.reward_type == "credit")) == BUDGET
    assert books(db, shop.store_id)["provider"] == BUDGET * 100


def test_30_buyers_grabbing_10_red_packets_at_once_get_exactly_the_10(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given a pool of 50.00 in 10 packets, and 30 buyers with keys
    pool = program(shop, "red_packet", terms={"total_minor": 5000, "packets": 10, "min_minor": 1})
    with db.transaction() as session:
        keys = [create_key(session, clock.now(), Role.BUYER, buyer_id=customers.create_buyer(
            session, clock.now(), SYSTEM, f"grabber {n}").id) for n in range(30)]

    # when they all grab at once over HTTP
    def attempt(key: str) -> tuple[int, int]:
        response = shop.shopper.client.post(f"/api/v1/rewards/programs/{pool['id']}/claim", json={},
                                            headers={"Authorization": f"Bearer {key}"})
        return response.status_code, response.json().get("amount", {}).get("minor", 0)

    with ThreadPoolExecutor(max_workers=12) as executor:
        results = list(executor.map(attempt, keys))

    # then ten got a packet, the packets sum to the pool, twenty found none left
    won = [amount for status, amount in results if status == 201]
    assert len(won) == 10 and sum(won) == 5000 and Counter(s for s, _ in results)[409] == 20
    seen = shop.staff.get(f"/rewards/programs/{pool['id']}")
    assert (seen["spent_count"], seen["spent"]["minor"]) == (10, 5000)
    assert books(db, shop.store_id)["provider"] == 5000


def test_12_buyers_claiming_4_cards_at_once_get_exactly_4_each_with_its_coupon(shop: Shop, db: Database,
                                                                               clock: SimulatedClock) -> None:
    # given a 新客卡 of 4 cards carrying a code coupon, and 12 buyers with keys
    coupon = shop.staff.post("/coupons", {"store_id": shop.store_id, "name": "新客卡 10元", "kind": "cash", "amount_off": "10",
                                          "code": "RACE-CARD", "open_ended": True, "valid_days": 30}, expect=201)
    card = program(shop, "card", terms={"cards": 4}, reward={"type": "coupon", "template_id": coupon["id"]})
    with db.transaction() as session:
        keys = [create_key(session, clock.now(), Role.BUYER, buyer_id=customers.create_buyer(
            session, clock.now(), SYSTEM, f"card claimer {n}").id) for n in range(12)]

    # when they all claim at once over HTTP
    def attempt(key: str) -> int:
        return shop.shopper.client.post(f"/api/v1/rewards/programs/{card['id']}/claim", json={},
                                        headers={"Authorization": f"Bearer {key}"}).status_code

    with ThreadPoolExecutor(max_workers=6) as executor:
        statuses = Counter(executor.map(attempt, keys))

    # then four hold a card, each with the coupon it carries; eight found none left
    assert statuses == Counter({201: 4, 409: 8}), statuses
    assert shop.staff.get(f"/rewards/programs/{card['id']}")["spent_count"] == 4
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(RewardGrant).where(
            RewardGrant.program_id == card["id"], RewardGrant.coupon_id.is_not(None))) == 4
