"""Platform programmes a store is reviewed for, typed (RULES.md §7.4).

The thresholds live in a rulebook's optional `[programs]` table (the default
rulebook carries them); `shopkeeper.aftersales.programs` reads them and holds
no number of its own.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from shopkeeper.errors import InvalidInput
from shopkeeper.rulebooks import check


@dataclass(frozen=True)
class QualityMerchantThresholds:
    """Mogujie quality supply-chain merchant (品类优质供应链商家), the initial review (初审)."""

    min_star_level: int
    min_denim_gmv_share: Decimal  # a fraction: "0.50" is 50%
    denim_gmv_share_inclusive: bool  # 以上: exactly the share passes
    min_on_time_shipping_rate: Decimal
    min_qc_pass_rate: Decimal


def parse_quality_merchant(t: dict[str, Any]) -> QualityMerchantThresholds:
    return QualityMerchantThresholds(
        min_star_level=t["min_star_level"], min_denim_gmv_share=Decimal(t["min_denim_gmv_share"]),
        denim_gmv_share_inclusive=t["denim_gmv_share_inclusive"],
        min_on_time_shipping_rate=Decimal(t["min_on_time_shipping_rate"]), min_qc_pass_rate=Decimal(t["min_qc_pass_rate"]),
    )


@cache
def mogujie_quality_merchant(rulebook: str = "default") -> QualityMerchantThresholds:
    """The thresholds of a shipped rulebook (checked first); `InvalidInput` when it has none."""
    source = resources.files(__package__).joinpath(f"{rulebook}.toml").read_text(encoding="utf-8")
    problems = check.check_text(source)
    if problems:
        raise InvalidInput(f"rulebook {rulebook!r} is not valid: " + "; ".join(problems), problems=problems)
    table = tomllib.loads(source).get("programs", {}).get("mogujie_quality_merchant")
    if table is None:
        raise InvalidInput(f"rulebook {rulebook!r} has no [programs.mogujie_quality_merchant] table")
    return parse_quality_merchant(table)
