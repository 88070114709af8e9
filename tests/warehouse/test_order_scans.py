"""`scans_of_order`, the order page's read of the floor (RULES.md §5.2): one order's scans oldest first, the blocked
ones too; another store's staff see none of them, a buyer is refused."""

from __future__ import annotations

import pytest

from shopkeeper.auth import authenticate
from shopkeeper.db import Database
from shopkeeper.errors import Forbidden
from shopkeeper.warehouse.service import scans_of_order
from support import Shop


def test_an_orders_scans_oldest_first_for_its_store_only(shop: Shop, db: Database) -> None:
    # given two paid orders, and for the first a blocked scan then a good one at the door
    first, second = shop.order((shop.skus[0], 1)), shop.order((shop.skus[1], 1))
    shop.pay(first)
    shop.pay(second)
    wid = shop.warehouse["id"]
    door = {"order_id": first["id"], "stage": "outbound_verify"}
    shop.staff.post(f"/warehouses/{wid}/item-scans", {**door, "code": "TEE-BLU-L"}, expect=409)
    shop.staff.post(f"/warehouses/{wid}/item-scans", {**door, "code": "TEE-RED-M"}, expect=201)
    shop.staff.post(f"/warehouses/{wid}/pick-scans", {"order_id": second["id"], "step": "start"}, expect=201)
    other = Shop(shop.operator, rulebook="aliexpress", currency="USD")
    with db.read() as session:
        staff, stranger = authenticate(session, shop.staff.key), authenticate(session, other.staff.key)
        # then the first order's two scans, in the order they happened; none of the second's
        assert [(s.code, s.result) for s in scans_of_order(session, staff, first["id"])] == [
            ("TEE-BLU-L", "blocked"), ("TEE-RED-M", "ok")]
        # and another store's staff see nothing of them, a buyer is refused
        assert scans_of_order(session, stranger, first["id"]) == []
        with pytest.raises(Forbidden):
            scans_of_order(session, authenticate(session, shop.shopper.key), first["id"])
