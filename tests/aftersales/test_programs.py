"""Mogujie quality supply-chain merchant, initial review (RULES.md §7.4), with the default rulebook's thresholds."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from shopkeeper.aftersales.programs import MerchantFigures, quality_merchant_review
from shopkeeper.errors import InvalidInput
from shopkeeper.rulebooks.programs import mogujie_quality_merchant

BOOK = mogujie_quality_merchant()
D = Decimal
# a store exactly at every edge: 3 stars, 50% denim share, 98% on time, return rate just below average, 100% QC
EDGE = MerchantFigures(star_level=3, denim_gmv_share=D("0.50"), on_time_shipping_rate=D("0.98"),
                       denim_return_rate=D("0.0799"), industry_denim_return_rate=D("0.08"), qc_pass_rate=D("1"))


def test_the_thresholds_come_from_the_rulebook() -> None:
    assert (BOOK.min_star_level, BOOK.min_denim_gmv_share, BOOK.denim_gmv_share_inclusive, BOOK.min_on_time_shipping_rate,
            BOOK.min_qc_pass_rate) == (3, D("0.50"), True, D("0.98"), D("1"))


def test_a_store_at_every_edge_passes_and_each_criterion_shows_value_and_threshold() -> None:
    """§15 #24: 以上 is inclusive: 3 stars, exactly 50% and exactly 98% pass."""
    review = quality_merchant_review(EDGE, BOOK)
    assert review.passed and review.failed == ()
    assert [(c.name, c.value, c.comparison, c.threshold, c.passed) for c in review.criteria] == [
        ("star_level", D(3), ">=", D(3), True),
        ("denim_gmv_share", D("0.50"), ">=", D("0.50"), True),
        ("on_time_shipping_rate", D("0.98"), ">=", D("0.98"), True),
        ("denim_return_rate", D("0.0799"), "<", D("0.08"), True),
        ("qc_pass_rate", D("1"), ">=", D("1"), True),
    ]


@pytest.mark.parametrize("change, failed", [
    ({"star_level": 2}, "star_level"),
    ({"denim_gmv_share": D("0.4999")}, "denim_gmv_share"),
    ({"on_time_shipping_rate": D("0.9799")}, "on_time_shipping_rate"),  # 97.99% fails
    ({"denim_return_rate": D("0.08")}, "denim_return_rate"),  # equal to the average is not below it
    ({"qc_pass_rate": D("0.9999")}, "qc_pass_rate"),
])
def test_just_past_an_edge_fails_that_criterion_and_the_review(change: dict[str, object], failed: str) -> None:
    review = quality_merchant_review(replace(EDGE, **change), BOOK)  # type: ignore[arg-type]
    assert not review.passed and review.failed == (failed,)


def test_the_exclusive_reading_of_the_share_is_a_rulebook_switch() -> None:
    """Read as "above 50%" (exclusive), exactly 50% fails and anything above passes."""
    strict = replace(BOOK, denim_gmv_share_inclusive=False)
    assert quality_merchant_review(EDGE, strict).failed == ("denim_gmv_share",)
    assert quality_merchant_review(replace(EDGE, denim_gmv_share=D("0.5001")), strict).passed


def test_several_failures_are_all_listed() -> None:
    weak = replace(EDGE, star_level=1, qc_pass_rate=D("0.95"), on_time_shipping_rate=D("0.90"))
    assert quality_merchant_review(weak, BOOK).failed == ("star_level", "on_time_shipping_rate", "qc_pass_rate")


@pytest.mark.parametrize("change", [{"on_time_shipping_rate": D("98")}, {"qc_pass_rate": D("-0.1")}, {"star_level": -1},
                                    {"denim_gmv_share": D("NaN")}])
def test_figures_out_of_range_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        quality_merchant_review(replace(EDGE, **change), BOOK)  # type: ignore[arg-type]
