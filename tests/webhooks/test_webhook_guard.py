"""Production webhooks go to public addresses only (server-side request forgery): the pure rule, the subscription
refused in production and allowed in development, and the check again before each delivery (DNS can change)."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import pytest

from shopkeeper import timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.settings import Settings
from shopkeeper.webhooks import delivery, guard, rules
from support import Shop
from webhooks.receiver import Receiver, free_port


@pytest.mark.parametrize("address, public", [
    ("8.8.8.8", True), ("93.184.216.34", True), ("2606:4700:4700::1111", True),
    ("10.0.0.1", False), ("172.16.5.4", False), ("192.168.1.1", False),  # private
    ("127.0.0.1", False), ("::1", False),  # loopback
    ("169.254.169.254", False), ("fe80::1", False),  # link-local (a cloud's metadata service lives here)
    ("240.0.0.1", False), ("0.0.0.0", False), ("::", False),  # reserved, unspecified
    ("224.0.0.1", False), ("100.64.0.1", False),  # multicast; shared (carrier-grade NAT), not global
    ("::ffff:10.0.0.1", False), ("::ffff:8.8.8.8", True),  # IPv4 written as IPv6 is judged as its IPv4
    ("fc00::1", False),  # unique local
])
def test_only_public_addresses_are_public(address: str, public: bool) -> None:
    assert rules.is_public(ipaddress.ip_address(address)) is public


def test_one_private_address_among_public_ones_refuses_the_host_and_an_unresolved_host_is_refused() -> None:
    public, private = ipaddress.ip_address("8.8.8.8"), ipaddress.ip_address("10.0.0.7")
    assert rules.host_problem("hooks.example.com", [public]) is None
    refused = rules.host_problem("hooks.example.com", [public, private])
    assert refused is not None and refused.code == "webhook-url-not-public" and refused.status == 422
    assert "10.0.0.7" in refused.detail and "hooks.example.com" in refused.detail
    unresolved = rules.host_problem("nowhere.invalid", [])
    assert unresolved is not None and "does not resolve" in unresolved.detail


def test_the_guard_reads_address_literals_and_names_resolved_by_dns() -> None:
    assert guard.url_problem("https://93.184.216.34/hooks") is None
    assert guard.url_problem("https://[::1]:8443/hooks") is not None
    assert guard.url_problem("https://localhost/hooks") is not None  # a name: looked up, loopback


def production(shop: Shop, settings: Settings) -> None:
    shop.staff.client.app.state.settings = replace(settings, env="production")  # the next test attaches its own


@pytest.mark.parametrize("url", ["https://127.0.0.1/hooks", "https://localhost:8443/hooks", "https://10.1.2.3/hooks",
                                 "https://169.254.169.254/latest/meta-data", "https://[::ffff:192.168.0.1]/hooks"])
def test_production_refuses_to_subscribe_a_url_that_leads_inside(shop: Shop, settings: Settings, url: str) -> None:
    production(shop, settings)
    response = shop.staff.client.post(f"/api/v1/stores/{shop.store_id}/webhooks",
                                      json={"url": url, "event_types": ["order."]},
                                      headers={"Authorization": f"Bearer {shop.staff.key}", "Accept-Language": "zh"})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "webhook-url-not-public"
    assert problem["title"] == "Webhook 地址不指向公网地址" and "不是公网地址" in problem["detail"]
    assert shop.staff.get(f"/stores/{shop.store_id}/webhooks")["items"] == []  # nothing written


def test_production_accepts_a_public_url_and_refuses_changing_it_to_a_private_one(shop: Shop, settings: Settings) -> None:
    production(shop, settings)
    hook = shop.staff.post(f"/stores/{shop.store_id}/webhooks",
                           {"url": "https://93.184.216.34/hooks", "event_types": ["order."]}, expect=201)
    refused = shop.staff.call("PATCH", f"/webhooks/{hook['id']}", 422, json={"url": "https://192.168.1.20/hooks"})
    assert refused["code"] == "webhook-url-not-public" and "192.168.1.20" in refused["detail"]
    assert shop.staff.get(f"/webhooks/{hook['id']}")["url"] == "https://93.184.216.34/hooks"


def test_development_lets_a_webhook_go_to_a_local_receiver(shop: Shop) -> None:
    for url in ("https://127.0.0.1/hooks", "http://localhost:9000/hooks", "https://10.1.2.3/hooks"):
        shop.staff.post(f"/stores/{shop.store_id}/webhooks", {"url": url, "event_types": ["order."]}, expect=201)


def test_a_host_that_leads_inside_by_delivery_time_is_not_sent_to_and_the_attempt_says_why(
        shop: Shop, db: Database, clock: SimulatedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a subscription whose host was fine when it was checked (here: made in development) ...
    receiver = Receiver(free_port())
    hook = shop.staff.post(f"/stores/{shop.store_id}/webhooks", {"url": receiver.url, "event_types": ["order."]},
                           expect=201)
    # ... and a worker running in production when the delivery is due
    monkeypatch.setenv("SHOPKEEPER_ENV", "production")
    with receiver.up():
        shop.staff.post(f"/webhooks/{hook['id']}/ping", expect=202)
        timers.run_due_timers(db, clock)
    # then nothing reached the receiver, and the log names why the attempt failed; it is retried on the schedule
    assert receiver.received == []
    [delivery] = shop.staff.get(f"/webhooks/{hook['id']}/deliveries")["items"]
    assert delivery["status"] == "pending" and delivery["attempts"] == 1 and delivery["next_attempt_at"] is not None
    [attempt] = delivery["log"]
    assert attempt["status_code"] is None and "not a public address" in attempt["error"]
    # and back in development the retry goes through
    monkeypatch.delenv("SHOPKEEPER_ENV")
    with receiver.up():
        clock.advance(minutes=2)
        timers.run_due_timers(db, clock)
    assert len(receiver.received) == 1


def test_the_production_connection_itself_refuses_a_non_public_address() -> None:
    # the check before the attempt bypassed: the transport checks again as it connects
    receiver = Receiver(free_port())
    parcel = delivery.Parcel(1, 1, False, receiver.url, "whsec_test", 1, b"{}")
    with receiver.up():
        refused = delivery.post(parcel, 0, public_only=True)
        allowed = delivery.post(parcel, 0)  # development
    assert refused.status_code is None and refused.error is not None
    assert refused.error.startswith("ConnectError:") and "not a public address" in refused.error
    assert allowed.status_code == 200 and len(receiver.received) == 1


def test_the_production_connection_goes_to_the_address_it_checked_not_a_second_lookup(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # given a name only our check knows (no DNS would answer it), whose address the check accepts
    receiver = Receiver(free_port())
    looked_up: list[str] = []

    def answer(host: str, port: int) -> list[rules.Address]:
        looked_up.append(host)
        return [ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(guard, "addresses_of", answer)
    monkeypatch.setattr(guard.rules, "host_problem", lambda host, addresses: None)
    parcel = delivery.Parcel(1, 1, False, f"http://hooks.example.test:{receiver.port}/hooks", "whsec_test", 1, b"{}")
    with receiver.up():
        sent = delivery.post(parcel, 0, public_only=True)
    # then the socket went to that address, the request still naming the host
    assert sent.status_code == 200 and looked_up == ["hooks.example.test"]
    [received] = receiver.received
    assert {k.lower(): v for k, v in received.headers.items()}["host"] == f"hooks.example.test:{receiver.port}"
