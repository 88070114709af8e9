"""积分: the balance is the sum of a ledger that never goes below zero."""

from __future__ import annotations


def test_points_are_a_ledger_that_never_goes_negative(shop) -> None:
    buyer = shop.buyer["id"]
    assert shop.operator.post(f"/buyers/{buyer}/points", {"delta": 500, "reason": "welcome"})["balance"] == 500
    assert shop.operator.post(f"/buyers/{buyer}/points", {"delta": -200, "reason": "redeemed"})["balance"] == 300
    refused = shop.operator.post(f"/buyers/{buyer}/points", {"delta": -301, "reason": "too much"}, expect=422)
    assert refused["code"] == "invalid-input"
    assert shop.shopper.get(f"/buyers/{buyer}/points")["balance"] == 300


def test_only_the_operator_adjusts_points(shop) -> None:
    buyer = shop.buyer["id"]
    shop.shopper.post(f"/buyers/{buyer}/points", {"delta": 10**6, "reason": "self-service"}, expect=403)
    shop.staff.post(f"/buyers/{buyer}/points", {"delta": 1, "reason": "x"}, expect=403)
    assert shop.shopper.get(f"/buyers/{buyer}/points")["balance"] == 0
