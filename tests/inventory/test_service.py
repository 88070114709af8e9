"""Stock through `shopkeeper.inventory.service` itself: on hand = available + reserved, every change a movement.

Each test calls the service in one transaction, on SQLite and PostgreSQL, given / when / then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.clock import SimulatedClock
from shopkeeper.customers.models import Buyer
from shopkeeper.db import Database
from shopkeeper.errors import InvalidInput, NotFound, OutOfStock
from shopkeeper.inventory import service as inventory
from shopkeeper.inventory.models import Stock, StockMovement
from shopkeeper.orders.models import Order
from shopkeeper.scope import SYSTEM
from support import examples

SERIAL = count(1)
ON_HAND_EFFECT = {"receive": 1, "adjust": 1, "reserve": 0, "release": 0, "consume": -1}
AVAILABLE_EFFECT = {"receive": 1, "adjust": 1, "reserve": -1, "release": 1, "consume": 0}


@dataclass(frozen=True)
class Shelf:
    store_id: int
    sku_id: int
    warehouses: list[int]
    order_id: int


def given_a_shelf(session: Session, clock: SimulatedClock, priorities: tuple[int, ...] = (100,)) -> Shelf:
    """A store with one SKU, a warehouse per priority (none stocked yet) and an order to reserve for."""
    now, n = clock.now(), next(SERIAL)
    store = catalog.create_store(session, now, SYSTEM, f"shop {n}", "taobao", "CNY")
    _, [sku] = catalog.create_product(session, now, SYSTEM, store.id,
                                      catalog.ProductSpec("茶 Tea", [catalog.SkuSpec(f"TEA-{n}", 3800)]))
    warehouses = [inventory.create_warehouse(session, SYSTEM, store.id, f"W{i}", f"Warehouse {i}", "cn", p).id
                  for i, p in enumerate(priorities)]
    buyer = Buyer(name="Li Lei", created_at=now)
    session.add(buyer)
    session.flush()
    order = Order(number=f"T{n}", store_id=store.id, buyer_id=buyer.id, status="awaiting_payment", currency="CNY",
                  goods_minor=0, shipping_minor=0, total_minor=0, ship_to={}, placed_at=now, pay_by=now + timedelta(days=1))
    session.add(order)
    session.flush()
    return Shelf(store.id, sku.id, warehouses, order.id)


def on_the_books(session: Session, sku_id: int, warehouse_id: int) -> tuple[int, int]:
    """(available, reserved) as the movements tell it."""
    available = on_hand = 0
    for kind, quantity in session.execute(select(StockMovement.kind, StockMovement.quantity)
                                          .where(StockMovement.sku_id == sku_id, StockMovement.warehouse_id == warehouse_id)):
        available += AVAILABLE_EFFECT[kind] * quantity
        on_hand += ON_HAND_EFFECT[kind] * quantity
    return available, on_hand - available


def test_receiving_puts_goods_on_sale_and_a_correction_takes_them_off(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        shelf = given_a_shelf(session, clock)
        [warehouse] = shelf.warehouses

        received = inventory.receive(session, clock.now(), SYSTEM, shelf.sku_id, warehouse, 10, "first delivery")
        corrected = inventory.receive(session, clock.now(), SYSTEM, shelf.sku_id, warehouse, -3, "broken in transit")

        assert (received.available, received.reserved) == (10, 0)
        assert (corrected.available, corrected.reserved, corrected.on_hand) == (7, 0, 7)
        kinds = [(m.kind, m.quantity, m.note) for m in inventory.movements(session, shelf.sku_id, limit=10)]
        assert kinds == [("adjust", -3, "broken in transit"), ("receive", 10, "first delivery")]  # newest first


def test_a_correction_cannot_take_available_stock_below_zero_nor_be_zero(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        shelf = given_a_shelf(session, clock)
        [warehouse] = shelf.warehouses
        inventory.receive(session, clock.now(), SYSTEM, shelf.sku_id, warehouse, 5)
        inventory.reserve(session, clock.now(), shelf.store_id, shelf.sku_id, 2, shelf.order_id)

        with pytest.raises(InvalidInput, match="below zero"):
            inventory.receive(session, clock.now(), SYSTEM, shelf.sku_id, warehouse, -4)  # only 3 are available
        with pytest.raises(InvalidInput, match="zero"):
            inventory.receive(session, clock.now(), SYSTEM, shelf.sku_id, warehouse, 0)

        assert inventory.levels(session, [shelf.sku_id]) == [inventory.Level(shelf.sku_id, warehouse, 3, 2)]
        assert len(inventory.movements(session, shelf.sku_id, limit=10)) == 2  # the refusals left no trace


def test_stock_is_received_only_by_the_store_and_into_its_own_warehouses(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        mine, theirs = given_a_shelf(session, clock), given_a_shelf(session, clock)
        other_staff = Principal(Role.STAFF, key_id=1, store_id=theirs.store_id)
        own_staff = Principal(Role.STAFF, key_id=2, store_id=mine.store_id)

        with pytest.raises(NotFound):
            inventory.receive(session, clock.now(), other_staff, mine.sku_id, mine.warehouses[0], 5)
        with pytest.raises(NotFound, match="warehouse"):
            inventory.receive(session, clock.now(), own_staff, mine.sku_id, theirs.warehouses[0], 5)
        inventory.receive(session, clock.now(), own_staff, mine.sku_id, mine.warehouses[0], 5)

        assert inventory.available_by_sku(session, [mine.sku_id, theirs.sku_id]) == {mine.sku_id: 5, theirs.sku_id: 0}


def test_a_reservation_comes_from_the_first_warehouse_by_priority_that_covers_the_whole_line(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        shelf = given_a_shelf(session, clock, priorities=(50, 10, 30))
        backup, first, second = shelf.warehouses
        for warehouse, quantity in ((backup, 20), (first, 2), (second, 6)):
            inventory.receive(session, clock.now(), SYSTEM, shelf.sku_id, warehouse, quantity)

        small = inventory.reserve(session, clock.now(), shelf.store_id, shelf.sku_id, 2, shelf.order_id)
        larger = inventory.reserve(session, clock.now(), shelf.store_id, shelf.sku_id, 5, shelf.order_id)
        largest = inventory.reserve(session, clock.now(), shelf.store_id, shelf.sku_id, 10, shelf.order_id)

        assert (small, larger, largest) == (first, second, backup)
        assert inventory.levels(session, [shelf.sku_id]) == [
            inventory.Level(shelf.sku_id, backup, 10, 10), inventory.Level(shelf.sku_id, first, 0, 2),
            inventory.Level(shelf.sku_id, second, 1, 5)]


def test_a_line_no_single_warehouse_covers_is_refused_with_what_is_left(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        shelf = given_a_shelf(session, clock, priorities=(10, 20))
        for warehouse, quantity in zip(shelf.warehouses, (4, 3)):
            inventory.receive(session, clock.now(), SYSTEM, shelf.sku_id, warehouse, quantity)

        with pytest.raises(OutOfStock) as refused:
            inventory.reserve(session, clock.now(), shelf.store_id, shelf.sku_id, 5, shelf.order_id)  # 7 in all, 4 at most in one

        assert refused.value.extra == {"sku_id": shelf.sku_id, "available": 4}
        assert "4 left" in refused.value.detail
        assert [(lv.available, lv.reserved) for lv in inventory.levels(session, [shelf.sku_id])] == [(4, 0), (3, 0)]


def test_a_sku_never_stocked_is_out_of_stock_with_nothing_left(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        shelf = given_a_shelf(session, clock)

        with pytest.raises(OutOfStock) as refused:
            inventory.reserve(session, clock.now(), shelf.store_id, shelf.sku_id, 1, shelf.order_id)

        assert refused.value.extra["available"] == 0


def test_release_puts_reserved_units_back_on_sale_and_consume_ships_them(db: Database, clock: SimulatedClock) -> None:
    with db.transaction() as session:
        shelf = given_a_shelf(session, clock)
        [warehouse] = shelf.warehouses
        inventory.receive(session, clock.now(), SYSTEM, shelf.sku_id, warehouse, 10)
        inventory.reserve(session, clock.now(), shelf.store_id, shelf.sku_id, 6, shelf.order_id)

        inventory.release(session, clock.now(), shelf.store_id, shelf.sku_id, warehouse, 2, shelf.order_id)
        inventory.consume(session, clock.now(), shelf.store_id, shelf.sku_id, warehouse, 4, shelf.order_id)

        assert inventory.levels(session, [shelf.sku_id]) == [inventory.Level(shelf.sku_id, warehouse, 6, 0)]
        assert [m.kind for m in inventory.movements(session, shelf.sku_id, limit=10)] == ["consume", "release", "reserve", "receive"]
        with pytest.raises(RuntimeError, match="smaller than 1"):  # nothing is reserved any more
            inventory.consume(session, clock.now(), shelf.store_id, shelf.sku_id, warehouse, 1, shelf.order_id)


OPERATIONS = st.lists(st.tuples(st.sampled_from(["receive", "adjust", "reserve", "release", "consume"]),
                                st.integers(min_value=1, max_value=8)), max_size=25)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=OPERATIONS)
def test_any_sequence_of_stock_changes_conserves_the_goods(db: Database, clock: SimulatedClock,
                                                           operations: list[tuple[str, int]]) -> None:
    """Given two warehouses, when any sequence of receive / adjust / reserve / release / consume runs (the refused
    ones included), then available + reserved equals what the movements add up to, neither is ever negative, and
    every step moved exactly what a model of the shelf says it should."""
    with db.transaction() as session:
        shelf = given_a_shelf(session, clock, priorities=(10, 20))
        model = {w: [0, 0] for w in shelf.warehouses}  # warehouse → [available, reserved]
        held: list[tuple[int, int]] = []  # (warehouse, quantity) still reserved
        for step, (kind, quantity) in enumerate(operations):
            warehouse = shelf.warehouses[step % 2]
            now = clock.now()
            if kind in ("receive", "adjust"):
                delta = quantity if kind == "receive" else -quantity
                if model[warehouse][0] + delta < 0:
                    with pytest.raises(InvalidInput):
                        inventory.receive(session, now, SYSTEM, shelf.sku_id, warehouse, delta)
                else:
                    inventory.receive(session, now, SYSTEM, shelf.sku_id, warehouse, delta)
                    model[warehouse][0] += delta
            elif kind == "reserve":
                covering = [w for w in shelf.warehouses if model[w][0] >= quantity]
                if not covering:
                    with pytest.raises(OutOfStock) as refused:
                        inventory.reserve(session, now, shelf.store_id, shelf.sku_id, quantity, shelf.order_id)
                    assert refused.value.extra["available"] == max(a for a, _ in model.values())
                else:
                    source = inventory.reserve(session, now, shelf.store_id, shelf.sku_id, quantity, shelf.order_id)
                    assert source == covering[0]  # the first by priority
                    model[source][0] -= quantity
                    model[source][1] += quantity
                    held.append((source, quantity))
            elif held:
                source, reserved = held.pop(quantity % len(held))
                if kind == "release":
                    inventory.release(session, now, shelf.store_id, shelf.sku_id, source, reserved, shelf.order_id)
                    model[source][0] += reserved
                else:
                    inventory.consume(session, now, shelf.store_id, shelf.sku_id, source, reserved, shelf.order_id)
                model[source][1] -= reserved

        for warehouse in shelf.warehouses:
            stock = session.scalar(select(Stock).where(Stock.sku_id == shelf.sku_id, Stock.warehouse_id == warehouse))
            levels = (stock.available, stock.reserved) if stock else (0, 0)
            assert levels == tuple(model[warehouse]) == on_the_books(session, shelf.sku_id, warehouse)
            assert min(levels) >= 0
        total = session.scalar(select(func.coalesce(func.sum(Stock.available), 0)).where(Stock.sku_id == shelf.sku_id))
        assert inventory.available_by_sku(session, [shelf.sku_id]) == {shelf.sku_id: total}
