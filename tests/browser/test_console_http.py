"""The console over plain HTTP: the edges a browser test would be slow to reach.

These need the live server but no browser, so they run even where Chromium
is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest

from shopkeeper.console import filters

if TYPE_CHECKING:
    from conftest import Console


def client(console: "Console", key: str | None = None) -> httpx.Client:
    """A plain HTTP client of the live console, signed in through the login form when given a key."""
    cookies = None
    if key:
        with httpx.Client(base_url=console.url, timeout=10) as login:
            response = login.post("/login", data={"key": key})
        assert response.status_code == 303
        cookies = {"shopkeeper_session": response.cookies["shopkeeper_session"]}
    return httpx.Client(base_url=console.url, cookies=cookies, headers={"Accept-Language": "en"}, timeout=10)


@pytest.fixture
def operator(console: "Console") -> Iterator[httpx.Client]:
    with client(console, console.operator_key) as http:
        yield http


@pytest.fixture
def staff(console: "Console") -> Iterator[httpx.Client]:
    with client(console, console.staff_a_key) as http:
        yield http


def test_stylesheet_is_served_as_css(console: "Console") -> None:
    with client(console) as http:
        response = http.get("/static/console.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert ".overdue" in response.text


def test_login_form_refuses_a_wrong_key_and_sets_the_cookie_for_a_right_one(console: "Console") -> None:
    with client(console) as http:
        assert http.post("/login", data={"key": "sk_nope_nope"}).status_code == 401
        assert http.post("/login", data={"key": "x" * 5000}).status_code == 401
        response = http.post("/login", data={"key": console.staff_a_key})
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert "shopkeeper_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain http on 127.0.0.1, no trusted proxy
    assert console.staff_a_key.lower() not in cookie  # the cookie holds a session id, never the key


def test_a_key_in_the_login_url_signs_no_one_in(console: "Console") -> None:
    with client(console) as http:
        response = http.get("/login", params={"key": console.operator_key})
        assert response.status_code == 200 and "set-cookie" not in response.headers
        assert http.get("/").headers["location"] == "/login"


def test_a_buyer_key_opens_no_console_session(console: "Console") -> None:
    with client(console) as http:
        response = http.post("/login", data={"key": console.buyer_key})
        assert response.status_code == 403 and "Buyer keys cannot open the console" in response.text
        assert "set-cookie" not in response.headers
        assert http.get("/orders").status_code == 303


def test_an_unknown_session_cookie_goes_back_to_login(console: "Console") -> None:
    with client(console) as http:
        http.cookies.set("shopkeeper_session", "forged")
        response = http.get("/")
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_console_pages_send_the_security_headers(operator: httpx.Client) -> None:
    for path in ("/", "/orders", "/login", "/static/console.css"):
        headers = operator.get(path).headers
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]


@pytest.mark.parametrize("order_id", ["abc", "0", "-1", "99999999999999999999999", "1.5", "999999"])
def test_no_such_order_is_a_404_page(operator: httpx.Client, order_id: str) -> None:
    response = operator.get(f"/orders/{order_id}")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "Not found" in response.text


@pytest.mark.parametrize("query, message", [
    ("status=foo", "status “foo” is not an order status"),
    ("store=abc", "store must be one of the listed stores"),
    ("store=99999999999999999999999", "store must be one of the listed stores"),
    ("date_from=2026-13-01", "Placed from must be a date"),
    ("date_to=yesterday", "Placed to must be a date"),
    ("date_from=2026-11-25&date_to=2026-11-01", "after the “placed to” date"),
    ("before=-5", "page cursor"),
    ("number=" + "9" * 40, "order number is too long"),
])
def test_bad_filters_give_a_message_not_a_500(operator: httpx.Client, query: str, message: str) -> None:
    response = operator.get(f"/orders?{query}")
    assert response.status_code == 400
    assert message in response.text


def test_filters_by_store_number_and_dates(operator: httpx.Client, console: "Console") -> None:
    def listed(query: str) -> set[int]:
        response = operator.get(f"/orders?{query}")
        assert response.status_code == 200, response.text
        return {int(part.split('"')[0]) for part in response.text.split('data-order-id="')[1:]}

    everything = {console.overdue_a, console.soon_a, console.shipped_a, console.today_paid_a,
                  console.today_unpaid_a, console.paid_b}
    assert listed("") == everything
    assert listed(f"store={console.store_b}") == {console.paid_b}
    assert listed("date_from=2026-11-25") == {console.today_paid_a, console.today_unpaid_a, console.paid_b}
    assert listed("date_from=2026-11-22&date_to=2026-11-24") == {console.soon_a, console.shipped_a}
    assert listed("date_to=9999-12-31") == everything
    assert listed("number=nothing-like-it") == set()


def test_staff_cannot_filter_their_way_into_another_store(staff: httpx.Client, console: "Console") -> None:
    response = staff.get(f"/orders?store={console.store_b}")
    assert response.status_code == 400
    assert f'data-order-id="{console.paid_b}"' not in response.text
    assert staff.get(f"/orders/{console.paid_b}").status_code == 404


def test_pages_follow_the_cursor(operator: httpx.Client, console: "Console", monkeypatch: pytest.MonkeyPatch) -> None:
    # the server runs in this process, so a smaller page size reaches it
    monkeypatch.setattr(filters, "PAGE_SIZE", 2)
    seen: list[int] = []
    url: str | None = "/orders"
    while url:
        text = operator.get(url).text
        seen += [int(part.split('"')[0]) for part in text.split('data-order-id="')[1:]]
        following = re.search(r'<a href="([^"]+)" class="next"', text)
        url = following.group(1).replace("&amp;", "&") if following else None
        assert len(seen) <= 6
    assert seen == sorted(seen, reverse=True) and len(seen) == 6


def test_lang_parameter_sets_a_cookie_and_translates_statuses(operator: httpx.Client) -> None:
    response = operator.get("/orders?lang=zh&status=paid")
    assert "shopkeeper_lang=zh" in response.headers["set-cookie"]
    assert "待发货" in response.text and "订单" in response.text
    assert operator.get("/orders").text.count("待发货") >= 1  # remembered through the cookie
    response = operator.get("/orders?lang=en")
    assert "Awaiting shipment" in response.text
