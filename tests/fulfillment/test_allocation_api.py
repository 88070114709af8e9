"""Allocation rules stored and run over real orders (RULES.md §5.1, §5.3), the buyer's shipping method (§5.5)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from shopkeeper.db import Database
from shopkeeper.events import Event
from support import Api, Shop, rows_of


def _rule(name: str, warehouse: str = "HZ1", channel: str = "YANWEN", **conditions: Any) -> dict[str, Any]:
    return {"name": name, "conditions": conditions, "warehouse_code": warehouse, "channel_code": channel}


def _paid(shop: Shop, *lines: tuple[int, int], country: str = "CN") -> Any:
    address = shop.address if country == "CN" else shop.shopper.post(
        f"/buyers/{shop.buyer['id']}/addresses", {"recipient": "Li Lei", "country": country, "city": "X"}, expect=201)
    order = shop.order(*lines, address=address)
    shop.pay(order)
    return order


def _run(shop: Shop, dry_run: bool) -> dict[str, dict[str, Any]]:
    answer = shop.staff.post(f"/stores/{shop.store_id}/allocations?dry_run={str(dry_run).lower()}")
    return {r["order_number"]: r["outcome"] for r in answer}


def test_a_rule_the_engine_refuses_answers_422_naming_the_field(shop: Shop) -> None:
    path = f"/stores/{shop.store_id}/allocation-rules"
    bad = shop.staff.post(path, _rule("heavy", min_weight_grams=500, max_weight_grams=100), expect=422)
    assert bad["field"] == "min_weight_grams"
    assert shop.staff.post(path, _rule("x", warehouse="NOPE"), expect=422)["field"] == "warehouse_code"
    assert shop.staff.post(path, _rule("x", any_line_has=["gunpowder"]), expect=422)["field"] == "any_line_has"
    shop.staff.post(path, _rule("Everything"), expect=201)
    assert shop.staff.post(path, _rule("everything"), expect=422)["field"] == "name"
    assert [r["name"] for r in shop.staff.get(path)] == ["Everything"]


def test_first_matching_rule_wins_and_earlier_misses_are_explained(shop: Shop) -> None:
    # given a rule for the US, then a catch-all, and a paid order to China (§5.1: first match wins)
    path = f"/stores/{shop.store_id}/allocation-rules"
    us = shop.staff.post(path, _rule("US by DHL", channel="DHL", countries=["US"]), expect=201)
    anywhere = shop.staff.post(path, _rule("anywhere by post"), expect=201)
    order = _paid(shop, (shop.skus[0], 2))
    # when the rules run
    outcome = _run(shop, dry_run=True)[order["number"]]
    # then the catch-all sends it, and the US rule says why not
    assert outcome["rule"] == "anywhere by post" and outcome["parcels"][0]["channel_code"] == "YANWEN"
    assert outcome["passed_over"] == [{"rule": "US by DHL", "misses": [
        {"code": "country-not-listed", "expected": "US", "actual": "CN"}]}]
    # and reordered, the catch-all comes first
    shop.staff.post(f"{path}/order", {"rule_ids": [anywhere["id"], us["id"]]})
    assert [r["name"] for r in shop.staff.get(path)] == ["anywhere by post", "US by DHL"]


def test_battery_skus_are_routed_by_their_property(shop: Shop) -> None:
    # given the red tee marked as carrying a battery (§5.3) and a battery rule before the ordinary one
    shop.staff.call("PUT", f"/skus/{shop.skus[0]}/allocation-properties", json={"properties": ["battery"]})
    path = f"/stores/{shop.store_id}/allocation-rules"
    shop.staff.post(path, _rule("batteries", channel="DHL-BATTERY", any_line_has=["battery"]), expect=201)
    shop.staff.post(path, _rule("ordinary", no_line_has=["battery"]), expect=201)
    with_battery, without = _paid(shop, (shop.skus[0], 1)), _paid(shop, (shop.skus[1], 1))
    outcomes = _run(shop, dry_run=True)
    assert outcomes[with_battery["number"]]["parcels"][0]["channel_code"] == "DHL-BATTERY"
    assert outcomes[without["number"]]["rule"] == "ordinary"


def test_short_warehouse_splits_or_holds_by_the_stores_choice(shop: Shop) -> None:
    # given blue tees only in Shenzhen, so checkout reserves the order's red in Hangzhou and its blue in Shenzhen
    store = shop.store_id
    second = shop.staff.post(f"/stores/{store}/warehouses", {"code": "SZ2", "name": "Shenzhen", "country": "CN"}, expect=201)
    shop.staff.post(f"/skus/{shop.skus[1]}/stock", {"warehouse_id": shop.warehouse["id"], "quantity": -100})
    shop.staff.post(f"/skus/{shop.skus[1]}/stock", {"warehouse_id": second["id"], "quantity": 50})
    shop.staff.post(f"/stores/{store}/allocation-rules", _rule("from Hangzhou"), expect=201)
    order = _paid(shop, (shop.skus[0], 2), (shop.skus[1], 3))
    # when the store splits (the default), Hangzhou sends the red and Shenzhen the blue, both by the rule's channel
    split = _run(shop, dry_run=True)[order["number"]]
    assert [(p["warehouse_code"], p["channel_code"], p["items"]) for p in split["parcels"]] == [
        ("HZ1", "YANWEN", [{"sku_code": "TEE-RED-M", "quantity": 2}]),
        ("SZ2", "YANWEN", [{"sku_code": "TEE-BLU-L", "quantity": 3}])]
    # when it holds, the order waits, naming what Hangzhou lacks
    shop.staff.call("PUT", f"/stores/{store}/allocation-settings", json={"on_short": "hold"})
    held = _run(shop, dry_run=True)[order["number"]]
    assert held["status"] == "held" and held["reason"] == "warehouse-short" and held["rule"] == "from Hangzhou"
    assert held["short"] == [{"sku_code": "TEE-BLU-L", "wanted": 3, "available": 0}]


def test_within_one_run_stock_given_to_an_earlier_order_is_not_offered_again(shop: Shop) -> None:
    # given Shenzhen with 20 blue tees, and two orders of 15 each (reserved in HZ1 at checkout)
    store = shop.store_id
    second = shop.staff.post(f"/stores/{store}/warehouses", {"code": "SZ2", "name": "Shenzhen", "country": "CN"}, expect=201)
    shop.staff.post(f"/skus/{shop.skus[1]}/stock", {"warehouse_id": second["id"], "quantity": 20})
    shop.staff.post(f"/stores/{store}/allocation-rules", _rule("from Shenzhen", warehouse="SZ2"), expect=201)
    shop.staff.call("PUT", f"/stores/{store}/allocation-settings", json={"on_short": "hold"})
    first, second_order = _paid(shop, (shop.skus[1], 15)), _paid(shop, (shop.skus[1], 15))
    outcomes = _run(shop, dry_run=True)
    # then the older is served, the newer waits for the 5 left
    assert outcomes[first["number"]]["status"] == "allocated"
    assert outcomes[second_order["number"]]["short"] == [{"sku_code": "TEE-BLU-L", "wanted": 15, "available": 5}]


def test_a_dry_run_writes_nothing_and_a_real_run_records_outcomes_and_events(shop: Shop, db: Database) -> None:
    shop.staff.post(f"/stores/{shop.store_id}/allocation-rules", _rule("home"), expect=201)
    order = _paid(shop, (shop.skus[0], 1))
    before = rows_of(db)
    _run(shop, dry_run=True)
    assert rows_of(db) == before
    assert shop.staff.get(f"/orders/{order['id']}/allocation")["status"] is None
    _run(shop, dry_run=False)
    recorded = shop.staff.get(f"/orders/{order['id']}/allocation")
    assert recorded["status"] == "allocated" and recorded["outcome"]["rule"] == "home"
    with db.read() as session:
        types = list(session.scalars(select(Event.type).where(Event.subject == f"order:{order['id']}")))
    assert "order.allocated" in types


def test_an_order_no_rule_matches_is_unallocated_with_the_reason(shop: Shop) -> None:
    order = _paid(shop, (shop.skus[0], 1))
    assert _run(shop, dry_run=True)[order["number"]] == {
        "status": "unallocated", "order_number": order["number"], "passed_over": [], "rule": None, "reason": "no-rules"}


def test_the_shipping_method_changes_only_with_the_buyers_consent(shop: Shop) -> None:
    # given an order whose buyer chose China Post, and a rule that would send it by DHL (§5.5)
    shop.staff.post(f"/stores/{shop.store_id}/allocation-rules", _rule("home", channel="DHL"), expect=201)
    order = shop.shopper.post("/orders", {"store_id": shop.store_id, "address_id": shop.address["id"],
                                          "lines": [{"sku_id": shop.skus[0], "quantity": 1}], "shipping_method": "CHINA-POST"},
                              expect=201)
    assert order["shipping_method"] == "CHINA-POST" and order["sales_channel"] == "own"
    shop.pay(order)
    assert _run(shop, dry_run=True)[order["number"]]["parcels"][0]["channel_code"] == "CHINA-POST"
    # when staff propose DHL, the order keeps the buyer's method until the buyer answers
    change = shop.staff.post(f"/orders/{order['id']}/shipping-method/changes", {"to_method": "DHL", "note": "faster"}, expect=201)
    assert _run(shop, dry_run=True)[order["number"]]["parcels"][0]["channel_code"] == "CHINA-POST"
    shop.staff.post(f"/shipping-method-changes/{change['id']}/answer", {"accept": True}, expect=403)
    # then the buyer's acceptance changes it
    shop.shopper.post(f"/shipping-method-changes/{change['id']}/answer", {"accept": True})
    assert shop.shopper.get(f"/orders/{order['id']}/shipping-method")["shipping_method"] == "DHL"
    assert _run(shop, dry_run=True)[order["number"]]["parcels"][0]["channel_code"] == "DHL"


def test_a_refused_change_keeps_the_buyers_method(shop: Shop, db: Database) -> None:
    order = _paid(shop, (shop.skus[0], 1))
    change = shop.staff.post(f"/orders/{order['id']}/shipping-method/changes", {"to_method": "DHL"}, expect=201)
    assert shop.shopper.post(f"/shipping-method-changes/{change['id']}/answer", {"accept": False})["status"] == "refused"
    assert shop.shopper.get(f"/orders/{order['id']}/shipping-method")["shipping_method"] is None
    shop.shopper.post(f"/shipping-method-changes/{change['id']}/answer", {"accept": True}, expect=409)


def test_promised_delivery_days_are_capped_at_90_for_russia_brazil_argentina(shop: Shop) -> None:
    answer = shop.staff.call("PUT", f"/stores/{shop.store_id}/allocation-settings", json={
        "on_short": "split", "promised_days": {"RU": 120, "BR": 90, "AR": 91, "US": 120}})
    assert answer["promised_days"] == {"AR": 90, "BR": 90, "RU": 90, "US": 120}
    order = _paid(shop, (shop.skus[0], 1), country="RU")
    assert shop.shopper.get(f"/orders/{order['id']}/shipping-method")["promised_delivery_days"] == 90


def test_buyers_are_refused_and_other_stores_answer_404(shop: Shop, api: Api) -> None:
    store = shop.store_id
    rule = shop.staff.post(f"/stores/{store}/allocation-rules", _rule("home"), expect=201)
    order = _paid(shop, (shop.skus[0], 1))
    shop.shopper.get(f"/stores/{store}/allocation-rules", expect=403)
    shop.shopper.post(f"/stores/{store}/allocations?dry_run=true", expect=403)
    shop.shopper.get(f"/orders/{order['id']}/allocation", expect=403)
    other = Shop(api, rulebook="aliexpress")
    other.staff.get(f"/stores/{store}/allocation-rules", expect=404)
    assert other.staff.client.delete(f"/api/v1/allocation-rules/{rule['id']}",
                                     headers={"Authorization": f"Bearer {other.staff.key}"}).status_code == 404
    other.staff.get(f"/orders/{order['id']}/allocation", expect=404)
    other.staff.post(f"/stores/{store}/allocations?dry_run=false", expect=404)
    assert shop.staff.client.delete(f"/api/v1/allocation-rules/{rule['id']}",
                                    headers={"Authorization": f"Bearer {shop.staff.key}"}).status_code == 204
    assert shop.staff.get(f"/stores/{store}/allocation-rules") == []
