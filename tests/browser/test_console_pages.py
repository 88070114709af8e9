"""The console in a real browser: sign-in, dashboard, language switch, orders, tenancy."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable

import pytest

if TYPE_CHECKING:
    from conftest import Console

pytestmark = pytest.mark.browser
LogIn = Callable[[str], None]


def test_without_a_cookie_every_page_sends_you_to_login(page: Any, console: Console) -> None:
    for path in ("/", "/orders", f"/orders/{console.soon_a}"):
        page.goto(path)
        assert page.url == f"{console.url}/login"
        assert page.locator("input[name=key]").is_visible()


def test_operator_dashboard_shows_today_and_what_must_ship(page: Any, console: Console, log_in: LogIn) -> None:
    # given an operator key, when it signs in
    log_in(console.operator_key)
    # then the dashboard lists both stores
    assert page.url == f"{console.url}/"
    store_a = page.locator(f"section.store[data-store-id='{console.store_a}']")
    assert page.locator(f"section.store[data-store-id='{console.store_b}']").is_visible()
    # today's orders count the paid and the unpaid one; GMV only the paid one (2 × ¥129)
    assert store_a.locator("[data-stat=today-orders]").inner_text() == "2"
    assert store_a.locator("[data-stat=today-gmv]").inner_text() == "¥258.00"
    assert store_a.locator("[data-stat=escrow]").inner_text() == "¥645.00"
    # awaiting shipment, soonest deadline first, with the time left
    rows = store_a.locator("table.awaiting tbody tr")
    ids = [int(rows.nth(i).get_attribute("data-order-id")) for i in range(rows.count())]
    assert ids == [console.overdue_a, console.soon_a, console.today_paid_a]
    assert rows.nth(1).locator(".left").inner_text() == "4h 48m left"
    assert rows.nth(2).locator(".left").inner_text() == "2d 20h left"
    overdue = rows.nth(0).locator(".overdue")
    assert overdue.inner_text() == "overdue 1d 1h"
    assert overdue.evaluate("e => getComputedStyle(e).color") == "rgb(198, 40, 40)"  # red
    page.screenshot(path="/tmp/console.png", full_page=True)


def test_switching_to_chinese_and_back(page: Any, console: Console, log_in: LogIn) -> None:
    log_in(console.operator_key)
    page.click("a.lang-switch")
    assert "lang=zh" in page.url
    assert page.locator("h1").inner_text() == "概览"
    assert page.locator("nav.mainnav").inner_text().split() == ["概览", "订单", "待发货", "承运商", "仓库", "采购", "API", "密钥", "API", "文档"]
    assert "剩余 4小时48分" in page.content()
    assert "已超时 1天1小时" in page.content()
    # the choice is remembered on the next page
    page.goto("/orders?status=paid")
    assert page.locator("span.badge").first.inner_text() == "待发货"
    page.click("a.lang-switch")
    assert page.locator("h1").inner_text() == "Orders"
    page.goto("/")
    assert page.locator("h1").inner_text() == "Dashboard"


def test_chinese_browser_gets_chinese_pages(browser: Any, console: Console) -> None:
    context = browser.new_context(base_url=console.url, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto("/login")
        assert page.locator("h1").inner_text() == "登录"
    finally:
        context.close()


def test_order_list_filtered_by_status(page: Any, console: Console, log_in: LogIn) -> None:
    log_in(console.operator_key)
    page.goto("/orders")
    assert page.locator("table.orders tbody tr").count() == 6
    page.select_option("select[name=status]", "paid")
    page.click("form.filters button[type=submit]")
    assert "status=paid" in page.url
    rows = page.locator("table.orders tbody tr")
    ids = {int(rows.nth(i).get_attribute("data-order-id")) for i in range(rows.count())}
    assert ids == {console.overdue_a, console.soon_a, console.today_paid_a, console.paid_b}
    assert {rows.nth(i).get_attribute("data-status") for i in range(rows.count())} == {"paid"}
    # newest first
    assert int(rows.first.get_attribute("data-order-id")) == console.paid_b


def test_bad_filters_explain_themselves(page: Any, console: Console, log_in: LogIn) -> None:
    log_in(console.operator_key)
    response = page.goto("/orders?status=foo&store=abc&date_from=yesterday")
    assert response.status == 400
    alert = page.locator(".alert").inner_text()
    assert "status “foo” is not an order status" in alert
    assert "“abc”" in alert and "“yesterday”" in alert


def test_order_detail_shows_lines_totals_and_timeline(page: Any, console: Console, log_in: LogIn) -> None:
    log_in(console.operator_key)
    page.goto("/orders")
    page.click(f"tr[data-order-id='{console.shipped_a}'] a")
    assert page.url == f"{console.url}/orders/{console.shipped_a}"
    lines = page.locator("table.lines tbody tr")
    assert lines.count() == 1
    assert re.sub(r"\s+", " ", lines.first.inner_text()).strip() == "Wool scarf 羊毛围巾 SCARF-RED colour: red ¥129.00 1 ¥129.00"
    assert page.locator("[data-total=total]").inner_text() == "¥129.00"
    assert page.locator("[data-total=shipping]").inner_text() == "¥0.00"
    assert "SF1234567890" in page.locator("section", has_text="Shipment").inner_text()
    assert "李雷" in page.locator("dd.address").inner_text()
    events = [page.locator("table.timeline tbody tr").nth(i).get_attribute("data-event")
              for i in range(page.locator("table.timeline tbody tr").count())]
    assert events[:1] == ["order.placed"] and "order.paid" in events and events[-1] == "order.shipped"
    assert "Order placed" in page.locator("tr[data-event='order.placed']").inner_text()
    # shown on the store's clock: a Taobao store runs on Beijing time (UTC+8)
    assert page.locator("[data-field='timezone']").inner_text() == "Asia/Shanghai"
    assert "2026-11-24 18:00" in page.locator("tr[data-event='order.placed']").inner_text()


def test_staff_sees_only_their_store(page: Any, console: Console, log_in: LogIn) -> None:
    # given staff of store A
    log_in(console.staff_a_key)
    # then the dashboard shows store A only
    stores = page.locator("section.store")
    assert stores.count() == 1
    assert stores.first.get_attribute("data-store-id") == str(console.store_a)
    # and store B's order answers like a missing one
    response = page.goto(f"/orders/{console.paid_b}")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Not found"
    # while store A's own order opens
    assert page.goto(f"/orders/{console.soon_a}").status == 200
    # and the order list holds no store B order
    page.goto("/orders")
    listed = page.locator("table.orders tbody tr")
    assert str(console.paid_b) not in [listed.nth(i).get_attribute("data-order-id") for i in range(listed.count())]


def test_a_buyer_key_is_refused(page: Any, console: Console, log_in: LogIn) -> None:
    page.goto("/login")
    page.fill("input[name=key]", console.buyer_key)
    with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as info:
        page.click("button[type=submit]")
    assert info.value.status == 403
    assert "Buyer keys cannot open the console" in page.locator("h1").inner_text()
    assert not [c for c in page.context.cookies() if c["name"] == "shopkeeper_session"]


def test_one_time_sign_in_link_and_logout(page: Any, console: Console) -> None:
    page.goto(console.operator_link)
    assert page.url == f"{console.url}/"
    cookie = next(c for c in page.context.cookies() if c["name"] == "shopkeeper_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]
    page.click("button:has-text('Log out')")
    assert page.url == f"{console.url}/login"
    page.goto("/")
    assert page.url == f"{console.url}/login"
    # the link worked once: now it is spent
    assert page.goto(console.operator_link).status == 401
    assert "That sign-in link has been used or has expired" in page.locator("[role=alert]").inner_text()
