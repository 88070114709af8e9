"""The demo's warehouse floor (RULES.md §1.1, §5.2): shelf codes zone-row-level in every warehouse, Monday's restock
received by scan, the scans of each order before it ships (pick start and end, packing, the weight check, outbound
verification with now and then a wrong item caught at the door), a stocktake a week with a small variance, and one
transfer from the cross-border shop's Shenzhen warehouse to its overseas one.

Every step goes through `warehouse`'s use cases, as the API would call them. The desk draws from a stream of its own,
seeded by the run's, so the floor disturbs the rest of the demo's draws as little as it can.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from shopkeeper.catalog import service as catalog
from shopkeeper.errors import DomainError
from shopkeeper.inventory import service as inventory
from shopkeeper.orders import service as orders
from shopkeeper.warehouse import rules, scan_service, service, stocktake_service, transfer_service

if TYPE_CHECKING:
    from shopkeeper.demo.core import DemoCore, DemoShop, Item

SCHEME = "A-99-99"  # zone-row-level, one scheme for every demo warehouse (§1.1)
PICK_MINUTES = (3.0, 14.0)  # most picks inside §5.2's ten minutes, some over
WRONG_ITEM_SHARE = 0.04  # a picker's wrong item, caught at the door (出库核验)
WEIGHT_OFF_SHARE = 0.05  # parcels the scale flags
STOCKTAKE_WEEKDAY = 2  # Wednesday afternoon, China time
STOCKTAKE_SKUS = 6
TRANSFER_UNITS = 12


class WarehouseDesk:
    def __init__(self, demo: DemoCore) -> None:
        self.demo = demo
        self.rng = random.Random("warehouse " + repr(demo.rng.getstate()[1][:8]))  # the run's seed decides it
        self.tally: Counter[str] = Counter()
        self.codes: dict[int, str] = {}
        self.transferred = False

    # --- shelves ----------------------------------------------------------------------------------------

    def launch(self, shops: list[DemoShop]) -> None:
        """Number every warehouse by one scheme and give each SKU its home location where its stock is."""
        for shop in shops:
            with self.demo.db.transaction() as session:
                warehouses = inventory.list_warehouses(session, shop.store_id)
                for warehouse in warehouses:
                    service.set_shelf_scheme(session, self.demo.now, shop.staff, warehouse.id, SCHEME)
                skus, _ = catalog.skus_with_products(session, [i.sku_id for i in shop.items])
                self.codes.update({sku_id: sku.code for sku_id, sku in skus.items()})
                for index, item in enumerate(shop.items):
                    code = f"{chr(ord('A') + index // 40 % 26)}-{index // 4 % 10 + 1:02d}-{index % 4 + 1:02d}"
                    for warehouse_id in item.split:
                        service.assign_shelf(session, self.demo.now, shop.staff, warehouse_id, item.sku_id, code)

    def receive(self, session: Session, shop: DemoShop, item: Item, quantity: int, note: str) -> None:
        """One restock line scanned in (入库) at the SKU's usual warehouse."""
        scan_service.receive(session, self.demo.now, shop.staff, item.warehouse_id, self.codes[item.sku_id], quantity,
                             note=note)
        self.tally["received by scan"] += 1

    # --- an order's scans before it ships ------------------------------------------------------------------

    def before_shipping(self, shop: DemoShop, order_id: int) -> None:
        """Pick, pack, weigh and verify at the door, per warehouse the order ships from; nothing when it cannot ship."""
        now = self.demo.now
        try:
            with self.demo.db.transaction() as session:
                order = orders.get_order(session, shop.staff, order_id)
                for warehouse_id in sorted({line.warehouse_id for line in order.lines}):
                    self._scan_order(session, now, shop, order_id, warehouse_id,
                                     [(line.sku_id, line.quantity) for line in order.lines if line.warehouse_id == warehouse_id])
        except DomainError:  # closed or refunded meanwhile: the floor never saw it
            return

    def _scan_order(self, session: Session, now: datetime, shop: DemoShop, order_id: int, warehouse_id: int,
                    lines: list[tuple[int, int]]) -> None:
        minutes = self.rng.uniform(*PICK_MINUTES)
        started = now - timedelta(minutes=minutes + 6)
        scan_service.pick_scan(session, started, shop.staff, warehouse_id, order_id, rules.ScanKind.PICK_START)
        scan_service.pick_scan(session, started + timedelta(minutes=minutes), shop.staff, warehouse_id, order_id,
                               rules.ScanKind.PICK_END)
        packed = now - timedelta(minutes=4)
        for sku_id, quantity in lines:
            scan_service.scan_item(session, packed, shop.staff, warehouse_id, order_id, "pack", self.codes[sku_id], quantity)
        expected = rules.expected_grams((catalog.sku_by_id(session, s).weight_grams, q) for s, q in lines)
        off = self.rng.random() < WEIGHT_OFF_SHARE
        measured = max(1, round(expected * (self.rng.uniform(1.2, 1.4) if off else self.rng.uniform(0.97, 1.05))))
        scan_service.weigh(session, now - timedelta(minutes=2), shop.staff, warehouse_id, order_id, measured)
        if self.rng.random() < WRONG_ITEM_SHARE:
            others = sorted(set(self.codes[i.sku_id] for i in shop.items) - {self.codes[s] for s, _ in lines})
            if others:
                scan_service.scan_item(session, now, shop.staff, warehouse_id, order_id, "outbound_verify",
                                       self.rng.choice(others))
                self.tally["wrong items caught"] += 1
        for sku_id, quantity in lines:
            scan_service.scan_item(session, now, shop.staff, warehouse_id, order_id, "outbound_verify",
                                   self.codes[sku_id], quantity)
        scan_service.verify(session, now, shop.staff, warehouse_id, order_id)
        self.tally["orders verified"] += 1

    # --- weekly stocktake and one transfer ----------------------------------------------------------------

    def plan_day(self, day_start: datetime, day_end: datetime) -> None:
        for shop in self.demo.shops:
            if day_start.weekday() == STOCKTAKE_WEEKDAY:
                at = day_start + timedelta(hours=6, minutes=self.rng.randrange(60))
                if at < day_end:
                    self.demo.later(at, self.stocktake, shop)
            if not self.transferred and len(set(shop.warehouse_country.values())) > 1:
                self.transferred = True
                self.demo.later(day_start + timedelta(hours=3), self.transfer, shop)

    def stocktake(self, shop: DemoShop) -> None:
        """Count a few SKUs of the shop's first warehouse, one of them off by a unit or two, and close."""
        with self.demo.db.transaction() as session:
            warehouse = inventory.list_warehouses(session, shop.store_id)[0]
            levels = inventory.warehouse_levels(session, warehouse.id)
            counted = sorted(s for s, level in levels.items() if level.on_hand and s in self.codes)
            if not counted:
                return
            chosen = self.rng.sample(counted, min(STOCKTAKE_SKUS, len(counted)))
            off = self.rng.choice(chosen)
            counts = []
            for sku_id in chosen:
                level = levels[sku_id]
                delta = self.rng.choice((-2, -1, 1)) if sku_id == off else 0
                counts.append((self.codes[sku_id], max(level.reserved, level.on_hand + delta)))
            take = stocktake_service.open_stocktake(session, self.demo.now, shop.staff, warehouse.id)
            stocktake_service.count_in_bulk(session, self.demo.now, shop.staff, take.id, counts)
            stocktake_service.close(session, self.demo.now, shop.staff, take.id)
        self.tally["stocktakes"] += 1

    def transfer(self, shop: DemoShop) -> None:
        """Pre-position a best seller overseas (海外仓, §5.3): ship from home, received days later, now and then short."""
        home = [w for w, c in sorted(shop.warehouse_country.items()) if c == "CN"]
        abroad = [w for w, c in sorted(shop.warehouse_country.items()) if c != "CN"]
        with self.demo.db.read() as session:
            levels = inventory.warehouse_levels(session, home[0])
        stocked = [i for i in shop.items if levels.get(i.sku_id) and levels[i.sku_id].available >= 4]
        if not stocked:
            return
        item = max(stocked, key=lambda i: (levels[i.sku_id].available, i.popularity))
        units = min(TRANSFER_UNITS, levels[item.sku_id].available // 2)
        try:
            with self.demo.db.transaction() as session:
                moved = transfer_service.create(session, self.demo.now, shop.staff, home[0], abroad[0],
                                                [(item.sku_id, units)], "海外仓备货 pre-positioning")
                transfer_service.ship(session, self.demo.now, shop.staff, moved.id)
        except DomainError:
            return
        self.tally["transfers"] += 1
        self.demo.later(self.demo.now + timedelta(days=self.rng.uniform(3, 5)), self.arrive, shop, moved.id, item.sku_id,
                        units)

    def arrive(self, shop: DemoShop, transfer_id: int, sku_id: int, units: int) -> None:
        short = 1 if self.rng.random() < 0.3 else 0
        with self.demo.db.transaction() as session:
            transfer_service.receive(session, self.demo.now, shop.staff, transfer_id, {sku_id: units - short})

    def summary(self) -> str:
        return (f"warehouse: {self.tally['orders verified']} orders verified at the door "
                f"({self.tally['wrong items caught']} wrong items caught), {self.tally['received by scan']} restock "
                f"lines scanned in, {self.tally['stocktakes']} stocktakes, {self.tally['transfers']} transfer(s)")
