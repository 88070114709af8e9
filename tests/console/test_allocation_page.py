"""The allocation page over HTTP (RULES.md §5.1, §5.3, §5.5): the store's rules in words, the forms that add,
change, reorder, disable and remove them through the service the API calls, the store's settings, and the dry run
that says where each open order would go and why. Runs on SQLite and on PostgreSQL (when configured)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from console.test_marketing_pages import ORIGIN, console, ok, rows, text_of
from support import Api, Shop

PAGE = "/fulfillment/allocation"
BATTERY_TO_US = {"name": "US batteries", "countries": "us, ca", "min_weight": "", "max_weight": "5000", "min_value": "10",
                 "max_value": "", "sales_channels": ["own", "amazon"], "any_line_has": ["battery"],
                 "warehouse_code": "HZ1", "channel_code": "DHL", "enabled": "1"}
EVERYTHING = {"name": "Everything by post", "warehouse_code": "HZ1", "channel_code": "YANWEN", "enabled": "1"}


@pytest.fixture
def staff(client: TestClient, shop: Shop) -> TestClient:
    return console(client, shop.staff.key)


def add(browser: TestClient, shop: Shop, form: dict[str, Any]) -> tuple[int, str]:
    answer = browser.post(f"{PAGE}/rules?store={shop.store_id}", data=form, headers=ORIGIN)
    return answer.status_code, answer.headers.get("location", answer.text)


def move(browser: TestClient, shop: Shop, rule_id: int, what: str) -> str:
    answer = browser.post(f"{PAGE}/rules/{rule_id}/{what}?store={shop.store_id}", headers=ORIGIN)
    assert answer.status_code == 303, answer.text[:500]
    return answer.headers["location"]


def rules_api(shop: Shop) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = shop.staff.get(f"/stores/{shop.store_id}/allocation-rules")
    return found


def paid_order(shop: Shop) -> dict[str, Any]:
    order: dict[str, Any] = shop.order((shop.skus[0], 2))
    shop.pay(order)
    return order


def test_staff_add_rules_in_words_reorder_disable_and_remove_them(staff: TestClient, shop: Shop, api: Api) -> None:
    page = ok(staff, PAGE)
    assert "The store has no allocation rules yet" in text_of(page) and 'aria-current="page">Allocation' in page
    # when the staff add a rule with every kind of condition, then a catch-all
    assert add(staff, shop, BATTERY_TO_US) == (303, f"{PAGE}?store={shop.store_id}&done=added")
    add(staff, shop, EVERYTHING)
    [battery, everything] = rules_api(shop)
    assert battery["conditions"] == {"countries": ["US", "CA"], "sales_channels": ["own", "amazon"],
                                     "any_line_has": ["battery"], "no_line_has": [], "min_weight_grams": None,
                                     "max_weight_grams": 5000, "min_value": {"minor": 1000, "currency": "CNY"},
                                     "max_value": None}
    # then the page says each rule's conditions in words, in order, in English and in Chinese
    listed = rows(ok(staff, f"{PAGE}?done=added"), "rule-id")
    assert list(listed) == [battery["id"], everything["id"]]
    assert ("1 US batteries destination is US, CA; and weight at most 5000 g; and value at least ¥10.00; and sold on "
            "own store, Amazon; and some line is battery warehouse HZ1 by DHL On") in listed[battery["id"]]
    assert listed[everything["id"]].startswith("2 Everything by post every order warehouse HZ1 by YANWEN On")
    zh = rows(ok(staff, f"{PAGE}?lang=zh"), "rule-id")
    ok(staff, f"{PAGE}?lang=en")  # the choice is remembered: back to English
    assert "目的地为 US、CA；且重量至多 5000 克；且货值至少 ¥10.00；且销售渠道为 自有店铺、亚马逊；且有商品带电池" in zh[battery["id"]]
    # when the catch-all moves up and the battery rule is disabled, then removed
    assert move(staff, shop, everything["id"], "up").endswith("&done=moved")
    assert [r["name"] for r in rules_api(shop)] == ["Everything by post", "US batteries"]
    assert move(staff, shop, battery["id"], "disable").endswith("&done=disabled")
    assert [r["enabled"] for r in rules_api(shop)] == [True, False]
    assert rows(ok(staff, PAGE), "rule-id")[battery["id"]].startswith("2 US batteries")
    assert "Off" in rows(ok(staff, PAGE), "rule-id")[battery["id"]]
    move(staff, shop, battery["id"], "delete")
    assert [r["name"] for r in rules_api(shop)] == ["Everything by post"]
    moves = [e["type"] for e in api.get("/events")["items"] if e["type"].startswith("allocation_rule")]
    assert moves == ["allocation_rule.created", "allocation_rule.created", "allocation_rules.reordered",
                     "allocation_rule.changed", "allocation_rule.removed"]


def test_a_rule_is_edited_in_place_keeping_its_position(staff: TestClient, shop: Shop) -> None:
    add(staff, shop, EVERYTHING)
    add(staff, shop, BATTERY_TO_US)
    [first, _] = rules_api(shop)
    answer = staff.post(f"{PAGE}/rules/{first['id']}?store={shop.store_id}", headers=ORIGIN,
                        data={**EVERYTHING, "name": "Light parcels", "max_weight": "2000", "no_line_has": ["liquid"]})
    assert answer.headers["location"].endswith("&done=changed")
    [changed, _] = rules_api(shop)
    assert (changed["id"], changed["name"], changed["conditions"]["max_weight_grams"],
            changed["conditions"]["no_line_has"]) == (first["id"], "Light parcels", 2000, ["liquid"])
    page = ok(staff, PAGE)
    edit_form = re.search(rf'action="{PAGE}/rules/{first["id"]}\?store=\d+".*?</form>', page, flags=re.S)
    assert edit_form is not None and 'name="max_weight" size="6" inputmode="numeric" value="2000"' in edit_form.group(0)


def test_a_rule_the_engine_refuses_is_said_in_the_page_language_and_nothing_is_written(staff: TestClient,
                                                                                    shop: Shop) -> None:
    status, page = add(staff, shop, {**EVERYTHING, "min_weight": "500", "max_weight": "100"})
    assert status == 422 and "min_weight_grams 500 is above max_weight_grams 100" in text_of(page)
    assert 'value="Everything by post"' in page  # what was typed is kept
    answer = staff.post(f"{PAGE}/rules?store={shop.store_id}&lang=zh", headers=ORIGIN,
                        data={**EVERYTHING, "warehouse_code": "NOPE"})
    assert answer.status_code == 422 and "仓库 NOPE 不属于本店铺" in text_of(answer.text)
    status, page = add(staff, shop, {**EVERYTHING, "min_value": "1.005"})
    assert status == 422
    assert rules_api(shop) == []


def test_the_dry_run_says_where_each_open_order_goes_and_why_writing_nothing(staff: TestClient, shop: Shop,
                                                                              api: Api) -> None:
    add(staff, shop, BATTERY_TO_US)
    add(staff, shop, EVERYTHING)
    order = paid_order(shop)
    before = len(api.get("/events")["items"])
    page = ok(staff, f"{PAGE}?store={shop.store_id}&dry_run=1")
    [line] = rows(page, "order-id").values()
    assert line == (f"{order['number']} CN 400 g ¥119.80 Allocated rule “Everything by post” sends it to HZ1 by YANWEN "
                    "(TEE-RED-M ×2). passed over “US batteries”: destination CN is not among US, CA, no line is battery "
                    "(the order's goods: —)")
    zh = rows(ok(staff, f"{PAGE}?store={shop.store_id}&dry_run=1&lang=zh"), "order-id")[order["id"]]
    assert "已分配 规则“Everything by post”将其分配到 HZ1，物流 YANWEN（TEE-RED-M ×2）。" in zh
    assert "未匹配“US batteries”：目的地 CN 不在 US、CA 之中、没有商品属于 带电池（订单商品属性：—）" in zh
    assert len(api.get("/events")["items"]) == before  # a dry run records nothing
    assert shop.staff.get(f"/orders/{order['id']}/allocation")["status"] is None


def test_an_order_no_rule_takes_and_the_settings_form(staff: TestClient, shop: Shop) -> None:
    order = paid_order(shop)
    [line] = rows(ok(staff, f"{PAGE}?dry_run=1"), "order-id").values()
    assert line.endswith("No rule the store has no enabled rules.") and order["number"] in line
    answer = staff.post(f"{PAGE}/settings?store={shop.store_id}", headers=ORIGIN,
                        data={"on_short": "hold", "promised_days": "us=30, RU=120"})
    assert answer.headers["location"].endswith("&done=settings")
    page = ok(staff, PAGE)
    assert '<option value="hold" selected>' in page and 'value="RU=90, US=30"' in page  # RULES.md §5.5: capped at 90
    refused = staff.post(f"{PAGE}/settings?store={shop.store_id}&lang=zh", headers=ORIGIN,
                         data={"on_short": "hold", "promised_days": "US thirty"})
    assert refused.status_code == 422 and "承诺运达天数的格式应为 US=30" in text_of(refused.text)


def test_the_operator_picks_any_store_staff_only_their_own_and_a_buyer_none(client: TestClient, shop: Shop, api: Api,
                                                                             operator_key: str) -> None:
    other = api.post("/stores", {"name": "Other shop", "rulebook": "dhgate", "currency": "USD"}, expect=201)
    operator = console(client, operator_key)
    page = ok(operator, f"{PAGE}?store={other['id']}")
    assert "Order allocation · Other shop" in text_of(page) and "data-store-picker" in page
    assert ok(operator, f"{PAGE}?store={shop.store_id}").count("Order allocation · taobao shop") == 1
    staff = console(client, shop.staff.key)
    assert "data-store-picker" not in ok(staff, PAGE)
    assert "no such store" in text_of(ok(staff, f"{PAGE}?store={other['id']}", status=404))
    ok(staff, f"{PAGE}?store=abc", status=404)
    refused = staff.post(f"{PAGE}/rules?store={other['id']}", data=EVERYTHING, headers=ORIGIN)
    assert refused.status_code == 404
    assert api.get(f"/stores/{other['id']}/allocation-rules") == []
    buyer = console(client, shop.shopper.key)
    assert buyer.get(PAGE).headers["location"] == "/login"  # a buyer key opens no session
    login = TestClient(client.app).post("/login", data={"key": shop.shopper.key})
    assert login.status_code == 403 and "Buyer keys cannot open the console" in login.text


def test_a_form_from_another_site_is_refused(staff: TestClient, shop: Shop) -> None:
    answer = staff.post(f"{PAGE}/rules?store={shop.store_id}", data=EVERYTHING,
                        headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403
    assert rules_api(shop) == []
