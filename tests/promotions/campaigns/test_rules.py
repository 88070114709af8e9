"""Campaign rules: phases and the length cap, the threshold price, and the sign-up checks (RULES.md §3.1–§3.5)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopkeeper.errors import InvalidInput
from shopkeeper.promotions.campaigns import rules
from shopkeeper.promotions.campaigns.rules import Phase, PricePoint, TickedSku
from shopkeeper.promotions.engine.benefits import UnitPrice
from shopkeeper.promotions.engine.terms import Audience, Scope


def at(month: int, day: int, hour: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.utc)


NOW = at(11, 2, 9)

# --- phases and the length cap ---------------------------------------------------------------------


def double_11() -> list[Phase]:
    """RULES.md §3.3 (dates taken as UTC here): momentum Oct 1–27, warm-up Oct 28–Nov 10, official Nov 11–12, review Nov 13–20."""
    return [Phase("review", at(11, 13), at(11, 21)), Phase("main", at(11, 11), at(11, 13)),
            Phase("build_up", at(10, 1), at(10, 28)), Phase("warm_up", at(10, 28), at(11, 11))]


def test_double_11_phases_come_back_in_order() -> None:
    # given Double 11's four phases listed out of order, when the campaign is set up on 20 Sep
    phases = rules.campaign_phases(at(10, 1), at(11, 21), double_11(), at(9, 20))
    # then they come back in the order they run
    assert [p.name for p in phases] == ["build_up", "warm_up", "main", "review"]


def test_without_phases_the_whole_window_is_the_main_phase() -> None:
    # given a campaign 11–12 Nov listing no phases, then its whole window is the main phase
    assert rules.campaign_phases(at(11, 11), at(11, 12), [], NOW) == (Phase("main", at(11, 11), at(11, 12)),)


@pytest.mark.parametrize("phases, message", [
    ([Phase("warm_up", at(11, 5), at(11, 12)), Phase("main", at(11, 11), at(11, 13))], "must start after warm_up ends"),
    ([Phase("main", at(11, 5), at(11, 8)), Phase("warm_up", at(11, 8), at(11, 10))], "must start after warm_up ends"),
    ([Phase("main", at(11, 11), at(11, 25))], "inside the campaign"),
    ([Phase("build_up", at(10, 20), at(11, 4)), Phase("main", at(11, 11), at(11, 13))], "inside the campaign"),
    ([Phase("warm_up", at(11, 5), at(11, 10))], "needs a main phase"),
    ([Phase("main", at(11, 11), at(11, 12)), Phase("main", at(11, 12), at(11, 13))], "once"),
    ([Phase("main", at(11, 12), at(11, 11))], "must end after it starts"),
])
def test_phases_must_be_ordered_inside_the_window_and_not_overlap(phases: list[Phase], message: str) -> None:
    # given a campaign 3–20 Nov whose phases overlap, run backwards, spill out, repeat or lack a main phase
    # when it is set up, then it is refused saying what is wrong
    with pytest.raises(InvalidInput, match=message):
        rules.campaign_phases(at(11, 3), at(11, 20), phases, NOW)


def test_touching_phases_and_gaps_between_them_are_fine() -> None:
    # given a warm-up ending as the main phase starts, and a gap of three days before the review
    phases = [Phase("warm_up", at(11, 3), at(11, 5)), Phase("main", at(11, 5), at(11, 7)), Phase("review", at(11, 10), at(11, 20))]
    # when the campaign is set up, then all three phases are kept
    assert len(rules.campaign_phases(at(11, 3), at(11, 20), phases, NOW)) == 3


def test_a_campaign_runs_at_most_90_days() -> None:
    """RULES.md §3.1 #3: start and end are mandatory and a campaign must not run indefinitely."""
    # given a campaign starting 3 Nov, then it may run exactly 90 days
    start = at(11, 3)
    assert rules.campaign_phases(start, start + timedelta(days=90), [], NOW)
    # when it runs a second longer, then it is refused
    with pytest.raises(InvalidInput, match="at most 90 days"):
        rules.campaign_phases(start, start + timedelta(days=90, seconds=1), [], NOW)
    # when it ends as it starts, then it is refused
    with pytest.raises(InvalidInput, match="end after it starts"):
        rules.campaign_phases(start, start, [], NOW)
    # when it would already be over on 2 Nov, then it is refused
    with pytest.raises(InvalidInput, match="already be over"):
        rules.campaign_phases(at(10, 1), at(11, 1), [], NOW)


def test_status_follows_the_clock_and_the_phases() -> None:
    # given Double 11 set up on 1 Sep
    phases = rules.campaign_phases(at(10, 1), at(11, 21), double_11(), at(9, 1))
    def status(now: datetime, cancelled: bool = False) -> str:
        return rules.campaign_status(at(10, 1), at(11, 21), phases, cancelled, now)
    # when the clock moves through it, then its status names the phase running
    assert [status(at(9, 30)), status(at(10, 1)), status(at(11, 10, 23)), status(at(11, 11)), status(at(11, 13)),
            status(at(11, 21))] == ["upcoming", "build_up", "warm_up", "main", "review", "ended"]
    # when it is cancelled, then it is cancelled whatever the clock says
    assert status(at(11, 11), cancelled=True) == "cancelled"
    # given a gap between the main phase and the review, then a moment in it is between phases
    gap = (Phase("main", at(11, 11), at(11, 12)), Phase("review", at(11, 15), at(11, 20)))
    assert rules.campaign_status(at(11, 11), at(11, 20), gap, False, at(11, 13)) == "between_phases"


# --- the threshold price ---------------------------------------------------------------------------

# A SKU listed at 65.00 on 10 Jan, cut to 55.00 on 1 Mar, raised to 69.90 on 1 Jun.
HISTORY = [PricePoint(at(1, 10), None, 6500), PricePoint(at(3, 1), 6500, 5500), PricePoint(at(6, 1), 5500, 6990)]


def test_calendar_year_basis_is_the_lowest_price_since_1_january() -> None:
    """RULES.md §3.2 (AliExpress): a percentage off the lowest base price since the start of the calendar year."""
    # given a calendar-year basis on 2 Nov, then the period starts on 1 Jan
    since = rules.basis_since("calendar_year", None, NOW, "UTC")
    assert since == at(1, 1)
    # when the lowest price since then is read from the SKU's history, then it is the 55.00 of March
    basis = rules.lowest_price(HISTORY, 6990, since)
    assert basis == 5500
    # then 12% and 15% below it are the thresholds
    assert rules.threshold_price(basis, Decimal("0.12")) == 4840  # 55.00 × 0.88 = 48.40 exactly
    assert rules.threshold_price(basis, Decimal("0.15")) == 4675  # 55.00 × 0.85 = 46.75


def test_last_n_days_basis_is_the_lowest_price_in_those_days() -> None:
    # given a basis of the last 30 days on 2 Nov, then the period starts 30 days back
    since = rules.basis_since("last_n_days", 30, NOW, "UTC")
    assert since == NOW - timedelta(days=30)
    # when the lowest price in it is read, then it is 69.90
    basis = rules.lowest_price(HISTORY, 6990, since)  # only 69.90 was in effect from 3 Oct on
    assert basis == 6990
    # then 15% and 10% below it are the thresholds
    assert rules.threshold_price(basis, Decimal("0.15")) == 5941  # 69.90 × 0.85 = 59.415 → down to 59.41
    assert rules.threshold_price(basis, Decimal("0.10")) == 6291  # 62.91 exactly


def test_the_threshold_rounds_down_never_up() -> None:
    # given prices whose discounted value falls between two fen, then the threshold takes the lower
    assert rules.threshold_price(5990, Decimal("0.15")) == 5091  # 59.90 × 0.85 = 50.915 → 50.91 (half-up would say 50.92)
    assert rules.threshold_price(5490, Decimal("0.15")) == 4666  # 46.665 → 46.66
    # given no discount, then the threshold is the basis; given half off one fen, then it is nothing
    assert rules.threshold_price(999, Decimal("0")) == 999
    assert rules.threshold_price(1, Decimal("0.5")) == 0


def test_the_price_in_effect_when_the_period_starts_counts() -> None:
    # given a period starting 1 May, when 55.00, set on 1 Mar, was still the price then, then it counts
    since = at(5, 1)
    assert rules.lowest_price(HISTORY, 6990, since) == 5500
    # given no change before the period, then what the first change inside it replaced was the price at its start
    assert rules.lowest_price([PricePoint(at(6, 1), 4800, 6990)], 6990, at(5, 1)) == 4800
    # given a current price below every past one, then the current price counts too
    assert rules.lowest_price(HISTORY, 3900, NOW - timedelta(days=7)) == 3900


def test_the_calendar_year_starts_at_midnight_on_the_stores_clock() -> None:
    # given a Shanghai store at 02:00 UTC on 1 Jan, then its year began at 16:00 UTC on 31 Dec
    shanghai = rules.basis_since("calendar_year", None, datetime(2026, 1, 1, 2, tzinfo=timezone.utc), "Asia/Shanghai")
    assert shanghai == datetime(2025, 12, 31, 16, tzinfo=timezone.utc)
    # given a Los Angeles store at 05:00 UTC on 1 Jan, still 31 Dec there, then its year is 2025
    la = rules.basis_since("calendar_year", None, datetime(2026, 1, 1, 5, tzinfo=timezone.utc), "America/Los_Angeles")
    assert la == datetime(2025, 1, 1, 8, tzinfo=timezone.utc)


@given(basis=st.integers(0, 10**12), discount=st.decimals(min_value=0, max_value=Decimal("0.9999"), places=4))
def test_a_price_at_the_threshold_is_always_at_least_the_discount_below_the_basis(basis: int, discount: Decimal) -> None:
    # given any basis and discount, when the threshold is worked out
    threshold = rules.threshold_price(basis, discount)
    # then it is between nothing and the basis, and the highest whole fen at least the discount below the basis
    assert 0 <= threshold <= basis
    assert Decimal(threshold) <= Decimal(basis) * (1 - discount) < Decimal(threshold + 1)


def test_threshold_check_reports_its_numbers() -> None:
    # given a 54.90 basis and 15% off, when a SKU is signed up one fen above the 46.66 threshold
    over = rules.check_threshold(7, 4667, 5490, Decimal("0.15"), at(10, 3))
    # then the check fails and names the price, the basis and the threshold
    assert (over.passed, over.sku_id, dict(over.money)) == (False, 7, {"price": 4667, "basis": 5490, "threshold": 4666})
    # when it is signed up at the threshold, then the check passes
    assert rules.check_threshold(7, 4666, 5490, Decimal("0.15"), at(10, 3)).passed


# --- stock (RULES.md §3.5) -------------------------------------------------------------------------


def test_lowest_price_sku_mode_looks_at_the_cheapest_ticked_sku_only() -> None:
    # given the cheapest ticked SKU has 3 in stock and a dearer one 500
    ticked = [TickedSku(1, 5990, 3), TickedSku(2, 6500, 500)]
    # when 10 are needed on the lowest-priced SKU
    result = rules.check_stock("lowest_price_sku", 10, ticked)
    # then the check fails on the cheapest SKU, counting its 3
    assert (result.passed, result.sku_id, result.facts["counted"]) == (False, 1, 3)


def test_when_several_skus_share_the_lowest_price_any_one_with_enough_stock_suffices() -> None:
    # given two SKUs at the lowest price, with 5 and 60 in stock
    ticked = [TickedSku(1, 4900, 5), TickedSku(2, 4900, 60), TickedSku(3, 5900, 200)]
    # when 50 are needed, then the one with 60 passes for both
    result = rules.check_stock("lowest_price_sku", 50, ticked)
    assert (result.passed, result.sku_id, result.facts["sku_ids"]) == (True, 2, [1, 2])
    # when 61 are needed, then neither has enough
    assert not rules.check_stock("lowest_price_sku", 61, ticked).passed


def test_product_mode_adds_up_every_ticked_sku() -> None:
    # given three ticked SKUs holding 265 between them
    ticked = [TickedSku(1, 4900, 5), TickedSku(2, 4900, 60), TickedSku(3, 5900, 200)]
    # when the product needs 265, then it passes; when 266, then it fails counting 265
    assert rules.check_stock("product", 265, ticked).passed
    refused = rules.check_stock("product", 266, ticked)
    assert (refused.passed, refused.facts["counted"]) == (False, 265)


# --- scope, window, one entry, tiers ---------------------------------------------------------------


def test_a_product_must_be_in_the_campaigns_store_categories_or_skus() -> None:
    # given a store-wide campaign of store 1, then its products pass and another store's do not
    store_wide = rules.ProductScope("store", frozenset(), store_id=1)
    assert rules.check_scope(store_wide, 1, None, [10]).passed
    assert not rules.check_scope(store_wide, 2, None, [10]).passed
    # given a platform campaign, then any store's products pass
    assert rules.check_scope(rules.ProductScope("store", frozenset(), None), 2, None, [10]).passed
    # given a campaign of categories 5 and 6, then a product in 6 passes, one in 7 or in none does not
    categories = rules.ProductScope("category", frozenset({5, 6}), 1)
    assert rules.check_scope(categories, 1, 6, [10]).passed and not rules.check_scope(categories, 1, 7, [10]).passed
    assert not rules.check_scope(categories, 1, None, [10]).passed
    # given a campaign of SKUs 10 and 11, when a product ticks 10, 12 and 13, then it fails naming 12 and 13
    skus = rules.check_scope(rules.ProductScope("sku", frozenset({10, 11}), 1), 1, None, [10, 12, 13])
    assert (skus.passed, skus.facts["outside"]) == (False, [12, 13])


def test_sign_up_closes_when_the_main_phase_starts() -> None:
    # given a main phase starting 11 Nov, then an hour before it sign-up is open and from its start closed
    assert rules.check_registration_window(at(11, 11), at(11, 10, 23)).passed
    assert not rules.check_registration_window(at(11, 11), at(11, 11)).passed


def test_one_accepted_entry_per_product() -> None:
    # given a product with no accepted entry, then it may sign up; given entry 42 accepted, then the check names it
    assert rules.check_one_entry(None).passed
    assert rules.check_one_entry(42).facts == {"entry_id": 42}


def test_the_four_product_tiers_and_where_each_goes() -> None:
    """RULES.md §3.4."""
    # given the tiers a product may sign up as, then there are four, each with the channels it enters
    assert set(get_args(rules.Tier)) == set(rules.TIER_ENTERS) == {"main_hit", "activity_item", "volume_item", "clearance_item"}
    # then clearance goes to the store's item discount only, and activity items to flash deals among others
    assert rules.TIER_ENTERS["clearance_item"] == ("store_item_discount",)
    assert "flash_deals" in rules.TIER_ENTERS["activity_item"]


# --- the promotion -------------------------------------------------------------------------------


def test_an_accepted_entry_becomes_an_activity_price_promotion() -> None:
    # given an exclusive 双11 campaign for gold members and above, two units a buyer, no points
    main = Phase("main", at(11, 11), at(11, 13))
    campaign = rules.CampaignTerms(id=3, theme="双11", audience=rules.audience("min_level", "gold"), stacking="exclusive",
                                   earns_points=False, per_account_limit=2, main=main)
    # when entry 9 of store 1 is accepted with two SKU prices
    promo = rules.entry_promotion(campaign, 9, 1, {10: 4666, 11: 5525})
    # then it prices those SKUs during the main phase, on the campaign's terms
    assert promo.benefit == UnitPrice(prices={10: 4666, 11: 5525})
    assert promo.scope == Scope("sku", 1, frozenset({10, 11}))
    assert (promo.id, promo.name, promo.kind, promo.stacking, promo.earns_points, promo.allowance) == (9, "双11", "campaign", "exclusive", False, 2)
    assert promo.tags == frozenset({"campaign", "campaign:3"}) and (promo.starts_at, promo.ends_at) == (main.starts_at, main.ends_at)
    assert promo.audience == Audience(min_member_level="gold") and promo.stage == "item"
    # then a campaign for new customers or for all members has the audience it says
    assert rules.audience("new_customers", None) == Audience(customer="new")
    assert rules.audience("all_members", None) == Audience()
