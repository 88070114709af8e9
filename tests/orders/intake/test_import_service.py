"""Importing marketplace orders into the order lifecycle (RULES.md §5.1 stage 1, §17.4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from invariants import ledger_sums_to_zero
from orders.intake.importing import SAMPLE_FILES, counts, import_sample, staff_of, stock_sample_skus
from shopkeeper import timers
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog.models import Sku
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.errors import Forbidden, NotFound
from shopkeeper.orders import ledger
from shopkeeper.orders import service as orders
from shopkeeper.orders.intake.models import ImportBatch, ImportedOrder
from shopkeeper.orders.models import Order
from shopkeeper.rulebooks import load
from support import Shop

DOMAIN_TABLES = ("orders", "order_lines", "payments", "ledger_entries", "stock_movements", "buyers", "imported_orders",
                 "channel_buyers", "shipments")


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_every_sample_imports_and_a_second_import_changes_nothing(name: str, shop: Shop, db: Database,
                                                                   clock: SimulatedClock) -> None:
    # given a shop whose SKU codes match the file
    stock_sample_skus(shop)
    staff = staff_of(shop)
    # when the file is imported twice
    first = import_sample(db, clock.now(), staff, shop.store_id, name)
    with db.read() as session:
        before = counts(session, *DOMAIN_TABLES)
    second = import_sample(db, clock.now(), staff, shop.store_id, name)
    # then the second import finds every order already there and writes nothing but its batch
    with db.read() as session:
        assert counts(session, *DOMAIN_TABLES) == before
        assert session.scalar(select(ImportBatch.already_there).where(ImportBatch.id == second.batch_id)) == first.imported
        ledger_sums_to_zero(session, shop.store_id)
    assert second.imported == 0 and second.already_there == first.imported
    bad = "bad" in name
    assert (first.refused > 0) == bad
    assert first.imported > 0 or "header" in name


def test_bad_rows_are_reported_with_their_lines_and_the_rest_imports(shop: Shop, db: Database,
                                                                     clock: SimulatedClock) -> None:
    # given the Shopify file with bad rows on lines 3–6 and 8–10 (samples/README.md)
    stock_sample_skus(shop)
    # when it is imported
    report = import_sample(db, clock.now(), staff_of(shop), shop.store_id, "shopify_orders_bad.csv")
    # then those lines are reported and its good orders imported
    assert {r.line for r in report.reported if r.outcome == "refused"} == {3, 4, 5, 6, 8, 9, 10}
    assert report.imported == 2
    with db.read() as session:
        batch = session.get(ImportBatch, report.batch_id)
        assert batch is not None and batch.refused == report.refused == 7
        assert [e["line"] for e in batch.errors] == sorted(e["line"] for e in batch.errors)


def test_an_unknown_sku_refuses_only_its_order(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given a shop without the cast iron teapot's code (eBay order 13-22222-22222 on line 6)
    ids = stock_sample_skus(shop)
    staff = staff_of(shop)
    with db.transaction() as session:
        sku = session.get(Sku, ids["POT-CAST-1"])
        assert sku is not None
        sku.code = "RENAMED"
    # when the US eBay file is imported
    report = import_sample(db, clock.now(), staff, shop.store_id, "ebay_orders_us.csv")
    # then that order is refused with the code named, the others imported, nothing of it written
    refused = [r for r in report.reported if r.outcome == "refused"]
    assert [(r.line, r.column, r.channel_order_id) for r in refused] == [(6, "sku", "13-22222-22222")]
    assert "POT-CAST-1" in refused[0].message
    assert report.imported == 1 and report.skipped == 1 and report.refused == 1
    with db.read() as session:  # its savepoint left no order, line, payment, reservation or buyer behind
        assert counts(session, "orders", "order_lines", "payments", "channel_buyers") == \
            {"orders": 1, "order_lines": 2, "payments": 1, "channel_buyers": 1}
        ledger_sums_to_zero(session, shop.store_id)


def test_an_order_shipped_on_the_channel_enters_shipped_with_its_stock_gone(shop: Shop, db: Database,
                                                                           clock: SimulatedClock) -> None:
    # given an Amazon order shipped on the channel (222-2222222-2222222: three red mugs)
    ids = stock_sample_skus(shop)
    # when it is imported
    report = import_sample(db, clock.now(), staff_of(shop), shop.store_id, "amazon_all_orders.txt")
    # then it is shipped through our own `ship`: three mugs left the shelf, and receipt confirms itself in time
    with db.read() as session:
        shipped = [o for o in session.scalars(select(Order).where(Order.id.in_(report.order_ids))) if o.status == "shipped"]
        assert len(shipped) == 1
        order = shipped[0]
        assert order.tracking_number == "amazon:222-2222222-2222222" and order.confirm_by is not None
        row = session.scalar(select(ImportedOrder).where(ImportedOrder.order_id == order.id))
        assert row is not None and (order.currency, row.channel, row.channel_order_id) == \
            ("EUR", "amazon", "222-2222222-2222222")
    level = shop.staff.get(f"/skus/{ids['MUG-RED-12']}/stock")[0]
    assert (level["available"], level["reserved"]) == (97, 0)
    timers.advance_to(db, clock, clock.now() + timedelta(days=40))
    with db.read() as session:
        assert orders.get_order(session, staff_of(shop), order.id).status == "completed"
        books = ledger_sums_to_zero(session, shop.store_id, "EUR")
        assert books[ledger.ESCROW] == 0 and books[ledger.STORE_BALANCE] == order.total_minor


def test_an_order_no_warehouse_covers_is_refused_with_the_reason(shop: Shop, db: Database,
                                                                clock: SimulatedClock) -> None:
    # given one unit of each SKU only (RULES.md §5.1: stock is reserved at intake)
    stock_sample_skus(shop, stock=1)
    # when the Shopify file (its first order wants 2 mugs) is imported
    report = import_sample(db, clock.now(), staff_of(shop), shop.store_id, "shopify_orders.csv")
    # then an uncoverable order is refused as out of stock and leaves no reservation behind
    out_of_stock = [r for r in report.reported if "stock" in r.message]
    assert out_of_stock and all(r.outcome == "refused" for r in out_of_stock)
    with db.read() as session:
        ledger_sums_to_zero(session, shop.store_id)
        assert counts(session, "orders")["orders"] == report.imported


def test_an_imported_paid_order_gets_its_ship_by_ships_and_completes(shop: Shop, db: Database,
                                                                    clock: SimulatedClock) -> None:
    # given an imported order awaiting shipment on Shopify
    stock_sample_skus(shop)
    staff = staff_of(shop)
    report = import_sample(db, clock.now(), staff, shop.store_id, "shopify_orders.csv")
    book = load(shop.store["rulebook"])
    with db.read() as session:
        paid = [o for o in session.scalars(select(Order).where(Order.id.in_(report.order_ids))) if o.status == "paid"]
        assert paid
        order_id = paid[0].id
        assert paid[0].ship_by == clock.now() + book.shipping.ship_within  # the rulebook's, from the import
        assert {o.sales_channel for o in paid} == {"shopify"}  # what allocation rules route by
    # when staff ship it with our own `ship`, and the receipt timer confirms it (RULES.md §17.1)
    with db.transaction() as session:
        orders.ship(session, clock.now(), staff, order_id, "UPS", "1Z999")
    timers.advance_to(db, clock, clock.now() + timedelta(days=40))
    # then the order completes, escrow is released and the ledger sums to zero
    with db.read() as session:
        order = orders.get_order(session, staff, order_id)
        assert order.status == "completed"
        balances = ledger.balances(session, shop.store_id, order.currency, order.id)
        assert balances[ledger.ESCROW].minor == 0 and balances[ledger.STORE_BALANCE].minor == order.total_minor
        ledger_sums_to_zero(session, shop.store_id)


def test_buyers_are_forbidden_and_another_stores_staff_find_nothing(shop: Shop, db: Database,
                                                                   clock: SimulatedClock) -> None:
    buyer = Principal(role=Role.BUYER, key_id=2, buyer_id=int(shop.buyer["id"]))
    stranger = Principal(role=Role.STAFF, key_id=3, store_id=shop.store_id + 1000)
    with pytest.raises(Forbidden):
        import_sample(db, clock.now(), buyer, shop.store_id, "shopify_orders.csv")
    with pytest.raises(NotFound):
        import_sample(db, clock.now(), stranger, shop.store_id, "shopify_orders.csv")
