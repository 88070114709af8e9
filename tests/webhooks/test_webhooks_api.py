"""Outbound webhooks through the API with the simulated clock and a real local receiver: subscriptions and who may
manage them, the outbox written with the event, signed delivery retried on a fixed schedule through durable timers,
the delivery log, resend with the same event id, ping."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from shopkeeper import timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.webhooks import rules
from support import Api, Shop
from webhooks.receiver import Receiver, free_port


@pytest.fixture
def receiver() -> Receiver:
    return Receiver(free_port())


def subscribe(shop: Shop, url: str, *prefixes: str, **extra: Any) -> Any:
    body = {"url": url, "event_types": list(prefixes or ("order.",)), **extra}
    return shop.staff.post(f"/stores/{shop.store_id}/webhooks", body, expect=201)


def deliveries(shop: Shop, hook: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = shop.staff.get(f"/webhooks/{hook['id']}/deliveries")["items"]
    return items


def delete(who: Api, hook: dict[str, Any]) -> Any:
    return who.client.delete(f"/api/v1/webhooks/{hook['id']}", headers={"Authorization": f"Bearer {who.key}"})


def place_and_pay(shop: Shop) -> dict[str, Any]:
    order: dict[str, Any] = shop.order((shop.skus[0], 1))
    shop.pay(order)
    return order


def assert_signed(hook: dict[str, Any], received: Any, now: datetime) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in received.headers.items()}
    assert rules.verify(hook["secret"], headers["shopkeeper-timestamp"], received.body, headers["shopkeeper-signature"],
                        now=now)
    body: dict[str, Any] = json.loads(received.body)
    assert headers["shopkeeper-event-id"] == str(body["id"])
    return body


def test_an_event_raised_while_the_receiver_is_down_arrives_once_signed_when_it_is_back(
        shop: Shop, db: Database, clock: SimulatedClock, receiver: Receiver) -> None:
    # given a subscription to order events, its receiver down (the port closed)
    hook = subscribe(shop, receiver.url, "order.")
    assert hook["secret"].startswith("whsec_") and "secret" not in shop.staff.get(f"/webhooks/{hook['id']}")
    # when an order is placed and paid: the deliveries are written with the events, the first attempts fail
    order = place_and_pay(shop)
    timers.run_due_timers(db, clock)
    owed = {d["event_type"]: d for d in deliveries(shop, hook)}
    assert set(owed) == {"order.placed", "order.paid"}
    paid = owed["order.paid"]
    assert (paid["status"], paid["attempts"], paid["log"][0]["status_code"]) == ("pending", 1, None)
    assert paid["log"][0]["error"] and paid["next_attempt_at"] is not None
    # and the receiver comes back; before the retry's minute nothing is sent, after it each event arrives
    with receiver.up():
        clock.advance(seconds=59)
        timers.run_due_timers(db, clock)
        assert receiver.received == []
        clock.advance(seconds=1)
        timers.run_due_timers(db, clock)
        # then each event arrived, signed with the subscription's secret, as the /events feed shows it
        bodies = [assert_signed(hook, r, clock.now()) for r in receiver.received]
        # and nothing more comes, however long the worker runs on
        clock.advance(hours=30)
        timers.run_due_timers(db, clock)
    assert sorted(b["type"] for b in bodies) == ["order.paid", "order.placed"] and len(receiver.received) == 2
    sent = next(b for b in bodies if b["type"] == "order.paid")
    assert (sent["id"], sent["store_id"], sent["subject"]) == (paid["event_id"], shop.store_id, f"order:{order['id']}")
    assert sent["data"] == shop.operator.get(f"/events?after={paid['event_id'] - 1}&limit=1")["items"][0]["data"]
    paid = next(d for d in deliveries(shop, hook) if d["event_type"] == "order.paid")
    assert (paid["status"], paid["attempts"], [a["status_code"] for a in paid["log"]]) == ("delivered", 2, [None, 200])
    # a replay of the request six minutes later is refused by the receiver's check
    late = receiver.received[0]
    headers = {k.lower(): v for k, v in late.headers.items()}
    assert not rules.verify(hook["secret"], headers["shopkeeper-timestamp"], late.body, headers["shopkeeper-signature"],
                            now=clock.now())


def test_a_500_from_the_receiver_is_retried_on_the_schedule_and_the_log_keeps_every_attempt(
        shop: Shop, db: Database, clock: SimulatedClock, receiver: Receiver) -> None:
    # given a receiver that answers 500 twice, then 200
    hook = subscribe(shop, receiver.url, "order.placed")
    receiver.answers.extend([500, 500])
    with receiver.up():
        # when an order is placed and the worker runs through the first retries (1 min, then 5 min)
        shop.order((shop.skus[0], 1))
        timers.run_due_timers(db, clock)
        clock.advance(minutes=1)
        timers.run_due_timers(db, clock)
        clock.advance(minutes=4, seconds=59)
        timers.run_due_timers(db, clock)
        assert len(receiver.received) == 2  # the second retry waits five minutes after the second failure
        clock.advance(seconds=1)
        timers.run_due_timers(db, clock)
    # then the third attempt delivered it, the same event id every time
    assert len({r.headers["Shopkeeper-Event-Id"] for r in receiver.received}) == 1 and len(receiver.received) == 3
    [delivery] = deliveries(shop, hook)
    assert delivery["status"] == "delivered"
    assert [(a["number"], a["status_code"], a["resend"]) for a in delivery["log"]] == [
        (1, 500, False), (2, 500, False), (3, 200, False)]
    assert all(a["duration_ms"] >= 0 for a in delivery["log"])


def test_a_delivery_that_never_succeeds_fails_after_the_last_retry_and_says_so_in_the_event_log(
        shop: Shop, db: Database, clock: SimulatedClock, receiver: Receiver) -> None:
    # given a receiver that stays down
    hook = subscribe(shop, receiver.url, "order.placed")
    shop.order((shop.skus[0], 1))
    # when the worker runs for two days: 1 + 7 retries (1 min ... 24 h)
    for _ in range(10):
        timers.run_due_timers(db, clock)
        clock.advance(hours=25)
    # then the delivery has failed after eight attempts, and nothing more is scheduled
    [delivery] = deliveries(shop, hook)
    assert (delivery["status"], delivery["attempts"], delivery["next_attempt_at"]) == ("failed", 8, None)
    failed = shop.staff.get("/events?type=webhook.")["items"]
    assert [e["type"] for e in failed][-1] == "webhook.delivery_failed"


def test_resend_sends_the_same_event_id_again_now(shop: Shop, db: Database, clock: SimulatedClock,
                                                 receiver: Receiver) -> None:
    # given an event delivered once
    hook = subscribe(shop, receiver.url, "order.placed")
    with receiver.up():
        shop.order((shop.skus[0], 1))
        timers.run_due_timers(db, clock)
        [delivery] = deliveries(shop, hook)
        assert delivery["status"] == "delivered"
        # when staff resend it
        clock.advance(hours=1)
        resent = shop.staff.post(f"/webhook-deliveries/{delivery['id']}/resend", expect=202)
        assert (resent["status"], resent["event_id"]) == ("pending", delivery["event_id"])
        assert resent["next_attempt_at"] == clock.now().isoformat().replace("+00:00", "Z")
        timers.run_due_timers(db, clock)
    # then the receiver got the same event id twice (it dedupes by it), the second attempt marked a resend
    ids = [r.headers["Shopkeeper-Event-Id"] for r in receiver.received]
    assert ids == [str(delivery["event_id"])] * 2
    [delivery] = deliveries(shop, hook)
    assert (delivery["status"], [a["resend"] for a in delivery["log"]]) == ("delivered", [False, True])


def test_a_resend_overtakes_a_scheduled_retry_so_only_one_attempt_goes_out(
        shop: Shop, db: Database, clock: SimulatedClock, receiver: Receiver) -> None:
    # given a first attempt that failed (receiver down): a retry is due in a minute
    hook = subscribe(shop, receiver.url, "order.placed")
    shop.order((shop.skus[0], 1))
    timers.run_due_timers(db, clock)
    [delivery] = deliveries(shop, hook)
    with receiver.up():
        # when staff resend at once, and the worker runs past the retry's minute
        shop.staff.post(f"/webhook-deliveries/{delivery['id']}/resend", expect=202)
        timers.run_due_timers(db, clock)
        clock.advance(minutes=2)
        timers.run_due_timers(db, clock)
    # then one request went out: the retry found its turn taken
    assert len(receiver.received) == 1
    assert deliveries(shop, hook)[0]["attempts"] == 2


def test_a_paused_subscription_gets_nothing_and_its_due_attempts_are_cancelled(
        shop: Shop, db: Database, clock: SimulatedClock, receiver: Receiver) -> None:
    # given one subscription paused from the start, another paused after its event was owed
    paused = subscribe(shop, receiver.url, "order.", status="paused")
    later = subscribe(shop, receiver.url, "order.placed")
    with receiver.up():
        shop.order((shop.skus[0], 1))
        shop.staff.call("PATCH", f"/webhooks/{later['id']}", json={"status": "paused"})
        timers.run_due_timers(db, clock)
        clock.advance(days=2)
        timers.run_due_timers(db, clock)
        # then nothing was sent: the paused one owed nothing, the other's delivery was cancelled
        assert receiver.received == []
        assert deliveries(shop, paused) == []
        [cancelled] = deliveries(shop, later)
        assert (cancelled["status"], cancelled["attempts"]) == ("cancelled", 0)
        # and a resend is refused until it is resumed; then it goes
        assert shop.staff.post(f"/webhook-deliveries/{cancelled['id']}/resend", expect=409)["code"] == \
            "not-allowed-in-state"
        shop.staff.call("PATCH", f"/webhooks/{later['id']}", json={"status": "active"})
        shop.staff.post(f"/webhook-deliveries/{cancelled['id']}/resend", expect=202)
        timers.run_due_timers(db, clock)
    assert [r.headers["Shopkeeper-Event-Id"] for r in receiver.received] == [str(cancelled["event_id"])]


def test_only_events_of_the_subscribed_types_and_of_its_own_store_are_owed(shop: Shop, api: Api) -> None:
    # given a subscription to cases only, and another store with a subscription to orders
    cases_hook = subscribe(shop, "https://erp.example.com/hooks", "case.")
    other = Shop(api)
    orders_hook = subscribe(other, "https://other.example.com/hooks", "order.")
    # when an order is placed in the first store
    shop.order((shop.skus[0], 1))
    # then neither subscription owes anything
    assert deliveries(shop, cases_hook) == [] and deliveries(other, orders_hook) == []


def test_ping_sends_a_test_event_to_the_subscription_whatever_its_types(
        shop: Shop, db: Database, clock: SimulatedClock, receiver: Receiver) -> None:
    hook = subscribe(shop, receiver.url, "case.")
    with receiver.up():
        ping = shop.staff.post(f"/webhooks/{hook['id']}/ping", expect=202)
        timers.run_due_timers(db, clock)
    assert ping["event_type"] == "webhook.ping" and ping["status"] == "pending"
    [received] = receiver.received
    body = assert_signed(hook, received, clock.now())
    assert (body["type"], body["id"], body["data"]) == ("webhook.ping", ping["event_id"], {"url": receiver.url})
    assert deliveries(shop, hook)[0]["status"] == "delivered"


def test_staff_and_the_operator_manage_a_stores_webhooks_buyers_are_refused_other_stores_see_nothing(
        shop: Shop, api: Api) -> None:
    # given a subscription made by the store's staff
    hook = subscribe(shop, "https://erp.example.com/hooks", "order.", "stock.", description="ERP")
    other = Shop(api)
    # then the operator sees it; the store's staff list and change it
    assert api.get(f"/webhooks/{hook['id']}")["url"] == "https://erp.example.com/hooks"
    assert [h["id"] for h in shop.staff.get(f"/stores/{shop.store_id}/webhooks")["items"]] == [hook["id"]]
    changed = shop.staff.call("PATCH", f"/webhooks/{hook['id']}", json={"event_types": ["order.paid"]})
    assert changed["event_types"] == ["order.paid"] and "secret" not in changed
    # buyers are refused (403); another store's staff find nothing (404)
    for path in (f"/webhooks/{hook['id']}", f"/stores/{shop.store_id}/webhooks"):
        assert shop.shopper.get(path, expect=403)["code"] == "forbidden"
    assert shop.shopper.post(f"/stores/{shop.store_id}/webhooks",
                             {"url": "https://x.example.com", "event_types": ["order."]}, expect=403)
    assert other.staff.get(f"/webhooks/{hook['id']}", expect=404)["code"] == "not-found"
    assert other.staff.get(f"/stores/{shop.store_id}/webhooks", expect=404)["code"] == "not-found"
    assert other.staff.post(f"/webhooks/{hook['id']}/ping", expect=404)
    assert delete(other.staff, hook).status_code == 404
    # a plain-http URL to another host is refused, in Chinese too
    refused = shop.staff.client.post(f"/api/v1/stores/{shop.store_id}/webhooks",
                                     json={"url": "http://erp.example.com/hooks", "event_types": ["order."]},
                                     headers={"Authorization": f"Bearer {shop.staff.key}", "Accept-Language": "zh"})
    assert refused.status_code == 422 and "https" in refused.json()["detail"]
    # when the staff delete it, it is gone from the list and from its own URL
    assert delete(shop.staff, hook).status_code == 204
    assert shop.staff.get(f"/stores/{shop.store_id}/webhooks")["items"] == []
    assert shop.staff.get(f"/webhooks/{hook['id']}", expect=404)


def test_a_partner_hears_stock_shipments_and_orders_by_their_prefixes(shop: Shop) -> None:
    # given an ERP subscribed to stock and order events
    hook = subscribe(shop, "https://erp.example.com/hooks", "stock.", "order.shipped")
    # when stock is received and an order is placed (not shipped)
    shop.staff.post(f"/skus/{shop.skus[0]}/stock", {"warehouse_id": shop.warehouse["id"], "quantity": 5})
    shop.order((shop.skus[0], 1))
    # then only the stock movement is owed
    assert [d["event_type"] for d in deliveries(shop, hook)] == ["stock.receive"]
