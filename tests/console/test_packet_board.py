"""The platform red-packet page over HTTP: the operator sees every program with its pool, its stores and its books,
and ends one; a store's staff opt their own store in; both writes come from the console's own origin only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from console.test_marketing_pages import ORIGIN, console, ok, rows
from social.packets import checkout, grab, program
from support import Api, Shop


def test_the_operator_sees_pool_stores_and_books_and_staff_opt_in(client: TestClient, shop: Shop, api: Api,
                                                                    operator_key: str) -> None:
    # given an ad program and a grab program naming the shop, one packet grabbed and spent
    ad = program(api, name="看广告抢红包", mode="ad", min_watch_seconds=15, view_valid_minutes=30, per_day_limit=1)
    rain = program(api, name="红包雨", total_minor=500, packets=1, store_ids=[shop.store_id])
    grab(shop.shopper, rain["id"])
    checkout(shop, (shop.store_id, [(shop.skus[0], 1)]))
    operator = console(client, operator_key)
    # when the operator opens the page
    page = ok(operator, "/platform-packets")
    found = rows(page, "program-id")
    # then each program shows its pool grabbed and left, its terms and stores, and the books of the one spent
    assert "Watch an ad, then grab" in found[ad["id"]] and "ad of 15 s, its view usable 30 min" in found[ad["id"]]
    assert "1 of 1 packets · ¥5.00" in found[rain["id"]] and "taobao shop" in found[rain["id"]]
    assert "Held by buyers ¥0.00" in page and "On open orders ¥5.00" in page and "Platform fund -¥5.00" in page
    assert 'style=' not in page
    assert "平台红包" in ok(operator, "/platform-packets?lang=zh") and "看广告抢红包" in ok(operator, "/platform-packets?lang=zh")
    # when the shop's staff opt in to the ad program (not from another origin)
    staff = console(client, shop.staff.key)
    assert "Take part" in rows(ok(staff, "/platform-packets"), "program-id")[ad["id"]]
    refused = staff.post(f"/platform-packets/{ad['id']}/join", headers={"Origin": "http://evil.example"})
    assert refused.status_code == 403
    joined = staff.post(f"/platform-packets/{ad['id']}/join", headers=ORIGIN)
    assert joined.status_code == 303
    # then the program names the shop, and the staff see it has joined
    assert api.get(f"/platform-packets/programs/{ad['id']}")["store_ids"] == [shop.store_id]
    assert "Your store takes part" in rows(ok(staff, "/platform-packets?done=joined"), "program-id")[ad["id"]]
    # when the operator ends the ad program, then no more grabs
    assert operator.post(f"/platform-packets/{ad['id']}/end", headers=ORIGIN).status_code == 303
    assert api.get(f"/platform-packets/programs/{ad['id']}")["status"] == "ended"
    assert staff.post(f"/platform-packets/{ad['id']}/end", headers=ORIGIN).status_code == 403
    missing = operator.post("/platform-packets/999/end", headers=ORIGIN)  # in Chinese: the language chosen above stays
    assert missing.status_code == 404 and "该平台红包活动不存在。" in missing.text
