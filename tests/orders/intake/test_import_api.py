"""The import routes: upload an export, read the imports; who may (RULES.md §5.1 stage 1, §17.4)."""

from __future__ import annotations

from orders.intake.files import sample
from orders.intake.importing import stock_sample_skus
from support import Shop

CSV = {"Content-Type": "text/csv"}


def test_staff_upload_a_shopify_export_and_a_retry_with_the_key_replays_the_answer(shop: Shop) -> None:
    # given a shop whose SKU codes match the Shopify export
    stock_sample_skus(shop)
    body = sample("shopify_orders.csv").encode()
    headers = {**CSV, "Idempotency-Key": "import-1"}
    # when staff upload it (the format sniffed), and retry with the same key
    first = shop.staff.call("POST", f"/stores/{shop.store_id}/imports", 201, headers=headers, content=body)
    again = shop.staff.client.post(f"/api/v1/stores/{shop.store_id}/imports", content=body,
                                   headers={"Authorization": f"Bearer {shop.staff.key}", **headers})
    # then the answer reports the counts and skipped lines, and the retry is the same answer
    assert (first["layout"], first["imported"], first["already_there"], first["skipped"], first["refused"]) == \
        ("shopify", 2, 0, 2, 0)
    assert [(e["line"], e["outcome"]) for e in first["errors"]] == [(7, "skipped"), (8, "skipped")]
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true" and again.json() == first
    # and the imports list and the import itself show it
    listed = shop.staff.get(f"/stores/{shop.store_id}/imports")
    assert [b["id"] for b in listed["items"]] == [first["id"]]
    assert shop.operator.get(f"/imports/{first['id']}") == first


def test_a_second_upload_without_a_key_finds_every_order_already_there(shop: Shop) -> None:
    stock_sample_skus(shop)
    body = sample("ebay_orders_us.csv").encode()
    first = shop.staff.call("POST", f"/stores/{shop.store_id}/imports?format=ebay", 201, headers=CSV, content=body)
    second = shop.staff.call("POST", f"/stores/{shop.store_id}/imports?format=ebay", 201, headers=CSV, content=body)
    assert first["imported"] == 2 and (second["imported"], second["already_there"]) == (0, 2)
    orders = shop.staff.get("/orders", params={"store_id": shop.store_id})
    assert len(orders["items"]) == 2


def test_a_multipart_upload_with_bad_rows_reports_their_lines(shop: Shop) -> None:
    # given the Amazon report with bad rows on lines 4–8 and 11–12 (samples/README.md)
    stock_sample_skus(shop)
    files = {"file": ("amazon.txt", sample("amazon_all_orders_bad.txt").encode(), "text/tab-separated-values")}
    # when it is uploaded as a multipart form
    report = shop.staff.call("POST", f"/stores/{shop.store_id}/imports?format=amazon", 201, files=files)
    # then every bad line is reported with its number, and the good orders imported
    assert report["file_name"] == "amazon.txt" and report["imported"] == 2
    assert {e["line"] for e in report["errors"] if e["outcome"] == "refused"} == {4, 5, 6, 7, 8, 11, 12}


def test_buyers_are_refused_and_another_store_is_not_found(shop: Shop) -> None:
    body = sample("shopify_orders.csv").encode()
    shop.shopper.call("POST", f"/stores/{shop.store_id}/imports", 403, headers=CSV, content=body)
    other = Shop(shop.operator, rulebook="tmall")
    other.staff.call("POST", f"/stores/{shop.store_id}/imports", 404, headers=CSV, content=body)
    report = shop.staff.call("POST", f"/stores/{shop.store_id}/imports", 201, headers=CSV, content=body)
    shop.shopper.get(f"/imports/{report['id']}", expect=403)
    other.staff.get(f"/imports/{report['id']}", expect=404)
    other.staff.get(f"/stores/{shop.store_id}/imports", expect=404)
    shop.shopper.get(f"/stores/{shop.store_id}/imports", expect=403)


def test_a_file_that_is_no_export_or_no_text_is_refused(shop: Shop) -> None:
    url = f"/stores/{shop.store_id}/imports"
    unknown = shop.staff.call("POST", url, 422, headers=CSV, content=b"a,b,c\n1,2,3\n")
    assert unknown["detail"] == "not an Amazon, Shopify or eBay export"
    wrong = shop.staff.call("POST", f"{url}?format=ebay", 422, headers=CSV, content=sample("shopify_orders.csv").encode())
    assert wrong["detail"] == "the file is a shopify export, not ebay"
    shop.staff.call("POST", url, 422, headers=CSV, content=b"\xff\xfe\x00bad")
    shop.staff.call("POST", url, 422, headers={"Content-Type": "application/json"}, content=b"{}")


def test_a_file_over_the_body_cap_is_refused_unread(shop: Shop) -> None:
    big = sample("shopify_orders.csv").encode() * 20000  # well over the 1 MB default cap
    answer = shop.staff.call("POST", f"/stores/{shop.store_id}/imports", 413, headers=CSV, content=big)
    assert answer["code"] == "body-too-large"
