"""The console's after-sales pages over HTTP: the case list by nearest deadline, a case with its countdown, seller metrics.

The cases are built on the simulated clock (`case_seed`), so every countdown
is exact: the page must say what the rule says, counted from the app's clock.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from console.case_seed import NOW, CaseSeed, at, seed
from console.test_marketing_pages import console, ids, ok, rows, text_of
from shopkeeper import timers
from shopkeeper.aftersales.cases.case import Clock
from shopkeeper.clock import SimulatedClock
from shopkeeper.console import case_actions
from shopkeeper.console.i18n import STRINGS
from shopkeeper.db import Database
from shopkeeper.rulebooks.aftersales import Outcome
from shopkeeper.settings import Settings
from support import Api

ORIGIN = {"Origin": "http://testserver"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


YEAR_MINUTES = 366 * 24 * 60


@pytest.fixture
def settings(db: Database, tmp_path: Any) -> Settings:
    # the simulated clock jumps days here; console sessions outlast the jumps (their expiry: tests/test_sessions.py)
    return Settings(database_url=db.url, evidence_dir=str(tmp_path / "evidence"), session_idle_minutes=YEAR_MINUTES,
                    session_max_hours=YEAR_MINUTES // 60)


@pytest.fixture
def seeded(api: Api, db: Database, clock: SimulatedClock) -> CaseSeed:
    return seed(api, db, clock)


@pytest.fixture
def operator(client: TestClient, operator_key: str, seeded: CaseSeed) -> Iterator[TestClient]:
    yield console(client, operator_key)


@pytest.fixture
def dhgate_staff(client: TestClient, seeded: CaseSeed) -> Iterator[TestClient]:
    yield console(client, seeded.dhgate.staff.key)


@pytest.fixture
def taobao_staff(client: TestClient, seeded: CaseSeed) -> Iterator[TestClient]:
    yield console(client, seeded.taobao.staff.key)


def countdowns(page: str) -> list[tuple[int, str]]:
    """Every countdown on the page: the seconds the script counts from, and the text the server wrote."""
    return [(int(s), text_of(t)) for s, t in re.findall(r'data-countdown data-seconds="(-?\d+)"[^>]*>(.*?)</span>', page, re.S)]


def field(page: str, name: str) -> str:
    found = re.search(rf'data-field="{name}"[^>]*>(.*?)</(?:dd|td|p|span)>', page, re.S)
    assert found, name
    return text_of(found.group(1))


# --- the list ---------------------------------------------------------------------------------------

def test_open_cases_are_listed_by_nearest_deadline_with_who_acts_time_left_and_what_is_at_stake(operator: TestClient,
                                                                                                seeded: CaseSeed) -> None:
    page = ok(operator, "/cases")
    assert ids(page, "case-id") == [seeded.reship["id"], seeded.taobao_refund["id"], seeded.dispute["id"], seeded.pre_shipment]
    listed = rows(page, "case-id")
    number = seeded.dhgate.staff.get(f"/orders/{seeded.reship['order_id']}")["number"]
    assert listed[seeded.reship["id"]] == (
        f"#{seeded.reship['id']} {number} dhgate shop Reship About damaged item(s) "
        "Being carried out · awaiting reshipment Seller 2026-11-14 18:00 1d 22h left the buyer is refunded $59.90 $59.90")
    assert "Refund only About color Negotiating Seller 2026-11-17 17:00 4d 21h left " \
           "the buyer's proposal is carried out: refund ¥20.00 ¥59.90" in listed[seeded.taobao_refund["id"]]
    assert "On the platform Seller" in listed[seeded.dispute["id"]]
    assert "Refund before shipment Items out of stock Negotiating Seller 2026-11-19 19:00 6d 23h left " \
           "the buyer is refunded $59.90 and the order is cancelled" in listed[seeded.pre_shipment]
    assert [s for s, _ in countdowns(page)] == [
        int((due - NOW).total_seconds()) for due in (at(14, 10), at(17, 9), at(17, 10), at(19, 11))]
    assert 'href="/cases"' in page and 'href="/metrics"' in page and '<script src="/static/countdown.js" defer>' in page
    words = json.loads(re.search(r'<script type="application/json" id="countdown-words">(.*?)</script>', page, re.S).group(1))
    assert words["left"] == "{t} left" and words["s"] == "s"


def test_the_list_in_chinese(operator: TestClient, seeded: CaseSeed) -> None:
    page = ok(operator, "/cases?lang=zh")
    listed = rows(page, "case-id")
    assert "重新发货 货物与描述不符-货物有损坏 执行中 · 待卖家补发 卖家 2026-11-14 18:00 剩余 1天22小时 系统退款 $59.90 给买家" \
        in listed[seeded.reship["id"]]
    assert "发货前退款 断货 协商中 卖家 2026-11-19 19:00 剩余 6天23小时 系统退款 $59.90 给买家并关闭订单" in listed[seeded.pre_shipment]
    assert "平台纠纷" in listed[seeded.dispute["id"]] and "售后案件" in page and "店铺指标" in page
    assert json.loads(re.search(r'id="countdown-words">(.*?)</script>', page, re.S).group(1))["left"] == "剩余 {t}"


def test_filters_by_state_and_store_and_pages(operator: TestClient, seeded: CaseSeed, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ids(ok(operator, "/cases?status=escalated"), "case-id") == [seeded.dispute["id"]]
    assert ids(ok(operator, "/cases?status=performing"), "case-id") == [seeded.reship["id"]]
    assert ids(ok(operator, "/cases?status=negotiating"), "case-id") == [seeded.taobao_refund["id"], seeded.pre_shipment]
    closed = ok(operator, "/cases?status=closed")
    assert ids(closed, "case-id") == [seeded.taobao_closed["id"]]
    assert "Closed · Refunded" in rows(closed, "case-id")[seeded.taobao_closed["id"]] and countdowns(closed) == []
    assert ids(ok(operator, "/cases?status=all"), "case-id")[0] == seeded.pre_shipment  # newest first
    assert ids(ok(operator, f"/cases?store={seeded.taobao.store_id}"), "case-id") == [seeded.taobao_refund["id"]]
    monkeypatch.setattr("shopkeeper.console.filters.PAGE_SIZE", 3)
    first = ok(operator, "/cases")
    assert ids(first, "case-id") == [seeded.reship["id"], seeded.taobao_refund["id"], seeded.dispute["id"]]
    following = re.search(r'href="([^"]+)" class="next"', first)
    assert following and "after=" in following.group(1)
    second = ok(operator, following.group(1).replace("&amp;", "&"))
    assert ids(second, "case-id") == [seeded.pre_shipment] and 'class="next"' not in second and 'class="first"' in second
    for bad in ("status=shipped", "store=999", "after=abc"):
        assert "Some filters are not valid" in ok(operator, f"/cases?{bad}", status=400)


# --- scoping -----------------------------------------------------------------------------------------

def test_staff_see_their_own_stores_cases_only(dhgate_staff: TestClient, taobao_staff: TestClient, seeded: CaseSeed) -> None:
    assert ids(ok(dhgate_staff, "/cases"), "case-id") == [seeded.reship["id"], seeded.dispute["id"], seeded.pre_shipment]
    assert ids(ok(taobao_staff, "/cases?status=all"), "case-id") == [seeded.taobao_closed["id"], seeded.taobao_refund["id"]]
    for case_id in (seeded.reship["id"], seeded.pre_shipment):
        page = ok(taobao_staff, f"/cases/{case_id}?lang=en", status=404)
        assert "There is no such case, or it belongs to a store you cannot see." in page
        refused = taobao_staff.post(f"/cases/{case_id}/accept", headers=ORIGIN)
        assert refused.status_code == 404
    assert "Some filters are not valid" in ok(taobao_staff, f"/cases?store={seeded.dhgate.store_id}", status=400)
    assert ok(dhgate_staff, "/cases/0", status=404) and ok(dhgate_staff, "/cases/abc", status=404)
    assert ok(dhgate_staff, "/cases/99999999999999999999", status=404)
    mine = ok(dhgate_staff, f"/metrics?store={seeded.taobao.store_id}", status=400)
    assert "Some filters are not valid" in mine
    assert re.findall(r'data-store-id="(\d+)"', ok(dhgate_staff, "/metrics")) == [str(seeded.dhgate.store_id)]
    assert "该售后案件不存在" in ok(taobao_staff, f"/cases/{seeded.reship['id']}?lang=zh", status=404)


def test_pages_need_a_console_key(client: TestClient, seeded: CaseSeed) -> None:
    anonymous = TestClient(client.app, follow_redirects=False)
    for path in ("/cases", f"/cases/{seeded.reship['id']}", "/metrics"):
        assert anonymous.get(path).headers["location"] == "/login"
    buyer = console(client, seeded.dhgate.shopper.key)  # the login form refuses a buyer key: no session opens
    assert buyer.post("/login", data={"key": seeded.dhgate.shopper.key}).status_code == 403
    assert buyer.get(f"/cases/{seeded.reship['id']}").status_code == 303


# --- one case ----------------------------------------------------------------------------------------

def test_case_page_counts_down_to_the_next_deadline_and_says_what_will_happen(operator: TestClient, seeded: CaseSeed,
                                                                             clock: SimulatedClock) -> None:
    page = ok(operator, f"/cases/{seeded.pre_shipment}")
    due = at(19, 11)
    assert countdowns(page)[0] == (int((due - NOW).total_seconds()), "6d 23h left")
    assert field(page, "due-at") == "2026-11-19 19:00 (Asia/Shanghai)"
    assert field(page, "waiting-for") == "Seller"
    assert field(page, "at-deadline") == ("At the deadline, if no agreement is reached within 7 days of the request: "
                                          "the buyer is refunded $59.90 and the order is cancelled.")
    assert 'data-action="refund_buyer" data-clock="pre_shipment"' in page
    # the simulated clock moves on: the server's numbers follow it
    clock.advance(hours=5, minutes=30, seconds=10)
    later = ok(operator, f"/cases/{seeded.pre_shipment}?lang=zh")
    assert countdowns(later)[0] == (int((due - clock.now()).total_seconds()), "剩余 6天17小时")
    assert field(later, "at-deadline") == "到期时，若申请后 7 天内双方未达成一致：系统退款 $59.90 给买家并关闭订单。"
    assert field(later, "waiting-for") == "卖家"


def test_each_clock_says_its_own_length_and_outcome(operator: TestClient, seeded: CaseSeed) -> None:
    reship = ok(operator, f"/cases/{seeded.reship['id']}")
    assert field(reship, "at-deadline") == "At the deadline, if the seller has not reshipped within 7 days: the buyer is refunded $59.90."
    dispute = ok(operator, f"/cases/{seeded.dispute['id']}")
    assert field(dispute, "at-deadline") == ("At the deadline, if the seller has not answered the escalation within 5 days: "
                                             "the buyer's proposal is carried out: refund $59.90.")
    refund = ok(operator, f"/cases/{seeded.taobao_refund['id']}?lang=zh")
    assert field(refund, "at-deadline") == "到期时，若卖家 5 天内未同意或拒绝：系统执行买家方案：仅退款 ¥20.00。"


def test_case_page_shows_the_order_lines_proposals_timeline_and_messages(operator: TestClient, seeded: CaseSeed) -> None:
    page = ok(operator, f"/cases/{seeded.dispute['id']}")
    text = text_of(page)
    assert f'href="/orders/{seeded.dispute["order_id"]}"' in page
    assert "Cotton tee TEE-RED-M colour: red, size: M 1 $59.90 $0.00" in text
    assert field(page, "f.buyer_proposal") == "refund $59.90"
    assert re.findall(r'<tr data-event="([a-z._]+)"', page) == ["case.opened", "case.seller_rejected", "case.message_posted",
                                                                "case.escalated"]
    assert "Escalated to the platform" in text and "Seller rejected" in text
    assert "The colour matches the listing photos." in text
    assert "No files." in text


def test_a_closed_case_has_no_countdown(operator: TestClient, seeded: CaseSeed) -> None:
    page = ok(operator, f"/cases/{seeded.taobao_closed['id']}")
    assert countdowns(page) == [] and "Closed: no deadline runs." in page
    assert field(page, "refunded") == "¥59.90"


def test_the_order_page_links_to_its_cases(operator: TestClient, seeded: CaseSeed) -> None:
    page = ok(operator, f"/orders/{seeded.reship['order_id']}")
    assert f'href="/cases/{seeded.reship["id"]}"' in page and "1d 22h left" in text_of(page)
    none = ok(operator, f"/orders/{seeded.pre_shipment_order['id']}?lang=zh")
    assert f'href="/cases/{seeded.pre_shipment}"' in none and "售后案件" in none


def test_evidence_is_listed_and_downloaded_by_whoever_may_see_the_case(operator: TestClient, taobao_staff: TestClient,
                                                                       seeded: CaseSeed) -> None:
    uploaded = seeded.dhgate.shopper.client.post(f"/api/v1/cases/{seeded.reship['id']}/evidence",
                                                 headers={"Authorization": f"Bearer {seeded.dhgate.shopper.key}"},
                                                 files={"file": ("crack.png", PNG, "image/png")})
    assert uploaded.status_code == 201, uploaded.text
    evidence_id = uploaded.json()["id"]
    page = ok(operator, f"/cases/{seeded.reship['id']}")
    assert f'href="/cases/{seeded.reship["id"]}/evidence/{evidence_id}">crack.png</a>' in page
    download = operator.get(f"/cases/{seeded.reship['id']}/evidence/{evidence_id}")
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["content-disposition"].startswith("attachment")
    assert taobao_staff.get(f"/cases/{seeded.reship['id']}/evidence/{evidence_id}").status_code == 404
    assert operator.get(f"/cases/{seeded.pre_shipment}/evidence/{evidence_id}").status_code == 404


# --- acting from the page ----------------------------------------------------------------------------

def test_staff_agree_to_a_request_before_shipment_from_the_page(dhgate_staff: TestClient, seeded: CaseSeed) -> None:
    page = ok(dhgate_staff, f"/cases/{seeded.pre_shipment}")
    assert re.findall(r'data-action="([a-z]+)"', page) == ["accept", "prepared", "message"]
    # agreeing refunds money: the form first asks, naming the amount, and nothing has moved yet
    asked = dhgate_staff.post(f"/cases/{seeded.pre_shipment}/accept", headers=ORIGIN)
    assert asked.status_code == 200
    assert field(asked.text, "money") == "This refunds $59.90 to the buyer now and cancels the order."
    assert 'name="expect" value="5990"' in asked.text and "Yes, refund $59.90" in asked.text
    assert "Agreed." not in ok(dhgate_staff, f"/cases/{seeded.pre_shipment}")
    done = dhgate_staff.post(f"/cases/{seeded.pre_shipment}/accept", data={"confirmed": "yes", "expect": "5990"},
                             headers=ORIGIN)
    assert (done.status_code, done.headers["location"]) == (303, f"/cases/{seeded.pre_shipment}?done=accept")
    page = ok(dhgate_staff, done.headers["location"])
    assert "Agreed." in page and countdowns(page) == [] and field(page, "refunded") == "$59.90"
    # a closed case says so, on the page and when asked to do anything more
    assert field(page, "closed").startswith("This case is closed (Refunded) since ")
    again = dhgate_staff.post(f"/cases/{seeded.pre_shipment}/accept", data={"confirmed": "yes", "expect": "5990"},
                              headers=ORIGIN)
    assert again.status_code == 409 and "This could not be done: this case is closed" in again.text
    zh = dhgate_staff.post(f"/cases/{seeded.pre_shipment}/message?lang=zh", data={"body": "hi"}, headers=ORIGIN)
    assert zh.status_code == 409 and "案件已关闭，不能再做任何操作" in zh.text


def test_the_page_offers_exactly_the_moves_the_table_gives_the_api(operator: TestClient, dhgate_staff: TestClient,
                                                                   api: Api, seeded: CaseSeed) -> None:
    """The case page's buttons and the API's `allowed_actions` read one table (aftersales/cases/moves.py)."""
    cases = [seeded.pre_shipment, seeded.reship["id"], seeded.dispute["id"]]
    for page_client, api_client in ((dhgate_staff, seeded.dhgate.staff), (operator, api)):
        for case_id in cases:
            # given what the API lists for this principal
            listed = api_client.get(f"/cases/{case_id}")["allowed_actions"]
            # then the page has a form for exactly those of them it has forms for, in the same order
            shown = re.findall(r'data-action="([a-z]+)"', ok(page_client, f"/cases/{case_id}"))
            assert shown == [case_actions.FORMS[a] for a in listed if a in case_actions.FORMS], (case_id, listed)
            assert "message" in shown


def test_staff_refuse_as_prepared_and_forms_from_elsewhere_are_refused(dhgate_staff: TestClient, seeded: CaseSeed) -> None:
    elsewhere = dhgate_staff.post(f"/cases/{seeded.pre_shipment}/prepared", headers={"Origin": "https://evil.example"})
    assert elsewhere.status_code == 403
    assert "Nothing to do" not in ok(dhgate_staff, f"/cases/{seeded.pre_shipment}")
    done = dhgate_staff.post(f"/cases/{seeded.pre_shipment}/prepared", headers=ORIGIN)
    assert done.status_code == 303
    page = ok(dhgate_staff, f"/cases/{seeded.pre_shipment}?done=prepared&lang=zh")
    assert "卖家已备货，拒绝退款" in page


def test_staff_reship_and_message_then_the_clock_moves_to_the_buyer(dhgate_staff: TestClient, seeded: CaseSeed) -> None:
    case = f"/cases/{seeded.reship['id']}"
    assert "reship" in re.findall(r'data-action="([a-z]+)"', ok(dhgate_staff, case))
    missing = dhgate_staff.post(f"{case}/reship", data={"carrier": "DHL", "tracking_number": " "}, headers=ORIGIN)
    assert missing.status_code == 422 and "carrier and tracking number are required" in missing.text
    assert dhgate_staff.post(f"{case}/reship", data={"carrier": "DHL", "tracking_number": "R1"}, headers=ORIGIN).status_code == 303
    assert dhgate_staff.post(f"{case}/message", data={"body": "Sent again by DHL."}, headers=ORIGIN).status_code == 303
    page = ok(dhgate_staff, case)
    assert field(page, "waiting-for") == "Buyer"
    assert field(page, "at-deadline") == ("At the deadline, if the buyer has neither confirmed receipt nor reported a problem "
                                          "by day 90: the case closes and the money held goes to the seller.")
    assert "Sent again by DHL." in text_of(page) and "DHL R1" in text_of(page)
    assert "(due)" in field(page, "reminders")


def test_the_operator_rules_from_the_page(operator: TestClient, dhgate_staff: TestClient, seeded: CaseSeed) -> None:
    case = f"/cases/{seeded.dispute['id']}"
    assert "arbitrate" not in re.findall(r'data-action="([a-z]+)"', ok(dhgate_staff, case))
    assert dhgate_staff.post(f"{case}/arbitrate", data={"decision": "full_refund", "responsible": "seller"},
                             headers=ORIGIN).status_code == 403
    bad = operator.post(f"{case}/arbitrate", data={"decision": "partial_refund", "responsible": "seller", "amount": "1e400x"},
                        headers=ORIGIN)
    assert bad.status_code == 422 and "the amount must be a number like 12.50" in bad.text
    full_width = operator.post(f"{case}/arbitrate", headers=ORIGIN,
                               data={"decision": "partial_refund", "responsible": "seller", "amount": "２５.００"})
    assert full_width.status_code == 422 and "the amount must be a number like 12.50" in full_width.text
    ruling = {"decision": "partial_refund", "responsible": "seller", "amount": "25.00"}
    asked = operator.post(f"{case}/arbitrate?lang=zh", data=ruling, headers=ORIGIN)
    assert asked.status_code == 200
    assert field(asked.text, "money") == "这将立即退款 $25.00 给买家，订单其余托管货款放给卖家。"
    assert "确认退款 $25.00" in asked.text and 'name="amount" value="25.00"' in asked.text
    # confirmed with an amount the page did not show (the case or the form changed): asked again, nothing paid
    stale = operator.post(f"{case}/arbitrate?lang=en", data={**ruling, "confirmed": "yes", "expect": "5990"}, headers=ORIGIN)
    assert stale.status_code == 200 and "check the amount below again" in stale.text
    assert "Partly refunded" not in ok(operator, case)
    done = operator.post(f"{case}/arbitrate", data={**ruling, "confirmed": "yes", "expect": "2500"}, headers=ORIGIN)
    assert done.status_code == 303
    page = ok(operator, case)
    assert "Partly refunded" in page and field(page, "refunded") == "$25.00" and "Seller (by the ruling)" in text_of(page)


def test_a_deadline_that_passes_changes_the_page(operator: TestClient, seeded: CaseSeed, db: Database,
                                                 clock: SimulatedClock) -> None:
    timers.advance_to(db, clock, at(14, 10) + timedelta(minutes=1))
    page = ok(operator, f"/cases/{seeded.reship['id']}")
    assert countdowns(page) == [] and "Refunded" in page and field(page, "refunded") == "$59.90"
    assert re.findall(r'<tr data-event="([a-z._]+)"', page)[-1] == "case.closed"
    assert ids(ok(operator, "/cases"), "case-id")[0] == seeded.taobao_refund["id"]


# --- seller metrics ------------------------------------------------------------------------------------

def test_metrics_show_the_six_figures_with_their_definitions(operator: TestClient, seeded: CaseSeed) -> None:
    page = ok(operator, f"/metrics?store={seeded.dhgate.store_id}")
    figures = {name: (text_of(value), text_of(definition)) for name, value, definition in re.findall(
        r'<tr data-metric="([a-z_]+)"><th>.*?</th><td class="num" data-field="value">(.*?)</td>'
        r'<td class="muted small" data-field="definition">(.*?)</td>', page, re.S)}
    assert list(figures) == ["dispute_rate", "seller_responsible_dispute_rate", "refund_rate", "on_time_shipping_rate",
                             "not_received_dispute_rate", "sold_not_shipped"]
    # 3 paid orders; one after-shipment case reached the platform: 1/3; both shipments on time; no 成交不卖 yet
    assert {k: v for k, (v, _) in figures.items()} == {
        "dispute_rate": "33.33%", "seller_responsible_dispute_rate": "0.00%", "refund_rate": "0.00%",
        "on_time_shipping_rate": "100.00%", "not_received_dispute_rate": "0.00%", "sold_not_shipped": "0"}
    assert "Only cases that reached the platform count" in figures["dispute_rate"][1]
    assert field(page, "period").startswith("2026-10-14 – 2026-11-12 (store time)")
    zh = ok(operator, f"/metrics?store={seeded.taobao.store_id}&lang=zh")
    assert "纠纷率" in zh and "成交不卖" in zh and "所有退款均计入" in zh


def test_metrics_count_sold_not_shipped_once_the_clock_refunds(operator: TestClient, seeded: CaseSeed, db: Database,
                                                                 clock: SimulatedClock) -> None:
    timers.advance_to(db, clock, at(19, 11))
    page = ok(operator, f"/metrics?store={seeded.dhgate.store_id}&from=2026-11-01&to=2026-11-30")
    assert re.search(r'data-metric="sold_not_shipped">.*?data-field="value">1<', page, re.S)
    assert field(page, "period").startswith("2026-11-01 – 2026-11-30")


@pytest.mark.parametrize("query", ["from=2026-13-01", "from=2026-11-20&to=2026-11-01", "from=0001-01-01", "to=9999-12-31",
                                   "from=2020-01-01&to=2026-01-01", "store=abc"])
def test_bad_metric_periods_are_messages_not_errors(operator: TestClient, query: str) -> None:
    assert "Some filters are not valid" in ok(operator, f"/metrics?{query}", status=400)


def test_agreeing_to_a_refund_after_shipment_names_the_refund_and_what_the_seller_keeps(taobao_staff: TestClient,
                                                                                      seeded: CaseSeed) -> None:
    case = f"/cases/{seeded.taobao_refund['id']}"
    asked = taobao_staff.post(f"{case}/accept?lang=en", headers=ORIGIN)
    assert field(asked.text, "money") == ("This refunds ¥20.00 to the buyer now; the rest of the money held for the order "
                                          "goes to the seller.")
    assert 'href="/cases/' in asked.text and "data-cancel" in asked.text  # and a way back without doing it
    assert 'data-field="refunded"' not in ok(taobao_staff, case)  # nothing paid yet
    done = taobao_staff.post(f"{case}/accept", data={"confirmed": "yes", "expect": "2000"}, headers=ORIGIN)
    assert done.status_code == 303 and field(ok(taobao_staff, case), "refunded") == "¥20.00"


# --- one home for a deadline's words (console/i18n_case_deadlines.py) ------------------------------

def test_every_clock_and_outcome_the_rules_return_is_worded_in_both_languages() -> None:
    # given the codes a rule's deadline is made of
    clocks, outcomes = typing.get_args(Clock), typing.get_args(Outcome)
    # then each has its words, for the page and for the one-line form, in English and in Chinese
    for lang in ("en", "zh"):
        words = STRINGS[lang]
        assert [c for c in clocks if f"case.clock.{c}" not in words or f"case.deadline.clock.{c}" not in words] == []
        assert [o for o in outcomes if f"case.deadline.outcome.{o}" not in words] == []
        assert "case.deadline.clock.shortage_agreement.proven" in words


def test_the_api_words_a_deadline_from_the_console_strings(api: Api, seeded: CaseSeed) -> None:
    # given a reship whose seller has not shipped yet
    case = api.get(f"/cases/{seeded.reship['id']}")
    # then its description is the one-line form of the console's words, in both languages
    assert case["next_deadline"]["description"] == {
        "en": "the seller has not reshipped within 7 days; then the buyer is refunded",
        "zh": "若卖家未在 7 天内重新发货并填写运单号，系统退款给买家",
    }
