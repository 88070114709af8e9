"""The order imports page over HTTP (RULES.md §5.1 stage 1, §17.4): uploading a sample export through the form, the
store's past imports with their counts, and one import's report, each line's reason in the reader's language.
Runs on SQLite and on PostgreSQL (when configured)."""

from __future__ import annotations

import re
from typing import get_args

import pytest
from fastapi.testclient import TestClient

from console.test_marketing_pages import ORIGIN, console, ok, rows, text_of
from orders.intake.files import SAMPLES
from orders.intake.importing import SAMPLE_FILES, stock_sample_skus
from shopkeeper.console.i18n import EN, translate
from shopkeeper.orders.intake.imported import ProblemCode
from shopkeeper.orders.intake.layouts import parse, sniff
from support import Api, Shop

PAGE = "/orders/imports"


@pytest.fixture
def staff(client: TestClient, shop: Shop) -> TestClient:
    return console(client, shop.staff.key)


def upload(browser: TestClient, shop: Shop, name: str, chosen: str = "", query: str = "") -> tuple[int, str]:
    data = (SAMPLES / name).read_bytes()
    answer = browser.post(f"{PAGE}?store={shop.store_id}{query}", files={"file": (name, data, "text/csv")},
                          data={"format": chosen}, headers=ORIGIN)
    return answer.status_code, answer.headers.get("location", answer.text)


def report_lines(page: str) -> dict[int, str]:
    found = re.findall(r'<tr data-line="(\d+)"[^>]*>(.*?)</tr>', page, flags=re.S)
    return {int(line): text_of(body) for line, body in found}


def test_staff_upload_a_shopify_export_and_read_its_report_and_the_list(staff: TestClient, shop: Shop) -> None:
    stock_sample_skus(shop)
    page = ok(staff, PAGE)
    assert "No imports yet." in text_of(page) and 'aria-current="page">Imports' in page
    # when the staff upload the sample Shopify export, the format recognised from the file
    status, report_url = upload(staff, shop, "shopify_orders.csv")
    assert status == 303 and re.fullmatch(rf"{PAGE}/\d+", report_url)
    batch_id = int(report_url.rsplit("/", 1)[1])
    # then its report counts what became of the orders, as the API says
    batch = shop.staff.get(f"/imports/{batch_id}")
    report = ok(staff, report_url)
    counts = dict(re.findall(r'<dd data-count="(\w+)">(\d+)</dd>', report))
    assert counts == {"imported": str(batch["imported"]), "already_there": str(batch["already_there"]),
                      "skipped": str(batch["skipped"]), "refused": str(batch["refused"])}
    assert batch["imported"] > 0 and "Shopify export “shopify_orders.csv”" in text_of(report)
    # and the store's list shows it with its counts
    listed = rows(ok(staff, PAGE), "import-id")
    assert listed[batch_id].startswith(f"{batch_id} ") and "Shopify shopify_orders.csv" in listed[batch_id]
    # when the same file is uploaded again, nothing is imported twice
    _, again = upload(staff, shop, "shopify_orders.csv", chosen="shopify")
    second = shop.staff.get(f"/imports/{again.rsplit('/', 1)[1]}")
    assert (second["imported"], second["already_there"]) == (0, batch["imported"] + batch["already_there"])


def test_a_bad_files_report_says_each_lines_problem_in_chinese_and_english(staff: TestClient, shop: Shop) -> None:
    # given no SKU of the store carries the file's codes, and a file with bad rows
    _, report_url = upload(staff, shop, "shopify_orders_bad.csv")
    batch = shop.staff.get(f"/imports/{report_url.rsplit('/', 1)[1]}")
    codes = {e["line"]: e["code"] for e in batch["errors"]}
    assert codes[3] == "not-a-quantity" and codes[4] == "unknown-currency" and codes[5] == "not-a-date"
    assert codes[2] == "unknown-sku" and batch["errors"][0]["params"] == {"codes": "MUG-BLUE-12"}
    english = report_lines(ok(staff, report_url))
    assert english[2] == "2 sku Refused no SKU of this store has the code MUG-BLUE-12 #2001"
    assert english[3] == "3 Lineitem quantity Refused “two” is not a quantity —"
    chinese = report_lines(ok(staff, f"{report_url}?lang=zh"))
    assert chinese[2] == "2 sku 被拒绝 本店铺没有编码为 MUG-BLUE-12 的 SKU #2001"
    assert chinese[3] == "3 Lineitem quantity 被拒绝 “two”不是有效数量 —"
    assert chinese[4] == "4 Currency 被拒绝 未知币种“ZZZ” —"
    assert chinese[5] == "5 Created at 被拒绝 “yesterday”不是有效日期 —"


def test_a_file_of_another_format_than_chosen_or_no_export_is_refused_in_words(staff: TestClient, shop: Shop) -> None:
    status, page = upload(staff, shop, "shopify_orders.csv", chosen="amazon", query="&lang=zh")
    assert status == 422 and "该文件是 shopify 导出文件，而不是 amazon" in text_of(page)
    assert '<option value="amazon" selected>' in page
    answer = staff.post(f"{PAGE}?store={shop.store_id}", files={"file": ("notes.txt", b"hello\n", "text/plain")},
                        headers=ORIGIN)
    assert answer.status_code == 422 and "不是亚马逊、Shopify 或 eBay 的导出文件" in text_of(answer.text)
    answer = staff.post(f"{PAGE}?store={shop.store_id}", data={"format": "wish"}, headers=ORIGIN)
    assert answer.status_code == 422
    assert shop.staff.get(f"/stores/{shop.store_id}/imports")["items"] == []


def test_another_stores_import_is_not_found_a_buyer_and_a_foreign_form_are_refused(
        client: TestClient, staff: TestClient, shop: Shop, api: Api, operator_key: str) -> None:
    other = api.post("/stores", {"name": "Other shop", "rulebook": "dhgate", "currency": "USD"}, expect=201)
    operator = console(client, operator_key)
    status, report_url = upload(operator, shop, "ebay_orders_us.csv")
    assert status == 303
    ok(operator, f"{PAGE}?store={other['id']}")
    other_staff = console(client, api.post("/keys", {"role": "staff", "store_id": other["id"]}, expect=201)["key"])
    assert "no such import" in text_of(ok(other_staff, report_url, status=404))
    ok(other_staff, f"{PAGE}?store={shop.store_id}", status=404)
    ok(staff, report_url)
    ok(staff, f"{PAGE}/nope", status=404)
    assert console(client, shop.shopper.key).get(PAGE).headers["location"] == "/login"
    refused = staff.post(f"{PAGE}?store={shop.store_id}", files={"file": ("a.csv", b"x", "text/csv")},
                         headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
    assert len(shop.staff.get(f"/stores/{shop.store_id}/imports")["items"]) == 1


def test_every_import_problem_code_has_words_and_each_sample_problem_fills_them() -> None:
    assert {k.removeprefix("im.problem.") for k in EN if k.startswith("im.problem.")} == set(get_args(ProblemCode))
    for name in SAMPLE_FILES:
        text = (SAMPLES / name).read_text(encoding="utf-8-sig")
        layout = sniff(text)
        assert layout is not None
        for error in parse(text, layout).errors:
            assert error.code in get_args(ProblemCode), (name, error)
            for lang in ("en", "zh"):
                said = translate(lang, f"im.problem.{error.code}", **dict(error.params))  # a missing value raises
                assert "{" not in said and said != f"im.problem.{error.code}"
