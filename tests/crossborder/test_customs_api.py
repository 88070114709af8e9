"""Customs through the API on every backend (RULES.md §6.1, §6.2): the table's answers, the landed cost at the cart's
quote (Turkey's EUR 75 → 30 on the HK DHL channel), Pakistan's refusal at shipment, Canada's duty payer fixed at
pickup and said on the commercial invoice."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from crossborder.abroad import address_in, paid_order, pdf_text, sell_abroad, ship
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from support import Api, Shop


@pytest.fixture
def eur_shop(api: Api, db: Database, clock: SimulatedClock) -> Shop:
    return Shop.restored(api, db, clock.now(), rulebook="aliexpress", currency="EUR")


# --- reading the table --------------------------------------------------------------------------------

def test_turkey_hk_dhl_threshold_is_75_euros_on_14_january_2017_and_30_from_the_15th(shop: Shop) -> None:
    before = shop.shopper.get("/customs/destinations/TR?channel=hk-dhl&on=2017-01-14")
    after = shop.shopper.get("/customs/destinations/TR?channel=HK-DHL&on=2017-01-15")
    assert before["threshold"]["limit"] == {"amount": "75.00", "currency": "EUR", "minor": 7500}
    assert after["threshold"]["limit"]["amount"] == "30.00" and after["threshold"]["valid_from"] == "2017-01-15"
    assert after["threshold"]["cites"] == "RULES.md §6.1" and after["channel"] == "hk-dhl"
    other = shop.shopper.get("/customs/destinations/TR?channel=ems&on=2017-01-15")
    assert other["threshold"]["limit"]["amount"] == "75.00" and other["threshold"]["channel"] is None


def test_pakistan_and_canada_rules_read_from_the_table(shop: Shop) -> None:
    pakistan = shop.staff.get("/customs/destinations/PK")
    assert pakistan["restrictions"] == ["needs-original-invoice", "used-goods-refused", "goods-or-invoice-type-wrong"]
    assert pakistan["threshold"] is None and pakistan["on"] == "2026-11-02"
    assert shop.staff.get("/customs/destinations/CA")["duty_payer_fixed_at_pickup"] is True
    assert shop.staff.get("/customs/destinations/RU")["promised_delivery_cap_days"] == 90
    assert shop.staff.get("/customs/destinations/tr", expect=422)["code"] == "invalid-request"


def test_hs_code_inspection_conditions_change_on_the_2017_adjustment(shop: Shop) -> None:
    pesticide = "3808911900"  # A/B → A
    before = shop.shopper.get(f"/customs/hs-codes/{pesticide}?on=2016-12-31")
    after = shop.shopper.get(f"/customs/hs-codes/{pesticide}?on=2017-01-01")
    assert before["conditions"] == ["A", "B"] and before["export_inspection"] is True
    assert after["conditions"] == ["A"] and (after["import_inspection"], after["export_inspection"]) == (True, False)
    assert after["change"] == "ab-to-a" and after["change_effective"] == "2017-01-01"
    assert shop.shopper.get("/customs/hs-codes/8708295900?on=2017-02-01")["conditions"] == []  # cancel A/B
    assert shop.shopper.get("/customs/hs-codes/8544492100?on=2017-02-01")["conditions"] == ["B"]  # cancel A keeps B


def test_an_hs_code_outside_the_catalogue_is_refused_in_both_languages(shop: Shop) -> None:
    english = shop.shopper.get("/customs/hs-codes/1234567890", expect=422)
    assert english["code"] == "unknown-hs-code" and "inspection authority" in english["detail"]
    chinese = shop.shopper.get("/customs/hs-codes/1234567890", expect=422, headers={"Accept-Language": "zh"})
    assert "不在检验检疫目录中" in chinese["detail"]
    assert shop.shopper.get("/customs/hs-codes/12345", expect=422)["code"] == "invalid-request"


# --- the landed cost at the cart's quote --------------------------------------------------------------

def _price(shop: Shop, address: dict[str, object]) -> dict[str, object]:
    """One tee in the cart, priced to `address`."""
    cart = shop.shopper.get(f"/stores/{shop.store_id}/cart")
    if not cart["items"]:
        cart = shop.shopper.post(f"/stores/{shop.store_id}/cart/items", {"sku_id": shop.skus[0], "quantity": 1})
    return dict(shop.shopper.post(f"/carts/{cart['id']}/price", {"address_id": address["id"]}))


def test_turkey_landed_cost_turns_on_the_15_january_2017_threshold_without_changing_what_the_buyer_pays(
        eur_shop: Shop, clock: SimulatedClock) -> None:
    sell_abroad(eur_shop)
    turkey = address_in(eur_shop, "TR")
    clock.set(datetime(2017, 1, 14, 12, tzinfo=timezone.utc))
    under = _price(eur_shop, turkey)
    clock.set(datetime(2017, 1, 15, 12, tzinfo=timezone.utc))
    over = _price(eur_shop, turkey)
    # a €59.90 tee: under €75 on the 14th, over €30 from the 15th, duty 10% of the whole goods value
    assert under["landed_cost"]["basis"] == "at-or-under-threshold" and under["landed_cost"]["duty"]["minor"] == 0
    assert under["landed_cost"]["threshold"]["limit"]["minor"] == 7500
    landed = over["landed_cost"]
    assert landed["basis"] == "over-threshold" and landed["threshold"]["limit"]["minor"] == 3000
    assert landed["threshold"]["valid_from"] == "2017-01-15" and landed["channel"] == "hk-dhl"
    assert landed["duty"]["minor"] == 599 and landed["buyer_pays_at_door"]["minor"] == 599
    assert landed["total"]["minor"] == landed["goods"]["minor"] + landed["shipping"]["minor"] + 599
    assert landed["duty_payer"] == "buyer" and landed["estimate_only"] is True
    assert over["payable"] == under["payable"]  # an estimate: the checkout total does not move


def test_prepaid_duty_is_the_sellers_and_a_store_in_another_currency_converts_with_its_rate(
        shop: Shop, clock: SimulatedClock) -> None:
    sell_abroad(shop, duty_payer="seller", rates={"EUR": "0.13"})  # CNY 59.90 is EUR 7.787: under EUR 30
    landed = _price(shop, address_in(shop, "TR"))["landed_cost"]
    assert landed["basis"] == "at-or-under-threshold" and landed["duty_payer"] == "seller"
    sell_abroad(shop, duty_payer="seller", rates={})
    unknown = _price(shop, address_in(shop, "TR"))["landed_cost"]
    assert unknown["basis"] == "no-exchange-rate" and unknown["duty"] is None and unknown["total"] is None


def test_a_domestic_order_and_a_store_without_a_profile_have_no_landed_cost(eur_shop: Shop) -> None:
    turkey = address_in(eur_shop, "TR")
    assert _price(eur_shop, turkey)["landed_cost"] is None  # no customs profile: a domestic store
    sell_abroad(eur_shop)
    assert _price(eur_shop, eur_shop.address)["landed_cost"] is None  # CN to CN
    assert _price(eur_shop, turkey)["landed_cost"] is not None


# --- Pakistan: refused at shipment --------------------------------------------------------------------

def test_pakistan_refuses_a_parcel_without_the_original_invoice_then_used_goods_then_takes_it(eur_shop: Shop) -> None:
    sell_abroad(eur_shop)
    order = paid_order(eur_shop, address_in(eur_shop, "PK"))
    refused = ship(eur_shop, order, expect=422)
    assert refused["code"] == "shipment-refused" and refused["refusals"] == ["needs-original-invoice"]
    assert refused["detail"] == "PK refuses this shipment: the original commercial invoice is required"
    zh = eur_shop.staff.post(f"/orders/{order['id']}/shipment", {"carrier": "DHL", "tracking_number": "T1"}, expect=422,
                             headers={"Accept-Language": "zh"})
    assert zh["detail"] == "PK 不接受该货件：须附原始商业发票"
    eur_shop.staff.call("PUT", f"/skus/{eur_shop.skus[0]}/customs-origin", json={"origin_country": "CN", "used_goods": True})
    both = ship(eur_shop, order, expect=422)
    assert both["refusals"] == ["needs-original-invoice", "used-goods-refused"]
    assert ship(eur_shop, order, expect=422, original_invoice=True)["refusals"] == ["used-goods-refused"]
    assert eur_shop.staff.get(f"/orders/{order['id']}")["status"] == "paid"  # nothing half written
    eur_shop.staff.call("PUT", f"/skus/{eur_shop.skus[0]}/customs-origin", json={"origin_country": "CN", "used_goods": False})
    assert ship(eur_shop, order, original_invoice=True)["status"] == "shipped"


def test_a_domestic_order_ships_without_any_customs_declaration(eur_shop: Shop) -> None:
    sell_abroad(eur_shop)
    assert ship(eur_shop, paid_order(eur_shop, eur_shop.address))["status"] == "shipped"


# --- Canada: the duty payer fixed at pickup, said on the invoice ----------------------------------------

def test_canada_duty_payer_changes_before_pickup_not_after_and_the_invoice_says_so(eur_shop: Shop) -> None:
    sell_abroad(eur_shop)
    order = paid_order(eur_shop, address_in(eur_shop, "CA"))
    assert eur_shop.shopper.call("PUT", f"/orders/{order['id']}/duty-payer", json={"duty_payer": "seller"}, expect=403)
    assert eur_shop.staff.call("PUT", f"/orders/{order['id']}/duty-payer", json={"duty_payer": "seller"})["duty_payer"] == "seller"
    ship(eur_shop, order)
    eur_shop.staff.post(f"/orders/{order['id']}/pickup")
    refused = eur_shop.staff.call("PUT", f"/orders/{order['id']}/duty-payer", json={"duty_payer": "buyer"}, expect=409)
    assert "cannot change once the carrier has picked it up" in refused["detail"]
    view = eur_shop.shopper.get(f"/orders/{order['id']}/customs")
    assert (view["duty_payer"], view["duty_payer_fixed"], view["duty_payer_may_change"]) == ("seller", True, False)
    assert view["commercial_invoice"] is None  # the buyer reads the view, not the seller's invoice
    response = eur_shop.staff.client.get(f"/api/v1/orders/{order['id']}/commercial-invoice.pdf",
                                         headers={"Authorization": f"Bearer {eur_shop.staff.key}"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "DUTIES AND TAXES PAID BY THE SENDER" in text and "cannot change after the carrier's pickup" in text
    assert "ORIGINAL" not in text


def test_elsewhere_the_duty_payer_may_still_change_after_pickup(eur_shop: Shop) -> None:
    sell_abroad(eur_shop)
    order = paid_order(eur_shop, address_in(eur_shop, "TR"))
    ship(eur_shop, order)
    eur_shop.staff.post(f"/orders/{order['id']}/pickup")
    assert eur_shop.staff.call("PUT", f"/orders/{order['id']}/duty-payer", json={"duty_payer": "seller"})["duty_payer"] == "seller"
    domestic = paid_order(eur_shop, eur_shop.address)
    assert eur_shop.staff.call("PUT", f"/orders/{domestic['id']}/duty-payer", json={"duty_payer": "seller"}, expect=409)


def test_the_pakistan_invoice_is_the_original_with_hs_code_origin_and_declared_value(eur_shop: Shop, api: Api) -> None:
    sell_abroad(eur_shop)
    eur_shop.staff.call("PUT", f"/skus/{eur_shop.skus[1]}/customs-origin", json={"origin_country": "VN"})
    product = eur_shop.staff.post(f"/stores/{eur_shop.store_id}/products", {"title": "线缆 Cable", "skus": [
        {"code": "CABLE-1", "price": "20.00", "hs_code": "8544421900", "declared_value": "18.50", "customs_name_en": "USB cable"}]},
        expect=201)
    eur_shop.staff.post(f"/skus/{product['skus'][0]['id']}/stock", {"warehouse_id": eur_shop.warehouse["id"], "quantity": 5})
    order = eur_shop.order((product["skus"][0]["id"], 2), (eur_shop.skus[1], 1), address=address_in(eur_shop, "PK"))
    eur_shop.pay(order)
    text = pdf_text(eur_shop.staff.client.get(f"/api/v1/orders/{order['id']}/commercial-invoice.pdf",
                                              headers={"Authorization": f"Bearer {eur_shop.staff.key}"}).content)
    assert "COMMERCIAL INVOICE" in text and "ORIGINAL" in text and "Hangzhou Tee Co." in text
    assert "USB cable" in text and "8544421900" in text and "37.00" in text  # 2 × the declared EUR 18.50
    assert "VN" in text and "65.00" in text  # the tee: made in Vietnam, declared at what was paid
    assert "Duties and taxes are payable by the receiver" in text and "Currency EUR" in text
    assert api.get(f"/orders/{order['id']}/customs")["commercial_invoice"].endswith("/commercial-invoice.pdf")


def test_a_domestic_order_has_no_commercial_invoice(eur_shop: Shop) -> None:
    sell_abroad(eur_shop)
    order = paid_order(eur_shop, eur_shop.address)
    response = eur_shop.staff.client.get(f"/api/v1/orders/{order['id']}/commercial-invoice.pdf",
                                         headers={"Authorization": f"Bearer {eur_shop.staff.key}"})
    assert response.status_code == 409 and response.json()["code"] == "not-allowed-in-state"
    assert eur_shop.shopper.get(f"/orders/{order['id']}/customs") == {
        "order_id": order["id"], "cross_border": False, "landed_cost": None, "duty_payer": None, "duty_payer_fixed": False,
        "duty_payer_may_change": False, "commercial_invoice": None, "seizure": None}


def test_the_customs_profile_is_the_stores_own(eur_shop: Shop, api: Api) -> None:
    assert eur_shop.staff.get(f"/stores/{eur_shop.store_id}/customs-profile", expect=404)["code"] == "not-found"
    sell_abroad(eur_shop, rates={"USD": "1.08"})
    assert eur_shop.staff.get(f"/stores/{eur_shop.store_id}/customs-profile")["rates"] == {"USD": "1.08"}
    assert eur_shop.shopper.get(f"/stores/{eur_shop.store_id}/customs-profile", expect=403)
    bad = eur_shop.staff.call("PUT", f"/stores/{eur_shop.store_id}/customs-profile",
                              json={"home_country": "CN", "rates": {"USD": "0"}}, expect=422, headers={"Accept-Language": "zh"})
    assert bad["code"] == "invalid-input" and bad["detail"] == "兑 USD 的汇率必须为正数，而不是 0"


def test_carts_priced_together_list_each_cross_border_stores_estimate(eur_shop: Shop, api: Api) -> None:
    sell_abroad(eur_shop)
    turkey = address_in(eur_shop, "TR")
    _price(eur_shop, turkey)  # fills the cart
    other = Shop(api, rulebook="aliexpress", currency="EUR")  # a domestic store the same buyer also buys from
    eur_shop.shopper.post(f"/stores/{other.store_id}/cart/items", {"sku_id": other.skus[0], "quantity": 1})
    both = eur_shop.shopper.post("/carts/price", {"store_ids": [eur_shop.store_id, other.store_id], "address_id": turkey["id"]})
    assert [(e["store_id"], e["basis"]) for e in both["landed_costs"]] == [(eur_shop.store_id, "over-threshold")]


def test_another_stores_staff_finds_no_such_order(eur_shop: Shop, api: Api) -> None:
    sell_abroad(eur_shop)
    order = paid_order(eur_shop, address_in(eur_shop, "CA"))
    ship(eur_shop, order)
    stranger = Shop(api).staff
    assert stranger.get(f"/orders/{order['id']}/customs", expect=404)["code"] == "not-found"
    assert stranger.call("PUT", f"/orders/{order['id']}/duty-payer", json={"duty_payer": "seller"}, expect=404)
    assert stranger.post(f"/orders/{order['id']}/customs-seizure", {"reason": "unpaid-duties"}, expect=404)
    assert stranger.client.get(f"/api/v1/orders/{order['id']}/commercial-invoice.pdf",
                               headers={"Authorization": f"Bearer {stranger.key}"}).status_code == 404
    assert stranger.call("PUT", f"/skus/{eur_shop.skus[0]}/customs-origin", json={"origin_country": "CN"}, expect=404)


def test_an_overseas_warehouse_selling_in_its_own_country_ships_domestically(shop: Shop) -> None:
    # given a store that sells abroad from China, with a US warehouse first in line that holds the red tee
    sell_abroad(shop)
    us = shop.staff.post(f"/stores/{shop.store_id}/warehouses", {"code": "US-ONT", "name": "Ontario", "country": "US",
                                                                  "priority": 1}, expect=201)
    shop.staff.post(f"/skus/{shop.skus[0]}/stock", {"warehouse_id": us["id"], "quantity": 5})
    # when a US buyer's order is reserved there and a German buyer's is too
    at_home = paid_order(shop, address_in(shop, "US"))
    abroad = paid_order(shop, address_in(shop, "DE"))
    # then the US order crosses no border: no estimate, no duty payer, no invoice, and pickup records none
    domestic = shop.staff.get(f"/orders/{at_home['id']}/customs")
    assert (domestic["cross_border"], domestic["landed_cost"], domestic["duty_payer"]) == (False, None, None)
    ship(shop, at_home)
    shop.staff.post(f"/orders/{at_home['id']}/pickup")
    assert shop.staff.get(f"/orders/{at_home['id']}/customs")["duty_payer"] is None
    # while the German one leaves the US warehouse for another country and is cross-border
    assert shop.staff.get(f"/orders/{abroad['id']}/customs")["cross_border"] is True
