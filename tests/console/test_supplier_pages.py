"""The supplier pages over HTTP (供应商, RULES.md §5.1): a store's suppliers listed, added, edited and deactivated, and
one SKU's supply terms set from the replenishment table, in English and Chinese; a refused form writes nothing and
says why in the page's language. Through the real app, checked against the API's reads."""

from __future__ import annotations

from fastapi.testclient import TestClient

from console.test_marketing_pages import console, ok, rows
from console.test_purchase_pages import field
from purchasing.test_purchasing_api import _supplier
from support import Shop

GOOD = {"name": "景德镇 Jingdezhen", "lead_days": "12", "pack_size": "6", "moq": "12", "currency": "CNY", "active": "on"}


def test_suppliers_are_added_edited_and_deactivated(client: TestClient, shop: Shop) -> None:
    staff = console(client, shop.staff.key)
    empty = ok(staff, "/purchasing/suppliers?lang=en")
    assert "No suppliers yet." in empty and 'value="CNY"' in empty  # the store's currency offered
    added = staff.post("/purchasing/suppliers", data={"store": shop.store_id, **GOOD, "prepay": "on"})
    assert added.status_code == 303 and "done=created" in added.headers["location"]
    [made] = shop.staff.get(f"/stores/{shop.store_id}/suppliers")
    assert (made["name"], made["lead_days"], made["pack_size"], made["moq"], made["prepay"], made["active"]) == \
        ("景德镇 Jingdezhen", 12, 6, 12, True, True)
    listed = rows(ok(staff, "/purchasing/suppliers?lang=zh"), "supplier-id")
    assert "景德镇 Jingdezhen 12 6 12 CNY 是 启用中" == listed[made["id"]]

    # refused, in the reader's language, nothing written: a negative lead time, a taken name
    bad = staff.post("/purchasing/suppliers", data={"store": shop.store_id, **GOOD, "lead_days": "-1"})
    assert bad.status_code == 422 and "lead_days" in bad.text and 'value="-1"' in bad.text
    taken = staff.post("/purchasing/suppliers?lang=zh", data={"store": shop.store_id, **GOOD})
    assert taken.status_code == 409 and "已有名为 景德镇 Jingdezhen 的供应商" in taken.text
    assert len(shop.staff.get(f"/stores/{shop.store_id}/suppliers")) == 1

    # edited: a longer lead, no longer prepaid
    page = f"/purchasing/suppliers/{made['id']}"
    assert 'name="prepay" checked' in ok(staff, page)
    saved = staff.post(f"{page}/edit", data={**GOOD, "lead_days": "15"})
    assert saved.status_code == 303
    after = shop.staff.get(f"/suppliers/{made['id']}")
    assert (after["lead_days"], after["prepay"], after["active"]) == (15, False, True)
    unknown = staff.post(f"{page}/edit", data={**GOOD, "currency": "cny"})
    assert unknown.status_code == 422 and shop.staff.get(f"/suppliers/{made['id']}")["currency"] == "CNY"
    # deactivated and back, its terms kept
    assert staff.post(f"{page}/deactivate").status_code == 303
    assert shop.staff.get(f"/suppliers/{made['id']}")["active"] is False
    assert 'data-active="no"' in ok(staff, page) and 'data-action="reactivate"' in ok(staff, page)
    assert staff.post(f"{page}/reactivate").status_code == 303
    assert shop.staff.get(f"/suppliers/{made['id']}")["lead_days"] == 15

    # another store's staff see none of it
    other = shop.operator.post("/stores", {"name": "other", "rulebook": "taobao", "currency": "CNY"}, expect=201)
    stranger = console(client, shop.operator.post("/keys", {"role": "staff", "store_id": other["id"]}, expect=201)["key"])
    ok(stranger, page, status=404)
    ok(stranger, f"/purchasing/suppliers?store={shop.store_id}", status=404)
    assert stranger.post(f"{page}/deactivate").status_code == 404
    assert stranger.post("/purchasing/suppliers", data={"store": shop.store_id, **GOOD, "name": "x"}).status_code == 404
    assert shop.staff.get(f"/suppliers/{made['id']}")["active"] is True


def test_a_sku_s_supply_terms_are_set_from_the_replenishment_table(client: TestClient, shop: Shop) -> None:
    red = shop.skus[0]
    supplier = _supplier(shop)
    staff = console(client, shop.staff.key)
    table = ok(staff, "/purchasing/replenishment")
    assert f'href="/purchasing/skus/{red}/supply"' in table and 'href="/purchasing/suppliers?store=' in table
    blank = ok(staff, f"/purchasing/skus/{red}/supply?lang=en")
    assert "Supply terms of" in blank and 'name="unit_cost" value=""' in blank
    saved = staff.post(f"/purchasing/skus/{red}/supply", data={"supplier_id": str(supplier["id"]), "unit_cost": "18.50",
                                                               "lead_days": "20", "safety_days": "", "moq": "30"})
    assert saved.status_code == 303
    supply = shop.staff.get(f"/skus/{red}/supply")
    assert (supply["unit_cost"]["amount"], supply["lead_days"], supply["safety_days"], supply["moq"]) == \
        ("18.50", 20, None, 30)
    again = ok(staff, f"/purchasing/skus/{red}/supply?lang=zh")
    assert "的采购条件" in again and 'name="unit_cost" value="18.50"' in again and 'name="lead_days" value="20"' in again
    # the table reads the new terms: lead 20 + safety 3 + review 7, packs of 12 from at least 30
    assert field(ok(staff, "/purchasing/replenishment"), red, "terms") == "20 + 3 + 7"
    assert field(ok(staff, "/purchasing/replenishment"), red, "packs") == "12 / 30"
    # an amount with too many decimals, and a supplier of another store: refused, nothing changes
    bad = staff.post(f"/purchasing/skus/{red}/supply?lang=en", data={"supplier_id": str(supplier["id"]), "unit_cost": "1.005"})
    assert bad.status_code == 422 and shop.staff.get(f"/skus/{red}/supply")["unit_cost"]["amount"] == "18.50"
    other = Shop(shop.operator)
    theirs = _supplier(other)
    assert staff.post(f"/purchasing/skus/{red}/supply", data={"supplier_id": str(theirs["id"]),
                                                              "unit_cost": "1"}).status_code == 404
    ok(staff, f"/purchasing/skus/{other.skus[0]}/supply", status=404)
    ok(staff, "/purchasing/skus/nope/supply", status=404)
