"""The language switch always leads to a page a GET can open: on a page answering a refused form (a POST), it goes
to the page's canonical GET URL when the route names one, else to the console page the form came from (the Referer,
ours only), else the dashboard; never to the POST URL, which would answer 405."""

from __future__ import annotations

import html
import re
from typing import Any

from fastapi.testclient import TestClient

from console.test_marketing_pages import console, ok
from support import Shop


def _switch(page: str) -> str:
    found = re.search(r'<a class="lang-switch" href="([^"]*)"', page)
    assert found, "the page has no language switch"
    return html.unescape(found.group(1))


def _refused_close(shop: Shop) -> Any:
    """A stocktake whose close is refused: it counts fewer red tees than an order holds."""
    shop.order((shop.skus[0], 5))
    take = shop.staff.post(f"/warehouses/{shop.warehouse['id']}/stocktakes", {}, expect=201)
    shop.staff.call("PUT", f"/stocktakes/{take['id']}/counts", json={"counts": [{"code": "TEE-RED-M", "counted": 2}]})
    return take


def test_a_refused_form_switches_language_to_the_page_it_was_posted_from(client: TestClient, shop: Shop) -> None:
    take = _refused_close(shop)
    staff = console(client, shop.staff.key)
    page = f"/warehouse/stocktakes/{take['id']}"
    # when the close is refused, posted from the stocktake's page in English
    refused = staff.post(f"{page}/close", headers={"Referer": f"http://testserver{page}?lang=en&x=1"})
    assert refused.status_code == 409
    # then the switch goes to that page in Chinese, which opens
    target = _switch(refused.text)
    assert target == f"{page}?x=1&lang=zh"
    assert "盘点差异" in ok(staff, target)


def test_without_a_referer_the_switch_goes_to_the_canonical_page_or_the_dashboard(client: TestClient, shop: Shop) -> None:
    take = _refused_close(shop)
    staff = console(client, shop.staff.key)
    # a refused close with no Referer (a client that sends none): the dashboard, which a GET opens
    refused = staff.post(f"/warehouse/stocktakes/{take['id']}/close?lang=zh")
    assert refused.status_code == 409 and _switch(refused.text) == "/?lang=en"
    assert staff.get(_switch(refused.text)).status_code == 200
    # the queue names its canonical page: a refused batch switches to the queue itself, not its POST URL
    queue = staff.post("/fulfillment/queue/labels", data={"order_id": ["x"]})
    assert queue.status_code == 400 and _switch(queue.text) == "/fulfillment/queue?lang=zh"
    assert "待发货" in ok(staff, _switch(queue.text))


def test_another_sites_referer_is_never_followed_and_get_pages_keep_their_own_url(client: TestClient, shop: Shop) -> None:
    staff = console(client, shop.staff.key)
    # a form posted from another site is refused, and its switch does not lead there
    refused = staff.post("/fulfillment/queue/labels", data={"order_id": ["1"]},
                         headers={"Referer": "https://elsewhere.example/warehouse/scans", "Origin": "https://elsewhere.example"})
    assert refused.status_code == 403 and _switch(refused.text) == "/?lang=zh"
    # a page opened with GET switches to itself, its other parameters kept
    assert _switch(ok(staff, "/warehouse/scans?result=blocked&lang=en")) == "/warehouse/scans?result=blocked&lang=zh"
