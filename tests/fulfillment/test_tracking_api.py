"""Carrier scans recorded against orders (RULES.md §5.5 logistics information, §7.3 pickup is shipping on Taobao):
pickup ships a labelled order and records the pickup, delivery marks it delivered, the same scan twice changes
nothing, unknown numbers are reported while the rest is recorded; and the built-in channel's numbers under threads."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.events import Event
from shopkeeper.fulfillment.logistics_channels import Booking, Parcel, next_serial, register, unregister
from shopkeeper.fulfillment.tracking import TrackingReport
from shopkeeper.fulfillment.tracking_service import poll_channels
from support import Shop


def _labelled(shop: Shop, *lines: tuple[int, int]) -> tuple[Any, str]:
    order = shop.order(*lines)
    shop.pay(order)
    path = f"/stores/{shop.store_id}/allocation-rules"
    if not shop.staff.get(path):
        shop.staff.post(path, {"name": "all", "conditions": {}, "warehouse_code": "HZ1", "channel_code": "SF"}, expect=201)
    shop.staff.post(f"/stores/{shop.store_id}/allocations?dry_run=false")
    [booked] = shop.staff.post(f"/stores/{shop.store_id}/labels", {"order_ids": [order["id"]]})
    return order, booked["labels"][0]["tracking_number"]


def _scan(number: str, kind: str, at: Any, location: str = "Hangzhou") -> dict[str, Any]:
    return {"tracking_number": number, "kind": kind, "at": at.isoformat(), "location": location}


def _post(shop: Shop, *scans: dict[str, Any], **kwargs: Any) -> Any:
    return shop.staff.post(f"/stores/{shop.store_id}/tracking-events", {"events": list(scans)}, **kwargs)


def test_pickup_ships_a_labelled_order_on_a_pickup_rulebook_then_delivery_marks_it(shop: Shop, clock: SimulatedClock) -> None:
    # given a Taobao order (shipped means the carrier's pickup) with a label nobody shipped
    order, number = _labelled(shop, (shop.skus[0], 1))
    clock.advance(hours=3)
    picked = clock.now() - timedelta(hours=1)
    # when the carrier's pickup scan arrives
    done = _post(shop, _scan(number, "picked_up", picked))
    # then the order is shipped with the label's carrier and number, picked up at the scan's time
    assert [r["kind"] for r in done["recorded"]] == ["picked_up"] and done["unknown"] == done["refused"] == []
    seen = shop.staff.get(f"/orders/{order['id']}")
    assert seen["status"] == "shipped" and seen["tracking_number"] == number and seen["carrier"] == "SF"
    assert seen["picked_up_at"].startswith(picked.replace(tzinfo=None).isoformat()[:16])
    # when it is delivered two days later
    clock.advance(days=2)
    _post(shop, _scan(number, "in_transit", clock.now() - timedelta(days=1), "Shanghai"),
          _scan(number, "delivered", clock.now(), "Beijing"))
    # then the order is delivered, and its tracking lists the three scans in time order
    assert shop.staff.get(f"/orders/{order['id']}")["status"] == "delivered"
    tracked = shop.staff.get(f"/orders/{order['id']}/tracking")
    assert [e["kind"] for e in tracked["events"]] == ["picked_up", "in_transit", "delivered"]


def test_the_same_scan_twice_changes_nothing_and_unknown_numbers_are_reported(shop: Shop, clock: SimulatedClock, db: Database) -> None:
    order, number = _labelled(shop, (shop.skus[0], 1))
    clock.advance(hours=2)
    scan = _scan(number, "picked_up", clock.now())
    # when a batch holds an unknown number beside a good scan, then the good scan comes again
    first = _post(shop, _scan("XX123", "picked_up", clock.now()), scan)
    again = _post(shop, scan)
    # then the unknown one is reported with its place, the good one recorded once
    assert [(u["index"], u["tracking_number"], u["code"]) for u in first["unknown"]] == [(1, "XX123", "unknown-tracking-number")]
    assert len(first["recorded"]) == 1 and again["recorded"] == [] and again["duplicates"] == 1
    assert len(shop.staff.get(f"/orders/{order['id']}/tracking")["events"]) == 1
    with db.read() as session:
        kinds = [e.type for e in session.scalars(select(Event).where(Event.subject == f"order:{order['id']}"))]
    assert kinds.count("order.shipped") == 1 and kinds.count("order.picked_up") == 1


def test_delivered_before_picked_up_delivers_and_the_late_pickup_keeps_its_own_time(shop: Shop, clock: SimulatedClock) -> None:
    order, number = _labelled(shop, (shop.skus[1], 1))
    clock.advance(days=3)
    picked, delivered = clock.now() - timedelta(days=2), clock.now() - timedelta(hours=1)
    _post(shop, _scan(number, "delivered", delivered))
    assert shop.staff.get(f"/orders/{order['id']}")["status"] == "delivered"
    assert shop.staff.get(f"/orders/{order['id']}")["picked_up_at"] is None
    _post(shop, _scan(number, "picked_up", picked))
    seen = shop.staff.get(f"/orders/{order['id']}")
    assert seen["status"] == "delivered" and seen["picked_up_at"].startswith(picked.replace(tzinfo=None).isoformat()[:16])


def test_customs_hold_and_return_are_events_and_refused_scans_say_why(shop: Shop, clock: SimulatedClock, db: Database) -> None:
    order, number = _labelled(shop, (shop.skus[0], 1))
    clock.advance(days=1)
    done = _post(shop, _scan(number, "held_by_customs", clock.now(), "Moscow"),
                 _scan(number, "picked_up", clock.now() + timedelta(days=1)))
    assert [r["kind"] for r in done["recorded"]] == ["held_by_customs"]
    assert [(r["index"], r["code"]) for r in done["refused"]] == [(2, "invalid-input")]
    with db.read() as session:
        held = session.scalar(select(Event).where(Event.type == "shipment.held_by_customs"))
    assert held is not None and held.subject == f"order:{order['id']}" and held.data["location"] == "Moscow"
    assert shop.staff.get(f"/orders/{order['id']}")["status"] == "paid"  # customs holds ship nothing


def test_scans_are_staff_only_and_bad_input_is_a_422(shop: Shop, clock: SimulatedClock) -> None:
    _, number = _labelled(shop, (shop.skus[0], 1))
    scan = _scan(number, "picked_up", clock.now())
    shop.shopper.post(f"/stores/{shop.store_id}/tracking-events", {"events": [scan]}, expect=403)
    _post(shop, {**scan, "kind": "lost"}, expect=422)
    _post(shop, {**scan, "at": "9999-12-05T10:00:00Z"}, expect=422)
    _post(shop, expect=422)


def test_the_built_in_channel_never_issues_a_number_twice_under_threads(shop: Shop, db: Database) -> None:
    # given eight bookings at once, each taking ten numbers in transactions of its own (the first of the series too)
    taken: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def book() -> None:
        try:
            start.wait()
            for _ in range(10):
                with db.transaction() as session:
                    taken.append(next_serial(session, shop.store_id, "SF"))
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)

    threads = [threading.Thread(target=book) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then every number of 1..80 was issued exactly once
    assert errors == []
    assert sorted(taken) == list(range(1, 81))


class _Carrier:
    """A carrier adapter as one would be written (logistics_channels.LogisticsChannel): numbers of its own, and scans."""

    def __init__(self, scans: list[TrackingReport]) -> None:
        self.scans = scans
        self.asked: list[tuple[tuple[str, ...], Any]] = []

    def book(self, parcel: Parcel) -> Booking:
        return Booking(f"YUN{parcel.order_number}-{parcel.parcel}", "YunExpress")

    def track(self, tracking_numbers: Sequence[str], since: Any) -> list[TrackingReport]:
        self.asked.append((tuple(tracking_numbers), since))
        return [s for s in self.scans if s.tracking_number in tracking_numbers and s.at >= since]


def test_a_registered_adapter_books_the_channels_labels_and_polling_records_its_scans(
        shop: Shop, clock: SimulatedClock, db: Database) -> None:
    # given an adapter registered for the YUN channel, and an order the rules send by it
    carrier = _Carrier([])
    register("YUN", lambda session: carrier)
    try:
        order = shop.order((shop.skus[0], 1))
        shop.pay(order)
        shop.staff.post(f"/stores/{shop.store_id}/allocation-rules",
                        {"name": "all", "conditions": {}, "warehouse_code": "HZ1", "channel_code": "YUN"}, expect=201)
        shop.staff.post(f"/stores/{shop.store_id}/allocations?dry_run=false")
        [booked] = shop.staff.post(f"/stores/{shop.store_id}/labels", {"order_ids": [order["id"]]})
        number = booked["labels"][0]["tracking_number"]
        assert number == f"YUN{order['number']}-1" and booked["labels"][0]["carrier"] == "YunExpress"
        # when the carrier reports its pickup and polling asks it
        clock.advance(hours=5)
        since = clock.now() - timedelta(hours=4)
        carrier.scans = [TrackingReport(number, "picked_up", clock.now() - timedelta(hours=1), "Shenzhen"),
                         TrackingReport(number, "in_transit", since - timedelta(hours=1), "old, before since")]
        with db.transaction() as session:
            done = poll_channels(session, clock.now(), shop.store_id, since)
        # then only the new scan is recorded, from the carrier, and the labelled order ships and is picked up
        assert [(r.kind, r.source) for r in done.recorded] == [("picked_up", "carrier")]
        assert carrier.asked == [((number,), since)]
        seen = shop.staff.get(f"/orders/{order['id']}")
        assert seen["status"] == "shipped" and seen["carrier"] == "YunExpress" and seen["picked_up_at"] is not None
        # and polling again records nothing more
        with db.transaction() as session:
            assert poll_channels(session, clock.now(), shop.store_id, since).duplicates == 1
    finally:
        unregister("YUN")
