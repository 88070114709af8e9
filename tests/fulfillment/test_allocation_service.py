"""The allocation service over real orders and stock (RULES.md §5.1, §5.3): inputs built from the order, rules kept in
order, disabled rules skipped, outcomes recorded only when not a dry run."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update

from shopkeeper.auth import Principal, Role
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.errors import InvalidInput, NotFound
from shopkeeper.events import Event
from shopkeeper.fulfillment import allocation_service as service
from shopkeeper.fulfillment.models import OrderAllocation
from shopkeeper.orders.models import Order
from support import Shop


def _staff(shop: Shop) -> Principal:
    return Principal(role=Role.STAFF, key_id=0, store_id=shop.store_id)


def _spec(name: str, channel: str = "YANWEN", enabled: bool = True, **conditions: Any) -> service.RuleSpec:
    return service.RuleSpec(name, conditions, "HZ1", channel, enabled)


def _paid(shop: Shop, *lines: tuple[int, int]) -> Any:
    order = shop.order(*lines)
    shop.pay(order)
    return order


def test_inputs_come_from_the_order_sku_weights_and_the_goods_paid(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given two red tees (200 g each, 59.90) and one blue (220 g, 65.00)
    order = _paid(shop, (shop.skus[0], 2), (shop.skus[1], 1))
    with db.transaction() as session:
        service.create_rule(session, clock.now(), _staff(shop), shop.store_id, _spec("light", max_weight_grams=619))
        service.create_rule(session, clock.now(), _staff(shop), shop.store_id, _spec("heavy", min_weight_grams=620))
    # when the rules run
    with db.read() as session:
        [result] = service.allocate_open_orders(session, clock.now(), _staff(shop), shop.store_id, dry_run=True)
    # then the weight is 2 × 200 + 220 and the value the goods as paid, shipping excluded
    assert result.order.id == order["id"] and result.weight_grams == 620
    assert str(result.value) == "184.80 CNY"
    assert result.outcome["rule"] == "heavy"
    assert result.outcome["passed_over"][0]["misses"] == [{"code": "weight-above-max", "expected": "619", "actual": "620"}]


def test_an_order_imported_from_a_marketplace_matches_its_channel(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    # given an Amazon-only rule before the store's own, and one own order and one from Amazon
    own, imported = _paid(shop, (shop.skus[0], 1)), _paid(shop, (shop.skus[0], 1))
    with db.transaction() as session:
        session.execute(update(Order).where(Order.id == imported["id"]).values(sales_channel="amazon"))
        service.create_rule(session, clock.now(), _staff(shop), shop.store_id, _spec("amazon", "FBA", sales_channels=["amazon"]))
        service.create_rule(session, clock.now(), _staff(shop), shop.store_id, _spec("own", sales_channels=["own"]))
    with db.read() as session:
        outcomes = {r.order.id: r.outcome for r in service.allocate_open_orders(session, clock.now(), _staff(shop), shop.store_id, True)}
    assert outcomes[own["id"]]["rule"] == "own" and outcomes[imported["id"]]["rule"] == "amazon"


def test_a_disabled_rule_is_skipped_and_not_listed_as_passed_over(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    _paid(shop, (shop.skus[0], 1))
    with db.transaction() as session:
        service.create_rule(session, clock.now(), _staff(shop), shop.store_id, _spec("paused", "DHL", enabled=False))
        service.create_rule(session, clock.now(), _staff(shop), shop.store_id, _spec("post"))
    with db.read() as session:
        [result] = service.allocate_open_orders(session, clock.now(), _staff(shop), shop.store_id, True)
    assert result.outcome["rule"] == "post" and result.outcome["passed_over"] == []


def test_a_change_keeps_the_rules_place_and_a_reorder_must_name_every_rule(shop: Shop, db: Database, clock: SimulatedClock) -> None:
    actor = _staff(shop)
    with db.transaction() as session:
        first = service.create_rule(session, clock.now(), actor, shop.store_id, _spec("first"))
        second = service.create_rule(session, clock.now(), actor, shop.store_id, _spec("second"))
        service.change_rule(session, clock.now(), actor, first.id, _spec("first, renamed", "DHL"))
        assert [(r.name, r.position) for r in service.list_rules(session, actor, shop.store_id)] == [
            ("first, renamed", 1), ("second", 2)]
        with pytest.raises(InvalidInput) as refused:
            service.reorder_rules(session, clock.now(), actor, shop.store_id, [second.id])
        assert refused.value.extra["field"] == "rule_ids"


def test_a_real_run_records_one_outcome_per_order_and_a_second_run_replaces_it(shop: Shop, db: Database,
                                                                                clock: SimulatedClock) -> None:
    order = _paid(shop, (shop.skus[0], 1))
    with db.transaction() as session:
        service.create_rule(session, clock.now(), _staff(shop), shop.store_id, _spec("post"))
    for _ in range(2):
        with db.transaction() as session:
            service.allocate_open_orders(session, clock.now(), _staff(shop), shop.store_id, dry_run=False)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(OrderAllocation)) == 1
        assert session.scalar(select(func.count()).select_from(Event).where(
            Event.type == "order.allocated", Event.subject == f"order:{order['id']}")) == 2


def test_one_order_is_allocated_alone_and_another_stores_order_is_not_found(shop: Shop, db: Database,
                                                                            clock: SimulatedClock) -> None:
    order = _paid(shop, (shop.skus[0], 1))
    stranger = Principal(role=Role.STAFF, key_id=0, store_id=shop.store_id + 1000)
    with db.read() as session:
        assert service.allocate_order(session, clock.now(), _staff(shop), order["id"], dry_run=True).outcome["reason"] == "no-rules"
        with pytest.raises(NotFound):
            service.allocate_order(session, clock.now(), stranger, order["id"], dry_run=True)


def test_an_order_the_engine_cannot_read_is_unallocated_and_the_run_goes_on(shop: Shop, db: Database,
                                                                             clock: SimulatedClock) -> None:
    # given an order from Wish, a channel §5.1 names for intake but the rules do not route by, and an ordinary order
    odd, ordinary = _paid(shop, (shop.skus[0], 1)), _paid(shop, (shop.skus[0], 1))
    with db.transaction() as session:
        session.execute(update(Order).where(Order.id == odd["id"]).values(sales_channel="wish"))
        service.create_rule(session, clock.now(), _staff(shop), shop.store_id, _spec("post"))
    with db.read() as session:
        outcomes = {r.order.id: r.outcome for r in service.allocate_open_orders(session, clock.now(), _staff(shop), shop.store_id, True)}
    assert outcomes[odd["id"]]["reason"] == "order-unreadable" and outcomes[odd["id"]]["field"] == "sales_channel"
    assert outcomes[ordinary["id"]]["rule"] == "post"
