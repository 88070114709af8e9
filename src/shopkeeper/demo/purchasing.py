"""The demo's purchasing (采购, RULES.md §5.1): each shop buys its goods from one nearby factory (two days' lead), and
every Monday at 09:00 China time, before the morning's deliveries, its staff run the replenishment suggestions, draft
a purchase order from every SKU due, place it, and receive it when the lead time has passed; the back office approves
the payment request each delivery leaves. Ahead of Double 11 the shops keep two weeks of safety stock.

This complements Monday's restock (`demo.staff.restock`, goods in without an order, an hour later): that one tops up
what ran low, this one shows the loop §5.1 closes, from stock and sales to a purchase order and back into stock. Everything goes
through `purchasing` and `inventory` as the API would. The desk draws nothing at random, so it changes no other
actor's draws, and its costs are a few reads a week per shop.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from shopkeeper.errors import DomainError
from shopkeeper.purchasing import replenishment
from shopkeeper.purchasing import service as purchasing

if TYPE_CHECKING:
    from shopkeeper.demo.core import DemoShop
    from shopkeeper.demo.simulation import DemoRun

LEAD_DAYS, SAFETY_DAYS, PACK, MOQ = 2, 14, 6, 12
COST_SHARE = 55  # the supplier's price, percent of the shelf's list price
RUN_WEEKDAY, RUN_HOUR_UTC = 0, 1  # Monday 09:00 in China


class PurchasingDesk:
    def __init__(self, demo: DemoRun) -> None:
        self.demo = demo
        self.shops: list[DemoShop] = []

    def launch(self, shops: list[DemoShop]) -> None:
        """A supplier per shop, and every SKU that is not kept deliberately short bought from it, with two
        weeks' safety stock."""
        with self.demo.db.transaction() as session:
            for shop in shops:
                supplier = purchasing.create_supplier(session, self.demo.now, shop.staff, shop.store_id,
                                                      purchasing.SupplierSpec("源头工厂 Source Factory", LEAD_DAYS,
                                                                              shop.currency, PACK, MOQ))
                for item in shop.items:
                    if not item.scarce:
                        purchasing.set_supply(session, self.demo.now, shop.staff, item.sku_id, purchasing.SupplySpec(
                            supplier.id, item.list_price * COST_SHARE // 100, safety_days=SAFETY_DAYS))
                self.shops.append(shop)

    def plan_day(self, day_start: datetime, day_end: datetime) -> None:
        if day_start.weekday() != RUN_WEEKDAY:
            return
        at = day_start + timedelta(hours=RUN_HOUR_UTC)
        if at < day_end:
            for shop in self.shops:
                self.demo.later(at, self.weekly_run, shop)

    def weekly_run(self, shop: DemoShop) -> None:
        """Suggestions → one draft per supplier → placed; its receipt comes after the lead time."""
        warehouse_id = shop.items[0].warehouse_id
        with self.demo.db.transaction() as session:
            due = [row.sku_id for row in replenishment.suggestions(
                session, self.demo.now, shop.staff, shop.store_id, replenishment.Request(show="due"))
                if row.supplier_id is not None and row.suggestion.quantity > 0]
            if not due:
                return
            orders = replenishment.draft_from_suggestions(session, self.demo.now, shop.staff, shop.store_id, due,
                                                          warehouse_id)
            for order in orders:
                purchasing.place(session, self.demo.now, shop.staff, order.id)
                self.demo.later(order.expected_at or self.demo.now, self.receive, shop, order.id)
        self.demo.tally["purchase orders placed"] += len(orders)
        self.demo.tally["purchase lines"] += len(due)

    def receive(self, shop: DemoShop, order_id: int) -> None:
        """The whole order arrives; the back office approves what it owes the supplier."""
        try:
            with self.demo.db.transaction() as session:
                order = purchasing.get_order(session, shop.staff, order_id)
                receipt = purchasing.receive(session, self.demo.now, shop.staff, order_id,
                                             {line.id: line.quantity - line.received for line in order.lines})
                for request in purchasing.payment_requests_of(session, order_id):
                    if request.receipt_id == receipt.id:
                        purchasing.decide_payment(session, self.demo.now, shop.staff, request.id, approve=True)
        except DomainError:
            return
        self.demo.tally["purchase orders received"] += 1

    def summary(self) -> str:
        tally = self.demo.tally
        return (f"{tally['purchase orders placed']} purchase orders placed ({tally['purchase lines']} lines), "
                f"{tally['purchase orders received']} received")
