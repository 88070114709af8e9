"""Webhook rules (webhooks/rules.py): the signature a receiver checks, its five-minute replay window, the fixed retry
schedule, which events a subscription hears and where it may send them."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopkeeper.webhooks import rules
from support import examples

SECRET = "whsec_0123456789abcdef"
SENT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
BODY = b'{"id":42,"type":"order.paid","store_id":1,"subject":"order:7","at":"2026-11-02T09:00:00+00:00","data":{}}'


def test_the_signature_is_hex_hmac_sha256_of_timestamp_dot_body_with_the_secret() -> None:
    # given a body sent at a Unix timestamp; when it is signed; then it is v1=<HMAC-SHA256("<ts>.<body>")>
    timestamp = int(SENT.timestamp())
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert rules.sign(SECRET, timestamp, BODY) == f"v1={expected}"


def test_a_receiver_accepts_a_fresh_signed_body_and_refuses_a_changed_one_or_another_secret() -> None:
    timestamp = int(SENT.timestamp())
    signature = rules.sign(SECRET, timestamp, BODY)
    assert rules.verify(SECRET, str(timestamp), BODY, signature, now=SENT + timedelta(seconds=3))
    assert not rules.verify(SECRET, str(timestamp), BODY.replace(b"42", b"43"), signature, now=SENT)
    assert not rules.verify("whsec_other", str(timestamp), BODY, signature, now=SENT)
    # a signature moved to another timestamp does not verify either: the timestamp is signed
    assert not rules.verify(SECRET, str(timestamp + 1), BODY, signature, now=SENT)
    assert not rules.verify(SECRET, "not a number", BODY, signature, now=SENT)


@pytest.mark.parametrize(("late", "accepted"), [
    (timedelta(minutes=5), True),  # five minutes old: still inside the window
    (timedelta(minutes=5, seconds=1), False),  # older: a replay, refused
    (-timedelta(minutes=5, seconds=1), False),  # from a clock running ahead: refused too
])
def test_a_receiver_refuses_a_timestamp_more_than_five_minutes_from_its_clock(late: timedelta, accepted: bool) -> None:
    timestamp = int(SENT.timestamp())
    signature = rules.sign(SECRET, timestamp, BODY)
    assert rules.verify(SECRET, str(timestamp), BODY, signature, now=SENT + late) is accepted


@settings(max_examples=examples(40), deadline=None)
@given(body=st.binary(max_size=200), seconds=st.integers(min_value=0, max_value=300))
def test_whatever_is_signed_verifies_within_the_window(body: bytes, seconds: int) -> None:
    timestamp = int(SENT.timestamp())
    assert rules.verify(SECRET, str(timestamp), body, rules.sign(SECRET, timestamp, body),
                        now=SENT + timedelta(seconds=seconds))


def test_retries_follow_the_fixed_schedule_then_give_up_after_the_eighth_failure() -> None:
    # given failed attempts in a row; then the next waits 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 24 h; then none
    waits = [rules.next_attempt_after(failures) for failures in range(1, 9)]
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                     timedelta(hours=6), timedelta(hours=12), timedelta(hours=24), None]
    with pytest.raises(ValueError):
        rules.next_attempt_after(0)


@pytest.mark.parametrize(("code", "delivered"), [(200, True), (204, True), (299, True), (301, False), (404, False),
                                                 (500, False), (None, False)])
def test_only_a_2xx_is_a_delivery(code: int | None, delivered: bool) -> None:
    assert rules.succeeded(code) is delivered


def test_a_subscription_hears_its_prefixes_and_never_webhooks_own_events() -> None:
    assert rules.hears(["order.", "stock."], "order.paid")
    assert rules.hears(["order.paid"], "order.paid")
    assert not rules.hears(["order."], "case.opened")
    assert not rules.hears(["webhook."], "webhook.delivery_failed")  # a failure would feed itself


@pytest.mark.parametrize(("url", "development", "allowed"), [
    ("https://erp.example.com/hooks", False, True),
    ("http://erp.example.com/hooks", True, False),
    ("http://127.0.0.1:8080/hooks", True, True),
    ("http://localhost/hooks", True, True),
    ("http://127.0.0.1:8080/hooks", False, False),  # production: https only
    ("ftp://erp.example.com/", True, False),
    ("https:///nohost", False, False),
])
def test_webhooks_go_over_https_except_to_a_local_receiver_in_development(url: str, development: bool,
                                                                          allowed: bool) -> None:
    assert (rules.url_problem(url, development) is None) is allowed


def test_event_type_prefixes_are_named_like_event_types() -> None:
    assert rules.prefixes_problem(["order.", "case.", "stock.", "order.paid"]) is None
    assert rules.prefixes_problem([]) is not None
    assert rules.prefixes_problem(["Order."]) is not None
    assert rules.prefixes_problem(["webhook."]) is not None
    assert rules.prefixes_problem(["order."] * 21) is not None
