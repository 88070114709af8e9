"""The console's promotion, coupon and campaign pages, and the order page's promotions, over HTTP.

Runs on SQLite and on PostgreSQL (when configured): the data goes in through the
REST API (`marketing_seed`), so the pages show what the engine really decided.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from console.marketing_seed import Seeded, seed
from shopkeeper.clock import SimulatedClock
from shopkeeper.console import filters
from shopkeeper.settings import Settings
from support import Api

ORIGIN = {"Origin": "http://testserver"}


# --- helpers ------------------------------------------------------------------------------------

def text_of(fragment: str) -> str:
    """What a person reads: tags dropped, entities decoded, whitespace folded."""
    fragment = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", fragment, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def rows(page: str, attribute: str) -> dict[int, str]:
    """The table rows carrying `data-<attribute>="id"`, as text, by id."""
    found = re.findall(rf'<tr data-{attribute}="(\d+)"[^>]*>(.*?)</tr>', page, flags=re.S)
    return {int(i): text_of(body) for i, body in found}


def ids(page: str, attribute: str) -> list[int]:
    return [int(i) for i in re.findall(rf'<tr data-{attribute}="(\d+)"', page)]


def console(client: TestClient, key: str) -> TestClient:
    """A browser-like client of the same app, signed in through the login form, English unless ?lang=zh.

    A buyer key opens no session: such a client stays signed out."""
    browser = TestClient(client.app, headers={"Accept-Language": "en"}, follow_redirects=False)
    browser.post("/login", data={"key": key})
    return browser


@pytest.fixture
def seeded(api: Api) -> Seeded:
    return seed(api)


@pytest.fixture
def operator(client: TestClient, operator_key: str) -> Iterator[TestClient]:
    yield console(client, operator_key)


@pytest.fixture
def staff_a(client: TestClient, seeded: Seeded) -> Iterator[TestClient]:
    yield console(client, seeded.a.staff.key)


@pytest.fixture
def staff_b(client: TestClient, seeded: Seeded) -> Iterator[TestClient]:
    yield console(client, seeded.b.staff.key)


def ok(http: TestClient, path: str, status: int = 200, **kwargs: Any) -> str:
    response = http.get(path, **kwargs)
    assert response.status_code == status, f"{path} → {response.status_code}: {response.text[:500]}"
    return response.text


# --- promotions list ------------------------------------------------------------------------------

def test_promotions_list_shows_kind_benefit_scope_status_window_counters_and_funder(operator: TestClient, seeded: Seeded) -> None:
    page = ok(operator, "/promotions")
    listed = rows(page, "promotion-id")
    everything = [seeded.b_promo, seeded.platform, seeded.gift, seeded.shipping, seeded.flash, seeded.second, seeded.member, seeded.reduction]
    assert ids(page, "promotion-id") == [p["id"] for p in everything]  # newest first
    # 5 units sold: the seeded order's lines it lowered (uncapped promotions count too)
    assert listed[seeded.reduction["id"]] == (
        "满100减10 / 满200减30 taobao shop Threshold reduction ¥10 off ¥100+, ¥30 off ¥200+ Whole store Everyone Active "
        "2026-11-02 17:00 – no end 5 / no cap — Store-funded")
    flash = listed[seeded.flash["id"]]
    assert "Flash sale ¥9.90 (Flash sale) SKUs: TEE-RED-M" in flash
    assert "Active not yet started" not in flash and "Active not started yet" in flash
    assert "2026-11-11 08:00 – 2026-11-12 08:00" in flash  # the store's clock: Beijing time
    assert "0 / 100 0 / 50" in flash
    assert "¥49.90 (Member price)" in listed[seeded.member["id"]] and "Gold members and above" in listed[seeded.member["id"]]
    assert "2nd item 50% off" in listed[seeded.second["id"]]
    assert "Free shipping on 2+ items" in listed[seeded.shipping["id"]]
    assert "Free TEE-BLU-L ×1 with ¥100+" in listed[seeded.gift["id"]]
    platform = listed[seeded.platform["id"]]
    assert platform.startswith("跨店每满200减30 Platform Cross-store reduction ¥30 off every ¥200, up to ¥90 Whole platform")
    assert platform.endswith("Platform-funded") and "2026-11-02 17:00 – no end Asia/Shanghai" in platform  # the platform's clock
    assert 'href="/promotions"' in page and 'href="/coupons"' in page and 'href="/campaigns"' in page


def test_promotions_list_in_chinese(operator: TestClient, seeded: Seeded) -> None:
    listed = rows(ok(operator, "/promotions?lang=zh"), "promotion-id")
    assert "满减 满¥100减¥10，满¥200减¥30 全店 所有买家 进行中" in listed[seeded.reduction["id"]]
    assert "会员价 ¥49.90 (会员价) 指定SKU：TEE-RED-M 黄金及以上会员" in listed[seeded.member["id"]]
    assert "第二件优惠 第2件5折" in listed[seeded.second["id"]]
    assert "包邮 满2件包邮" in listed[seeded.shipping["id"]]
    assert "满赠 满¥100送 TEE-BLU-L ×1" in listed[seeded.gift["id"]]
    assert "秒杀 ¥9.90 (秒杀)" in listed[seeded.flash["id"]] and "尚未开始" in listed[seeded.flash["id"]]
    assert "跨店满减 每满¥200减¥30，封顶¥90 全平台" in listed[seeded.platform["id"]]
    assert listed[seeded.platform["id"]].endswith("平台出资")
    assert "5 / 不限" in listed[seeded.reduction["id"]] and "店铺出资" in listed[seeded.reduction["id"]]


def test_staff_see_their_store_and_the_platform_only(staff_a: TestClient, staff_b: TestClient, seeded: Seeded) -> None:
    mine = ids(ok(staff_a, "/promotions"), "promotion-id")
    assert seeded.b_promo["id"] not in mine and seeded.platform["id"] in mine and seeded.reduction["id"] in mine
    assert ids(ok(staff_b, "/promotions"), "promotion-id") == [seeded.b_promo["id"], seeded.platform["id"]]
    # the platform promotion is shown on the staff member's store clock
    assert "2026-11-02 17:00" in rows(ok(staff_a, "/promotions"), "promotion-id")[seeded.platform["id"]]


def test_promotions_list_filters(operator: TestClient, staff_a: TestClient, seeded: Seeded) -> None:
    seeded.a.staff.post(f"/promotions/{seeded.second['id']}/pause")
    assert ids(ok(operator, "/promotions?status=paused"), "promotion-id") == [seeded.second["id"]]
    assert ids(ok(operator, "/promotions?store=platform"), "promotion-id") == [seeded.platform["id"]]
    assert ids(ok(operator, f"/promotions?store={seeded.b.store_id}"), "promotion-id") == [seeded.b_promo["id"]]
    assert seeded.second["id"] not in ids(ok(operator, "/promotions?status=active"), "promotion-id")
    # a store the key may not see is refused like a typo, and nothing is listed
    refused = ok(staff_a, f"/promotions?store={seeded.b.store_id}", 400)
    assert "store must be one of the listed stores" in refused and 'data-promotion-id' not in refused
    assert "“bogus” is not one of the listed statuses" in ok(operator, "/promotions?status=bogus", 400)
    assert "page cursor “x” is not valid" in ok(operator, "/promotions?before=x", 400)
    assert "“bogus”不是可选的状态" in ok(operator, "/promotions?status=bogus&lang=zh", 400)


def test_a_promotion_past_its_end_shows_as_ended_and_the_ended_filter_finds_it(client: TestClient, operator_key: str,
                                                                                seeded: Seeded, clock: SimulatedClock) -> None:
    # given the flash sale that ends 2026-11-12 08:00 Beijing time, and a moment after that (signed in then: a
    # console session does not outlast the days the clock jumps)
    clock.advance(datetime(2026, 11, 12, 0, 1, tzinfo=UTC) - clock.now())
    operator = console(client, operator_key)
    # then it is ended on the list, on its page (no moves offered), and under the Ended filter only
    assert "Ended" in rows(ok(operator, "/promotions"), "promotion-id")[seeded.flash["id"]]
    page = ok(operator, f"/promotions/{seeded.flash['id']}")
    assert "Ended" in text_of(page) and "data-action=" not in page
    assert ids(ok(operator, "/promotions?status=ended"), "promotion-id") == [seeded.flash["id"]]
    assert seeded.flash["id"] not in ids(ok(operator, "/promotions?status=active"), "promotion-id")


def test_promotions_list_pages_with_a_cursor(operator: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filters, "PAGE_SIZE", 3)
    seen: list[int] = []
    url: str | None = "/promotions"
    while url:
        page = ok(operator, url)
        seen += ids(page, "promotion-id")
        following = re.search(r'<a href="([^"]+)" class="next"', page)
        url = html.unescape(following.group(1)) if following else None
        assert len(seen) <= 8
    assert len(seen) == 8 and seen == sorted(seen, reverse=True)


# --- promotion detail and its buttons ---------------------------------------------------------------

def test_promotion_detail_shows_stacking_priority_tags_and_limits(operator: TestClient, seeded: Seeded) -> None:
    page = text_of(ok(operator, f"/promotions/{seeded.flash['id']}"))
    for expected in ("限量秒杀 Active", "Flash sale · ¥9.90 (Flash sale)", "Stacking Exclusive: combines with nothing",
                     "Priority 5", "Tags flash_sale", "Not with promotions tagged juhuasuan", "Applies to SKUs: TEE-RED-M",
                     "Runs 2026-11-11 08:00 – 2026-11-12 08:00 (not started yet)", "Time zone Asia/Shanghai",
                     "Units sold / cap 0 / 100", "Per-buyer limit (units) 2", "Buyers / first N 0 / 50",
                     "Funded by Store-funded", "Pause", "End for good"):
        assert expected in page, expected
    zh = text_of(ok(operator, f"/promotions/{seeded.flash['id']}?lang=zh"))
    for expected in ("限量秒杀 进行中", "叠加规则 互斥：不与任何优惠同享", "优先级 5", "每人限购（件） 2", "已参与买家 / 前N名 0 / 50",
                     "暂停", "永久结束"):
        assert expected in zh, expected


def test_pause_resume_and_end_change_the_status(staff_a: TestClient, seeded: Seeded) -> None:
    pid = seeded.reduction["id"]
    response = staff_a.post(f"/promotions/{pid}/pause", headers=ORIGIN)
    assert response.status_code == 303 and response.headers["location"] == f"/promotions/{pid}?done=pause"
    assert seeded.a.staff.get(f"/promotions/{pid}")["status"] == "paused"
    page = ok(staff_a, response.headers["location"])
    assert "Paused." in text_of(page) and 'data-action="resume"' in page and 'data-action="pause"' not in page
    # a paused promotion is not considered for the next order
    placed = seeded.a.order((seeded.a.skus[0], 2))
    assert seeded.reduction["name"] not in [v["name"] for v in placed["pricing"]["verdicts"]]

    assert staff_a.post(f"/promotions/{pid}/resume", headers=ORIGIN).status_code == 303
    assert seeded.a.staff.get(f"/promotions/{pid}")["status"] == "active"
    assert staff_a.post(f"/promotions/{pid}/end", headers=ORIGIN).status_code == 303
    assert seeded.a.staff.get(f"/promotions/{pid}")["status"] == "ended"
    ended = ok(staff_a, f"/promotions/{pid}")
    assert "data-action=" not in ended and "Ended" in text_of(ended)

    refused = staff_a.post(f"/promotions/{pid}/resume", headers=ORIGIN)
    assert refused.status_code == 409
    assert "This cannot be done while it is Ended." in text_of(refused.text)
    assert "当前状态（已结束）下不能执行该操作。" in text_of(staff_a.post(f"/promotions/{pid}/resume?lang=zh", headers=ORIGIN).text)


def test_forms_from_another_origin_are_refused(staff_a: TestClient, seeded: Seeded) -> None:
    pid = seeded.reduction["id"]
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Referer": "https://evil.example/page"}, {"Origin": "http://testserver.evil.example"}):
        response = staff_a.post(f"/promotions/{pid}/pause", headers=headers)
        assert response.status_code == 403, headers
        assert "Request refused" in response.text
        response = staff_a.post(f"/coupons/{seeded.coupon['id']}/pause", headers=headers)
        assert response.status_code == 403, headers
    assert seeded.a.staff.get(f"/promotions/{pid}")["status"] == "active"
    assert seeded.a.staff.get(f"/coupons/{seeded.coupon['id']}")["status"] == "active"
    # the console's own form passes, with Origin or with a same-origin Referer
    assert staff_a.post(f"/promotions/{pid}/pause", headers={"Referer": f"http://testserver/promotions/{pid}"}).status_code == 303


def test_only_the_operator_moves_platform_promotions(staff_a: TestClient, operator: TestClient, seeded: Seeded) -> None:
    pid = seeded.platform["id"]
    page = ok(staff_a, f"/promotions/{pid}")
    assert "Only the platform operator can change this." in text_of(page) and "data-action=" not in page
    refused = staff_a.post(f"/promotions/{pid}/pause", headers=ORIGIN)
    assert refused.status_code == 403
    assert "Only the platform operator manages platform promotions and coupons." in text_of(refused.text)
    assert seeded.a.operator.get(f"/promotions/{pid}")["status"] == "active"
    assert 'data-action="pause"' in ok(operator, f"/promotions/{pid}")
    assert operator.post(f"/promotions/{pid}/pause", headers=ORIGIN).status_code == 303
    assert seeded.a.operator.get(f"/promotions/{pid}")["status"] == "paused"


def test_another_stores_staff_get_404_everywhere(staff_b: TestClient, seeded: Seeded) -> None:
    for path in (f"/promotions/{seeded.reduction['id']}", f"/coupons/{seeded.coupon['id']}", f"/coupons/{seeded.code['id']}",
                 f"/campaigns/{seeded.campaign['id']}", f"/orders/{seeded.order['id']}"):
        response = staff_b.get(path)
        assert response.status_code == 404, path
        assert "Not found" in response.text and "store you cannot see" in response.text
    for path in (f"/promotions/{seeded.reduction['id']}/pause", f"/coupons/{seeded.coupon['id']}/end"):
        assert staff_b.post(path, headers=ORIGIN).status_code == 404
    assert seeded.a.staff.get(f"/promotions/{seeded.reduction['id']}")["status"] == "active"
    assert seeded.a.staff.get(f"/coupons/{seeded.coupon['id']}")["status"] == "active"
    # while their own and the platform's open
    assert staff_b.get(f"/promotions/{seeded.b_promo['id']}").status_code == 200
    assert staff_b.get(f"/promotions/{seeded.platform['id']}").status_code == 200
    assert staff_b.get(f"/campaigns/{seeded.platform_campaign['id']}").status_code == 200


@pytest.mark.parametrize("path", ["/promotions/abc", "/promotions/0", "/promotions/999999", "/coupons/-1", "/coupons/1.5",
                                  "/coupons/99999999999999999999999", "/campaigns/x", "/campaigns/999999"])
def test_no_such_row_is_a_404_page(operator: TestClient, path: str) -> None:
    response = operator.get(path)
    assert response.status_code == 404 and "Not found" in response.text


def test_bad_actions_are_404(operator: TestClient, seeded: Seeded) -> None:
    assert operator.post(f"/promotions/{seeded.reduction['id']}/delete", headers=ORIGIN).status_code == 404
    assert operator.post("/promotions/abc/pause", headers=ORIGIN).status_code == 404


def test_pages_need_a_console_key(client: TestClient, seeded: Seeded) -> None:
    anonymous = TestClient(client.app, follow_redirects=False)
    for path in ("/promotions", f"/promotions/{seeded.reduction['id']}", "/coupons", "/campaigns"):
        response = anonymous.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/login"
    assert anonymous.post(f"/promotions/{seeded.reduction['id']}/pause", headers=ORIGIN).status_code == 303
    buyer = console(client, seeded.a.shopper.key)  # the login form refuses a buyer key: no session opens
    assert buyer.post("/login", data={"key": seeded.a.shopper.key}).status_code == 403
    assert buyer.get("/promotions").status_code == 303
    assert buyer.post(f"/promotions/{seeded.reduction['id']}/pause", headers=ORIGIN).status_code == 303
    assert seeded.a.staff.get(f"/promotions/{seeded.reduction['id']}")["status"] == "active"


# --- coupons ----------------------------------------------------------------------------------------

def test_coupons_list_and_detail(operator: TestClient, seeded: Seeded) -> None:
    listed = rows(ok(operator, "/coupons"), "coupon-id")
    assert set(listed) == {seeded.coupon["id"], seeded.code["id"], seeded.voucher["id"], seeded.b_coupon["id"]}
    assert listed[seeded.coupon["id"]] == (
        "店铺券 满100减20 taobao shop Threshold coupon ¥20 off ¥100+ Claimable Active 1 / 100 2 7 days after claiming "
        "2026-11-02 17:00 – no end Store-funded")
    assert "Percent-off coupon 10% off Code KOL2026 Active 0 / 2 1 until 2026-11-30 08:00" in listed[seeded.code["id"]]
    assert "Free-shipping coupon Free shipping Claimable" in listed[seeded.voucher["id"]]
    assert listed[seeded.voucher["id"]].endswith("Platform-funded")

    page = text_of(ok(operator, f"/coupons/{seeded.coupon['id']}"))
    for expected in ("How buyers get it Claimable", "Issued / total 1 / 100", "Per buyer 2",
                     "Held by buyers 0 available · 1 on unpaid orders · 0 used", "Valid 7 days after claiming",
                     "Applies to Whole store", "Full-price items only No"):
        assert expected in page, expected
    zh = text_of(ok(operator, f"/coupons/{seeded.code['id']}?lang=zh"))
    for expected in ("折扣券 · 打9折", "领取方式 兑换码 KOL2026", "已发放 / 总量 0 / 2", "每人限领 1", "有效期 2026-11-30 08:00 前有效"):
        assert expected in zh, expected
    zh_list = rows(ok(operator, "/coupons?lang=zh"), "coupon-id")
    assert "满减券 满¥100减¥20 买家领取 进行中 1 / 100 2 领取后 7 天内有效" in zh_list[seeded.coupon["id"]]


def test_coupon_buttons_and_filters(staff_a: TestClient, seeded: Seeded) -> None:
    cid = seeded.code["id"]
    assert staff_a.post(f"/coupons/{cid}/pause", headers=ORIGIN).headers["location"] == f"/coupons/{cid}?done=pause"
    assert seeded.a.staff.get(f"/coupons/{cid}")["status"] == "paused"
    assert ids(ok(staff_a, "/coupons?status=paused"), "coupon-id") == [cid]
    assert set(ids(ok(staff_a, "/coupons"), "coupon-id")) == {seeded.coupon["id"], cid, seeded.voucher["id"]}
    # the platform voucher: visible, read-only, and its holders are the platform's business
    voucher = ok(staff_a, f"/coupons/{seeded.voucher['id']}")
    assert "Only the platform operator can change this." in text_of(voucher) and "Held by buyers" not in voucher
    assert staff_a.post(f"/coupons/{seeded.voucher['id']}/pause", headers=ORIGIN).status_code == 403
    assert "store must be one of the listed stores" in ok(staff_a, f"/coupons?store={seeded.b.store_id}", 400)


# --- the order page -----------------------------------------------------------------------------------

def _section(page: str) -> str:
    found = re.search(r'<section class="card promotions-section".*?</section>', page, flags=re.S)
    assert found, "no promotions section"
    return found.group(0)


def test_order_page_explains_every_promotion(operator: TestClient, seeded: Seeded) -> None:
    order = seeded.order
    page = ok(operator, f"/orders/{order['id']}")
    section = _section(page)
    verdicts = {ref: text_of(body) for ref, body in
                re.findall(r'<tr data-verdict="([^"]+)"[^>]*>(.*?)</tr>', section, flags=re.S)}
    by_name = {v["name"]: v for v in order["pricing"]["verdicts"]}
    member = verdicts[by_name["金卡价"]["promotion"]]
    assert member == "金卡价 Member price Item price Store-funded Not applied member level too low (needs gold)"
    assert verdicts[by_name["第二件半价"]["promotion"]] == (
        "第二件半价 Second-unit discount Item price Store-funded Applied saves ¥32.50 −¥32.50")
    assert "Platform-funded Applied saves ¥30.00 −¥30.00" in verdicts[by_name["跨店每满200减30"]["promotion"]]
    assert "Not applied no saving over the current price" in verdicts[by_name["满2件包邮"]["promotion"]]
    assert "Store coupon Store-funded Applied saves ¥20.00" in verdicts[by_name["店铺券 满100减20"]["promotion"]]
    # each verdict links to its promotion or coupon page
    assert f'href="/promotions/{seeded.reduction["id"]}"' in section and f'href="/coupons/{seeded.coupon["id"]}"' in section
    # the hint, the lines with their shares and funders, the gift, the points and the platform's part
    text = text_of(section)
    assert "Nearest threshold: 跨店每满200减30: Add ¥172.80 to save ¥30.00 more" in text
    lines = re.findall(r"<tr(?: class=\"gift-line\" data-gift=\"yes\")?>\s*<td>棉T恤.*?</tr>", section, flags=re.S)
    assert len(lines) == len(order["lines"]) == 3
    gift = text_of(next(line for line in lines if "data-gift" in line or "Gift" in line))
    assert gift == "棉T恤 Cotton tee TEE-BLU-L Gift 1 ¥65.00 满100送T恤 −¥65.00 Store-funded 满100送T恤 → ¥0.00 ¥0.00"
    blue = text_of(lines[1])
    assert blue.startswith("棉T恤 Cotton tee TEE-BLU-L 2 ¥130.00 第二件半价 −¥32.50 Store-funded")
    assert "Platform-funded" in blue and blue.endswith(f"¥{order['lines'][1]['payable']['amount']}")
    platform_part = sum(a["minor"] for line in order["lines"] for a in line["discounts"] if a["funder"] == "platform")
    assert platform_part == 3000
    assert "Platform-funded discount ¥30.00" in text
    assert f"Points earned on completion {order['points_earned']}" in text and "Points spent 0" in text
    # and the items table marks the gift line
    assert page.count('class="gift-line"') == 2


def test_order_page_promotions_in_chinese(operator: TestClient, seeded: Seeded) -> None:
    text = text_of(_section(ok(operator, f"/orders/{seeded.order['id']}?lang=zh")))
    for expected in ("优惠明细", "金卡价 会员价 单品价 店铺出资 未使用 会员等级不够（需 gold）",
                     "第二件半价 第二件优惠 单品价 店铺出资 已使用 已优惠 ¥32.50 −¥32.50", "跨店满减 平台优惠 平台出资 已使用",
                     "凑单提示：跨店每满200减30，再买 ¥172.80可再省 ¥30.00", "逐行分摊", "赠品", "平台补贴金额 ¥30.00"):
        assert expected in text, expected


def test_store_b_order_shows_its_own_promotion(staff_b: TestClient, seeded: Seeded) -> None:
    text = text_of(_section(ok(staff_b, f"/orders/{seeded.b_order['id']}")))
    assert "B店满50减5 Threshold reduction Order Store-funded Applied saves ¥5.00" in text
    assert "跨店每满200减30" in text and "needs ¥" in text


# --- campaigns ----------------------------------------------------------------------------------------

def test_campaigns_list(operator: TestClient, staff_a: TestClient, seeded: Seeded) -> None:
    listed = rows(ok(operator, "/campaigns"), "campaign-id")
    assert list(listed) == [seeded.b_campaign["id"], seeded.platform_campaign["id"], seeded.campaign["id"]]
    double11 = listed[seeded.campaign["id"]]
    assert double11 == ("双十一 Double 11 taobao shop Upcoming 2026-11-03 08:00 – 2026-11-20 08:00 Warm-up → Main → Review "
                        "at least 15% below the lowest price of the last 30 days All members Whole store 2")
    assert "Platform week Platform Main" in listed[seeded.platform_campaign["id"]]
    assert "lowest price since 1 January" in listed[seeded.platform_campaign["id"]]
    # the platform's campaign on the platform's clock (Beijing time), for the operator as for a store's staff
    assert "2026-11-01 08:00 – 2026-11-08 08:00 Asia/Shanghai" in listed[seeded.platform_campaign["id"]]
    assert set(ids(ok(staff_a, "/campaigns"), "campaign-id")) == {seeded.campaign["id"], seeded.platform_campaign["id"]}
    assert ids(ok(operator, "/campaigns?status=main"), "campaign-id") == [seeded.platform_campaign["id"]]
    assert ids(ok(operator, "/campaigns?status=upcoming"), "campaign-id") == [seeded.b_campaign["id"], seeded.campaign["id"]]
    zh = rows(ok(operator, "/campaigns?lang=zh"), "campaign-id")
    assert "未开始" in zh[seeded.campaign["id"]] and "预热期 → 正式期 → 复盘期" in zh[seeded.campaign["id"]]
    assert "活动价须比近 30 天最低价低至少 15%" in zh[seeded.campaign["id"]]
    assert "not one of the listed statuses" in ok(operator, "/campaigns?status=between_phases&lang=en", 400)


def test_campaign_detail_shows_phases_rules_and_every_check(staff_a: TestClient, seeded: Seeded) -> None:
    page = ok(staff_a, f"/campaigns/{seeded.campaign['id']}")
    text = text_of(page)
    for expected in ("双十一 Double 11 Upcoming", "Warm-up 2026-11-03 08:00 2026-11-11 08:00",
                     "Main 2026-11-11 08:00 2026-11-13 08:00", "Review 2026-11-13 08:00 2026-11-20 08:00",
                     "Price rule at least 15% below the lowest price of the last 30 days", "Stacking Combines with coupons only",
                     "Per-account limit (units) 2", "Stock check the lowest-priced SKU holds at least 50", "Goals Conversion",
                     "Notes main items in stock"):
        assert expected in text, expected
    entries = rows(page, "entry-id")
    accepted, rejected = entries[seeded.accepted["id"]], entries[seeded.rejected["id"]]
    assert accepted.startswith("Cotton tee taobao shop")
    assert "Main hit Accepted TEE-RED-M ¥49.90 TEE-BLU-L ¥55.00" in accepted
    assert "✓ TEE-RED-M: ¥49.90 is at or below the threshold ¥50.91 (basis ¥59.90)" in accepted
    assert "✓ First entry of this product" in accepted
    assert "Rejected TEE-RED-M ¥58.00" in rejected
    assert "✗ TEE-RED-M: ¥58.00 is above the threshold ¥50.91 (basis ¥59.90)" in rejected
    assert f"✗ Already in this campaign (entry #{seeded.accepted['id']})" in rejected
    assert "✓ Sign-up open until 2026-11-11 08:00" in rejected
    zh = text_of(ok(staff_a, f"/campaigns/{seeded.campaign['id']}?lang=zh"))
    for expected in ("预热期", "正式期", "复盘期", "主打爆款", "已通过", "未通过", "✗ TEE-RED-M：活动价 ¥58.00 高于门槛价 ¥50.91（基准价 ¥59.90）",
                     "库存校验 最低价SKU库存不少于 50", "棉T恤 Cotton tee"):
        assert expected in zh, expected


def test_the_platform_clock_is_a_setting_and_a_bad_zone_is_refused_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHOPKEEPER_PLATFORM_TIMEZONE", raising=False)
    assert Settings.from_env().platform_timezone == "Asia/Shanghai"
    monkeypatch.setenv("SHOPKEEPER_PLATFORM_TIMEZONE", "America/Los_Angeles")
    assert Settings.from_env().platform_timezone == "America/Los_Angeles"
    monkeypatch.setenv("SHOPKEEPER_PLATFORM_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="IANA time zone"):
        Settings.from_env()
