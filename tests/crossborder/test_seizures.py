"""Customs seizure: who answers for it, by cause (RULES.md §6.3; unknown cause per DHgate, §7.1.3)."""

from __future__ import annotations

import pytest

from shopkeeper.crossborder.seizures import RESPONSIBLE, SeizureCause, responsible_for_seizure
from shopkeeper.rulebooks.aftersales import PARTIES


@pytest.mark.parametrize("cause", ["unpaid-duties", "not-cooperating-with-clearance", "import-prohibited",
                                   "buyer-lacks-licence"])
def test_the_buyer_answers_for_seizures_on_the_import_side(cause: str) -> None:
    assert responsible_for_seizure(cause) == "buyer"


@pytest.mark.parametrize("cause", ["infringement", "counterfeit", "imitation", "declared-value-mismatch",
                                   "missing-seller-certificates"])
def test_the_seller_answers_for_what_it_sent(cause: str) -> None:
    assert responsible_for_seizure(cause) == "seller"


@pytest.mark.parametrize("cause", ["weather", "", None, "Counterfeit"])
def test_an_unknown_or_missing_cause_is_left_to_the_dispute(cause: str | None) -> None:
    """§7.1.3: "Package was intercepted by customs": the dispute establishes the reason, then the party."""
    assert responsible_for_seizure(cause) == "investigation"


def test_every_cause_has_a_party_after_sales_knows() -> None:
    assert set(RESPONSIBLE) == set(SeizureCause)
    assert set(RESPONSIBLE.values()) <= set(PARTIES)
