"""Shipping templates (运费模板) priced at checkout: totals are goods + shipping."""

from __future__ import annotations

TEMPLATE = {
    "name": "按件 by piece",
    "mode": "piece",
    "default": {"regions": [], "first_units": 1, "first_fee_minor": 800, "extra_units": 1, "extra_fee_minor": 200},
    "rules": [{"regions": ["CN/Xinjiang"], "first_units": 1, "first_fee_minor": 2000, "extra_units": 1, "extra_fee_minor": 1000}],
    "free": [{"regions": ["CN"], "min_amount_minor": 9900, "min_items": None}],
    "excluded_regions": ["CN/Tibet"],
}


def _address(shop, region: str) -> dict:
    return shop.shopper.post(f"/buyers/{shop.buyer['id']}/addresses",
                             {"recipient": "Li Lei", "country": "CN", "region": region, "city": "x"}, expect=201)


def test_default_template_prices_shipping_into_the_total(shop) -> None:
    shop.staff.post(f"/stores/{shop.store_id}/shipping-templates", {"spec": TEMPLATE, "is_default": True}, expect=201)
    red = shop.skus[0]  # ¥59.90
    order = shop.order((red, 1))
    assert order["shipping"]["minor"] == 800
    assert order["total"]["minor"] == 5990 + 800
    # two pieces reach ¥99 (满99包邮): free
    assert shop.order((red, 2))["shipping"]["minor"] == 0


def test_region_rule_and_excluded_region(shop) -> None:
    shop.staff.post(f"/stores/{shop.store_id}/shipping-templates", {"spec": {**TEMPLATE, "free": []}, "is_default": True}, expect=201)
    xinjiang = shop.order((shop.skus[0], 3), address=_address(shop, "Xinjiang"))
    assert xinjiang["shipping"]["minor"] == 2000 + 2 * 1000
    refused = shop.order((shop.skus[0], 1), address=_address(shop, "Tibet"), expect=422)
    assert refused["code"] == "not-deliverable"
    assert shop.stock(shop.skus[0])["reserved"] == 3


def test_store_without_templates_ships_free(shop) -> None:
    assert shop.order((shop.skus[1], 2))["shipping"]["minor"] == 0
