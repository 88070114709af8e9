"""Labels wired to orders (打单配货, RULES.md §5.1): book a label per parcel with the order's logistics channel, print
labels with their pick list, scan an item to label a simple parcel, void a label, ship with the label.

Staff of the store and the operator; buyers are refused (403) and another store's orders answer 404.

Readings (our choices where RULES.md is silent):
- An order is labelled when it is paid, waiting to ship (not held for a group or a pool) and allocated: the
  allocation names each parcel's warehouse and channel. Without an allocation, or held by it, it is refused with
  the reason; a batch with one refused order books nothing (no half write).
- One label per parcel of the allocation. Booking again returns the labels that stand: booking is idempotent per
  order. A voided label frees its parcel, and the next booking gets a new number.
- Shipping with a label (`ship_labelled`) is `orders.ship` with the first parcel's carrier and number; the same
  happens when the carrier's first scan arrives for a labelled order nobody shipped (`tracking_service`). On a
  pickup rulebook (§7.3) the order counts as shipped at the carrier's pickup scan either way.
- Printing counts: each PDF of a label adds one to its `printed_count`, so a reprint can be told from a first print.
- A simple parcel (简单包裹) is an order of one piece; scanning that SKU (by code or barcode) labels the oldest such
  allocated order whose label has not been printed yet, so scanning the next piece labels the next order.
- Booking moves the order's reservations to the warehouses its parcels ship from (`_reserve_where_parcels_ship`).
- The pick list walks the shelves in shelf-location order (`documents.walk_order`): each piece at its home shelf in
  the warehouse it is reserved in (`warehouse.service.shelf_of`), "(no shelf)" where the warehouse has not placed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.errors import InvalidInput, NotAllowedInState, NotFound
from shopkeeper.fulfillment import documents
from shopkeeper.fulfillment.logistics_channels import Parcel, channel_for
from shopkeeper.fulfillment.models import OrderAllocation, ShippingLabel
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import service as orders
from shopkeeper.orders import shipping_choice
from shopkeeper.scope import require_role, require_store_manager, scoped
from shopkeeper.warehouse import service as warehouse

if TYPE_CHECKING:
    from shopkeeper.orders.models import Order

MAX_BATCH = 200


@dataclass(frozen=True)
class Labelled:
    """An order and its standing labels; `booked` says whether this call booked them."""

    order: Order
    labels: list[ShippingLabel]
    booked: bool


def live_labels(session: Session, order_ids: Sequence[int]) -> dict[int, list[ShippingLabel]]:
    found: dict[int, list[ShippingLabel]] = {i: [] for i in order_ids}
    if order_ids:
        for row in session.scalars(select(ShippingLabel).where(ShippingLabel.order_id.in_(list(order_ids)),
                                                               ShippingLabel.voided_at.is_(None))
                                   .order_by(ShippingLabel.order_id, ShippingLabel.parcel)):
            found[row.order_id].append(row)
    return found


def allocations_of(session: Session, order_ids: Sequence[int]) -> dict[int, OrderAllocation]:
    if not order_ids:
        return {}
    return {row.order_id: row for row in session.scalars(
        select(OrderAllocation).where(OrderAllocation.order_id.in_(list(order_ids))))}


def waiting_to_ship(order: Order) -> bool:
    return (order.status == "paid" and order.shipped_at is None and order.held_for_group is None
            and order.held_for_pool is None)


def _store_order(session: Session, actor: Principal, store_id: int, order_id: int) -> Order:
    order = orders.get_order(session, actor, order_id, for_update=True)
    if order.store_id != store_id:
        raise NotFound(f"order {order_id} does not exist")
    return order


def _check_labellable(order: Order, allocation: OrderAllocation | None) -> list[dict[str, Any]]:
    """The allocation's parcels, or why the order cannot be labelled."""
    if not waiting_to_ship(order):
        raise NotAllowedInState(f"order {order.number} is not paid and waiting to ship", current_status=order.status,
                                action="label")
    if allocation is None:
        raise NotAllowedInState(f"order {order.number} has no allocation yet: run the allocation rules first",
                                current_status=order.status, action="label", reason="not-allocated")
    if allocation.status != "allocated":
        reason = allocation.reason or allocation.status
        raise NotAllowedInState(f"order {order.number} is not allocated: {reason}", current_status=order.status,
                                action="label", reason=reason)
    return list(allocation.outcome.get("parcels", []))


def _reserve_where_parcels_ship(session: Session, now: datetime, order: Order, parcels: list[dict[str, Any]],
                                warehouse_ids: dict[str, int]) -> None:
    """Checkout reserved each line in the first warehouse that had it; the allocation may ship it from others. Before
    the labels stand, the reservations move to the parcels' warehouses, so shipping takes the stock from the shelf the
    parcel leaves (RULES.md §5.1). A warehouse that no longer has the pieces refuses the booking (409)."""
    sku_ids = {line.sku_code: line.sku_id for line in order.lines}
    wanted: dict[tuple[int, int], int] = {}
    for parcel in parcels:
        for item in parcel["items"]:
            key = (sku_ids[item["sku_code"]], warehouse_ids[parcel["warehouse_code"]])
            wanted[key] = wanted.get(key, 0) + item["quantity"]
    held = inventory.held_for(session, order.id)
    for sku_id in sorted({sku for sku, _ in wanted}):
        spare = [[w, n - wanted.get((sku_id, w), 0)] for (s, w), n in sorted(held.items()) if s == sku_id]
        short = [(w, n - held.get((sku_id, w), 0)) for (s, w), n in sorted(wanted.items()) if s == sku_id]
        for to_warehouse, missing in short:
            for place in spare:
                moved = min(missing, place[1])
                if moved > 0:
                    inventory.move_reservation(session, now, order.store_id, order.id, sku_id, place[0], to_warehouse, moved)
                    place[1] -= moved
                    missing -= moved


def _book_order(session: Session, now: datetime, order: Order, parcels: list[dict[str, Any]]) -> list[ShippingLabel]:
    codes = {item["sku_code"] for p in parcels for item in p["items"]}
    skus = catalog.skus_by_code(session, order.store_id, codes)
    warehouses = inventory.list_warehouses(session, order.store_id)
    _reserve_where_parcels_ship(session, now, order, parcels, {w.code: w.id for w in warehouses})
    countries = {w.code: w.country for w in warehouses}
    labels = []
    for number, parcel in enumerate(parcels, start=1):
        weight = sum(skus[i["sku_code"]].weight_grams * i["quantity"] for i in parcel["items"] if i["sku_code"] in skus)
        wanted = Parcel(order.store_id, parcel["channel_code"], order.number, number, parcel["warehouse_code"],
                        countries.get(parcel["warehouse_code"], ""), str(order.ship_to.get("country", "")), weight)
        booking = channel_for(session, wanted.channel_code).book(wanted)
        row = ShippingLabel(order_id=order.id, store_id=order.store_id, parcel=number, live_key=f"{order.id}:{number}",
                            warehouse_code=wanted.warehouse_code, channel_code=wanted.channel_code, carrier=booking.carrier,
                            tracking_number=booking.tracking_number, weight_grams=weight, booked_at=now, printed_count=0)
        session.add(row)
        labels.append(row)
    session.flush()
    for row in labels:
        events.record(session, now, "label.booked", f"order:{order.id}", order.store_id, label_id=row.id, parcel=row.parcel,
                      channel_code=row.channel_code, carrier=row.carrier, tracking_number=row.tracking_number,
                      warehouse_code=row.warehouse_code)
    return labels


def book_labels(session: Session, now: datetime, actor: Principal, store_id: int, order_ids: Sequence[int]) -> list[Labelled]:
    """Book a label for each parcel of each order (RULES.md §5.1); orders that have labels keep them."""
    require_store_manager(actor, store_id)
    wanted = list(dict.fromkeys(order_ids))
    if not wanted or len(wanted) > MAX_BATCH:
        raise InvalidInput(f"name 1 to {MAX_BATCH} orders", field="order_ids")
    found = [_store_order(session, actor, store_id, order_id) for order_id in wanted]
    standing = live_labels(session, wanted)
    allocations = allocations_of(session, wanted)
    results: list[Labelled] = []
    for order in found:
        if standing[order.id]:
            results.append(Labelled(order, standing[order.id], booked=False))
            continue
        parcels = _check_labellable(order, allocations.get(order.id))
        results.append(Labelled(order, _book_order(session, now, order, parcels), booked=True))
    return results


def scan_simple_parcel(session: Session, now: datetime, actor: Principal, store_id: int, code: str) -> Labelled:
    """扫货出面单 (§5.1): the scanned piece goes to the oldest allocated one-piece order whose label is not printed."""
    require_store_manager(actor, store_id)
    catalog.get_store(session, actor, store_id)
    sku_code = _sku_code_of(session, store_id, code)
    simple = [o for o in shipping_choice.awaiting_shipment(session, store_id)
              if len(o.lines) == 1 and o.lines[0].sku_code == sku_code and o.lines[0].quantity == 1]
    allocations = allocations_of(session, [o.id for o in simple])
    standing = live_labels(session, [o.id for o in simple])
    ready = [o for o in simple if (a := allocations.get(o.id)) is not None and a.status == "allocated"
             and not any(row.printed_count for row in standing[o.id])]
    if not ready:
        raise NotFound(f"no allocated one-piece order waits for {sku_code}")
    order = min(ready, key=lambda o: (o.placed_at, o.id))
    [labelled] = book_labels(session, now, actor, store_id, [order.id])
    mark_printed(session, now, labelled.labels)
    return labelled


def _sku_code_of(session: Session, store_id: int, code: str) -> str:
    code = code.strip()
    if code in catalog.skus_by_code(session, store_id, {code}):
        return code
    by_barcode = catalog.sku_by_barcode(session, store_id, code)
    if by_barcode is None:
        raise NotFound(f"no SKU of this store has the code or barcode {code}")
    return by_barcode.code


def get_label(session: Session, actor: Principal, label_id: int, for_update: bool = False) -> ShippingLabel:
    require_role(actor, Role.OPERATOR, Role.STAFF)
    query = scoped(select(ShippingLabel).where(ShippingLabel.id == label_id), actor, ShippingLabel.store_id)
    row = session.scalar(query.with_for_update() if for_update else query)
    if row is None:
        raise NotFound(f"label {label_id} does not exist")
    require_store_manager(actor, row.store_id)
    return row


def void_label(session: Session, now: datetime, actor: Principal, label_id: int) -> ShippingLabel:
    """Cancel a label that has not left with its parcel: its number is never used again, the parcel may be rebooked."""
    row = get_label(session, actor, label_id, for_update=True)
    if row.voided_at is not None:
        return row
    order = orders.get_order(session, actor, row.order_id)
    if order.shipped_at is not None and order.tracking_number is not None:
        raise NotAllowedInState(f"label {row.id} left with its parcel; it cannot be voided", current_status=order.status,
                                action="void")
    row.voided_at, row.live_key = now, None
    events.record(session, now, "label.voided", f"order:{row.order_id}", row.store_id, label_id=row.id,
                  tracking_number=row.tracking_number, carrier=row.carrier)
    return row


def ship_labelled(session: Session, now: datetime, actor: Principal, order_id: int) -> Order:
    """The labelled parcel is handed over: the order ships with its label's carrier and number (`orders.ship`)."""
    order = orders.get_order(session, actor, order_id)
    require_store_manager(actor, order.store_id)
    labels = live_labels(session, [order.id])[order.id]
    if not labels:
        raise NotAllowedInState(f"order {order.number} has no label; book one first", current_status=order.status,
                                action="ship")
    return orders.ship(session, now, actor, order.id, labels[0].carrier, labels[0].tracking_number)


def mark_printed(session: Session, now: datetime, labels: Sequence[ShippingLabel]) -> None:
    for row in labels:
        row.printed_count += 1
        row.last_printed_at = now


def _pick_lines(session: Session, orders_: Sequence[Order], warehouse_codes: dict[int, str]) -> list[documents.PickLine]:
    """Each order's pieces where they are reserved (after booking: where its parcels ship from), at their shelf there
    (货架位, §1.1), written with the warehouse's code first so a batch over two warehouses walks one, then the other."""
    held = inventory.held_for_orders(session, [order.id for order in orders_])  # one read for the batch
    places: dict[int, set[int]] = {}
    for units_at in held.values():
        for sku_id, warehouse_id in units_at:
            places.setdefault(warehouse_id, set()).add(sku_id)
    shelves = {w: warehouse.shelf_of(session, w, sorted(skus)) for w, skus in places.items()}  # one read per warehouse
    lines = []
    for order in orders_:
        titles = {line.sku_id: (line.sku_code, line.title) for line in order.lines}
        for (sku_id, at), units in sorted(held.get(order.id, {}).items(), key=lambda item: (item[0][1], item[0][0])):
            shelf = shelves[at].get(sku_id)
            code, title = titles[sku_id]
            lines.append(documents.PickLine(order.number, code, units, f"{warehouse_codes[at]} {shelf}" if shelf else None,
                                            title))
    return lines


def _party(address: dict[str, Any]) -> documents.Party:
    lines = tuple(str(address.get(k) or "") for k in ("line1", "city", "region", "postcode") if address.get(k))
    return documents.Party(str(address.get("recipient") or ""), lines, str(address.get("country") or ""),
                           str(address.get("phone") or ""))


def print_batch(session: Session, now: datetime, actor: Principal, store_id: int, order_ids: Sequence[int],
                with_labels: bool = True) -> bytes:
    """One PDF: the batch's pick list, walked in shelf order, then its labels (§5.1 picking printed with the label).

    Every order named must have its labels booked (unless only the pick list is asked for); printing counts."""
    require_store_manager(actor, store_id)
    wanted = list(dict.fromkeys(order_ids))
    if not wanted or len(wanted) > MAX_BATCH:
        raise InvalidInput(f"name 1 to {MAX_BATCH} orders", field="order_ids")
    found = [_store_order(session, actor, store_id, order_id) for order_id in wanted]
    standing = live_labels(session, wanted)
    store = catalog.store_by_id(session, store_id)
    warehouses = {w.code: w for w in inventory.list_warehouses(session, store_id)}
    pick = _pick_lines(session, found, {w.id: w.code for w in warehouses.values()})
    printed: list[documents.Label] = []
    if with_labels:
        for order in found:
            if not standing[order.id]:
                raise NotAllowedInState(f"order {order.number} has no label; book one first", current_status=order.status,
                                        action="print")
            for row in standing[order.id]:
                house = warehouses.get(row.warehouse_code)
                sender = documents.Party(store.name, (house.name,) if house else (), house.country if house else "")
                printed.append(documents.Label(order.number, row.tracking_number, row.carrier, row.weight_grams,
                                               _party(order.ship_to), sender))
            mark_printed(session, now, standing[order.id])
    return documents.render(printed, documents.walk_order(pick), batch=f"{now:%Y%m%d-%H%M}")


@dataclass(frozen=True)
class Waiting:
    """One order in the awaiting-shipment queue: its allocation (or None) and its standing labels."""

    order: Order
    allocation: OrderAllocation | None
    labels: list[ShippingLabel]


def awaiting_queue(session: Session, actor: Principal, store_ids: Sequence[int]) -> list[Waiting]:
    """Paid, unshipped orders of the stores named (each one the caller manages), soonest ship-by first (§5.7, §7.3);
    orders whose ship-by clock has not started (held, then released) come last, oldest first."""
    found: list[Order] = []
    for store_id in store_ids:
        require_store_manager(actor, store_id)
        found.extend(shipping_choice.awaiting_shipment(session, store_id))
    ids = [o.id for o in found]
    allocations, labels = allocations_of(session, ids), live_labels(session, ids)
    found.sort(key=lambda o: (o.ship_by is None, o.ship_by or o.placed_at, o.id))
    return [Waiting(o, allocations.get(o.id), labels[o.id]) for o in found]
