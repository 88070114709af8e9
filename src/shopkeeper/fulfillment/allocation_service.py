"""Order allocation (订单分配) as the store runs it: its stored rules over its paid, unshipped orders (RULES.md §5.1).

Staff of the store or the operator keep the rules (checked through the pure engine, `allocation.py`), the store's
short-stock choice and its promised delivery days, and run the rules over the open orders. A dry run answers what
would happen and writes nothing; a real run records each order's outcome with an event. Deciding moves no stock:
booking the labels moves the order's reservations to the warehouses its parcels ship from (`label_service`).

Readings where RULES.md is silent (our choices):
- An order's value is what the buyer pays for the goods (lines after discounts), shipping excluded.
- Stock an order may take is what its warehouses have available plus the pieces reserved for it at checkout; within
  one run, orders are taken oldest first and what an earlier one is given is not offered to a later one.
- Warehouses beyond the matched one are tried in the store's warehouse priority (lower first, then oldest).
- Disabled rules are skipped and do not appear among the rules passed over.
- The buyer's chosen logistics method (§5.5) overrides the rule's channel on every parcel: the rule still picks the
  warehouse, and the outcome says whose channel it is (`channel_from`).
- An order the engine cannot read (a sales channel it does not route by, such as Wish, which §5.1 names for intake)
  is unallocated with reason `order-unreadable` and the field; the rest of the run goes on.
- A real run records the latest outcome per order (a second run replaces it); every run's outcome is an event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from shopkeeper import events
from shopkeeper.auth import Principal, Role
from shopkeeper.catalog import service as catalog
from shopkeeper.catalog import sku_properties
from shopkeeper.crossborder.rules import promised_delivery_days
from shopkeeper.errors import InvalidInput, NotFound
from shopkeeper.fulfillment import allocation as engine
from shopkeeper.fulfillment.allocation_codec import conditions_from_dict, conditions_to_dict, outcome_to_dict
from shopkeeper.fulfillment.models import AllocationRuleRow, AllocationSettings, OrderAllocation
from shopkeeper.inventory import service as inventory
from shopkeeper.money import Money
from shopkeeper.orders import service as orders
from shopkeeper.orders import shipping_choice
from shopkeeper.scope import require_role, require_store_manager, scoped

if TYPE_CHECKING:
    from shopkeeper.catalog.models import Sku
    from shopkeeper.orders.models import Order


@dataclass(frozen=True)
class RuleSpec:
    name: str
    conditions: dict[str, Any]
    warehouse_code: str
    channel_code: str
    enabled: bool = True


@dataclass(frozen=True)
class OrderOutcome:
    """One open order as allocation saw it, and what it decided (the codec's dict, plus whose channel it is)."""

    order: Order
    weight_grams: int
    value: Money
    outcome: dict[str, Any]


# --- rules --------------------------------------------------------------------------------------

def _engine_rule(session: Session, store_id: int, spec: RuleSpec) -> engine.AllocationRule:
    rule = engine.AllocationRule(spec.name.strip() if isinstance(spec.name, str) else spec.name,
                                 conditions_from_dict(spec.conditions), spec.warehouse_code, spec.channel_code)
    if rule.warehouse_code not in {w.code for w in inventory.list_warehouses(session, store_id)}:
        raise InvalidInput(f"warehouse {rule.warehouse_code} is not one of this store's", field="warehouse_code")
    return rule


def _as_engine(row: AllocationRuleRow) -> engine.AllocationRule:
    return engine.AllocationRule(row.name, conditions_from_dict(row.conditions), row.warehouse_code, row.channel_code)


def list_rules(session: Session, actor: Principal, store_id: int) -> list[AllocationRuleRow]:
    require_store_manager(actor, store_id)
    catalog.get_store(session, actor, store_id)
    return list(session.scalars(select(AllocationRuleRow).where(AllocationRuleRow.store_id == store_id)
                                .order_by(AllocationRuleRow.position, AllocationRuleRow.id)))


def get_rule(session: Session, actor: Principal, rule_id: int, for_update: bool = False) -> AllocationRuleRow:
    require_role(actor, Role.OPERATOR, Role.STAFF)
    query = scoped(select(AllocationRuleRow).where(AllocationRuleRow.id == rule_id), actor, AllocationRuleRow.store_id)
    row = session.scalar(query.with_for_update() if for_update else query)
    if row is None:
        raise NotFound(f"allocation rule {rule_id} does not exist")
    return row


def _check_names(session: Session, store_id: int, rule: engine.AllocationRule, except_id: int | None) -> None:
    others = [_as_engine(r) for r in session.scalars(select(AllocationRuleRow).where(AllocationRuleRow.store_id == store_id))
              if r.id != except_id]
    engine.check_rules([*others, rule])


def _rule_data(row: AllocationRuleRow) -> dict[str, Any]:
    return {"name": row.name, "position": row.position, "conditions": row.conditions, "warehouse_code": row.warehouse_code,
            "channel_code": row.channel_code, "enabled": row.enabled}


def create_rule(session: Session, now: datetime, actor: Principal, store_id: int, spec: RuleSpec) -> AllocationRuleRow:
    """A new rule goes last: the rules before it still win where they match."""
    require_store_manager(actor, store_id)
    catalog.get_store(session, actor, store_id)
    catalog.lock_store(session, store_id)
    rule = _engine_rule(session, store_id, spec)
    _check_names(session, store_id, rule, except_id=None)
    last = session.scalar(select(func.max(AllocationRuleRow.position)).where(AllocationRuleRow.store_id == store_id))
    row = AllocationRuleRow(store_id=store_id, position=(last or 0) + 1, name=rule.name, name_key=rule.name.casefold(),
                            conditions=conditions_to_dict(rule.conditions), warehouse_code=rule.warehouse_code,
                            channel_code=rule.channel_code, enabled=spec.enabled, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    events.record(session, now, "allocation_rule.created", f"allocation_rule:{row.id}", store_id, **_rule_data(row))
    return row


def change_rule(session: Session, now: datetime, actor: Principal, rule_id: int, spec: RuleSpec) -> AllocationRuleRow:
    row = get_rule(session, actor, rule_id)
    catalog.lock_store(session, row.store_id)
    rule = _engine_rule(session, row.store_id, spec)
    _check_names(session, row.store_id, rule, except_id=row.id)
    before = _rule_data(row)
    row.name, row.name_key, row.conditions = rule.name, rule.name.casefold(), conditions_to_dict(rule.conditions)
    row.warehouse_code, row.channel_code, row.enabled, row.updated_at = rule.warehouse_code, rule.channel_code, spec.enabled, now
    events.record(session, now, "allocation_rule.changed", f"allocation_rule:{row.id}", row.store_id, before=before,
                  **_rule_data(row))
    return row


def remove_rule(session: Session, now: datetime, actor: Principal, rule_id: int) -> None:
    row = get_rule(session, actor, rule_id, for_update=True)
    events.record(session, now, "allocation_rule.removed", f"allocation_rule:{row.id}", row.store_id, **_rule_data(row))
    session.delete(row)


def reorder_rules(session: Session, now: datetime, actor: Principal, store_id: int,
                  rule_ids: Sequence[int]) -> list[AllocationRuleRow]:
    """The store's rules in a new order; the list must name each of its rules once (first match wins, §5.1)."""
    rows = list_rules(session, actor, store_id)
    catalog.lock_store(session, store_id)
    if sorted(rule_ids) != sorted(r.id for r in rows) or len(set(rule_ids)) != len(rule_ids):
        raise InvalidInput("the new order must name each of the store's allocation rules exactly once", field="rule_ids")
    by_id = {r.id: r for r in rows}
    for position, rule_id in enumerate(rule_ids, start=1):
        by_id[rule_id].position, by_id[rule_id].updated_at = position, now
    events.record(session, now, "allocation_rules.reordered", f"store:{store_id}", store_id, rule_ids=list(rule_ids))
    return [by_id[i] for i in rule_ids]


# --- the store's choices ------------------------------------------------------------------------

def settings_of(session: Session, store_id: int) -> AllocationSettings | None:
    return session.get(AllocationSettings, store_id)


def change_settings(session: Session, now: datetime, actor: Principal, store_id: int, on_short: str,
                    promised_days: dict[str, int]) -> AllocationSettings:
    """Split or hold when short; promised days per destination, capped where RULES.md §5.5 caps them (RU, BR, AR: 90)."""
    require_store_manager(actor, store_id)
    catalog.get_store(session, actor, store_id)
    engine.StockPolicy(on_short)  # type: ignore[arg-type]  # the engine names the field when it is neither
    capped = {country: promised_delivery_days(country, days) for country, days in sorted(promised_days.items())}
    row = settings_of(session, store_id)
    if row is None:
        row = AllocationSettings(store_id=store_id)
        session.add(row)
    row.on_short, row.promised_days, row.updated_at = on_short, capped, now
    events.record(session, now, "allocation_settings.changed", f"store:{store_id}", store_id, on_short=on_short,
                  promised_days=capped, asked_days=dict(sorted(promised_days.items())))
    return row


def change_sku_properties(session: Session, now: datetime, actor: Principal, sku_id: int, properties: Sequence[str]) -> Sku:
    """Battery, powder, liquid, fragile (§5.3): the rules route goods ordinary logistics will not carry."""
    engine.OrderLine("SKU", 1, 0, frozenset(properties))  # the engine names an unknown property
    return sku_properties.change_properties(session, now, actor, sku_id, properties)


# --- running the rules --------------------------------------------------------------------------

def open_orders(session: Session, store_id: int) -> list[Order]:
    return shipping_choice.awaiting_shipment(session, store_id)


def _order_input(session: Session, order: Order) -> engine.OrderToAllocate:
    skus = {line.sku_id: catalog.sku_by_id(session, line.sku_id) for line in order.lines}
    lines = tuple(engine.OrderLine(line.sku_code, line.quantity, skus[line.sku_id].weight_grams,
                                   frozenset(skus[line.sku_id].properties)) for line in order.lines)
    value = Money(sum(line.payable_minor for line in order.lines), order.currency)
    return engine.OrderToAllocate(order.number, str(order.ship_to.get("country", "")), order.sales_channel, value, lines)


class _StockBook:
    """Available pieces per warehouse and SKU code, given out as a run goes (oldest order first)."""

    def __init__(self, session: Session, store_id: int, orders: Sequence[Order]) -> None:
        warehouses = inventory.list_warehouses(session, store_id)  # the store's priority order
        self.codes = {w.id: w.code for w in warehouses}
        self.priority = tuple(w.code for w in warehouses)
        self.sku_codes = {line.sku_id: line.sku_code for order in orders for line in order.lines}
        self.held = inventory.held_for_orders(session, [order.id for order in orders])  # one read for the run
        self.available: dict[str, dict[str, int]] = {}
        for level in inventory.levels(session, sorted(self.sku_codes)):
            if level.warehouse_id in self.codes:
                self.available.setdefault(self.codes[level.warehouse_id], {})[self.sku_codes[level.sku_id]] = level.available

    def _own(self, order: Order) -> dict[tuple[str, str], int]:
        """The pieces reserved for the order, by warehouse code and SKU code: where its movements put them."""
        return {(self.codes[warehouse_id], self.sku_codes[sku_id]): units
                for (sku_id, warehouse_id), units in self.held.get(order.id, {}).items()}

    def for_order(self, order: Order) -> dict[str, dict[str, int]]:
        """What this order may take: the available pieces plus those reserved for it."""
        stock = {w: dict(skus) for w, skus in self.available.items()}
        for (warehouse, sku), units in self._own(order).items():
            at = stock.setdefault(warehouse, {})
            at[sku] = at.get(sku, 0) + units
        return stock

    def give(self, order: Order, outcome: engine.Outcome) -> None:
        if not isinstance(outcome, engine.Allocated):
            return
        own = self._own(order)
        for parcel in outcome.parcels:
            for sku, n in parcel.items:
                from_available = max(0, n - own.get((parcel.warehouse_code, sku), 0))
                at = self.available.setdefault(parcel.warehouse_code, {})
                at[sku] = at.get(sku, 0) - from_available


def _with_buyer_channel(order: Order, data: dict[str, Any]) -> dict[str, Any]:
    """The buyer's chosen method stays until the buyer accepts another (RULES.md §5.5)."""
    method = order.shipping_method
    if data["status"] != "allocated":
        return data
    data["channel_from"] = "buyer" if method else "rule"
    if method:
        data["rule_channel"] = data["parcels"][0]["channel_code"]
        for parcel in data["parcels"]:
            parcel["channel_code"] = method
    return data


def _rules_for_run(session: Session, store_id: int) -> list[engine.AllocationRule]:
    rows = session.scalars(select(AllocationRuleRow).where(AllocationRuleRow.store_id == store_id, AllocationRuleRow.enabled)
                           .order_by(AllocationRuleRow.position, AllocationRuleRow.id))
    return [_as_engine(row) for row in rows]


def allocate_open_orders(session: Session, now: datetime, actor: Principal, store_id: int, dry_run: bool,
                         orders: Sequence[Order] | None = None,
                         on_each: Callable[[], None] | None = None) -> list[OrderOutcome]:
    """Every open order through the store's rules, first match wins (§5.1). Not dry: each outcome is recorded."""
    require_store_manager(actor, store_id)
    catalog.get_store(session, actor, store_id)
    if not dry_run:
        catalog.lock_store(session, store_id)
    rules = _rules_for_run(session, store_id)
    settings = settings_of(session, store_id)
    chosen = open_orders(session, store_id) if orders is None else orders
    book = _StockBook(session, store_id, chosen)
    policy = engine.StockPolicy(settings.on_short if settings else "split", book.priority)  # type: ignore[arg-type]
    results: list[OrderOutcome] = []
    for order in chosen:
        result = _allocate_one(session, order, rules, book, policy)
        results.append(result)
        if not dry_run:
            _record(session, now, order, result.outcome)
        if on_each is not None:
            on_each()
    return results


def _allocate_one(session: Session, order: Order, rules: Sequence[engine.AllocationRule], book: _StockBook,
                  policy: engine.StockPolicy) -> OrderOutcome:
    try:
        wanted = _order_input(session, order)
    except InvalidInput as unreadable:  # one order the engine cannot read (e.g. a channel it does not know) stops no run
        data: dict[str, Any] = {"status": "unallocated", "order_number": order.number, "passed_over": [], "rule": None,
                "reason": "order-unreadable", "detail": unreadable.detail, "field": unreadable.extra.get("field")}
        return OrderOutcome(order, 0, Money(0, order.currency), data)
    outcome = engine.allocate(rules, wanted, book.for_order(order), policy)
    book.give(order, outcome)
    return OrderOutcome(order, wanted.weight_grams, wanted.value, _with_buyer_channel(order, outcome_to_dict(outcome)))


def allocate_order(session: Session, now: datetime, actor: Principal, order_id: int, dry_run: bool) -> OrderOutcome:
    """One open order through the rules, against the store's whole available stock."""
    order = _staff_order(session, actor, order_id)
    if order not in open_orders(session, order.store_id):
        raise InvalidInput(f"order {order.number} is not paid and waiting to ship", field="order_id")
    return allocate_open_orders(session, now, actor, order.store_id, dry_run, orders=[order])[0]


def _record(session: Session, now: datetime, order: Order, data: dict[str, Any]) -> None:
    session.execute(delete(OrderAllocation).where(OrderAllocation.order_id == order.id))
    session.add(OrderAllocation(order_id=order.id, store_id=order.store_id, status=data["status"], rule=data.get("rule"),
                                reason=data.get("reason"), outcome=data, allocated_at=now))
    subject = f"order:{order.id}"
    if data["status"] == "allocated":
        events.record(session, now, "order.allocated", subject, order.store_id, **data)
    elif data["status"] == "held":
        events.record(session, now, "order.allocation_held", subject, order.store_id, **data)
    else:
        events.record(session, now, "order.allocation_failed", subject, order.store_id, **data)


def _staff_order(session: Session, actor: Principal, order_id: int) -> Order:
    require_role(actor, Role.OPERATOR, Role.STAFF)
    return orders.get_order(session, actor, order_id)


def order_allocation(session: Session, actor: Principal, order_id: int) -> tuple[Order, OrderAllocation | None]:
    order = _staff_order(session, actor, order_id)
    return order, session.scalar(select(OrderAllocation).where(OrderAllocation.order_id == order.id))
