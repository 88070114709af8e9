"""What the staff do: ship, the carrier's pickup and delivery scans, and the buyer's confirmation that ends the
parcel's journey; and between orders, price changes and Monday's restock.

Cross-border shops ship as RULES.md §5.1 runs: the store's allocation rules place the order, the built-in logistics
channel books its label, the order ships with it, and the carrier's pickup and delivery scans come back as tracking
events. The tea house's desk types in its couriers' numbers and records their scans by hand, as before."""

from __future__ import annotations

from bisect import bisect
from datetime import datetime, timedelta

from shopkeeper.auth import Principal
from shopkeeper.catalog import service as catalog
from shopkeeper.crossborder.rules import ShipmentRefused
from shopkeeper.demo.core import DemoCore, DemoShop, DemoShopper, shelf_price
from shopkeeper.demo.data import (
    BUYER_CONFIRMS_SHARE,
    BUYER_EXTENDS_SHARE,
    CHINA_OUTBOUND,
    DELIVERY_SCAN_SHARE,
    PICKUP_HOURS,
    PICKUP_SCAN_SHARE,
    SELLER_EXTENDS_REMOTE_SHARE,
    SELLER_EXTENDS_SHARE,
    TAOBAO_CARRIERS,
    US_DOMESTIC,
)
from shopkeeper.errors import InvalidInput, NotAllowedInState
from shopkeeper.fulfillment import allocation_service, label_service, tracking, tracking_service
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import receipt
from shopkeeper.orders import service as orders


class Staff(DemoCore):
    """The store's side of an order once it is paid, and the shelf between orders."""

    def ship(self, shop: DemoShop, shopper: DemoShopper, order_id: int, from_us: bool) -> None:
        if order_id in self.desk.held:  # the buyer asked for the money back before shipment: wait for the answer
            return
        self.before_shipping(shop, order_id)
        if shop.carriers:
            carriers = shop.carriers
        elif not shop.cross_border:
            carriers = TAOBAO_CARRIERS
        else:
            carriers = US_DOMESTIC if from_us else CHINA_OUTBOUND
        try:
            labelled = self.ship_labelled(shop, order_id) if shop.cross_border else None
            if labelled is not None and labelled[0] in {**carriers, **US_DOMESTIC, **CHINA_OUTBOUND}:
                carrier, confirm_by, number = labelled
                pattern, (fastest, slowest) = {**carriers, **US_DOMESTIC, **CHINA_OUTBOUND}[carrier]
            else:  # held or unallocated by the rules, or a domestic shop: the desk types in the carrier's number
                carrier = self.rng.choice(sorted(carriers))
                pattern, (fastest, slowest) = carriers[carrier]
                with self.db.transaction() as session:
                    order = orders.ship(session, self.now, shop.staff, order_id, carrier, self.tracking_number(pattern))
                    confirm_by, number = order.confirm_by, None
        except NotAllowedInState:  # refunded before it could ship
            return
        except ShipmentRefused:  # RULES.md §6.1: a destination refuses the parcel (Pakistan): it stays for the staff
            self.tally["shipments refused by customs rules"] += 1
            return
        assert confirm_by is not None
        self.tally["shipped"] += 1
        transit = timedelta(days=self.rng.uniform(fastest, slowest) + (2 if shopper.remote else 0))
        arrives = self.now + transit
        # RULES.md §6.3: customs keep a few parcels abroad; those never arrive, so nobody scans or confirms them
        held = number is not None and self.backoffice_desk.customs_hold(shop, order_id, carrier, number, transit)
        if not held:
            self.desk.after_shipment(shop, shopper, order_id, carrier, arrives)
        if self.rng.random() < PICKUP_SCAN_SHARE:
            self.later(self.now + min(timedelta(hours=self.rng.uniform(*PICKUP_HOURS)), transit / 2), self.pick_up, shop,
                       order_id, number)
        scanned = self.rng.random() < DELIVERY_SCAN_SHARE and arrives < confirm_by - timedelta(hours=2)
        if scanned and not held:
            self.later(arrives, self.deliver, shop, order_id, number)
        if self.rng.random() < BUYER_CONFIRMS_SHARE:
            at = arrives + timedelta(hours=self.rng.uniform(1, 72))
            if at < confirm_by - timedelta(hours=1) and not held:
                self.later(at, self.confirm, shopper, order_id)
        if not held:
            self.plan_extensions(shop, shopper, order_id, confirm_by)

    def plan_extensions(self, shop: DemoShop, shopper: DemoShopper, order_id: int, confirm_by: datetime) -> None:
        """延长收货 where the rulebook offers it (RULES.md §17.1): the seller, a day after shipping (to a remote region, most often);
        a buyer, once 3 days or less are left. Either may find the order confirmed (or held by a case) by then."""
        x = shop.book.receipt.extension
        if x is None:
            return
        if self.rng.random() < (SELLER_EXTENDS_REMOTE_SHARE if shopper.remote else SELLER_EXTENDS_SHARE):
            self.later(self.staff_hours(shop, self.now + timedelta(days=1)), self.extend_receipt, shop.staff, order_id,
                       self.rng.choice(x.seller_days))
        if self.rng.random() < BUYER_EXTENDS_SHARE:
            at = confirm_by - timedelta(days=self.rng.uniform(0.5, x.buyer_from_days_left))
            self.later(at, self.extend_receipt, shopper.principal, order_id, x.buyer_days)

    def extend_receipt(self, who: Principal, order_id: int, days: int) -> None:
        try:
            with self.db.transaction() as session:
                receipt.extend_receipt(session, self.now, who, order_id, days)
        except (NotAllowedInState, InvalidInput):  # confirmed, held by a case, or already extended
            return
        self.tally[f"receipt extended by the {'seller' if who.store_id else 'buyer'}"] += 1

    def before_shipping(self, shop: DemoShop, order_id: int) -> None:
        """The one place for what the warehouse does before a parcel leaves: picking, packing, the weight check and
        outbound verification (RULES.md §5.2)."""
        self.warehouse_desk.before_shipping(shop, order_id)

    def ship_labelled(self, shop: DemoShop, order_id: int) -> tuple[str, datetime | None, str] | None:
        """订单分配 → 打单 → 发货 (RULES.md §5.1): the store's rules allocate the order, the built-in channel books its label,
        and it ships with the label's carrier and number. None when the rules hold or cannot place it (the allocation
        stays on record); a refunded order raises NotAllowedInState, as `orders.ship` does."""
        with self.db.transaction() as session:
            try:
                outcome = allocation_service.allocate_order(session, self.now, shop.staff, order_id, dry_run=False)
            except InvalidInput as gone:  # no longer paid and waiting: refunded meanwhile
                raise NotAllowedInState(gone.detail) from None
            if outcome.outcome["status"] != "allocated":
                self.tally[f"allocation {outcome.outcome['status']}"] += 1
                return None
            label_service.book_labels(session, self.now, shop.staff, shop.store_id, [order_id])
            order = label_service.ship_labelled(session, self.now, shop.staff, order_id)
            self.tally["labels booked"] += 1
            return str(order.carrier), order.confirm_by, str(order.tracking_number)

    def scan(self, shop: DemoShop, number: str, kind: str) -> bool:
        """The carrier's scan of a labelled parcel, as its feed reports it (a tracking event); whether it was taken."""
        report = tracking.TrackingReport(number, kind, self.now)
        with self.db.transaction() as session:
            done = tracking_service.record_tracking_events(session, self.now, shop.staff, shop.store_id, [(1, report)],
                                                           "carrier")
        return bool(done.recorded) and not done.refused

    def pick_up(self, shop: DemoShop, order_id: int, number: str | None = None) -> None:
        if number is not None:
            if self.scan(shop, number, "picked_up"):
                self.tally["pickup scans"] += 1
            return
        try:
            with self.db.transaction() as session:
                orders.record_pickup(session, self.now, shop.staff, order_id)
        except NotAllowedInState:  # refunded and closed before the carrier came
            return
        self.tally["pickup scans"] += 1

    def tracking_number(self, pattern: str) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
        return "".join(str(self.rng.randrange(10)) if ch == "#" else self.rng.choice(alphabet) if ch == "A" else ch
                       for ch in pattern)

    def deliver(self, shop: DemoShop, order_id: int, number: str | None = None) -> None:
        if number is not None:
            if self.scan(shop, number, "delivered"):
                self.tally["delivery scans"] += 1
            return
        try:
            with self.db.transaction() as session:
                orders.mark_delivered(session, self.now, shop.staff, order_id)
        except NotAllowedInState:  # the buyer confirmed first
            return
        self.tally["delivery scans"] += 1

    def confirm(self, shopper: DemoShopper, order_id: int) -> None:
        try:
            with self.db.transaction() as session:
                orders.confirm_receipt(session, self.now, shopper.principal, order_id)
        except NotAllowedInState:
            return
        self.tally["confirmed by buyer"] += 1

    def change_price(self, shop: DemoShop) -> None:
        item = shop.items[bisect(shop.item_cum, self.rng.random() * shop.item_cum[-1])]
        roll = self.rng.random()
        if item.price != item.list_price and roll < 0.4:
            new = item.list_price  # the promotion ends
        elif roll < 0.75:
            new = shelf_price(round(item.list_price * self.rng.uniform(0.75, 0.92)), shop.currency)  # 限时折扣 promotion
        else:
            new = shelf_price(round(item.list_price * self.rng.uniform(1.04, 1.12)), shop.currency)
            item.list_price = new
        with self.db.transaction() as session:
            catalog.change_price(session, self.now, shop.staff, item.sku_id, new)
        item.price = new
        self.tally["price changes"] += 1

    def restock(self, shop: DemoShop) -> None:
        with self.db.read() as session:
            available = inventory.available_by_sku(session, [i.sku_id for i in shop.items])
        due = [i for i in shop.items if not i.scarce and available[i.sku_id] < i.restock_at]
        if not due:
            return
        with self.db.transaction() as session:  # one inbound delivery (入库单)
            note = f"补货 restock PO-{self.now:%Y%m%d}-{shop.store_id}"
            for item in due:
                quantity = item.restock_by + self.rng.randint(0, item.restock_by)
                self.warehouse_desk.receive(session, shop, item, quantity, note)  # scanned in (入库, §5.2)
        self.tally["restock lines"] += len(due)
