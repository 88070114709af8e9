"""The demo's reward programs: the tea house gives for checking in (签到), following (关注), favouriting (收藏) and
reviewing (好评返利), draws a 满就抽奖 lottery on bigger orders from a prize pool with set odds, pays 返现 cash back on
completed orders, and rains red packets (红包雨) one evening. Its CRM tools: a check-in that is a draw (签到抽奖, store
credit prizes), a 新客卡 buyers claim before buying (its code coupon, off the claimable list, takes 10 yuan off their
orders of 99 or more), and a free trial of its best tea (免费试用: buyers apply for two days, then the timer draws
three winners and asks them for a review).

Every program has a budget. The red packets run out in minutes; the follow gift and the cash back run out over the
month, and the staff end a program the day they see its budget spent; the check-in gift runs on past the end, live
on the console. The lottery and the cash back are earned by orders (the engine hears them); the rest are claimed
by buyers through `social.rewards.service`, as the API would.

The desk draws its own choices from a stream of its own, seeded by the run's. What the engine draws itself (a
lottery's roll, a red packet's split) comes from `secrets` like order numbers: so a prize is store credit, never a
coupon or points (the tea house prices a snack in points, 淘金币价), and no draw changes what a later order costs: one
seed still gives the same orders. For the same reason the trial's coupons, whose winners the engine draws, are valid
only from the run's end (the tea house sends the trial packs the week after).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from shopkeeper.catalog import service as catalog
from shopkeeper.customers import service as customers
from shopkeeper.demo.core import about
from shopkeeper.errors import DomainError
from shopkeeper.orders.models import Order
from shopkeeper.promotions import service as promotions
from shopkeeper.promotions.engine.benefits import Reduction, Tier
from shopkeeper.promotions.engine.terms import Scope
from shopkeeper.promotions.service import CouponSpec
from shopkeeper.social.rewards import rules as reward_rules
from shopkeeper.social.rewards import service as rewards
from shopkeeper.social.rewards.models import LotteryDraw, RewardProgram

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from shopkeeper.demo.core import DemoShop, DemoShopper
    from shopkeeper.demo.simulation import DemoRun

CHECK_INS_PER_DAY = 12.0
FOLLOWS_PER_DAY = 2.0
FAVOURITES_PER_DAY = 4.0
REVIEW_SHARE = 0.6  # of completed orders, a review the buyer claims the gift for
RAIN_GRABBERS = 26  # shoppers who try to grab in the rain, more than there are packets
RAIN_AT = timedelta(days=1, hours=12)  # 20:00 in China on the second day
RAIN_LASTS = timedelta(hours=1)
RAIN_PACKETS = 20
CHECK_OF_BUDGETS_HOUR_UTC = 3  # 11:00 in China: staff look at the programs' budgets
CHECK_IN_DRAWS_PER_DAY = 6.0
CARD_CLAIMS_PER_DAY = 2.0
TRIAL_APPLICATIONS_PER_DAY = 30.0  # more than the units: the draw decides
TRIAL_LASTS = timedelta(days=2)
TRIAL_UNITS = 3
TRIAL_COUPON_DAYS = 14  # the winners' coupons are valid for two weeks from the run's end


def _programs(start: datetime, store_id: int, trial_sku: int, coupons: dict[str, int]) -> list[rewards.ProgramSpec]:
    def spec(kind: str, name: str, **fields: object) -> rewards.ProgramSpec:
        return rewards.ProgramSpec(store_id=store_id, kind=kind, name=name, starts_at=start, **fields)  # type: ignore[arg-type]

    return [
        spec("check_in", "每日签到领积分", reward={"type": "points", "points": 10}, budget_count=20000),
        spec("follow", "关注店铺送50积分", reward={"type": "points", "points": 50}, budget_count=40),
        spec("favourite", "收藏宝贝得积分", reward={"type": "points", "points": 5}, budget_count=2000, per_person_limit=5),
        spec("review", "好评返现2元", reward={"type": "credit", "amount_minor": 200}, budget_minor=20000),
        spec("lottery", "满199抽奖", terms={"threshold_minor": 19900}, budget_count=400, prizes=(
            rewards.PrizeSpec("2元红包", 300_000, 300, {"type": "credit", "amount_minor": 200}),
            rewards.PrizeSpec("10元无门槛红包", 80_000, 30, {"type": "credit", "amount_minor": 1000}),
            rewards.PrizeSpec("免单大奖 88元", 5_000, 1, {"type": "credit", "amount_minor": 8800}))),
        spec("cash_back", "确认收货返现3%", terms={"threshold_minor": 9900, "percent_bp": 300, "cap_minor": 1500},
             budget_minor=30000),
        spec("check_in_lottery", "签到抽红包", budget_count=600, prizes=(
            rewards.PrizeSpec("1元红包", 200_000, 500, {"type": "credit", "amount_minor": 100}),
            rewards.PrizeSpec("5元红包", 20_000, 20, {"type": "credit", "amount_minor": 500}))),
        spec("card", "新客卡", terms={"cards": 30}, reward={"type": "coupon", "template_id": coupons["card"]}),
        spec("trial", "明前龙井免费试用", terms={"sku_id": trial_sku, "units": TRIAL_UNITS}, ends_at=start + TRIAL_LASTS,
             reward={"type": "coupon", "template_id": coupons["trial"]}),
    ]


def _coupons(session: Session, start: datetime, end: datetime, shop: DemoShop, trial_sku: int, price: int) -> dict[str, int]:
    """The card's and the trial's coupons: code coupons nobody claims by themselves, only through their program."""
    store = Scope("store", shop.store_id)
    card = CouponSpec("新客卡 满99减10", "threshold", Reduction((Tier(9900, 1000),)), start, store_id=shop.store_id,
                      scope=store, code=f"CARD{shop.store_id}NEW", valid_days=30, open_ended=True)
    trial = CouponSpec("免费试用装", "cash", Reduction((Tier(0, price),)), start, store_id=shop.store_id,
                       scope=Scope("sku", shop.store_id, frozenset({trial_sku})), code=f"TRIAL{shop.store_id}TEA",
                       valid_from=end, valid_until=end + timedelta(days=TRIAL_COUPON_DAYS), open_ended=True)
    return {name: promotions.create_coupon(session, start, shop.staff, spec).id
            for name, spec in (("card", card), ("trial", trial))}


class RewardDesk:
    def __init__(self, demo: DemoRun) -> None:
        self.demo = demo
        self.rng = random.Random(repr(demo.rng.getstate()[1][16:24]))  # the run's seed decides it; nothing drawn from the run's
        self.crm_rng = random.Random(repr(demo.rng.getstate()[1][24:32]))  # the CRM tools' own stream: the others' stay as they were
        self.shop: DemoShop | None = None
        self.programs: dict[str, int] = {}  # kind → program id
        self.ended: set[str] = set()
        self.products: list[int] = []
        self.reviewed_to = demo.start

    def launch(self, shop: DemoShop) -> None:
        self.shop = shop
        with self.demo.db.read() as session:
            skus, _ = catalog.skus_with_products(session, [i.sku_id for i in shop.items])
        self.products = sorted({s.product_id for s in skus.values()})
        trial = max(shop.items, key=lambda i: i.popularity)  # the best seller is the one to try
        with self.demo.db.transaction() as session:
            coupons = _coupons(session, self.demo.now, self.demo.end, shop, trial.sku_id, trial.list_price)
            for spec in _programs(self.demo.now, shop.store_id, trial.sku_id, coupons):
                self.programs[spec.kind] = rewards.create_program(session, self.demo.now, shop.staff, spec).id
        self.demo.later(self.demo.start + RAIN_AT - timedelta(minutes=30), self.announce_rain)

    def plan_day(self, day_start: datetime, day_end: datetime) -> None:
        for kind, mean in (("check_in", CHECK_INS_PER_DAY), ("follow", FOLLOWS_PER_DAY), ("favourite", FAVOURITES_PER_DAY)):
            for _ in range(about(self.rng, mean * self.demo.scale)):  # as many as the shop's traffic
                at = day_start + timedelta(hours=self.rng.uniform(0, 15))  # 08:00 to 23:00 in China
                if at < day_end:
                    self.demo.later(at, self.claim, kind)
        assert self.shop is not None
        for kind, mean in (("check_in_lottery", CHECK_IN_DRAWS_PER_DAY), ("card", CARD_CLAIMS_PER_DAY),
                           ("trial", TRIAL_APPLICATIONS_PER_DAY)):  # the CRM tools draw from their own stream
            if kind == "trial" and day_start >= self.demo.start + TRIAL_LASTS:
                continue  # applications close with the trial's window
            for _ in range(about(self.crm_rng, mean * self.demo.scale)):
                at = day_start + timedelta(hours=self.crm_rng.uniform(0, 15))
                if at < day_end:
                    self.demo.later(at, self.claim, kind, self.crm_rng.choice(self.shop.shoppers))
        check = day_start + timedelta(hours=CHECK_OF_BUDGETS_HOUR_UTC)
        if check < day_end:
            self.demo.later(check, self.daily_round)

    # --- the buyers' side -------------------------------------------------------------------------

    def claim(self, kind: str, shopper: DemoShopper | None = None,
              request: rewards.ClaimRequest = rewards.ClaimRequest()) -> None:
        shopper = shopper or self._shopper()
        if kind == "favourite":
            request = rewards.ClaimRequest(product_id=self.rng.choice(self.products))
        try:
            with self.demo.db.transaction() as session:
                if kind == "follow" and self.shop is not None:  # 关注送券 rewards a real follow (Store Club)
                    customers.follow(session, self.demo.now, shopper.principal, self.shop.store_id)
                if kind == "check_in_lottery":  # 签到抽奖: the check-in is a draw
                    rewards.claim_draw(session, self.demo.now, shopper.principal, self.programs[kind])
                else:
                    rewards.claim(session, self.demo.now, shopper.principal, self.programs[kind], request)
        except reward_rules.RewardBudgetSpent:
            self.demo.tally["reward claims over budget"] += 1
            return
        except DomainError:  # checked in today already, followed already, the program ended: nothing more
            self.demo.tally["reward claims refused"] += 1
            return
        self.demo.tally[f"{kind} rewards"] += 1

    def announce_rain(self) -> None:
        """红包雨: a pool split into packets at creation; for an hour, whoever grabs first gets one."""
        assert self.shop is not None
        starts = self.demo.now + timedelta(minutes=30)
        spec = rewards.ProgramSpec(store_id=self.shop.store_id, kind="red_packet", name="晚八点红包雨", starts_at=starts,
                                   ends_at=starts + RAIN_LASTS, per_person_limit=1,
                                   terms={"total_minor": 6666, "packets": RAIN_PACKETS, "min_minor": 88})
        with self.demo.db.transaction() as session:
            self.programs["red_packet"] = rewards.create_program(session, self.demo.now, self.shop.staff, spec).id
        for shopper in self.rng.sample(self.shop.shoppers, RAIN_GRABBERS):
            self.demo.later(starts + timedelta(seconds=self.rng.expovariate(1 / 240)), self.claim, "red_packet", shopper)

    def daily_round(self) -> None:
        """The buyers whose orders completed since yesterday may review them for the gift; staff end the programs
        whose budget is spent."""
        assert self.shop is not None
        by_buyer = {s.principal.buyer_id: s for s in self.shop.shoppers}
        with self.demo.db.read() as session:
            completed = session.execute(
                select(Order.id, Order.buyer_id, Order.completed_at).where(
                    Order.store_id == self.shop.store_id, Order.completed_at.is_not(None),
                    Order.completed_at >= self.reviewed_to, Order.completed_at < self.demo.now).order_by(Order.id)).all()
            skus = {order_id: sorted({line.sku_id for line in order.lines}) for order_id, order in
                    ((o.id, o) for o in session.scalars(select(Order).where(Order.id.in_([r[0] for r in completed]))))}
        self.reviewed_to = self.demo.now
        for order_id, buyer_id, _ in completed:
            shopper = by_buyer.get(buyer_id)
            if shopper is not None and self.rng.random() < REVIEW_SHARE:
                at = self.demo.now + timedelta(hours=self.rng.uniform(0, 10))
                request = rewards.ClaimRequest(order_id=order_id, sku_id=self.rng.choice(skus[order_id]))
                self.demo.later(at, self.claim, "review", shopper, request)
        for kind, program_id in self.programs.items():
            if kind not in self.ended:
                self._end_if_spent(kind, program_id)

    def _end_if_spent(self, kind: str, program_id: int) -> None:
        assert self.shop is not None
        with self.demo.db.transaction() as session:
            program = rewards.get_program(session, self.shop.staff, program_id)
            spent = (program.budget_count is not None and program.spent_count >= program.budget_count
                     or program.budget_minor is not None and program.budget_minor - program.spent_minor < _smallest(program))
            if program.status == "active" and spent:
                rewards.end_program(session, self.demo.now, self.shop.staff, program_id)
                self.ended.add(kind)
                self.demo.tally["reward programs ended by budget"] += 1

    def _shopper(self) -> DemoShopper:
        assert self.shop is not None
        return self.rng.choice(self.shop.shoppers)

    def summary(self) -> str:
        with self.demo.db.read() as session:
            draws = session.execute(select(LotteryDraw.outcome)).scalars().all()
        tally = self.demo.tally
        return (f"{len(self.programs)} reward programs gave {tally['check_in rewards']} check-in, {tally['follow rewards']} "
                f"follow, {tally['favourite rewards']} favourite and {tally['review rewards']} review gifts, "
                f"{tally['red_packet rewards']} red packets, and drew {len(draws)} lottery tickets "
                f"({sum(1 for o in draws if o == 'won')} won); {tally['reward programs ended by budget']} ended "
                f"with their budget spent; {tally['check_in_lottery rewards']} check-in draws, "
                f"{tally['card rewards']} 新客卡 claimed, {tally['trial rewards']} trial applications")


def _smallest(program: RewardProgram) -> int:
    """What staff keep back for one more grant of a money-budget program: its reward, or a full cash back (its cap)."""
    return int((program.reward or {}).get("amount_minor") or program.terms.get("cap_minor") or 1)
