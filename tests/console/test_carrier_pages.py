"""A store's own carriers beside its rulebook's, over HTTP (RULES.md §5.6, §15 #6, §17.1).

Staff of the store and the operator file, change and remove entries through the forms; the
service's refusals show in the page's language. Runs on SQLite and on PostgreSQL (when configured).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from console.test_marketing_pages import ORIGIN, console, ok, rows, text_of
from support import Api, Shop

LOCAL = {"name": "武夷同城快运 Wuyi Local Courier", "aliases": "同城快运, Wuyi Local", "shipping_class": "standard"}


@pytest.fixture
def staff(client: TestClient, shop: Shop) -> TestClient:
    return console(client, shop.staff.key)


def page_of(shop: Shop) -> str:
    return f"/stores/{shop.store_id}/carriers"


def book_rows(page: str) -> dict[str, str]:
    found = re.findall(r'<tr data-book-carrier="([^"]+)"[^>]*>(.*?)</tr>', page, flags=re.S)
    return {name: text_of(body) for name, body in found}


def file(browser: TestClient, shop: Shop, form: dict[str, str], query: str = "") -> tuple[int, str]:
    answer = browser.post(page_of(shop) + query, data=form, headers=ORIGIN)
    return answer.status_code, answer.headers.get("location", answer.text)


def test_staff_go_to_their_store_and_see_the_rulebook_list_in_order(staff: TestClient, shop: Shop) -> None:
    assert staff.get("/carriers").headers["location"] == page_of(shop)
    page = ok(staff, page_of(shop))
    assert "The store has filed no carriers of its own" in text_of(page)
    listed = book_rows(page)
    assert listed["SF Express"] == "SF Express SF, 顺丰, 顺丰速运 Express express Yes"
    assert listed["China Post"].startswith("China Post 中国邮政, 平邮") and "Surface post post" in listed["China Post"]
    assert "checked first" in page and "checked after the store's" in text_of(page)
    assert text_of(page).count("ships as Standard") == 1  # the default class, in the lead
    assert 'href="/carriers"' in page and 'href="/keys"' not in page


def test_staff_file_change_and_remove_a_carrier(staff: TestClient, shop: Shop, api: Api) -> None:
    # when the staff file a local courier
    assert file(staff, shop, LOCAL) == (303, f"{page_of(shop)}?done=filed")
    # then it is listed first, with its names and class, and the API agrees
    page = ok(staff, f"{page_of(shop)}?done=filed")
    assert "Carrier filed." in text_of(page)
    [(carrier_id, filed)] = rows(page, "carrier-id").items()
    assert filed.startswith("武夷同城快运 Wuyi Local Courier 同城快运, Wuyi Local Standard (general express, dedicated line) standard")
    assert 'data-confirm="Remove the carrier “武夷同城快运 Wuyi Local Courier”?' in page
    [entry] = shop.staff.get(f"/stores/{shop.store_id}/carriers")
    assert (entry["id"], entry["aliases"]) == (carrier_id, ["同城快运", "Wuyi Local"])
    # when they change its class and names
    changed = staff.post(f"{page_of(shop)}/{carrier_id}", data={**LOCAL, "aliases": "同城快运，武夷快运", "shipping_class": "express"},
                         headers=ORIGIN)
    assert changed.headers["location"] == f"{page_of(shop)}?done=changed"
    [entry] = shop.staff.get(f"/stores/{shop.store_id}/carriers")
    assert (entry["aliases"], entry["shipping_class"]) == (["同城快运", "武夷快运"], "express")
    # when they remove it
    removed = staff.post(f"{page_of(shop)}/{carrier_id}/delete", headers=ORIGIN)
    assert removed.headers["location"] == f"{page_of(shop)}?done=removed"
    assert shop.staff.get(f"/stores/{shop.store_id}/carriers") == []
    events = [e["type"] for e in api.get("/events")["items"] if e["type"].startswith("store_carrier.")]
    assert events == ["store_carrier.filed", "store_carrier.changed", "store_carrier.removed"]


def test_an_entry_sharing_a_name_with_the_rulebook_comes_first(staff: TestClient, shop: Shop) -> None:
    file(staff, shop, {"name": "顺丰 Economy", "aliases": "顺丰", "shipping_class": "standard"})
    listed = book_rows(ok(staff, page_of(shop)))
    assert listed["SF Express"].endswith("No: the store's entry “顺丰 Economy” comes first")
    assert listed["ZTO Express"].endswith("Yes")
    assert book_rows(ok(staff, f"{page_of(shop)}?lang=zh"))["SF Express"].endswith("否：店铺登记的“顺丰 Economy”优先")


def test_the_page_in_chinese(staff: TestClient, shop: Shop) -> None:
    file(staff, shop, LOCAL)
    page = ok(staff, f"{page_of(shop)}?lang=zh&done=filed")
    assert "店铺自行登记的承运商" in page and "承运商已登记" in page
    assert "同城快运、Wuyi Local 普通快递或专线" in " ".join(rows(page, "carrier-id").values())
    assert book_rows(page)["China Post"].endswith("邮政小包 post 是")


@pytest.mark.parametrize("form, status, en, zh", [
    ({**LOCAL, "aliases": "同城快运, 同城快运"}, 422, "alias '同城快运' is empty or repeats a name", "为空或与该承运商的名称重复"),
    ({**LOCAL, "shipping_class": "air"}, 422, "shipping_class 'air' is not one of express, standard, post", "物流类别 'air' 不是"),
    ({**LOCAL, "name": " "}, 422, "a carrier has a name and at most 20 aliases", "承运商有一个名称"),
])
def test_a_refused_entry_says_why_in_the_page_language_and_keeps_what_was_typed(
        staff: TestClient, shop: Shop, form: dict[str, str], status: int, en: str, zh: str) -> None:
    code, english = file(staff, shop, form)
    assert code == status and en in text_of(english) and f'value="{form["name"]}"' in english
    code, chinese = file(staff, shop, form, "?lang=zh")
    assert code == status and zh in text_of(chinese) and en not in text_of(chinese)
    assert shop.staff.get(f"/stores/{shop.store_id}/carriers") == []


def test_a_name_already_used_is_a_conflict_on_the_form_that_sent_it(staff: TestClient, shop: Shop) -> None:
    file(staff, shop, LOCAL)
    other = {"name": "Wuyi Express", "aliases": "", "shipping_class": "express"}
    file(staff, shop, other)
    first, second = (c["id"] for c in shop.staff.get(f"/stores/{shop.store_id}/carriers"))
    code, text = file(staff, shop, {**other, "name": "wuyi local"})  # names compare case-folded
    assert code == 409 and f"carrier {first} (武夷同城快运 Wuyi Local Courier) already goes by one of these names" in text_of(text)
    clash = staff.post(f"{page_of(shop)}/{second}?lang=zh", data={**other, "aliases": "同城快运"}, headers=ORIGIN)
    assert clash.status_code == 409 and f"承运商 {first}（武夷同城快运 Wuyi Local Courier）已使用其中某个名称" in text_of(clash.text)
    assert re.search(rf'<tr data-carrier-id="{second}".*?<details open>', clash.text, flags=re.S)  # that row's form stays open


def test_another_store_and_strangers_see_nothing(client: TestClient, shop: Shop, api: Api) -> None:
    other = Shop(api, rulebook="dhgate", currency="USD")
    stranger = console(client, other.staff.key)
    staff = console(client, shop.staff.key)
    file(staff, shop, LOCAL)
    [entry] = shop.staff.get(f"/stores/{shop.store_id}/carriers")
    for path in (page_of(shop), "/stores/999999/carriers", "/stores/abc/carriers"):
        assert "There is no such store" in text_of(ok(stranger, path, status=404))
    assert stranger.post(page_of(shop), data=LOCAL, headers=ORIGIN).status_code == 404
    assert stranger.post(f"{page_of(shop)}/{entry['id']}/delete", headers=ORIGIN).status_code == 404
    assert staff.post(f"{page_of(shop)}/999999/delete", headers=ORIGIN).status_code == 404  # not filed: said on the page
    assert len(shop.staff.get(f"/stores/{shop.store_id}/carriers")) == 1
    assert TestClient(client.app, follow_redirects=False).get(page_of(shop)).headers["location"] == "/login"


def test_a_form_from_another_site_is_refused(staff: TestClient, shop: Shop) -> None:
    answer = staff.post(page_of(shop), data=LOCAL, headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403 and shop.staff.get(f"/stores/{shop.store_id}/carriers") == []


def test_the_operator_picks_a_store_and_files_for_it(client: TestClient, operator_key: str, shop: Shop, api: Api) -> None:
    other = Shop(api, rulebook="dhgate", currency="USD")
    operator = console(client, operator_key)
    stores = rows(ok(operator, "/carriers"), "store-id")
    assert stores[shop.store_id].endswith("0") and "DHgate" in stores[other.store_id]
    assert file(operator, other, {"name": "YunExpress Special", "aliases": "云途特快", "shipping_class": "express"})[0] == 303
    assert rows(ok(operator, "/carriers"), "store-id")[other.store_id].endswith("1")
    assert "云途特快" in ok(operator, page_of(other))
