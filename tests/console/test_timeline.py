"""The timelines' words (console/timeline.py, its sentences in console/timeline_text.py): every event type the code
records reads as a sentence in both languages, with money as money and times on the store's clock, on the order and
the case pages."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from console.case_seed import CaseSeed, seed
from console.test_marketing_pages import console, text_of
from shopkeeper.clock import SimulatedClock
from shopkeeper.console import timeline, timeline_text
from shopkeeper.db import Database
from shopkeeper.promotions.campaigns.models import EntryStatus
from shopkeeper.promotions.service import PAST_TENSE
from support import Api

SRC = Path(timeline.__file__).resolve().parents[1]
STOCK_KINDS = ("receive", "adjust", "reserve", "release", "consume", "transfer_out", "transfer_in")  # inventory/models.py StockMovement.kind
# the types written by an f-string, as many as the expression can take
DYNAMIC = {
    "product.{'listed' if status == 'active' else 'delisted'}": ["product.listed", "product.delisted"],
    "stock.{kind}": [f"stock.{kind}" for kind in STOCK_KINDS],
    "promotion.{PAST_TENSE[action]}": [f"promotion.{past}" for past in PAST_TENSE.values()],
    "coupon.{PAST_TENSE[action]}": [f"coupon.{past}" for past in PAST_TENSE.values()],
    "campaign.entry_{status.value}": [f"campaign.entry_{status.value}" for status in EntryStatus],
    "supplier_payment.{request.status}": ["supplier_payment.approved", "supplier_payment.rejected"],
}


def recorded_types() -> set[str]:
    """Every event type in the source: `events.record(session, now, "<type>", ...)`, the f-string ones expanded,
    and the after-sales transitions' types (`Transition(case, "case.<type>")`, recorded by settlement.apply)."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for prefix, literal in re.findall(r'events\.record\(\s*session,\s*[^,]+,\s*(f?)"([^"]+)"', text):
            if prefix:
                assert literal in DYNAMIC, f"{path.name}: a new computed event type {literal!r}; list what it can be"
                found.update(DYNAMIC[literal])
            else:
                found.add(literal)
        if "aftersales" in path.parts:
            found.update(re.findall(r'"(case\.[a-z_]+)"', text))
    return found


def test_every_event_type_the_code_records_has_words_in_both_languages() -> None:
    types = recorded_types()
    assert {"order.placed", "order.picked_up", "case.closed", "stock.receive", "campaign.entry_rejected"} <= types
    assert sorted(types - set(timeline_text.SENTENCES)) == []
    for event_type, (en, zh) in timeline_text.SENTENCES.items():
        assert en and zh, event_type
        fields = {name for _, name, _, _ in string.Formatter().parse(en) if name}
        assert fields == {name for _, name, _, _ in string.Formatter().parse(zh) if name}, event_type
        assert not any(name.endswith("_minor") for name in fields), event_type


def test_money_is_money_times_are_on_the_store_clock_and_codes_are_words() -> None:
    paid = {"payment_id": 4, "amount_minor": 7397, "ship_by": "2026-11-05T06:00:00+00:00"}
    assert timeline.sentence("order.paid", paid, "en", "Asia/Shanghai", "CNY") == "Paid ¥73.97; ship by 2026-11-05 14:00"
    assert timeline.sentence("order.paid", paid, "zh", "Asia/Shanghai", "CNY") == "付款 ¥73.97，须在 2026-11-05 14:00 前发货"
    placed = {"number": "SK1", "buyer_id": 1, "total_minor": 7397, "discount_minor": 1000, "currency": "CNY", "lines": 2,
              "promotions": [3]}
    assert timeline.sentence("order.placed", placed, "en", "UTC", "USD") == "Order SK1 placed: 2 line(s), ¥73.97 to pay; ¥10.00 off"
    held = {"seconds_left": 3 * 86400 + 4 * 3600 + 59}
    assert timeline.sentence("order.receipt_held", held, "en", "UTC", "CNY") == (
        "Automatic receipt paused by an after-sales case, with 3d 4h left")
    assert timeline.sentence("order.receipt_held", held, "zh", "UTC", "CNY") == "售后处理中，自动确认收货暂停，剩余 3天4小时"
    closed = {"reason": "payment_window_passed", "by": "system", "refunded": False}
    assert timeline.sentence("order.closed", closed, "en", "UTC", "CNY") == "Closed by system: not paid in time"
    assert timeline.sentence("order.closed", closed, "zh", "UTC", "CNY") == "交易关闭（系统）：超时未付款"
    pickup = {"scanned_at": "2026-11-03T01:30:00+00:00", "counts_as_shipped": True, "late": True}
    assert timeline.sentence("order.picked_up", pickup, "en", "Asia/Shanghai", "CNY") == (
        "The carrier picked the parcel up at 2026-11-03 09:30; on this platform that is when it counts as shipped, "
        "after the ship-by deadline")
    case_closed = {"order_id": 9, "by": "platform", "stage": "closed", "step": None, "resolution": "partly_refunded",
                   "due_at": None, "refund_minor": 2000, "released_minor": 3990, "decision": "partial_refund",
                   "responsible": "seller"}
    assert timeline.sentence("case.closed", case_closed, "en", "UTC", "USD") == (
        "Case closed (platform): partly refunded; ruling: partial refund, responsible: seller; $20.00 refunded to the buyer; "
        "$39.90 released to the store")
    assert timeline.sentence("case.closed", case_closed, "zh", "UTC", "USD") == (
        "案件关闭（平台）：部分退款；裁决：部分退款，责任方：卖家；退款 $20.00 给买家；$39.90 放款给店铺")


def test_a_type_added_later_still_shows_what_happened() -> None:
    assert timeline.sentence("order.teleported", {"to": "Mars"}, "en", "UTC", "CNY") == "order.teleported to: Mars"


# --- on the pages --------------------------------------------------------------------------------------

@pytest.fixture
def seeded(api: Api, db: Database, clock: SimulatedClock) -> CaseSeed:
    return seed(api, db, clock)


@pytest.fixture
def operator(client: TestClient, operator_key: str, seeded: CaseSeed) -> Iterator[TestClient]:
    yield console(client, operator_key)


def timeline_rows(page: str) -> list[str]:
    table = page.split('<table class="timeline">', 1)[1].split("</table>", 1)[0]
    return [text_of(row) for row in re.findall(r"<tr data-event=.*?</tr>", table, re.S)]


def test_the_order_timeline_reads_in_words_in_the_page_language(operator: TestClient, seeded: CaseSeed) -> None:
    order_id = seeded.dispute["order_id"]
    english = timeline_rows(operator.get(f"/orders/{order_id}?lang=en").text)
    chinese = timeline_rows(operator.get(f"/orders/{order_id}?lang=zh").text)
    assert any("Paid $" in row and "; ship by 20" in row for row in english)
    assert any("Shipped with DHL, tracking number T" in row for row in english)
    assert any("付款 $" in row and "前发货" in row for row in chinese)
    for row in english + chinese:
        assert "_minor" not in row and "seconds_left" not in row and "T00:" not in row, row


def test_the_case_timeline_reads_in_words_with_the_rulebook_reason(operator: TestClient, seeded: CaseSeed) -> None:
    english = timeline_rows(operator.get(f"/cases/{seeded.dispute['id']}?lang=en").text)
    chinese = timeline_rows(operator.get(f"/cases/{seeded.dispute['id']}?lang=zh").text)
    assert english[0] == ("2026-11-07 18:00 Case opened Buyer opened a case: refund only, $59.90 asked; reason: About color; "
                          "responsible: seller; next deadline 2026-11-12 18:00")  # the DHgate store's clock: Beijing time
    assert "_minor" not in " ".join(english)
    assert "买家发起售后：仅退款，申请退款 $59.90；原因：" in chinese[0] and "About color" not in chinese[0]
    assert any("卖家将案件升级为平台纠纷" in row or "买家将案件升级为平台纠纷" in row for row in chinese)
