"""Tracking events recorded against orders (物流信息, RULES.md §5.5, §7.3): from the API, a file, or the channels.

Each scan is matched to its parcel by tracking number (a standing label of the store, else the number the order
shipped with), recorded once, and acted on through the orders' own use cases (`tracking.steps_for` says which):
pickup → `orders.record_pickup` (shipping first a labelled order nobody shipped), delivered → `orders.mark_delivered`
(which starts the receipt windows), held by customs → the event `shipment.held_by_customs` and, for a parcel that
crosses a border, a seizure the platform rules on (`crossborder.order_customs.held_by_customs`); returned → the event
`shipment.returned`.

A batch is taken scan by scan, oldest first, each in a savepoint: an unknown number is reported, a scan an order
refuses (a pickup before payment, a time in the future) is reported with the reason, and the rest are recorded.
Staff of the store and the operator; buyers 403.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal
from shopkeeper.catalog import service as catalog
from shopkeeper.crossborder import order_customs
from shopkeeper.errors import DomainError
from shopkeeper.fulfillment import tracking
from shopkeeper.fulfillment.label_service import live_labels, waiting_to_ship
from shopkeeper.fulfillment.logistics_channels import channel_for
from shopkeeper.fulfillment.models import Shipment, ShippingLabel, TrackingEventRow
from shopkeeper.orders import service as orders
from shopkeeper.scope import SYSTEM, require_store_manager

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

POLL_LOOKBACK = timedelta(days=90)


@dataclass(frozen=True)
class Refused:
    """A scan not recorded: its place in the batch (from 1, or the file's line), its number and why."""

    index: int
    tracking_number: str
    code: str
    detail: str


@dataclass
class Recorded:
    recorded: list[TrackingEventRow] = field(default_factory=list)
    duplicates: int = 0
    unknown: list[Refused] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def _parcels(session: Session, store_id: int, numbers: set[str]) -> dict[str, tuple[int, ShippingLabel | None]]:
    """Tracking number → (order id, its standing label or None): the store's labels first, then its shipments."""
    found: dict[str, tuple[int, ShippingLabel | None]] = {}
    for shipment in session.scalars(select(Shipment).where(Shipment.store_id == store_id,
                                                           Shipment.tracking_number.in_(numbers))):
        found[shipment.tracking_number] = (shipment.order_id, None)
    for label in session.scalars(select(ShippingLabel).where(ShippingLabel.store_id == store_id,
                                                             ShippingLabel.tracking_number.in_(numbers),
                                                             ShippingLabel.voided_at.is_(None))):
        found[label.tracking_number] = (label.order_id, label)
    return found


def _facts(session: Session, order: Order) -> tracking.OrderFacts:
    labelled = waiting_to_ship(order) and bool(live_labels(session, [order.id])[order.id])
    ended = order.status in ("completed", "closed")
    return tracking.OrderFacts(labelled=labelled, shipped=order.shipped_at is not None,
                               picked_up=order.picked_up_at is not None, delivered=order.delivered_at is not None or ended)


def _apply(session: Session, now: datetime, actor: Principal, order: Order, report: tracking.TrackingReport) -> None:
    for step in tracking.steps_for(report.kind, _facts(session, order)):
        if step == "ship":
            first = live_labels(session, [order.id])[order.id][0]
            orders.ship(session, now, actor, order.id, first.carrier, first.tracking_number)
        elif step == "pickup":
            orders.record_pickup(session, now, actor, order.id, at=report.at)
        elif step == "deliver":
            orders.mark_delivered(session, now, actor, order.id)
        elif report.kind == "held_by_customs":
            events.record(session, now, "shipment.held_by_customs", f"order:{order.id}", order.store_id,
                          tracking_number=report.tracking_number, scanned_at=report.at.isoformat(), location=report.location)
            # a cross-border parcel held by customs is a seizure whose cause the platform rules on (RULES.md §6.3)
            order_customs.held_by_customs(session, now, order.id, note=report.location)
        else:
            events.record(session, now, "shipment.returned", f"order:{order.id}", order.store_id,
                          tracking_number=report.tracking_number, scanned_at=report.at.isoformat(), location=report.location)


def record_tracking_events(session: Session, now: datetime, actor: Principal, store_id: int,
                           reports: Sequence[tuple[int, tracking.TrackingReport]], source: str,
                           on_each: Callable[[], None] | None = None) -> Recorded:
    """Record each (place, scan) of the store and act on it; the same scan again changes nothing."""
    require_store_manager(actor, store_id)
    catalog.get_store(session, actor, store_id)
    if source not in tracking.SOURCES:
        raise ValueError(source)
    parcels = _parcels(session, store_id, {r.tracking_number for _, r in reports})
    result = Recorded()
    for index, report in sorted(reports, key=lambda pair: (pair[1].at, pair[0])):
        _record_one(session, now, actor, store_id, index, report, source, parcels, result)
        if on_each is not None:
            on_each()
    return result


def _record_one(session: Session, now: datetime, actor: Principal, store_id: int, index: int,
                report: tracking.TrackingReport, source: str, parcels: dict[str, tuple[int, ShippingLabel | None]],
                result: Recorded) -> None:
    key = tracking.dedupe_key(report)
    if session.scalar(select(TrackingEventRow.id).where(TrackingEventRow.store_id == store_id,
                                                        TrackingEventRow.dedupe_key == key)) is not None:
        result.duplicates += 1
        return
    if report.tracking_number not in parcels:
        result.unknown.append(Refused(index, report.tracking_number, "unknown-tracking-number",
                                      f"no parcel of this store has the tracking number {report.tracking_number}"))
        return
    if report.at > now:
        result.refused.append(Refused(index, report.tracking_number, "invalid-input", "a scan cannot come from the future"))
        return
    order_id, label = parcels[report.tracking_number]
    try:
        with session.begin_nested():
            order = orders.get_order(session, actor, order_id, for_update=True)
            _apply(session, now, actor, order, report)
            row = TrackingEventRow(store_id=store_id, order_id=order_id, label_id=label.id if label else None,
                                   tracking_number=report.tracking_number, kind=report.kind, at=report.at,
                                   location=report.location, source=source, dedupe_key=key, recorded_at=now)
            session.add(row)
            session.flush()
        result.recorded.append(row)
    except IntegrityError:  # the same scan, recorded by a concurrent batch a moment ago
        result.duplicates += 1
    except DomainError as problem:
        result.refused.append(Refused(index, report.tracking_number, problem.code, problem.detail))


def tracking_of(session: Session, actor: Principal, order_id: int) -> tuple[Order, list[ShippingLabel], list[TrackingEventRow]]:
    """An order's labels (voided ones too) and its scans, in the carrier's time order."""
    order = orders.get_order(session, actor, order_id)
    require_store_manager(actor, order.store_id)
    labels = list(session.scalars(select(ShippingLabel).where(ShippingLabel.order_id == order.id).order_by(ShippingLabel.id)))
    scans = list(session.scalars(select(TrackingEventRow).where(TrackingEventRow.order_id == order.id)
                                 .order_by(TrackingEventRow.at, TrackingEventRow.id)))
    return order, labels, scans


def poll_channels(session: Session, now: datetime, store_id: int, since: datetime,
                  lookback: timedelta = POLL_LOOKBACK) -> Recorded:
    """Ask each channel with standing labels of the store for their scans since `since`, and record them (source
    carrier, as the engine itself). Labels booked within `lookback` are asked about: a parcel still travels or may
    still come back within the longest dispute window (RULES.md §5.6: 90 days). The built-in channel reports no
    scans; a carrier's adapter does (`logistics_channels`)."""
    by_channel: dict[str, list[str]] = {}
    for label in session.scalars(select(ShippingLabel).where(ShippingLabel.store_id == store_id,
                                                             ShippingLabel.voided_at.is_(None),
                                                             ShippingLabel.booked_at >= now - lookback)
                                 .order_by(ShippingLabel.id)):
        by_channel.setdefault(label.channel_code, []).append(label.tracking_number)
    reports: list[tuple[int, tracking.TrackingReport]] = []
    for code, numbers in sorted(by_channel.items()):
        reports.extend(enumerate(channel_for(session, code).track(numbers, since), start=len(reports) + 1))
    return record_tracking_events(session, now, SYSTEM, store_id, reports, "carrier")
