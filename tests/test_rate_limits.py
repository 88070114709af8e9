"""Rate limits: failed sign-ins per client address, requests per key, coupon claims per buyer (429 + Retry-After).

The windows run on their own monotonic clock (ratelimit.py); here it is a ticker the test moves by hand.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from shopkeeper.proxies import client_address, over_tls
from shopkeeper.ratelimit import RateLimits, SlidingWindow
from shopkeeper.settings import Settings
from support import Api, Shop

BAD_KEY = "sk_000000000000_not-a-key"
REDIS_URL = os.environ.get("SHOPKEEPER_TEST_REDIS_URL")


class Ticker:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticker() -> Ticker:
    return Ticker()


def limit(client: TestClient, ticker: Ticker, **settings: object) -> None:
    """The app's limits, fresh, on the hand-moved ticker, with some settings changed."""
    changed: Settings = replace(client.app.state.settings, **settings)  # type: ignore[arg-type]
    client.app.state.settings = changed
    client.app.state.limits = RateLimits.of(changed, ticker)


def from_address(client: TestClient, address: str) -> TestClient:
    return TestClient(client.app, follow_redirects=False, client=(address, 40000))


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_the_11th_failed_api_sign_in_in_a_minute_gets_429_with_retry_after(client, operator_key, ticker) -> None:
    limit(client, ticker)
    guesser = from_address(client, "203.0.113.7")
    for _ in range(10):
        assert guesser.get("/api/v1/stores", headers=bearer(BAD_KEY)).status_code == 401
        ticker.now += 3
    refused = guesser.get("/api/v1/stores", headers=bearer(BAD_KEY))
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "rate-limited"
    assert refused.headers["Retry-After"] == "30"  # the first failure, 30 s ago, leaves the window in 30 s
    # the address is refused even with a good key until then; another address is not affected
    assert guesser.get("/api/v1/stores", headers=bearer(operator_key)).status_code == 429
    assert from_address(client, "198.51.100.1").get("/api/v1/stores", headers=bearer(operator_key)).status_code == 200
    ticker.now += 30
    assert guesser.get("/api/v1/stores", headers=bearer(operator_key)).status_code == 200
    assert guesser.get("/api/v1/stores", headers=bearer(BAD_KEY)).status_code == 401


def test_the_11th_failed_console_sign_in_in_a_minute_gets_429_with_retry_after(client, operator_key, ticker) -> None:
    limit(client, ticker)
    guesser = from_address(client, "203.0.113.8")
    for _ in range(10):
        assert guesser.post("/login", data={"key": BAD_KEY}).status_code == 401
    refused = guesser.post("/login", data={"key": operator_key})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "Too many failed attempts" in refused.text and "set-cookie" not in refused.headers
    assert guesser.get("/login/once/anything").status_code == 429  # links are guesses too
    ticker.now += 60
    assert guesser.post("/login", data={"key": operator_key}).status_code == 303


def test_a_request_without_any_key_is_not_a_failed_sign_in(client, operator_key, ticker) -> None:
    limit(client, ticker)
    anonymous = from_address(client, "203.0.113.9")
    for _ in range(20):
        assert anonymous.get("/api/v1/stores").status_code == 401
    assert anonymous.get("/api/v1/stores", headers=bearer(operator_key)).status_code == 200


def test_requests_per_key_are_limited_and_other_keys_are_not(client, api: Api, ticker) -> None:
    other = api.post("/keys", {"role": "operator", "name": "reports"}, expect=201)["key"]
    limit(client, ticker, api_requests_per_minute=5)
    for _ in range(5):
        assert client.get("/api/v1/stores", headers=bearer(api.key)).status_code == 200
    refused = client.get("/api/v1/stores", headers=bearer(api.key))
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert client.get("/api/v1/stores", headers=bearer(other)).status_code == 200
    ticker.now += 60
    assert client.get("/api/v1/stores", headers=bearer(api.key)).status_code == 200


def test_coupon_claims_are_limited_per_buyer(client, shop: Shop, ticker) -> None:
    coupons = [shop.staff.post("/coupons", {"store_id": shop.store_id, "name": f"券{n}", "kind": "cash", "amount_off": "5",
                                            "valid_days": 3, "open_ended": True}, expect=201) for n in range(4)]
    _, _, other = shop.new_buyer("Chen Jie")
    limit(client, ticker, coupon_claims_per_minute=3)
    for coupon in coupons[:3]:
        shop.shopper.post(f"/coupons/{coupon['id']}/claim", expect=201)
    refused = client.post(f"/api/v1/coupons/{coupons[3]['id']}/claim", headers=bearer(shop.shopper.key))
    assert refused.status_code == 429 and refused.json()["code"] == "rate-limited"
    assert refused.headers["Retry-After"] == "60"
    assert client.post("/api/v1/coupon-codes/claim", headers=bearer(shop.shopper.key),
                       json={"code": "GUESS1"}).status_code == 429
    other.post(f"/coupons/{coupons[3]['id']}/claim", expect=201)  # another buyer has their own budget
    assert shop.shopper.get("/me/coupons") and len(shop.shopper.get("/me/coupons")) == 3  # nothing half-written
    ticker.now += 60
    shop.shopper.post(f"/coupons/{coupons[3]['id']}/claim", expect=201)


def test_forwarded_addresses_count_only_from_trusted_proxies(client, ticker) -> None:
    limit(client, ticker)
    proxy = from_address(client, "10.0.0.5")
    for n in range(10):  # untrusted: every claimed address is the proxy's own
        proxy.get("/api/v1/stores", headers={**bearer(BAD_KEY), "X-Forwarded-For": f"192.0.2.{n}"})
    assert proxy.get("/api/v1/stores", headers={**bearer(BAD_KEY), "X-Forwarded-For": "192.0.2.99"}).status_code == 429
    limit(client, ticker, trusted_proxies=("10.0.0.0/8",))
    for n in range(10):  # trusted: each client its own budget
        response = proxy.get("/api/v1/stores", headers={**bearer(BAD_KEY), "X-Forwarded-For": f"192.0.2.{n}"})
        assert response.status_code == 401
    for _ in range(9):
        proxy.get("/api/v1/stores", headers={**bearer(BAD_KEY), "X-Forwarded-For": "192.0.2.1"})
    assert proxy.get("/api/v1/stores", headers={**bearer(BAD_KEY), "X-Forwarded-For": "192.0.2.1"}).status_code == 429
    assert proxy.get("/api/v1/stores", headers={**bearer(BAD_KEY), "X-Forwarded-For": "192.0.2.2"}).status_code == 401


# --- the pure parts ----------------------------------------------------------------------------------

def test_client_address_reads_forwarded_for_from_the_right_past_our_own_proxies() -> None:
    trusted = ("10.0.0.0/8", "2001:db8::/32")
    headers = {"x-forwarded-for": "1.2.3.4, 198.51.100.7, 10.1.1.1"}
    assert client_address("10.0.0.5", headers, trusted) == "198.51.100.7"  # 1.2.3.4 is only what the client claimed
    assert client_address("203.0.113.1", headers, trusted) == "203.0.113.1"
    assert client_address("10.0.0.5", {}, trusted) == "10.0.0.5"
    assert client_address("10.0.0.5", {"x-forwarded-for": "10.9.9.9"}, trusted) == "10.9.9.9"
    assert client_address("2001:db8::1", {"x-forwarded-for": "2001:db9::2"}, trusted) == "2001:db9::2"
    assert client_address("testclient", headers, trusted) == "testclient"
    assert client_address(None, headers, ()) == "unknown"


def test_tls_is_believed_from_our_socket_or_a_trusted_proxy() -> None:
    https = {"x-forwarded-proto": "https"}
    assert over_tls("https", "203.0.113.1", {}, ())
    assert not over_tls("http", "203.0.113.1", https, ())
    assert not over_tls("http", "203.0.113.1", https, ("10.0.0.0/8",))
    assert over_tls("http", "10.0.0.5", https, ("10.0.0.0/8",))
    assert not over_tls("http", "10.0.0.5", {"x-forwarded-proto": "http"}, ("10.0.0.0/8",))


def test_the_window_slides() -> None:
    ticker = Ticker()
    window = SlidingWindow(3, ticker)
    for step in (0, 20, 20):
        ticker.now += step
        assert window.take("a") == 0
    assert window.take("a") == 20  # the first leaves at 60 s, 40 s in now
    ticker.now += 20
    assert window.take("a") == 0 and window.wait("a") == 20
    assert window.wait("b") == 0


def test_trusted_proxies_setting_is_checked_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPKEEPER_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1 ::1")
    assert Settings.from_env().trusted_proxies == ("10.0.0.0/8", "192.0.2.1", "::1")
    monkeypatch.setenv("SHOPKEEPER_TRUSTED_PROXIES", "10.0.0.0/33")
    with pytest.raises(ValueError, match="SHOPKEEPER_TRUSTED_PROXIES"):
        Settings.from_env()
    monkeypatch.setenv("SHOPKEEPER_TRUSTED_PROXIES", "")
    monkeypatch.setenv("SHOPKEEPER_FAILED_SIGN_INS_PER_MINUTE", "0")
    with pytest.raises(ValueError, match="at least 1"):
        Settings.from_env()


# --- shared windows in Redis (SHOPKEEPER_REDIS_URL) ------------------------------------------------------

@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        pytest.skip("set SHOPKEEPER_TEST_REDIS_URL (CI does) to test the Redis windows")
    return REDIS_URL


@pytest.fixture
def namespace(redis_url: str) -> Iterator[str]:
    """Keys of this test only, removed after it: the Redis server is shared."""
    import redis

    name = f"shopkeeper-test:{uuid.uuid4().hex}"
    yield name
    server = redis.Redis.from_url(redis_url)
    for key in server.scan_iter(f"{name}:*"):
        server.delete(key)
    server.close()


def test_redis_windows_are_shared_by_every_process(settings, redis_url: str, namespace: str, ticker) -> None:
    shared = replace(settings, redis_url=redis_url)
    one, two = RateLimits.of(shared, ticker, namespace), RateLimits.of(shared, ticker, namespace)  # two processes
    for n in range(10):
        (one if n % 2 else two).failed_sign_ins.record("203.0.113.7")
        ticker.now += 3
    assert one.failed_sign_ins.wait("203.0.113.7") == 30 and two.failed_sign_ins.wait("203.0.113.7") == 30
    assert one.failed_sign_ins.wait("198.51.100.1") == 0
    ticker.now += 30
    assert two.failed_sign_ins.wait("203.0.113.7") == 0
    # take counts only when there is room, as in process
    assert [one.coupon_claims.take(7) for _ in range(21)] == [0] * 20 + [60]
    assert two.coupon_claims.take(7) == 60 and two.coupon_claims.take(8) == 0


def test_the_11th_failed_sign_in_gets_429_with_limits_in_redis(client, settings, redis_url: str, namespace: str,
                                                               ticker) -> None:
    client.app.state.limits = RateLimits.of(replace(settings, redis_url=redis_url), ticker, namespace)
    guesser = from_address(client, "203.0.113.7")
    for _ in range(10):
        assert guesser.get("/api/v1/stores", headers=bearer(BAD_KEY)).status_code == 401
    refused = guesser.get("/api/v1/stores", headers=bearer(BAD_KEY))
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"


def test_without_redis_each_process_still_counts(settings, ticker) -> None:
    pytest.importorskip("redis")
    away = RateLimits.of(replace(settings, redis_url="redis://127.0.0.1:1/0"), ticker)  # nothing listens on port 1
    for _ in range(10):
        away.failed_sign_ins.record("203.0.113.7")
    assert away.failed_sign_ins.wait("203.0.113.7") == 60
