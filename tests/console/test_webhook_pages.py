"""The webhooks page over HTTP: subscribing (the secret shown once), pausing, resuming and pinging a subscription,
the delivery log filtered by status, and resending a failed delivery, through the service the API calls; in
production a URL that leads inside is refused in the page's language. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from console.test_marketing_pages import ORIGIN, console, ok, rows, text_of
from shopkeeper import timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.settings import Settings
from support import Api, Shop
from webhooks.receiver import Receiver, free_port

PAGE = "/webhooks"


@pytest.fixture
def staff(client: TestClient, shop: Shop) -> TestClient:
    return console(client, shop.staff.key)


def subscribe(browser: TestClient, shop: Shop, url: str, types: str = "order.", query: str = "") -> Any:
    return browser.post(f"{PAGE}?store={shop.store_id}{query}", headers=ORIGIN,
                        data={"url": url, "event_types": types, "description": "ERP"})


def hooks_api(shop: Shop) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = shop.staff.get(f"/stores/{shop.store_id}/webhooks")["items"]
    return found


def act(browser: TestClient, path: str) -> str:
    answer = browser.post(path, headers=ORIGIN)
    assert answer.status_code == 303, answer.text[:500]
    return str(answer.headers["location"])


def test_staff_subscribe_see_the_secret_once_pause_resume_and_ping(staff: TestClient, shop: Shop, db: Database,
                                                                     clock: SimulatedClock) -> None:
    page = ok(staff, PAGE)
    assert "The store has no webhook subscriptions." in text_of(page) and 'aria-current="page">Webhooks' in page
    receiver = Receiver(free_port())
    answer = subscribe(staff, shop, receiver.url, "order., case.")
    assert answer.status_code == 201 and "Copy it now: it is not shown again." in text_of(answer.text)
    [hook] = hooks_api(shop)
    assert hook["event_types"] == ["order.", "case."] and "whsec_" in answer.text
    assert "whsec_" not in ok(staff, PAGE)  # never again
    assert rows(ok(staff, PAGE), "hook-id")[hook["id"]].startswith(f"{hook['id']} {receiver.url} order. case. ERP Active")
    # pause and resume
    assert act(staff, f"{PAGE}/{hook['id']}/pause?store={shop.store_id}").endswith("&done=paused")
    assert hooks_api(shop)[0]["status"] == "paused"
    assert "已停用" in rows(ok(staff, f"{PAGE}?lang=zh"), "hook-id")[hook["id"]]
    act(staff, f"{PAGE}/{hook['id']}/resume?store={shop.store_id}")
    assert hooks_api(shop)[0]["status"] == "active"
    # ping: the test event is delivered and the log says so, with the receiver's answer
    act(staff, f"{PAGE}/{hook['id']}/ping?store={shop.store_id}")
    with receiver.up():
        timers.run_due_timers(db, clock)
    [line] = rows(ok(staff, f"{PAGE}?lang=en"), "delivery-id").values()
    assert "webhook.ping" in line and "Delivered 1 — HTTP 200" in line


def test_a_failed_delivery_is_listed_under_failed_and_resent_with_its_event_id(
        client: TestClient, staff: TestClient, shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given a receiver that stays down through every retry (RULES: 1 + 7 attempts)
    receiver = Receiver(free_port())
    subscribe(staff, shop, receiver.url, "order.placed")
    shop.order((shop.skus[0], 1))
    for _ in range(10):
        timers.run_due_timers(db, clock)
        clock.advance(hours=25)
    staff = console(client, shop.staff.key)  # two days later: signed in again
    # then the log shows it failed, with its attempts and the last error, and a resend button
    failed = ok(staff, f"{PAGE}?status=failed")
    [(delivery_id, line)] = rows(failed, "delivery-id").items()
    assert "order.placed" in line and "Failed 8 —" in line and "ConnectError" in line
    assert 'data-action="resend"' in failed
    assert rows(ok(staff, f"{PAGE}?status=delivered"), "delivery-id") == {}
    assert "没有符合条件的推送。" in text_of(ok(staff, f"{PAGE}?status=delivered&lang=zh"))
    ok(staff, f"{PAGE}?lang=en")
    # when it is resent with the receiver back
    assert act(staff, f"{PAGE}/deliveries/{delivery_id}/resend?store={shop.store_id}").endswith("&done=resent")
    with receiver.up():
        timers.run_due_timers(db, clock)
    [line] = rows(ok(staff, f"{PAGE}?status=delivered"), "delivery-id").values()
    assert "Delivered 9" in line and "HTTP 200" in line
    assert len(receiver.received) == 1


def test_refusals_are_said_in_the_page_language(staff: TestClient, shop: Shop, settings: Settings) -> None:
    answer = subscribe(staff, shop, "http://erp.example.com/hooks", query="&lang=zh")
    assert answer.status_code == 422 and "Webhook 地址必须使用 https" in text_of(answer.text)
    assert 'value="http://erp.example.com/hooks"' in answer.text  # kept
    answer = subscribe(staff, shop, "https://erp.example.com/hooks", types="orders!")
    assert answer.status_code == 422 and "不是事件类型前缀" in text_of(answer.text)
    # in production a URL that leads inside the network is refused (SSRF)
    staff.app.state.settings = replace(settings, env="production")  # type: ignore[attr-defined]
    answer = subscribe(staff, shop, "https://169.254.169.254/latest", query="&lang=en")
    assert answer.status_code == 422 and "resolves to 169.254.169.254, which is not a public address" in answer.text
    assert hooks_api(shop) == []


def test_only_the_stores_own_staff_and_the_operator_manage_its_webhooks(client: TestClient, staff: TestClient,
                                                                         shop: Shop, api: Api, operator_key: str) -> None:
    hook = subscribe(staff, shop, "https://127.0.0.1/hooks")
    assert hook.status_code == 201
    [row] = hooks_api(shop)
    other = api.post("/stores", {"name": "Other shop", "rulebook": "dhgate", "currency": "USD"}, expect=201)
    other_staff = console(client, api.post("/keys", {"role": "staff", "store_id": other["id"]}, expect=201)["key"])
    assert rows(ok(other_staff, PAGE), "hook-id") == {}
    ok(other_staff, f"{PAGE}?store={shop.store_id}", status=404)
    assert other_staff.post(f"{PAGE}/{row['id']}/pause", headers=ORIGIN).status_code == 404
    assert other_staff.post(f"{PAGE}/{row['id']}/explode", headers=ORIGIN).status_code == 404
    assert hooks_api(shop)[0]["status"] == "active"
    operator = console(client, operator_key)
    assert list(rows(ok(operator, f"{PAGE}?store={shop.store_id}"), "hook-id")) == [row["id"]]
    act(operator, f"{PAGE}/{row['id']}/delete?store={shop.store_id}")
    assert hooks_api(shop) == []
    assert console(client, shop.shopper.key).get(PAGE).headers["location"] == "/login"
    foreign = staff.post(f"{PAGE}?store={shop.store_id}", data={"url": "https://a.example/h", "event_types": "order."},
                         headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and hooks_api(shop) == []
