"""Distribution (分销, RULES.md §4.2, §17.2) through the API on the simulated clock: touch, pay, freeze, release when
the after-sales window closes, claw back on refunds, statements, payouts, and the law refusing what crosses it."""

from __future__ import annotations

from typing import Any

import pytest

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.distribution import PROGRAM, DistShop
from support import Shop


@pytest.fixture
def dist(shop: Shop, db: Database, clock: SimulatedClock) -> DistShop:
    return DistShop(shop, db, clock, levels=[{"name": "银牌", "min_sales": "50.00", "bonus_percent": "1"}])


def test_commission_is_frozen_at_payment_and_released_when_the_after_sales_window_closes(dist: DistShop) -> None:
    # given a customer who opened the promoter's share link, then bought the 59.90 tee
    customer = dist.shop.new_buyer("Han Meimei")
    dist.touch(customer)
    order = dist.buy(customer)
    assert order["lines"][0]["payable"]["minor"] == 5990

    # then 5% of what the line paid, half-up (299.5 → 300), is frozen: the store's pledge, not yet its money
    assert dist.figures() == {"frozen": 300, "released": 0, "clawed_back": 0, "paid_out": 0, "balance": 0}
    books = dist.books()
    assert (books["commission_frozen"], books["commission_pledged"], books["store_balance"]) == (300, -300, 0)

    # when the order ships by express and the buyer confirms at once
    dist.clock.advance(hours=5)
    dist.ship_and_confirm(order, customer)
    # the commission waits for Taobao's case window: 25 days from shipment (10 auto-confirm + 15, rulebook)
    dist.run_timers(days=24, hours=23)
    assert dist.figures()["frozen"] == 300
    dist.run_timers(hours=2)

    # then it is released: the store funds it from its balance; the promoter may ask for it; sales raised the level
    assert dist.figures() == {"frozen": 0, "released": 300, "clawed_back": 0, "paid_out": 0, "balance": 300}
    books = dist.books()
    assert (books["commission_frozen"], books["commission_payable"]) == (0, 300)
    assert books["store_balance"] == order["total"]["minor"] - 300
    statement = dist.statement()
    assert [e["kind"] for e in statement["entries"]] == ["released", "frozen"]
    assert (statement["promoter"]["level"], statement["promoter"]["released_sales"]["minor"]) == (1, 5990)
    dist.run_timers(days=3)  # a repeated timer changes nothing
    assert dist.figures()["released"] == 300


def test_a_full_refund_claws_back_every_fen(dist: DistShop) -> None:
    customer = dist.shop.new_buyer("Han Meimei")
    dist.touch(customer)
    order = dist.buy(customer, quantity=3)  # 179.70: 898.5 → 899 frozen
    assert dist.figures()["frozen"] == 899
    customer[2].post(f"/orders/{order['id']}/cancel", {"reason": "changed_mind"})
    assert dist.figures() == {"frozen": 0, "released": 0, "clawed_back": 899, "paid_out": 0, "balance": 0}
    books = dist.books()
    assert (books["commission_frozen"], books["commission_pledged"], books["commission_payable"]) == (0, 0, 0)
    dist.run_timers(days=60)
    assert dist.figures()["released"] == 0


def test_a_partial_refund_claws_back_in_proportion_and_the_rest_is_released(dist: DistShop) -> None:
    customer = dist.shop.new_buyer("Han Meimei")
    dist.touch(customer)
    order = dist.buy(customer, quantity=2)  # 119.80 → 599 frozen
    total = order["total"]["minor"]
    dist.shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "SF", "tracking_number": "SF0000000001"})
    dist.clock.advance(days=2)

    # when after-sales refunds 30.00 of it (a refund-only case the seller accepts)
    case = customer[2].post(f"/orders/{order['id']}/cases", {"reason": "inad_color", "agreement": "refund_only",
                                                            "refund": "30.00"}, expect=201)
    dist.shop.staff.post(f"/cases/{case['id']}/accept")

    # then the commission comes back in proportion: 599 × 3000 / total, half-up
    clawed = (599 * 3000 * 2 + total) // (2 * total)
    assert dist.figures() == {"frozen": 599 - clawed, "released": 0, "clawed_back": clawed, "paid_out": 0, "balance": 0}
    dist.run_timers(days=30)  # the case window (25 days from shipment) closed: the rest is released
    assert dist.figures() == {"frozen": 0, "released": 599 - clawed, "clawed_back": clawed, "paid_out": 0,
                              "balance": 599 - clawed}
    assert dist.books()["commission_payable"] == 599 - clawed


def test_no_commission_outside_the_window_for_the_promoters_own_orders_or_without_a_touch(dist: DistShop) -> None:
    late = dist.shop.new_buyer("late")
    dist.touch(late)
    dist.clock.advance(days=8)  # the store's window is 7 days
    dist.buy(late)
    dist.buy(dist.shop.new_buyer("nobody sent me"))
    assert dist.touch(dist.promoter_buyer, expect=422)["code"] == "invalid-input"  # a promoter's own code
    dist.buy(dist.promoter_buyer)
    assert dist.figures()["frozen"] == 0 and dist.statement()["entries"] == []


def test_the_last_touch_wins(dist: DistShop) -> None:
    other = dist.join(dist.shop.new_buyer("推广员 Li"))
    customer = dist.shop.new_buyer("Han Meimei")
    dist.touch(customer)
    dist.clock.advance(hours=1)
    dist.touch(customer, other["code"])
    dist.buy(customer)
    assert dist.figures()["frozen"] == 0 and dist.figures(other)["frozen"] == 300


FORBIDDEN: list[tuple[dict[str, Any], str]] = [
    ({"entry_fee": "99.00"}, "form 2"),
    ({"required_purchase": "199.00"}, "form 2"),
    ({"pay_per_recruit": "5.00"}, "form 1"),
    ({"level_basis": "recruits"}, "form 1"),
    ({"levels_paid": 3, "second_level_opt_in": True, "acknowledged_warning": True, "second_level_percent": "1"}, "form 3"),
    ({"levels_paid": 2, "second_level_percent": "1"}, "form 3"),  # no opt-in
    ({"levels_paid": 2, "second_level_opt_in": True, "second_level_percent": "1"}, "form 3"),  # the warning not acknowledged
]


@pytest.mark.parametrize(("config", "form"), FORBIDDEN)
def test_a_configuration_that_crosses_the_law_is_refused_citing_the_rule(dist: DistShop, config: dict[str, Any],
                                                                          form: str) -> None:
    problem = dist.put_program(expect=422, **config)
    assert problem["code"] == "pyramid-rule"
    assert "禁止传销条例 Art. 7" in problem["detail"] and form in problem["detail"]
    zh = dist.shop.staff.call("PUT", f"/distribution/programs/{dist.shop.store_id}", json={**PROGRAM, **config},
                              expect=422, headers={"Accept-Language": "zh-CN"})
    assert "《禁止传销条例》第七条" in zh["detail"]
    assert dist.shop.staff.get(f"/distribution/programs/{dist.shop.store_id}")["levels_paid"] == 1  # unchanged


def test_a_second_level_pays_only_the_direct_recruiter_on_a_real_sale_and_never_a_third(dist: DistShop) -> None:
    # given the warned opt-in: 5% to the promoter, 1% to the promoter's direct recruiter
    program = dist.put_program(levels_paid=2, second_level_opt_in=True, acknowledged_warning=True, second_level_percent="1")
    assert program["levels_paid"] == 2 and "团队计酬" in program["second_level_warning"]
    recruit = dist.shop.new_buyer("推广员 Wang")
    b = dist.join(recruit, recruiter_code=dist.promoter["code"])
    c = dist.join(dist.shop.new_buyer("推广员 Zhao"), recruiter_code=b["code"])
    assert b["recruiter_id"] == dist.promoter["id"] and c["recruiter_id"] == b["id"]
    assert dist.figures()["frozen"] == 0  # recruiting itself pays nothing

    customer = dist.shop.new_buyer("Han Meimei")
    dist.touch(customer, c["code"])
    dist.buy(customer)
    # then C (5%: 300) and C's recruiter B (1%: 60); A, two levels up, nothing
    assert (dist.figures(c)["frozen"], dist.figures(b)["frozen"], dist.figures()["frozen"]) == (300, 60, 0)


def test_payouts_never_exceed_the_balance_and_a_clawback_after_release_is_carried(dist: DistShop) -> None:
    customer = dist.shop.new_buyer("Han Meimei")
    dist.touch(customer)
    order = dist.buy(customer)
    dist.ship_and_confirm(order, customer)
    dist.run_timers(days=26)
    me = dist.promoter_buyer[2]
    path = f"/promoters/{dist.promoter['id']}/payouts"
    assert me.post(path, {"amount": "3.01"}, expect=409)["code"] == "payout-exceeds-balance"
    first = me.post(path, {"amount": "2.00"}, expect=201, headers={"Idempotency-Key": "p-1"})
    again = me.post(path, {"amount": "2.00"}, expect=201, headers={"Idempotency-Key": "p-1"})
    assert again["id"] == first["id"] and first["status"] == "requested"
    rejected = me.post(path, {"amount": "1.00"}, expect=201)
    dist.shop.staff.post(f"{path}/{rejected['id']}/reject", {"note": "ask again later"})
    approved = dist.shop.staff.post(f"{path}/{first['id']}/approve")
    assert (approved["status"], approved["allowed_actions"]) == ("approved", [])
    assert dist.shop.staff.post(f"{path}/{first['id']}/approve", expect=409)["code"] == "not-allowed-in-state"
    assert dist.figures() == {"frozen": 0, "released": 300, "clawed_back": 0, "paid_out": 200, "balance": 100}
    assert dist.books()["commission_payable"] == 100
    # a stranger and another store's staff see nothing
    dist.shop.new_buyer("stranger")[2].get(f"/promoters/{dist.promoter['id']}/statement", expect=404)
    assert [p["id"] for p in me.get("/promoters")["items"]] == [dist.promoter["id"]]
    board = dist.shop.staff.get(f"/promoters?store_id={dist.shop.store_id}")["items"]
    assert len(board) == 1 and board[0]["paid_out"]["minor"] == 200
