"""Programme reviews on a store's figures: Mogujie's quality supply-chain merchant (RULES.md §7.4).

Pure: the caller brings the store's figures and the rulebook's thresholds; each
criterion comes back with its value, threshold and verdict, so a desk can show
why a store passed or failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from shopkeeper.errors import InvalidInput
from shopkeeper.rulebooks.programs import QualityMerchantThresholds

CriterionName = Literal["star_level", "denim_gmv_share", "on_time_shipping_rate", "denim_return_rate", "qc_pass_rate"]
Comparison = Literal[">=", ">", "<"]


@dataclass(frozen=True)
class MerchantFigures:
    """A women's-denim store's figures; rates and shares are fractions ("0.98" is 98%)."""

    star_level: int  # 店铺星级
    denim_gmv_share: Decimal  # last 30 days: share of GMV from denim-related categories
    on_time_shipping_rate: Decimal  # last 30 days: 按时发货率
    denim_return_rate: Decimal  # last 30 days: return rate of denim-related products
    industry_denim_return_rate: Decimal  # the industry average (行业均值) it is measured against
    qc_pass_rate: Decimal  # last 90 days: quality-inspection pass rate of denim-related products


@dataclass(frozen=True)
class Criterion:
    name: CriterionName
    value: Decimal
    comparison: Comparison  # value <comparison> threshold passes
    threshold: Decimal
    passed: bool


@dataclass(frozen=True)
class QualityMerchantReview:
    """The initial review (初审); the second (复审: on-site inspection, operations plan) is a person's."""

    criteria: tuple[Criterion, ...]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.criteria)

    @property
    def failed(self) -> tuple[CriterionName, ...]:
        return tuple(c.name for c in self.criteria if not c.passed)


def _criterion(name: CriterionName, value: Decimal, comparison: Comparison, threshold: Decimal) -> Criterion:
    passed = value >= threshold if comparison == ">=" else value > threshold if comparison == ">" else value < threshold
    return Criterion(name, value, comparison, threshold, passed)


def _check(f: MerchantFigures) -> None:
    if f.star_level < 0:
        raise InvalidInput(f"a star level is 0 or more, not {f.star_level}")
    for name in ("denim_gmv_share", "on_time_shipping_rate", "denim_return_rate", "industry_denim_return_rate", "qc_pass_rate"):
        value: Decimal = getattr(f, name)
        if not value.is_finite() or not 0 <= value <= 1:
            raise InvalidInput(f"{name} is a fraction from 0 to 1, not {value}")


def quality_merchant_review(figures: MerchantFigures, thresholds: QualityMerchantThresholds) -> QualityMerchantReview:
    """Mogujie quality supply-chain merchant, initial review (RULES.md §7.4): every criterion must pass.

    Readings (§15 #24): "3星及以上", "50%以上" and "98%以上" are inclusive (≥), the share's as the rulebook says;
    "低于行业均值" is strictly below; 100% QC means every inspection passed.
    """
    _check(figures)
    t = thresholds
    return QualityMerchantReview((
        _criterion("star_level", Decimal(figures.star_level), ">=", Decimal(t.min_star_level)),
        _criterion("denim_gmv_share", figures.denim_gmv_share, ">=" if t.denim_gmv_share_inclusive else ">",
                   t.min_denim_gmv_share),
        _criterion("on_time_shipping_rate", figures.on_time_shipping_rate, ">=", t.min_on_time_shipping_rate),
        _criterion("denim_return_rate", figures.denim_return_rate, "<", figures.industry_denim_return_rate),
        _criterion("qc_pass_rate", figures.qc_pass_rate, ">=", t.min_qc_pass_rate),
    ))
