"""Promotions in words: benefit summaries, scopes, audiences, kinds, campaign checks, the order's promotions section."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from shopkeeper.console import filters, promotion_text
from shopkeeper.console.i18n import EN, ZH
from shopkeeper.console.order_pricing import pricing_view, refs_of
from shopkeeper.console.promotion_text import amount, audience_text, check_text, kind_name, scope_text, summary
from shopkeeper.promotions.schemas import KIND_NAMES, KINDS


def reduction(*tiers: tuple[int, int], **extra: Any) -> dict[str, Any]:
    return {"type": "reduction", "tiers": [{"threshold": t, "amount_off": a, "percent_off": None} for t, a in tiers],
            "basis": "amount", "every": None, "cap": None, **extra}


def unit_price(**given: Any) -> dict[str, Any]:
    return {"type": "unit_price", "price": None, "prices": {}, "percent_off": None, "amount_off": None, "cap": None,
            "floor_percent": None, **given}


@pytest.mark.parametrize("benefit, kind, zh, en", [
    (reduction((10000, 1000), (20000, 3000)), None, "满¥100减¥10，满¥200减¥30", "¥10 off ¥100+, ¥30 off ¥200+"),
    (reduction((20000, 3000), every=20000, cap=9000), None, "每满¥200减¥30，封顶¥90", "¥30 off every ¥200, up to ¥90"),
    (reduction((0, 500)), None, "立减¥5", "¥5 off"),
    ({"type": "reduction", "tiers": [{"threshold": 2, "amount_off": 0, "percent_off": "0.2"}], "basis": "quantity"}, None,
     "满2件打8折", "20% off 2+ items"),
    ({"type": "reduction", "tiers": [{"threshold": 0, "percent_off": "0.15"}], "cap": 5000}, None,
     "打8.5折，最高减¥50", "15% off, at most ¥50 off"),
    ({"type": "reduction", "tiers": [{"threshold": 3, "amount_off": 1000}], "basis": "quantity", "every": 3}, None,
     "每满3件减¥10", "¥10 off every 3 items"),
    ({"type": "nth_unit", "every": 2, "percent_off": "0.5", "price": None, "same_sku": True}, "second_unit",
     "第2件5折", "2nd item 50% off"),
    ({"type": "nth_unit", "every": 3, "percent_off": "1", "price": None, "same_sku": False}, "buy_n_free_one",
     "买3免1（不同款可混搭）", "3rd item free (SKUs may mix)"),
    ({"type": "nth_unit", "every": 2, "percent_off": None, "price": 100, "same_sku": True}, "add_on_unit",
     "加¥1多一件", "One more for ¥1"),
    ({"type": "nth_unit", "every": 4, "percent_off": None, "price": 990}, None, "第4件¥9.90", "4th item for ¥9.90"),
    (unit_price(price=4990), "member_price", "¥49.90 (会员价)", "¥49.90 (Member price)"),
    (unit_price(price=990), None, "¥9.90 (活动价)", "¥9.90 (promo price)"),
    (unit_price(percent_off="0.2", floor_percent="0.1"), "price_floor", "8折，最低1折", "20% off, never below 10% of list"),
    (unit_price(amount_off=500), None, "每件减¥5", "¥5 off each"),
    (unit_price(cap=5000), "price_cap", "每件最高¥50", "At most ¥50 each"),
    (unit_price(prices={"1": 3990, "2": 4590}), None, "按SKU定价，¥39.90起", "Per-SKU prices from ¥39.90"),
    (unit_price(prices={"1": 3990}), "flash_sale", "¥39.90 (秒杀)", "¥39.90 (Flash sale)"),
    ({"type": "free_shipping", "threshold": 2, "basis": "quantity"}, None, "满2件包邮", "Free shipping on 2+ items"),
    ({"type": "free_shipping", "threshold": 9900, "basis": "amount"}, None, "满¥99包邮", "Free shipping on ¥99+"),
    ({"type": "free_shipping", "threshold": 0, "basis": "amount"}, None, "包邮", "Free shipping"),
    ({"type": "bundle", "items": {"1": 1, "2": 2}, "price": 9900}, None, "套餐价¥99（共3件）", "Bundle of 3 items for ¥99"),
    ({"type": "points_price", "cash": 3990, "points": 100}, None, "¥39.90 + 100积分", "¥39.90 + 100 points"),
    ({"type": "gift", "sku_id": 7, "quantity": 1, "threshold": 10000, "basis": "amount", "per_threshold": False, "max_sets": 10},
     None, "满¥100送 SKU #7 ×1", "Free SKU #7 ×1 with ¥100+"),
    ({"type": "gift", "sku_id": 7, "quantity": 2, "threshold": 2, "basis": "quantity", "per_threshold": True, "max_sets": 5},
     None, "每满2件送 SKU #7 ×2，最多5份", "Free SKU #7 ×2 for every 2 items, up to 5 sets"),
    ({"type": "gift", "sku_id": 7, "quantity": 1, "threshold": 0}, None, "买即送 SKU #7 ×1", "Free SKU #7 ×1"),
    ({"type": "bulk_price", "tiers": [{"min_quantity": 3, "percent_off": "0.2"}, {"min_quantity": 2, "percent_off": "0.1"}]},
     None, "满2件9折，满3件8折", "10% off on 2+ items, 20% off on 3+ items"),
])
def test_summary(benefit: dict[str, Any], kind: str | None, zh: str, en: str) -> None:
    assert summary(benefit, "CNY", "zh", kind=kind) == zh
    assert summary(benefit, "CNY", "en", kind=kind) == en


def test_early_bird_steps_are_read_on_the_stores_clock() -> None:
    benefit = {"type": "early_bird", "steps": [{"until": "2026-11-25T16:00:00+00:00", "percent_off": "0.1"},
                                               {"until": "2026-11-20T16:00:00+00:00", "percent_off": "0.2"}]}
    assert summary(benefit, "CNY", "zh", zone="Asia/Shanghai") == "11-21 00:00前8折，11-26 00:00前9折"
    assert summary(benefit, "CNY", "en") == "20% off until 11-20 16:00, 10% off until 11-25 16:00"


def test_gift_names_and_other_currencies() -> None:
    gift = {"type": "gift", "sku_id": 7, "quantity": 1, "threshold": 10000}
    assert summary(gift, "CNY", "zh", sku_names={7: "TEE-BLU-L"}) == "满¥100送 TEE-BLU-L ×1"
    assert summary(reduction((10000, 1000)), "JPY", "en") == "¥1,000 off ¥10,000+"
    assert summary(reduction((10000, 1050)), "USD", "en") == "$10.50 off $100+"
    assert summary(reduction((10000, 1000)), "CHF", "en") == "10 CHF off 100 CHF+"
    assert amount(123456, "CNY") == "¥1,234.56" and amount(120000, "CNY") == "¥1,200"


def test_unknown_benefits_show_their_type() -> None:
    assert summary({"type": "mystery"}, "CNY", "en") == "mystery"
    assert summary({}, "CNY", "zh") == "—"
    assert summary(unit_price(), "CNY", "en") == "—"


def test_every_kind_has_a_name_in_both_languages() -> None:
    assert set(KIND_NAMES) == set(KINDS)
    for kind, (zh, en) in KIND_NAMES.items():
        assert zh.strip() and en.strip() and zh != en, kind
    assert kind_name("threshold_reduction", "zh") == "满减" and kind_name("threshold_reduction", "en") == "Threshold reduction"
    assert kind_name("coupon_cash", "zh") == "无门槛券" and kind_name("coupon_free_shipping", "en") == "Free-shipping coupon"
    assert kind_name("campaign", "zh") == "活动价"
    assert kind_name("coupon_mystery", "en") == "coupon_mystery" and kind_name("brand_new", "zh") == "brand_new"


def test_scope_text() -> None:
    assert scope_text({"level": "store"}, "zh") == "全店"
    assert scope_text({"level": "platform"}, "en") == "Whole platform"
    assert scope_text({"level": "sku", "ids": [1, 2], "exclude_sku_ids": []}, "en", {1: "TEE-RED-M"}) == "SKUs: TEE-RED-M, #2"
    assert scope_text({"level": "category", "ids": list(range(1, 9))}, "zh") == "指定类目：#1, #2, #3, #4, #5 等3项"
    assert scope_text({"level": "product", "ids": list(range(1, 9))}, "en", limit=None).endswith("#8")
    assert scope_text({"level": "store", "exclude_sku_ids": [9]}, "zh", {9: "GIFT-1"}) == "全店，不含 GIFT-1"
    assert scope_text({"level": "store", "exclude_sku_ids": [9]}, "en") == "Whole store, except #9"
    # product ids and SKU ids are different numbers: exclusions are labelled from the SKU names
    assert scope_text({"level": "product", "ids": [1], "exclude_sku_ids": [1]}, "en", {1: "Tee"}, sku_names={1: "TEE-RED-M"}) \
        == "Products: Tee, except TEE-RED-M"


def test_audience_text() -> None:
    assert audience_text({}, "zh") == "所有买家"
    assert audience_text({"min_member_level": "regular", "customer": "any"}, "en") == "Everyone"
    everyone_but = {"min_member_level": "gold", "customer": "new", "birthday_month": True, "buyer_ids": [1, 2]}
    assert audience_text(everyone_but, "zh") == "黄金及以上会员，新客，生日当月，定向 2 位买家"
    assert audience_text(everyone_but, "en") == "Gold members and above, new customers, in their birthday month, 2 targeted buyers"
    assert audience_text({"customer": "returning"}, "en") == "Returning customers"


def test_campaign_checks_in_words() -> None:
    threshold = {"name": "threshold_price", "passed": False, "detail": "…", "sku_id": 3,
                 "money": {"price": 5800, "basis": 5990, "threshold": 5091}, "facts": {}}
    assert check_text(threshold, "CNY", "en", {3: "TEE-RED-M"}) == "TEE-RED-M: ¥58.00 is above the threshold ¥50.91 (basis ¥59.90)"
    assert check_text(threshold, "CNY", "zh") == "SKU #3：活动价 ¥58.00 高于门槛价 ¥50.91（基准价 ¥59.90）"
    window = {"name": "registration_window", "passed": True, "facts": {"closes_at": "2026-11-11T00:00:00+00:00"}}
    assert check_text(window, "CNY", "zh", zone="Asia/Shanghai") == "报名开放至 2026-11-11 08:00"
    assert check_text({"name": "stock", "passed": False, "facts": {"counted": 3, "min_stock": 50}}, "CNY", "en") == "Stock 3, needs 50"
    assert check_text({"name": "one_entry", "passed": False, "facts": {"entry_id": 4}}, "CNY", "en") == \
        "Already in this campaign (entry #4)"
    assert check_text({"name": "brand_new_check", "passed": True, "detail": "as stored"}, "CNY", "zh") == "as stored"


# --- the order's promotions section ---------------------------------------------------------------

def _line(**given: Any) -> SimpleNamespace:
    base = dict(title="Tee", sku_code="TEE", options={}, quantity=2, gift=False, sku_id=1, line_total_minor=11980,
                discount_minor=1000, payable_minor=10980, points_spent=0,
                discounts=[{"promotion": "promotion:1", "funder": "store", "minor": 1000}])
    return SimpleNamespace(**{**base, **given})


def _order(pricing: dict[str, Any] | None) -> SimpleNamespace:
    return SimpleNamespace(pricing=pricing, currency="CNY", points_spent=0, points_earned=109, platform_funded_minor=0)


PRICING = {
    "search": "single",
    "verdicts": [
        {"promotion": "promotion:1", "name": "满100减10", "kind": "threshold_reduction", "stage": "order", "funder": "store",
         "applied": True, "amount_minor": 1000, "reason": "applied", "detail": {}},
        {"promotion": "promotion:2", "name": "金卡价", "kind": "member_price", "stage": "item", "funder": "store",
         "applied": False, "amount_minor": 0, "reason": "member_level_too_low", "detail": {"needs": "gold"}},
        {"promotion": "coupon:9", "name": "无门槛5元", "kind": "coupon_cash", "stage": "coupon", "funder": "store",
         "applied": False, "amount_minor": 0, "reason": "below_threshold", "detail": {"short": 1520, "threshold": 20000}},
    ],
    "hint": {"promotion": "promotion:1", "name": "满100减10", "basis": "amount", "short": 1520, "saves_minor": 2000,
             "free_shipping": False, "gift_sku_id": None},
    "steps": [{"sku_id": 1, "gift": False, "list_minor": 11980, "after": [{"promotion": "promotion:1", "amount_minor": 10980}]},
              {"sku_id": 2, "gift": True, "list_minor": 6500, "after": [{"promotion": "promotion:3", "amount_minor": 0}]}],
    "shipping": [{"store_id": 1, "fee_minor": 800, "payable_minor": 0}],
    "points_spent": 0, "points_earned": 109,
}


def test_pricing_view_joins_verdicts_lines_and_steps() -> None:
    gift = _line(sku_id=2, gift=True, quantity=1, line_total_minor=6500, discount_minor=6500, payable_minor=0,
                 discounts=[{"promotion": "promotion:3", "funder": "store", "minor": 6500}])
    view = pricing_view(_order(PRICING), [_line(), gift], "en", {"promotion:1": "/promotions/1"})
    assert view.recorded and view.applied_total == 1000 and view.search == "single"
    assert [(v.name, v.kind, v.applied, v.text, v.link) for v in view.verdicts] == [
        ("满100减10", "Threshold reduction", True, "saves ¥10.00", "/promotions/1"),
        ("金卡价", "Member price", False, "member level too low (needs gold)", None),
        ("无门槛5元", "Cash coupon", False, "needs ¥15.20 more (threshold ¥200.00)", None),
    ]
    assert view.hint == "Nearest threshold: 满100减10: Add ¥15.20 to save ¥20.00 more"
    first, second = view.lines
    assert first.path == [("满100减10", 10980)] and first.shares[0].link == "/promotions/1"
    assert second.gift and second.path == [("promotion:3", 0)]  # a promotion with no verdict shows its reference
    assert [(s.fee_minor, s.payable_minor) for s in view.shipping] == [(800, 0)]
    zh = pricing_view(_order(PRICING), [_line()], "zh")
    assert zh.verdicts[1].text == "会员等级不够（需 gold）" and zh.hint == "凑单提示：满100减10，再买 ¥15.20可再省 ¥20.00"
    assert refs_of(PRICING, [_line(), gift]) == {"promotion:1", "promotion:2", "coupon:9", "promotion:3"}


def test_pricing_view_of_an_order_without_a_recorded_decision() -> None:
    view = pricing_view(_order(None), [_line(discounts=[])], "en")
    assert not view.recorded and view.verdicts == [] and view.hint is None and view.lines[0].path == []
    assert refs_of(None, []) == set()


# --- list filters, dictionary ---------------------------------------------------------------------

def test_list_filters() -> None:
    parsed = filters.parse_list({"store": "platform", "status": "paused", "before": "12"}, [1], ["active", "paused"], platform=True)
    assert parsed.problems == [] and parsed.list_filter == filters.ListFilter(None, True, "paused", 12)
    parsed = filters.parse_list({"store": "platform"}, [1], ["active"])
    assert [p.key for p in parsed.problems] == ["list.bad.store"]
    parsed = filters.parse_list({"store": "2", "status": "gone", "before": "-1"}, [1], ["active"])
    assert [p.key for p in parsed.problems] == ["list.bad.store", "list.bad.status", "list.bad.before"]
    assert filters.parse_list({"store": " 1 "}, [1], []).list_filter.store_id == 1


def test_the_dictionary_has_no_key_twice() -> None:
    source = ast.parse(Path(promotion_text.__file__).with_name("i18n.py").read_text(encoding="utf-8"))
    for node in source.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Dict) and node.target.id in ("EN", "ZH"):  # type: ignore[union-attr]
            keys = [k.value for k in node.value.keys if isinstance(k, ast.Constant)]
            assert len(keys) == len(set(keys)), [k for k in keys if keys.count(k) > 1]
    assert len(EN) == len(ZH)
