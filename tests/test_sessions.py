"""Console sign-in: a POST form or a one-time link, a server-side session in the cookie, never a key in a URL."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from shopkeeper.auth import Role, create_key, find_key
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.sessions import ConsoleSession, issue_link, policy_of, resume, start_session
from shopkeeper.settings import Settings
from support import Api

ORIGIN = {"Origin": "http://testserver"}


def browser(app_client: TestClient, **options: Any) -> TestClient:
    """Another browser on the same app: its own cookie jar, redirects not followed."""
    return TestClient(app_client.app, follow_redirects=False, **options)


def signed_in(client: TestClient, key: str) -> TestClient:
    tab = browser(client)
    assert tab.post("/login", data={"key": key}).status_code == 303
    return tab


def link_for(db: Database, clock: SimulatedClock, key: str) -> str:
    with db.transaction() as session:
        return f"/login/once/{issue_link(session, clock.now(), find_key(session, key).id, policy_of(Settings()))}"


def test_the_login_form_opens_a_server_side_session_and_the_cookie_is_not_the_key(client, operator_key, db) -> None:
    tab = browser(client)
    response = tab.post("/login", data={"key": operator_key})
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("shopkeeper_session=") and operator_key not in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    value = response.cookies["shopkeeper_session"]
    with db.read() as session:
        stored = session.scalars(select(ConsoleSession)).all()
    assert len(stored) == 1 and stored[0].hashed != value  # kept hashed, like keys
    assert tab.get("/").status_code == 200


def test_a_key_in_the_login_url_signs_no_one_in(client, operator_key) -> None:
    tab = browser(client)
    response = tab.get("/login", params={"key": operator_key})
    assert response.status_code == 200 and "set-cookie" not in response.headers
    assert tab.get("/").headers["location"] == "/login"


def test_a_buyer_key_opens_no_session(client, shop) -> None:
    tab = browser(client)
    response = tab.post("/login", data={"key": shop.shopper.key})
    assert response.status_code == 403 and "set-cookie" not in response.headers


def test_a_login_form_posted_from_another_origin_signs_no_one_in(client, operator_key) -> None:
    response = browser(client).post("/login", data={"key": operator_key}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403 and "set-cookie" not in response.headers
    assert browser(client).post("/login", data={"key": operator_key}, headers=ORIGIN).status_code == 303


def test_a_wrong_key_is_a_401_form_again(client) -> None:
    response = browser(client).post("/login", data={"key": "sk_000000000000_nope"})
    assert response.status_code == 401 and "That API key is not valid" in response.text


def test_the_cookie_is_secure_over_https_or_behind_a_trusted_proxy_only(client, operator_key, settings) -> None:
    direct = browser(client, base_url="https://testserver").post("/login", data={"key": operator_key})
    assert "Secure" in direct.headers["set-cookie"]
    # a client claiming TLS it does not have is not believed...
    claim = browser(client, client=("10.0.0.5", 40000)).post("/login", data={"key": operator_key},
                                                              headers={"X-Forwarded-Proto": "https"})
    assert claim.status_code == 303 and "Secure" not in claim.headers["set-cookie"]
    # ...a proxy we trust is
    client.app.state.settings = replace(settings, trusted_proxies=("10.0.0.0/8",))
    proxied = browser(client, client=("10.0.0.5", 40000)).post("/login", data={"key": operator_key},
                                                                headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in proxied.headers["set-cookie"]
    plain = browser(client, client=("10.0.0.5", 40000)).post("/login", data={"key": operator_key})
    assert "Secure" not in plain.headers["set-cookie"]


def test_a_one_time_link_signs_in_once(client, operator_key, db, clock) -> None:
    link = link_for(db, clock, operator_key)
    first = browser(client)
    response = first.get(link)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert "shopkeeper_session=" in response.headers["set-cookie"]
    assert first.get("/").status_code == 200
    again = browser(client).get(link)
    assert again.status_code == 401 and "set-cookie" not in again.headers
    assert "That sign-in link has been used or has expired" in again.text
    assert browser(client).get("/login/once/made-up").status_code == 401


def test_a_one_time_link_expires_after_ten_minutes(client, operator_key, db, clock) -> None:
    early, late = link_for(db, clock, operator_key), link_for(db, clock, operator_key)
    clock.advance(minutes=9, seconds=59)
    assert browser(client).get(early).status_code == 303
    clock.advance(seconds=1)
    assert browser(client).get(late).status_code == 401


def test_a_session_ends_after_an_hour_idle(client, operator_key, clock) -> None:
    tab = signed_in(client, operator_key)
    clock.advance(minutes=59)
    assert tab.get("/").status_code == 200  # a page view restarts the idle hour
    clock.advance(minutes=59)
    assert tab.get("/orders").status_code == 200
    clock.advance(minutes=60)
    assert tab.get("/").headers["location"] == "/login"


def test_a_session_ends_after_twelve_hours_however_busy(client, operator_key, clock) -> None:
    tab = signed_in(client, operator_key)
    for _ in range(14):  # every 50 minutes, 11 h 40 m in all
        clock.advance(minutes=50)
        assert tab.get("/").status_code == 200
    clock.advance(minutes=20)
    assert tab.get("/").headers["location"] == "/login"


def test_revoking_a_key_ends_its_console_sessions_and_api_use_at_once(client, api: Api, db, clock) -> None:
    issued = api.post("/keys", {"role": "operator", "name": "night shift"}, expect=201)
    tab = signed_in(client, issued["key"])
    link = link_for(db, clock, issued["key"])
    assert tab.get("/").status_code == 200
    api.post(f"/keys/{issued['id']}/revoke")
    assert tab.get("/").headers["location"] == "/login"
    assert api.as_(issued["key"]).get("/stores", expect=401)["code"] == "unauthenticated"
    assert browser(client).get(link).status_code == 401
    assert browser(client).post("/login", data={"key": issued["key"]}).status_code == 401


def test_logout_ends_the_session_server_side_and_is_refused_from_another_origin(client, operator_key) -> None:
    tab = signed_in(client, operator_key)
    copied = tab.cookies["shopkeeper_session"]
    forged = tab.post("/logout", headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403 and tab.get("/").status_code == 200
    response = tab.post("/logout", headers=ORIGIN)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert 'shopkeeper_session=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    thief = browser(client, cookies={"shopkeeper_session": copied})
    assert thief.get("/").headers["location"] == "/login"


def test_console_pages_send_security_headers(client, operator_key) -> None:
    tab = signed_in(client, operator_key)
    for path in ("/", "/orders", "/login", "/static/console.css", "/static/forms.js"):
        headers = tab.get(path).headers
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        policy = headers["content-security-policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    # the API reference is FastAPI's page with inline scripts: the other headers, no policy
    docs = tab.get("/docs").headers
    assert docs["x-content-type-options"] == "nosniff" and "content-security-policy" not in docs


def test_the_console_has_no_inline_script_for_the_policy_to_block(client, operator_key, shop) -> None:
    tab = signed_in(client, operator_key)
    promotion = shop.staff.post("/promotions", {
        "store_id": shop.store_id, "name": "满100减10", "kind": "threshold_reduction", "open_ended": True,
        "benefit": {"type": "reduction", "tiers": [{"threshold": "100", "amount_off": "10"}]}}, expect=201)
    page = tab.get(f"/promotions/{promotion['id']}").text
    assert "data-confirm=" in page and "onsubmit" not in page and "<script>" not in page


def test_an_operator_key_made_by_the_launcher_signs_in_like_any(client, db, clock) -> None:
    with db.transaction() as session:
        key = create_key(session, clock.now(), Role.OPERATOR, name="console")
    assert signed_in(client, key).get("/").status_code == 200


def test_a_session_row_opens_only_under_the_secret_it_was_hashed_with(db, operator_key, clock) -> None:
    # given a session opened under one session secret
    ours = policy_of(replace(Settings(), session_secret="ours-long-random-secret"))
    theirs = replace(ours, secret="a-secret-someone-guessed")
    with db.transaction() as session:
        token = start_session(session, clock.now(), find_key(session, operator_key).id, ours)
    with db.read() as session:
        # when it is looked up under another secret, then nothing opens; under its own, the key's principal
        assert resume(session, clock.now(), token, theirs) is None
        resumed = resume(session, clock.now(), token, ours)
    assert resumed is not None and resumed.principal.role is Role.OPERATOR
