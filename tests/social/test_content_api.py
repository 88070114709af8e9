"""KOL and live-stream attribution, content tasks (RULES.md §4.3) through the API on the simulated clock: a session's
code names the session while it is live; its orders, GMV, refunds and commission; the commission frozen, released and
clawed back by distribution's one lifecycle; a task published, accepted, submitted, rejected, approved (its fee paid),
or expired by its deadline timer; the sales its code brought within its window."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from social.content import ContentShop
from support import Shop


@pytest.fixture
def kol(shop: Shop, db: Database, clock: SimulatedClock) -> ContentShop:
    return ContentShop(shop, db, clock)


def test_a_live_session_counts_the_orders_its_live_touches_bring_through_the_one_commission_lifecycle(kol: ContentShop) -> None:
    # given an influencer's session from in 1 hour to in 3 hours, at its own 8%
    live = kol.schedule(commission_percent="8")
    assert (live["status"], live["link"]) == ("scheduled", f"/stores/{kol.shop.store_id}?live={live['code']}")
    early, viewer, another = (kol.shop.new_buyer(n) for n in ("early", "viewer", "another"))

    # when one buyer opens the link before the start: the touch reaches the influencer but names no session
    assert kol.content_touch(early, live["code"])["live_session_id"] is None
    kol.clock.advance(hours=1, minutes=30)
    assert kol.live(live["id"])["status"] == "live"
    assert kol.content_touch(viewer, live["code"])["live_session_id"] == live["id"]
    kol.content_touch(another, live["code"])
    first = kol.buy(viewer)  # 59.90 at 8%: 479.2 → 479
    second = kol.buy(another, quantity=2)  # 119.80: 958.4 → 958
    kol.buy(early)  # the influencer's sale at the program's 5%, not the session's

    # then the session has both its orders, their GMV and commission; the influencer's balance holds all three frozen
    gmv = first["total"]["minor"] + second["total"]["minor"]
    assert kol.minor(kol.live(live["id"])["figures"]) == {"orders": 2, "gmv": gmv, "refunded": 0, "commission": 479 + 958}
    assert kol.figures(kol.influencer_as_promoter())["frozen"] == 479 + 958 + 300

    # when the second buyer cancels (a full refund) and the first order completes and its window closes
    another[2].post(f"/orders/{second['id']}/cancel", {"reason": "changed_mind"})
    kol.clock.advance(hours=5)
    kol.ship_and_confirm(first, viewer)
    kol.run_timers(days=30)

    # then the refund shows on the session and its commission is clawed back; the rest was released, as for any promoter
    figures = kol.minor(kol.live(live["id"])["figures"])
    assert figures == {"orders": 2, "gmv": gmv, "refunded": second["total"]["minor"], "commission": 479}
    kinds = [e["kind"] for e in kol.statement(kol.influencer_as_promoter())["entries"]]
    assert kinds.count("released") == 1 and kinds.count("clawed_back") == 1
    assert kol.books()["commission_payable"] == 479  # the ledger sums to zero (books() asserts it)
    page = kol.shop.staff.get(f"/live-sessions?store_id={kol.shop.store_id}")
    assert [s["id"] for s in page["items"]] == [live["id"]] and page["items"][0]["status"] == "ended"


def test_a_content_task_from_publishing_to_approval_pays_its_fee_and_counts_its_sales(kol: ContentShop) -> None:
    # given a task paying 200.00 for the content and 10% on the sales its code brings
    task = kol.publish(fee="200.00", commission_percent="10", product_ids=[kol.shop.product["id"]])
    assert (task["status"], task["code"], task["allowed_actions"]) == ("published", None, ["withdraw"])
    influencer = kol.influencer_buyer[2]
    stranger = kol.shop.new_buyer("not signed")
    assert kol.task(task["id"], influencer)["allowed_actions"] == ["accept"]
    assert stranger[2].post(f"/content-tasks/{task['id']}/accept", expect=404)["code"] == "not-found"

    # when the influencer accepts, a buyer comes through the task's code and buys
    taken = influencer.post(f"/content-tasks/{task['id']}/accept")
    assert taken["status"] == "accepted" and taken["code"]
    assert influencer.post(f"/content-tasks/{task['id']}/accept", expect=409)["code"] == "not-allowed-in-state"
    customer = kol.shop.new_buyer("fan")
    assert kol.content_touch(customer, taken["code"])["task_id"] == task["id"]
    order = kol.buy(customer)  # 59.90 at 10%: 599

    # then the task shows the sale it brought, at its own rate
    assert kol.minor(kol.task(task["id"])["figures"]) == {"orders": 1, "gmv": order["total"]["minor"], "refunded": 0,
                                                          "commission": 599}

    # when the content is submitted, sent back, submitted again and approved (twice, with one Idempotency-Key)
    influencer.post(f"/content-tasks/{task['id']}/submit", {"url": "https://video.example.com/v/1"})
    rejected = kol.shop.staff.post(f"/content-tasks/{task['id']}/reject", {"note": "请口播优惠码"})
    assert (rejected["status"], rejected["note"]) == ("rejected", "请口播优惠码")
    influencer.post(f"/content-tasks/{task['id']}/submit", {"url": "https://video.example.com/v/2"})
    key = {"Idempotency-Key": "approve-content-1"}
    approved = kol.shop.staff.post(f"/content-tasks/{task['id']}/approve", headers=key)
    again = kol.shop.staff.post(f"/content-tasks/{task['id']}/approve", headers=key)

    # then the fee reaches the influencer's balance once, beside the frozen commission; the books balance
    assert approved == again and approved["status"] == "approved" and approved["submission_url"].endswith("/v/2")
    assert kol.figures(kol.influencer_as_promoter()) == {"frozen": 599, "released": 20000, "clawed_back": 0,
                                                         "paid_out": 0, "balance": 20000}
    assert kol.books()["commission_payable"] == 20000


def test_the_deadline_timer_expires_an_undelivered_task_and_its_code_stops_naming_it(kol: ContentShop) -> None:
    # given one task nobody accepts and one accepted but never submitted
    idle = kol.publish()
    taken = kol.influencer_buyer[2].post(f"/content-tasks/{kol.publish(sales_until=kol.at(days=3))['id']}/accept")

    # when the deadline passes
    kol.run_timers(days=3, minutes=1)

    # then both expired; accepting now is refused; the dead task's code still brings buyers to the influencer only
    assert kol.task(idle["id"])["status"] == "expired" and kol.task(taken["id"])["status"] == "expired"
    refused = kol.influencer_buyer[2].post(f"/content-tasks/{idle['id']}/accept", expect=404)
    assert refused["code"] == "not-found"  # an expired task no longer shows to influencers who did not take it
    customer = kol.shop.new_buyer("late fan")
    assert kol.content_touch(customer, taken["code"])["task_id"] is None
    kol.buy(customer)
    assert kol.task(taken["id"])["figures"]["orders"] == 0


def test_staff_cannot_schedule_a_session_for_a_plain_promoter_and_bad_times_are_refused(kol: ContentShop) -> None:
    refused = kol.schedule(expect=409, influencer_id=kol.promoter["id"])
    assert refused["code"] == "not-an-influencer"
    assert kol.schedule(expect=422, ends_at=kol.at(minutes=30))["code"] == "invalid-input"
    assert kol.publish(expect=422, deadline=kol.at(days=-1))["code"] == "invalid-input"
    assert kol.content_touch(kol.shop.new_buyer("x"), "NOSUCHCODE", expect=409)["code"] == "unknown-content-code"


def test_the_figures_of_many_sessions_are_one_read(kol: ContentShop, db: Database) -> None:
    from sqlalchemy import event

    from shopkeeper.social.content import service
    from shopkeeper.social.content.models import LiveSession

    # given three sessions, one of which sold
    made = [kol.schedule(title=f"场次 {n}") for n in range(3)]
    kol.clock.advance(hours=2)
    viewer = kol.shop.new_buyer("viewer")
    kol.content_touch(viewer, made[1]["code"])
    order = kol.buy(viewer)
    statements: list[str] = []

    def seen(*args: object) -> None:
        statements.append(str(args[2]))

    # when their figures are read
    with db.read() as session:
        sessions = list(session.scalars(select(LiveSession)))
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            figures = service.session_figures(session, kol.shop.store_id, sessions)
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)

    # then one statement answers for all three
    assert len(statements) == 1
    assert {k: v.orders for k, v in figures.items()} == {made[0]["id"]: 0, made[1]["id"]: 1, made[2]["id"]: 0}
    assert figures[made[1]["id"]].gmv_minor == order["total"]["minor"]


def test_an_influencer_lists_the_published_tasks_and_their_own_and_other_buyers_none(kol: ContentShop) -> None:
    open_task, theirs, rival = kol.publish(), kol.publish(), kol.publish()
    other = kol.shop.new_buyer("达人 Wu")
    kol.shop.staff.post("/influencers", {"promoter_id": kol.join(other)["id"], "name": "吴"})
    kol.influencer_buyer[2].post(f"/content-tasks/{theirs['id']}/accept")
    other[2].post(f"/content-tasks/{rival['id']}/accept")
    path = f"/content-tasks?store_id={kol.shop.store_id}"
    assert [t["id"] for t in kol.influencer_buyer[2].get(path)["items"]] == [theirs["id"], open_task["id"]]
    assert kol.shop.new_buyer("stranger")[2].get(path)["items"] == []
    assert len(kol.shop.staff.get(path)["items"]) == 3
