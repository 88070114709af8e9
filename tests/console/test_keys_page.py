"""The operator's API keys page over HTTP: list, issue (the secret shown once), revoke (sessions end with it).

Runs on SQLite and on PostgreSQL (when configured), through the real app and the login form.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from console.test_marketing_pages import ORIGIN, console, ok, rows, text_of
from shopkeeper.console import filters
from support import Api, Shop

SECRET = re.compile(r"sk_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}")


@pytest.fixture
def operator(client: TestClient, operator_key: str) -> TestClient:
    return console(client, operator_key)


def _works(client: TestClient, key: str) -> bool:
    return client.get("/api/v1/stores", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_the_list_shows_every_key_with_its_holder_prefix_times_and_state_never_a_secret(
        operator: TestClient, shop: Shop, api: Api) -> None:
    # given a staff key and a buyer key (the shop's), one more revoked through the API
    spare = api.post("/keys", {"role": "staff", "store_id": shop.store_id, "name": "warehouse tablet"}, expect=201)
    api.post(f"/keys/{spare['id']}/revoke")
    # when the operator opens the keys page
    page = ok(operator, "/keys")
    listed = rows(page, "key-id")
    # then every key is there, newest first, with what it is for and whose it is
    assert list(listed) == sorted(listed, reverse=True) and len(listed) == 4
    tablet = listed[spare["id"]]
    assert tablet.startswith("warehouse tablet Store staff taobao shop #") and spare["prefix"] in tablet
    assert "never Revoked" in tablet and "Revoke" not in tablet.replace("Revoked", "")
    operator_row = listed[min(listed)]
    assert "this session" in operator_row and "Operator" in operator_row and "Active Revoke" in operator_row
    assert "never" not in operator_row  # the API calls above were made with it: its last use is written
    assert f"Buyer #{shop.buyer['id']}" in " ".join(listed.values())
    assert not SECRET.search(page) and spare["key"] not in page
    assert 'data-confirm="Revoke the key' in page and 'data-confirm="This is the key you are signed in with' in page
    assert 'href="/keys"' in page  # the operator's nav


def test_the_list_in_chinese(operator: TestClient, shop: Shop) -> None:
    page = ok(operator, "/keys?lang=zh")
    assert "API 密钥" in page and "签发密钥" in page
    listed = " ".join(rows(page, "key-id").values())
    assert "店铺员工" in listed and "平台运营" in listed and "当前会话" in listed and "有效 吊销" in listed


def test_the_list_pages_by_cursor(operator: TestClient, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(4):
        api.post("/keys", {"role": "operator", "name": f"spare {n}"}, expect=201)
    monkeypatch.setattr(filters, "PAGE_SIZE", 2)
    first = ok(operator, "/keys")
    following = re.search(r'href="([^"]*before=\d+[^"]*)"', first)
    assert following and len(rows(first, "key-id")) == 2
    second = ok(operator, following.group(1).replace("&amp;", "&"))
    assert set(rows(second, "key-id")).isdisjoint(rows(first, "key-id")) and 'class="first"' in second
    assert ok(operator, "/keys?before=abc").count("data-key-id") == 0


def test_staff_get_the_refusal_and_no_link(client: TestClient, shop: Shop) -> None:
    staff = console(client, shop.staff.key)
    page = ok(staff, "/keys", status=403)
    assert "Only the platform operator manages API keys" in text_of(page) and 'href="/keys"' not in page
    assert "仅限平台运营" in ok(staff, "/keys?lang=zh", status=403)
    assert staff.post("/keys", data={"role": "operator"}, headers=ORIGIN).status_code == 403
    assert staff.post("/keys/1/revoke", headers=ORIGIN).status_code == 403
    assert _works(client, shop.operator.key)  # nothing was revoked


def test_signed_out_goes_to_login(client: TestClient) -> None:
    browser = TestClient(client.app, follow_redirects=False)
    assert browser.get("/keys").headers["location"] == "/login"
    assert browser.post("/keys", data={"role": "operator"}).headers["location"] == "/login"


def test_issuing_shows_the_secret_once_and_it_works(operator: TestClient, client: TestClient, shop: Shop) -> None:
    # when the operator issues a staff key for the shop
    answer = operator.post("/keys", data={"role": "staff", "store_id": str(shop.store_id), "buyer_id": "7",
                                          "name": "packing desk"}, headers=ORIGIN)
    # then the answer page shows it, with the warning, uncached and not from a redirect
    assert answer.status_code == 201 and "location" not in answer.headers
    assert answer.headers["cache-control"] == "no-store"
    secret = SECRET.findall(answer.text)
    assert len(secret) == 1
    assert "it will not be shown again" in text_of(answer.text)
    assert _works(client, secret[0])
    # and the list shows the key by its prefix only (the buyer number, not a staff key's, was ignored)
    page = ok(operator, "/keys")
    newest = rows(page, "key-id")[max(rows(page, "key-id"))]
    assert newest.startswith("packing desk Store staff taobao shop #") and secret[0] not in page
    assert secret[0][:15] in newest


def test_issuing_in_chinese_warns_in_chinese(operator: TestClient) -> None:
    answer = operator.post("/keys?lang=zh", data={"role": "operator", "name": "运营二号"}, headers=ORIGIN)
    assert answer.status_code == 201 and "它不会再次显示" in answer.text and SECRET.search(answer.text)


@pytest.mark.parametrize("form, status, en, zh", [
    ({"role": "staff"}, 422, "a staff key belongs to one store", "员工"),
    ({"role": "buyer", "buyer_id": "999999"}, 404, "buyer 999999 does not exist", "买家"),
    ({"role": "staff", "store_id": "999999"}, 404, "store 999999 does not exist", "店铺"),
    ({"role": "buyer", "buyer_id": "x"}, 422, "A buyer number is a whole number", "买家编号应为整数"),
    ({"role": "root"}, 422, "Choose a role", "请选择角色"),
])
def test_a_refused_form_says_why_in_the_page_language(operator: TestClient, form: dict[str, str], status: int,
                                                      en: str, zh: str) -> None:
    english = operator.post("/keys", data=form, headers=ORIGIN)
    assert english.status_code == status and en in text_of(english.text) and not SECRET.search(english.text)
    chinese = operator.post("/keys?lang=zh", data=form, headers=ORIGIN)
    assert chinese.status_code == status and zh in text_of(chinese.text) and en not in text_of(chinese.text)


def test_a_form_from_another_site_is_refused(operator: TestClient, shop: Shop) -> None:
    foreign = {"Origin": "https://evil.example"}
    assert operator.post("/keys", data={"role": "operator"}, headers=foreign).status_code == 403
    assert operator.post("/keys/2/revoke", headers=foreign).status_code == 403
    assert _works(operator, shop.staff.key)


def test_revoking_a_key_ends_it_and_its_console_sessions(operator: TestClient, client: TestClient, shop: Shop,
                                                         api: Api) -> None:
    # given the staff signed in to the console with their key
    staff = console(client, shop.staff.key)
    assert ok(staff, "/orders")
    staff_key_id = next(k["id"] for k in api.get("/keys")["items"] if k["role"] == "staff")
    # when the operator revokes it
    done = operator.post(f"/keys/{staff_key_id}/revoke", headers=ORIGIN)
    assert done.status_code == 303 and done.headers["location"] == f"/keys?revoked={staff_key_id}"
    # then the key is dead for the API, the staff's session is over, and the list says so
    assert not _works(client, shop.staff.key)
    assert staff.get("/orders").headers["location"] == "/login"
    page = ok(operator, done.headers["location"])
    assert f"Key #{staff_key_id} is revoked" in text_of(page)
    assert "Revoked 2026-11-02" in rows(page, "key-id")[staff_key_id]
    # revoking again is harmless; an unknown key is a 404
    assert operator.post(f"/keys/{staff_key_id}/revoke", headers=ORIGIN).status_code == 303
    assert operator.post("/keys/999999/revoke", headers=ORIGIN).status_code == 404
    assert operator.post("/keys/abc/revoke", headers=ORIGIN).status_code == 404


def test_revoking_the_key_you_signed_in_with_signs_you_out(operator: TestClient, client: TestClient, api: Api) -> None:
    mine = next(k["id"] for k in api.get("/keys")["items"] if k["role"] == "operator")
    answer = operator.post(f"/keys/{mine}/revoke", headers=ORIGIN)
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert "shopkeeper_session=" in answer.headers["set-cookie"] and "Max-Age=0" in answer.headers["set-cookie"]
    assert operator.get("/keys").headers["location"] == "/login"
    assert not _works(client, api.key)
