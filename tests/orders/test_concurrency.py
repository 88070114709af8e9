"""Never oversold: many buyers racing for the last units (ARCHITECTURE.md, Storage)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from shopkeeper.db import Database
from shopkeeper.inventory.models import StockMovement


def test_200_concurrent_orders_for_50_units_sell_exactly_50(shop, db: Database) -> None:
    # given 50 units of one SKU (and 20 buyers)
    sku = shop.skus[0]
    shop.staff.post(f"/skus/{sku}/stock", {"warehouse_id": shop.warehouse["id"], "quantity": -50})
    assert shop.stock(sku)["available"] == 50
    buyers = [shop.new_buyer(f"buyer {n}") for n in range(20)]

    # when 200 orders of one unit arrive at once over HTTP
    def attempt(n: int) -> tuple[int, str]:
        _, address, shopper = buyers[n % len(buyers)]
        response = shopper.client.post("/api/v1/orders", headers={"Authorization": f"Bearer {shopper.key}"},
                                       json={"store_id": shop.store_id, "address_id": address["id"],
                                             "lines": [{"sku_id": sku, "quantity": 1}]})
        return response.status_code, response.json().get("code", "")

    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = Counter(pool.map(attempt, range(200)))

    # then exactly 50 succeed, the rest are told out-of-stock, and stock ends at zero
    assert outcomes == {(201, ""): 50, (409, "out-of-stock"): 150}
    assert shop.stock(sku) == {**shop.stock(sku), "available": 0, "reserved": 50, "on_hand": 50}
    with db.read() as session:
        reserved = session.scalar(select(func.sum(StockMovement.quantity)).where(StockMovement.kind == "reserve", StockMovement.sku_id == sku))
    assert reserved == 50
    assert len(shop.operator.get(f"/orders?store_id={shop.store_id}&limit=200")["items"]) == 50
