"""The purchasing pages over HTTP (RULES.md §5.1): the replenishment table with the formula's inputs per SKU, its
filters and exports, drafting purchase orders from the ticked SKUs, and an order placed and received from its page,
in English and Chinese. Through the real app; the API places and pays the orders that make the sales."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient

from console.test_marketing_pages import console, ok, rows, text_of
from promotions.campaigns.test_api import campaign_body, sign_up
from purchasing.test_purchasing_api import _sell, _supplier
from shopkeeper.clock import SimulatedClock
from support import Shop


def field(page: str, sku_id: int, name: str) -> str:
    row = re.search(rf'<tr data-sku-id="{sku_id}".*?</tr>', page, flags=re.S)
    assert row is not None
    found = re.search(rf'data-field="{name}">(.*?)</td>', row.group(0), flags=re.S)
    assert found is not None
    return text_of(found.group(1))


def test_the_replenishment_table_shows_the_inputs_drafts_places_and_receives(client: TestClient, shop: Shop,
                                                                             clock: SimulatedClock) -> None:
    red, blue = shop.skus
    _sell(shop, clock)
    supplier = _supplier(shop)
    shop.staff.call("PUT", f"/skus/{red}/supply", json={"supplier_id": supplier["id"], "unit_cost": "18.50", "lead_days": 20})
    staff = console(client, shop.staff.key)

    # the table: every input of the formula, the reason, the suggestion; only a SKU with a supplier may be ticked
    page = ok(staff, "/purchasing/replenishment")
    listed = rows(page, "sku-id")
    assert set(listed) == {red, blue}
    assert [field(page, red, f) for f in ("on_hand", "in_transit", "sold", "days_counted", "stockout_days", "ads")] == \
        ["90", "0", "10", "2", "12", "5.00"]
    assert [field(page, red, f) for f in ("terms", "packs", "reorder_point", "target", "quantity", "amount")] == \
        ["20 + 3 + 7", "12 / 24", "115.00", "150.00", "60", "¥1,110.00"]
    assert field(page, red, "flags") == "Below reorder point" and "Yiwu Weaving" in listed[red]
    assert f'name="sku" value="{red}"' in page and f'name="sku" value="{blue}"' not in page
    assert "style=" not in page
    # filters and Chinese
    assert set(rows(ok(staff, f"/purchasing/replenishment?supplier={supplier['id']}"), "sku-id")) == {red}
    zh = ok(staff, "/purchasing/replenishment?lang=zh&q=TEE-BLU")
    assert "补货建议" in zh and set(rows(zh, "sku-id")) == {blue} and field(zh, blue, "flags") == "低于再订货点"
    # a campaign from Nov 3 on the store's clock: blue sold 60 of the 100 it had then (§3.3), and at 1.1 × its daily
    # sales yesterday's 6 red (planned on: 6 × 30 days − 90 = 90 → 96 in packs of 12) and 60 blue are surges
    campaign = ok(staff, "/purchasing/replenishment?lang=en&campaign=2026-11-03&surge=1.1")
    assert field(campaign, blue, "flags") == "Below reorder point Half sold in campaign Sales surge"
    assert field(campaign, red, "flags") == "Below reorder point Sales surge" and field(campaign, red, "quantity") == "96"
    assert "within the last 90 days" in ok(staff, "/purchasing/replenishment?campaign=2020-01-01")
    assert "No campaign in force" in page and "Campaign trigger on from the date given" in campaign
    # the export carries the same figures, headers in the page's language
    exported = staff.get("/purchasing/replenishment.csv?show=due&lang=en")
    table = {int(r["SKU id"]): r for r in csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")))}
    assert table[red]["Suggested quantity"] == "60" and table[blue]["Suggested quantity"] == "470"
    assert staff.get("/purchasing/replenishment.xlsx").headers["content-type"].startswith("application/vnd.openxml")

    # drafting from the ticked SKU opens the draft
    drafted = staff.post("/purchasing/replenishment/draft", data={"store": shop.store_id, "warehouse": shop.warehouse["id"],
                                                                   "sku": [red]})
    assert drafted.status_code == 303
    order_url = drafted.headers["location"].split("?")[0]
    draft = ok(staff, order_url + "?lang=en")
    assert "Draft" in draft and "¥1,110.00" in draft and 'data-action="place"' in draft
    # place, then receive 24 of the 60
    assert staff.post(f"{order_url}/place").status_code == 303
    placed = ok(staff, order_url + "?lang=zh")
    assert "已下单" in placed and 'data-action="receive"' in placed
    line = int(re.findall(r'data-line-id="(\d+)"', placed)[0])
    assert staff.post(f"{order_url}/receive", data={f"line-{line}": "24"}).status_code == 303
    received = ok(staff, order_url + "?lang=en")
    assert "Partly received" in received and "24 units received, ¥444.00" in received and "Pending approval" in received
    assert shop.stock(red)["available"] == 114
    # more than is open: refused on the page, nothing moves
    refused = staff.post(f"{order_url}/receive", data={f"line-{line}": "37"})
    assert refused.status_code == 409 and "has 36 open, not 37" in refused.text
    assert shop.stock(red)["available"] == 114
    # the list shows it; another store's staff get a 404
    listing = ok(staff, "/purchasing/orders")
    assert "Partly received" in text_of(listing)
    other = shop.operator.post("/stores", {"name": "other", "rulebook": "taobao", "currency": "CNY"}, expect=201)
    stranger = console(client, shop.operator.post("/keys", {"role": "staff", "store_id": other["id"]}, expect=201)["key"])
    ok(stranger, order_url, status=404)
    ok(stranger, f"/purchasing/replenishment?store={shop.store_id}", status=404)


def test_the_table_names_the_store_s_campaign_in_force_and_turns_it_off(client: TestClient, shop: Shop,
                                                                        clock: SimulatedClock) -> None:
    """RULES.md §3.3: a store signed up to a campaign whose official phase opened on 3 Nov gets its half-sold flag
    without a date; the trigger switched off takes it away."""
    red, blue = shop.skus
    campaign = shop.operator.post("/campaigns", campaign_body(starts_at="2026-11-02T00:00:00Z", ends_at="2026-11-08T00:00:00Z",
        discount="0", min_stock=0, phases=[{"name": "warm_up", "starts_at": "2026-11-02T00:00:00Z", "ends_at": "2026-11-03T00:00:00Z"},
                                           {"name": "main", "starts_at": "2026-11-03T00:00:00Z", "ends_at": "2026-11-06T00:00:00Z"}]),
        expect=201)
    sign_up(shop.staff, campaign, shop.product["id"], {red: "50.00"})
    _sell(shop, clock)
    staff = console(client, shop.staff.key)
    page = ok(staff, "/purchasing/replenishment?lang=en")
    assert field(page, blue, "flags") == "Below reorder point Half sold in campaign"
    assert f'data-campaign="{campaign["id"]}"' in page
    assert "Campaign in force: 双十一 Double 11, official phase from 2026-11-03 08:00" in text_of(page)
    zh = ok(staff, "/purchasing/replenishment?lang=zh&campaigns=none")
    assert field(zh, blue, "flags") == "低于再订货点" and "当前没有活动" in zh
