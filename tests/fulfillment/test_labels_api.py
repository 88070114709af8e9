"""Labels wired to orders (打单配货, RULES.md §5.1): booked per parcel through the order's channel, idempotent, refused
without an allocation, printed with the pick list in one PDF, the simple parcel's scan, voiding, shipping with it."""

from __future__ import annotations

from typing import Any

import pypdfium2 as pdfium
import zxingcpp

from shopkeeper.clock import SimulatedClock
from shopkeeper.fulfillment.tracking_numbers import is_valid_s10
from support import Shop


def _allocate(shop: Shop, channel: str = "YANWEN") -> None:
    path = f"/stores/{shop.store_id}/allocation-rules"
    if not shop.staff.get(path):
        shop.staff.post(path, {"name": "everything", "conditions": {}, "warehouse_code": "HZ1", "channel_code": channel},
                        expect=201)
    shop.staff.post(f"/stores/{shop.store_id}/allocations?dry_run=false")


def _paid(shop: Shop, *lines: tuple[int, int]) -> Any:
    order = shop.order(*lines)
    shop.pay(order)
    return order


def _book(shop: Shop, *orders: Any, expect: int = 200, key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key else None
    return shop.staff.post(f"/stores/{shop.store_id}/labels", {"order_ids": [o["id"] for o in orders]}, expect=expect,
                           headers=headers)


def _codes(pdf: bytes) -> list[list[str]]:
    read = []
    for page in pdfium.PdfDocument(pdf):
        image = page.render(scale=200 / 72, grayscale=True).to_pil()
        read.append([r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.Code128])
    return read


def test_an_order_without_allocation_is_refused_with_the_reason_and_nothing_is_booked(shop: Shop) -> None:
    # given one allocated order and one paid after the rules ran
    first = _paid(shop, (shop.skus[0], 1))
    _allocate(shop)
    second = _paid(shop, (shop.skus[1], 1))
    # when both are booked in one batch
    refused = _book(shop, first, second, expect=409)
    # then the batch is refused naming the order and the missing allocation, and the first got no label either
    assert refused["code"] == "not-allowed-in-state" and second["number"] in refused["detail"]
    assert "allocation" in refused["detail"] and refused["reason"] == "not-allocated"
    assert shop.staff.get(f"/orders/{first['id']}/tracking")["labels"] == []


def test_booking_is_idempotent_and_issues_valid_s10_numbers_by_the_orders_channel(shop: Shop) -> None:
    # given two allocated orders
    one, two = _paid(shop, (shop.skus[0], 1)), _paid(shop, (shop.skus[1], 2))
    _allocate(shop, channel="YANWEN")
    # when labels are booked
    booked = _book(shop, one, two)
    # then each order has one label with a valid S10 number from the store's series, carrier = the channel
    numbers = [b["labels"][0]["tracking_number"] for b in booked]
    assert [b["booked"] for b in booked] == [True, True]
    assert all(is_valid_s10(n) and n.endswith("CN") for n in numbers) and len(set(numbers)) == 2
    assert {b["labels"][0]["carrier"] for b in booked} == {"YANWEN"}
    assert booked[1]["labels"][0]["weight_grams"] == 440  # two blue tees of 220 g
    # and booking again returns the same labels, booked nothing
    again = _book(shop, two, one)
    assert [b["booked"] for b in again] == [False, False]
    assert [b["labels"][0]["tracking_number"] for b in again] == numbers[::-1]
    # and a retry under the same key is the first answer
    three = _paid(shop, (shop.skus[0], 1))
    _allocate(shop)
    first = _book(shop, three, key="k-1")
    assert _book(shop, three, key="k-1") == first


def test_buyers_are_forbidden_and_other_stores_orders_are_not_found(shop: Shop) -> None:
    order = _paid(shop, (shop.skus[0], 1))
    _allocate(shop)
    shop.shopper.post(f"/stores/{shop.store_id}/labels", {"order_ids": [order["id"]]}, expect=403)
    other = Shop(shop.operator, rulebook="aliexpress", currency="USD")
    other.staff.post(f"/stores/{other.store_id}/labels", {"order_ids": [order["id"]]}, expect=404)
    shop.staff.post(f"/stores/{other.store_id}/labels", {"order_ids": [order["id"]]}, expect=404)
    shop.shopper.get(f"/orders/{order['id']}/tracking", expect=403)


def test_the_pdf_carries_the_pick_list_then_labels_whose_barcodes_are_the_booked_numbers(shop: Shop) -> None:
    # given two labelled orders
    one, two = _paid(shop, (shop.skus[0], 1)), _paid(shop, (shop.skus[1], 2), (shop.skus[0], 1))
    _allocate(shop)
    numbers = [b["labels"][0]["tracking_number"] for b in _book(shop, one, two)]
    # when the batch is printed
    response = shop.staff.client.get(f"/api/v1/stores/{shop.store_id}/labels.pdf?order_id={one['id']}&order_id={two['id']}",
                                     headers={"Authorization": f"Bearer {shop.staff.key}"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    # then the first page is the pick list (each SKU once, pieces summed), then one label per order
    pages = _codes(response.content)
    assert sorted(pages[0]) == ["TEE-BLU-L", "TEE-RED-M"]
    assert pages[1:] == [[numbers[0]], [numbers[1]]]
    # and printing counts
    labels = shop.staff.get(f"/orders/{one['id']}/tracking")["labels"]
    assert labels[0]["printed_count"] == 1 and labels[0]["last_printed_at"] is not None


def test_printing_an_unlabelled_order_is_refused_but_its_pick_list_prints(shop: Shop) -> None:
    order = _paid(shop, (shop.skus[0], 3))
    path = f"/api/v1/stores/{shop.store_id}/labels.pdf?order_id={order['id']}"
    auth = {"Authorization": f"Bearer {shop.staff.key}"}
    assert shop.staff.client.get(path, headers=auth).status_code == 409
    pick = shop.staff.client.get(path + "&pick_list_only=true", headers=auth)
    assert pick.status_code == 200 and _codes(pick.content) == [["TEE-RED-M"]]


def test_scanning_an_item_labels_the_oldest_one_piece_order_then_the_next(shop: Shop, clock: SimulatedClock) -> None:
    # given two one-piece orders of the red tee, an order of two red tees, and one blue tee
    older = _paid(shop, (shop.skus[0], 1))
    clock.advance(minutes=5)
    newer = _paid(shop, (shop.skus[0], 1))
    _paid(shop, (shop.skus[0], 2))
    _paid(shop, (shop.skus[1], 1))
    _allocate(shop)
    path = f"/stores/{shop.store_id}/labels/scan"
    # when the red tee is scanned three times
    first = shop.staff.post(path, {"sku_code": "TEE-RED-M"})
    second = shop.staff.post(path, {"sku_code": " TEE-RED-M "})
    third = shop.staff.post(path, {"sku_code": "TEE-RED-M"}, expect=404)
    # then the oldest one-piece order is labelled first, then the next; the two-piece order never
    assert (first["order_id"], second["order_id"]) == (older["id"], newer["id"])
    assert first["labels"][0]["printed_count"] == 1
    assert "TEE-RED-M" in third["detail"]
    # and an unknown code is a 404, a body naming both codes or none a 422
    shop.staff.post(path, {"barcode": "0000"}, expect=404)
    shop.staff.post(path, {"sku_code": "A", "barcode": "B"}, expect=422)
    shop.staff.post(path, {}, expect=422)


def test_a_voided_label_frees_the_parcel_and_a_shipped_one_cannot_be_voided(shop: Shop) -> None:
    order = _paid(shop, (shop.skus[0], 1))
    _allocate(shop)
    [booked] = _book(shop, order)
    label = booked["labels"][0]
    voided = shop.staff.post(f"/labels/{label['id']}/void")
    assert voided["voided_at"] is not None
    [rebooked] = _book(shop, order)
    assert rebooked["booked"] and rebooked["labels"][0]["tracking_number"] != label["tracking_number"]
    # when the order ships with its label
    shipped = shop.staff.post(f"/orders/{order['id']}/ship-labelled")
    assert shipped["status"] == "shipped" and shipped["tracking_number"] == rebooked["labels"][0]["tracking_number"]
    assert shipped["carrier"] == "YANWEN"
    # then its label can no longer be voided, and the order is no longer labellable
    shop.staff.post(f"/labels/{rebooked['labels'][0]['id']}/void", expect=409)
    shop.shopper.post(f"/labels/{label['id']}/void", expect=403)
    other = Shop(shop.operator, rulebook="aliexpress", currency="USD")
    other.staff.post(f"/labels/{label['id']}/void", expect=404)


def test_shipping_without_a_label_is_refused(shop: Shop) -> None:
    order = _paid(shop, (shop.skus[0], 1))
    refused = shop.staff.post(f"/orders/{order['id']}/ship-labelled", expect=409)
    assert "no label" in refused["detail"]


def test_the_api_reference_declares_every_error_the_label_and_tracking_routes_answer(shop: Shop) -> None:
    paths = shop.staff.client.get("/openapi.json").json()["paths"]
    expected = {("post", "/api/v1/stores/{store_id}/labels"): {"403", "404", "409", "422"},
                ("get", "/api/v1/stores/{store_id}/labels.pdf"): {"403", "404", "409", "422"},
                ("post", "/api/v1/stores/{store_id}/labels/scan"): {"403", "404", "422"},
                ("post", "/api/v1/labels/{label_id}/void"): {"403", "404", "409"},
                ("post", "/api/v1/orders/{order_id}/ship-labelled"): {"403", "404", "409"},
                ("post", "/api/v1/stores/{store_id}/tracking-events"): {"403", "404", "422"},
                ("get", "/api/v1/orders/{order_id}/tracking"): {"403", "404"}}
    for (method, path), statuses in expected.items():
        responses = paths[path][method]["responses"]
        assert statuses <= set(responses), (path, sorted(responses))
        assert all("application/problem+json" in responses[s]["content"] for s in statuses)
    pdf = paths["/api/v1/stores/{store_id}/labels.pdf"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in pdf
    booking = paths["/api/v1/stores/{store_id}/labels"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in booking["parameters"])


def test_a_split_order_gets_a_label_per_parcel_each_on_the_pdf_and_ships_with_the_first(shop: Shop) -> None:
    # given blue tees only in Shenzhen, so the store's split sends an order's red from Hangzhou and its blue from there
    store = shop.store_id
    second = shop.staff.post(f"/stores/{store}/warehouses", {"code": "SZ2", "name": "Shenzhen", "country": "CN"}, expect=201)
    shop.staff.post(f"/skus/{shop.skus[1]}/stock", {"warehouse_id": shop.warehouse["id"], "quantity": -100})
    shop.staff.post(f"/skus/{shop.skus[1]}/stock", {"warehouse_id": second["id"], "quantity": 50})
    order = _paid(shop, (shop.skus[0], 2), (shop.skus[1], 3))
    _allocate(shop)
    # when it is labelled
    [booked] = _book(shop, order)
    # then each parcel has its own label, from its own warehouse, with its own weight
    parcels = [(lb["parcel"], lb["warehouse_code"], lb["weight_grams"]) for lb in booked["labels"]]
    assert parcels == [(1, "HZ1", 400), (2, "SZ2", 660)]
    numbers = [lb["tracking_number"] for lb in booked["labels"]]
    response = shop.staff.client.get(f"/api/v1/stores/{store}/labels.pdf?order_id={order['id']}",
                                     headers={"Authorization": f"Bearer {shop.staff.key}"})
    assert _codes(response.content)[1:] == [[numbers[0]], [numbers[1]]]
    assert shop.staff.post(f"/orders/{order['id']}/ship-labelled")["tracking_number"] == numbers[0]


def _levels(shop: Shop, sku_id: int) -> dict[int, tuple[int, int]]:
    return {lv["warehouse_id"]: (lv["available"], lv["reserved"]) for lv in shop.staff.get(f"/skus/{sku_id}/stock")}


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf))


def test_booking_moves_the_reservation_to_the_parcels_warehouse_and_shipping_takes_it_from_there(shop: Shop) -> None:
    # given a second warehouse holding the red tee, placed on a shelf there, and an order checkout reserved in the first
    home = shop.warehouse["id"]
    other = shop.staff.post(f"/stores/{shop.store_id}/warehouses", {"code": "SZ2", "name": "Shenzhen", "country": "CN"},
                            expect=201)["id"]
    shop.staff.post(f"/skus/{shop.skus[0]}/stock", {"warehouse_id": other, "quantity": 5})
    shop.staff.call("PUT", f"/warehouses/{other}/shelf-scheme", json={"scheme": "A-99-99"})
    shop.staff.call("PUT", f"/warehouses/{other}/shelves", json={"sku_id": shop.skus[0], "code": "C-07-02"})
    before = _levels(shop, shop.skus[0])
    order = _paid(shop, (shop.skus[0], 2))
    assert _levels(shop, shop.skus[0])[home] == (before[home][0] - 2, before[home][1] + 2)
    # when the rules send it from the second warehouse and its label is booked
    shop.staff.post(f"/stores/{shop.store_id}/allocation-rules", {"name": "from Shenzhen", "conditions": {},
                                                                   "warehouse_code": "SZ2", "channel_code": "YANWEN"}, expect=201)
    shop.staff.post(f"/stores/{shop.store_id}/allocations?dry_run=false")
    _book(shop, order)
    # then the two pieces are reserved where the parcel leaves, and back on sale where checkout had put them
    assert _levels(shop, shop.skus[0]) == {home: before[home], other: (3, 2)}
    # and the pick list sends the picker to the shelf in that warehouse
    pick = shop.staff.client.get(f"/api/v1/stores/{shop.store_id}/labels.pdf?order_id={order['id']}&pick_list_only=true",
                                 headers={"Authorization": f"Bearer {shop.staff.key}"})
    assert "SZ2 C-07-02" in _pdf_text(pick.content)
    # and shipping takes them off that shelf: on hand falls there and nowhere else
    shop.staff.post(f"/orders/{order['id']}/ship-labelled")
    assert _levels(shop, shop.skus[0]) == {home: before[home], other: (3, 0)}


def test_a_parcels_warehouse_that_sold_out_since_allocation_refuses_the_booking_and_moves_nothing(shop: Shop) -> None:
    other = shop.staff.post(f"/stores/{shop.store_id}/warehouses", {"code": "SZ2", "name": "Shenzhen", "country": "CN"},
                            expect=201)["id"]
    shop.staff.post(f"/skus/{shop.skus[0]}/stock", {"warehouse_id": other, "quantity": 1})
    order = _paid(shop, (shop.skus[0], 1))
    shop.staff.post(f"/stores/{shop.store_id}/allocation-rules", {"name": "from Shenzhen", "conditions": {},
                                                                   "warehouse_code": "SZ2", "channel_code": "YANWEN"}, expect=201)
    shop.staff.post(f"/stores/{shop.store_id}/allocations?dry_run=false")
    shop.staff.post(f"/skus/{shop.skus[0]}/stock", {"warehouse_id": other, "quantity": -1})  # counted short meanwhile
    before = _levels(shop, shop.skus[0])
    refused = _book(shop, order, expect=409)
    assert refused["code"] == "out-of-stock"
    assert _levels(shop, shop.skus[0]) == before and shop.staff.get(f"/orders/{order['id']}/tracking")["labels"] == []
