"""Tracking scans as pure rules: what a scan does to an order, one name per scan, the tracking file's layout."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.errors import InvalidInput
from shopkeeper.fulfillment.tracking import KINDS, OrderFacts, TrackingReport, dedupe_key, read_csv, steps_for
from support import examples

T0 = datetime(2026, 12, 5, 2, 0, tzinfo=timezone.utc)
WAITING = OrderFacts(labelled=True, shipped=False, picked_up=False, delivered=False)


def test_the_carriers_first_scan_ships_a_labelled_order_before_acting() -> None:
    assert steps_for("picked_up", WAITING) == ("ship", "pickup")
    assert steps_for("in_transit", WAITING) == ("ship",)
    assert steps_for("delivered", WAITING) == ("ship", "deliver")


def test_an_unlabelled_unshipped_order_is_left_alone_and_customs_only_announces() -> None:
    bare = OrderFacts(labelled=False, shipped=False, picked_up=False, delivered=False)
    assert steps_for("picked_up", bare) == steps_for("delivered", bare) == ()
    assert steps_for("held_by_customs", WAITING) == ("announce",) == steps_for("returned", bare)


def test_a_scan_already_acted_on_does_nothing_more() -> None:
    done = OrderFacts(labelled=False, shipped=True, picked_up=True, delivered=True)
    assert steps_for("picked_up", done) == steps_for("delivered", done) == steps_for("in_transit", done) == ()
    # a pickup after the delivery still records the pickup (scans out of order)
    delivered = OrderFacts(labelled=False, shipped=True, picked_up=False, delivered=True)
    assert steps_for("picked_up", delivered) == ("pickup",)


@settings(max_examples=examples(100))
@given(kind=st.sampled_from(KINDS), hours=st.integers(-14, 14), minutes=st.integers(0, 59),
       number=st.from_regex(r"[A-Z]{2}[0-9]{9}[A-Z]{2}", fullmatch=True))
def test_the_same_scan_has_one_name_in_any_time_zone_and_case(kind: str, hours: int, minutes: int, number: str) -> None:
    zone = timezone(timedelta(hours=hours, minutes=minutes if hours >= 0 else -minutes))
    here = TrackingReport(number, kind, T0, "Hangzhou")
    there = TrackingReport(number.lower(), kind, T0.astimezone(zone), " hangzhou ")
    assert dedupe_key(here) == dedupe_key(there)
    assert dedupe_key(here) != dedupe_key(TrackingReport(number, kind, T0 + timedelta(seconds=1), "Hangzhou"))


def test_a_report_refuses_an_unknown_kind_a_naive_or_far_time_and_an_empty_number() -> None:
    with pytest.raises(InvalidInput):
        TrackingReport("LX1", "lost", T0)
    with pytest.raises(InvalidInput):
        TrackingReport("LX1", "delivered", T0.replace(tzinfo=None))
    with pytest.raises(InvalidInput):
        TrackingReport(" ", "delivered", T0)
    with pytest.raises(InvalidInput):
        TrackingReport("LX1", "delivered", datetime(9500, 1, 1, tzinfo=timezone.utc))


def test_a_tracking_file_gives_its_good_rows_and_each_bad_rows_line() -> None:
    text = ("\ufefftracking_number,kind,at,location\n"
            "LX000000013CN,picked_up,2026-12-05T10:00:00+08:00,Hangzhou\n"
            "LX000000027CN,lost,2026-12-05T10:00:00+08:00,\n"
            "LX000000027CN,delivered,yesterday,\n"
            "LX000000027CN,delivered,2026-12-06T10:00:00Z\n")
    good, bad = read_csv(text)
    assert [(line, r.tracking_number, r.kind) for line, r in good] == [(2, "LX000000013CN", "picked_up"),
                                                                     (5, "LX000000027CN", "delivered")]
    assert [p.line for p in bad] == [3, 4] and "lost" in bad[0].message
    assert read_csv("number,when\nX,Y\n")[1][0].message == "the header lacks tracking_number, kind, at"
