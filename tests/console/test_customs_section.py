"""The order page's customs section over HTTP (RULES.md §6.1): a cross-border order shows its landed-cost estimate, its
duty payer (fixed after a Canadian pickup) and a link to its commercial invoice, in English and Chinese; a domestic
order shows none of it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from console.test_marketing_pages import console, ok, text_of
from crossborder.abroad import address_in, paid_order, pdf_text, sell_abroad, ship
from shopkeeper.clock import SimulatedClock
from shopkeeper.db import Database
from support import Api, Shop


@pytest.fixture
def eur_shop(api: Api, db: Database, clock: SimulatedClock) -> Shop:
    shop = Shop.restored(api, db, clock.now(), rulebook="aliexpress", currency="EUR")
    sell_abroad(shop)
    return shop


def _section(page: str) -> str:
    start = page.index("data-customs")
    return text_of(page[start:page.index("</section>", start)])


def test_a_canadian_order_shows_its_estimate_fixed_payer_and_invoice_in_both_languages(client: TestClient, eur_shop: Shop) -> None:
    order = paid_order(eur_shop, address_in(eur_shop, "CA"), quantity=2)
    ship(eur_shop, order)
    eur_shop.staff.post(f"/orders/{order['id']}/pickup")
    staff = console(client, eur_shop.staff.key)
    section = _section(ok(staff, f"/orders/{order['id']}"))
    assert "Customs" in section and "CA · hk-dhl" in section and "no customs rule known" in section
    assert "Buyer (duties collect) · fixed since the carrier's pickup" in section and "Commercial invoice (PDF)" in section
    chinese = _section(ok(staff, f"/orders/{order['id']}?lang=zh"))
    assert "报关" in chinese and "买家（关税到付） · 揽收后已固定" in chinese and "商业发票（PDF）" in chinese
    pdf = staff.get(f"/orders/{order['id']}/commercial-invoice.pdf")
    assert pdf.status_code == 200 and "Duties and taxes are payable by the receiver" in pdf_text(pdf.content)


def test_a_turkish_order_shows_the_duty_over_the_threshold(client: TestClient, eur_shop: Shop) -> None:
    order = paid_order(eur_shop, address_in(eur_shop, "TR"))
    section = _section(ok(console(client, eur_shop.staff.key), f"/orders/{order['id']}"))
    assert "over the duty threshold" in section and "threshold €30.00 (since 2017-01-15)" in section
    assert "€5.99" in section  # 10% of the €59.90 tee


def test_a_domestic_order_has_no_customs_section(client: TestClient, eur_shop: Shop) -> None:
    order = paid_order(eur_shop, eur_shop.address)
    staff = console(client, eur_shop.staff.key)
    assert "data-customs" not in ok(staff, f"/orders/{order['id']}")
    assert staff.get(f"/orders/{order['id']}/commercial-invoice.pdf").status_code == 409
