"""A store's own carriers through the API (RULES.md §5.5, §5.6, §15 #6, §17.1).

A rulebook lists the carriers it knows with their shipping class; a store files
its own, which come first. The class decides when receipt confirms itself and
when a buyer may open a case, and a shipment keeps the class it shipped with.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from shopkeeper import timers
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from shopkeeper.events import Event
from shopkeeper.fulfillment.models import StoreCarrier
from support import Api, Shop

DAY = timedelta(days=1)


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def shipped(shop: Shop, carrier: str, number: str) -> dict[str, Any]:
    order = shop.order((shop.skus[0], 1))
    shop.pay(order)
    return shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": carrier, "tracking_number": number})


def put(api: Api, path: str, body: Any, expect: int = 200) -> Any:
    return api.call("PUT", path, expect, json=body)


def delete(api: Api, path: str, expect: int = 204) -> Any:
    response = api.client.request("DELETE", f"/api/v1{path}", headers={"Authorization": f"Bearer {api.key}"})
    assert response.status_code == expect, response.text
    return response.json() if response.content else None


def test_taobao_auto_confirm_is_30_days_for_post_and_10_for_express(shop: Shop) -> None:
    """§17.1: express 10 days after shipment, surface post 30; the class is the carrier's, by whole name or alias."""
    express = shipped(shop, "中通快递", "Z1")
    post = shipped(shop, "  china post ", "P1")
    unknown = shipped(shop, "Hangzhou Same-Day Courier", "H1")  # not listed: the default class, express's 10 days
    assert when(express["confirm_by"]) == when(express["shipped_at"]) + 10 * DAY
    assert when(post["confirm_by"]) == when(post["shipped_at"]) + 30 * DAY
    assert when(unknown["confirm_by"]) == when(unknown["shipped_at"]) + 10 * DAY


def test_a_store_files_its_own_carrier_which_comes_first(shop: Shop, api: Api, db: Database) -> None:
    """§15 #6: the store's entry wins over the rulebook's (SF is express on Taobao's list; this store files it as post)."""
    path = f"/stores/{shop.store_id}/carriers"
    assert shop.staff.get(path) == []
    filed = shop.staff.post(path, {"name": " Village Post ", "aliases": ["乡村邮路"], "shipping_class": "post"}, expect=201)
    assert (filed["name"], filed["aliases"], filed["shipping_class"]) == ("Village Post", ["乡村邮路"], "post")
    sf = api.post(path, {"name": "顺丰", "shipping_class": "post"}, expect=201)  # the operator files for the store
    assert [c["id"] for c in shop.staff.get(path)] == [filed["id"], sf["id"]]
    order = shipped(shop, "乡村邮路", "V1")
    assert when(order["confirm_by"]) == when(order["shipped_at"]) + 30 * DAY
    order = shipped(shop, "顺丰", "S1")
    assert when(order["confirm_by"]) == when(order["shipped_at"]) + 30 * DAY
    # changed back to express: later shipments follow, the ones made keep the class they shipped with
    changed = put(shop.staff, f"{path}/{sf['id']}", {"name": "顺丰", "aliases": ["SF Express"], "shipping_class": "express"})
    assert changed["shipping_class"] == "express" and changed["aliases"] == ["SF Express"]
    assert when(shop.staff.get(f"/orders/{order['id']}")["confirm_by"]) == when(order["shipped_at"]) + 30 * DAY
    later = shipped(shop, "sf express", "S2")
    assert when(later["confirm_by"]) == when(later["shipped_at"]) + 10 * DAY
    # removed: the name falls back to the rulebook's list, or the default class
    delete(shop.staff, f"{path}/{filed['id']}")
    assert [c["id"] for c in shop.staff.get(path)] == [sf["id"]]
    order = shipped(shop, "乡村邮路", "V2")
    assert when(order["confirm_by"]) == when(order["shipped_at"]) + 10 * DAY
    with db.read() as session:
        types = list(session.scalars(select(Event.type).where(Event.type.like("store_carrier.%")).order_by(Event.id)))
    assert types == ["store_carrier.filed", "store_carrier.filed", "store_carrier.changed", "store_carrier.removed"]


def test_filing_refuses_bad_input_with_a_problem_and_writes_nothing(shop: Shop, db: Database) -> None:
    path = f"/stores/{shop.store_id}/carriers"
    shop.staff.post(path, {"name": "Village Post", "aliases": ["VP"], "shipping_class": "post"}, expect=201)
    bad = [
        ({"name": "Sea Freight", "shipping_class": "sea"}, 422, "invalid-input"),
        ({"name": "  ", "shipping_class": "post"}, 422, "invalid-input"),
        ({"name": "X" * 65, "shipping_class": "post"}, 422, "invalid-input"),
        ({"name": "Y", "aliases": ["Y "], "shipping_class": "post"}, 422, "invalid-input"),
        ({"name": "Y", "aliases": [""], "shipping_class": "post"}, 422, "invalid-input"),
        ({"name": "Y", "shipping_class": "post", "prefix": "Y"}, 422, "invalid-input"),
        ({"name": "village post", "shipping_class": "express"}, 409, "conflict"),
        ({"name": "Other", "aliases": [" vp"], "shipping_class": "express"}, 409, "conflict"),
        ({"name": 5, "shipping_class": "post"}, 422, "invalid-input"),
    ]
    for body, status, code in bad:
        problem = shop.staff.post(path, body, expect=status)
        assert problem["code"] in ((code, "invalid-request") if status == 422 else (code,)), (body, problem)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(StoreCarrier)) == 1


def test_only_the_stores_staff_or_the_operator_see_and_file_its_carriers(shop: Shop, api: Api) -> None:
    other = Shop(api, rulebook="dhgate", currency="USD")
    path = f"/stores/{shop.store_id}/carriers"
    filed = shop.staff.post(path, {"name": "Village Post", "shipping_class": "post"}, expect=201)
    assert other.staff.get(path, expect=404)["code"] == "not-found"
    assert other.staff.post(path, {"name": "Z", "shipping_class": "post"}, expect=404)["code"] == "not-found"
    assert put(other.staff, f"{path}/{filed['id']}", {"name": "Z", "shipping_class": "post"}, expect=404)["code"] == "not-found"
    assert delete(other.staff, f"{path}/{filed['id']}", expect=404)["code"] == "not-found"
    assert shop.shopper.get(path, expect=403)["code"] == "forbidden"
    assert put(shop.staff, f"/stores/{other.store_id}/carriers/{filed['id']}", {"name": "Z", "shipping_class": "post"},
               expect=404)["code"] == "not-found"
    assert len(api.get(path)) == 1
    # another store may file the same name under its own rulebook's classes
    other.staff.post(f"/stores/{other.store_id}/carriers", {"name": "Village Post", "shipping_class": "express"}, expect=201)


def test_dhgate_case_window_follows_a_filed_carrier_and_dhl_ecommerce_is_not_big_4(api: Api, clock: SimulatedClock,
                                                                                   db: Database) -> None:
    """§5.6: Big-4 express opens a case on day 5, general express on day 7; "DHL eCommerce" is not DHL Express,
    and a store that files a carrier as express gets day 5 for it."""
    desk = Shop(api, rulebook="dhgate", currency="USD")
    desk.staff.post(f"/stores/{desk.store_id}/carriers", {"name": "Acme Air", "shipping_class": "express"}, expect=201)
    for carrier, opens_day, shipping_class in (("DHL eCommerce", 7, "standard"), ("acme air", 5, "express")):
        order = shipped(desk, carrier, f"T-{opens_day}")
        assert when(order["confirm_by"]) == when(order["shipped_at"]) + 90 * DAY
        timers.advance_to(db, clock, when(order["shipped_at"]) + opens_day * DAY - timedelta(seconds=1))
        early = desk.shopper.post(f"/orders/{order['id']}/cases", {"reason": "inad_color"}, expect=409)
        assert shipping_class in early["detail"]
        timers.advance_to(db, clock, when(order["shipped_at"]) + opens_day * DAY)
        case = desk.shopper.post(f"/orders/{order['id']}/cases", {"reason": "inad_color"}, expect=201)
        assert case["shipping_class"] == shipping_class
